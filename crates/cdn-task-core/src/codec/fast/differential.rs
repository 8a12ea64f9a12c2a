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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Task, WireBody};
    use chrono::TimeZone;

    fn tasks() -> Vec<Task> {
        let created = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
        vec![
            Task::new("1".parse().unwrap(), "http://a.com/1.js", created),
            Task::new("2".parse().unwrap(), "http://a.com/dir/", created),
        ]
    }

    /// Both decoders of a pair read `body`, the encoding of `value`, back as `value`.
    fn reads_back<T: PartialEq + std::fmt::Debug>(
        value: &T,
        body: &str,
        fast: fn(&[u8]) -> Option<T>,
        general: fn(&[u8]) -> Result<T, DecodeError>,
    ) {
        assert_eq!(fast(body.as_bytes()).as_ref(), Some(value), "{body}");
        assert_eq!(general(body.as_bytes()).as_ref(), Ok(value), "{body}");
    }

    #[test]
    fn each_pair_reads_an_encoded_body_back_alike() {
        let by_id = DescribeRefreshTaskByIdResponse::new("R", tasks());
        reads_back(&by_id, &by_id.encode_json(), by_id_json_fast, by_id_json_general);
        reads_back(&by_id, &by_id.encode_xml(), by_id_xml_fast, by_id_xml_general);
        let page = DescribeRefreshTasksResponse::new("R", tasks());
        reads_back(
            &page,
            &page.encode_json(),
            task_page_json_fast,
            task_page_json_general,
        );
        reads_back(
            &page,
            &page.encode_xml(),
            task_page_xml_fast,
            task_page_xml_general,
        );
    }
}
