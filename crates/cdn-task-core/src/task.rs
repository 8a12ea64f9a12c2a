//! One refresh or prefetch task as `DescribeRefreshTaskById` reports it (the API's `CDNTask`).

use crate::process::Process;
use crate::task_id::TaskId;
use crate::wire_str::wire_vocabulary;
use chrono::{DateTime, Utc};

wire_vocabulary! {
    /// What a task works on (`ObjectType`).
    pub enum ObjectType {
        /// A single URL was refreshed.
        File => "file",
        /// A directory was refreshed.
        Directory => "directory",
        /// A URL was prefetched (a `PushObjectCache` task).
        Preload => "preload",
        /// URLs matching a regular expression were refreshed.
        Regex => "regex",
    }
}

wire_vocabulary! {
    /// Where a task stands (`Status`).
    pub enum TaskStatus {
        /// Done; `Process` is `100%`.
        Complete => "Complete",
        /// Queued, not started.
        Pending => "Pending",
        /// Under way; `Process` rises.
        Refreshing => "Refreshing",
        /// Gave up; `Description` says why.
        Failed => "Failed",
    }
}

wire_vocabulary! {
    /// Why a task failed (`Description`, when not empty). Older spellings decode to the same variant.
    pub enum FailureReason {
        /// The service failed internally.
        InternalError => "Internal Error" | "InternalError",
        /// The origin did not answer in time.
        OriginTimeout => "Origin Timeout" | "OriginTimeout",
        /// The origin answered with a 5xx status.
        OriginReturnStatusCode5xx => "Origin Return StatusCode 5XX",
    }
}

impl TaskStatus {
    /// Whether the task will not change any more (`Complete` or `Failed`). An unknown status is
    /// not terminal: a waiter keeps polling it until its deadline.
    pub fn is_terminal(&self) -> bool {
        matches!(self, TaskStatus::Complete | TaskStatus::Failed)
    }
}

/// One task (`CDNTask`). Fields are declared in the order the service writes them (alphabetical),
/// which is the order the codecs encode.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Task {
    /// When the task was created (UTC).
    #[serde(with = "creation_time")]
    pub creation_time: DateTime<Utc>,
    /// Why the task failed; `None` when the service sent an empty `Description`.
    #[serde(with = "description", default)]
    pub description: Option<FailureReason>,
    /// The URL or directory the task works on.
    pub object_path: String,
    /// What kind of task it is.
    pub object_type: ObjectType,
    /// Progress.
    pub process: Process,
    /// Where the task stands.
    pub status: TaskStatus,
    /// The task's ID.
    pub task_id: TaskId,
}

impl Task {
    /// A task with every field given; `Task` is `#[non_exhaustive]`, so this is how code outside
    /// the crate (the mock, tests) builds one.
    pub fn new(
        task_id: TaskId,
        object_path: impl Into<String>,
        object_type: ObjectType,
        status: TaskStatus,
        process: Process,
        creation_time: DateTime<Utc>,
        description: Option<FailureReason>,
    ) -> Task {
        Task {
            creation_time,
            description,
            object_path: object_path.into(),
            object_type,
            process,
            status,
            task_id,
        }
    }

    /// Whether the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// Whether the task finished successfully.
    pub fn succeeded(&self) -> bool {
        self.status == TaskStatus::Complete
    }

    /// Whether the task failed.
    pub fn failed(&self) -> bool {
        self.status == TaskStatus::Failed
    }

    /// Why the task failed: `Some` only for a failed task that carries a reason.
    pub fn failure_reason(&self) -> Option<&FailureReason> {
        if self.failed() {
            self.description.as_ref()
        } else {
            None
        }
    }
}

/// serde for `CreationTime` (and every other UTC wire time, such as STS's `Expiration`): a UTC
/// wire timestamp, with or without seconds.
pub(crate) mod creation_time {
    use chrono::{DateTime, Utc};

    pub(crate) fn serialize<S: serde::Serializer>(
        time: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&crate::time::format_utc_timestamp(*time))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let wire: crate::time::WireTime =
            crate::wire_str::deserialize_parsed(deserializer, "a UTC time like \"2020-08-03T08:54:23Z\"")?;
        Ok(wire.0)
    }
}

/// serde for `Description`: the empty string is `None`.
mod description {
    use super::FailureReason;

    pub(super) fn serialize<S: serde::Serializer>(
        reason: &Option<FailureReason>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(reason.as_ref().map_or("", FailureReason::as_str))
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<FailureReason>, D::Error> {
        let reason: FailureReason = serde::Deserialize::deserialize(deserializer)?;
        Ok(super::description_from_wire(reason))
    }
}

/// Maps the decoded `Description` to `None` when the service sent an empty string.
pub(crate) fn description_from_wire(reason: FailureReason) -> Option<FailureReason> {
    match reason {
        FailureReason::Unknown(text) if text.as_str().is_empty() => None,
        reason => Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn task(status: TaskStatus, description: Option<FailureReason>) -> Task {
        Task::new(
            "1".parse().unwrap(),
            "http://example.com/a",
            ObjectType::File,
            status,
            Process::ZERO,
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            description,
        )
    }

    #[test]
    fn vocabularies_keep_unknown_values_and_aliases() {
        assert_eq!("regex".parse::<ObjectType>(), Ok(ObjectType::Regex));
        assert!(matches!(
            "ignoreParams".parse::<ObjectType>(),
            Ok(ObjectType::Unknown(value)) if value.as_str() == "ignoreParams"
        ));
        assert_eq!("Queued".parse::<TaskStatus>().unwrap().as_str(), "Queued");
        assert_eq!(
            "OriginTimeout".parse::<FailureReason>(),
            Ok(FailureReason::OriginTimeout)
        );
        assert_eq!(FailureReason::OriginTimeout.as_str(), "Origin Timeout");
        assert_eq!(
            "Origin Return StatusCode 5XX".parse::<FailureReason>(),
            Ok(FailureReason::OriginReturnStatusCode5xx)
        );
    }

    #[test]
    fn helpers_tell_terminal_success_and_failure() {
        let done = task(TaskStatus::Complete, None);
        assert!(done.is_terminal() && done.succeeded() && !done.failed());
        assert_eq!(done.failure_reason(), None);
        let failed = task(TaskStatus::Failed, Some(FailureReason::OriginTimeout));
        assert!(failed.is_terminal() && failed.failed() && !failed.succeeded());
        assert_eq!(failed.failure_reason(), Some(&FailureReason::OriginTimeout));
        for running in [
            TaskStatus::Pending,
            TaskStatus::Refreshing,
            "New".parse::<TaskStatus>().unwrap(),
        ] {
            assert!(!task(running, None).is_terminal());
        }
    }
}
