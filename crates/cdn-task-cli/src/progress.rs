//! Progress bars on stderr while waiting: one overall bar, plus one bar per task for up to
//! [`MAX_TASK_BARS`] tasks.
//!
//! They draw through [`ProgressDrawTarget::stderr`], which indicatif hides when stderr is not a
//! terminal (its `is_hidden` is `!term.is_term()`), so CI logs and pipes get no bars.

use crate::error::one_line;
use cdn_task_core::{TaskId, TaskProgress, WaitCounts};
use cdn_task_http::WaitProgress;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// Most tasks that get a bar of their own; more get the overall bar only.
pub const MAX_TASK_BARS: usize = 10;

/// A task bar's length: `Process` in hundredths of a percent.
const TASK_BAR_LENGTH: u64 = 10_000;

/// The bars of one wait.
#[derive(Debug)]
pub struct WaitBars {
    multi: MultiProgress,
    overall: ProgressBar,
    tasks: Vec<ProgressBar>,
}

impl WaitBars {
    /// Bars for a wait on `ids`, drawn on stderr when `visible` (and stderr is a terminal).
    pub fn new(ids: &[TaskId], visible: bool) -> WaitBars {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(
            ProgressBar::new(ids.len() as u64)
                .with_style(style(
                    "{spinner:.cyan} {elapsed:>4} [{bar:30.cyan/blue}] {pos}/{len} settled  {msg}",
                ))
                .with_message("polling"),
        );
        overall.enable_steady_tick(Duration::from_millis(120));
        let tasks = if ids.len() <= MAX_TASK_BARS {
            let width = ids.iter().map(|id| id.as_str().len()).max().unwrap_or(0);
            ids.iter()
                .map(|id| {
                    multi.add(
                        ProgressBar::new(TASK_BAR_LENGTH)
                            .with_style(style("  {prefix} [{bar:30.green/white}] {msg}"))
                            .with_prefix(format!("{:>width$}", id.as_str()))
                            .with_message(task_state(&TaskProgress::Unseen).1),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        WaitBars {
            multi,
            overall,
            tasks,
        }
    }

    /// Shows the state after a poll.
    pub fn update(&self, progress: &WaitProgress<'_>) {
        let counts = progress.counts;
        self.overall.set_position((counts.total - counts.pending) as u64);
        self.overall.set_message(counts_message(&counts));
        for (bar, (_, state)) in self.tasks.iter().zip(progress.tasks) {
            let (position, message) = task_state(state);
            bar.set_position(position);
            bar.set_message(message);
        }
        if let Some(error) = progress.poll_error {
            self.note(&format!(
                "poll {} failed (the wait goes on): {}",
                counts.polls,
                one_line(&cdn_task_http::DisplayChain(error))
            ));
        }
    }

    /// Prints a line on stderr, above the bars when they are drawn.
    pub fn note(&self, line: &str) {
        if self.multi.is_hidden() || self.multi.println(format!("cdn-task: {line}")).is_err() {
            eprintln!("cdn-task: {line}");
        }
    }

    /// Removes the bars.
    pub fn finish(self) {
        for bar in self.tasks.iter().chain([&self.overall]) {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// A task bar's position and message for a task's state.
fn task_state(state: &TaskProgress) -> (u64, String) {
    match state {
        TaskProgress::Unseen => (0, "waiting for an answer".to_owned()),
        TaskProgress::NotFound => (0, "not found".to_owned()),
        TaskProgress::Running(task) | TaskProgress::Complete(task) => (
            u64::from(task.process.basis_points()),
            format!("{} {}", task.status, task.process),
        ),
        TaskProgress::Failed(task) => (
            u64::from(task.process.basis_points()),
            match task.failure_reason() {
                Some(reason) => format!("Failed: {reason}"),
                None => "Failed".to_owned(),
            },
        ),
        _ => (0, "unknown".to_owned()),
    }
}

/// The overall bar's message.
fn counts_message(counts: &WaitCounts) -> String {
    let mut parts = vec![format!("{} complete", counts.completed)];
    if counts.failed > 0 {
        parts.push(format!("{} failed", counts.failed));
    }
    if counts.not_found > 0 {
        parts.push(format!("{} not found", counts.not_found));
    }
    parts.push(format!("{} running", counts.pending));
    format!("{} · poll {}", parts.join(", "), counts.polls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{FailureReason, ObjectType, Process, Task, TaskStatus, parse_utc_timestamp};

    fn task(status: TaskStatus, process: &str, reason: Option<FailureReason>) -> Task {
        Task::new(
            "7".parse().unwrap(),
            "https://example.com/a.js",
            parse_utc_timestamp("2026-11-29T01:02:03Z").unwrap(),
        )
        .with_object_type(ObjectType::File)
        .with_status(status)
        .with_process(process.parse::<Process>().unwrap())
        .with_description(reason)
    }

    #[test]
    fn task_bars_follow_process_and_status() {
        assert_eq!(
            task_state(&TaskProgress::Unseen),
            (0, "waiting for an answer".into())
        );
        assert_eq!(task_state(&TaskProgress::NotFound), (0, "not found".into()));
        let running = TaskProgress::Running(task(TaskStatus::Refreshing, "37.5%", None));
        assert_eq!(task_state(&running), (3750, "Refreshing 37.5%".into()));
        let complete = TaskProgress::Complete(task(TaskStatus::Complete, "100%", None));
        assert_eq!(task_state(&complete), (10_000, "Complete 100%".into()));
        let failed = TaskProgress::Failed(task(
            TaskStatus::Failed,
            "100%",
            Some(FailureReason::OriginTimeout),
        ));
        assert_eq!(task_state(&failed), (10_000, "Failed: Origin Timeout".into()));
    }

    #[test]
    fn overall_message_shows_only_what_happened() {
        let mut counts = WaitCounts::default();
        (
            counts.total,
            counts.completed,
            counts.failed,
            counts.pending,
            counts.polls,
        ) = (5, 2, 1, 2, 3);
        assert_eq!(
            counts_message(&counts),
            "2 complete, 1 failed, 2 running · poll 3"
        );
    }

    #[test]
    fn hidden_bars_take_updates_and_notes() {
        let ids: Vec<TaskId> = vec!["7".parse().unwrap()];
        let bars = WaitBars::new(&ids, false);
        assert!(bars.multi.is_hidden());
        assert_eq!(bars.tasks.len(), 1);
        let tasks = [(
            ids[0],
            TaskProgress::Complete(task(TaskStatus::Complete, "100%", None)),
        )];
        let mut counts = WaitCounts::default();
        (counts.total, counts.completed, counts.polls) = (1, 1, 1);
        bars.update(&WaitProgress::new(Duration::from_secs(1), counts, &tasks, None));
        assert_eq!(bars.overall.position(), 1);
        assert_eq!(bars.tasks[0].position(), 10_000);
        bars.finish();
        let many: Vec<TaskId> = (1..=11u64).map(|n| TaskId::try_from(n).unwrap()).collect();
        assert!(WaitBars::new(&many, false).tasks.is_empty());
    }
}
