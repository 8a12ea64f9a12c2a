//! How a created task moves on the mock's clock: `Pending` → `Refreshing` (with `Process`
//! rising linearly) → `Complete` at `100%`, or `Failed`.

use cdn_task_core::{FailureReason, Process, TaskStatus};
use chrono::{DateTime, TimeDelta, Utc};

/// How a task ends, decided when it is created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fate {
    /// `Complete`, `100%`.
    Complete,
    /// `Failed` with this `Description`.
    Fail(FailureReason),
}

/// Where a task stands at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stage {
    pub(crate) status: TaskStatus,
    pub(crate) process: Process,
    pub(crate) description: Option<FailureReason>,
}

/// The stage of a task created at `created` that takes `duration`, seen at `now`.
///
/// - `Pending`, `0%`, until `Process` would reach 0.01% (at creation, or before it if the clock
///   was set back);
/// - `Refreshing`, `Process` = elapsed / duration, rounded down, at most 99.99%;
/// - from `created + duration` on: `Complete` at `100%`, or `Failed` with its reason. A failed
///   task also reports `100%`: the service has finished with it, and `Status` says how.
pub(crate) fn stage_at(
    created: DateTime<Utc>,
    duration: TimeDelta,
    fate: &Fate,
    now: DateTime<Utc>,
) -> Stage {
    let elapsed = now - created;
    if elapsed >= duration {
        return match fate {
            Fate::Complete => Stage {
                status: TaskStatus::Complete,
                process: Process::COMPLETE,
                description: None,
            },
            Fate::Fail(reason) => Stage {
                status: TaskStatus::Failed,
                process: Process::COMPLETE,
                description: Some(reason.clone()),
            },
        };
    }
    let nanos =
        |delta: TimeDelta| i128::from(delta.num_seconds()) * 1_000_000_000 + i128::from(delta.subsec_nanos());
    // 0 <= elapsed < duration here (or elapsed < 0), so the quotient is below 10,000.
    let basis_points = (nanos(elapsed).max(0) * 10_000 / nanos(duration).max(1)).clamp(0, 9_999);
    let process =
        Process::from_basis_points(u16::try_from(basis_points).unwrap_or(9_999)).unwrap_or(Process::ZERO);
    let status = if process == Process::ZERO {
        TaskStatus::Pending
    } else {
        TaskStatus::Refreshing
    };
    Stage {
        status,
        process,
        description: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: f64, fate: &Fate) -> Stage {
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let now = created + TimeDelta::nanoseconds((seconds * 1e9) as i64);
        stage_at(created, TimeDelta::seconds(2), fate, now)
    }

    #[test]
    fn pending_then_refreshing_then_complete() {
        let stage = at(0.0, &Fate::Complete);
        assert_eq!(
            (stage.status, stage.process),
            (TaskStatus::Pending, Process::ZERO)
        );
        assert_eq!(at(-5.0, &Fate::Complete).status, TaskStatus::Pending);
        let half = at(1.0, &Fate::Complete);
        assert_eq!(half.status, TaskStatus::Refreshing);
        assert_eq!(half.process.to_string(), "50%");
        assert_eq!(at(1.9999, &Fate::Complete).process.to_string(), "99.99%");
        let done = at(2.0, &Fate::Complete);
        assert_eq!(
            (done.status, done.process, done.description),
            (TaskStatus::Complete, Process::COMPLETE, None)
        );
    }

    #[test]
    fn process_never_goes_down() {
        let mut last = Process::ZERO;
        for step in 0..=250 {
            let process = at(f64::from(step) * 0.01, &Fate::Complete).process;
            assert!(process >= last, "step {step}: {process} < {last}");
            last = process;
        }
        assert!(last.is_complete());
    }

    #[test]
    fn failed_tasks_carry_their_reason() {
        let fate = Fate::Fail(FailureReason::OriginTimeout);
        assert_eq!(at(1.0, &fate).status, TaskStatus::Refreshing);
        let failed = at(3.0, &fate);
        assert_eq!(failed.status, TaskStatus::Failed);
        assert_eq!(failed.description, Some(FailureReason::OriginTimeout));
    }

    #[test]
    fn zero_duration_finishes_at_once() {
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let stage = stage_at(created, TimeDelta::zero(), &Fate::Complete, created);
        assert_eq!(stage.status, TaskStatus::Complete);
    }
}
