//! `CredentialDocument` (the metadata service's and a credentials URI's answer) and
//! `ProcessOutput` (an External process's stdout): never panic; an accepted document re-encodes
//! and decodes to itself.
#![no_main]
use cdn_task_core::credentials::{CredentialDocument, ProcessOutput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(document) = CredentialDocument::decode_json(body) {
        let encoded = document.encode_json();
        assert_eq!(
            CredentialDocument::decode_json(encoded.as_bytes()).as_ref(),
            Ok(&document),
            "{encoded}"
        );
    }
    let _ = ProcessOutput::decode_json(body);
});
