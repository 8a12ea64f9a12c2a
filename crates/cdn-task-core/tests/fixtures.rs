//! The documented sample bodies (API.md), and variations the service may send, decoded from files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly

use cdn_task_core::{
    DescribeRefreshTaskByIdResponse, ErrorCode, FailureReason, ObjectType, Process, ServiceErrorBody,
    TaskStatus, WireBody, parse_utc_timestamp,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn documented_json_sample_decodes() {
    let response = DescribeRefreshTaskByIdResponse::decode_json(&fixture("describe_response.json")).unwrap();
    assert_eq!(response.request_id, "E0C2EF95-B1EC-4C93-855E-2059A7DA2B7B");
    assert_eq!(response.total_count, 1);
    let task = &response.tasks[0];
    assert_eq!(task.task_id.as_str(), "12345678");
    assert_eq!(task.object_path, "http://example.com/abc.jpg");
    assert_eq!(task.object_type, ObjectType::File);
    assert_eq!(task.status, TaskStatus::Complete);
    assert_eq!(task.process, Process::COMPLETE);
    assert_eq!(
        task.creation_time,
        parse_utc_timestamp("2020-08-03T08:54:23Z").unwrap()
    );
    assert_eq!(task.description, None);
    assert!(task.succeeded());
}

#[test]
fn documented_xml_sample_decodes_with_entities_and_both_time_forms() {
    let response = DescribeRefreshTaskByIdResponse::decode_xml(&fixture("describe_response.xml")).unwrap();
    assert_eq!(response.total_count, 2);
    assert_eq!(response.tasks.len(), 2);
    let failed = &response.tasks[1];
    assert_eq!(failed.object_path, "http://example.com/dir/?a=1&b=2");
    assert_eq!(failed.object_type, ObjectType::Directory);
    assert_eq!(failed.process.basis_points(), 9937);
    assert_eq!(
        failed.creation_time,
        parse_utc_timestamp("2020-08-03T08:54:00Z").unwrap()
    );
    assert_eq!(failed.failure_reason(), Some(&FailureReason::OriginTimeout));
}

#[test]
fn json_and_xml_samples_agree_on_the_shared_task() {
    let json = DescribeRefreshTaskByIdResponse::decode_json(&fixture("describe_response.json")).unwrap();
    let xml = DescribeRefreshTaskByIdResponse::decode_xml(&fixture("describe_response.xml")).unwrap();
    assert_eq!(json.tasks[0], xml.tasks[0]);
    assert_eq!(json.request_id, xml.request_id);
}

#[test]
fn field_order_unknown_fields_and_unknown_values_are_tolerated() {
    let response =
        DescribeRefreshTaskByIdResponse::decode_json(&fixture("describe_response_mixed.json")).unwrap();
    assert_eq!(response.request_id, "R-MIXED");
    let [pending, failed, queued] = &response.tasks[..] else {
        panic!("three tasks expected")
    };
    assert_eq!(pending.object_type, ObjectType::Preload);
    assert_eq!(pending.object_path, "https://example.com/视频.mp4");
    assert_eq!(failed.failure_reason(), Some(&FailureReason::InternalError));
    assert_eq!(failed.object_path, r"https://example.com/.*\.png$");
    assert!(matches!(&queued.status, TaskStatus::Unknown(value) if value.as_str() == "Queued"));
    assert!(matches!(&queued.object_type, ObjectType::Unknown(value) if value.as_str() == "ignoreParams"));
    assert_eq!(queued.description, None, "an absent Description is no reason");
    assert!(!queued.is_terminal());
}

#[test]
fn zero_task_bodies_decode_in_both_formats() {
    for (name, format) in [
        ("describe_response_empty.json", cdn_task_core::Format::Json),
        ("describe_response_empty.xml", cdn_task_core::Format::Xml),
    ] {
        let response = DescribeRefreshTaskByIdResponse::decode(format, &fixture(name)).unwrap();
        assert_eq!(response.total_count, 0, "{name}");
        assert!(response.tasks.is_empty(), "{name}");
    }
}

#[test]
fn error_bodies_decode_in_both_formats() {
    let json = ServiceErrorBody::decode_json(&fixture("error_body.json")).unwrap();
    assert_eq!(json.code, ErrorCode::InvalidTaskIdMalformed);
    assert_eq!(json.message, "The specified TaskId is invalid.");
    assert!(json.recommend.as_deref().unwrap().contains("requestId=8906582E"));
    assert_eq!(
        json.to_string(),
        format!(
            "InvalidTaskId.Malformed: The specified TaskId is invalid. (request ID {})",
            json.request_id
        )
    );
    let xml = ServiceErrorBody::decode_xml(&fixture("error_body.xml")).unwrap();
    assert_eq!(xml.code, ErrorCode::ThrottlingUser);
    assert_eq!(xml.host_id, "cdn.aliyuncs.com");
    assert_eq!(xml.recommend, None);
    assert!(xml.code.is_retryable(400));
}

#[test]
fn an_error_body_is_not_a_response() {
    let error = DescribeRefreshTaskByIdResponse::decode_xml(&fixture("error_body.xml")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "XML root element is <Error>, expected <DescribeRefreshTaskByIdResponse>"
    );
    assert!(DescribeRefreshTaskByIdResponse::decode_json(&fixture("error_body.json")).is_err());
}
