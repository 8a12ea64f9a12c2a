//! `cdn-task list`: the tasks of the last three days, filtered, newest first, pages fetched as
//! needed.

use super::print;
use crate::cli::{GlobalArgs, ListArgs};
use crate::error::CliError;
use crate::exit::Outcome;
use crate::submit_output::ListReport;
use cdn_task_core::{DescribeRefreshTasks, PageSize, QUERY_WINDOW, TaskTypeFilter};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::TryStreamExt;
use std::time::SystemTime;

/// Lists the tasks the flags select.
pub async fn run(global: &GlobalArgs, args: &ListArgs) -> Result<Outcome, CliError> {
    let now = DateTime::<Utc>::from(SystemTime::now());
    let filter = filter(args, now)?;
    filter.check_window(now)?;
    let client = crate::client::connect(global)?;
    let mut pages = std::pin::pin!(client.list_pages(filter));
    let mut report = ListReport::default();
    while let Some(page) = pages.try_next().await? {
        report.total_count = page.total_count;
        report.tasks.extend(page.tasks);
        if args.limit != 0 && report.tasks.len() >= args.limit {
            report.tasks.truncate(args.limit);
            break;
        }
    }
    print(&report.render(args.output.output))?;
    Ok(Outcome::Success)
}

/// The request the flags describe. Choice: `--domain` or `--status` without `--type` lists
/// `file` tasks (the service insists on a type with them, and URL refreshes are what most
/// people look for); the table says so in its header line.
fn filter(args: &ListArgs, now: DateTime<Utc>) -> Result<DescribeRefreshTasks, CliError> {
    let mut builder = DescribeRefreshTasks::builder().page_size(PageSize::MAX);
    let kind = args
        .kind
        .map(TaskTypeFilter::from)
        .or_else(|| (args.domain.is_some() || args.status.is_some()).then_some(TaskTypeFilter::File));
    if let Some(kind) = kind {
        builder = builder.object_type(kind);
    }
    if let Some(status) = args.status {
        builder = builder.status(status.into());
    }
    if let Some(domain) = &args.domain {
        builder = builder.domain_name(domain.as_str());
    }
    if let Some(path) = &args.path {
        builder = builder.object_path(path.as_str());
    }
    if let Some(id) = args.task_id {
        builder = builder.task_id(id);
    }
    let window = match (args.since, args.start, args.end) {
        // Exactly the three days is the service's default window: no window sent, so no start
        // that has slipped out of the window by the time the service reads it.
        (Some(since), _, _) if TimeDelta::from_std(since).is_ok_and(|since| since == QUERY_WINDOW) => None,
        (Some(since), _, _) => {
            let since = TimeDelta::from_std(since).unwrap_or(TimeDelta::MAX);
            Some((
                now.checked_sub_signed(since).unwrap_or(DateTime::<Utc>::MIN_UTC),
                now,
            ))
        }
        (None, Some(start), Some(end)) => Some((start, end)),
        _ => None,
    };
    if let Some((start, end)) = window {
        builder = builder.window(start, end);
    }
    Ok(builder.build()?)
}
