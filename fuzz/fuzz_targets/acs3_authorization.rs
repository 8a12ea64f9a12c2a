//! `signing::parse_authorization` (the ACS3 `Authorization` header) on any text: never panics; an
//! accepted header has a credential, sorted distinct lower-case signed headers with `host`, and a
//! 64-digit lower-case hex signature, and renders to a header that parses to the same value.
#![no_main]
use cdn_task_core::signing::parse_authorization;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|header: &str| {
    let Ok(parsed) = parse_authorization(header) else {
        return;
    };
    assert!(!parsed.access_key_id.is_empty(), "{header:?}");
    assert!(
        parsed.signed_headers.windows(2).all(|pair| pair[0] < pair[1]),
        "{parsed:?}"
    );
    assert!(
        parsed.signed_headers.iter().any(|name| name == "host"),
        "{parsed:?}"
    );
    assert!(
        parsed
            .signed_headers
            .iter()
            .all(|name| !name.is_empty() && name.bytes().all(|b| !b.is_ascii_uppercase())),
        "{parsed:?}"
    );
    assert!(
        parsed.signature.len() == 64
            && parsed
                .signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{parsed:?}"
    );
    let rendered = parsed.to_string();
    assert_eq!(
        parse_authorization(&rendered).as_ref(),
        Ok(&parsed),
        "{rendered:?}"
    );
});
