//! Throttling: the client-side limit keeps a burst under the service's 30/s, and the service's
//! throttling answers are retried.

use crate::common::{builder, calls_of, client, start, task};
use cdn_task_core::{ErrorCode, TaskIdList, TaskStatus};
use cdn_task_http::{Client, RetryPolicy};
use cdn_task_mock::{MockConfig, MockServer, ReceivedCall};
use std::time::Duration;

/// Fires `calls` describes at once, asserts none failed, and returns the mock's record of them.
async fn fire_all_ok(server: &MockServer, client: &Client, calls: usize) -> Vec<ReceivedCall> {
    let ids: TaskIdList = "1".parse().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let (client, ids) = (client.clone(), ids.clone());
        set.spawn(async move { client.describe(&ids).await.map(|_| ()) });
    }
    let errors: Vec<String> = set
        .join_all()
        .await
        .into_iter()
        .filter_map(Result::err)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    calls_of(server, "DescribeRefreshTaskById")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_at_the_default_limit_are_never_throttled() {
    let server = start(MockConfig::default()).await;
    server.add_tasks(None, vec![task(1, TaskStatus::Complete)]);
    let calls = fire_all_ok(&server, &client(&server), 100).await;
    assert_eq!(calls.len(), 100, "no call was throttled, so none was repeated");
    assert!(calls.iter().all(|call| call.status == Some(200)));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_answers_are_retried_until_they_pass() {
    let server = start(MockConfig::default()).await;
    server.add_tasks(None, vec![task(1, TaskStatus::Complete)]);
    // No client-side limit: 45 calls at once overrun the mock's burst of 30.
    let client = builder(&server)
        .rate_limit(None)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_backoff(Duration::from_millis(200), Duration::from_secs(1))
                .with_max_total_time(Duration::from_secs(15)),
        )
        .build()
        .unwrap();
    let calls = fire_all_ok(&server, &client, 45).await;
    let throttled = calls
        .iter()
        .filter(|call| call.error_code == Some(ErrorCode::ThrottlingUser))
        .count();
    assert!(
        throttled > 0,
        "the mock throttled nothing: the test proves nothing"
    );
    assert_eq!(calls.len(), 45 + throttled);
    server.shutdown().await;
}
