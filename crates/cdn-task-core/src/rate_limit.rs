//! The service's rate limits, as data for the adapters to enforce (the core keeps no clock).

use std::num::NonZeroU32;
use std::time::Duration;

/// A limit of `calls` per `period`, counted per user (AccessKey). Always a real limit: at least
/// one call over a period longer than zero (the constructors refuse anything else). Where a limit
/// is optional, `Option<RateLimit>` is used and `None` means unlimited (as
/// [`Operation::RATE_LIMIT`](crate::Operation::RATE_LIMIT)); no number stands for "none".
///
/// ```
/// use cdn_task_core::RateLimit;
/// let limit = RateLimit::per_second(20)?;
/// assert_eq!(limit.interval(), std::time::Duration::from_millis(50));
/// assert!(RateLimit::per_second(0).is_err()); // not "unlimited", not silently 1: refused
/// # Ok::<(), cdn_task_core::InvalidRateLimit>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Calls allowed in each period.
    pub calls: NonZeroU32,
    /// The period, longer than zero.
    pub period: Duration,
}

/// A rate limit that limits nothing: no call allowed, or a period of zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidRateLimit {
    /// Zero calls per period.
    #[error("a rate limit of 0 calls allows no call; for no limit, give none (`None`)")]
    NoCalls,
    /// A period of zero.
    #[error("a rate limit over a period of 0 limits nothing; for no limit, give none (`None`)")]
    ZeroPeriod,
}

impl RateLimit {
    /// `DescribeRefreshTaskById`: 30 calls per second per user.
    pub const DESCRIBE_REFRESH_TASK_BY_ID: RateLimit = RateLimit::documented(30);
    /// `RefreshObjectCaches`: 50 calls per second per user.
    pub const REFRESH_OBJECT_CACHES: RateLimit = RateLimit::documented(50);
    /// `PushObjectCache`: 50 calls per second per user.
    pub const PUSH_OBJECT_CACHE: RateLimit = RateLimit::documented(50);
    /// `DescribeRefreshTasks`: 5 calls per second per user (the current documentation; older
    /// copies said 10).
    pub const DESCRIBE_REFRESH_TASKS: RateLimit = RateLimit::documented(5);
    /// `DescribeRefreshQuota`: 20 calls per second per user.
    pub const DESCRIBE_REFRESH_QUOTA: RateLimit = RateLimit::documented(20);

    /// `calls` per `period`; both must be more than zero.
    pub const fn new(calls: u32, period: Duration) -> Result<RateLimit, InvalidRateLimit> {
        let Some(calls) = NonZeroU32::new(calls) else {
            return Err(InvalidRateLimit::NoCalls);
        };
        if period.is_zero() {
            return Err(InvalidRateLimit::ZeroPeriod);
        }
        Ok(RateLimit { calls, period })
    }

    /// `calls` per second, more than zero.
    pub const fn per_second(calls: u32) -> Result<RateLimit, InvalidRateLimit> {
        RateLimit::new(calls, Duration::from_secs(1))
    }

    /// A documented limit of `calls` per second, for the operations' constants: every one is
    /// above zero (`every_operation_has_its_documented_limit` checks them), and a zero would
    /// read as one call a second, never as no limit.
    pub(crate) const fn documented(calls: u32) -> RateLimit {
        let calls = match NonZeroU32::new(calls) {
            Some(calls) => calls,
            None => NonZeroU32::MIN,
        };
        RateLimit {
            calls,
            period: Duration::from_secs(1),
        }
    }

    /// The steady spacing between calls that keeps under the limit (`period / calls`).
    pub fn interval(&self) -> Duration {
        self.period / self.calls.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_limit_is_thirty_per_second() {
        let limit = RateLimit::DESCRIBE_REFRESH_TASK_BY_ID;
        assert_eq!(limit.calls.get(), 30);
        assert_eq!(limit.period, Duration::from_secs(1));
        assert_eq!(limit.interval(), Duration::from_nanos(33_333_333));
        assert_eq!(RateLimit::per_second(0), Err(InvalidRateLimit::NoCalls));
        assert_eq!(
            RateLimit::new(5, Duration::ZERO),
            Err(InvalidRateLimit::ZeroPeriod)
        );
        assert_eq!(RateLimit::per_second(7).map(|limit| limit.calls.get()), Ok(7));
    }

    #[test]
    fn every_operation_has_its_documented_limit() {
        use crate::{
            DescribeRefreshQuota, DescribeRefreshTaskById, DescribeRefreshTasks, Operation, PushObjectCache,
            RefreshObjectCaches,
        };
        let per_second = [
            DescribeRefreshTaskById::RATE_LIMIT,
            DescribeRefreshTasks::RATE_LIMIT,
            DescribeRefreshQuota::RATE_LIMIT,
            RefreshObjectCaches::RATE_LIMIT,
            PushObjectCache::RATE_LIMIT,
        ]
        .map(|limit| limit.map(|limit| (limit.calls.get(), limit.period.as_secs())));
        assert_eq!(per_second, [(30, 1), (5, 1), (20, 1), (50, 1), (50, 1)].map(Some));
    }
}
