//! Per-AccessKey throttling at the configured rate.

use crate::common::*;
use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, Format};
use std::sync::Arc;

/// Fires `count` describes at once as `credentials`; returns the answers.
async fn burst(mock: &Arc<Mock>, count: usize, credentials: &Credentials) -> Vec<Answer> {
    let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
    // Sign first, then send together, so the burst is as tight as the machine allows.
    let signed: Vec<_> = (0..count)
        .map(|_| mock.sign_as(&request, SignatureVersion::Acs3, credentials))
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for request in signed {
        let mock = Arc::clone(mock);
        tasks.spawn(async move { mock.send(&request).await });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn a_burst_over_30_is_throttled_for_that_key_only() {
    let mock = Arc::new(Mock::start(config()).await);
    let answers = burst(&mock, 150, &Credentials::new(ID, SECRET)).await;
    let throttled: Vec<&Answer> = answers.iter().filter(|a| a.status != 200).collect();
    // 30 pass at once; more only trickle in at 30/s, and 150 calls take far less than 4 s.
    assert!(!throttled.is_empty(), "no call was throttled");
    assert!(answers.len() - throttled.len() >= 30);
    for answer in &throttled {
        let body = answer.expect_error("Throttling.User", 400, Format::Json);
        assert_eq!(body.message, "Request was denied due to user flow control.");
        // How long to wait, in milliseconds, as the gateway says: at most one interval (34 ms).
        let wait: u64 = answer.retry_after.as_deref().unwrap().parse().unwrap();
        assert!((1..=34).contains(&wait), "{wait}");
    }
    assert!(
        answers
            .iter()
            .filter(|a| a.status == 200)
            .all(|a| a.retry_after.is_none())
    );
    // Another key is unaffected.
    let other = burst(&mock, 5, &Credentials::new(OTHER_ID, OTHER_SECRET)).await;
    assert!(other.iter().all(|a| a.status == 200));
}

#[tokio::test]
async fn the_rate_is_configurable_and_zero_turns_it_off() {
    let strict = Arc::new(Mock::start(config().with_rate_limit(std::num::NonZeroU32::new(2))).await);
    let answers = burst(&strict, 10, &Credentials::new(ID, SECRET)).await;
    let passed = answers.iter().filter(|a| a.status == 200).count();
    assert!((2..10).contains(&passed), "{passed} passed");

    let open = Arc::new(Mock::start(config().with_rate_limit(None)).await);
    let answers = burst(&open, 100, &Credentials::new(ID, SECRET)).await;
    assert!(answers.iter().all(|a| a.status == 200));
}
