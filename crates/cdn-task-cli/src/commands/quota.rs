//! `cdn-task quota`: today's remaining refresh and prefetch quota.

use super::print;
use crate::cli::{GlobalArgs, QuotaCommand};
use crate::error::CliError;
use crate::exit::Outcome;
use crate::submit_output::render_quota;

/// Prints the quota.
pub async fn run(global: &GlobalArgs, args: &QuotaCommand) -> Result<Outcome, CliError> {
    let client = crate::client::connect(global)?;
    let quota = client.quota().await?;
    print(&render_quota(&quota, args.output.output))?;
    Ok(Outcome::Success)
}
