//! The waiter against the mock: tasks reaching Complete and Failed, and the deadline.
//!
//! The mock's clock is manual: the progress callback moves it on after each poll, so tasks
//! progress by polls, not by wall time.

use crate::common::{builder, calls_of, fast_retries, id, start_manual};
use cdn_task_core::{ErrorCode, FailureReason, RefreshType, TaskId, TaskStatus};
use cdn_task_http::{Client, Credentials, Error, WaitOptions, WaitReport};
use cdn_task_mock::{Fault, FaultConfig, MockConfig, MockServer};
use std::time::Duration;

fn quick(deadline: Duration) -> WaitOptions {
    WaitOptions::with_deadline(deadline).intervals(Duration::from_millis(10), Duration::from_millis(40))
}

async fn refresh_three(client: &Client) -> Vec<TaskId> {
    let paths = [
        "http://example.com/1",
        "http://example.com/2",
        "http://example.com/3",
    ];
    client
        .refresh(paths, RefreshType::File, cdn_task_core::Force::IfChanged)
        .await
        .unwrap()
        .task_ids
}

/// Waits for `ids`, moving the mock's clock on by `step` after every poll.
async fn wait(
    server: &MockServer,
    client: &Client,
    ids: Vec<TaskId>,
    options: WaitOptions,
    step: Duration,
) -> WaitReport {
    let clock = server.clock().clone();
    let mut seen_polls = Vec::new();
    let report = client
        .wait(ids, options, |progress| {
            seen_polls.push(progress.counts.polls);
            assert_eq!(progress.counts.total, progress.tasks.len());
            clock.advance(step);
        })
        .await
        .unwrap();
    assert_eq!(
        seen_polls,
        (1..=report.polls).collect::<Vec<_>>(),
        "progress after every poll"
    );
    report
}

#[tokio::test]
async fn waits_until_every_task_completes() {
    let server = start_manual(MockConfig {
        task_duration: Duration::from_secs(2),
        ..MockConfig::default()
    })
    .await;
    let client = builder(&server).build().unwrap();
    let mut ids = refresh_three(&client).await;
    ids.push(id(424_242)); // unknown: reported not found, not waited for
    let report = wait(
        &server,
        &client,
        ids.clone(),
        quick(Duration::from_secs(10)),
        Duration::from_secs(1),
    )
    .await;

    assert!(!report.timed_out, "{report:?}");
    let completed: Vec<TaskId> = report.completed.iter().map(|task| task.task_id).collect();
    assert_eq!(completed, ids[..3]);
    assert!(
        report
            .completed
            .iter()
            .all(|task| task.status == TaskStatus::Complete)
    );
    assert_eq!(report.not_found, [id(424_242)]);
    assert!(report.failed.is_empty() && report.unfinished.is_empty());
    // Clock at 0 s, 1 s, 2 s at the polls: complete on the third.
    assert_eq!(report.polls, 3);
    assert_eq!(calls_of(&server, "DescribeRefreshTaskById").len(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn reports_failed_tasks_with_their_reasons() {
    let server = start_manual(MockConfig {
        task_duration: Duration::from_secs(1),
        fail_rate: 1.0,
        ..MockConfig::default()
    })
    .await;
    let client = builder(&server).build().unwrap();
    let ids = refresh_three(&client).await;
    let report = wait(
        &server,
        &client,
        ids,
        quick(Duration::from_secs(10)),
        Duration::from_secs(1),
    )
    .await;

    assert!(!report.timed_out && !report.all_completed());
    assert_eq!(report.failed.len(), 3, "{report:?}");
    for task in &report.failed {
        assert_eq!(task.status, TaskStatus::Failed);
        let reason = task.failure_reason().expect("a failed task says why");
        assert!(
            matches!(
                reason,
                FailureReason::InternalError
                    | FailureReason::OriginTimeout
                    | FailureReason::OriginReturnStatusCode5xx
            ),
            "{reason:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn gives_up_at_the_deadline_after_one_last_poll() {
    let server = start_manual(MockConfig::default()).await;
    let client = builder(&server).build().unwrap();
    let ids = refresh_three(&client).await;
    // The clock never moves: the tasks stay Pending.
    let deadline = Duration::from_millis(300);
    let report = wait(&server, &client, ids.clone(), quick(deadline), Duration::ZERO).await;

    assert!(report.timed_out, "{report:?}");
    assert!(report.elapsed >= deadline, "{:?}", report.elapsed);
    assert_eq!(
        report.unfinished.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        ids
    );
    assert!(
        report
            .unfinished
            .iter()
            .all(|(_, task)| task.as_ref().is_some_and(|t| t.status == TaskStatus::Pending))
    );
    assert!(report.polls >= 2, "{report:?}");
    assert_eq!(
        calls_of(&server, "DescribeRefreshTaskById").len(),
        report.polls as usize
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_wait_options_are_refused() {
    let server = start_manual(MockConfig::default()).await;
    let client = builder(&server).build().unwrap();
    let options = WaitOptions::default().intervals(Duration::from_secs(5), Duration::from_secs(1));
    let error = client.wait([id(1)], options, |_| {}).await.unwrap_err();
    assert!(
        matches!(error, cdn_task_http::Error::InvalidInput(_)),
        "{error:?}"
    );
    assert!(server.received().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn failing_polls_do_not_end_the_wait_but_are_reported() {
    let server = start_manual(MockConfig::default()).await;
    let client = builder(&server).retry_policy(fast_retries(1)).build().unwrap();
    let ids = refresh_three(&client).await;
    server.set_faults(FaultConfig::always(Fault::ServiceUnavailable));
    let report = wait(
        &server,
        &client,
        ids,
        quick(Duration::from_millis(200)),
        Duration::ZERO,
    )
    .await;

    assert!(report.timed_out, "{report:?}");
    assert_eq!(report.failed_polls, report.polls);
    assert!(
        report.unfinished.iter().all(|(_, task)| task.is_none()),
        "no poll was answered"
    );
    let error = report.last_poll_error.expect("the last failure is kept");
    assert!(
        matches!(error, Error::Service { http_status: 503, .. }),
        "{error:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_refused_poll_ends_the_wait_with_its_error() {
    let server = start_manual(MockConfig::default()).await;
    let ids = refresh_three(&builder(&server).build().unwrap()).await;
    let wrong = builder(&server)
        .credentials(Credentials::new("testid", "wrong"))
        .build()
        .unwrap();
    let mut progress_calls = 0;
    let error = wrong
        .wait(ids, quick(Duration::from_secs(5)), |_| progress_calls += 1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Service {
                code: ErrorCode::SignatureDoesNotMatch,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(progress_calls, 0);
    assert_eq!(calls_of(&server, "DescribeRefreshTaskById").len(), 1);
    server.shutdown().await;
}

/// Review item 12: a task this process just created may not be visible at once on an eventually
/// consistent service. With the created-task grace a missing ID stays pending, and is found once
/// the service shows it; without it, the first poll settles it as not found.
#[tokio::test]
async fn a_created_task_that_shows_up_late_is_waited_for_within_the_grace() {
    let server = start_manual(MockConfig::default()).await;
    let client = builder(&server).build().unwrap();
    let late = id(777);
    let options = quick(Duration::from_secs(20));
    let without_grace = client.wait([late], options, |_| {}).await.unwrap();
    assert_eq!(
        (without_grace.not_found.as_slice(), without_grace.polls),
        ([late].as_slice(), 1)
    );

    // The task appears after a few polls (the callback seeds it on the fourth).
    let grace = WaitOptions {
        not_found_grace: Duration::from_secs(10),
        ..options
    };
    let mut polls = 0;
    let report = client
        .wait([late], grace, |_| {
            polls += 1;
            if polls == 4 {
                server.seed_tasks(None, vec![crate::common::task(777, TaskStatus::Complete)]);
            }
        })
        .await
        .unwrap();
    assert!(report.not_found.is_empty(), "{report:?}");
    assert_eq!(report.completed.len(), 1, "{report:?}");
    assert_eq!(report.polls, 5);
}

/// Review item 12: a poll still retrying at the deadline is abandoned one per-attempt timeout
/// past it, not after the retry policy's whole budget (here a minute).
#[tokio::test]
async fn a_poll_in_flight_at_the_deadline_does_not_overrun_it_by_the_retry_budget() {
    let server = start_manual(MockConfig {
        faults: FaultConfig::always(Fault::Delay(Duration::from_secs(30))),
        ..MockConfig::default()
    })
    .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .retry_policy(cdn_task_http::RetryPolicy {
            max_attempts: 1_000,
            min_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(5),
            max_total_time: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let report = client
        .wait([id(1)], quick(Duration::from_millis(500)), |_| {})
        .await
        .unwrap();
    // Deadline 0.5 s plus one attempt's 0.3 s; 15 s is a bound far from both that and a minute.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(report.timed_out && report.failed_polls >= 1, "{report:?}");
    assert!(
        matches!(report.last_poll_error, Some(Error::Timeout { .. })),
        "{report:?}"
    );
}
