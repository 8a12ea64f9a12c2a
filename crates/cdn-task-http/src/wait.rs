//! Waiting for tasks to finish: the client drives the core's polling policy
//! ([`cdn_task_core::Waiter`]) with the system clock and a random jitter.

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::retry::retrying_until;
use cdn_task_core::{Task, TaskId, TaskProgress, WaitCounts, WaitPolicy, WaitPolicyError, WaitStep, Waiter};
use std::time::Duration;
use tokio::time::Instant;

/// How to wait: the time budget and the polling interval range. Built from
/// [`WaitOptions::default`] or [`WaitOptions::with_deadline`] and the setters; the fields are
/// private so that options can be added.
///
/// ```
/// use cdn_task_http::WaitOptions;
/// use std::time::Duration;
/// let options = WaitOptions::with_deadline(Duration::from_secs(600))
///     .with_intervals(Duration::from_secs(1), Duration::from_secs(30))
///     .with_backoff_factor(1.5)
///     .for_created_tasks();
/// let policy = options.policy()?; // checked, and read back
/// assert_eq!(policy.deadline(), Duration::from_secs(600));
/// assert_eq!(policy.not_found_grace(), cdn_task_http::CREATED_TASK_GRACE);
/// # Ok::<(), cdn_task_http::cdn_task_core::WaitPolicyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    deadline: Duration,
    min_interval: Duration,
    max_interval: Duration,
    backoff_factor: f64,
    not_found_grace: Duration,
}

/// The not-found grace for tasks this process has just created: a real, eventually consistent
/// service may not show a new task to `DescribeRefreshTaskById` at once, and "not found" must not
/// fail a `refresh --wait` that is merely early. The project's choice (the service documents no
/// delay); the mock shows tasks at once.
pub const CREATED_TASK_GRACE: Duration = Duration::from_secs(30);

impl Default for WaitOptions {
    /// 180 s in all (the aliyun CLI's waiter timeout), polls 2 s to 20 s apart, factor 2, no
    /// not-found grace.
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

    /// The same options with another interval range: the shortest and the longest delay
    /// between polls.
    #[must_use]
    pub fn with_intervals(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max;
        self
    }

    /// The same options with another backoff factor: how fast the delay ceiling grows after
    /// each poll (at least 1).
    #[must_use]
    pub fn with_backoff_factor(mut self, factor: f64) -> Self {
        self.backoff_factor = factor;
        self
    }

    /// The same options with another not-found grace: how long into the wait a task the
    /// service does not return still counts as pending (see
    /// [`WaitPolicy::with_not_found_grace`]). Zero (the default) settles it as not found at once.
    #[must_use]
    pub fn with_not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }

    /// The same options for tasks just created by this process: a task the service does not
    /// return yet stays pending for [`CREATED_TASK_GRACE`].
    #[must_use]
    pub fn for_created_tasks(self) -> Self {
        self.with_not_found_grace(CREATED_TASK_GRACE)
    }

    /// The core's polling policy these options make, or why they make none: to check options
    /// before waiting, and to read them back (`options.policy()?.deadline()`).
    pub fn policy(&self) -> Result<WaitPolicy, WaitPolicyError> {
        WaitPolicy::new(self.deadline, self.min_interval, self.max_interval)
            .and_then(|policy| policy.with_backoff_factor(self.backoff_factor))
            .map(|policy| policy.with_not_found_grace(self.not_found_grace))
    }
}

/// Where a wait stands, handed to the progress callback after every poll.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
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
    /// Tasks still running at the deadline (or when the wait stopped), with their latest state
    /// when one was seen.
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

impl<'a> WaitProgress<'a> {
    /// Progress as the wait reports it, for tests of a progress callback: `tasks` in the order
    /// given, and `poll_error` when the poll's batches failed.
    pub fn new(
        elapsed: Duration,
        counts: WaitCounts,
        tasks: &'a [(TaskId, TaskProgress)],
        poll_error: Option<&'a Error>,
    ) -> WaitProgress<'a> {
        WaitProgress {
            elapsed,
            counts,
            tasks,
            poll_error,
        }
    }
}

impl WaitReport {
    /// Whether every task completed.
    pub fn all_completed(&self) -> bool {
        self.failed.is_empty() && self.not_found.is_empty() && self.unfinished.is_empty()
    }
}

/// A wait that stopped before its tasks settled or its deadline passed: the error that stopped
/// it, and the report of what the wait had learned until then (tasks already complete or failed,
/// the latest state of the others).
///
/// Why an error carrying a report, rather than a report carrying an error: a wait that stops so
/// did not do its job (polling again cannot succeed: credentials refused, permission denied), and
/// a caller using `?` must not mistake it for a finished wait; the report is still there for a
/// caller that wants to show what was known. `?` in a function returning [`Error`] keeps the
/// error and drops the report (`From<WaitError> for Error`).
#[derive(Debug)]
pub struct WaitError {
    report: Box<WaitReport>,
    error: Error,
}

impl WaitError {
    /// What the wait had learned when it stopped.
    pub fn report(&self) -> &WaitReport {
        &self.report
    }

    /// The error that stopped it.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The report and the error.
    pub fn into_parts(self) -> (WaitReport, Error) {
        (*self.report, self.error)
    }
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let polls = self.report.polls;
        write!(
            f,
            "the wait stopped after {polls} poll{}",
            if polls == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<WaitError> for Error {
    fn from(stopped: WaitError) -> Error {
        stopped.error
    }
}

/// What a wait has found so far.
struct Progress {
    started: Instant,
    failed_polls: u32,
    last_poll_error: Option<Error>,
}

impl Progress {
    fn report(self, waiter: &Waiter, timed_out: bool) -> WaitReport {
        let summary = waiter.summary();
        WaitReport {
            completed: summary.completed,
            failed: summary.failed,
            not_found: summary.not_found,
            unfinished: summary.unfinished,
            elapsed: self.started.elapsed(),
            polls: summary.polls,
            timed_out,
            failed_polls: self.failed_polls,
            last_poll_error: self.last_poll_error,
        }
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
    /// a [`WaitError`]: that error, and the report of what the wait had learned until then, since
    /// polling again cannot succeed. Invalid options end it so before the first poll.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let config = cdn_task_mock::MockConfig::default().with_task_duration(std::time::Duration::from_millis(300));
    /// # let mock = cdn_task_mock::MockServer::start(config).await?;
    /// # let client = cdn_task_http::Client::builder().endpoint(mock.base_url())
    /// #     .credentials(cdn_task_http::Credentials::new("testid", "testsecret")).build()?;
    /// use cdn_task_http::cdn_task_core::RefreshType;
    /// use cdn_task_http::{Force, WaitOptions};
    /// use std::time::Duration;
    /// let created = client.refresh(["https://example.com/app.js"], RefreshType::File, Force::IfChanged).await?;
    /// let options = WaitOptions::with_deadline(Duration::from_secs(300))
    /// #   .with_intervals(Duration::from_millis(100), Duration::from_millis(200))
    ///     .for_created_tasks();
    /// let report = match client
    ///     .wait(created.task_ids, options, |progress| {
    ///         eprintln!("{}/{} done", progress.counts.total - progress.counts.pending, progress.counts.total);
    ///     })
    ///     .await
    /// {
    ///     Ok(report) => report,
    ///     Err(stopped) => {
    ///         // Credentials refused, permission denied…: what was known, and why it stopped.
    ///         eprintln!("{} tasks had completed", stopped.report().completed.len());
    ///         return Err(stopped.into());
    ///     }
    /// };
    /// assert!(report.all_completed(), "{report:?}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait(
        &self,
        ids: impl IntoIterator<Item = TaskId>,
        options: WaitOptions,
        mut progress: impl FnMut(&WaitProgress<'_>),
    ) -> Result<WaitReport, WaitError> {
        // tokio's clock, so a test with paused time controls the wait.
        let started = Instant::now();
        let ids: Vec<TaskId> = ids.into_iter().collect();
        let policy = match options.policy() {
            Ok(policy) => policy,
            Err(error) => {
                let error = Error::InvalidInput(InvalidInput::WaitOptions(error));
                let report = WaitReport {
                    completed: Vec::new(),
                    failed: Vec::new(),
                    not_found: Vec::new(),
                    unfinished: ids.into_iter().map(|id| (id, None)).collect(),
                    elapsed: started.elapsed(),
                    polls: 0,
                    timed_out: false,
                    failed_polls: 0,
                    last_poll_error: None,
                };
                return Err(WaitError {
                    report: Box::new(report),
                    error,
                });
            }
        };
        let mut waiter = Waiter::new(ids, policy);
        let deadline = started + options.deadline;
        let mut so_far = Progress {
            started,
            failed_polls: 0,
            last_poll_error: None,
        };
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
                    vec![Error::timeout(attempt_timeout)]
                }
            };
            if let Some(index) = errors.iter().position(|error| !error.is_retryable()) {
                let error = errors.swap_remove(index);
                return Err(WaitError {
                    report: Box::new(so_far.report(&waiter, false)),
                    error,
                });
            }
            let poll_error = errors.pop();
            if poll_error.is_some() {
                so_far.failed_polls += 1;
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
                so_far.last_poll_error = poll_error;
            }
        };
        Ok(so_far.report(&waiter, timed_out))
    }
}
