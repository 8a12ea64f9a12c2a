//! What every request handler shares: the configuration it needs, and the mutable state behind
//! one short-held lock.

use crate::clock::MockClock;
use crate::config::MockConfig;
use crate::control::ControlPlane;
use crate::fault::FaultRule;
use crate::intake::BodyLimits;
use crate::log::{CallLog, ReceivedCall};
use crate::metadata::MetadataState;
use crate::nonce::{MAX_NONCES_PER_KEY, NonceStore};
use crate::quota::QuotaBook;
use crate::random::Randomness;
use crate::store::TaskStore;
use crate::sts::{CredentialsConfig, IssuedKeys};
use crate::throttle::Throttle;
use cdn_task_core::Task;
use chrono::TimeDelta;
use std::collections::HashMap;
use std::path::PathBuf;
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
    /// What `reset` goes back to.
    pub(crate) start: Start,
    /// Who may use the HTTP control plane.
    pub(crate) control_plane: ControlPlane,
    /// Where the state is saved, if anywhere.
    pub(crate) state_file: Option<PathBuf>,
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
    pub(crate) nonces: NonceStore,
    pub(crate) random: Randomness,
    pub(crate) faults: Vec<FaultRule>,
    /// STS credentials issued (by STS, the metadata service and the credentials URI).
    pub(crate) issued: IssuedKeys,
    /// Metadata session tokens and calls.
    pub(crate) metadata: MetadataState,
}

/// The start state, as configured: what a reset goes back to.
#[derive(Debug)]
pub(crate) struct Start {
    pub(crate) initial_tasks: Vec<Task>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) rng_seed: u64,
    /// The clock's setting at start ([`MockClock::setting`]).
    pub(crate) clock: TimeDelta,
    pub(crate) task_duration: TimeDelta,
}

impl Start {
    /// A task store holding only the initial tasks.
    pub(crate) fn task_store(&self) -> TaskStore {
        let mut tasks = TaskStore::new(self.task_duration);
        tasks.add(None, self.initial_tasks.clone());
        tasks
    }
}

impl Shared {
    pub(crate) fn new(config: MockConfig) -> Shared {
        let start = Start {
            initial_tasks: config.initial_tasks,
            faults: config.fault_rules,
            rng_seed: config.rng_seed,
            clock: config.clock.setting(),
            task_duration: TimeDelta::from_std(config.task_duration).unwrap_or(TimeDelta::MAX),
        };
        let state = State {
            tasks: start.task_store(),
            quotas: QuotaBook::new(config.daily_quotas),
            nonces: NonceStore::new(MAX_NONCES_PER_KEY),
            random: Randomness::new(start.rng_seed),
            faults: start.faults.clone(),
            issued: IssuedKeys::default(),
            metadata: MetadataState::default(),
        };
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
            credentials: config.credentials,
            start,
            control_plane: config.control_plane,
            state_file: config.state_file,
            state: Mutex::new(state),
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
