//! One task's fields as a fast path finds them: parsed from their text with the same functions
//! the general decoders call, so the values cannot differ.

use crate::process::Process;
use crate::task::{FailureReason, ObjectType, Task, TaskStatus, description_from_wire};
use crate::task_id::TaskId;
use crate::time::parse_utc_timestamp;
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// A task's wire fields, in the order the service writes them (the order tried first).
pub(crate) const TASK_FIELDS: [&str; 7] = [
    "CreationTime",
    "Description",
    "ObjectPath",
    "ObjectType",
    "Process",
    "Status",
    "TaskId",
];

/// The fields of one task seen so far.
#[derive(Default)]
pub(crate) struct TaskFields {
    creation_time: Option<DateTime<Utc>>,
    description: Option<Option<FailureReason>>,
    object_path: Option<String>,
    object_type: Option<ObjectType>,
    process: Option<Process>,
    status: Option<TaskStatus>,
    task_id: Option<TaskId>,
}

impl TaskFields {
    /// Sets field `index` of [`TASK_FIELDS`] from its text (entities already decoded). `None`
    /// when the field was set already or its text is not a valid value: the general decoder
    /// reports both, so the fast path gives up.
    #[inline(always)]
    pub(crate) fn set(&mut self, index: usize, text: Cow<'_, str>) -> Option<()> {
        match index {
            0 => put(&mut self.creation_time, || parse_utc_timestamp(&text).ok()),
            1 => put(&mut self.description, || {
                text.parse::<FailureReason>().ok().map(description_from_wire)
            }),
            2 => put(&mut self.object_path, || Some(text.into_owned())),
            3 => put(&mut self.object_type, || text.parse().ok()),
            4 => put(&mut self.process, || text.parse().ok()),
            5 => put(&mut self.status, || text.parse().ok()),
            6 => put(&mut self.task_id, || text.parse().ok()),
            _ => None,
        }
    }

    /// The task, when every required field is there (an absent `Description` is `None`, as in
    /// both general decoders).
    pub(crate) fn finish(self) -> Option<Task> {
        Some(
            Task::new(self.task_id?, self.object_path?, self.creation_time?)
                .with_object_type(self.object_type?)
                .with_status(self.status?)
                .with_process(self.process?)
                .with_description(self.description.flatten()),
        )
    }
}

/// Fills an empty `slot` with `value()`; `None` if the slot is taken or the value invalid.
#[inline(always)]
fn put<T>(slot: &mut Option<T>, value: impl FnOnce() -> Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value()?);
    Some(())
}
