//! `AssumeRoleResponse` and `AssumeRoleWithOidcResponse` (what STS answers), both decoders on the
//! same bytes: never panics, and what either accepts round-trips in both formats.
#![no_main]
use cdn_task_core::WireBody;
use cdn_task_core::sts::{AssumeRoleResponse, AssumeRoleWithOidcResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for response in [
        AssumeRoleResponse::decode_json(body),
        AssumeRoleResponse::decode_xml(body),
    ]
    .into_iter()
    .flatten()
    {
        cdn_task_fuzz::assert_round_trips(&response);
    }
    if let Ok(response) = AssumeRoleWithOidcResponse::decode_xml(body) {
        cdn_task_fuzz::assert_round_trips(&response);
    }
});
