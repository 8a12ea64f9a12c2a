//! The differential property of the decoders' fast paths: when a fast path returns a value, the
//! general decoder of the same bytes returns the same value (and the public decoder, which tries
//! the fast path first, returns what the general decoder returns, errors included).

use cdn_task_core::differential::{self, TaskPage};
use cdn_task_core::{DescribeRefreshTaskByIdResponse, Task, WireBody};

/// The `DescribeRefreshTasks` page as serde reads it: the general JSON decoder of the page shape
/// until the core has the page's body type (the benches' `TaskPage<Task>`, the same shape).
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GeneralPage {
    request_id: String,
    page_number: u64,
    page_size: u64,
    total_count: u64,
    tasks: GeneralPageTasks,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct GeneralPageTasks {
    #[serde(rename = "CDNTask")]
    cdn_task: Vec<Task>,
}

/// JSON: the by-ID fast path against serde_json, and the page's against serde_json.
pub fn check_json(body: &[u8]) {
    let general = differential::by_id_json_general(body);
    if let Some(fast) = differential::by_id_json_fast(body) {
        assert_eq!(
            general.as_ref(),
            Ok(&fast),
            "the JSON fast path and serde_json disagree"
        );
    }
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_json(body), general);
    if let Some(fast) = differential::task_page_json_fast(body) {
        let general: GeneralPage = match serde_json::from_slice(body) {
            Ok(page) => page,
            Err(error) => panic!("the page fast path accepted what serde_json refuses: {error}"),
        };
        assert_eq!(
            page_parts(fast),
            general,
            "the page fast path and serde_json disagree"
        );
    }
}

/// XML: the by-ID fast path against the general XML decoder. (The page's XML has no general
/// decoder in the core yet; its fast path is only run, for panics.)
pub fn check_xml(body: &[u8]) {
    let general = differential::by_id_xml_general(body);
    if let Some(fast) = differential::by_id_xml_fast(body) {
        assert_eq!(
            general.as_ref(),
            Ok(&fast),
            "the XML fast path and the general decoder disagree"
        );
    }
    assert_eq!(DescribeRefreshTaskByIdResponse::decode_xml(body), general);
    let _ = differential::task_page_xml_fast(body);
}

fn page_parts(page: TaskPage) -> GeneralPage {
    GeneralPage {
        request_id: page.request_id,
        page_number: page.page_number,
        page_size: page.page_size,
        total_count: page.total_count,
        tasks: GeneralPageTasks { cdn_task: page.tasks },
    }
}
