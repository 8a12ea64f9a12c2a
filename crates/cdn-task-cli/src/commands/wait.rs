//! `cdn-task wait ID...`, and the waiting that `refresh --wait`, `preload --wait` and `demo` share.

use super::print;
use crate::cli::{GlobalArgs, WaitCommand};
use crate::error::CliError;
use crate::exit::Outcome;
use crate::ids::parse_id_arguments;
use crate::output::{OutputFormat, TaskReport};
use crate::progress::WaitBars;
use cdn_task_core::TaskId;
use cdn_task_http::{Client, WaitOptions};

/// Waits for the IDs given on the command line.
pub async fn run(global: &GlobalArgs, args: &WaitCommand) -> Result<Outcome, CliError> {
    let ids = parse_id_arguments(&args.ids)?;
    let options = args.wait.options()?;
    let client = crate::client::connect(global)?;
    wait_for(&client, &ids, options, args.output.output, global.verbose == 0).await
}

/// Waits for `ids` with progress bars on stderr (when `bars` and stderr is a terminal), prints
/// the final report on stdout, and returns the outcome: 0 all complete, 1 a task failed or was
/// not found, 4 deadline passed. A deadline reached while the last poll failed is an error (3):
/// the tasks' state at the deadline is unknown.
pub async fn wait_for(
    client: &Client,
    ids: &[TaskId],
    options: WaitOptions,
    output: OutputFormat,
    bars: bool,
) -> Result<Outcome, CliError> {
    let bars = WaitBars::new(ids, bars);
    let mut last_poll_failed = false;
    let result = client
        .wait(ids.iter().copied(), options, |progress| {
            bars.update(progress);
            last_poll_failed = progress.poll_error.is_some();
        })
        .await;
    bars.finish();
    // A wait stopped by an error ends the command with that error, as before the report came
    // with it.
    let report = result.map_err(|stopped| CliError::Client(stopped.into()))?;
    print(&TaskReport::from_wait(ids, &report).render(output))?;
    if report.timed_out && last_poll_failed {
        if let Some(error) = report.last_poll_error {
            return Err(CliError::LastPollFailed(error));
        }
    }
    Ok(Outcome::of_wait(
        !report.failed.is_empty(),
        !report.not_found.is_empty(),
        report.timed_out,
    ))
}
