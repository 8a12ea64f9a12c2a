//! What every request handler shares: the configuration it needs, and the mutable state behind
//! one short-held lock.

use crate::clock::MockClock;
use crate::config::{FaultConfig, MockConfig};
use crate::log::{CallLog, ReceivedCall};
use crate::metadata::MetadataState;
use crate::nonce::{MAX_REMEMBERED_NONCES, NonceCache};
use crate::quota::QuotaBook;
use crate::random::Randomness;
use crate::store::TaskStore;
use crate::sts::{CredentialsConfig, IssuedKeys};
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
    pub(crate) max_body_bytes: usize,
    pub(crate) throttle: Throttle,
    /// What the STS, metadata and credentials-URI paths do.
    pub(crate) credentials: CredentialsConfig,
    state: Mutex<State>,
    log: Mutex<CallLog>,
}

/// The mutable state. Every change a request makes happens under one lock acquisition, never
/// held across an await, and no code under the lock panics; a poisoned lock is taken over as is.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) tasks: TaskStore,
    pub(crate) quotas: QuotaBook,
    pub(crate) nonces: NonceCache,
    pub(crate) random: Randomness,
    pub(crate) faults: FaultConfig,
    /// STS credentials issued (by STS, the metadata service and the credentials URI).
    pub(crate) issued: IssuedKeys,
    /// Metadata session tokens and calls.
    pub(crate) metadata: MetadataState,
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
            max_body_bytes: config.max_body_bytes,
            throttle: Throttle::new(config.rate_limit),
            credentials: config.credentials,
            state: Mutex::new(State {
                tasks,
                quotas: QuotaBook::default(),
                nonces: NonceCache::new(MAX_REMEMBERED_NONCES),
                random: Randomness::new(config.seed),
                faults: config.faults,
                issued: IssuedKeys::default(),
                metadata: MetadataState::default(),
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

    /// The secret of `access_key_id`, if the mock knows the key (configured, or issued by its
    /// STS).
    pub(crate) fn secret(&self, access_key_id: &str) -> Option<String> {
        self.keys
            .get(access_key_id)
            .cloned()
            .or_else(|| self.state().issued.secret(access_key_id))
    }

    pub(crate) fn record(&self, call: ReceivedCall) {
        self.log().record(call);
    }
}
