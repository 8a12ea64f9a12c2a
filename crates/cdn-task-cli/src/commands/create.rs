//! `cdn-task refresh PATH...` and `cdn-task preload URL...`, each optionally followed by a wait.

use super::print;
use super::wait::wait_for;
use crate::cli::{GlobalArgs, PreloadArgs, RefreshArgs, ThenWait};
use crate::error::CliError;
use crate::exit::Outcome;
use crate::output::CreatedReport;
use cdn_task_core::CreateTasksResponse;
use cdn_task_http::Client;

/// Purges the paths.
pub async fn refresh(global: &GlobalArgs, args: &RefreshArgs) -> Result<Outcome, CliError> {
    // The wait flags are checked before anything is created.
    let options = args.then.wait.then(|| args.then.options.options()).transpose()?;
    let client = crate::client::connect(global)?;
    let created = client.refresh(&args.paths, args.kind.into(), args.force).await?;
    finish(&client, created, options, &args.then, global).await
}

/// Prefetches the URLs.
pub async fn preload(global: &GlobalArgs, args: &PreloadArgs) -> Result<Outcome, CliError> {
    let options = args.then.wait.then(|| args.then.options.options()).transpose()?;
    let client = crate::client::connect(global)?;
    let created = client.preload(&args.urls, args.area.map(Into::into)).await?;
    finish(&client, created, options, &args.then, global).await
}

/// Without `--wait`, prints the created IDs on stdout. With it, names them on stderr (so they
/// are known even if the wait fails) and prints the wait's report on stdout.
async fn finish(
    client: &Client,
    created: CreateTasksResponse,
    wait: Option<cdn_task_http::WaitOptions>,
    then: &ThenWait,
    global: &GlobalArgs,
) -> Result<Outcome, CliError> {
    let created = CreatedReport::from(created);
    let Some(options) = wait else {
        print(&created.render(then.output.output))?;
        return Ok(Outcome::Success);
    };
    let ids: Vec<String> = created.task_ids.iter().map(ToString::to_string).collect();
    eprintln!(
        "cdn-task: created task(s) {} (request ID {}); waiting",
        ids.join(","),
        created.request_id
    );
    wait_for(
        client,
        &created.task_ids,
        options.for_created_tasks(),
        then.output.output,
        global.verbose == 0,
    )
    .await
}
