//! `cdn-task demo`: the whole flow with nothing set up: no credentials, no network.

use super::wait::wait_for;
use crate::cli::GlobalArgs;
use crate::error::CliError;
use crate::exit::Outcome;
use crate::output::OutputFormat;
use cdn_task_core::RefreshType;
use cdn_task_http::{Credentials, WaitOptions};
use cdn_task_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};
use std::time::Duration;

/// How long the demo's tasks take.
const TASK_DURATION: Duration = Duration::from_secs(3);

/// The demo's wait: polls 250 ms to 1 s apart, well inside the promised ~15 s.
const WAIT: WaitOptions = WaitOptions {
    deadline: Duration::from_secs(15),
    min_interval: Duration::from_millis(250),
    max_interval: Duration::from_secs(1),
    backoff_factor: cdn_task_core::WaitPolicy::DEFAULT_BACKOFF_FACTOR,
    not_found_grace: cdn_task_http::CREATED_TASK_GRACE,
};

/// Starts the mock on 127.0.0.1 (free port), refreshes two URLs and prefetches one with the
/// mock's own AccessKey (the environment and `--endpoint`/`--profile` are ignored), waits for
/// the three tasks with progress bars, and prints the table.
pub async fn run(global: &GlobalArgs) -> Result<Outcome, CliError> {
    let mock = MockServer::start(MockConfig {
        task_duration: TASK_DURATION,
        ..MockConfig::default()
    })
    .await
    .map_err(CliError::DemoMock)?;
    let outcome = against(&mock, global).await;
    mock.shutdown().await;
    outcome
}

async fn against(mock: &MockServer, global: &GlobalArgs) -> Result<Outcome, CliError> {
    eprintln!(
        "demo: mock service at {} (AccessKey {DEFAULT_ACCESS_KEY_ID}); tasks take {}s",
        mock.base_url(),
        TASK_DURATION.as_secs()
    );
    let client = crate::client::settings(global)
        .endpoint(mock.base_url())
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET))
        .build()?;
    let refreshed = client
        .refresh(
            [
                "https://example.com/index.html",
                "https://example.com/static/app.js",
            ],
            RefreshType::File,
            cdn_task_core::Force::IfChanged,
        )
        .await?;
    eprintln!("demo: refresh created {}", join(&refreshed.task_ids));
    let preloaded = client
        .preload(["https://example.com/video/intro.mp4"], None)
        .await?;
    eprintln!("demo: prefetch created {}", join(&preloaded.task_ids));
    let ids: Vec<_> = refreshed.task_ids.into_iter().chain(preloaded.task_ids).collect();
    wait_for(&client, &ids, WAIT, OutputFormat::Table, global.verbose == 0).await
}

fn join(ids: &[cdn_task_core::TaskId]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}
