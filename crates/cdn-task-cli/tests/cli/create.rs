//! `refresh` and `preload`: the created IDs, JSON, and `--wait`.

use crate::common::{Setup, task_ids};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_prints_ids_or_json_and_the_type_reaches_the_service() {
    let setup = Setup::quick().await;
    let run = setup
        .run(&[
            "refresh",
            "--type",
            "directory",
            "--force",
            "--output",
            "json",
            "https://example.com/static/",
        ])
        .await;
    run.expect_code(0);
    let created = run.json();
    assert!(created["RequestIds"][0].is_string(), "{created}");
    assert_eq!(created["Failed"], serde_json::json!([]), "{created}");
    let id = created["TaskIds"][0].as_str().unwrap().to_owned();
    let report = setup.run(&["describe", &id, "--output", "json"]).await.json();
    assert_eq!(report["Tasks"][0]["ObjectType"], "directory");
    assert_eq!(report["Tasks"][0]["ObjectPath"], "https://example.com/static/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_wait_reports_the_finished_tasks() {
    let setup = Setup::new(Duration::from_millis(500), 0.0).await;
    let run = setup
        .run(&[
            "refresh",
            "--wait",
            "--timeout",
            "15s",
            "--min-interval",
            "100ms",
            "--max-interval",
            "300ms",
            "https://example.com/a.js",
            "https://example.com/b.js",
        ])
        .await;
    run.expect_code(0);
    assert!(run.stderr.starts_with("cdn-task: created task(s) "), "{run:?}");
    let rows: Vec<&str> = run.stdout.lines().skip(1).take(2).collect();
    assert!(rows.iter().all(|row| row.contains("Complete")), "{run:?}");
    assert!(run.stdout.contains("2 complete, 0 failed"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preload_prints_ids_and_waits() {
    let setup = Setup::new(Duration::from_millis(500), 0.0).await;
    let run = setup
        .run(&["preload", "--area", "overseas", "https://example.com/v.mp4"])
        .await;
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    let run = setup
        .run(&[
            "preload",
            "--wait",
            "--output",
            "json",
            "--min-interval",
            "100ms",
            "--max-interval",
            "300ms",
            "https://example.com/w.mp4",
        ])
        .await;
    run.expect_code(0);
    let report = run.json();
    assert_eq!(task_ids(&report).len(), 1);
    assert_eq!(report["Tasks"][0]["ObjectType"], "preload");
    assert_eq!(report["Tasks"][0]["Status"], "Complete");
}
