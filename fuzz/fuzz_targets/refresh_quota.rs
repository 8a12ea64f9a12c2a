//! `RefreshQuota` (what `DescribeRefreshQuota` answers), both decoders on the same bytes: never
//! panics, and what either accepts round-trips in both formats.
#![no_main]
use cdn_task_core::{RefreshQuota, WireBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for quota in [RefreshQuota::decode_json(body), RefreshQuota::decode_xml(body)]
        .into_iter()
        .flatten()
    {
        cdn_task_fuzz::assert_round_trips(&quota);
    }
});
