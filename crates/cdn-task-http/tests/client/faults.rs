//! Injected faults: retried, and reported with the right kind of error when they persist.

use crate::common::{builder, calls_of, fast_retries, start, task};
use cdn_task_core::{ErrorCode, TaskIdList, TaskStatus};
use cdn_task_http::Error;
use cdn_task_mock::{Fault, FaultConfig, MockConfig, MockServer};
use std::time::Duration;

async fn seeded() -> MockServer {
    let server = start(MockConfig::default()).await;
    server.add_tasks(None, vec![task(7, TaskStatus::Complete)]);
    server
}

fn ids() -> TaskIdList {
    "7".parse().unwrap()
}

/// Every call gets `fault`: the error after `attempts` tries, and the number of requests the mock
/// answered (a delayed request may still be pending when the client gives up, so the delay test
/// counts differently).
async fn persistent(fault: Fault, attempts: u32, timeout: Duration) -> (Error, usize) {
    let server = seeded().await;
    server.set_faults(FaultConfig::always(fault));
    let client = builder(&server)
        .retry_policy(fast_retries(attempts))
        .timeout(timeout)
        .build()
        .unwrap();
    let error = client.describe(&ids()).await.unwrap_err();
    let sent = calls_of(&server, "DescribeRefreshTaskById").len();
    drop(client);
    server.shutdown().await;
    (error, sent)
}

#[tokio::test]
async fn persistent_500_and_503_are_retried_then_reported_as_service_errors() {
    for (fault, code, status) in [
        (Fault::InternalError, ErrorCode::InternalError, 500),
        (Fault::ServiceUnavailable, ErrorCode::ServiceUnavailable, 503),
    ] {
        let (error, sent) = persistent(fault, 3, Duration::from_secs(5)).await;
        assert_eq!(sent, 3);
        let Error::Service(service) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(
            (service.code(), service.http_status(), service.is_retryable()),
            (&code, status, true)
        );
        assert!(error.to_string().contains(service.request_id()));
        assert_eq!(error.attempts(), 3);
    }
}

#[tokio::test]
async fn a_dropped_connection_is_a_retried_transport_error() {
    let (error, sent) = persistent(Fault::DropConnection, 3, Duration::from_secs(5)).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn a_truncated_body_is_a_retried_transport_error() {
    let (error, sent) = persistent(Fault::TruncatedBody, 3, Duration::from_secs(5)).await;
    assert!(error.is_retryable(), "{error:?}");
    assert!(
        matches!(error, Error::Transport { .. } | Error::Decode { .. }),
        "{error:?}"
    );
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn a_delay_past_the_per_attempt_timeout_is_a_retried_timeout() {
    let timeout = Duration::from_millis(200);
    let started = std::time::Instant::now();
    let (error, _) = persistent(Fault::Delay(Duration::from_millis(700)), 2, timeout).await;
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == timeout),
        "{error:?}"
    );
    assert!(error.is_retryable());
    // Each attempt waits out the whole timeout, so two attempts take at least twice as long.
    assert!(started.elapsed() >= timeout * 2, "{:?}", started.elapsed());
}

#[tokio::test]
async fn every_fault_kind_now_and_then_is_absorbed_by_retries() {
    let server = seeded().await;
    server.set_faults(FaultConfig::new(
        0.3,
        vec![
            Fault::InternalError,
            Fault::ServiceUnavailable,
            Fault::DropConnection,
            Fault::TruncatedBody,
            Fault::Delay(Duration::from_secs(2)),
        ],
    ));
    let client = builder(&server)
        .retry_policy(fast_retries(12))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // Sequential calls, so the seeded mock picks the same faults on every run.
    for _ in 0..20 {
        let response = client.describe(&ids()).await.unwrap();
        assert_eq!(response.tasks.len(), 1);
    }
    let faults = server
        .received()
        .iter()
        .filter(|call| call.fault.is_some())
        .count();
    assert!(faults > 0, "no fault was injected: the test proves nothing");
    drop(client);
    server.shutdown().await;
}
