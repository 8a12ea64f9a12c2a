//! `cdn-task refresh PATH...` and `cdn-task preload URL...`: paths from arguments and a file (or
//! standard input), planned by the core within the service's per-call limits, checked against
//! today's quota, submitted, and optionally waited for.

use super::print;
use super::wait::wait_for;
use crate::cli::{GlobalArgs, PathSourceArgs, PreloadArgs, RefreshArgs, ThenWait};
use crate::error::CliError;
use crate::exit::Outcome;
use crate::submit_output::{PlanReport, SubmitJson};
use cdn_task_core::{PathSource, PurgeKind, PurgePlan, read_path_list};
use cdn_task_http::{Force, QuotaPolicy, SubmitOptions};
use std::io::Read;

/// Purges the paths.
pub async fn refresh(global: &GlobalArgs, args: &RefreshArgs) -> Result<Outcome, CliError> {
    let kind = PurgeKind::Refresh(args.kind.into());
    let force = if args.force {
        Force::Always
    } else {
        Force::IfChanged
    };
    let options = SubmitOptions::new().with_force(force);
    submit(global, kind, &args.paths, &args.source, options, &args.then).await
}

/// Prefetches the URLs.
pub async fn preload(global: &GlobalArgs, args: &PreloadArgs) -> Result<Outcome, CliError> {
    let mut options = SubmitOptions::new();
    if let Some(area) = args.area {
        options = options.with_area(area.into());
    }
    submit(
        global,
        PurgeKind::Preload,
        &args.urls,
        &args.source,
        options,
        &args.then,
    )
    .await
}

/// Plans the paths (exit 2 with the line of every invalid one before anything is sent), then
/// prints the plan (`--dry-run`) or submits it.
async fn submit(
    global: &GlobalArgs,
    kind: PurgeKind,
    arguments: &[String],
    source: &PathSourceArgs,
    options: SubmitOptions,
    then: &ThenWait,
) -> Result<Outcome, CliError> {
    // The wait flags are checked before anything is created.
    let wait = then.wait.then(|| then.options.options()).transpose()?;
    let file_text = read_path_file(source)?;
    let mut sources: Vec<PathSource<'_>> = arguments
        .iter()
        .enumerate()
        .map(|(index, text)| PathSource::argument(index + 1, text.as_str()))
        .collect();
    if let Some(text) = &file_text {
        sources.extend(read_path_list(text));
    }
    let plan = PurgePlan::new(kind, sources)?;
    if source.dry_run {
        print(&PlanReport::of(&plan).render(then.output.output))?;
        return Ok(Outcome::Success);
    }
    let options = if source.allow_partial {
        options.with_quota_policy(QuotaPolicy::WhatFits)
    } else {
        options
    };
    let client = crate::client::connect(global)?;
    let report = client.submit(plan, options).await.map_err(|error| match error {
        cdn_task_http::Error::QuotaInsufficient { .. } => CliError::OverQuota(error),
        other => CliError::Client(other),
    })?;
    let json = SubmitJson::of(&report);
    for failure in &json.failed {
        eprintln!("cdn-task: {}", crate::error::one_line(&failure.summary()));
    }
    let submitted_all = json.failed.is_empty();
    let task_ids = report.task_ids();
    let Some(options) = wait else {
        print(&json.render(then.output.output))?;
        return Ok(if submitted_all {
            Outcome::Success
        } else {
            Outcome::ServiceError
        });
    };
    // Named on stderr, so they are known even if the wait fails.
    let ids: Vec<String> = task_ids.iter().map(ToString::to_string).collect();
    eprintln!(
        "cdn-task: created task(s) {} in {} call(s); waiting",
        ids.join(","),
        report.calls.len()
    );
    if task_ids.is_empty() {
        print(&json.render(then.output.output))?;
        return Ok(Outcome::ServiceError);
    }
    let waited = wait_for(
        &client,
        &task_ids,
        options.for_created_tasks(),
        then.output.output,
        global.verbose == 0,
    )
    .await?;
    // A path not submitted (or of unknown outcome) outranks what the wait found: the job is not
    // done, whatever became of the tasks that were made.
    Ok(if submitted_all {
        waited
    } else {
        Outcome::ServiceError
    })
}

/// The text of `--from-file` (standard input for `-`), if given. Paths come from the arguments
/// (numbered from 1) first, then from the file's lines (numbered by line).
fn read_path_file(source: &PathSourceArgs) -> Result<Option<String>, CliError> {
    let Some(path) = &source.from_file else {
        return Ok(None);
    };
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| CliError::PathFile {
                file: "standard input".into(),
                error,
            })?;
        return Ok(Some(text));
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|error| CliError::PathFile {
            file: path.display().to_string(),
            error,
        })
}
