//! Tasks files (`--tasks FILE`, [`MockConfig::initial_tasks`](crate::MockConfig::initial_tasks)): a JSON
//! array of tasks in the API's field names (`TaskId`, `ObjectPath`, …).

use cdn_task_core::Task;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a tasks file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TasksFileError {
    /// The file could not be read.
    #[error("cannot read tasks file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not a JSON array.
    #[error("tasks file is not a JSON array of tasks (line {line}, column {column}): {detail}")]
    NotAnArray {
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
        /// The parser's account.
        detail: String,
    },
    /// An element of the array is not a task.
    #[error("task number {position} of the tasks file is invalid: {detail}")]
    InvalidTask {
        /// 1-based position in the array.
        position: usize,
        /// What is wrong (missing field, bad value, …).
        detail: String,
    },
    /// Two elements have the same `TaskId`.
    #[error("tasks number {first} and {second} of the tasks file both have TaskId {task_id}")]
    DuplicateTaskId {
        /// The ID.
        task_id: String,
        /// 1-based position of the first.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
}

/// Parses the text of a tasks file: a JSON array of tasks as `DescribeRefreshTaskById` reports
/// them.
///
/// ```
/// let tasks = cdn_task_mock::parse_tasks(r#"[{"TaskId":"42","ObjectPath":"http://example.com/a",
///   "ObjectType":"file","Status":"Complete","Process":"100%","CreationTime":"2026-01-01T00:00:00Z",
///   "Description":""}]"#).unwrap();
/// assert_eq!(tasks[0].task_id.as_str(), "42");
/// ```
pub fn parse_tasks(json: &str) -> Result<Vec<Task>, TasksFileError> {
    let elements: Vec<serde_json::Value> =
        serde_json::from_str(json).map_err(|error| TasksFileError::NotAnArray {
            line: error.line(),
            column: error.column(),
            detail: error.to_string(),
        })?;
    let mut seen = HashMap::with_capacity(elements.len());
    let mut tasks = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let position = index + 1;
        let task: Task = serde_json::from_value(element).map_err(|error| TasksFileError::InvalidTask {
            position,
            detail: error.to_string(),
        })?;
        if let Some(first) = seen.insert(task.task_id, position) {
            return Err(TasksFileError::DuplicateTaskId {
                task_id: task.task_id.to_string(),
                first,
                second: position,
            });
        }
        tasks.push(task);
    }
    Ok(tasks)
}

/// Reads and parses a tasks file (see [`parse_tasks`]).
pub fn load_tasks_file(path: impl AsRef<Path>) -> Result<Vec<Task>, TasksFileError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| TasksFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_tasks(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{FailureReason, ObjectType, TaskStatus};

    fn task_json(id: &str) -> String {
        format!(
            r#"{{"TaskId":"{id}","ObjectPath":"http://example.com/{id}","ObjectType":"directory",
            "Status":"Failed","Process":"12.5%","CreationTime":"2026-01-01T00:00Z",
            "Description":"Origin Timeout","Extra":"ignored"}}"#
        )
    }

    #[test]
    fn parses_tasks_in_the_api_field_names() {
        let tasks = parse_tasks(&format!("[{},{}]", task_json("1"), task_json("2"))).unwrap();
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[1].task_id.as_str(), "2");
        assert_eq!(tasks[0].object_type, ObjectType::Directory);
        assert_eq!(tasks[0].status, TaskStatus::Failed);
        assert_eq!(tasks[0].process.basis_points(), 1250);
        assert_eq!(tasks[0].description, Some(FailureReason::OriginTimeout));
        assert!(parse_tasks("[]").unwrap().is_empty());
    }

    #[test]
    fn errors_say_where() {
        assert!(matches!(
            parse_tasks("{\"TaskId\":\"1\"}"),
            Err(TasksFileError::NotAnArray { line: 1, .. })
        ));
        assert!(matches!(
            parse_tasks("[\n1,"),
            Err(TasksFileError::NotAnArray { line: 2, .. })
        ));
        let missing = parse_tasks(&format!("[{},{{\"TaskId\":\"3\"}}]", task_json("1"))).unwrap_err();
        assert!(
            matches!(&missing, TasksFileError::InvalidTask { position: 2, detail } if detail.contains("missing field")),
            "{missing}"
        );
        let bad_id = parse_tasks(&format!("[{}]", task_json("x1"))).unwrap_err();
        assert!(
            matches!(bad_id, TasksFileError::InvalidTask { position: 1, .. }),
            "{bad_id}"
        );
        let twice = parse_tasks(&format!("[{},{}]", task_json("7"), task_json("7"))).unwrap_err();
        assert!(
            matches!(&twice, TasksFileError::DuplicateTaskId { task_id, first: 1, second: 2 } if task_id == "7"),
            "{twice}"
        );
    }

    #[test]
    fn load_reports_the_path() {
        let missing = load_tasks_file("/nonexistent/seed.json").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "cannot read tasks file /nonexistent/seed.json"
        );
        // The io error is the source, not repeated in the message.
        assert!(std::error::Error::source(&missing).is_some());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.json");
        std::fs::write(&path, format!("[{}]", task_json("5"))).unwrap();
        assert_eq!(load_tasks_file(&path).unwrap().len(), 1);
    }
}
