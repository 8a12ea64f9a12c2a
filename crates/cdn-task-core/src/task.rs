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
    /// A task with its ID, path and creation time: a `file` task, `Pending` at 0% with no
    /// failure reason until set with the `with_*` methods.
    ///
    /// ```
    /// use cdn_task_core::{ObjectType, Process, Task, TaskStatus, parse_utc_timestamp};
    /// let task = Task::new("704225667".parse()?, "https://example.com/img/", parse_utc_timestamp("2026-01-02T03:04:05Z")?)
    ///     .with_object_type(ObjectType::Directory)
    ///     .with_status(TaskStatus::Complete)
    ///     .with_process(Process::COMPLETE);
    /// assert!(task.succeeded());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(task_id: TaskId, object_path: impl Into<String>, creation_time: DateTime<Utc>) -> Task {
        Task {
            creation_time,
            description: None,
            object_path: object_path.into(),
            object_type: ObjectType::File,
            process: Process::ZERO,
            status: TaskStatus::Pending,
            task_id,
        }
    }

    /// Sets what kind of task it is.
    #[must_use]
    pub fn with_object_type(mut self, object_type: ObjectType) -> Task {
        self.object_type = object_type;
        self
    }

    /// Sets where the task stands.
    #[must_use]
    pub fn with_status(mut self, status: TaskStatus) -> Task {
        self.status = status;
        self
    }

    /// Sets its progress.
    #[must_use]
    pub fn with_process(mut self, process: Process) -> Task {
        self.process = process;
        self
    }

    /// Sets why it failed (`None`: no reason given).
    #[must_use]
    pub fn with_description(mut self, description: impl Into<Option<FailureReason>>) -> Task {
        self.description = description.into();
        self
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
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        )
        .with_object_type(ObjectType::File)
        .with_status(status)
        .with_process(Process::ZERO)
        .with_description(description)
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
