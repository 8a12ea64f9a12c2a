//! Purges at scale (`Client::submit`), listing (`Client::list`), `x-acs-retry-after`, and create
//! calls whose answers are lost (issue 16, item 9): never sent twice, their tasks found again.

use crate::common::{builder, calls_of, fast_retries, start};
use crate::proxy::{Mode, Proxy};
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{
    DescribeRefreshTasks, Format, MAX_DOMAINS_PER_CALL, PageSize, PathSource, PurgeKind, PurgePlan,
    RefreshType, TaskStatusFilter, TaskTypeFilter, read_path_list,
};
use cdn_task_http::{CallOutcome, Client, Error, Force, PathStatus, QuotaPolicy, SubmitOptions};
use cdn_task_mock::{DailyQuotas, MockConfig, MockServer};
use futures_util::{StreamExt, TryStreamExt};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FILE: PurgeKind = PurgeKind::Refresh(RefreshType::File);

fn urls(count: usize, domains: usize) -> Vec<PathSource<'static>> {
    (0..count)
        .map(|n| PathSource::line(n + 1, format!("https://d{}.example.com/{n}.js", n % domains)))
        .collect()
}

/// A mock that throttles nothing, and a client that limits nothing: these tests are not about
/// rates.
async fn open_mock(daily_quotas: DailyQuotas) -> MockServer {
    start(
        MockConfig::default()
            .with_rate_limit(None)
            .with_daily_quotas(daily_quotas),
    )
    .await
}

fn open_client(endpoint: String) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(cdn_task_http::Credentials::new(
            crate::common::KEY_ID,
            crate::common::SECRET,
        ))
        .retry_policy(fast_retries(3))
        .rate_limit(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn twenty_five_hundred_urls_over_twelve_domains_become_calls_within_the_limits() {
    let server = open_mock(DailyQuotas::default()).await;
    let client = open_client(server.base_url());
    let plan = PurgePlan::new(FILE, urls(2_500, 12)).unwrap();
    let report = client.submit(plan, SubmitOptions::new()).await.unwrap();
    assert!(report.every_path_has_its_tasks());
    assert_eq!(
        report.quota.unwrap().remain,
        10_000,
        "the quota was looked up first"
    );
    for call in &report.calls {
        assert!(call.paths.len() <= 1_000);
        let domains: HashSet<&str> = call
            .paths
            .iter()
            .map(|p| p.path.split('/').nth(2).unwrap())
            .collect();
        assert!(domains.len() <= MAX_DOMAINS_PER_CALL);
        assert!(matches!(call.outcome, CallOutcome::Created { .. }));
    }
    let refreshes = calls_of(&server, "RefreshObjectCaches");
    assert_eq!(refreshes.len(), report.calls.len());
    assert_eq!(calls_of(&server, "DescribeRefreshQuota").len(), 1);
    // Every path has its own task, and the service knows every one.
    let ids = report.task_ids();
    assert_eq!(ids.len(), 2_500);
    assert!(
        report
            .paths()
            .iter()
            .all(|(_, status)| matches!(status, PathStatus::Created([_])))
    );
    let described = client.describe_all(ids).await;
    assert_eq!((described.tasks.len(), described.not_found.len()), (2_500, 0));
    server.shutdown().await;
}

#[tokio::test]
async fn a_job_over_quota_submits_nothing_and_what_fits_submits_exactly_that() {
    let mut quotas = DailyQuotas::default();
    quotas.url = 1_200;
    let server = open_mock(quotas).await;
    let client = open_client(server.base_url());
    let plan = PurgePlan::new(FILE, urls(1_500, 3)).unwrap();
    let error = client
        .submit(plan.clone(), SubmitOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::QuotaInsufficient {
                needed: 1_500,
                remaining: 1_200,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("needs 1500 of today's URL refresh quota and 1200 is left"),
        "{error}"
    );
    assert!(calls_of(&server, "RefreshObjectCaches").is_empty());

    let options = SubmitOptions::new().with_quota_policy(QuotaPolicy::WhatFits);
    let report = client.submit(plan, options).await.unwrap();
    assert_eq!(report.task_ids().len(), 1_200);
    assert_eq!(report.not_submitted.len(), 300);
    assert_eq!(
        report.not_submitted[0].origin,
        cdn_task_core::PathOrigin::Line(1_201)
    );
    assert!(!report.every_path_has_its_tasks());
    assert_eq!(client.quota().await.unwrap().url.remain, 0);
    server.shutdown().await;
}

#[tokio::test]
async fn lists_page_through_everything_in_both_formats() {
    let server = open_mock(DailyQuotas::default()).await;
    let plan = PurgePlan::new(FILE, urls(250, 2)).unwrap();
    open_client(server.base_url())
        .submit(plan, SubmitOptions::new())
        .await
        .unwrap();
    let dirs = read_path_list("https://d0.example.com/static/\n");
    let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::Directory), dirs).unwrap();
    open_client(server.base_url())
        .submit(plan, SubmitOptions::new())
        .await
        .unwrap();
    for (scheme, format) in [
        (SignatureVersion::Acs3, Format::Json),
        (SignatureVersion::Rpc, Format::Xml),
    ] {
        let client = builder(&server)
            .signature_version(scheme)
            .format(format)
            .rate_limit(None)
            .build()
            .unwrap();
        let all: Vec<_> = client
            .list(
                DescribeRefreshTasks::builder()
                    .page_size(PageSize::MAX)
                    .build()
                    .unwrap(),
            )
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 251);
        let unique: HashSet<_> = all.iter().map(|task| task.task_id).collect();
        assert_eq!(unique.len(), 251, "no task twice across pages");
        // Filters, and a stream that stops when the caller stops.
        let filter = DescribeRefreshTasks::builder()
            .object_type(TaskTypeFilter::File)
            .domain_name("d1.example.com")
            .build()
            .unwrap();
        let first: Vec<_> = client.list(filter).take(30).try_collect().await.unwrap();
        assert_eq!(first.len(), 30);
        assert!(
            first
                .iter()
                .all(|task| task.object_path.starts_with("https://d1.example.com/"))
        );
        let complete_dirs = DescribeRefreshTasks::builder()
            .object_type(TaskTypeFilter::Directory)
            .status(TaskStatusFilter::Refreshing)
            .build()
            .unwrap();
        let pages: Vec<_> = client.list_pages(complete_dirs).try_collect().await.unwrap();
        assert_eq!(pages.len(), 1);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_throttled_answer_is_retried_no_sooner_than_its_retry_after() {
    // A fake endpoint: the first call is throttled with x-acs-retry-after: 700, the second passes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&arrivals);
    let fake = tokio::spawn(async move {
        let bodies = [
            (
                "400 Bad Request",
                "x-acs-retry-after: 700\r\n",
                r#"{"RequestId":"R1","HostId":"cdn.aliyuncs.com","Code":"Throttling.Api","Message":"slow down"}"#,
            ),
            (
                "200 OK",
                "",
                r#"{"RequestId":"R2","UrlQuota":"1","UrlRemain":"1","DirQuota":"1","DirRemain":"1","PreloadQuota":"1","PreloadRemain":"1","RegexQuota":"1","RegexRemain":"1"}"#,
            ),
        ];
        for (status, extra, body) in bodies {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0; 16 * 1024];
            let _ = socket.read(&mut buffer).await.unwrap();
            seen.lock().unwrap().push(Instant::now());
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    let client = open_client(format!("http://{addr}"));
    let quota = client.quota().await.unwrap();
    assert_eq!(quota.request_id, "R2");
    fake.await.unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert!(
        arrivals[1] - arrivals[0] >= Duration::from_millis(700),
        "{:?}",
        arrivals[1] - arrivals[0]
    );
}

/// Directory quota and the number of refresh calls the mock received.
async fn directory_quota_left(server: &MockServer) -> u64 {
    open_client(server.base_url())
        .quota()
        .await
        .unwrap()
        .directory
        .remain
}

#[tokio::test]
async fn sixty_directories_whose_answer_is_cut_are_found_and_never_purged_twice() {
    let server = open_mock(DailyQuotas::default()).await;
    let proxy = Proxy::start(server.addr(), Mode::CutAnswer, usize::MAX).await;
    let client = open_client(proxy.base_url());
    let dirs: Vec<PathSource> = (0..60)
        .map(|n| PathSource::argument(n + 1, format!("https://a.example.com/d{n}/")))
        .collect();
    let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::Directory), dirs).unwrap();
    let report = client.submit(plan, SubmitOptions::new()).await.unwrap();
    assert_eq!(
        calls_of(&server, "RefreshObjectCaches").len(),
        1,
        "sent once, never again"
    );
    assert_eq!(directory_quota_left(&server).await, 40, "60 purges, not 120");
    let [call] = report.calls.as_slice() else {
        panic!("{report:?}")
    };
    let CallOutcome::Reconciled {
        task_ids,
        unknown,
        lookup_error,
        ..
    } = &call.outcome
    else {
        panic!("{:?}", call.outcome)
    };
    assert_eq!((task_ids.len(), unknown.len()), (60, 0));
    assert!(lookup_error.is_none());
    assert!(report.every_path_has_its_tasks());
    // The adopted IDs are the tasks the mock made.
    let described = client.describe_all(report.task_ids()).await;
    assert_eq!(described.tasks.len(), 60);
    server.shutdown().await;
}

#[tokio::test]
async fn one_url_with_cut_answers_is_purged_once_and_its_id_adopted() {
    let server = open_mock(DailyQuotas::default()).await;
    let proxy = Proxy::start(server.addr(), Mode::CutAnswer, 2).await;
    let client = open_client(proxy.base_url());
    let plan = PurgePlan::new(FILE, read_path_list("https://a.example.com/app.js\n")).unwrap();
    let report = client.submit(plan, SubmitOptions::new()).await.unwrap();
    assert_eq!(calls_of(&server, "RefreshObjectCaches").len(), 1);
    assert_eq!(proxy.remaining(), 1, "one answer cut, no second call to cut");
    assert_eq!(report.task_ids().len(), 1);
    let listed: Vec<_> = client
        .list(DescribeRefreshTasks::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "exactly one task exists");
    assert_eq!(listed[0].task_id, report.task_ids()[0]);
    // The single-call method does not resend either: it reports the lost answer.
    let error = client
        .refresh(
            ["https://a.example.com/b.js"],
            RefreshType::File,
            Force::IfChanged,
        )
        .await
        .unwrap_err();
    assert!(error.may_have_been_processed(), "{error:?}");
    assert_eq!(calls_of(&server, "RefreshObjectCaches").len(), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn a_request_lost_before_the_service_leaves_its_paths_of_unknown_outcome() {
    let server = open_mock(DailyQuotas::default()).await;
    let proxy = Proxy::start(server.addr(), Mode::DropRequest, 1).await;
    let client = open_client(proxy.base_url());
    let plan = PurgePlan::new(FILE, urls(3, 1)).unwrap();
    let report = client.submit(plan, SubmitOptions::new()).await.unwrap();
    assert!(calls_of(&server, "RefreshObjectCaches").is_empty());
    let CallOutcome::Reconciled {
        task_ids,
        unknown,
        searched,
        ..
    } = &report.calls[0].outcome
    else {
        panic!("{:?}", report.calls[0].outcome)
    };
    assert!(task_ids.is_empty());
    assert_eq!(unknown.len(), 3);
    assert!(searched.0 < searched.1);
    assert!(
        report
            .paths()
            .iter()
            .all(|(_, status)| matches!(status, PathStatus::Unknown(_)))
    );
    assert!(!report.every_path_has_its_tasks());
    server.shutdown().await;
}

#[tokio::test]
async fn refresh_all_and_preload_all_plan_any_number_and_refuse_invalid_paths_before_sending() {
    let server = open_mock(DailyQuotas::default()).await;
    let client = open_client(server.base_url());
    let urls: Vec<String> = (0..250)
        .map(|n| format!("https://a.example.com/{n}.mp4"))
        .collect();
    let report = client.preload_all(&urls, SubmitOptions::new()).await.unwrap();
    assert_eq!((report.calls.len(), report.task_ids().len()), (3, 250));
    let error = client
        .refresh_all(
            ["https://a.example.com/ok", "ftp://a.example.com/no"],
            RefreshType::File,
            SubmitOptions::new(),
        )
        .await
        .unwrap_err();
    let shown = cdn_task_http::DisplayChain(&error).to_string();
    assert!(shown.contains("argument 2: `ftp://a.example.com/no`"), "{shown}");
    assert!(calls_of(&server, "RefreshObjectCaches").is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_refused_connection_is_retried_and_reported_as_not_processed() {
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let error = open_client(format!("http://{closed}"))
        .refresh(["https://a.example.com/x"], RefreshType::File, Force::IfChanged)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.may_have_been_processed(), "{error:?}");
}
