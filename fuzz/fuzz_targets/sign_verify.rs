//! Structured: a request signed (RPC or ACS3) from arbitrary parts verifies and gives back who
//! signed, when, the nonce and the parameters; the same request, edited on the wire, never makes
//! `verify` panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|request: cdn_task_fuzz::ArbSigning| {
    request.check();
});
