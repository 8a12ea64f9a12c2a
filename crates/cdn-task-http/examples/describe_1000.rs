//! Describes 1,000 task IDs against an in-process cdn-task-mock at its default limit of 30 calls a
//! second, and reports how long it took against the floor of 100 calls / 30 per second ≈ 3.3 s.
//!
//! ```text
//! cargo run -p cdn-task-http --example describe_1000
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdn_task_core::{ObjectType, Process, Task, TaskId, TaskStatus};
use cdn_task_http::{Client, Credentials};
use cdn_task_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};
use chrono::{DateTime, Utc};
use std::time::{Instant, SystemTime};

const IDS: u64 = 1_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    let now = DateTime::<Utc>::from(SystemTime::now());
    let ids: Vec<TaskId> = (1..=IDS)
        .map(|n| TaskId::try_from(10_000_000 + n))
        .collect::<Result<_, _>>()?;
    let tasks = ids
        .iter()
        .map(|id| {
            let path = format!("http://example.com/{id}");
            Task::new(*id, path, now)
                .with_object_type(ObjectType::File)
                .with_status(TaskStatus::Complete)
                .with_process(Process::COMPLETE)
        })
        .collect();
    server.add_tasks(None, tasks);

    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET))
        .build()?;
    let started = Instant::now();
    let report = client.describe_all(ids.clone()).await;
    let elapsed = started.elapsed();

    let received = server.received();
    let throttled = received.iter().filter(|call| call.error_code.is_some()).count();
    let found: Vec<TaskId> = report.tasks.iter().map(|task| task.task_id).collect();
    println!(
        "described {} IDs in {} calls ({} throttled answers) in {:.2} s; floor {:.2} s (100 calls at 30/s)",
        found.len(),
        received.len(),
        throttled,
        elapsed.as_secs_f64(),
        100.0 / 30.0,
    );
    println!(
        "not found: {}, failed batches: {}",
        report.not_found.len(),
        report.failed_batches.len()
    );
    drop(client);
    server.shutdown().await;
    if found != ids || !report.no_failed_batches() {
        return Err("not every ID came back, in order".into());
    }
    Ok(())
}
