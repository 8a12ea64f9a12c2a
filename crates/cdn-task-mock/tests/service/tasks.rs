//! Task life: progression, failure, the three-day window, ownership, order, object types.

use crate::common::*;
use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{
    ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, FailureReason, Format, ObjectType,
    Process, RefreshType, Task, TaskId, TaskStatus,
};
use std::time::Duration;

#[tokio::test]
async fn tasks_progress_to_complete_on_the_mock_clock() {
    let mock = Mock::start(config().with_task_duration(Duration::from_secs(10))).await;
    let ids = mock
        .refresh(&["http://example.com/a.js"], RefreshType::File)
        .await;
    let id = joined(&ids);
    let stage = |task: &Task| (task.status.clone(), task.process.to_string());

    let task = &mock.tasks(&id).await[0];
    assert_eq!(stage(task), (TaskStatus::Pending, "0%".into()));
    assert_eq!(task.creation_time, start_time());
    assert_eq!(task.description, None);

    mock.server.clock().advance(Duration::from_millis(2_500));
    assert_eq!(
        stage(&mock.tasks(&id).await[0]),
        (TaskStatus::Refreshing, "25%".into())
    );
    mock.server.clock().advance(Duration::from_millis(5_000));
    assert_eq!(
        stage(&mock.tasks(&id).await[0]),
        (TaskStatus::Refreshing, "75%".into())
    );
    mock.server.clock().advance(Duration::from_millis(2_500));
    let done = &mock.tasks(&id).await[0];
    assert_eq!(stage(done), (TaskStatus::Complete, "100%".into()));
    assert_eq!(done.description, None);
    // The wire form of a finished task, as a client sees it.
    let answer = mock.describe(&id, Format::Json, SignatureVersion::Rpc).await;
    assert!(
        answer.text().contains(r#""Description":"","#),
        "{}",
        answer.text()
    );
    assert!(
        answer.text().contains(r#""CreationTime":"2026-06-01T00:00:00Z""#),
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn with_fail_rate_one_tasks_fail_with_a_documented_reason_deterministically() {
    let config = || config().with_fail_rate(1.0).unwrap().with_rng_seed(42);
    let mut reasons_per_run = Vec::new();
    for _ in 0..2 {
        let mock = Mock::start(config()).await;
        let paths: Vec<String> = (0..8).map(|n| format!("http://example.com/{n}")).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let ids = mock.refresh(&paths, RefreshType::File).await;
        mock.server.clock().advance(Duration::from_secs(1));
        assert!(
            mock.tasks(&joined(&ids))
                .await
                .iter()
                .all(|t| t.status == TaskStatus::Refreshing)
        );
        mock.server.clock().advance(Duration::from_secs(1));
        let tasks = mock.tasks(&joined(&ids)).await;
        let mut reasons = Vec::new();
        for task in &tasks {
            assert_eq!(task.status, TaskStatus::Failed);
            let reason = task.failure_reason().cloned().unwrap();
            assert!(
                matches!(
                    reason,
                    FailureReason::InternalError
                        | FailureReason::OriginTimeout
                        | FailureReason::OriginReturnStatusCode5xx
                ),
                "{reason:?}"
            );
            reasons.push(reason);
        }
        // In XML too: the Description carries the documented spelling.
        let xml = mock
            .describe(&joined(&ids), Format::Xml, SignatureVersion::Rpc)
            .await;
        let response: DescribeRefreshTaskByIdResponse = xml.decode(Format::Xml);
        assert_eq!(response.tasks, tasks);
        reasons_per_run.push(reasons);
    }
    assert_eq!(reasons_per_run[0], reasons_per_run[1], "same seed, same fates");
}

#[tokio::test]
async fn the_three_day_window_is_inclusive_at_72_hours() {
    // The helpers sign at the mock's time, so requests keep up with its jumps.
    let mock = Mock::start(config()).await;
    let ids = mock.refresh(&["http://example.com/old"], RefreshType::File).await;
    let id = joined(&ids);
    mock.server.clock().advance(Duration::from_secs(72 * 3600));
    let tasks = mock.tasks(&id).await;
    assert_eq!(tasks.len(), 1, "exactly 72 hours old: still visible");
    assert_eq!(tasks[0].status, TaskStatus::Complete);
    mock.server.clock().advance(Duration::from_secs(1));
    assert!(mock.tasks(&id).await.is_empty(), "72 hours and a second: gone");
}

#[tokio::test]
async fn callers_see_their_own_tasks_and_seeded_ones_in_the_order_asked() {
    let mock = Mock::start(config()).await;
    let mine = mock
        .refresh(&["http://a.com/1", "http://a.com/2"], RefreshType::File)
        .await;
    let other = Credentials::new(OTHER_ID, OTHER_SECRET);
    let theirs: cdn_task_core::CreateTasksResponse = mock
        .send(&mock.sign_as(
            &ApiRequest::new(&refresh_op(&["http://b.com/1"], RefreshType::File), Format::Json),
            SignatureVersion::Acs3,
            &other,
        ))
        .await
        .decode(Format::Json);
    let seeded = |id: &str, path: &str| {
        Task::new(id.parse().unwrap(), path, start_time())
            .with_object_type(ObjectType::Directory)
            .with_status(TaskStatus::Complete)
            .with_process(Process::COMPLETE)
    };
    mock.server.add_tasks(None, vec![seeded("7", "http://shared/")]);
    mock.server
        .add_tasks(Some(OTHER_ID), vec![seeded("8", "http://private/")]);

    let asked = format!("{},404,7,{},{},8", mine[1], theirs.task_ids[0], mine[0]);
    let seen: Vec<String> = mock
        .tasks(&asked)
        .await
        .iter()
        .map(|t| t.task_id.to_string())
        .collect();
    assert_eq!(seen, [mine[1].to_string(), "7".into(), mine[0].to_string()]);

    let request = ApiRequest::new(&DescribeRefreshTaskById::new(asked.parse().unwrap()), Format::Xml);
    let as_other: DescribeRefreshTaskByIdResponse = mock
        .send(&mock.sign_as(&request, SignatureVersion::Rpc, &other))
        .await
        .decode(Format::Xml);
    let seen: Vec<String> = as_other.tasks.iter().map(|t| t.task_id.to_string()).collect();
    assert_eq!(seen, ["7".to_owned(), theirs.task_ids[0].to_string(), "8".into()]);
    assert_eq!(as_other.total_count, 3);
}

#[tokio::test]
async fn object_types_and_increasing_ids() {
    let mock = Mock::start(config()).await;
    let mut ids: Vec<TaskId> = Vec::new();
    for kind in [
        RefreshType::File,
        RefreshType::IgnoreParams,
        RefreshType::Directory,
        RefreshType::Regex,
    ] {
        ids.extend(mock.refresh(&["http://a.com/x"], kind).await);
    }
    ids.extend(
        mock.push(&["http://a.com/big.bin", "http://a.com/big2.bin"])
            .await,
    );
    let types: Vec<String> = mock
        .tasks(&joined(&ids))
        .await
        .iter()
        .map(|t| t.object_type.to_string())
        .collect();
    assert_eq!(
        types,
        ["file", "file", "directory", "regex", "preload", "preload"]
    );
    let numbers: Vec<u64> = ids.iter().map(|id| id.as_str().parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
}

#[tokio::test]
async fn seeded_tasks_follow_the_window_by_their_creation_time() {
    let mock = Mock::start(config()).await;
    let seed = cdn_task_mock::parse_tasks(
        r#"[{"TaskId":"11","ObjectPath":"http://a/","ObjectType":"file","Status":"Refreshing",
             "Process":"40%","CreationTime":"2026-05-29T00:00:00Z","Description":""},
            {"TaskId":"12","ObjectPath":"http://a/","ObjectType":"file","Status":"Complete",
             "Process":"100%","CreationTime":"2026-05-28T23:59:59Z","Description":""}]"#,
    )
    .unwrap();
    mock.server.add_tasks(None, seed);
    let tasks = mock.tasks("11,12").await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (tasks[0].task_id.as_str(), tasks[0].process.to_string()),
        ("11", "40%".into())
    );
}
