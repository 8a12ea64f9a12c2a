//! Waiting for tasks to finish: the client drives the core's polling policy
//! ([`cdn_task_core::Waiter`]) with the system clock and a random jitter.

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use cdn_task_core::{Task, TaskId, TaskProgress, WaitCounts, WaitPolicy, WaitStep, Waiter};
use std::time::{Duration, Instant};

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
}

impl Default for WaitOptions {
    /// 180 s in all (the aliyun CLI's waiter timeout), polls 2 s to 20 s apart, factor 2.
    fn default() -> Self {
        WaitOptions {
            deadline: Duration::from_secs(180),
            min_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(20),
            backoff_factor: WaitPolicy::DEFAULT_BACKOFF_FACTOR,
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

    fn policy(&self) -> Result<WaitPolicy, Error> {
        WaitPolicy::new(self.deadline, self.min_interval, self.max_interval)
            .and_then(|policy| policy.with_backoff_factor(self.backoff_factor))
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
    /// A batch failing with any other error (credentials refused, permission denied) ends it with
    /// that error, since polling again cannot succeed.
    ///
    /// ```no_run
    /// # async fn run(client: cdn_task_http::Client) -> Result<(), cdn_task_http::Error> {
    /// use cdn_task_core::RefreshType;
    /// use cdn_task_http::WaitOptions;
    /// use std::time::Duration;
    /// let created = client.refresh(["https://example.com/app.js"], RefreshType::File, false).await?;
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
        let started = Instant::now();
        let (mut failed_polls, mut last_poll_error) = (0u32, None);
        let timed_out = loop {
            let delay = match waiter.next_step(started.elapsed(), rand::random::<f64>()) {
                WaitStep::PollAfter(delay) | WaitStep::FinalPoll(delay) => delay,
                WaitStep::Done => break false,
                WaitStep::DeadlinePassed => break true,
            };
            tokio::time::sleep(delay).await;
            let report = self.describe_all(waiter.pending_ids()).await;
            waiter.record(&report.tasks, &report.not_found);
            let mut errors: Vec<Error> = report
                .failed_batches
                .into_iter()
                .map(|failure| failure.error)
                .collect();
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
