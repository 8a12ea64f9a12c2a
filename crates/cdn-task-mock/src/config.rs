//! What a mock server is started with.

use crate::clock::MockClock;
use cdn_task_core::{RateLimit, Task};
use std::fmt;
use std::time::Duration;

pub use crate::sts::{CredentialsConfig, OidcProvider};

/// The AccessKeyId the mock accepts by default.
pub const DEFAULT_ACCESS_KEY_ID: &str = "testid";
/// The secret of [`DEFAULT_ACCESS_KEY_ID`] (the official signing docs' test key).
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "testsecret";
/// How long a created task takes by default.
pub const DEFAULT_TASK_DURATION: Duration = Duration::from_secs(2);
/// The default limit on request bodies: 2 MiB (a thousand long URLs fit easily).
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// How a [`MockServer`](crate::MockServer) behaves.
///
/// `Debug` never shows the AccessKey secrets.
///
/// ```
/// use cdn_task_mock::MockConfig;
/// use std::time::Duration;
///
/// let config = MockConfig {
///     task_duration: Duration::from_millis(500),
///     fail_rate: 0.25,
///     ..MockConfig::default()
/// };
/// assert_eq!(config.rate_limit, 30);
/// assert!(!format!("{config:?}").contains("testsecret"));
/// ```
#[derive(Clone)]
pub struct MockConfig {
    /// The AccessKeys the mock accepts: (AccessKeyId, secret). Default `testid:testsecret`.
    pub keys: Vec<(String, String)>,
    /// How long a created task takes from creation to `Complete` or `Failed`. Default 2 s.
    pub task_duration: Duration,
    /// The share of created tasks that end `Failed` (0.0 to 1.0). Default 0.
    pub fail_rate: f64,
    /// `DescribeRefreshTaskById` calls allowed per second per AccessKey. Default 30, the
    /// documented limit. The other actions keep the core's documented limits
    /// ([`Operation::RATE_LIMIT`](cdn_task_core::Operation::RATE_LIMIT)); 0 turns throttling
    /// off for every action.
    pub rate_limit: u32,
    /// Seed of the mock's random choices (request IDs, which tasks fail and why, which requests
    /// get a fault): the same seed and the same sequence of requests give the same answers.
    pub seed: u64,
    /// The clock. Default: the system clock.
    pub clock: MockClock,
    /// Fault injection. Default: none.
    pub faults: FaultConfig,
    /// Largest request body accepted, in bytes; larger ones are refused with `InvalidParameter`
    /// (400). Default 2 MiB.
    pub max_body_bytes: usize,
    /// Tasks every AccessKey can see, present from the start (the binary's `--seed FILE`).
    /// They are reported as given: they do not progress.
    pub seed_tasks: Vec<Task>,
    /// The STS, metadata service and credentials URI the mock also serves.
    pub credentials: CredentialsConfig,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            keys: vec![(
                DEFAULT_ACCESS_KEY_ID.to_owned(),
                DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            )],
            task_duration: DEFAULT_TASK_DURATION,
            fail_rate: 0.0,
            rate_limit: RateLimit::DESCRIBE_REFRESH_TASK_BY_ID.calls.get(),
            seed: 0,
            clock: MockClock::system(),
            faults: FaultConfig::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            seed_tasks: Vec::new(),
            credentials: CredentialsConfig::default(),
        }
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key_ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("MockConfig")
            .field("key_ids", &key_ids)
            .field("task_duration", &self.task_duration)
            .field("fail_rate", &self.fail_rate)
            .field("rate_limit", &self.rate_limit)
            .field("seed", &self.seed)
            .field("clock", &self.clock)
            .field("faults", &self.faults)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("seed_tasks", &self.seed_tasks.len())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// Fault injection: a share of requests answered badly, the kind chosen at random (seeded) among
/// `kinds`. The default injects nothing.
///
/// ```
/// use cdn_task_mock::{Fault, FaultConfig};
/// let flaky = FaultConfig { rate: 0.2, kinds: vec![Fault::ServiceUnavailable, Fault::DropConnection] };
/// assert!(FaultConfig::default().kinds.is_empty());
/// # let _ = flaky;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultConfig {
    /// The share of requests that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// The faults to choose among (uniformly).
    pub kinds: Vec<Fault>,
}

impl FaultConfig {
    /// Every request gets `fault`.
    pub fn always(fault: Fault) -> FaultConfig {
        FaultConfig {
            rate: 1.0,
            kinds: vec![fault],
        }
    }
}

/// One kind of injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `500` with an `InternalError` body; the request is not processed.
    InternalError,
    /// `503` with a `ServiceUnavailable` body; the request is not processed.
    ServiceUnavailable,
    /// The answer comes after this delay; the request is processed normally.
    Delay(Duration),
    /// The connection is closed without an answer; the request is not processed.
    DropConnection,
    /// The request is processed, and the answer's body is cut off halfway (the declared
    /// `Content-Length` is the full one, then the connection closes).
    TruncatedBody,
}
