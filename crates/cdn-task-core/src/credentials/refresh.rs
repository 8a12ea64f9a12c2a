//! When to refresh expiring credentials: pure functions of issue time, expiry and now.
//!
//! The official Python and Java libraries refresh 15 minutes before expiry, so a 15-minute
//! session (the STS minimum) is refreshed on every call; Go refreshes 3 minutes before, and a
//! 60-second emulator session is never fresh. Here the lead is a quarter of the lifetime, at most
//! 15 minutes: a 60 s lifetime refreshes 15 s ahead, 900 s refreshes 225 s ahead, 1 h and more
//! 15 minutes ahead. Credentials with less than [`MIN_REMAINING_VALIDITY`] left are never used:
//! a request signed with them could arrive after they expire.

use chrono::{DateTime, TimeDelta, Utc};

/// The longest lead: refresh at most this long before expiry.
pub const MAX_REFRESH_LEAD: TimeDelta = TimeDelta::minutes(15);

/// Credentials with this little time left are not signed with (a request takes time to arrive,
/// and clocks differ).
pub const MIN_REMAINING_VALIDITY: TimeDelta = TimeDelta::seconds(5);

/// The lead is this fraction (1/N) of the lifetime, up to [`MAX_REFRESH_LEAD`].
const LEAD_DIVISOR: i32 = 4;

/// The longest wait between two refresh attempts after failures.
const MAX_RETRY_DELAY: TimeDelta = TimeDelta::seconds(60);

/// What to do with cached credentials now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use them.
    Fresh,
    /// Refresh them; until a refresh succeeds they may still be used.
    RefreshDue,
    /// Do not sign with them: they expire within [`MIN_REMAINING_VALIDITY`] (or have).
    Unusable,
}

/// When credentials issued at `issued` and expiring at `expires` should be refreshed:
/// `expires − min(15 min, lifetime / 4)`. A lifetime that is zero or negative (an issue time
/// after the expiry: clock trouble) refreshes at once.
///
/// ```
/// use cdn_task_core::credentials::refresh_at;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let issued = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let at = |lifetime| refresh_at(issued, issued + TimeDelta::seconds(lifetime)) - issued;
/// assert_eq!(at(60), TimeDelta::seconds(45));
/// assert_eq!(at(900), TimeDelta::seconds(675));
/// assert_eq!(at(43_200), TimeDelta::seconds(43_200 - 900));
/// ```
pub fn refresh_at(issued: DateTime<Utc>, expires: DateTime<Utc>) -> DateTime<Utc> {
    let lifetime = expires - issued;
    if lifetime <= TimeDelta::zero() {
        return issued;
    }
    expires - (lifetime / LEAD_DIVISOR).min(MAX_REFRESH_LEAD)
}

/// What to do at `now` with credentials issued at `issued`, expiring at `expires`.
///
/// ```
/// use cdn_task_core::credentials::{freshness, Freshness};
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let issued = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let expires = issued + TimeDelta::seconds(60);
/// let at = |s| freshness(issued, expires, issued + TimeDelta::seconds(s));
/// assert_eq!((at(0), at(44), at(45), at(55), at(56)),
///            (Freshness::Fresh, Freshness::Fresh, Freshness::RefreshDue, Freshness::RefreshDue, Freshness::Unusable));
/// ```
pub fn freshness(issued: DateTime<Utc>, expires: DateTime<Utc>, now: DateTime<Utc>) -> Freshness {
    if expires - now < MIN_REMAINING_VALIDITY {
        Freshness::Unusable
    } else if now >= refresh_at(issued, expires) {
        Freshness::RefreshDue
    } else {
        Freshness::Fresh
    }
}

/// How long to wait before the next refresh attempt after `failures` consecutive failed ones
/// (1 s, 2 s, 4 s, … up to 60 s), while the cached credentials remain usable. Callers add jitter.
///
/// ```
/// use cdn_task_core::credentials::retry_delay;
/// use chrono::TimeDelta;
/// assert_eq!(retry_delay(1), TimeDelta::seconds(1));
/// assert_eq!(retry_delay(3), TimeDelta::seconds(4));
/// assert_eq!(retry_delay(40), TimeDelta::seconds(60));
/// ```
pub fn retry_delay(failures: u32) -> TimeDelta {
    let exponent = failures.saturating_sub(1).min(6);
    TimeDelta::seconds(1_i64 << exponent).min(MAX_RETRY_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_lifetime_from_a_minute_to_twelve_hours_is_fresh_for_most_of_it_and_never_used_expired() {
        let issued = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for lifetime in [60, 61, 120, 899, 900, 901, 3_600, 21_600, 43_200] {
            let expires = issued + TimeDelta::seconds(lifetime);
            let refresh = refresh_at(issued, expires);
            // Fresh for at least three quarters of the lifetime: not refreshed on every call.
            assert!(
                refresh - issued >= TimeDelta::seconds(lifetime) * 3 / 4,
                "{lifetime}"
            );
            // The refresh comes before the credentials become unusable, with room to retry.
            assert!(expires - refresh >= MIN_REMAINING_VALIDITY * 2, "{lifetime}");
            for second in 0..=lifetime + 1 {
                let now = issued + TimeDelta::seconds(second);
                if freshness(issued, expires, now) != Freshness::Unusable {
                    assert!(expires - now >= MIN_REMAINING_VALIDITY, "{lifetime} {second}");
                }
            }
        }
    }

    #[test]
    fn clock_trouble_refreshes_at_once() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(refresh_at(t, t - TimeDelta::seconds(1)), t);
        assert_eq!(
            freshness(t, t + TimeDelta::hours(1), t - TimeDelta::days(1)),
            Freshness::Fresh
        );
        assert_eq!(freshness(t, t - TimeDelta::seconds(1), t), Freshness::Unusable);
    }
}
