//! Throttling: the client-side limit keeps a burst under the service's 30/s, and the service's
//! throttling answers are retried.

use crate::common::{builder, calls_of, client, start, task};
use cdn_task_core::{ErrorCode, TaskIdList, TaskStatus};
use cdn_task_http::RetryPolicy;
use cdn_task_mock::MockConfig;
use std::time::Duration;

async fn fire(client: &cdn_task_http::Client, calls: usize) -> Vec<Result<(), cdn_task_http::Error>> {
    let ids: TaskIdList = "1".parse().unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let (client, ids) = (client.clone(), ids.clone());
        set.spawn(async move { client.describe(&ids).await.map(|_| ()) });
    }
    set.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_at_the_default_limit_are_never_throttled() {
    let server = start(MockConfig::default()).await;
    server.seed_tasks(None, vec![task(1, TaskStatus::Complete)]);
    let results = fire(&client(&server), 100).await;
    let errors: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let calls = calls_of(&server, "DescribeRefreshTaskById");
    assert_eq!(calls.len(), 100, "no call was throttled, so none was repeated");
    assert!(calls.iter().all(|call| call.status == Some(200)));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_answers_are_retried_until_they_pass() {
    let server = start(MockConfig::default()).await;
    server.seed_tasks(None, vec![task(1, TaskStatus::Complete)]);
    // No client-side limit: 45 calls at once overrun the mock's burst of 30.
    let client = builder(&server)
        .rate_limit(None)
        .retry_policy(RetryPolicy {
            max_attempts: 10,
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(1),
            max_total_time: Duration::from_secs(15),
        })
        .build()
        .unwrap();
    let results = fire(&client, 45).await;
    let errors: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let calls = calls_of(&server, "DescribeRefreshTaskById");
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
