//! Waiting for tasks to finish: the client drives the core's polling policy
//! ([`cdn_task_core::Waiter`]) with the system clock and a random jitter.

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::retry::retrying_until;
use cdn_task_core::{Task, TaskId, TaskProgress, WaitCounts, WaitPolicy, WaitStep, Waiter};
use std::time::Duration;
use tokio::time::Instant;

/// How to wait: the time budget and the polling interval range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitOptions {
    /// The time budget from the start of the wait; one last poll happens at the deadline.
    pub deadline: Duration,
    /// The shortest delay between polls.
    pub min_interval: Duration,
    /// The longest delay between polls.
    pub max_interval: Duration,
    /// How fast the delay ceiling grows after each poll (at least 1).
    pub backoff_factor: f64,
    /// How long into the wait a task the service does not return still counts as pending
    /// (see [`WaitPolicy::with_not_found_grace`]). Zero (the default) settles it as not found at
    /// once; [`WaitOptions::for_created_tasks`] sets [`CREATED_TASK_GRACE`].
    pub not_found_grace: Duration,
}

/// The not-found grace for tasks this process has just created: a real, eventually consistent
/// service may not show a new task to `DescribeRefreshTaskById` at once, and "not found" must not
/// fail a `refresh --wait` that is merely early. The project's choice (the service documents no
/// delay); the mock shows tasks at once.
pub const CREATED_TASK_GRACE: Duration = Duration::from_secs(30);

impl Default for WaitOptions {
    /// 180 s in all (the aliyun CLI's waiter timeout), polls 2 s to 20 s apart, factor 2.
    fn default() -> Self {
        WaitOptions {
            deadline: Duration::from_secs(180),
            min_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(20),
            backoff_factor: WaitPolicy::DEFAULT_BACKOFF_FACTOR,
            not_found_grace: Duration::ZERO,
        }
    }
}

impl WaitOptions {
    /// The defaults with another deadline.
    pub fn with_deadline(deadline: Duration) -> Self {
        WaitOptions {
            deadline,
            ..WaitOptions::default()
        }
    }

    /// The same options with another interval range.
    pub fn intervals(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max;
        self
    }

    /// The same options with another backoff factor.
    pub fn backoff_factor(mut self, factor: f64) -> Self {
        self.backoff_factor = factor;
        self
    }

    /// The same options for tasks just created by this process: a task the service does not
    /// return yet stays pending for [`CREATED_TASK_GRACE`].
    pub fn for_created_tasks(mut self) -> Self {
        self.not_found_grace = CREATED_TASK_GRACE;
        self
    }

    fn policy(&self) -> Result<WaitPolicy, Error> {
        WaitPolicy::new(self.deadline, self.min_interval, self.max_interval)
            .and_then(|policy| policy.with_backoff_factor(self.backoff_factor))
            .map(|policy| policy.with_not_found_grace(self.not_found_grace))
            .map_err(|error| Error::InvalidInput(InvalidInput::WaitOptions(error)))
    }
}

/// Where a wait stands, handed to the progress callback after every poll.
#[derive(Debug, Clone, Copy)]
pub struct WaitProgress<'a> {
    /// Time since the wait started.
    pub elapsed: Duration,
    /// The counts so far.
    pub counts: WaitCounts,
    /// Every task and its latest state, in the order given.
    pub tasks: &'a [(TaskId, TaskProgress)],
    /// The error of this poll's failed batches, if any (the wait goes on).
    pub poll_error: Option<&'a Error>,
}

/// How a wait ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct WaitReport {
    /// Tasks that completed, in the order given.
    pub completed: Vec<Task>,
    /// Tasks that failed; [`Task::failure_reason`] says why, when the service said.
    pub failed: Vec<Task>,
    /// IDs the service did not return.
    pub not_found: Vec<TaskId>,
    /// Tasks still running at the deadline, with their latest state when one was seen.
    pub unfinished: Vec<(TaskId, Option<Task>)>,
    /// Time the wait took.
    pub elapsed: Duration,
    /// Polls made (each covering every unsettled task, in batches).
    pub polls: u32,
    /// Whether the deadline passed with tasks unfinished.
    pub timed_out: bool,
    /// Polls in which some batch failed after retries.
    pub failed_polls: u32,
    /// The last such failure.
    pub last_poll_error: Option<Error>,
}

impl WaitReport {
    /// Whether every task completed.
    pub fn all_completed(&self) -> bool {
        self.failed.is_empty() && self.not_found.is_empty() && self.unfinished.is_empty()
    }
}

impl Client {
    /// Polls `ids` until every task is settled (complete, failed or not found) or the deadline
    /// passes, calling `progress` after every poll. Polls back off between the options'
    /// minimum and maximum interval with random jitter, and one last poll happens at the
    /// deadline (see [`cdn_task_core::Waiter`]).
    ///
    /// A poll whose batch fails with a retryable error after retries (throttling, 5xx, transport)
    /// does not end the wait: it is counted in [`WaitReport::failed_polls`] and the wait goes on.
    /// No retry of a poll starts after the deadline, so a poll ends at most about one per-attempt
    /// timeout past it, never the retry policy's whole budget later (one still running at twice
    /// that is abandoned and counted as failed).
    /// A batch failing with any other error (credentials refused, permission denied) ends it with
    /// that error, since polling again cannot succeed.
    ///
    /// ```no_run
    /// # async fn run(client: cdn_task_http::Client) -> Result<(), cdn_task_http::Error> {
    /// use cdn_task_core::RefreshType;
    /// use cdn_task_http::WaitOptions;
    /// use std::time::Duration;
    /// let created = client.refresh(["https://example.com/app.js"], RefreshType::File, cdn_task_core::Force::IfChanged).await?;
    /// let report = client
    ///     .wait(created.task_ids, WaitOptions::with_deadline(Duration::from_secs(300)), |progress| {
    ///         eprintln!("{}/{} done", progress.counts.total - progress.counts.pending, progress.counts.total);
    ///     })
    ///     .await?;
    /// assert!(report.all_completed(), "{report:?}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait(
        &self,
        ids: impl IntoIterator<Item = TaskId>,
        options: WaitOptions,
        mut progress: impl FnMut(&WaitProgress<'_>),
    ) -> Result<WaitReport, Error> {
        let mut waiter = Waiter::new(ids, options.policy()?);
        // tokio's clock, so a test with paused time controls the wait.
        let started = Instant::now();
        let deadline = started + options.deadline;
        let (mut failed_polls, mut last_poll_error) = (0u32, None);
        let timed_out = loop {
            let delay = match waiter.next_step(started.elapsed(), rand::random::<f64>()) {
                WaitStep::PollAfter(delay) | WaitStep::FinalPoll(delay) => delay,
                WaitStep::Done => break false,
                // A step this version does not know: stop, the unsettled tasks reported pending.
                WaitStep::DeadlinePassed => break true,
                _ => break true,
            };
            tokio::time::sleep(delay).await;
            // No retry starts after the deadline, and an attempt still running then is cut off
            // (with a margin, so that it ends by its own timeout and reports its own error).
            let attempt_timeout = self.transport.attempt_timeout();
            let poll_limit = deadline + attempt_timeout * 2;
            let poll = retrying_until(deadline, self.describe_all(waiter.pending_ids()));
            let poll = tokio::time::timeout_at(poll_limit, poll).await;
            let mut errors: Vec<Error> = match poll {
                Ok(report) => {
                    waiter.record(&report.tasks, &report.not_found);
                    report
                        .failed_batches
                        .into_iter()
                        .map(|failure| failure.error)
                        .collect()
                }
                Err(_) => {
                    waiter.record(&[], &[]);
                    vec![Error::Timeout {
                        after: attempt_timeout,
                    }]
                }
            };
            if let Some(index) = errors.iter().position(|error| !error.is_retryable()) {
                return Err(errors.swap_remove(index));
            }
            let poll_error = errors.pop();
            if poll_error.is_some() {
                failed_polls += 1;
            }
            tracing::debug!(
                polls = waiter.counts().polls,
                pending = waiter.counts().pending,
                "polled"
            );
            progress(&WaitProgress {
                elapsed: started.elapsed(),
                counts: waiter.counts(),
                tasks: waiter.tasks(),
                poll_error: poll_error.as_ref(),
            });
            if poll_error.is_some() {
                last_poll_error = poll_error;
            }
        };
        let summary = waiter.summary();
        Ok(WaitReport {
            completed: summary.completed,
            failed: summary.failed,
            not_found: summary.not_found,
            unfinished: summary.unfinished,
            elapsed: started.elapsed(),
            polls: summary.polls,
            timed_out,
            failed_polls,
            last_poll_error,
        })
    }
}
