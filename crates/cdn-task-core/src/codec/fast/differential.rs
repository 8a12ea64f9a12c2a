//! The fast paths and the general decoders side by side, for the differential fuzz targets and
//! the benchmarks (cargo feature `differential`). Not a stable API.
//!
//! The rule every caller checks: when a `*_fast` function returns `Some(value)`, the general
//! decoder of the same body returns `Ok(value)`.

pub use super::task_page::TaskPage;
use crate::codec::{DecodeError, json};
use crate::response::DescribeRefreshTaskByIdResponse;

/// `DescribeRefreshTaskById`'s JSON fast path alone.
pub fn by_id_json_fast(body: &[u8]) -> Option<DescribeRefreshTaskByIdResponse> {
    super::by_id::decode_json(body)
}

/// `DescribeRefreshTaskById`'s general JSON decoder alone (serde_json).
pub fn by_id_json_general(body: &[u8]) -> Result<DescribeRefreshTaskByIdResponse, DecodeError> {
    json::decode(body)
}

/// `DescribeRefreshTaskById`'s XML fast path alone.
pub fn by_id_xml_fast(body: &[u8]) -> Option<DescribeRefreshTaskByIdResponse> {
    super::by_id::decode_xml(body)
}

/// `DescribeRefreshTaskById`'s general XML decoder alone.
pub fn by_id_xml_general(body: &[u8]) -> Result<DescribeRefreshTaskByIdResponse, DecodeError> {
    DescribeRefreshTaskByIdResponse::decode_xml_general(body)
}

/// The `DescribeRefreshTasks` page's JSON fast path.
pub fn task_page_json_fast(body: &[u8]) -> Option<TaskPage> {
    super::task_page::decode_json(body)
}

/// The `DescribeRefreshTasks` page's general JSON decoder, until the page's type lands:
/// serde_json into the same shape.
pub fn task_page_json_general(body: &[u8]) -> Result<TaskPage, DecodeError> {
    super::task_page::decode_json_general(body)
}

/// The `DescribeRefreshTasks` page's XML fast path.
pub fn task_page_xml_fast(body: &[u8]) -> Option<TaskPage> {
    super::task_page::decode_xml(body)
}
