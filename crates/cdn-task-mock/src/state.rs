//! What every request handler shares: the configuration it needs, and the mutable state behind
//! one short-held lock.

use crate::clock::MockClock;
use crate::config::{FaultConfig, MockConfig};
use crate::intake::BodyLimits;
use crate::log::{CallLog, ReceivedCall};
use crate::nonce::{MAX_NONCES_PER_KEY, NonceStore};
use crate::quota::QuotaBook;
use crate::random::Randomness;
use crate::store::TaskStore;
use crate::throttle::Throttle;
use chrono::TimeDelta;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Shared by every handler of one server.
#[derive(Debug)]
pub(crate) struct Shared {
    /// AccessKeyId → secret.
    keys: HashMap<String, String>,
    pub(crate) clock: MockClock,
    pub(crate) fail_rate: f64,
    pub(crate) body_limits: BodyLimits,
    /// How many unfinished prefetched URLs the queue of each AccessKey holds.
    pub(crate) preload_queue: u64,
    pub(crate) throttle: Throttle,
    /// Whether `SignatureDoesNotMatch` quotes the string to sign unredacted.
    pub(crate) echo_unredacted_string_to_sign: bool,
    state: Mutex<State>,
    log: Mutex<CallLog>,
}

/// The mutable state. Every change a request makes happens under one lock acquisition, never
/// held across an await, and no code under the lock panics; a poisoned lock is taken over as is.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) tasks: TaskStore,
    pub(crate) quotas: QuotaBook,
    pub(crate) nonces: NonceStore,
    pub(crate) random: Randomness,
    pub(crate) faults: FaultConfig,
}

impl Shared {
    pub(crate) fn new(config: MockConfig) -> Shared {
        let duration = TimeDelta::from_std(config.task_duration).unwrap_or(TimeDelta::MAX);
        let mut tasks = TaskStore::new(duration);
        tasks.seed(None, config.seed_tasks);
        Shared {
            keys: config.keys.into_iter().collect(),
            clock: config.clock,
            fail_rate: config.fail_rate,
            body_limits: BodyLimits {
                bytes: config.max_body_bytes,
                timeout: config.body_read_timeout,
            },
            preload_queue: config.daily_quotas.preload_queue,
            throttle: Throttle::new(config.rate_limit),
            echo_unredacted_string_to_sign: config.echo_unredacted_string_to_sign,
            state: Mutex::new(State {
                tasks,
                quotas: QuotaBook::new(config.daily_quotas),
                nonces: NonceStore::new(MAX_NONCES_PER_KEY),
                random: Randomness::new(config.seed),
                faults: config.faults,
            }),
            log: Mutex::new(CallLog::default()),
        }
    }

    /// The state, locked. Keep the guard short-lived.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The call log, locked.
    pub(crate) fn log(&self) -> MutexGuard<'_, CallLog> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The secret of `access_key_id`, if the mock knows the key.
    pub(crate) fn secret(&self, access_key_id: &str) -> Option<String> {
        self.keys.get(access_key_id).cloned()
    }

    pub(crate) fn record(&self, call: ReceivedCall) {
        self.log().record(call);
    }
}
