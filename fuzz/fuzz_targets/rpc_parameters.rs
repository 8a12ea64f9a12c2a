//! `signing::parse_parameters` (an RPC query string or form body) on any text: never panics; what
//! it accepts re-encodes, in order and canonically, to text that parses back to the same pairs; and
//! every operation rebuilt from those parameters round-trips (`Operation::from_parameters`).
#![no_main]
use cdn_task_core::signing::{ParameterParseError, parse_parameters};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    match parse_parameters(raw) {
        Ok(pairs) => {
            cdn_task_fuzz::check_query_encoding(&pairs);
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            cdn_task_fuzz::check_operations(&borrowed);
        }
        Err(ParameterParseError::BadEscape { offset }) => {
            assert_eq!(
                raw.as_bytes().get(offset),
                Some(&b'%'),
                "{raw:?}: offset {offset}"
            );
        }
        Err(_) => {}
    }
});
