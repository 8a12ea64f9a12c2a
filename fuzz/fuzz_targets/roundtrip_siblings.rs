//! Structured: a valid error body, `CreateTasksResponse` or `RefreshQuota` built from arbitrary
//! data encodes (JSON and XML) and decodes back to itself, with canonical encodings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: cdn_task_fuzz::ArbSibling| {
    body.assert_round_trips();
});
