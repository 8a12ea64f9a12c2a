//! The cache in front of every provider: one refresh at a time, ahead of expiry, and valid
//! credentials kept through failed refreshes.

use super::{Credentials, CredentialsError, ProvideCredentials, ProvidedCredentials};
use cdn_task_core::credentials::{Freshness, freshness, retry_delay};
use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// What the cache reads the time from.
type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Caches what a provider delivers and asks it again only when the core's refresh rule
/// ([`cdn_task_core::credentials::freshness`]) says so: a quarter of the lifetime ahead of expiry
/// (at most 15 minutes), never signing with credentials that expire within 5 seconds.
///
/// - **Single flight:** however many calls need credentials at once, one asks the provider;
///   while it does, calls that still hold usable credentials use them without waiting, and calls
///   that hold none wait for it.
/// - **Failures:** when a refresh fails while the cached credentials are still usable, they keep
///   being used and the refresh is tried again after 1 s, 2 s, 4 s, … (up to 60 s, with jitter);
///   when none are usable, the error is returned, naming the provider.
///
/// Every [`Client`](crate::Client) puts its provider behind one of these; build one yourself to
/// share it between clients or to give it another clock ([`with_clock`](Self::with_clock)).
///
/// ```
/// use cdn_task_http::credentials::{CachedProvider, Credentials};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), cdn_task_http::CredentialsError> {
/// let cache = CachedProvider::new(Credentials::new("LTAI-x", "secret"));
/// let provided = cache.credentials().await?;
/// assert_eq!(provided.credentials().access_key_id(), "LTAI-x");
/// assert_eq!(cache.fetches(), 1);
/// cache.credentials().await?; // long-term credentials are never fetched again
/// assert_eq!(cache.fetches(), 1);
/// # Ok(())
/// # }
/// ```
pub struct CachedProvider {
    inner: Arc<dyn ProvideCredentials>,
    clock: Clock,
    state: Mutex<State>,
    refresh: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The credentials and when they were fetched.
    current: Option<(ProvidedCredentials, DateTime<Utc>)>,
    /// Consecutive failed refreshes.
    failures: u32,
    /// No refresh before this (after a failure).
    next_attempt: Option<DateTime<Utc>>,
}

enum Decision {
    Use(ProvidedCredentials),
    /// Refresh; the credentials that may be used meanwhile, if any.
    Refresh(Option<ProvidedCredentials>),
}

impl CachedProvider {
    /// A cache in front of `provider`, on the system clock.
    pub fn new(provider: impl ProvideCredentials + 'static) -> CachedProvider {
        CachedProvider::shared(Arc::new(provider))
    }

    pub(crate) fn shared(inner: Arc<dyn ProvideCredentials>) -> CachedProvider {
        CachedProvider {
            inner,
            clock: Arc::new(super::system_now),
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Fixed credentials, already in the cache.
    pub(crate) fn fixed(credentials: Credentials) -> CachedProvider {
        let cache = CachedProvider::new(credentials.clone());
        cache.lock().current = Some((
            ProvidedCredentials::new(credentials, "static"),
            DateTime::UNIX_EPOCH,
        ));
        cache
    }

    /// The same cache judging freshness by `clock` (tests, emulators with a clock of their own).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> CachedProvider {
        self.clock = Arc::new(clock);
        self
    }

    /// How many times the provider has been asked.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn decide(&self, now: DateTime<Utc>) -> Decision {
        let state = self.lock();
        let Some((provided, fetched)) = &state.current else {
            return Decision::Refresh(None);
        };
        let Some(expiration) = provided.expiration() else {
            return Decision::Use(provided.clone());
        };
        match freshness(*fetched, expiration, now) {
            Freshness::Fresh => Decision::Use(provided.clone()),
            Freshness::RefreshDue if state.next_attempt.is_some_and(|next| now < next) => {
                Decision::Use(provided.clone())
            }
            Freshness::RefreshDue => Decision::Refresh(Some(provided.clone())),
            Freshness::Unusable => Decision::Refresh(None),
        }
    }

    /// Credentials to sign with now: cached, or fetched (see the type's documentation).
    pub async fn credentials(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let usable = match self.decide((self.clock)()) {
            Decision::Use(provided) => return Ok(provided),
            Decision::Refresh(usable) => usable,
        };
        let _refreshing = match usable {
            // Someone is refreshing already: use what is still usable rather than wait.
            Some(provided) => match self.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(provided),
            },
            None => self.refresh.lock().await,
        };
        // Whoever held the lock may have refreshed already.
        let now = (self.clock)();
        let usable = match self.decide(now) {
            Decision::Use(provided) => return Ok(provided),
            Decision::Refresh(usable) => usable,
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let result = self
            .inner
            .provide()
            .await
            .and_then(|provided| match provided.expiration() {
                Some(expiration) if freshness(now, expiration, now) == Freshness::Unusable => {
                    Err(CredentialsError::provider(
                        provided.provider(),
                        format!("delivered credentials that expire at {expiration}, too soon to use"),
                    ))
                }
                _ => Ok(provided),
            });
        let mut state = self.lock();
        match (result, usable) {
            (Ok(provided), _) => {
                state.current = Some((provided.clone(), now));
                state.failures = 0;
                state.next_attempt = None;
                Ok(provided)
            }
            (Err(error), Some(provided)) => {
                state.failures = state.failures.saturating_add(1);
                let jitter = TimeDelta::milliseconds(i64::from(rand::random::<u16>() % 1000));
                state.next_attempt = Some(now + retry_delay(state.failures) + jitter);
                tracing::warn!(
                    provider = provided.provider(),
                    failures = state.failures,
                    %error,
                    "refreshing credentials failed; the current ones are still valid and stay in use"
                );
                Ok(provided)
            }
            (Err(error), None) => {
                // A provider that had worked, and now declines, is named.
                Err(match (error, &state.current) {
                    (CredentialsError::NotFound { looked_at }, Some((previous, _))) => {
                        CredentialsError::provider(
                            previous.provider(),
                            format!(
                                "delivered credentials before, but none now: looked at {}",
                                looked_at.join("; ")
                            ),
                        )
                    }
                    (error, _) => error,
                })
            }
        }
    }
}

impl ProvideCredentials for CachedProvider {
    fn provide(&self) -> super::ProvideFuture<'_> {
        Box::pin(self.credentials())
    }

    fn describe(&self) -> String {
        format!("cached {}", self.inner.describe())
    }
}

impl fmt::Debug for CachedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let current = state.current.as_ref().map(|(provided, _)| provided);
        f.debug_struct("CachedProvider")
            .field("provider", &self.inner.describe())
            .field("access_key_id", &current.map(|p| p.credentials().access_key_id()))
            .field("expiration", &current.and_then(ProvidedCredentials::expiration))
            .field("fetches", &self.fetches())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::ProvideFuture;
    use std::sync::atomic::{AtomicBool, AtomicI64};

    /// Hands out credentials that live `lifetime` (60 s) from the test clock's now, or fails
    /// when told to.
    struct Issuer {
        now: Arc<Mutex<DateTime<Utc>>>,
        failing: AtomicBool,
        issued: AtomicU64,
        lifetime: AtomicI64,
    }

    impl ProvideCredentials for Issuer {
        fn provide(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                tokio::task::yield_now().await;
                if self.failing.load(Ordering::Relaxed) {
                    return Err(CredentialsError::provider("issuer", "down"));
                }
                let n = self.issued.fetch_add(1, Ordering::Relaxed) + 1;
                let now = *self.now.lock().unwrap();
                Ok(
                    ProvidedCredentials::new(Credentials::new(format!("STS.{n}"), "s"), "issuer")
                        .expiring(now + TimeDelta::seconds(self.lifetime.load(Ordering::Relaxed))),
                )
            })
        }
        fn describe(&self) -> String {
            "issuer".into()
        }
    }

    fn setup() -> (Arc<Issuer>, CachedProvider, Arc<Mutex<DateTime<Utc>>>) {
        let now = Arc::new(Mutex::new(DateTime::UNIX_EPOCH + TimeDelta::days(20_000)));
        let issuer = Arc::new(Issuer {
            now: now.clone(),
            failing: AtomicBool::new(false),
            issued: AtomicU64::new(0),
            lifetime: AtomicI64::new(60),
        });
        let clock = now.clone();
        let cache = CachedProvider::shared(issuer.clone()).with_clock(move || *clock.lock().unwrap());
        (issuer, cache, now)
    }

    fn advance(now: &Mutex<DateTime<Utc>>, seconds: i64) {
        *now.lock().unwrap() += TimeDelta::seconds(seconds);
    }

    async fn id(cache: &CachedProvider) -> String {
        cache
            .credentials()
            .await
            .unwrap()
            .credentials()
            .access_key_id()
            .to_owned()
    }

    #[tokio::test]
    async fn refreshes_a_quarter_ahead_and_never_hands_out_nearly_expired_credentials() {
        let (_, cache, now) = setup();
        assert_eq!(id(&cache).await, "STS.1");
        advance(&now, 44);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 1));
        advance(&now, 1);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.2".into(), 2));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_cause_one_refresh() {
        let (_, cache, _) = setup();
        let cache = Arc::new(cache);
        let calls: Vec<_> = (0..32)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { id(&cache).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), "STS.1");
        }
        assert_eq!(cache.fetches(), 1);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_credentials_and_retries_with_backoff() {
        let (issuer, cache, now) = setup();
        assert_eq!(id(&cache).await, "STS.1");
        issuer.failing.store(true, Ordering::Relaxed);
        advance(&now, 46);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 2));
        // Within the backoff (at least 1 s): no new attempt.
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 2));
        advance(&now, 2);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 3));
        // Unusable now (under 5 s left): the error, named.
        advance(&now, 8);
        let error = cache.credentials().await.unwrap_err();
        assert_eq!(error.to_string(), "issuer: down");
        issuer.failing.store(false, Ordering::Relaxed);
        assert_eq!(id(&cache).await, "STS.2");
    }

    #[tokio::test]
    async fn describes_itself_by_its_provider() {
        let (_, cache, _) = setup();
        assert_eq!(cache.describe(), "cached issuer");
        let fixed = CachedProvider::new(Credentials::new("LTAI-d", "SECRET-d"));
        assert_eq!(
            fixed.describe(),
            "cached explicit credentials for AccessKeyId LTAI-d"
        );
    }

    #[tokio::test]
    async fn delivered_credentials_with_under_5_seconds_left_are_refused() {
        let (issuer, cache, now) = setup();
        issuer.lifetime.store(4, Ordering::Relaxed);
        let error = cache.credentials().await.unwrap_err();
        let expiration = *now.lock().unwrap() + TimeDelta::seconds(4);
        assert_eq!(
            error.to_string(),
            format!("issuer: delivered credentials that expire at {expiration}, too soon to use")
        );
        issuer.lifetime.store(5, Ordering::Relaxed);
        assert_eq!(id(&cache).await, "STS.2");
    }

    /// After a failed refresh: when the next attempt may come, and its jitter.
    fn next_attempt(cache: &CachedProvider) -> (DateTime<Utc>, u32) {
        let state = cache.lock();
        (state.next_attempt.unwrap(), state.failures)
    }

    #[tokio::test]
    async fn after_a_failed_refresh_the_next_attempt_comes_at_the_end_of_the_backoff() {
        let (issuer, cache, now) = setup();
        assert_eq!(id(&cache).await, "STS.1");
        issuer.failing.store(true, Ordering::Relaxed);
        advance(&now, 46);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 2));
        let (next, failures) = next_attempt(&cache);
        assert_eq!(failures, 1);
        *now.lock().unwrap() = next - TimeDelta::milliseconds(1);
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 2));
        *now.lock().unwrap() = next;
        assert_eq!((id(&cache).await, cache.fetches()), ("STS.1".into(), 3));
        assert_eq!(next_attempt(&cache).1, 2);
    }

    #[tokio::test]
    async fn the_backoff_after_a_failed_refresh_has_up_to_a_second_of_jitter() {
        let (issuer, cache, now) = setup();
        assert_eq!(id(&cache).await, "STS.1");
        issuer.failing.store(true, Ordering::Relaxed);
        advance(&now, 46);
        let at = *now.lock().unwrap();
        let mut jitters = Vec::new();
        for _ in 0..64 {
            {
                let mut state = cache.lock();
                state.failures = 0;
                state.next_attempt = None;
            }
            assert_eq!(id(&cache).await, "STS.1");
            let (next, failures) = next_attempt(&cache);
            assert_eq!(failures, 1);
            jitters.push((next - at - retry_delay(1)).num_milliseconds());
        }
        assert!(jitters.iter().all(|ms| (0..1000).contains(ms)), "{jitters:?}");
        // Spread over the whole second (all 64 in its first half: a chance of 2^-64).
        assert!(jitters.iter().any(|ms| *ms >= 500), "{jitters:?}");
    }
}
