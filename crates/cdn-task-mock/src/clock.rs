//! The mock's clock: the system clock, or a manual one a test moves by hand.

use chrono::{DateTime, TimeDelta, Utc};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The clock the mock judges time by: task progression, the three-day window and daily quotas.
/// Request timestamps (skew) and nonce expiry are judged by [`request_time`](Self::request_time),
/// and throttling by real time (it is about call rates).
///
/// Clones share one clock, so a test keeps a clone (or uses [`MockServer::clock`]) and moves the
/// server's time.
///
/// - [`MockClock::system`] follows the system clock. [`advance`](Self::advance) and
///   [`set`](Self::set) shift it by an offset, and time keeps flowing from there.
/// - [`MockClock::manual`] stands still until [`advance`](Self::advance) or [`set`](Self::set).
///
/// ```
/// use cdn_task_mock::MockClock;
/// use chrono::{TimeZone, Utc};
/// use std::time::Duration;
///
/// let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let clock = MockClock::manual(start);
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(clock.now(), Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 30).unwrap());
/// ```
///
/// [`MockServer::clock`]: crate::MockServer::clock
#[derive(Debug, Clone)]
pub struct MockClock {
    mode: Mode,
    /// System: the offset added to the system time. Manual: the time itself, as an offset from
    /// the Unix epoch.
    state: Arc<Mutex<TimeDelta>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    System,
    Manual,
}

impl MockClock {
    /// The system clock (UTC).
    pub fn system() -> MockClock {
        MockClock {
            mode: Mode::System,
            state: Arc::new(Mutex::new(TimeDelta::zero())),
        }
    }

    /// A clock that reads `start` until moved.
    pub fn manual(start: DateTime<Utc>) -> MockClock {
        MockClock {
            mode: Mode::Manual,
            state: Arc::new(Mutex::new(start - DateTime::UNIX_EPOCH)),
        }
    }

    /// Whether this is a manual clock.
    pub fn is_manual(&self) -> bool {
        self.mode == Mode::Manual
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        let offset = *self.lock();
        let base = match self.mode {
            Mode::System => DateTime::<Utc>::from(SystemTime::now()),
            Mode::Manual => DateTime::UNIX_EPOCH,
        };
        base.checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The time requests are judged by (timestamp skew, nonce expiry). For a system clock this is
    /// the system time, however far [`advance`](Self::advance) or [`set`](Self::set) moved
    /// [`now`](Self::now): an SDK that signs with the real clock keeps working while a test
    /// moves tasks days ahead. A manual clock is all the time there is: it is [`now`](Self::now).
    pub fn request_time(&self) -> DateTime<Utc> {
        match self.mode {
            Mode::System => DateTime::<Utc>::from(SystemTime::now()),
            Mode::Manual => self.now(),
        }
    }

    /// The clock's setting: the offset from the system time (system clock) or the time itself
    /// as an offset from the epoch (manual clock). [`restore`](Self::restore) puts it back.
    pub(crate) fn setting(&self) -> TimeDelta {
        *self.lock()
    }

    /// Puts back a [`setting`](Self::setting) taken from this clock or one of the same mode.
    pub(crate) fn restore(&self, setting: TimeDelta) {
        *self.lock() = setting;
    }

    /// Moves the clock forward by `by` (saturating at the end of representable time).
    pub fn advance(&self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        let mut state = self.lock();
        *state = state.checked_add(&by).unwrap_or(TimeDelta::MAX);
    }

    /// Sets the clock to `time`. A system clock keeps running from there.
    pub fn set(&self, time: DateTime<Utc>) {
        let mut state = self.lock();
        *state = match self.mode {
            Mode::System => time - DateTime::<Utc>::from(SystemTime::now()),
            Mode::Manual => time - DateTime::UNIX_EPOCH,
        };
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TimeDelta> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MockClock {
    /// The system clock.
    fn default() -> Self {
        MockClock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_stands_still_and_moves_on_request_for_every_clone() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let clock = MockClock::manual(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(Duration::from_secs(3600));
        assert_eq!(clock.now(), start + TimeDelta::hours(1));
        let later = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        clock.set(later);
        assert_eq!(shared.now(), later);
        assert!(clock.is_manual());
    }

    #[test]
    fn system_clock_shifts_by_an_offset() {
        let clock = MockClock::system();
        let before = clock.now();
        clock.advance(Duration::from_secs(86_400));
        let shifted = clock.now();
        assert!(shifted - before >= TimeDelta::days(1));
        let past = Utc.with_ymd_and_hms(2001, 1, 1, 0, 0, 0).unwrap();
        clock.set(past);
        let read = clock.now();
        assert!(read >= past && read - past < TimeDelta::minutes(1), "{read}");
        assert!(!clock.is_manual());
    }

    #[test]
    fn requests_are_judged_by_real_time_unless_the_clock_is_manual() {
        let system = MockClock::system();
        system.advance(Duration::from_secs(86_400 * 4));
        let gap = system.now() - system.request_time();
        assert!(gap >= TimeDelta::days(4) - TimeDelta::seconds(1), "{gap}");
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let manual = MockClock::manual(start);
        manual.advance(Duration::from_secs(60));
        assert_eq!(manual.request_time(), manual.now());
        let setting = manual.setting();
        manual.advance(Duration::from_secs(60));
        manual.restore(setting);
        assert_eq!(manual.now(), start + TimeDelta::minutes(1));
    }

    #[test]
    fn advancing_past_the_end_of_time_saturates() {
        let clock = MockClock::manual(DateTime::<Utc>::MAX_UTC - TimeDelta::days(1));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
    }
}
