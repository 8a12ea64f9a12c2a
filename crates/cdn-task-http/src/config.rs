//! The client's settings and the builder that checks them.

use crate::client::Client;
use crate::credentials::{CachedProvider, Credentials, DefaultChain, ProvideCredentials};
use crate::error::{Error, InvalidInput};
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{Format, RateLimit};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The service's endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cdn.aliyuncs.com";

/// The `User-Agent` sent unless another is set.
pub const DEFAULT_USER_AGENT: &str = concat!("cdn-task-http/", env!("CARGO_PKG_VERSION"));

/// When and how often a failed call is tried again.
///
/// Only retryable errors are retried ([`Error::is_retryable`]): throttling, 5xx, transport errors,
/// timeouts and bodies cut short. The delay before retry *n* grows exponentially from
/// `min_backoff` (factor 2, capped at `max_backoff`) with random jitter of up to the same amount
/// again. No retry starts once `max_total_time` would be passed by its delay, and at most
/// `max_attempts` attempts are made in all.
///
/// Calls that create tasks (`refresh`, `preload`, [`Client::submit`]) are retried only when the
/// service provably did not process them: the connection was refused, the call was throttled,
/// or a gateway answered `502`/`503`/`504` or `ServiceUnavailable`. A create call that may have
/// been processed (a timeout, a cut answer, `InternalError`) is never sent again: a second purge
/// costs quota and a lost task ID cannot be waited for. [`Client::submit`] looks its tasks up
/// instead (`DescribeRefreshTasks`) and adopts their IDs.
///
/// A throttled answer carrying `x-acs-retry-after` (milliseconds, as the current gateway sends)
/// is retried no sooner than it says, capped at two minutes as the official SDKs cap it.
///
/// The fields are private so that the policy can grow; start from [`RetryPolicy::default`] or
/// [`RetryPolicy::NONE`] and change what you need:
///
/// ```
/// use cdn_task_http::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy::default()
///     .with_max_attempts(3)
///     .with_backoff(Duration::from_millis(200), Duration::from_secs(2))
///     .with_max_total_time(Duration::from_secs(10));
/// assert_eq!(policy.max_attempts(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_attempts: u32,
    min_backoff: Duration,
    max_backoff: Duration,
    max_total_time: Duration,
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        min_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        max_total_time: Duration::ZERO,
    };

    /// The same policy with `attempts` attempts in all, the first included (at least 1, checked
    /// by [`ClientBuilder::build`]).
    #[must_use]
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The same policy with delays from `min` (before the first retry) growing to at most `max`
    /// between two attempts, before jitter (`min` at most `max`, checked by
    /// [`ClientBuilder::build`]).
    #[must_use]
    pub const fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max;
        self
    }

    /// The same policy with another bound on the time after the first attempt started beyond
    /// which no retry starts.
    #[must_use]
    pub const fn with_max_total_time(mut self, total: Duration) -> Self {
        self.max_total_time = total;
        self
    }

    /// Attempts in all, the first included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before the first retry.
    pub const fn min_backoff(&self) -> Duration {
        self.min_backoff
    }

    /// The longest delay between two attempts, before jitter.
    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The time after the first attempt started beyond which no retry starts.
    pub const fn max_total_time(&self) -> Duration {
        self.max_total_time
    }
}

impl Default for RetryPolicy {
    /// 5 attempts, 100 ms to 5 s between them, 30 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_total_time: Duration::from_secs(30),
        }
    }
}

/// How calls are limited on the client side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RateLimitSetting {
    /// Each action at its documented limit (the default).
    Documented,
    /// Every call under one limit.
    Shared(RateLimit),
    /// No limit.
    Off,
}

/// Builds a [`Client`]; every setting has a default. See [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) endpoint: String,
    pub(crate) credentials: Option<Arc<CachedProvider>>,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) format: Format,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: RateLimitSetting,
    pub(crate) max_concurrency: usize,
    pub(crate) user_agent: String,
    pub(crate) http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            credentials: None,
            signature_version: SignatureVersion::Acs3,
            format: Format::Json,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate_limit: RateLimitSetting::Documented,
            max_concurrency: 8,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
        }
    }
}

impl ClientBuilder {
    /// The service's base URL (default [`DEFAULT_ENDPOINT`]); `http://127.0.0.1:PORT` for a mock.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// Explicit credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(CachedProvider::fixed(credentials)));
        self
    }

    /// Where credentials come from (default: [`DefaultChain::from_process`], the official chain).
    /// The client puts the provider behind a [`CachedProvider`] and asks it for credentials per
    /// request: expiring ones are fetched again before they expire, never at every call.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(CachedProvider::new(provider)));
        self
    }

    /// Credentials through a cache built by the caller (to share one between clients, or to give
    /// it a clock of its own); clones of the builder share it.
    pub fn credentials_cache(mut self, cache: CachedProvider) -> Self {
        self.credentials = Some(Arc::new(cache));
        self
    }

    /// The signature scheme (default ACS3-HMAC-SHA256; RPC HMAC-SHA1 available).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// The response format asked for (default JSON; XML available).
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// How long to wait for a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, body included (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When to retry (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client-side rate limit per AccessKeyId, every attempt counted. By default each action
    /// keeps to the service's documented limit for it ([`Operation::RATE_LIMIT`]: 30 calls a
    /// second for `DescribeRefreshTaskById`, 50 for `RefreshObjectCaches` and `PushObjectCache`,
    /// 20 for `DescribeRefreshQuota`, 5 for `DescribeRefreshTasks`). `Some(limit)` puts every
    /// call of every action under that one limit instead; `None` turns limiting off (unlimited:
    /// the service's own limits then answer with throttling errors, which are retried). A limit
    /// whose period is zero is refused by [`build`](Self::build) rather than read as unlimited.
    /// Calls are
    /// spread evenly (no bursts), so any one-second window sees at most the limit. Clones of the
    /// client share the limiters; separately built clients count separately.
    ///
    /// [`Operation::RATE_LIMIT`]: cdn_task_core::Operation::RATE_LIMIT
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = match limit {
            Some(limit) => RateLimitSetting::Shared(limit),
            None => RateLimitSetting::Off,
        };
        self
    }

    /// How many batches [`Client::describe_all`] runs at once (default 8; at least 1).
    pub fn max_concurrency(mut self, batches: usize) -> Self {
        self.max_concurrency = batches;
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]), sent with every request, also
    /// through a client given to [`http_client`](Self::http_client).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The HTTP client to send the API calls with, instead of one the builder makes: for proxies
    /// configured in code, private root certificates, middleware-free connection pools shared
    /// with the rest of an application. Cloning a `reqwest::Client` is cheap and shares its pool.
    ///
    /// - **Redirects:** build it with `redirect(reqwest::redirect::Policy::none())`. The API
    ///   never redirects; following a redirect would send the signed request (and, under the RPC
    ///   scheme, its security token) to wherever the answer points. If the client follows one
    ///   anyway, the answer comes from another URL than the one asked, and the call fails with
    ///   [`Error::Redirect`]: an answer from elsewhere is never accepted.
    /// - **Timeouts:** this builder's [`timeout`](Self::timeout) still applies to every attempt
    ///   (set per request); the connect timeout is the given client's own
    ///   ([`connect_timeout`](Self::connect_timeout) applies only to a client the builder makes).
    /// - **Credentials:** the providers that fetch credentials over HTTP (STS, instance metadata,
    ///   a credentials URI) keep their own clients.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
    /// use cdn_task_http::{Client, Credentials};
    /// use std::time::Duration;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .connect_timeout(Duration::from_secs(3))
    ///     // .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     // .add_root_certificate(corporate_ca)
    ///     .build()?;
    /// let client = Client::builder()
    ///     .endpoint(mock.base_url())
    ///     .credentials(Credentials::new("testid", "testsecret"))
    ///     .http_client(http.clone())
    ///     .build()?;
    /// client.quota().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the settings and builds the client. Credentials are not resolved here but at the
    /// first call (and again before they expire), so building never blocks on a network call;
    /// [`Client::credentials`] resolves them on demand.
    ///
    /// Fails with [`Error::InvalidInput`] for a bad endpoint or an out-of-range setting.
    ///
    /// ```
    /// use cdn_task_http::{Client, Credentials, DisplayChain, Error, RetryPolicy};
    /// use std::time::Duration;
    ///
    /// let client = Client::builder()
    ///     .credentials(Credentials::new("LTAI-example", "example-secret"))
    ///     .retry_policy(RetryPolicy::default().with_max_total_time(Duration::from_secs(60)))
    ///     .build()?;
    /// # let _ = client;
    ///
    /// let refused = Client::builder().endpoint("https://cdn.aliyuncs.com/v1").build().unwrap_err();
    /// assert!(matches!(refused, Error::InvalidInput(_)));
    /// println!("{}", DisplayChain(&refused)); // invalid input: endpoint `…`: the endpoint takes no path…
    /// # Ok::<(), Error>(())
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let setting = |setting, reason| Error::InvalidInput(InvalidInput::Setting { setting, reason });
        if self.retry.max_attempts == 0 {
            return Err(setting("retry_policy", "max_attempts must be at least 1"));
        }
        if self.retry.min_backoff > self.retry.max_backoff {
            return Err(setting("retry_policy", "min_backoff must not exceed max_backoff"));
        }
        if self.max_concurrency == 0 {
            return Err(setting("max_concurrency", "must be at least 1"));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(setting("timeout", "timeouts must be greater than zero"));
        }
        if matches!(self.rate_limit, RateLimitSetting::Shared(limit) if limit.interval().is_zero()) {
            return Err(setting(
                "rate_limit",
                "a limit of more than one call a nanosecond limits nothing: give None for no limit",
            ));
        }
        let credentials = match &self.credentials {
            Some(cache) => Arc::clone(cache),
            None => Arc::new(CachedProvider::new(DefaultChain::from_process())),
        };
        Client::from_settings(self, credentials)
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("format", &self.format)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("max_concurrency", &self.max_concurrency)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.as_ref().map(|_| "given"))
            .finish()
    }
}
