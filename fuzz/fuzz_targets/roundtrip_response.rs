//! Structured: a valid `DescribeRefreshTaskByIdResponse` built from arbitrary data encodes (JSON
//! and XML) and decodes back to itself, with canonical encodings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|response: cdn_task_fuzz::ArbResponse| {
    cdn_task_fuzz::assert_round_trips(&response.build());
});
