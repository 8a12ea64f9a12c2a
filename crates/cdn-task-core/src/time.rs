//! Wire timestamps (`CreationTime`, `Timestamp`, `x-acs-date`) and the three-day query window.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use std::fmt;

/// How far back `DescribeRefreshTaskById` sees: tasks created within the last 72 hours, inclusive.
pub const QUERY_WINDOW: TimeDelta = TimeDelta::hours(72);

/// Why a text is not a wire timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time `{text}` is not UTC `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mmZ`")]
#[non_exhaustive]
pub struct TimeError {
    /// The offending text, shortened if huge.
    pub text: String,
}

/// Parses a UTC wire timestamp: `2020-08-03T08:54:23Z`, or `2020-08-03T08:54Z` (no seconds, as a
/// sibling API documents). Nothing else is accepted: no offsets, no fractions, four-digit years.
///
/// ```
/// let t = cdn_task_core::parse_utc_timestamp("2020-08-03T08:54Z").unwrap();
/// assert_eq!(cdn_task_core::format_utc_timestamp(t).to_string(), "2020-08-03T08:54:00Z");
/// ```
pub fn parse_utc_timestamp(text: &str) -> Result<DateTime<Utc>, TimeError> {
    parse_fixed(text.as_bytes()).ok_or_else(|| TimeError {
        text: crate::task_id::quote(text),
    })
}

/// Fixed-width parser; `None` on any deviation. Hand-written because it sits on the decode hot path.
fn parse_fixed(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let has_seconds = match bytes.len() {
        20 => true,
        17 => false,
        _ => return None,
    };
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(range)?.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let separators_ok = bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[bytes.len() - 1] == b'Z'
        && (!has_seconds || bytes[16] == b':');
    if !separators_ok {
        return None;
    }
    let year = i32::try_from(number(0..4)?).ok()?;
    let second = if has_seconds { number(17..19)? } else { 0 };
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    let datetime = date.and_hms_opt(number(11..13)?, number(14..16)?, second)?;
    Some(datetime.and_utc())
}

/// A wire timestamp as a `FromStr` type, for the codecs' string-parsing plumbing.
pub(crate) struct WireTime(pub(crate) DateTime<Utc>);

impl std::str::FromStr for WireTime {
    type Err = TimeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_utc_timestamp(text).map(WireTime)
    }
}

/// Renders a UTC wire timestamp with seconds (`2020-08-03T08:54:23Z`); sub-second digits are
/// dropped. The result implements `Display` without allocating.
pub fn format_utc_timestamp(time: DateTime<Utc>) -> impl fmt::Display {
    WireTimestamp(time)
}

struct WireTimestamp(DateTime<Utc>);

impl fmt::Display for WireTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // UTC's local time is the naive UTC time: taken once, not recomputed for every field.
        let t = self.0.naive_utc();
        match u32::try_from(t.year()) {
            // The wire's four-digit years are written in one piece: serde_json's `collect_str`
            // escapes each piece a `Display` writes, and eleven pieces per timestamp were two
            // fifths of JSON encoding (see `benches/README.md`).
            Ok(year) if year <= 9999 => {
                let mut text = *b"0000-00-00T00:00:00Z";
                put_digits(&mut text[0..4], year);
                put_digits(&mut text[5..7], t.month());
                put_digits(&mut text[8..10], t.day());
                put_digits(&mut text[11..13], t.hour());
                put_digits(&mut text[14..16], t.minute());
                put_digits(&mut text[17..19], t.second());
                f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
            }
            _ => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
        }
    }
}

/// Writes `value`'s last `out.len()` decimal digits into `out`, zero-padded.
fn put_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Whether a task created at `created` can still be queried at `now`: at most [`QUERY_WINDOW`]
/// old, inclusive at exactly 72 hours.
///
/// A creation time in the future (clock skew between the caller and the service) counts as
/// queryable: the task exists and is certainly not older than three days.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use cdn_task_core::{is_queryable, QUERY_WINDOW};
/// let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
/// assert!(is_queryable(now - QUERY_WINDOW, now));
/// assert!(!is_queryable(now - QUERY_WINDOW - TimeDelta::seconds(1), now));
/// ```
pub fn is_queryable(created: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    created >= oldest_queryable(now)
}

/// The oldest creation time still queryable at `now`.
pub fn oldest_queryable(now: DateTime<Utc>) -> DateTime<Utc> {
    // Saturates at the earliest representable time instead of overflowing.
    now.checked_sub_signed(QUERY_WINDOW)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_both_documented_forms() {
        let expected = Utc.with_ymd_and_hms(2020, 8, 3, 8, 54, 23).unwrap();
        assert_eq!(parse_utc_timestamp("2020-08-03T08:54:23Z"), Ok(expected));
        let no_seconds = Utc.with_ymd_and_hms(2020, 8, 3, 8, 54, 0).unwrap();
        assert_eq!(parse_utc_timestamp("2020-08-03T08:54Z"), Ok(no_seconds));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "2020-08-03",
            "2020-08-03T08:54:23",
            "2020-08-03T08:54:23+08:00",
            "2020-08-03T08:54:23.5Z",
            "2020-13-03T08:54:23Z",
            "2020-02-30T08:54:23Z",
            "2020-08-03T24:00:00Z",
            "2020-08-03 08:54:23Z",
            "202a-08-03T08:54:23Z",
            "2020-08-03T08:54:6 Z",
            "２０２０-08-03T08:54Z",
        ] {
            assert!(parse_utc_timestamp(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn formats_with_seconds() {
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(format_utc_timestamp(t).to_string(), "2026-01-02T03:04:05Z");
    }

    #[test]
    fn window_saturates_at_the_earliest_time() {
        assert_eq!(
            oldest_queryable(DateTime::<Utc>::MIN_UTC),
            DateTime::<Utc>::MIN_UTC
        );
        assert!(is_queryable(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MIN_UTC));
    }

    #[test]
    fn formats_as_chrono_does_at_every_year_width() {
        for (year, expected) in [
            (0, "0000"),
            (7, "0007"),
            (999, "0999"),
            (9999, "9999"),
            (10_000, "10000"),
            (-1, "-001"),
        ] {
            let t = Utc.with_ymd_and_hms(year, 12, 31, 23, 59, 58).unwrap();
            assert_eq!(
                format_utc_timestamp(t).to_string(),
                format!("{expected}-12-31T23:59:58Z")
            );
        }
        let mut t = Utc.with_ymd_and_hms(1999, 1, 1, 0, 0, 0).unwrap();
        while t.year() < 2002 {
            let expected = t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            assert_eq!(format_utc_timestamp(t).to_string(), expected);
            t += TimeDelta::seconds(7_919);
        }
    }

    #[test]
    fn window_is_inclusive_at_72_hours_and_open_to_the_future() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap();
        assert!(is_queryable(now, now));
        assert!(is_queryable(now + TimeDelta::hours(1), now));
        assert!(is_queryable(now - TimeDelta::hours(72), now));
        assert!(!is_queryable(
            now - TimeDelta::hours(72) - TimeDelta::nanoseconds(1),
            now
        ));
    }
}
