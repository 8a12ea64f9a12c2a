//! Wire output and user-facing error messages, pinned with insta.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly

use cdn_task_core::{
    CreateTasksResponse, CreatedTaskKind, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse,
    ErrorCode, FailureReason, ObjectType, Operation, Process, RefreshObjectCaches, ServiceErrorBody, Task,
    TaskStatus, WireBody, parse_utc_timestamp,
};

fn sample_response() -> DescribeRefreshTaskByIdResponse {
    let time = |text| parse_utc_timestamp(text).unwrap();
    DescribeRefreshTaskByIdResponse::new(
        "E0C2EF95-B1EC-4C93-855E-2059A7DA2B7B",
        vec![
            Task::new(
                "12345678".parse().unwrap(),
                "http://example.com/abc.jpg?a=1&b=<2>",
                time("2020-08-03T08:54:23Z"),
            )
            .with_object_type(ObjectType::File)
            .with_status(TaskStatus::Complete)
            .with_process(Process::COMPLETE),
            Task::new(
                "23456789".parse().unwrap(),
                "http://example.com/目录/",
                time("2020-08-03T08:54Z"),
            )
            .with_object_type(ObjectType::Directory)
            .with_status(TaskStatus::Failed)
            .with_process("99.37%".parse().unwrap())
            .with_description(Some(FailureReason::OriginReturnStatusCode5xx)),
        ],
    )
}

#[test]
fn response_encodings() {
    let response = sample_response();
    insta::assert_snapshot!("response_json", response.encode_json());
    insta::assert_snapshot!("response_xml", response.encode_xml());
}

#[test]
fn error_body_encodings() {
    let body = ServiceErrorBody::for_code(
        ErrorCode::InvalidTaskIdMalformed,
        "8906582E-6722-409A-A6C4-0E7863B733A5",
    );
    insta::assert_snapshot!("error_json", body.encode_json());
    insta::assert_snapshot!("error_xml", body.encode_xml());
}

#[test]
fn create_task_encodings() {
    let response = CreateTasksResponse::new(
        "D61E4801-EAFF-4A63-AAE1-FBF6CE1CFD1C",
        CreatedTaskKind::Refresh,
        vec!["704225667".parse().unwrap(), "704225668".parse().unwrap()],
    );
    insta::assert_snapshot!("refresh_json", response.encode_json());
    insta::assert_snapshot!("refresh_xml", response.encode_xml());
}

#[test]
fn error_catalogue() {
    let table: Vec<String> = ErrorCode::KNOWN
        .iter()
        .map(|code| {
            format!(
                "{:<28} {} retry={:<5} {}",
                code.as_str(),
                code.http_status().unwrap(),
                code.is_retryable(code.http_status().unwrap()),
                code.message().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("error_catalogue", table.join("\n"));
}

/// An error and its causes, as `anyhow`'s `{:#}` prints them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Every message a user can meet when input is wrong, one per line: `input => message`.
#[test]
fn user_facing_error_messages() {
    let mut lines = Vec::new();
    let eleven = (1..=11).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let long = format!("{}x", "1".repeat(40));
    for text in [
        "",
        "  ",
        "1,,2",
        "1,2,",
        "1,abc",
        "1, 2 3",
        &long,
        "123456789012345678901",
        &eleven,
    ] {
        let error = text.parse::<cdn_task_core::TaskIdList>().unwrap_err();
        lines.push(format!("TaskIdList {text:?} => {}", chain(&error)));
    }
    for text in ["100", "abc%", "99.375%", "100.5%", ".5%"] {
        lines.push(format!(
            "Process {text:?} => {}",
            text.parse::<Process>().unwrap_err()
        ));
    }
    for text in ["2020-08-03 08:54:23", "2020-02-30T00:00:00Z"] {
        lines.push(format!(
            "time {text:?} => {}",
            parse_utc_timestamp(text).unwrap_err()
        ));
    }
    let decode =
        |format, body: &str| DescribeRefreshTaskByIdResponse::decode(format, body.as_bytes()).unwrap_err();
    use cdn_task_core::Format::{Json, Xml};
    let bodies: [(cdn_task_core::Format, &str); 12] = [
        (Json, ""),
        (Json, "{\"RequestId\":\"R\",\"Tasks\":["),
        (Json, "{\"RequestId\":\"R\"}"),
        (Json, "{\"RequestId\":\"R\",\"TotalCount\":\"x\"}"),
        (
            Json,
            "{\"RequestId\":\"R\",\"TotalCount\":1,\"Tasks\":[{\"TaskId\":\"1x\"}]}",
        ),
        (Xml, ""),
        (Xml, "<Error><Code>X</Code></Error>"),
        (Xml, "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>"),
        (
            Xml,
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><RequestId>S</RequestId></DescribeRefreshTaskByIdResponse>",
        ),
        (
            Xml,
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><TotalCount>1</TotalCount><Tasks><TaskId>1</TaskId></Tasks></DescribeRefreshTaskByIdResponse>",
        ),
        (
            Xml,
            "<DescribeRefreshTaskByIdResponse><RequestId>&xxe;</RequestId></DescribeRefreshTaskByIdResponse>",
        ),
        (
            Xml,
            "<!DOCTYPE d [<!ENTITY a \"b\">]><DescribeRefreshTaskByIdResponse/>",
        ),
    ];
    for (format, body) in bodies {
        lines.push(format!("{format} {body:?} => {}", decode(format, body)));
    }
    let parameters =
        |name: &'static str, value: &'static str| move |key: &str| (key == name).then_some(value);
    lines.push(format!(
        "DescribeRefreshTaskById {{}} => {}",
        DescribeRefreshTaskById::from_parameters(|_| None).unwrap_err()
    ));
    lines.push(format!(
        "DescribeRefreshTaskById TaskId=1,x => {}",
        chain(&DescribeRefreshTaskById::from_parameters(parameters("TaskId", "1,x")).unwrap_err())
    ));
    lines.push(format!(
        "RefreshObjectCaches ObjectPath=ftp://x => {}",
        RefreshObjectCaches::from_parameters(parameters("ObjectPath", "ftp://x")).unwrap_err()
    ));
    insta::assert_snapshot!("user_facing_error_messages", lines.join("\n"));
}
