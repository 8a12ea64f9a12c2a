//! Finding the tasks a create call made when its answer was lost: the call may or may not have
//! been processed, so it must not be sent again; the tasks it made are looked up instead
//! (`DescribeRefreshTasks` by creation time and kind) and matched to its paths here.

use super::list::TaskTypeFilter;
use super::plan::PurgeKind;
use super::refresh::RefreshType;
use crate::task::Task;
use crate::task_id::TaskId;
use chrono::{DateTime, TimeDelta, Utc};

/// How far the service's clock may stand from the caller's, either way, for a task's creation
/// time to count as made by a call sent between two instants of the caller's clock. The service
/// accepts requests dated up to 15 minutes off; one minute is the project's choice: wide enough
/// for a synchronized clock, narrow enough not to take an earlier purge of the same path for
/// this one's.
pub const RECONCILE_CLOCK_MARGIN: TimeDelta = TimeDelta::minutes(1);

/// The `ObjectType` the tasks of `kind` are listed under (an ignore-params refresh makes `file`
/// tasks).
pub fn listed_type(kind: PurgeKind) -> TaskTypeFilter {
    match kind {
        PurgeKind::Refresh(RefreshType::File | RefreshType::IgnoreParams) => TaskTypeFilter::File,
        PurgeKind::Refresh(RefreshType::Directory) => TaskTypeFilter::Directory,
        PurgeKind::Refresh(RefreshType::Regex) => TaskTypeFilter::Regex,
        PurgeKind::Preload => TaskTypeFilter::Preload,
    }
}

/// The creation-time window to search for the tasks of a call first sent at `sent` whose last
/// attempt ended at `ended` (the caller's clock), widened by [`RECONCILE_CLOCK_MARGIN`].
pub fn reconcile_window(sent: DateTime<Utc>, ended: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (sent - RECONCILE_CLOCK_MARGIN, ended + RECONCILE_CLOCK_MARGIN)
}

/// What a lookup found for a call's paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Reconciliation {
    /// The IDs of the tasks found on the call's paths, in the order of the paths, each once.
    pub adopted: Vec<TaskId>,
    /// The paths no task was found for: their outcome is unknown.
    pub unknown: Vec<String>,
}

impl Reconciliation {
    /// Matches `tasks` (listed for the call's window) to `paths`: a task counts when its path is
    /// one of them exactly and its creation time lies within `window` (inclusive).
    ///
    /// ```
    /// use cdn_task_core::{Reconciliation, reconcile_window};
    /// # use cdn_task_core::{Task, parse_utc_timestamp};
    /// let sent = parse_utc_timestamp("2026-11-30T10:00:00Z")?;
    /// let task = Task::new("7".parse()?, "https://a.com/x", sent);
    /// let paths = ["https://a.com/x".to_owned(), "https://a.com/y".to_owned()];
    /// let found = Reconciliation::of(&paths, &[task], reconcile_window(sent, sent));
    /// assert_eq!(found.adopted, ["7".parse()?]);
    /// assert_eq!(found.unknown, ["https://a.com/y"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(paths: &[String], tasks: &[Task], window: (DateTime<Utc>, DateTime<Utc>)) -> Reconciliation {
        let (start, end) = window;
        let mut result = Reconciliation::default();
        for path in paths {
            let mut found = false;
            for task in tasks {
                let in_window = task.creation_time >= start && task.creation_time <= end;
                if in_window && task.object_path == *path {
                    found = true;
                    if !result.adopted.contains(&task.task_id) {
                        result.adopted.push(task.task_id);
                    }
                }
            }
            if !found {
                result.unknown.push(path.clone());
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ObjectType, Process, TaskStatus, parse_utc_timestamp};

    fn task(id: &str, path: &str, created: &str) -> Task {
        Task::new(id.parse().unwrap(), path, parse_utc_timestamp(created).unwrap())
            .with_object_type(ObjectType::File)
            .with_status(TaskStatus::Refreshing)
            .with_process(Process::ZERO)
    }

    #[test]
    fn only_tasks_on_the_paths_and_in_the_window_are_adopted() {
        let sent = parse_utc_timestamp("2026-11-30T10:00:00Z").unwrap();
        let window = reconcile_window(sent, sent + TimeDelta::seconds(20));
        let tasks = [
            task("1", "https://a.com/x", "2026-11-30T10:00:01Z"),
            task("2", "https://a.com/x", "2026-11-30T09:50:00Z"),
            task("3", "https://a.com/other", "2026-11-30T10:00:01Z"),
            task("4", "https://a.com/y", "2026-11-30T10:01:20Z"),
            task("1", "https://a.com/x", "2026-11-30T10:00:01Z"),
        ];
        let paths = [
            "https://a.com/x".to_owned(),
            "https://a.com/y".to_owned(),
            "https://a.com/z".to_owned(),
        ];
        let found = Reconciliation::of(&paths, &tasks, window);
        assert_eq!(found.adopted, ["1".parse().unwrap(), "4".parse().unwrap()]);
        assert_eq!(found.unknown, ["https://a.com/z"]);
    }

    #[test]
    fn kinds_are_listed_under_their_object_type() {
        assert_eq!(
            listed_type(PurgeKind::Refresh(RefreshType::IgnoreParams)),
            TaskTypeFilter::File
        );
        assert_eq!(listed_type(PurgeKind::Preload), TaskTypeFilter::Preload);
    }
}
