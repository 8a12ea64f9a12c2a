//! `cdn-task describe ID...`

use super::print;
use crate::cli::{DescribeArgs, GlobalArgs};
use crate::error::{CliError, one_line};
use crate::exit::Outcome;
use crate::ids::parse_id_arguments;
use crate::output::TaskReport;

/// Describes every ID (ten per call). Failed batches get a line each on stderr and exit 3; the
/// tasks of the batches that succeeded are still printed.
pub async fn run(global: &GlobalArgs, args: &DescribeArgs) -> Result<Outcome, CliError> {
    let ids = parse_id_arguments(&args.ids)?;
    let client = crate::client::connect(global)?;
    let report = client.describe_all(ids).await;
    let mut outcome = Outcome::Success;
    for failure in &report.failed_batches {
        eprintln!(
            "cdn-task: describe failed for {}: {}",
            failure.ids,
            one_line(&cdn_task_http::DisplayChain(&failure.error))
        );
        outcome = Outcome::of_client_error(&failure.error);
    }
    if !report.request_ids.is_empty() {
        print(&TaskReport::from_describe(&report).render(args.output.output))?;
    }
    Ok(outcome)
}
