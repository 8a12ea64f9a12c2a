//! What a mock server is started with.

use crate::clock::MockClock;
use crate::control::ControlPlane;
use crate::fault::{FaultConfig, FaultRule, InvalidRate};
use cdn_task_core::{RateLimit, Task};
use std::fmt;
use std::num::NonZeroU32;
use std::path::PathBuf;
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

/// How a [`MockServer`](crate::MockServer) behaves: start from [`MockConfig::default`] and change
/// what the test needs with the `with_*` methods. The fields stay public to read (and to assign
/// on a `mut` value); new ones may be added in minor releases, so the type cannot be built with a
/// struct literal.
///
/// `Debug` never shows the AccessKey secrets.
///
/// ```
/// use cdn_task_mock::{Fault, FaultRule, MockClock, MockConfig};
/// use std::num::NonZeroU32;
/// use std::time::Duration;
///
/// let config = MockConfig::default()
///     .with_key("alice", "s3cret")
///     .with_task_duration(Duration::from_millis(500))
///     .with_fail_rate(0.25)?
///     .with_rate_limit(NonZeroU32::new(5)) // `None`: no throttling at all
///     .with_rng_seed(7)
///     .with_clock(MockClock::manual("2026-06-01T00:00:00Z".parse()?))
///     .with_fault_rules(vec![FaultRule::new(Fault::ServiceUnavailable).with_count(1)]);
/// assert_eq!(config.keys.len(), 2);
/// assert_eq!(config.rate_limit.map(NonZeroU32::get), Some(5));
/// assert_eq!(MockConfig::default().rate_limit.map(NonZeroU32::get), Some(30));
/// assert!(!format!("{config:?}").contains("s3cret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct MockConfig {
    /// The AccessKeys the mock accepts: (AccessKeyId, secret). Default `testid:testsecret`.
    pub keys: Vec<(String, String)>,
    /// How long a created task takes from creation to `Complete` or `Failed`. Default 2 s.
    pub task_duration: Duration,
    /// The share of created tasks that end `Failed` (0.0 to 1.0). Default 0.
    pub fail_rate: f64,
    /// `DescribeRefreshTaskById` calls allowed per second per AccessKey; `None`: no throttling
    /// of any action. Default 30, the documented limit. The other actions keep the core's
    /// documented limits ([`Operation::RATE_LIMIT`](cdn_task_core::Operation::RATE_LIMIT)).
    pub rate_limit: Option<NonZeroU32>,
    /// Seed of the mock's random number generator (request IDs, which tasks fail and why, which
    /// requests get a fault): the same seed and the same sequence of requests give the same
    /// answers. Default 0 (the binary draws a fresh one unless given `--rng-seed`).
    pub rng_seed: u64,
    /// The clock. Default: the system clock.
    pub clock: MockClock,
    /// The fault rules in force from the start (and again after a reset). Default: none.
    pub fault_rules: Vec<FaultRule>,
    /// Largest request body accepted, in bytes; larger ones are refused with `InvalidParameter`
    /// (400). Default 2 MiB.
    pub max_body_bytes: usize,
    /// Tasks every AccessKey can see, present from the start and again after a reset (the
    /// binary's `--tasks FILE`). They are reported as given: they do not progress.
    pub initial_tasks: Vec<Task>,
    /// Longest a client may take to send a request's headers, and to start the next request on
    /// a kept-alive connection; past it the connection is closed. Default 10 s.
    pub header_read_timeout: Duration,
    /// Longest a request's body may take to arrive once its headers have; past it the request
    /// is refused (`InvalidParameter`). Default 30 s.
    pub body_read_timeout: Duration,
    /// Most connections served at once; further ones wait in the listen backlog until one
    /// closes. Default 1,024.
    pub max_connections: usize,
    /// Answer `SignatureDoesNotMatch` with the string to sign unredacted, as the real gateway
    /// does (under the RPC scheme it holds the `SecurityToken`), so a client's own redaction can
    /// be tested. Default off: the mock redacts the token.
    pub echo_unredacted_string_to_sign: bool,
    /// Daily quotas per AccessKey and the prefetch queue. Default: the service's defaults.
    pub daily_quotas: DailyQuotas,
    /// Whether the HTTP control plane (`/_mock/…`) is served, and whether it needs a token.
    /// Default: served, without a token (the mock listens on loopback by default).
    pub control_plane: ControlPlane,
    /// Where [`MockServer::save_state`](crate::MockServer::save_state) and
    /// `POST /_mock/state/save` write the state (the binary's `--state FILE`, which also loads
    /// it at start and saves it at shutdown). Default: none.
    pub state_file: Option<PathBuf>,
    /// The STS, metadata service and credentials URI the mock also serves.
    pub credentials: CredentialsConfig,
}

impl MockConfig {
    /// Accepts only these AccessKeys, (AccessKeyId, secret), in place of the default
    /// `testid:testsecret`.
    pub fn with_keys<I, K, S>(mut self, keys: I) -> MockConfig
    where
        I: IntoIterator<Item = (K, S)>,
        K: Into<String>,
        S: Into<String>,
    {
        self.keys = keys
            .into_iter()
            .map(|(id, secret)| (id.into(), secret.into()))
            .collect();
        self
    }

    /// Also accepts the AccessKey `id` with `secret`.
    pub fn with_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> MockConfig {
        self.keys.push((id.into(), secret.into()));
        self
    }

    /// Sets [`fail_rate`](Self::fail_rate), or refuses a rate that is not a number from 0 to 1
    /// (as [`FaultRule::with_rate`] does).
    pub fn with_fail_rate(mut self, rate: f64) -> Result<MockConfig, InvalidRate> {
        self.fail_rate = InvalidRate::check(rate)?;
        Ok(self)
    }

    /// Sets [`fault_rules`](Self::fault_rules) to the blanket rules of `faults` (see
    /// [`FaultConfig::into_rules`]).
    pub fn with_faults(self, faults: FaultConfig) -> MockConfig {
        self.with_fault_rules(faults.into_rules())
    }

    /// Sets [`state_file`](Self::state_file).
    pub fn with_state_file(mut self, path: impl Into<PathBuf>) -> MockConfig {
        self.state_file = Some(path.into());
        self
    }
}

/// `with_FIELD(value)` setters that only assign the field.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $field:ident: $type:ty,)+) => {
        impl MockConfig {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: $type) -> MockConfig {
                    self.$field = value;
                    self
                }
            )+
        }
    };
}

setters! {
    /// Sets [`task_duration`](Self::task_duration).
    with_task_duration: task_duration: Duration,
    /// Sets [`rate_limit`](Self::rate_limit): `Some(n)` `DescribeRefreshTaskById` calls per
    /// second per AccessKey, or `None` for no throttling at all.
    with_rate_limit: rate_limit: Option<NonZeroU32>,
    /// Sets [`rng_seed`](Self::rng_seed).
    with_rng_seed: rng_seed: u64,
    /// Sets [`clock`](Self::clock) (for example [`MockClock::manual`]).
    with_clock: clock: MockClock,
    /// Sets [`fault_rules`](Self::fault_rules).
    with_fault_rules: fault_rules: Vec<FaultRule>,
    /// Sets [`max_body_bytes`](Self::max_body_bytes).
    with_max_body_bytes: max_body_bytes: usize,
    /// Sets [`initial_tasks`](Self::initial_tasks).
    with_initial_tasks: initial_tasks: Vec<Task>,
    /// Sets [`header_read_timeout`](Self::header_read_timeout).
    with_header_read_timeout: header_read_timeout: Duration,
    /// Sets [`body_read_timeout`](Self::body_read_timeout).
    with_body_read_timeout: body_read_timeout: Duration,
    /// Sets [`max_connections`](Self::max_connections).
    with_max_connections: max_connections: usize,
    /// Sets [`echo_unredacted_string_to_sign`](Self::echo_unredacted_string_to_sign).
    with_echo_unredacted_string_to_sign: echo_unredacted_string_to_sign: bool,
    /// Sets [`daily_quotas`](Self::daily_quotas).
    with_daily_quotas: daily_quotas: DailyQuotas,
    /// Sets [`control_plane`](Self::control_plane).
    with_control_plane: control_plane: ControlPlane,
    /// Sets [`credentials`](Self::credentials).
    with_credentials: credentials: CredentialsConfig,
}

/// The daily quotas of each AccessKey (reset at midnight UTC by the mock's clock) and the size of
/// its prefetch queue. The defaults are the service's (API-FAMILY B.1, B.2); accounts can have
/// them raised, so each can be set.
///
/// ```
/// use cdn_task_mock::DailyQuotas;
/// let mut quotas = DailyQuotas::default();
/// assert_eq!((quotas.url, quotas.directory, quotas.regex), (10_000, 100, 20));
/// quotas.url = 50_000;
/// # let _ = quotas;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DailyQuotas {
    /// URL refreshes a day (`UrlQuota`). Default 10,000.
    pub url: u64,
    /// Directory refreshes a day (`DirQuota`). Default 100.
    pub directory: u64,
    /// Regex refreshes a day (`RegexQuota`). Default 20.
    pub regex: u64,
    /// Refreshes ignoring query strings a day (`IgnoreParamsQuota`). Default 100.
    pub ignore_params: u64,
    /// Prefetched URLs a day (`PreloadQuota`). Default 1,000.
    pub preload: u64,
    /// Prefetched URLs not yet finished that the queue holds; a prefetch that would overflow it
    /// is refused with `PreloadQueueFull`. Default 100,000.
    pub preload_queue: u64,
}

impl Default for DailyQuotas {
    fn default() -> Self {
        DailyQuotas {
            url: 10_000,
            directory: 100,
            regex: 20,
            ignore_params: 100,
            preload: 1_000,
            preload_queue: 100_000,
        }
    }
}

/// The default [`MockConfig::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default [`MockConfig::body_read_timeout`].
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default [`MockConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            keys: vec![(
                DEFAULT_ACCESS_KEY_ID.to_owned(),
                DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            )],
            task_duration: DEFAULT_TASK_DURATION,
            fail_rate: 0.0,
            rate_limit: Some(RateLimit::DESCRIBE_REFRESH_TASK_BY_ID.calls),
            rng_seed: 0,
            clock: MockClock::system(),
            fault_rules: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            initial_tasks: Vec::new(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            echo_unredacted_string_to_sign: false,
            daily_quotas: DailyQuotas::default(),
            control_plane: ControlPlane::default(),
            state_file: None,
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
            .field("rng_seed", &self.rng_seed)
            .field("clock", &self.clock)
            .field("fault_rules", &self.fault_rules)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("initial_tasks", &self.initial_tasks.len())
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_connections", &self.max_connections)
            .field(
                "echo_unredacted_string_to_sign",
                &self.echo_unredacted_string_to_sign,
            )
            .field("daily_quotas", &self.daily_quotas)
            .field("control_plane", &self.control_plane)
            .field("state_file", &self.state_file)
            .field("credentials", &self.credentials)
            .finish()
    }
}
