//! Both signature schemes, both formats, GET and POST, query and form, content types.

use crate::common::*;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{
    API_VERSION, ApiRequest, DescribeRefreshQuota, DescribeRefreshTaskByIdResponse, Format, RefreshQuota,
    RefreshType, TaskStatus,
};

#[tokio::test]
async fn both_schemes_in_both_formats_describe_a_created_task() {
    let mock = Mock::start(config()).await;
    let ids = mock
        .refresh(&["http://example.com/a.jpg?x=1&y=2"], RefreshType::File)
        .await;
    let mut request_ids = Vec::new();
    for scheme in BOTH_SCHEMES {
        for format in BOTH_FORMATS {
            let answer = mock.describe(&joined(&ids), format, scheme).await;
            assert_eq!(answer.content_type, format.content_type());
            let response: DescribeRefreshTaskByIdResponse = answer.decode(format);
            assert_eq!(response.total_count, 1);
            let task = &response.tasks[0];
            assert_eq!(task.task_id, ids[0]);
            assert_eq!(task.object_path, "http://example.com/a.jpg?x=1&y=2");
            assert_eq!(task.status, TaskStatus::Pending);
            assert_request_id_shape(&response.request_id);
            assert_eq!(
                answer.request_id_header.as_deref(),
                Some(response.request_id.as_str())
            );
            request_ids.push(response.request_id);
        }
    }
    request_ids.sort();
    request_ids.dedup();
    assert_eq!(request_ids.len(), 4, "every answer has a fresh RequestId");
    let schemes: Vec<SignatureVersion> = mock.server.received().iter().skip(1).map(|c| c.scheme).collect();
    assert_eq!(
        schemes,
        [BOTH_SCHEMES[0], BOTH_SCHEMES[0], BOTH_SCHEMES[1], BOTH_SCHEMES[1]]
    );
}

#[tokio::test]
async fn format_defaults_to_xml_for_rpc_and_json_for_acs3() {
    let mock = Mock::start(config()).await;
    let rpc = mock.sign_parts(
        SignatureVersion::Rpc,
        "POST",
        &[
            ("Action", "DescribeRefreshTaskById"),
            ("Version", "2018-05-10"),
            ("TaskId", "1"),
        ],
        b"",
        None,
        ("", ""),
    );
    let answer = mock.send(&rpc).await;
    let response: DescribeRefreshTaskByIdResponse = answer.decode(Format::Xml);
    assert_eq!(response.total_count, 0);
    assert!(answer.text().starts_with("<?xml"), "{}", answer.text());

    let acs3 = mock.sign_parts(
        SignatureVersion::Acs3,
        "POST",
        &[("TaskId", "1")],
        b"",
        None,
        ("DescribeRefreshTaskById", "2018-05-10"),
    );
    let response: DescribeRefreshTaskByIdResponse = mock.send(&acs3).await.decode(Format::Json);
    assert_eq!(response.total_count, 0);

    // ACS3 may still ask for XML.
    let acs3_xml = mock.sign_parts(
        SignatureVersion::Acs3,
        "POST",
        &[("Format", "XML"), ("TaskId", "1")],
        b"",
        None,
        ("DescribeRefreshTaskById", "2018-05-10"),
    );
    let _: DescribeRefreshTaskByIdResponse = mock.send(&acs3_xml).await.decode(Format::Xml);

    // Errors follow the same defaults.
    let bad = mock.sign_parts(
        SignatureVersion::Rpc,
        "GET",
        &[
            ("Action", "DescribeRefreshTaskById"),
            ("Version", "2018-05-10"),
            ("TaskId", "x"),
        ],
        b"",
        None,
        ("", ""),
    );
    mock.send(&bad)
        .await
        .expect_error("InvalidTaskId.Malformed", 400, Format::Xml);
}

#[tokio::test]
async fn get_with_query_and_post_with_form_body_both_work() {
    let mock = Mock::start(config()).await;
    let ids = mock
        .refresh(&["http://example.com/"], RefreshType::Directory)
        .await;
    let id = ids[0].to_string();
    let params = [
        ("Action", "DescribeRefreshTaskById"),
        ("Version", "2018-05-10"),
        ("Format", "JSON"),
        ("TaskId", id.as_str()),
    ];
    let get = mock.sign_parts(SignatureVersion::Rpc, "GET", &params, b"", None, ("", ""));
    assert_eq!(get.method, "GET");
    let response: DescribeRefreshTaskByIdResponse = mock.send(&get).await.decode(Format::Json);
    assert_eq!(response.tasks[0].task_id, ids[0]);
    let get = mock.sign_parts(
        SignatureVersion::Acs3,
        "GET",
        &params[2..],
        b"",
        None,
        ("DescribeRefreshTaskById", "2018-05-10"),
    );
    assert_eq!(get.method, "GET");
    let response: DescribeRefreshTaskByIdResponse = mock.send(&get).await.decode(Format::Json);
    assert_eq!(response.tasks[0].task_id, ids[0]);

    let form = format!("TaskId={id}&Format=JSON");
    let content_type = "application/x-www-form-urlencoded";
    for scheme in BOTH_SCHEMES {
        let query: &[(&str, &str)] = match scheme {
            SignatureVersion::Acs3 => &[],
            _ => &[("Action", "DescribeRefreshTaskById"), ("Version", "2018-05-10")],
        };
        let post = mock.sign_parts(
            scheme,
            "POST",
            query,
            form.as_bytes(),
            Some(content_type),
            ("DescribeRefreshTaskById", "2018-05-10"),
        );
        let answer = mock.send(&post).await;
        let response: DescribeRefreshTaskByIdResponse = answer.decode(Format::Json);
        assert_eq!(response.tasks.len(), 1, "{scheme:?}");
    }
}

#[tokio::test]
async fn quota_reports_daily_allowances_minus_usage() {
    let mock = Mock::start(config()).await;
    mock.refresh(&["http://a.com/1", "http://a.com/2"], RefreshType::File)
        .await;
    mock.refresh(&["http://a.com/3"], RefreshType::IgnoreParams).await;
    mock.refresh(&["http://a.com/d/"], RefreshType::Directory).await;
    mock.push(&["http://a.com/big.bin"]).await;
    for format in BOTH_FORMATS {
        let quota: RefreshQuota = mock
            .call(
                &ApiRequest::new(&DescribeRefreshQuota, format),
                SignatureVersion::Acs3,
            )
            .await
            .decode(format);
        assert_eq!((quota.url.quota, quota.url.remain), (10_000, 9_998));
        // Ignore-params refreshes have their own quota (API-FAMILY B.1).
        let ignore_params = quota.ignore_params.unwrap();
        assert_eq!((ignore_params.quota, ignore_params.remain), (100, 99));
        assert_eq!((quota.directory.quota, quota.directory.remain), (100, 99));
        assert_eq!((quota.regex.quota, quota.regex.remain), (20, 20));
        assert_eq!((quota.preload.quota, quota.preload.remain), (1_000, 999));
    }
    // A new day (by the mock's clock) starts afresh.
    mock.server
        .clock()
        .advance(std::time::Duration::from_secs(86_400));
    let quota: RefreshQuota = mock
        .call(
            &ApiRequest::new(&DescribeRefreshQuota, Format::Json),
            SignatureVersion::Rpc,
        )
        .await
        .decode(Format::Json);
    assert_eq!(quota.url.remain, 10_000);
}

#[tokio::test]
async fn received_calls_are_recorded() {
    let mock = Mock::start(config()).await;
    mock.describe("1", Format::Json, SignatureVersion::Acs3).await;
    let malformed = ApiRequest::from_parts(
        "DescribeRefreshTaskById",
        API_VERSION,
        Format::Xml,
        vec![("TaskId", "x1".to_owned())],
    );
    mock.call(&malformed, SignatureVersion::Rpc).await;
    mock.send_raw("GET", "Action=DescribeRefreshTaskById", &[], Vec::new())
        .await;
    let calls = mock.server.received();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].action.as_deref(), Some("DescribeRefreshTaskById"));
    assert_eq!(calls[0].access_key_id.as_deref(), Some(ID));
    assert_eq!(calls[0].status, Some(200));
    assert_eq!(calls[0].scheme, SignatureVersion::Acs3);
    assert_eq!(calls[0].format, Format::Json);
    assert_eq!(calls[0].error_code, None);
    assert_eq!(calls[1].status, Some(400));
    assert_eq!(
        calls[1].error_code.as_ref().map(|c| c.as_str()),
        Some("InvalidTaskId.Malformed")
    );
    assert_eq!(calls[1].format, Format::Xml);
    assert_eq!(calls[2].access_key_id, None, "not verified");
    assert_eq!(calls[2].action.as_deref(), Some("DescribeRefreshTaskById"));
    assert!(calls.iter().all(|c| c.request_id.is_some() && c.fault.is_none()));
    mock.server.clear_received();
    assert!(mock.server.received().is_empty());
}
