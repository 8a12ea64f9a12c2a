//! The polling (waiter) policy: when to poll a set of tasks next, and when to stop. A pure state
//! machine with no clock and no randomness; see [`Waiter`].

use crate::task::{Task, TaskStatus};
use crate::task_id::TaskId;
use std::time::Duration;

/// Why a [`WaitPolicy`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WaitPolicyError {
    /// `min_interval` is zero: the waiter would poll in a tight loop.
    #[error("the minimum poll interval must be greater than zero")]
    ZeroMinInterval,
    /// `min_interval` is greater than `max_interval`.
    #[error("the minimum poll interval ({min:?}) is greater than the maximum ({max:?})")]
    MinAboveMax {
        /// The minimum given.
        min: Duration,
        /// The maximum given.
        max: Duration,
    },
    /// The backoff factor is below 1, or not a finite number.
    #[error("the backoff factor must be a finite number of at least 1, got {factor}")]
    BadBackoffFactor {
        /// The factor given.
        factor: f64,
    },
}

/// How to poll: the interval range, how fast it grows, and the time budget.
///
/// ```
/// use cdn_task_core::WaitPolicy;
/// use std::time::Duration;
/// let policy = WaitPolicy::new(Duration::from_secs(300), Duration::from_secs(2), Duration::from_secs(30))?
///     .with_backoff_factor(1.5)?;
/// assert_eq!(policy.deadline(), Duration::from_secs(300));
/// # Ok::<(), cdn_task_core::WaitPolicyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitPolicy {
    deadline: Duration,
    min_interval: Duration,
    max_interval: Duration,
    backoff_factor: f64,
    not_found_grace: Duration,
}

impl WaitPolicy {
    /// The default growth of the interval ceiling after each poll.
    pub const DEFAULT_BACKOFF_FACTOR: f64 = 2.0;

    /// A policy that waits at most `deadline` in all, polling every `min_interval` to
    /// `max_interval`, with [`DEFAULT_BACKOFF_FACTOR`](Self::DEFAULT_BACKOFF_FACTOR).
    pub fn new(
        deadline: Duration,
        min_interval: Duration,
        max_interval: Duration,
    ) -> Result<WaitPolicy, WaitPolicyError> {
        if min_interval.is_zero() {
            return Err(WaitPolicyError::ZeroMinInterval);
        }
        if min_interval > max_interval {
            return Err(WaitPolicyError::MinAboveMax {
                min: min_interval,
                max: max_interval,
            });
        }
        Ok(WaitPolicy {
            deadline,
            min_interval,
            max_interval,
            backoff_factor: Self::DEFAULT_BACKOFF_FACTOR,
            not_found_grace: Duration::ZERO,
        })
    }

    /// The same policy where a task the service does not return counts as not found only for
    /// polls at least `grace` into the wait; before that it stays pending. For tasks the caller
    /// has just created: a real, eventually consistent service may not show a new task at once.
    /// Default zero: an ID that is not returned is settled as not found at once.
    pub fn with_not_found_grace(mut self, grace: Duration) -> WaitPolicy {
        self.not_found_grace = grace;
        self
    }

    /// How long into the wait a missing task still counts as pending.
    pub fn not_found_grace(&self) -> Duration {
        self.not_found_grace
    }

    /// The same policy with another backoff factor (at least 1; 1 polls at a steady pace).
    pub fn with_backoff_factor(mut self, factor: f64) -> Result<WaitPolicy, WaitPolicyError> {
        if !factor.is_finite() || factor < 1.0 {
            return Err(WaitPolicyError::BadBackoffFactor { factor });
        }
        self.backoff_factor = factor;
        Ok(self)
    }

    /// The time budget, from the start of the wait.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The shortest delay between two polls (except the cut-short one before the deadline poll).
    pub fn min_interval(&self) -> Duration {
        self.min_interval
    }

    /// The longest delay between two polls.
    pub fn max_interval(&self) -> Duration {
        self.max_interval
    }

    /// The growth of the interval ceiling after each poll.
    pub fn backoff_factor(&self) -> f64 {
        self.backoff_factor
    }
}

/// What the caller should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitStep {
    /// Sleep this long, then poll the [pending](Waiter::pending_ids) tasks and
    /// [record](Waiter::record) the answer. Zero for the first poll; otherwise within
    /// `[min_interval, max_interval]`.
    PollAfter(Duration),
    /// The deadline falls before the next regular poll: sleep this long (zero when the deadline
    /// is already reached), then poll one last time. Asked for at most once.
    FinalPoll(Duration),
    /// Every task is settled. No more polls.
    Done,
    /// The deadline poll is done and tasks are still running. No more polls.
    DeadlinePassed,
}

/// Where one task stands in a wait.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskProgress {
    /// Not answered yet (no poll has covered it, or the polls that did failed).
    Unseen,
    /// Seen, not terminal: the latest answer.
    Running(Task),
    /// Seen `Complete`.
    Complete(Task),
    /// Seen `Failed`; [`Task::failure_reason`] says why, when the service said.
    Failed(Task),
    /// The service did not return it.
    NotFound,
}

impl TaskProgress {
    /// Whether the task needs no more polling.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            TaskProgress::Complete(_) | TaskProgress::Failed(_) | TaskProgress::NotFound
        )
    }
}

/// Counts of a wait so far, for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WaitCounts {
    /// Tasks waited for.
    pub total: usize,
    /// Seen `Complete`.
    pub completed: usize,
    /// Seen `Failed`.
    pub failed: usize,
    /// Not returned by the service.
    pub not_found: usize,
    /// Not settled yet (unseen or running).
    pub pending: usize,
    /// Polls recorded.
    pub polls: u32,
}

/// The tallies of a finished (or abandoned) wait, tasks in the order they were given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WaitSummary {
    /// Tasks seen `Complete`.
    pub completed: Vec<Task>,
    /// Tasks seen `Failed` (see [`Task::failure_reason`]).
    pub failed: Vec<Task>,
    /// IDs the service did not return.
    pub not_found: Vec<TaskId>,
    /// Tasks still running when the wait ended: the latest answer, if any.
    pub unfinished: Vec<(TaskId, Option<Task>)>,
    /// Polls recorded.
    pub polls: u32,
}

/// Where the schedule stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Regular polling.
    Polling,
    /// The deadline poll was asked for.
    FinalPollAsked,
    /// Finished with this answer (`Done` or `DeadlinePassed`).
    Finished(WaitStep),
}

/// The polling state machine for one set of tasks.
///
/// The caller (the HTTP client) owns the clock and the random source: it passes the elapsed time
/// and a jitter fraction into [`Waiter::next_step`], sleeps as told, polls, and feeds each poll's
/// answer to [`Waiter::record`]. The waiter keeps the tallies.
///
/// The schedule, modelled on the AWS SDK waiters (API.md, "How others poll"):
/// - the first poll is immediate;
/// - after that, the delay before poll *n* is drawn between `min_interval` and a ceiling that
///   starts at `min_interval` and grows by `backoff_factor` after each poll, capped at
///   `max_interval` (jitter `0.0` picks the minimum, values towards `1.0` the ceiling);
/// - a delay that would cross the deadline is cut short: the waiter asks for one last poll *at*
///   the deadline ([`WaitStep::FinalPoll`]), exactly once, and then reports
///   [`WaitStep::DeadlinePassed`] if tasks are still running;
/// - once every task is settled it reports [`WaitStep::Done`]; after `Done` or `DeadlinePassed` it
///   never asks for another poll.
///
/// A task is settled when its status is terminal (`Complete` or `Failed`) or when the service did
/// not return it (not found). Not found is settled at once by default: an ID the service does
/// not return is unknown, someone else's or older than three days, none of which changes by
/// waiting. For tasks the caller has just created the policy may give a grace period
/// ([`WaitPolicy::with_not_found_grace`]): polls made within it leave a missing task pending,
/// as an eventually consistent service may not show it yet. An unknown status keeps the task
/// running.
///
/// ```
/// use cdn_task_core::{TaskId, WaitPolicy, WaitStep, Waiter};
/// use std::time::Duration;
/// let secs = Duration::from_secs;
/// let ids: Vec<TaskId> = vec!["1".parse()?, "2".parse()?];
/// let mut waiter = Waiter::new(ids, WaitPolicy::new(secs(60), secs(2), secs(10))?);
///
/// assert_eq!(waiter.next_step(secs(0), 0.5), WaitStep::PollAfter(secs(0)));
/// // ...the caller polls waiter.pending_ids(); the service returns nothing for "2"...
/// waiter.record(&[], &["2".parse()?]);
/// assert_eq!(waiter.counts().not_found, 1);
/// // Jitter 0 picks the minimum interval.
/// assert_eq!(waiter.next_step(secs(1), 0.0), WaitStep::PollAfter(secs(2)));
/// // Past the deadline: one last poll, now.
/// waiter.record(&[], &[]);
/// assert_eq!(waiter.next_step(secs(61), 0.0), WaitStep::FinalPoll(secs(0)));
/// waiter.record(&[], &[]);
/// assert_eq!(waiter.next_step(secs(62), 0.0), WaitStep::DeadlinePassed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Waiter {
    policy: WaitPolicy,
    tasks: Vec<(TaskId, TaskProgress)>,
    polls: u32,
    /// The ceiling of the next regular delay.
    ceiling: Duration,
    phase: Phase,
    /// When (into the wait) the poll being asked for happens: the elapsed time given to
    /// [`Waiter::next_step`] plus the delay it answered.
    poll_at: Duration,
}

impl Waiter {
    /// A waiter for `ids` (duplicates dropped, first occurrence kept).
    pub fn new(ids: impl IntoIterator<Item = TaskId>, policy: WaitPolicy) -> Waiter {
        let mut tasks: Vec<(TaskId, TaskProgress)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if seen.insert(id) {
                tasks.push((id, TaskProgress::Unseen));
            }
        }
        Waiter {
            policy,
            tasks,
            polls: 0,
            ceiling: policy.min_interval,
            phase: Phase::Polling,
            poll_at: Duration::ZERO,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &WaitPolicy {
        &self.policy
    }

    /// What to do next, `elapsed` after the start of the wait. `jitter` is a random fraction in
    /// `[0, 1)` from the caller's source (out-of-range values are clamped; NaN counts as 0).
    ///
    /// Call it once per step: each regular answer advances the backoff.
    pub fn next_step(&mut self, elapsed: Duration, jitter: f64) -> WaitStep {
        if let Phase::Finished(step) = self.phase {
            return step;
        }
        if self.is_settled() {
            return self.finish(WaitStep::Done);
        }
        if self.phase == Phase::FinalPollAsked {
            return self.finish(WaitStep::DeadlinePassed);
        }
        let step = self.schedule(elapsed, jitter);
        if let WaitStep::PollAfter(delay) | WaitStep::FinalPoll(delay) = step {
            self.poll_at = elapsed.saturating_add(delay);
        }
        step
    }

    /// The next poll of an unfinished wait.
    fn schedule(&mut self, elapsed: Duration, jitter: f64) -> WaitStep {
        let Some(remaining) = self.policy.deadline.checked_sub(elapsed).filter(|r| !r.is_zero()) else {
            self.phase = Phase::FinalPollAsked;
            return WaitStep::FinalPoll(Duration::ZERO);
        };
        if self.polls == 0 {
            return WaitStep::PollAfter(Duration::ZERO);
        }
        let delay = self.jittered_delay(jitter);
        self.grow_ceiling();
        if delay >= remaining {
            self.phase = Phase::FinalPollAsked;
            WaitStep::FinalPoll(remaining)
        } else {
            WaitStep::PollAfter(delay)
        }
    }

    /// Records one poll's answer: the tasks the service returned and the IDs it was asked about
    /// but did not return. IDs not mentioned keep their state (their part of the poll failed);
    /// so do IDs not returned by a poll within the policy's not-found grace. Tasks not waited
    /// for are ignored; a settled task stays settled. Ignored once the wait is finished.
    pub fn record(&mut self, tasks: &[Task], not_found: &[TaskId]) {
        if matches!(self.phase, Phase::Finished(_)) {
            return;
        }
        self.polls = self.polls.saturating_add(1);
        for task in tasks {
            if let Some(progress) = self.entry(&task.task_id) {
                *progress = match task.status {
                    TaskStatus::Complete => TaskProgress::Complete(task.clone()),
                    TaskStatus::Failed => TaskProgress::Failed(task.clone()),
                    _ => TaskProgress::Running(task.clone()),
                };
            }
        }
        if self.poll_at < self.policy.not_found_grace {
            return;
        }
        for id in not_found {
            if let Some(progress) = self.entry(id) {
                *progress = TaskProgress::NotFound;
            }
        }
    }

    /// The IDs still to poll (unseen or running), in the order given.
    pub fn pending_ids(&self) -> Vec<TaskId> {
        self.tasks
            .iter()
            .filter(|(_, progress)| !progress.is_settled())
            .map(|(id, _)| *id)
            .collect()
    }

    /// Every task and where it stands, in the order given.
    pub fn tasks(&self) -> &[(TaskId, TaskProgress)] {
        &self.tasks
    }

    /// The counts so far.
    pub fn counts(&self) -> WaitCounts {
        let mut counts = WaitCounts {
            total: self.tasks.len(),
            polls: self.polls,
            ..WaitCounts::default()
        };
        for (_, progress) in &self.tasks {
            match progress {
                TaskProgress::Complete(_) => counts.completed += 1,
                TaskProgress::Failed(_) => counts.failed += 1,
                TaskProgress::NotFound => counts.not_found += 1,
                TaskProgress::Unseen | TaskProgress::Running(_) => counts.pending += 1,
            }
        }
        counts
    }

    /// Whether every task is settled.
    pub fn is_settled(&self) -> bool {
        self.tasks.iter().all(|(_, progress)| progress.is_settled())
    }

    /// The tallies, in the order the tasks were given.
    pub fn summary(&self) -> WaitSummary {
        let mut summary = WaitSummary {
            polls: self.polls,
            ..WaitSummary::default()
        };
        for (id, progress) in &self.tasks {
            match progress {
                TaskProgress::Complete(task) => summary.completed.push(task.clone()),
                TaskProgress::Failed(task) => summary.failed.push(task.clone()),
                TaskProgress::NotFound => summary.not_found.push(*id),
                TaskProgress::Running(task) => summary.unfinished.push((*id, Some(task.clone()))),
                TaskProgress::Unseen => summary.unfinished.push((*id, None)),
            }
        }
        summary
    }

    fn entry(&mut self, id: &TaskId) -> Option<&mut TaskProgress> {
        self.tasks
            .iter_mut()
            .find(|(known, progress)| known == id && !progress.is_settled())
            .map(|(_, progress)| progress)
    }

    fn finish(&mut self, step: WaitStep) -> WaitStep {
        self.phase = Phase::Finished(step);
        step
    }

    /// A delay between `min_interval` and the current ceiling, `jitter` of the way up.
    fn jittered_delay(&self, jitter: f64) -> Duration {
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let (min, ceiling) = (self.policy.min_interval, self.ceiling);
        let spread = ceiling.saturating_sub(min).as_secs_f64() * jitter;
        let delay = min.saturating_add(Duration::try_from_secs_f64(spread).unwrap_or_default());
        delay.clamp(min, ceiling)
    }

    fn grow_ceiling(&mut self) {
        let max = self.policy.max_interval;
        let grown = self.ceiling.as_secs_f64() * self.policy.backoff_factor;
        self.ceiling = Duration::try_from_secs_f64(grown).map_or(max, |grown| grown.min(max));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FailureReason, ObjectType, Process};
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn id(n: u64) -> TaskId {
        TaskId::try_from(n).unwrap()
    }

    fn task(n: u64, status: TaskStatus) -> Task {
        let reason = (status == TaskStatus::Failed).then_some(FailureReason::OriginTimeout);
        Task::new(
            id(n),
            format!("http://example.com/{n}"),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        )
        .with_object_type(ObjectType::File)
        .with_status(status)
        .with_process(Process::ZERO)
        .with_description(reason)
    }

    fn policy(deadline: u64, min: u64, max: u64) -> WaitPolicy {
        WaitPolicy::new(secs(deadline), secs(min), secs(max)).unwrap()
    }

    #[test]
    fn a_missing_task_stays_pending_for_the_grace_period_then_counts_as_not_found() {
        let with_grace = policy(60, 2, 2).with_not_found_grace(secs(5));
        assert_eq!(with_grace.not_found_grace(), secs(5));
        assert_eq!(policy(60, 2, 2).not_found_grace(), Duration::ZERO);
        let mut waiter = Waiter::new([id(1), id(2)], with_grace);
        // The first poll (at 0 s) and one at 2 s do not return task 1: within the grace, pending.
        for elapsed in [0, 0] {
            assert!(matches!(
                waiter.next_step(secs(elapsed), 0.0),
                WaitStep::PollAfter(_)
            ));
            waiter.record(&[task(2, TaskStatus::Refreshing)], &[id(1)]);
            assert_eq!(waiter.counts().not_found, 0);
            assert_eq!(waiter.pending_ids(), [id(1), id(2)]);
        }
        // A poll at 4 + 2 = 6 s, past the grace: now it is not found.
        assert_eq!(waiter.next_step(secs(4), 0.0), WaitStep::PollAfter(secs(2)));
        waiter.record(&[], &[id(1)]);
        assert_eq!(waiter.counts().not_found, 1);
        // Without a grace, the first poll settles it.
        let mut at_once = Waiter::new([id(1)], policy(60, 2, 2));
        at_once.next_step(secs(0), 0.0);
        at_once.record(&[], &[id(1)]);
        assert_eq!(at_once.next_step(secs(0), 0.0), WaitStep::Done);
    }

    #[test]
    fn policy_rejects_bad_values() {
        assert_eq!(
            WaitPolicy::new(secs(1), Duration::ZERO, secs(1)),
            Err(WaitPolicyError::ZeroMinInterval)
        );
        assert_eq!(
            WaitPolicy::new(secs(1), secs(3), secs(2)),
            Err(WaitPolicyError::MinAboveMax {
                min: secs(3),
                max: secs(2)
            })
        );
        for factor in [0.5, f64::NAN, f64::INFINITY, -1.0] {
            assert!(matches!(
                policy(1, 1, 1).with_backoff_factor(factor),
                Err(WaitPolicyError::BadBackoffFactor { .. })
            ));
        }
        let built = policy(60, 2, 30).with_backoff_factor(1.5).unwrap();
        assert_eq!(
            (
                built.deadline(),
                built.min_interval(),
                built.max_interval(),
                built.backoff_factor()
            ),
            (secs(60), secs(2), secs(30), 1.5)
        );
    }

    #[test]
    fn done_when_every_task_is_settled_and_tallies_kept() {
        let mut waiter = Waiter::new([id(1), id(2), id(3), id(1)], policy(60, 1, 8));
        assert_eq!(waiter.counts().total, 3);
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::PollAfter(secs(0)));
        waiter.record(
            &[task(1, TaskStatus::Refreshing), task(2, TaskStatus::Failed)],
            &[id(3)],
        );
        assert_eq!(waiter.pending_ids(), [id(1)]);
        assert_eq!(waiter.next_step(secs(1), 0.0), WaitStep::PollAfter(secs(1)));
        // A settled task stays settled, and unknown IDs are ignored.
        waiter.record(
            &[
                task(1, TaskStatus::Complete),
                task(2, TaskStatus::Complete),
                task(9, TaskStatus::Complete),
            ],
            &[],
        );
        assert_eq!(waiter.next_step(secs(2), 0.0), WaitStep::Done);
        assert_eq!(waiter.next_step(secs(3), 0.0), WaitStep::Done);
        let summary = waiter.summary();
        assert_eq!(summary.completed, [task(1, TaskStatus::Complete)]);
        assert_eq!(summary.failed, [task(2, TaskStatus::Failed)]);
        assert_eq!(
            summary.failed[0].failure_reason(),
            Some(&FailureReason::OriginTimeout)
        );
        assert_eq!(summary.not_found, [id(3)]);
        assert!(summary.unfinished.is_empty());
        assert_eq!(summary.polls, 2);
    }

    #[test]
    fn ceiling_grows_by_the_factor_up_to_the_maximum() {
        let mut waiter = Waiter::new([id(1)], policy(1_000, 1, 5));
        assert_eq!(waiter.next_step(secs(0), 0.99), WaitStep::PollAfter(secs(0)));
        let mut delays = Vec::new();
        for _ in 0..5 {
            waiter.record(&[task(1, TaskStatus::Pending)], &[]);
            // Jitter 1 (clamped) lands on the ceiling.
            match waiter.next_step(secs(10), 1.0) {
                WaitStep::PollAfter(delay) => delays.push(delay.as_secs()),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(delays, [1, 2, 4, 5, 5]);
    }

    #[test]
    fn deadline_poll_is_cut_short_and_happens_once() {
        let mut waiter = Waiter::new([id(1)], policy(10, 4, 4));
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::PollAfter(secs(0)));
        waiter.record(&[task(1, TaskStatus::Pending)], &[]);
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::PollAfter(secs(4)));
        waiter.record(&[task(1, TaskStatus::Pending)], &[]);
        // At 7 s the next 4 s would cross 10 s: poll at the deadline instead.
        assert_eq!(waiter.next_step(secs(7), 0.0), WaitStep::FinalPoll(secs(3)));
        waiter.record(&[task(1, TaskStatus::Refreshing)], &[]);
        assert_eq!(waiter.next_step(secs(10), 0.0), WaitStep::DeadlinePassed);
        // Finished: later answers are ignored, and no more polls.
        waiter.record(&[task(1, TaskStatus::Complete)], &[]);
        assert_eq!(waiter.next_step(secs(11), 0.0), WaitStep::DeadlinePassed);
        let summary = waiter.summary();
        assert_eq!(summary.polls, 3);
        assert_eq!(
            summary.unfinished,
            [(id(1), Some(task(1, TaskStatus::Refreshing)))]
        );
    }

    #[test]
    fn final_poll_can_still_complete_the_wait() {
        let mut waiter = Waiter::new([id(1)], policy(5, 1, 1));
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::PollAfter(secs(0)));
        waiter.record(&[], &[]);
        assert_eq!(waiter.next_step(secs(6), 0.0), WaitStep::FinalPoll(secs(0)));
        waiter.record(&[task(1, TaskStatus::Complete)], &[]);
        assert_eq!(waiter.next_step(secs(6), 0.0), WaitStep::Done);
    }

    #[test]
    fn zero_deadline_polls_once() {
        let mut waiter = Waiter::new([id(1)], policy(0, 1, 1));
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::FinalPoll(secs(0)));
        waiter.record(&[], &[]);
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::DeadlinePassed);
        assert_eq!(waiter.summary().unfinished, [(id(1), None)]);
    }

    #[test]
    fn nothing_to_wait_for_is_done_at_once() {
        let mut waiter = Waiter::new([], policy(10, 1, 1));
        assert_eq!(waiter.next_step(secs(0), 0.0), WaitStep::Done);
        assert_eq!(waiter.counts(), WaitCounts::default());
    }

    #[test]
    fn a_jitter_picks_its_fraction_of_the_way_from_min_to_the_ceiling() {
        let mut waiter = Waiter::new(
            [id(1), id(2)],
            policy(100, 2, 10).with_backoff_factor(2.0).unwrap(),
        );
        assert_eq!(
            waiter.next_step(secs(0), 0.5),
            WaitStep::PollAfter(Duration::ZERO)
        );
        waiter.record(&[task(1, TaskStatus::Refreshing)], &[]);
        // The ceiling starts at the minimum, 2 s, then doubles after each scheduled poll.
        assert_eq!(waiter.next_step(secs(0), 0.5), WaitStep::PollAfter(secs(2)));
        waiter.record(&[], &[]);
        assert_eq!(waiter.next_step(secs(2), 0.5), WaitStep::PollAfter(secs(3)));
        waiter.record(&[], &[]);
        assert_eq!(
            waiter.next_step(secs(5), 0.25),
            WaitStep::PollAfter(Duration::from_millis(3_500))
        );
        let ids: Vec<TaskId> = waiter.tasks().iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [id(1), id(2)], "every task, in the order given");
    }

    #[test]
    fn odd_jitter_values_are_clamped() {
        for jitter in [f64::NAN, -3.0, 7.0, f64::INFINITY] {
            let mut waiter = Waiter::new([id(1)], policy(100, 2, 2));
            waiter.next_step(secs(0), jitter);
            waiter.record(&[], &[]);
            assert_eq!(waiter.next_step(secs(0), jitter), WaitStep::PollAfter(secs(2)));
        }
    }

    /// One simulated poll's answer for the property test.
    #[derive(Debug, Clone)]
    enum Answer {
        Nothing,
        Status(usize, TaskStatus),
        NotFound(usize),
    }

    fn answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            Just(Answer::Nothing),
            (
                0..4usize,
                prop_oneof![
                    Just(TaskStatus::Pending),
                    Just(TaskStatus::Refreshing),
                    Just(TaskStatus::Complete),
                    Just(TaskStatus::Failed),
                ]
            )
                .prop_map(|(i, s)| Answer::Status(i, s)),
            (0..4usize).prop_map(Answer::NotFound),
        ]
    }

    proptest! {
        /// Drives the waiter with a simulated clock: poll durations and answers are arbitrary.
        #[test]
        fn schedule_invariants(
            deadline_ms in 0u64..20_000,
            min_ms in 1u64..2_000,
            extra_ms in 0u64..5_000,
            factor in 1.0f64..4.0,
            steps in proptest::collection::vec((0.0f64..1.0, 0u64..3_000, answer()), 1..60),
        ) {
            let (min, max) = (Duration::from_millis(min_ms), Duration::from_millis(min_ms + extra_ms));
            let policy = WaitPolicy::new(Duration::from_millis(deadline_ms), min, max)
                .unwrap()
                .with_backoff_factor(factor)
                .unwrap();
            let ids: Vec<TaskId> = (1..=4).map(id).collect();
            let mut waiter = Waiter::new(ids.clone(), policy);
            let mut elapsed = Duration::ZERO;
            let (mut final_polls, mut polls, mut finished) = (0u32, 0u32, None);
            for (index, (jitter, poll_ms, answer)) in steps.into_iter().enumerate() {
                let step = waiter.next_step(elapsed, jitter);
                let sleep = match step {
                    WaitStep::PollAfter(delay) => {
                        prop_assert!(finished.is_none(), "polled after {finished:?}");
                        if index == 0 {
                            prop_assert_eq!(delay, Duration::ZERO);
                        } else {
                            prop_assert!(delay >= min && delay <= max, "{delay:?} outside [{min:?}, {max:?}]");
                        }
                        prop_assert!(elapsed + delay < policy.deadline());
                        delay
                    }
                    WaitStep::FinalPoll(delay) => {
                        prop_assert!(finished.is_none(), "polled after {finished:?}");
                        final_polls += 1;
                        prop_assert_eq!(elapsed + delay, elapsed.max(policy.deadline()));
                        delay
                    }
                    WaitStep::Done | WaitStep::DeadlinePassed => {
                        if let Some(previous) = finished {
                            prop_assert_eq!(previous, step);
                        }
                        if step == WaitStep::Done {
                            prop_assert!(waiter.is_settled());
                        } else {
                            prop_assert_eq!(final_polls, 1);
                        }
                        finished = Some(step);
                        continue;
                    }
                };
                prop_assert!(final_polls <= 1);
                elapsed += sleep + Duration::from_millis(poll_ms);
                polls += 1;
                match answer {
                    Answer::Nothing => waiter.record(&[], &[]),
                    Answer::Status(i, status) => {
                        let mut seen = task(1, status);
                        seen.task_id = ids[i];
                        waiter.record(&[seen], &[]);
                    }
                    Answer::NotFound(i) => waiter.record(&[], &[ids[i]]),
                }
            }
            prop_assert_eq!(waiter.counts().polls, polls);
            let counts = waiter.counts();
            prop_assert_eq!(counts.completed + counts.failed + counts.not_found + counts.pending, 4);
        }
    }
}
