//! `parse_utc_timestamp` (`CreationTime`, `Timestamp`, `x-acs-date`) on any text: never panics;
//! what it accepts, chrono's own parser accepts with the same value, and formatting gives the
//! input back (with `:00` seconds added to the short form).
#![no_main]
use cdn_task_core::{format_utc_timestamp, parse_utc_timestamp};
use chrono::NaiveDateTime;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(time) = parse_utc_timestamp(text) else {
        return;
    };
    let formatted = format_utc_timestamp(time).to_string();
    let with_seconds = match text.len() {
        20 => text.to_owned(),
        17 => format!("{}:00Z", &text[..16]),
        len => panic!("accepted {text:?} of length {len}"),
    };
    assert_eq!(formatted, with_seconds);
    let reference = NaiveDateTime::parse_from_str(&with_seconds, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap_or_else(|error| panic!("chrono refuses {with_seconds:?}: {error}"));
    assert_eq!(reference.and_utc(), time);
    assert_eq!(parse_utc_timestamp(&formatted), Ok(time));
});
