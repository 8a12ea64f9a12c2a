//! The XML fast paths against the general XML decoders on any bytes: whatever a fast path returns,
//! the general decoder returns too (by-ID body and `DescribeRefreshTasks` page); the public decoder
//! returns exactly what the general one does, errors included.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| cdn_task_fuzz::check_xml(body));
