//! The libraries used the way another crate uses them: only the public API, the core reached
//! through the client's re-export, the mock as a dev-dependency.
#![allow(clippy::unwrap_used, clippy::panic)] // a test: a failure is a panic

use cdn_task_http::cdn_task_core::{
    DescribeRefreshTaskByIdResponse, ErrorCode, ObjectType, PurgePlan, RefreshObjectCaches, RefreshType,
    Task, TaskIdList, TaskStatus, WireBody,
};
use cdn_task_http::{
    Client, ClientBuilder, Credentials, DescribeReport, Error, RetryPolicy, WaitError, WaitOptions,
};
use cdn_task_mock::{Fault, FaultRule, MockConfig, MockServer};
use std::time::Duration;

fn assert_send_sync_static<T: Send + Sync + 'static>() {}

fn assert_send<T: Send>(_: &T) {}

async fn mock() -> MockServer {
    MockServer::start(MockConfig::default()).await.unwrap()
}

/// A client of the mock with its default key, retrying twice at most, quickly.
fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new("testid", "testsecret"))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

fn ids(text: &str) -> TaskIdList {
    text.parse().unwrap()
}

#[test]
fn what_an_embedder_shares_across_tasks_is_send_sync_and_static() {
    assert_send_sync_static::<Client>();
    assert_send_sync_static::<ClientBuilder>();
    assert_send_sync_static::<Error>();
    assert_send_sync_static::<WaitError>();
    assert_send_sync_static::<DescribeReport>();
    assert_send_sync_static::<Task>();
    assert_send_sync_static::<TaskStatus>();
    assert_send_sync_static::<ErrorCode>();
    assert_send_sync_static::<TaskIdList>();
    assert_send_sync_static::<PurgePlan>();
    assert_send_sync_static::<DescribeRefreshTaskByIdResponse>();
    assert_send_sync_static::<MockServer>();
    assert_send_sync_static::<MockConfig>();
    // Errors go into `anyhow` and `Box<dyn Error + Send + Sync>`.
    let _: Box<dyn std::error::Error + Send + Sync + 'static> =
        Box::new(Client::builder().endpoint("x").build().unwrap_err());
}

#[tokio::test]
async fn the_client_s_futures_can_move_across_threads() {
    let server = mock().await;
    let client = builder(&server).build().unwrap();
    let ids = ids("1,2");
    assert_send(&client.describe(&ids));
    assert_send(&client.describe_all(ids.ids().iter().copied()));
    assert_send(&client.quota());
    assert_send(&client.refresh(["https://example.com/a"], RefreshType::File, Default::default()));
    assert_send(&client.wait(
        ids.ids().to_vec(),
        WaitOptions::with_deadline(Duration::from_secs(1)),
        |_| {},
    ));
    // And run on another thread of the runtime.
    let spawned =
        tokio::spawn(async move { client.describe(&ids).await.map(|response| response.total_count) });
    assert_eq!(spawned.await.unwrap().unwrap(), 0);
}

#[tokio::test]
async fn a_caller_s_own_reqwest_client_carries_its_default_headers_to_the_service() {
    let server = mock().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-embedder",
        reqwest::header::HeaderValue::from_static("deploy-bot"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = builder(&server)
        .http_client(http)
        .user_agent("embedder/1.0")
        .build()
        .unwrap();

    client.describe(&ids("7")).await.unwrap();

    let calls = server.received();
    let call = calls.last().unwrap();
    let header = |name: &str| {
        call.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("x-embedder"), Some("deploy-bot"));
    assert_eq!(header("user-agent"), Some("embedder/1.0"));
}

#[tokio::test]
async fn callers_branch_on_what_the_error_says_not_on_its_shape() {
    let server = mock().await;

    // The service said no: a code, a status, a request ID; not retried.
    let wrong_secret = builder(&server)
        .credentials(Credentials::new("testid", "not-the-secret"))
        .build()
        .unwrap();
    let error = wrong_secret.describe(&ids("1")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::SignatureDoesNotMatch));
    assert_eq!(error.http_status(), Some(400));
    assert!(error.request_id().is_some_and(|id| !id.is_empty()));
    assert!(!error.is_throttling());
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);

    // Throttled on every attempt: retried, then given up.
    server.set_fault_rules(vec![FaultRule::new(Fault::Error(ErrorCode::ThrottlingUser))]);
    let error = builder(&server)
        .build()
        .unwrap()
        .describe(&ids("1"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ThrottlingUser));
    assert!(error.is_throttling());
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 2);
    server.set_fault_rules(Vec::new());

    // Nobody answers: no code, no status, retried.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = builder(&server)
        .endpoint(endpoint)
        .build()
        .unwrap()
        .describe(&ids("1"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        (error.code(), error.http_status(), error.request_id()),
        (None, None, None)
    );
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 2);

    // Refused before anything is sent: no attempt.
    let error = builder(&server)
        .endpoint("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)));
    assert_eq!(error.attempts(), 0);
}

/// Every layer of `error`'s chain, outermost first.
fn layers(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |error| error.source())
        .map(ToString::to_string)
        .collect()
}

/// Fails if a layer's message repeats the message of the layer below it.
fn assert_no_layer_repeats_its_cause(error: &(dyn std::error::Error + 'static)) {
    let layers = layers(error);
    for pair in layers.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "`{}` repeats its cause `{}`",
            pair[0],
            pair[1]
        );
    }
}

#[tokio::test]
async fn error_chains_read_once_under_anyhow() {
    let server = mock().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let unknown_key = builder(&server)
        .credentials(Credentials::new("nobody", "secret"))
        .build()
        .unwrap();
    let unknown_key_error = unknown_key.describe(&ids("1")).await.unwrap_err();
    let request_id = unknown_key_error.request_id().unwrap().to_owned();

    let errors: Vec<(&str, anyhow::Error)> = vec![
        (
            "task ID list",
            "12,x4,5".parse::<TaskIdList>().unwrap_err().into(),
        ),
        (
            "two regexes in one call",
            RefreshObjectCaches::new(
                ["https://a.example/.*", "https://b.example/.*"],
                RefreshType::Regex,
            )
            .unwrap_err()
            .into(),
        ),
        (
            "a path that is no URL",
            builder(&server)
                .build()
                .unwrap()
                .refresh(
                    ["https://example.com/a", "example.com/b"],
                    RefreshType::File,
                    Default::default(),
                )
                .await
                .unwrap_err()
                .into(),
        ),
        (
            "bad endpoint",
            builder(&server)
                .endpoint("ftp://example.com")
                .build()
                .unwrap_err()
                .into(),
        ),
        (
            "nobody listening",
            builder(&server)
                .endpoint(format!("http://{address}"))
                .build()
                .unwrap()
                .describe(&ids("1"))
                .await
                .unwrap_err()
                .into(),
        ),
        ("unknown AccessKey", unknown_key_error.into()),
    ];

    let mut shown = String::new();
    for (what, error) in &errors {
        assert_no_layer_repeats_its_cause(error.as_ref());
        let text = format!("{error:#}")
            .replace(&address.to_string(), "127.0.0.1:PORT")
            .replace(&request_id, "REQUEST-ID");
        shown.push_str(&format!("{what}: {text}\n"));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn unknown_vocabulary_values_round_trip_and_never_pass_for_known_ones() {
    let body = br#"{"RequestId":"R","TotalCount":2,"Tasks":[
        {"TaskId":"1","ObjectPath":"https://example.com/a","ObjectType":"file","Status":"Paused","Process":"10%","CreationTime":"2026-11-30T00:00:00Z","Description":""},
        {"TaskId":"2","ObjectPath":"https://example.com/b","ObjectType":"wildcard","Status":"Complete","Process":"100%","CreationTime":"2026-11-30T00:00:00Z","Description":""}
    ]}"#;
    let response = DescribeRefreshTaskByIdResponse::decode_json(body).unwrap();
    let paused = &response.tasks[0].status;
    assert_eq!(paused.as_str(), "Paused");
    assert!(matches!(paused, TaskStatus::Unknown(_)));
    assert!(!paused.is_terminal());
    assert_ne!(*paused, TaskStatus::Complete);
    assert_eq!(response.tasks[1].status, TaskStatus::Complete);
    assert_eq!(response.tasks[1].object_type.as_str(), "wildcard");
    assert!(matches!(response.tasks[1].object_type, ObjectType::Unknown(_)));

    // Parsing a known spelling always gives the named value.
    assert_eq!("Complete".parse::<TaskStatus>().unwrap(), TaskStatus::Complete);
    assert_eq!(
        "Throttling.User".parse::<ErrorCode>().unwrap(),
        ErrorCode::ThrottlingUser
    );
    let code: ErrorCode = "Some.NewCode".parse().unwrap();
    assert_eq!(code.as_str(), "Some.NewCode");

    // Encoded again, both formats keep the text as it came.
    for format in [
        cdn_task_http::cdn_task_core::Format::Json,
        cdn_task_http::cdn_task_core::Format::Xml,
    ] {
        let again =
            DescribeRefreshTaskByIdResponse::decode(format, response.encode(format).as_bytes()).unwrap();
        assert_eq!(again, response);
        assert_eq!(again.tasks[0].status.as_str(), "Paused");
    }
}
