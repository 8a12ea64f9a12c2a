//! `describe_all`: batches of ten, input order, not-found and failed batches reported.

use crate::common::{builder, calls_of, client, id, start, task};
use cdn_task_core::{TaskId, TaskStatus};
use cdn_task_mock::{Fault, FaultConfig, MockConfig};

#[tokio::test]
async fn twenty_five_ids_in_three_batches_in_input_order_with_not_found() {
    let server = start(MockConfig::default()).await;
    // Seed 20 tasks; ask for 25 IDs (5 unknown), in an order unlike the seed's, with a duplicate.
    server.add_tasks(
        None,
        (1..=20)
            .map(|n| task(900_000 + n, TaskStatus::Complete))
            .collect(),
    );
    let asked: Vec<TaskId> = (1..=25u64)
        .rev()
        .map(|n| id(900_000 + n))
        .chain([id(900_007)])
        .collect();
    let report = client(&server).describe_all(asked.clone()).await;

    assert!(report.no_failed_batches(), "{:?}", report.failed_batches);
    let found: Vec<TaskId> = report.tasks.iter().map(|task| task.task_id).collect();
    let expected_found: Vec<TaskId> = (1..=20u64).rev().map(|n| id(900_000 + n)).collect();
    assert_eq!(found, expected_found);
    let expected_missing: Vec<TaskId> = (21..=25u64).rev().map(|n| id(900_000 + n)).collect();
    assert_eq!(report.not_found, expected_missing);
    assert_eq!(report.request_ids.len(), 3);

    let calls = calls_of(&server, "DescribeRefreshTaskById");
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|call| call.status == Some(200)));
    server.shutdown().await;
}

#[tokio::test]
async fn a_failed_batch_is_reported_with_its_ids() {
    let server = start(MockConfig::default()).await;
    server.add_tasks(None, (1..=15).map(|n| task(n, TaskStatus::Pending)).collect());
    server.set_faults(FaultConfig::always(Fault::InternalError));
    let client = builder(&server)
        .retry_policy(crate::common::fast_retries(2))
        .max_concurrency(1)
        .build()
        .unwrap();
    let report = client.describe_all((1..=15).map(id)).await;
    assert!(report.tasks.is_empty() && report.not_found.is_empty());
    assert_eq!(report.failed_batches.len(), 2);
    assert_eq!(report.failed_ids(), (1..=15).map(id).collect::<Vec<_>>());
    assert_eq!(report.failed_batches[1].ids.to_string(), "11,12,13,14,15");
    for failure in &report.failed_batches {
        assert!(
            failure.error.to_string().contains("InternalError"),
            "{}",
            failure.error
        );
    }
    // Two batches, two attempts each.
    assert_eq!(calls_of(&server, "DescribeRefreshTaskById").len(), 4);
    server.shutdown().await;
}

#[tokio::test]
async fn nothing_to_describe_makes_no_call() {
    let server = start(MockConfig::default()).await;
    let report = client(&server).describe_all([]).await;
    assert!(report.tasks.is_empty() && report.not_found.is_empty() && report.no_failed_batches());
    assert!(server.received().is_empty());
    server.shutdown().await;
}
