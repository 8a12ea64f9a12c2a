//! What a mock server is started with.

use crate::clock::MockClock;
use crate::control::ControlPlane;
use crate::fault::FaultConfig;
use cdn_task_core::{RateLimit, Task};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Whether the HTTP control plane (`/_mock/…`) is served, and whether it needs a token.
    /// Default: served, without a token (the mock listens on loopback by default).
    pub control_plane: ControlPlane,
    /// Where [`MockServer::save_state`](crate::MockServer::save_state) and
    /// `POST /_mock/state/save` write the state (the binary's `--state FILE`, which also loads
    /// it at start and saves it at shutdown). Default: none.
    pub state_file: Option<PathBuf>,
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
            control_plane: ControlPlane::default(),
            state_file: None,
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
            .field("control_plane", &self.control_plane)
            .field("state_file", &self.state_file)
            .finish()
    }
}
