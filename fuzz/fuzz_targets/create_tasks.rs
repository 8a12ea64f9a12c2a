//! `CreateTasksResponse` (what `RefreshObjectCaches` and `PushObjectCache` answer), both decoders on
//! the same bytes: never panics, and what either accepts round-trips in both formats.
#![no_main]
use cdn_task_core::{CreateTasksResponse, WireBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for response in [
        CreateTasksResponse::decode_json(body),
        CreateTasksResponse::decode_xml(body),
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            !response.task_ids.is_empty(),
            "decoded a response without task IDs"
        );
        cdn_task_fuzz::assert_round_trips(&response);
    }
});
