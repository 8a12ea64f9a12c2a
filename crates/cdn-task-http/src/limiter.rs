//! The client-side rate limit: calls per AccessKeyId, spread evenly.

use cdn_task_core::RateLimit;
use governor::{DefaultKeyedRateLimiter, Quota};
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn calls_are_spaced_by_the_interval() {
        let limiter = Limiter::new(RateLimit::per_second(100)).unwrap();
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
    async fn keys_are_limited_apart() {
        let limiter = Limiter::new(RateLimit::per_second(1)).unwrap();
        limiter.until_ready("a").await;
        assert!(limiter.limiter.check_key(&"a".to_owned()).is_err());
        assert!(limiter.limiter.check_key(&"b".to_owned()).is_ok());
    }
}
