//! Per-AccessKey, per-action throttling (`Throttling.User`), with governor's keyed limiter.
//!
//! Throttling counts real time, not the mock's clock: it is about how fast calls arrive.

use crate::action::Action;
use cdn_task_core::RateLimit;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;

/// One keyed limiter per action (`None` for an action with no limit), or none at all when
/// throttling is off.
#[derive(Debug)]
pub(crate) struct Throttle {
    limiters: Option<Vec<Option<DefaultKeyedRateLimiter<String>>>>,
}

impl Throttle {
    /// `DescribeRefreshTaskById` at `describe_per_second` calls per second per AccessKey; the
    /// other actions at their documented limits. `None` turns throttling off.
    pub(crate) fn new(describe_per_second: Option<NonZeroU32>) -> Throttle {
        let Some(describe_per_second) = describe_per_second else {
            return Throttle { limiters: None };
        };
        let limiters = Action::ALL
            .iter()
            .map(|action| {
                let limit = match action {
                    Action::DescribeRefreshTaskById => RateLimit::per_second(describe_per_second.get()).ok(),
                    // `None` is no documented limit: unlimited.
                    other => other.documented_rate_limit(),
                };
                // A whole period's calls may come at once (burst), then one per interval.
                limit.map(|limit| {
                    let quota = Quota::with_period(limit.interval())
                        .unwrap_or_else(|| Quota::per_second(limit.calls))
                        .allow_burst(limit.calls);
                    RateLimiter::keyed(quota)
                })
            })
            .collect();
        Throttle {
            limiters: Some(limiters),
        }
    }

    /// Whether `access_key_id` may call `action` now (counting this call).
    #[cfg(test)]
    pub(crate) fn allows(&self, access_key_id: &str, action: Action) -> bool {
        self.check(access_key_id, action).is_ok()
    }

    /// `Ok` when `access_key_id` may call `action` now (counting this call), else how long until
    /// it may (what the gateway's `x-acs-retry-after` says).
    pub(crate) fn check(&self, access_key_id: &str, action: Action) -> Result<(), Duration> {
        let Some(limiter) = self
            .limiters
            .as_ref()
            .and_then(|l| l.get(action.index()))
            .and_then(Option::as_ref)
        else {
            return Ok(());
        };
        limiter
            .check_key(&access_key_id.to_owned())
            .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_over_the_limit_is_throttled_per_key_and_per_action() {
        let throttle = Throttle::new(NonZeroU32::new(5));
        let allowed = (0..20)
            .filter(|_| throttle.allows("a", Action::DescribeRefreshTaskById))
            .count();
        // Five at once, plus whatever trickled in during the loop (well under a second).
        assert!((5..20).contains(&allowed), "{allowed}");
        assert!(throttle.allows("b", Action::DescribeRefreshTaskById));
        assert!(throttle.allows("a", Action::RefreshObjectCaches));
        // Refused calls say how long until the next is allowed: at most one interval.
        let wait = throttle.check("a", Action::DescribeRefreshTaskById).unwrap_err();
        assert!(wait <= Duration::from_millis(200), "{wait:?}");
    }

    #[test]
    fn the_list_is_throttled_at_five_a_second() {
        let throttle = Throttle::new(NonZeroU32::new(30));
        let allowed = (0..20)
            .filter(|_| throttle.allows("a", Action::DescribeRefreshTasks))
            .count();
        assert!((5..20).contains(&allowed), "{allowed}");
    }

    #[test]
    fn zero_turns_throttling_off() {
        let throttle = Throttle::new(None);
        assert!((0..1000).all(|_| throttle.allows("a", Action::DescribeRefreshTaskById)));
    }
}
