//! What the command prints on stdout: a table for people, JSON (in the API's own field names) for
//! scripts.

use cdn_task_core::{Task, TaskId};
use cdn_task_http::{DescribeReport, WaitReport};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;

/// How results are printed (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// An aligned table for people.
    #[default]
    Table,
    /// One JSON document for scripts.
    Json,
}

/// The result of a describe or a wait, ready to print.
///
/// Describe prints `{"TotalCount","Tasks","NotFound","RequestIds"}`; wait prints
/// `{"TotalCount","Tasks","NotFound","Unanswered","TimedOut","Polls","ElapsedMs"}` (the client's
/// wait does not expose request IDs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskReport {
    /// How many tasks are listed in `tasks`.
    pub total_count: usize,
    /// The tasks found (for a wait: their latest state), in input order, each in the API's own
    /// field names and values.
    pub tasks: Vec<Task>,
    /// IDs the service did not return (unknown, not the caller's, or older than three days).
    pub not_found: Vec<TaskId>,
    /// The service's request IDs of the calls that succeeded (describe only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_ids: Option<Vec<String>>,
    /// How the wait went (wait only).
    #[serde(flatten)]
    pub wait: Option<WaitFacts>,
}

/// How a wait went, beyond the tasks' states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitFacts {
    /// IDs no poll got an answer about (every poll covering them failed).
    pub unanswered: Vec<TaskId>,
    /// Whether the deadline passed with tasks unfinished.
    pub timed_out: bool,
    /// Polls made.
    pub polls: u32,
    /// Time the wait took, in milliseconds.
    pub elapsed_ms: u64,
}

impl TaskReport {
    /// The report of a describe.
    pub fn from_describe(report: &DescribeReport) -> TaskReport {
        TaskReport {
            total_count: report.tasks.len(),
            tasks: report.tasks.clone(),
            not_found: report.not_found.clone(),
            request_ids: Some(report.request_ids.clone()),
            wait: None,
        }
    }

    /// The report of a wait on `ids`: every task's latest state, in the order of `ids`.
    pub fn from_wait(ids: &[TaskId], report: &WaitReport) -> TaskReport {
        let mut latest: HashMap<TaskId, &Task> = report
            .completed
            .iter()
            .chain(&report.failed)
            .chain(report.unfinished.iter().filter_map(|(_, task)| task.as_ref()))
            .map(|task| (task.task_id, task))
            .collect();
        let tasks: Vec<Task> = ids.iter().filter_map(|id| latest.remove(id).cloned()).collect();
        TaskReport {
            total_count: tasks.len(),
            tasks,
            not_found: report.not_found.clone(),
            request_ids: None,
            wait: Some(WaitFacts {
                unanswered: report
                    .unfinished
                    .iter()
                    .filter(|(_, task)| task.is_none())
                    .map(|(id, _)| *id)
                    .collect(),
                timed_out: report.timed_out,
                polls: report.polls,
                elapsed_ms: u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }

    /// Renders the report in `format`, ending with a newline.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Json => json(self),
            OutputFormat::Table => self.table(),
        }
    }

    fn table(&self) -> String {
        let header = [
            "TASK ID",
            "STATUS",
            "PROCESS",
            "TYPE",
            "CREATED (UTC)",
            "PATH",
            "REASON",
        ];
        let rows: Vec<[String; 7]> = self
            .tasks
            .iter()
            .map(|task| {
                [
                    task.task_id.to_string(),
                    task.status.to_string(),
                    task.process.to_string(),
                    task.object_type.to_string(),
                    cdn_task_core::format_utc_timestamp(task.creation_time).to_string(),
                    task.object_path.clone(),
                    task.description
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[&str]| {
            let mut text = String::new();
            for (cell, width) in cells.iter().zip(widths) {
                let _ = write!(text, "{cell:<width$}  ");
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&header);
        for row in &rows {
            line(&row.each_ref().map(String::as_str));
        }
        list_line(&mut out, "not found", &self.not_found);
        if let Some(wait) = &self.wait {
            list_line(&mut out, "no answer", &wait.unanswered);
            let _ = writeln!(out, "{}", self.wait_summary(wait));
        }
        out
    }

    fn wait_summary(&self, wait: &WaitFacts) -> String {
        let complete = self.tasks.iter().filter(|task| task.succeeded()).count();
        let failed = self.tasks.iter().filter(|task| task.failed()).count();
        let unfinished = self.tasks.len() - complete - failed + wait.unanswered.len();
        let millis = wait.elapsed_ms;
        format!(
            "waited {}.{}s, {} poll(s): {complete} complete, {failed} failed, {} not found, {unfinished} unfinished{}",
            millis / 1000,
            millis % 1000 / 100,
            wait.polls,
            self.not_found.len(),
            if wait.timed_out { " (deadline passed)" } else { "" },
        )
    }
}

fn json(value: &impl Serialize) -> String {
    // Serializing these types cannot fail: string keys, no maps with non-string keys.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn list_line(out: &mut String, label: &str, ids: &[TaskId]) {
    if !ids.is_empty() {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "{label}: {}", ids.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{FailureReason, ObjectType, Process, TaskStatus, parse_utc_timestamp};

    fn task(id: &str, status: TaskStatus, process: &str, reason: Option<FailureReason>) -> Task {
        Task::new(
            id.parse().unwrap(),
            format!("https://example.com/{id}.js"),
            parse_utc_timestamp("2026-11-29T01:02:03Z").unwrap(),
        )
        .with_object_type(ObjectType::File)
        .with_status(status)
        .with_process(process.parse::<Process>().unwrap())
        .with_description(reason)
    }

    fn report() -> TaskReport {
        TaskReport {
            total_count: 2,
            tasks: vec![
                task("1001", TaskStatus::Complete, "100%", None),
                task(
                    "1002",
                    TaskStatus::Failed,
                    "37.5%",
                    Some(FailureReason::OriginTimeout),
                ),
            ],
            not_found: vec!["9".parse().unwrap()],
            request_ids: Some(vec!["R-1".into()]),
            wait: None,
        }
    }

    fn wait_report() -> TaskReport {
        TaskReport {
            total_count: 2,
            tasks: vec![
                task("1001", TaskStatus::Complete, "100%", None),
                task("1003", TaskStatus::Refreshing, "62.04%", None),
            ],
            not_found: vec![],
            request_ids: None,
            wait: Some(WaitFacts {
                unanswered: vec!["1004".parse().unwrap()],
                timed_out: true,
                polls: 7,
                elapsed_ms: 12_345,
            }),
        }
    }

    #[test]
    fn table_is_aligned_and_lists_not_found() {
        insta::assert_snapshot!(report().render(OutputFormat::Table));
    }

    #[test]
    fn json_uses_the_api_field_names() {
        insta::assert_snapshot!(report().render(OutputFormat::Json));
    }

    #[test]
    fn wait_table_ends_with_a_summary() {
        insta::assert_snapshot!(wait_report().render(OutputFormat::Table));
    }

    #[test]
    fn wait_json_has_the_wait_facts_and_no_request_ids() {
        insta::assert_snapshot!(wait_report().render(OutputFormat::Json));
    }
}
