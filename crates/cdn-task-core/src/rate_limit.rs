//! The service's rate limits, as data for the adapters to enforce (the core keeps no clock).

use std::num::NonZeroU32;
use std::time::Duration;

/// A limit of `calls` per `period`, counted per user (AccessKey). Always a limit: where a limit is
/// optional, `Option<RateLimit>` is used and `None` means unlimited (as
/// [`Operation::RATE_LIMIT`](crate::Operation::RATE_LIMIT)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Calls allowed in each period.
    pub calls: NonZeroU32,
    /// The period.
    pub period: Duration,
}

impl RateLimit {
    /// `DescribeRefreshTaskById`: 30 calls per second per user.
    pub const DESCRIBE_REFRESH_TASK_BY_ID: RateLimit = RateLimit::per_second(30);
    /// `RefreshObjectCaches`: 50 calls per second per user.
    pub const REFRESH_OBJECT_CACHES: RateLimit = RateLimit::per_second(50);
    /// `PushObjectCache`: 50 calls per second per user.
    pub const PUSH_OBJECT_CACHE: RateLimit = RateLimit::per_second(50);
    /// `DescribeRefreshTasks`: 5 calls per second per user (the current documentation; older
    /// copies said 10).
    pub const DESCRIBE_REFRESH_TASKS: RateLimit = RateLimit::per_second(5);
    /// `DescribeRefreshQuota`: 20 calls per second per user.
    pub const DESCRIBE_REFRESH_QUOTA: RateLimit = RateLimit::per_second(20);

    /// `calls` per `period`.
    pub const fn new(calls: NonZeroU32, period: Duration) -> RateLimit {
        RateLimit { calls, period }
    }

    /// `calls` per second; 0 is raised to 1 (a limit that allows nothing is not a limit).
    pub const fn per_second(calls: u32) -> RateLimit {
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
        assert_eq!(RateLimit::per_second(0).calls.get(), 1);
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
