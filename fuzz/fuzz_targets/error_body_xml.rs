//! `ServiceErrorBody::decode_xml` on any bytes: never panics, and what it accepts re-encodes
//! (XML and JSON) and decodes to itself.
#![no_main]
use cdn_task_core::{ServiceErrorBody, WireBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(error) = ServiceErrorBody::decode_xml(body) {
        cdn_task_fuzz::assert_round_trips(&error);
    }
});
