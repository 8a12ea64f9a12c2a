//! `DescribeRefreshTasks` (filters, paging, the three-day window, in both formats), the per-call
//! limits, the configurable daily quotas and the prefetch queue.

use crate::common::*;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{
    ApiRequest, DescribeRefreshTasks, DescribeRefreshTasksResponse, Format, PageNumber, PageSize,
    PushObjectCache, RefreshType, TaskStatusFilter, TaskTypeFilter, format_utc_timestamp,
};
use cdn_task_mock::{DailyQuotas, MockConfig};
use std::time::Duration;

/// The list is throttled at 5 calls a second: these tests make more, and test other things.
fn unthrottled() -> MockConfig {
    config().with_rate_limit(None)
}

fn list_request(op: &DescribeRefreshTasks, format: Format) -> ApiRequest {
    ApiRequest::new(op, format)
}

/// A request with raw parameters, for what the builder refuses to build.
fn raw_list(params: &[(&'static str, &str)], format: Format) -> ApiRequest {
    ApiRequest::from_parts(
        "DescribeRefreshTasks",
        cdn_task_core::API_VERSION,
        format,
        params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
    )
}

#[tokio::test]
async fn lists_filter_page_and_keep_to_the_window_in_both_formats() {
    let mock = Mock::start(unthrottled()).await;
    let files: Vec<String> = (0..25).map(|n| format!("http://a.com/{n}.js")).collect();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let file_ids = mock.refresh(&refs, RefreshType::File).await;
    mock.server.clock().advance(Duration::from_secs(60));
    let dir_ids = mock.refresh(&["http://b.com/d/"], RefreshType::Directory).await;
    for (format, scheme) in BOTH_FORMATS.into_iter().zip(BOTH_SCHEMES) {
        // The default: the first 20 of the last three days, newest first.
        let page: DescribeRefreshTasksResponse = mock
            .call(&list_request(&DescribeRefreshTasks::default(), format), scheme)
            .await
            .decode(format);
        assert_eq!((page.total_count, page.tasks.len(), page.page_size), (26, 20, 20));
        assert_eq!(page.tasks[0].task_id, dir_ids[0]);
        assert!(page.has_more());
        // Page 3 of the 25 complete files of a.com, ten a page.
        let op = DescribeRefreshTasks::builder()
            .object_type(TaskTypeFilter::File)
            .domain_name("a.com")
            .status(TaskStatusFilter::Complete)
            .page_size(PageSize::new(10).unwrap())
            .page_number(PageNumber::new(3).unwrap())
            .build()
            .unwrap();
        let page: DescribeRefreshTasksResponse =
            mock.call(&list_request(&op, format), scheme).await.decode(format);
        assert_eq!((page.total_count, page.tasks.len(), page.page_number), (25, 5, 3));
        assert!(!page.has_more());
        // By path, and by ID.
        let op = DescribeRefreshTasks::builder()
            .object_path(&files[7])
            .build()
            .unwrap();
        let page: DescribeRefreshTasksResponse =
            mock.call(&list_request(&op, format), scheme).await.decode(format);
        assert_eq!(
            page.tasks.iter().map(|t| t.task_id).collect::<Vec<_>>(),
            [file_ids[7]]
        );
        let op = DescribeRefreshTasks::builder()
            .task_id(dir_ids[0])
            .build()
            .unwrap();
        let page: DescribeRefreshTasksResponse =
            mock.call(&list_request(&op, format), scheme).await.decode(format);
        assert_eq!(page.tasks[0].object_path, "http://b.com/d/");
        // A window that holds only the directory.
        let now = mock.now();
        let op = DescribeRefreshTasks::builder()
            .window(now - chrono::TimeDelta::seconds(30), now)
            .build()
            .unwrap();
        let page: DescribeRefreshTasksResponse =
            mock.call(&list_request(&op, format), scheme).await.decode(format);
        assert_eq!(page.total_count, 1);
    }
    // Another key sees none of them.
    let other = cdn_task_core::signing::Credentials::new(OTHER_ID, OTHER_SECRET);
    let signed = mock.sign_as(
        &list_request(&DescribeRefreshTasks::default(), Format::Json),
        SignatureVersion::Acs3,
        &other,
    );
    let page: DescribeRefreshTasksResponse = mock.send(&signed).await.decode(Format::Json);
    assert_eq!(page.total_count, 0);
    // Three days and a minute later, the tasks are out of the window.
    mock.server.clock().advance(Duration::from_secs(72 * 3600 + 60));
    let page: DescribeRefreshTasksResponse = mock
        .call(
            &list_request(&DescribeRefreshTasks::default(), Format::Xml),
            SignatureVersion::Rpc,
        )
        .await
        .decode(Format::Xml);
    assert_eq!((page.total_count, page.tasks.len()), (0, 0));
}

#[tokio::test]
async fn list_rules_are_refused_with_the_documented_codes() {
    let mock = Mock::start(unthrottled()).await;
    let now = mock.now();
    let time = |delta: i64| format_utc_timestamp(now + chrono::TimeDelta::seconds(delta)).to_string();
    let (early, late, too_old) = (time(-60), time(0), time(-(72 * 3600) - 60));
    for format in BOTH_FORMATS {
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[("StartTime", &early)], "MissingParameter"),
            (
                &[("StartTime", &late), ("EndTime", &early)],
                "InvalidEndTime.Mismatch",
            ),
            (
                &[("StartTime", "yesterday"), ("EndTime", &late)],
                "InvalidStartTime.Malformed",
            ),
            (
                &[("StartTime", &too_old), ("EndTime", &late)],
                "InvalidStartTime.ValueNotSupported",
            ),
            (&[("DomainName", "a.com")], "MissingParameter.ObjectType"),
            (
                &[("ObjectType", "file"), ("Status", "Pending")],
                "InvalidStatus.ValueNotSupported",
            ),
        ];
        for (params, code) in cases {
            let body = mock
                .call(&raw_list(params, format), SignatureVersion::Acs3)
                .await
                .expect_error(code, 400, format);
            if code == "MissingParameter" {
                assert_eq!(body.message, "StartTime and EndTime can not be single.");
            }
        }
    }
}

#[tokio::test]
async fn per_call_limits_quotas_from_the_configuration_and_the_prefetch_queue() {
    let mut quotas = DailyQuotas::default();
    quotas.url = 1_500;
    quotas.preload_queue = 150;
    let mock = Mock::start(
        config()
            .with_daily_quotas(quotas)
            .with_task_duration(Duration::from_secs(600)),
    )
    .await;
    // Over 1,000 URLs in one call: SingleRequest.OverLimit, nothing created.
    let urls: Vec<String> = (0..1_001).map(|n| format!("http://a.com/{n}")).collect();
    let request = raw_refresh(&urls.join("\n"));
    mock.call(&request, SignatureVersion::Rpc).await.expect_error(
        "SingleRequest.OverLimit",
        400,
        Format::Json,
    );
    // Eleven domains in one call: InvalidObjectPath.Malformed.
    let domains: Vec<String> = (0..11).map(|n| format!("http://d{n}.com/")).collect();
    mock.call(&raw_refresh(&domains.join("\n")), SignatureVersion::Rpc)
        .await
        .expect_error("InvalidObjectPath.Malformed", 400, Format::Json);
    // The configured URL quota: 1,000 then 501 is over 1,500.
    let refs: Vec<&str> = urls[..1_000].iter().map(String::as_str).collect();
    assert_eq!(mock.refresh(&refs, RefreshType::File).await.len(), 1_000);
    let body = mock
        .call(&raw_refresh(&urls[..501].join("\n")), SignatureVersion::Rpc)
        .await
        .expect_error("QuotaExceeded.Refresh", 400, Format::Json);
    assert!(body.message.contains("500 remaining"), "{}", body.message);
    // The prefetch queue holds 150 unfinished URLs: 100 fit, then 100 more do not.
    let push = |urls: &[String]| ApiRequest::new(&PushObjectCache::new(urls.to_vec()).unwrap(), Format::Xml);
    assert_eq!(
        mock.call(&push(&urls[..100]), SignatureVersion::Acs3)
            .await
            .status,
        200
    );
    mock.call(&push(&urls[100..200]), SignatureVersion::Acs3)
        .await
        .expect_error("PreloadQueueFull", 403, Format::Xml);
    // Once they finish, the queue has room again.
    mock.server.clock().advance(Duration::from_secs(600));
    assert_eq!(
        mock.call(&push(&urls[100..200]), SignatureVersion::Acs3)
            .await
            .status,
        200
    );
}

fn raw_refresh(object_path: &str) -> ApiRequest {
    ApiRequest::from_parts(
        "RefreshObjectCaches",
        cdn_task_core::API_VERSION,
        Format::Json,
        vec![("ObjectPath", object_path.to_owned())],
    )
}
