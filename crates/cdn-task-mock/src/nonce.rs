//! Replay protection: the nonce of every verified request, per AccessKey, for as long as the
//! request it came with could still pass the clock-skew check.
//!
//! A request dated `t` is accepted while `|now − t| ≤ MAX_CLOCK_SKEW`, so it stays valid until
//! `t + MAX_CLOCK_SKEW`: up to 30 minutes after it arrives when it was dated 15 minutes ahead.
//! Its nonce is remembered exactly that long (never by arrival time, which would let a request
//! dated ahead be replayed once its nonce was forgotten), and only once its signature has been
//! verified (an unsigned flood stores nothing). Each key has its own bound: one key's requests
//! can never push out another's nonces, and a key whose store is full is refused, never
//! allowed to replay by forgetting early.

use cdn_task_core::signing::MAX_CLOCK_SKEW;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

/// Most nonces remembered for one AccessKey at once: at most 30 minutes of requests, so about
/// 55 requests a second sustained, above the sum of the API's per-action rate limits. The
/// verifier bounds each nonce to 64 bytes, so one key's store stays under about 15 MiB.
pub(crate) const MAX_NONCES_PER_KEY: usize = 100_000;

/// Why a nonce was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonceRefused {
    /// It was used already by a request that could still be valid (`SignatureNonceUsed`).
    Replayed,
    /// This key has [`MAX_NONCES_PER_KEY`] live nonces; refused until some expire
    /// (`Throttling.User`: the key sends more than the service lets it).
    StoreFull,
}

/// Nonces per AccessKeyId.
#[derive(Debug)]
pub(crate) struct NonceStore {
    keys: HashMap<String, KeyNonces>,
    capacity_per_key: usize,
}

/// One key's live nonces, by nonce and by expiry.
#[derive(Debug, Default)]
struct KeyNonces {
    expiries: HashMap<String, DateTime<Utc>>,
    by_expiry: BTreeSet<(DateTime<Utc>, String)>,
}

impl KeyNonces {
    /// Forgets the nonces whose requests can no longer pass the skew check at `now`.
    fn forget_expired(&mut self, now: DateTime<Utc>) {
        while let Some((expiry, _)) = self.by_expiry.first() {
            if *expiry >= now {
                break;
            }
            if let Some((_, nonce)) = self.by_expiry.pop_first() {
                self.expiries.remove(&nonce);
            }
        }
    }
}

impl NonceStore {
    pub(crate) fn new(capacity_per_key: usize) -> NonceStore {
        NonceStore {
            keys: HashMap::new(),
            capacity_per_key,
        }
    }

    /// Records the `nonce` of a verified request of `access_key_id` signed at `timestamp`, or
    /// refuses it. `now` is the clock the skew check used.
    pub(crate) fn check_and_record(
        &mut self,
        access_key_id: &str,
        nonce: &str,
        timestamp: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), NonceRefused> {
        let expiry = timestamp
            .checked_add_signed(MAX_CLOCK_SKEW)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let key = self.keys.entry(access_key_id.to_owned()).or_default();
        key.forget_expired(now);
        if key.expiries.contains_key(nonce) {
            return Err(NonceRefused::Replayed);
        }
        if key.expiries.len() >= self.capacity_per_key {
            return Err(NonceRefused::StoreFull);
        }
        key.expiries.insert(nonce.to_owned(), expiry);
        key.by_expiry.insert((expiry, nonce.to_owned()));
        // Keys that no longer hold anything live (expired STS keys, say) are dropped.
        self.keys.retain(|_, key| {
            key.forget_expired(now);
            !key.expiries.is_empty()
        });
        Ok(())
    }

    /// Forgets every nonce (a reset of the mock).
    pub(crate) fn clear(&mut self) {
        self.keys.clear();
    }

    /// How many nonces are remembered, over all keys.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys.values().map(|key| key.expiries.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + TimeDelta::seconds(seconds)
    }

    const MINUTE: i64 = 60;

    #[test]
    fn a_nonce_is_remembered_until_its_request_could_no_longer_pass_the_skew_check() {
        let mut store = NonceStore::new(100);
        // The review's replay: dated 14m50s ahead, so valid until 29m50s after arrival.
        let dated = t(14 * MINUTE + 50);
        store.check_and_record("a", "n1", dated, t(0)).unwrap();
        assert_eq!(
            store.check_and_record("a", "n1", dated, t(0)),
            Err(NonceRefused::Replayed)
        );
        // 15 minutes after arrival (when a window by arrival would have forgotten it), and up to
        // the last second the request itself could pass the skew check: still refused.
        for now in [t(15 * MINUTE + 1), t(29 * MINUTE + 50)] {
            assert_eq!(
                store.check_and_record("a", "n1", dated, now),
                Err(NonceRefused::Replayed),
                "{now}"
            );
        }
        // Once the request is past the skew check its nonce may go (the check refuses it anyway).
        store
            .check_and_record("a", "n1", dated, t(29 * MINUTE + 51))
            .unwrap();
        // A request dated in the past is remembered for less: until its date plus 15 minutes.
        store.check_and_record("a", "old", t(-10 * MINUTE), t(0)).unwrap();
        assert_eq!(
            store.check_and_record("a", "old", t(-10 * MINUTE), t(5 * MINUTE)),
            Err(NonceRefused::Replayed)
        );
        store
            .check_and_record("a", "old", t(-10 * MINUTE), t(5 * MINUTE + 1))
            .unwrap();
    }

    #[test]
    fn nonces_are_per_key_and_one_key_cannot_evict_another() {
        let mut store = NonceStore::new(10);
        store.check_and_record("a", "n", t(0), t(0)).unwrap();
        store.check_and_record("b", "n", t(0), t(0)).unwrap();
        // Key b floods: its own store fills and refuses; key a's nonce is untouched.
        for n in 0..9 {
            store.check_and_record("b", &n.to_string(), t(0), t(0)).unwrap();
        }
        assert_eq!(
            store.check_and_record("b", "one-more", t(0), t(0)),
            Err(NonceRefused::StoreFull)
        );
        assert_eq!(
            store.check_and_record("a", "n", t(0), t(0)),
            Err(NonceRefused::Replayed)
        );
        // A full store forgets nothing early: b's nonces are all still refused as replays.
        assert_eq!(
            store.check_and_record("b", "5", t(0), t(0)),
            Err(NonceRefused::Replayed)
        );
        // Once they expire, b is accepted again.
        store
            .check_and_record("b", "later", t(0), t(15 * MINUTE + 1))
            .unwrap();
    }

    #[test]
    fn memory_is_bounded_and_expired_keys_are_dropped() {
        let mut store = NonceStore::new(10);
        for n in 0..50 {
            let _ = store.check_and_record("a", &n.to_string(), t(0), t(0));
        }
        assert_eq!(store.len(), 10);
        store
            .check_and_record("b", "x", t(20 * MINUTE), t(20 * MINUTE))
            .unwrap();
        assert_eq!(store.len(), 1, "key a's expired nonces are gone with it");
    }

    #[test]
    fn a_clock_set_back_forgets_nothing() {
        let mut store = NonceStore::new(10);
        store
            .check_and_record("a", "x", t(100 * MINUTE), t(100 * MINUTE))
            .unwrap();
        store.check_and_record("a", "y", t(0), t(0)).unwrap();
        assert_eq!(
            store.check_and_record("a", "x", t(100 * MINUTE), t(1)),
            Err(NonceRefused::Replayed)
        );
        assert_eq!(
            store.check_and_record("a", "y", t(0), t(1)),
            Err(NonceRefused::Replayed)
        );
    }
}
