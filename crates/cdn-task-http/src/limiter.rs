//! The client-side rate limit: calls per AccessKeyId, spread evenly.

use crate::config::RateLimitSetting;
use cdn_task_core::RateLimit;
use governor::{DefaultKeyedRateLimiter, Quota};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// A keyed GCRA limiter (governor) with a burst of one: calls are spaced `period / calls` apart,
/// so no window of one period ever holds more than `calls` of them, whatever the service's
/// counting window.
pub(crate) struct Limiter {
    limit: RateLimit,
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Limiter {
    /// A limiter for `limit`; `None` when the limit's spacing is zero (no limit to keep).
    pub(crate) fn new(limit: RateLimit) -> Option<Limiter> {
        let quota = Quota::with_period(limit.interval())?;
        Some(Limiter {
            limit,
            limiter: DefaultKeyedRateLimiter::keyed(quota),
        })
    }

    /// Resolves when a call for `access_key_id` may go.
    pub(crate) async fn until_ready(&self, access_key_id: &str) {
        // The key is owned by the limiter's map; one short allocation per call.
        self.limiter.until_key_ready(&access_key_id.to_owned()).await;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter").field("limit", &self.limit).finish()
    }
}

/// The limiters of one client, by its [`RateLimitSetting`].
pub(crate) enum Limiters {
    /// No limit.
    Off,
    /// One limiter for every action.
    Shared(Limiter),
    /// One limiter per action, made on its first call with the action's documented limit.
    PerAction(Mutex<HashMap<&'static str, Arc<Limiter>>>),
}

impl Limiters {
    pub(crate) fn new(setting: RateLimitSetting) -> Limiters {
        match setting {
            RateLimitSetting::Off => Limiters::Off,
            RateLimitSetting::Shared(limit) => Limiter::new(limit).map_or(Limiters::Off, Limiters::Shared),
            RateLimitSetting::Documented => Limiters::PerAction(Mutex::new(HashMap::new())),
        }
    }

    /// Resolves when a call of `action` (documented limit `documented`, `None`: unlimited) for
    /// `access_key_id` may go.
    pub(crate) async fn until_ready(
        &self,
        action: &'static str,
        documented: Option<RateLimit>,
        access_key_id: &str,
    ) {
        match self {
            Limiters::Off => {}
            Limiters::Shared(limiter) => limiter.until_ready(access_key_id).await,
            Limiters::PerAction(limiters) => {
                let limiter = {
                    let mut map = limiters.lock().unwrap_or_else(PoisonError::into_inner);
                    match map.get(action) {
                        Some(limiter) => Some(Arc::clone(limiter)),
                        None => documented.and_then(Limiter::new).map(|limiter| {
                            let limiter = Arc::new(limiter);
                            map.insert(action, Arc::clone(&limiter));
                            limiter
                        }),
                    }
                };
                if let Some(limiter) = limiter {
                    limiter.until_ready(access_key_id).await;
                }
            }
        }
    }
}

impl fmt::Debug for Limiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limiters::Off => f.write_str("Off"),
            Limiters::Shared(limiter) => f.debug_tuple("Shared").field(limiter).finish(),
            Limiters::PerAction(_) => f.write_str("PerAction(documented limits)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn calls_are_spaced_by_the_interval() {
        let limiter = Limiter::new(RateLimit::per_second(100).unwrap()).unwrap();
        let start = Instant::now();
        for _ in 0..11 {
            limiter.until_ready("a").await;
        }
        // Ten intervals of 10 ms after the first call; a lower bound only.
        assert!(
            start.elapsed() >= Duration::from_millis(95),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn documented_limits_are_kept_per_action() {
        let limiters = Limiters::new(RateLimitSetting::Documented);
        limiters
            .until_ready("A", Some(RateLimit::per_second(1).unwrap()), "k")
            .await;
        limiters
            .until_ready("B", Some(RateLimit::per_second(1).unwrap()), "k")
            .await;
        limiters.until_ready("C", None, "k").await;
        let Limiters::PerAction(map) = &limiters else {
            panic!("not per action")
        };
        let map = map.lock().unwrap();
        assert_eq!(map.len(), 2);
        // A's limiter is spent for this second, B's is its own.
        assert!(map["A"].limiter.check_key(&"k".to_owned()).is_err());
        assert_eq!(map["B"].limit, RateLimit::per_second(1).unwrap());
    }

    #[test]
    fn debug_shows_the_setting() {
        let limit = RateLimit::per_second(30).unwrap();
        assert_eq!(format!("{:?}", Limiters::new(RateLimitSetting::Off)), "Off");
        assert_eq!(
            format!("{:?}", Limiters::new(RateLimitSetting::Documented)),
            "PerAction(documented limits)"
        );
        assert_eq!(
            format!("{:?}", Limiters::new(RateLimitSetting::Shared(limit))),
            format!("Shared(Limiter {{ limit: {limit:?} }})")
        );
    }

    #[tokio::test]
    async fn keys_are_limited_apart() {
        let limiter = Limiter::new(RateLimit::per_second(1).unwrap()).unwrap();
        limiter.until_ready("a").await;
        assert!(limiter.limiter.check_key(&"a".to_owned()).is_err());
        assert!(limiter.limiter.check_key(&"b".to_owned()).is_ok());
    }
}
