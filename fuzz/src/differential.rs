//! The differential property of the decoders' fast paths: when a fast path returns a value, the
//! general decoder of the same bytes returns the same value (and the public decoder, which tries
//! the fast path first, returns what the general decoder returns, errors included).

use cdn_task_core::differential;
use cdn_task_core::{DecodeError, DescribeRefreshTaskByIdResponse, DescribeRefreshTasksResponse, WireBody};
use std::fmt::Debug;

/// JSON: the by-ID body's and the `DescribeRefreshTasks` page's fast paths against their general
/// decoders (serde_json).
pub fn check_json(body: &[u8]) {
    let general = differential::by_id_json_general(body);
    agree("JSON", differential::by_id_json_fast(body), &general);
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_json(body), general);
    let general = differential::task_page_json_general(body);
    agree("page JSON", differential::task_page_json_fast(body), &general);
    assert_eq!(DescribeRefreshTasksResponse::decode_json(body), general);
}

/// XML: the by-ID body's and the `DescribeRefreshTasks` page's fast paths against their general
/// XML decoders.
pub fn check_xml(body: &[u8]) {
    let general = differential::by_id_xml_general(body);
    agree("XML", differential::by_id_xml_fast(body), &general);
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_xml(body), general);
    let general = differential::task_page_xml_general(body);
    agree("page XML", differential::task_page_xml_fast(body), &general);
    assert_eq!(DescribeRefreshTasksResponse::decode_xml(body), general);
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
