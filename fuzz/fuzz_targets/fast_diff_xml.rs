//! The XML fast path against the general XML decoder on any bytes: whatever the fast path returns,
//! the general decoder returns too; the public decoder returns exactly what the general one does,
//! errors included.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| cdn_task_fuzz::check_xml(body));
