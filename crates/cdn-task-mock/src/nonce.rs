//! Replay protection: the nonces seen in the last 15 minutes, per AccessKey, in bounded memory.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};

/// How long a nonce is remembered (API.md leaves it open; 15 minutes matches the allowed clock
/// skew, so a replay of a still-acceptable request is always caught).
pub(crate) const NONCE_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// Most nonces remembered at once. Past this, the oldest are forgotten early (so a flood of
/// requests cannot exhaust memory; only a replay of a forgotten nonce would then pass).
pub(crate) const MAX_REMEMBERED_NONCES: usize = 100_000;

/// The nonce was seen within the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NonceReplayed;

/// Nonces seen, by (AccessKeyId, nonce), with a queue in arrival order for pruning.
#[derive(Debug)]
pub(crate) struct NonceCache {
    seen: HashMap<(String, String), DateTime<Utc>>,
    arrivals: VecDeque<(DateTime<Utc>, (String, String))>,
    capacity: usize,
}

impl NonceCache {
    pub(crate) fn new(capacity: usize) -> NonceCache {
        NonceCache {
            seen: HashMap::new(),
            arrivals: VecDeque::new(),
            capacity,
        }
    }

    /// Records `nonce` for `access_key_id` at `now`, or reports a replay.
    pub(crate) fn check_and_record(
        &mut self,
        access_key_id: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<(), NonceReplayed> {
        self.forget_older_than(
            now.checked_sub_signed(NONCE_WINDOW)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        );
        let key = (access_key_id.to_owned(), nonce.to_owned());
        if self.seen.contains_key(&key) {
            return Err(NonceReplayed);
        }
        self.seen.insert(key.clone(), now);
        self.arrivals.push_back((now, key));
        while self.arrivals.len() > self.capacity {
            self.pop_oldest();
        }
        Ok(())
    }

    /// Forgets every nonce (the control plane's reset).
    pub(crate) fn clear(&mut self) {
        self.seen.clear();
        self.arrivals.clear();
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }

    /// Drops entries seen before `cutoff`. Arrivals are in insertion order, which is time order
    /// unless the clock was set back; then pruning stops early and the capacity still bounds
    /// memory.
    fn forget_older_than(&mut self, cutoff: DateTime<Utc>) {
        while self.arrivals.front().is_some_and(|(seen, _)| *seen < cutoff) {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((seen, key)) = self.arrivals.pop_front() {
            // Only remove the map entry this arrival made.
            if self.seen.get(&key) == Some(&seen) {
                self.seen.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    #[test]
    fn replays_within_the_window_are_refused_per_key() {
        let mut cache = NonceCache::new(100);
        cache.check_and_record("a", "n1", t(0)).unwrap();
        assert_eq!(cache.check_and_record("a", "n1", t(15)), Err(NonceReplayed));
        cache.check_and_record("b", "n1", t(1)).unwrap();
        // Just past the window it is forgotten and may be used again.
        cache.check_and_record("a", "n1", t(16)).unwrap();
        assert_eq!(cache.check_and_record("a", "n1", t(17)), Err(NonceReplayed));
    }

    #[test]
    fn memory_is_bounded_by_age_and_capacity() {
        let mut cache = NonceCache::new(10);
        for n in 0..50 {
            cache.check_and_record("a", &n.to_string(), t(0)).unwrap();
        }
        assert_eq!(cache.len(), 10);
        // The newest are still remembered.
        assert_eq!(cache.check_and_record("a", "49", t(0)), Err(NonceReplayed));
        cache.check_and_record("a", "fresh", t(30)).unwrap();
        assert_eq!(cache.len(), 1);
        cache.clear();
        assert_eq!(cache.len(), 0);
        cache.check_and_record("a", "fresh", t(30)).unwrap();
    }

    #[test]
    fn a_clock_set_back_does_not_break_anything() {
        let mut cache = NonceCache::new(10);
        cache.check_and_record("a", "x", t(100)).unwrap();
        cache.check_and_record("a", "y", t(0)).unwrap();
        assert_eq!(cache.check_and_record("a", "x", t(1)), Err(NonceReplayed));
        assert_eq!(cache.check_and_record("a", "y", t(1)), Err(NonceReplayed));
    }
}
