//! `DescribeRefreshTasksResponse` (a `DescribeRefreshTasks` page), both decoders on the same
//! bytes: never panics, and what either accepts round-trips in both formats.
#![no_main]
use cdn_task_core::{DescribeRefreshTasksResponse, WireBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for page in [
        DescribeRefreshTasksResponse::decode_json(body),
        DescribeRefreshTasksResponse::decode_xml(body),
    ]
    .into_iter()
    .flatten()
    {
        cdn_task_fuzz::assert_round_trips(&page);
    }
});
