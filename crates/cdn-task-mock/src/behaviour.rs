//! Every test-facing behaviour of a running mock, as one method each on [`Shared`]: tasks, clock,
//! faults, the call log, reset, and the whole state. [`MockServer`](crate::MockServer)'s methods
//! and the HTTP control plane (`/_mock/…`) both call these, so the two cannot drift apart.

use crate::fault::FaultRule;
use crate::log::ReceivedCall;
use crate::metadata::MetadataState;
use crate::random::Randomness;
use crate::saved::{MockState, StateError};
use crate::state::Shared;
use crate::sts::IssuedKeys;
use cdn_task_core::Task;
use chrono::{DateTime, TimeDelta, Utc};
use std::path::PathBuf;
use std::time::Duration;

/// A task the mock holds, with the AccessKey that may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredTask {
    /// The AccessKeyId that may see it; `None`: every key.
    pub owner: Option<String>,
    /// The task as `DescribeRefreshTaskById` would report it now (by the mock's clock; the
    /// three-day window aside).
    pub task: Task,
}

/// The clock cannot be moved that far.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("moving the clock from {now} by {by:?} passes the end of representable time")]
pub struct ClockOverflow {
    /// The clock's time before.
    pub now: DateTime<Utc>,
    /// How far it was asked to move.
    pub by: Duration,
}

impl Shared {
    /// Back to the start state: the configured initial tasks, no quota used, no calls, no nonces,
    /// the configured fault rules and random number generator, and the clock as it was set at start.
    pub(crate) fn reset(&self) {
        {
            let mut state = self.state();
            state.tasks = self.start.task_store();
            state.quotas.clear_usage();
            state.nonces.clear();
            state.random = Randomness::new(self.start.rng_seed);
            state.faults = self.start.faults.clone();
            state.issued = IssuedKeys::default();
            state.metadata = MetadataState::default();
        }
        self.log().clear();
        self.clock.restore(self.start.clock);
    }

    /// Every task, by ID, as it stands now on the mock's clock.
    pub(crate) fn tasks(&self) -> Vec<StoredTask> {
        let now = self.clock.now();
        self.state()
            .tasks
            .entries(now)
            .into_iter()
            .map(|entry| entry.stored())
            .collect()
    }

    /// Adds tasks as given (they do not progress), each visible to its owner only or, for
    /// `None`, to every key; a task with an ID already present replaces it. All are added under
    /// one lock, so no request sees half of them. Answers them as stored.
    pub(crate) fn add_tasks(&self, tasks: Vec<(Option<String>, Task)>) -> Vec<StoredTask> {
        let mut state = self.state();
        tasks
            .into_iter()
            .map(|(owner, task)| {
                state.tasks.add(owner.as_deref(), vec![task.clone()]);
                StoredTask { owner, task }
            })
            .collect()
    }

    /// Moves the mock's clock forward by `by`, or refuses (and moves nothing) if that passes
    /// the end of representable time. Answers the new time.
    pub(crate) fn advance_clock(&self, by: Duration) -> Result<DateTime<Utc>, ClockOverflow> {
        let now = self.clock.now();
        TimeDelta::from_std(by)
            .ok()
            .and_then(|delta| now.checked_add_signed(delta))
            .ok_or(ClockOverflow { now, by })?;
        self.clock.advance(by);
        Ok(self.clock.now())
    }

    /// Sets the mock's clock to `time` (a system clock keeps running from there). Answers the
    /// new time.
    pub(crate) fn set_clock(&self, time: DateTime<Utc>) -> DateTime<Utc> {
        self.clock.set(time);
        self.clock.now()
    }

    /// The fault rules, with what is left of their counts.
    pub(crate) fn fault_rules(&self) -> Vec<FaultRule> {
        self.state().faults.clone()
    }

    /// Replaces the fault rules, from the next request on.
    pub(crate) fn set_fault_rules(&self, rules: Vec<FaultRule>) {
        self.state().faults = rules;
    }

    /// The calls received, oldest first; with `action`, only those naming it.
    pub(crate) fn calls(&self, action: Option<&str>) -> Vec<ReceivedCall> {
        let mut calls = self.log().snapshot();
        if let Some(action) = action {
            calls.retain(|call| call.action.as_deref() == Some(action));
        }
        calls
    }

    /// Forgets the calls received so far.
    pub(crate) fn clear_calls(&self) {
        self.log().clear();
    }

    /// The whole state as one document.
    pub(crate) fn save(&self) -> MockState {
        let now = self.clock.now();
        let state = self.state();
        MockState::capture(
            now,
            self.clock.request_time(),
            &state.tasks,
            &state.quotas,
            &state.faults,
        )
    }

    /// Replaces the whole state (tasks, quotas, faults, clock) with `saved`. The call log and
    /// the nonces are not part of it and stay as they are.
    pub(crate) fn restore(&self, saved: &MockState) {
        {
            let mut state = self.state();
            state.tasks = saved.task_store(self.start.task_duration);
            saved.restore_quotas(&mut state.quotas);
            state.faults = saved.fault_rules();
        }
        if self.clock.is_manual() {
            self.clock.set(saved.now());
        } else {
            // The mock's time runs on while it is stopped, as the service's does: keep the saved
            // distance from real time, not the saved instant.
            self.clock.set(self.clock.request_time() + saved.offset());
        }
    }

    /// Writes the state to the configured state file, atomically. Answers the file.
    pub(crate) fn save_to_file(&self) -> Result<PathBuf, StateError> {
        let path = self.state_file.clone().ok_or(StateError::NoStateFile)?;
        self.save().write_atomically(&path)?;
        Ok(path)
    }
}
