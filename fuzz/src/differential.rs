//! The differential property of the decoders' fast paths: when a fast path returns a value, the
//! general decoder of the same bytes returns the same value (and the public decoder, which tries
//! the fast path first, returns what the general decoder returns, errors included).

use cdn_task_core::differential;
use cdn_task_core::{DecodeError, DescribeRefreshTaskByIdResponse, WireBody};
use std::fmt::Debug;

/// JSON: the by-ID fast path against serde_json, and the page's against serde_json into the
/// page's shape.
pub fn check_json(body: &[u8]) {
    let general = differential::by_id_json_general(body);
    agree("JSON", differential::by_id_json_fast(body), &general);
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_json(body), general);
    if let Some(fast) = differential::task_page_json_fast(body) {
        agree(
            "page JSON",
            Some(fast),
            &differential::task_page_json_general(body),
        );
    }
}

/// XML: the by-ID fast path against the general XML decoder. (The page's XML has no general
/// decoder in the core yet; its fast path is only run, for panics.)
pub fn check_xml(body: &[u8]) {
    let general = differential::by_id_xml_general(body);
    agree("XML", differential::by_id_xml_fast(body), &general);
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_xml(body), general);
    let _ = differential::task_page_xml_fast(body);
}

/// A fast value is the general decoder's value.
fn agree<T: PartialEq + Debug>(what: &str, fast: Option<T>, general: &Result<T, DecodeError>) {
    if let Some(fast) = fast {
        assert_eq!(
            general.as_ref(),
            Ok(&fast),
            "the {what} fast path and the general decoder disagree"
        );
    }
}
