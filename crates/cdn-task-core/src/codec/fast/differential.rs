//! The fast paths and the general decoders side by side, for the differential fuzz targets and
//! the benchmarks (cargo feature `differential`). Not a stable API.
//!
//! The rule every caller checks: when a `*_fast` function returns `Some(value)`, the general
//! decoder of the same body returns `Ok(value)`.

use crate::codec::{DecodeError, json};
use crate::operations::list_page::DescribeRefreshTasksResponse;
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

/// The `DescribeRefreshTasks` page's JSON fast path alone.
pub fn task_page_json_fast(body: &[u8]) -> Option<DescribeRefreshTasksResponse> {
    super::task_page::decode_json(body)
}

/// The `DescribeRefreshTasks` page's general JSON decoder alone (serde_json).
pub fn task_page_json_general(body: &[u8]) -> Result<DescribeRefreshTasksResponse, DecodeError> {
    DescribeRefreshTasksResponse::decode_json_general(body)
}

/// The `DescribeRefreshTasks` page's XML fast path alone.
pub fn task_page_xml_fast(body: &[u8]) -> Option<DescribeRefreshTasksResponse> {
    super::task_page::decode_xml(body)
}

/// The `DescribeRefreshTasks` page's general XML decoder alone.
pub fn task_page_xml_general(body: &[u8]) -> Result<DescribeRefreshTasksResponse, DecodeError> {
    DescribeRefreshTasksResponse::decode_xml_general(body)
}
