//! The baselines: what a caller would write without the core, and the floor under any
//! quick-xml-based decoder. Each decodes the same bytes as the core's decoder.

use cdn_task_core::{DescribeRefreshTaskByIdResponse, Task, format_utc_timestamp};
use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

/// The response with every task field a `String`: serde_json and quick-xml's serde deserializer
/// decode into this without any validation or typing. The same struct serves both formats (in XML
/// `Tasks` is a repeated element, which quick-xml reads as a sequence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DescribeRefreshTaskByIdResponse", rename_all = "PascalCase")]
pub struct PlainResponse {
    /// `RequestId`.
    pub request_id: String,
    /// `Tasks`.
    #[serde(default)]
    pub tasks: Vec<PlainTask>,
    /// `TotalCount`.
    pub total_count: u64,
}

/// A task with every field a `String`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainTask {
    /// `CreationTime`.
    pub creation_time: String,
    /// `Description`.
    pub description: String,
    /// `ObjectPath`.
    pub object_path: String,
    /// `ObjectType`.
    pub object_type: String,
    /// `Process`.
    pub process: String,
    /// `Status`.
    pub status: String,
    /// `TaskId`.
    pub task_id: String,
}

impl From<&Task> for PlainTask {
    fn from(task: &Task) -> PlainTask {
        PlainTask {
            creation_time: format_utc_timestamp(task.creation_time).to_string(),
            description: task.description.as_ref().map_or("", |d| d.as_str()).to_owned(),
            object_path: task.object_path.clone(),
            object_type: task.object_type.to_string(),
            process: task.process.to_string(),
            status: task.status.to_string(),
            task_id: task.task_id.to_string(),
        }
    }
}

impl From<&DescribeRefreshTaskByIdResponse> for PlainResponse {
    fn from(response: &DescribeRefreshTaskByIdResponse) -> PlainResponse {
        PlainResponse {
            request_id: response.request_id.clone(),
            tasks: response.tasks.iter().map(PlainTask::from).collect(),
            total_count: response.total_count,
        }
    }
}

/// The response borrowing every string from the body: the cheapest serde_json can do. (It fails on
/// a string with escapes, which the benchmarked bodies have none of.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BorrowedResponse<'a> {
    /// `RequestId`.
    pub request_id: &'a str,
    /// `Tasks`.
    #[serde(borrow, default)]
    pub tasks: Vec<BorrowedTask<'a>>,
    /// `TotalCount`.
    pub total_count: u64,
}

/// A task borrowing every field from the body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BorrowedTask<'a> {
    /// `CreationTime`.
    pub creation_time: &'a str,
    /// `Description`.
    pub description: &'a str,
    /// `ObjectPath`.
    pub object_path: &'a str,
    /// `ObjectType`.
    pub object_type: &'a str,
    /// `Process`.
    pub process: &'a str,
    /// `Status`.
    pub status: &'a str,
    /// `TaskId`.
    pub task_id: &'a str,
}

/// A `DescribeRefreshTasks` page (`"Tasks":{"CDNTask":[…]}`) of tasks of type `T`: the core's
/// typed [`Task`], [`PlainTask`] or [`BorrowedTask`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskPage<T> {
    /// `RequestId`.
    pub request_id: String,
    /// `PageNumber`.
    pub page_number: u64,
    /// `PageSize`.
    pub page_size: u64,
    /// `TotalCount`.
    pub total_count: u64,
    /// `Tasks`.
    pub tasks: CdnTasks<T>,
}

/// The `{"CDNTask":[…]}` wrapper of a page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CdnTasks<T> {
    /// `CDNTask`.
    #[serde(rename = "CDNTask")]
    pub cdn_task: Vec<T>,
}

/// Walks every quick-xml event of `body` without looking at any (no unescaping, no allocation):
/// the floor under any decoder built on quick-xml's pull reader. Returns how many events there
/// were, or `None` on a syntax error.
pub fn xml_event_walk(body: &[u8]) -> Option<usize> {
    let mut reader = Reader::from_reader(body);
    let mut events = 0;
    loop {
        match reader.read_event().ok()? {
            Event::Eof => return Some(events),
            _ => events += 1,
        }
    }
}

/// quick-xml's serde path: UTF-8 check, then deserialize into [`PlainResponse`].
pub fn quick_xml_serde(body: &[u8]) -> Result<PlainResponse, quick_xml::DeError> {
    let text = std::str::from_utf8(body).map_err(|error| quick_xml::DeError::Custom(error.to_string()))?;
    quick_xml::de::from_str(text)
}

/// A `TaskId` list the naive way: split on commas, trim, parse each as a `u64` (no length limit,
/// no duplicate check, leading zeros lost).
pub fn naive_task_ids(text: &str) -> Result<Vec<u64>, std::num::ParseIntError> {
    text.split(',').map(|id| id.trim().parse()).collect()
}

/// The RPC scheme's cryptography alone: HMAC-SHA1 of `message` under `key` (`secret&`).
pub fn hmac_sha1(key: &[u8], message: &[u8]) -> Option<CtOutput<Hmac<sha1::Sha1>>> {
    Some(
        Hmac::<sha1::Sha1>::new_from_slice(key)
            .ok()?
            .chain_update(message)
            .finalize(),
    )
}

/// The ACS3 scheme's last step alone: HMAC-SHA256 of `message` under `key` (the secret).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Option<CtOutput<Hmac<sha2::Sha256>>> {
    Some(
        Hmac::<sha2::Sha256>::new_from_slice(key)
            .ok()?
            .chain_update(message)
            .finalize(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use cdn_task_core::WireBody;

    #[test]
    fn every_baseline_decodes_the_same_content() {
        for tasks in fixtures::TASK_COUNTS {
            let expected = PlainResponse::from(&fixtures::response(tasks));
            let json = fixtures::json_body(tasks);
            let xml = fixtures::xml_body(tasks);
            assert_eq!(serde_json::from_str::<PlainResponse>(&json).unwrap(), expected);
            assert_eq!(quick_xml_serde(xml.as_bytes()).unwrap(), expected);
            let borrowed: BorrowedResponse<'_> = serde_json::from_str(&json).unwrap();
            assert_eq!(borrowed.tasks.len(), tasks);
            assert_eq!(borrowed.tasks[0].object_path, expected.tasks[0].object_path);
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["Tasks"].as_array().map(Vec::len), Some(tasks));
        }
    }

    #[test]
    fn event_walk_sees_every_element() {
        // Declaration, root start and end, RequestId and TotalCount (start, text, end each), and
        // per task: start, end, and seven fields of start, text, end (an empty one is start, end).
        let body = fixtures::xml_body(1);
        assert_eq!(xml_event_walk(body.as_bytes()), Some(1 + 2 + 6 + 2 + 7 * 3 - 1));
        assert_eq!(xml_event_walk(b"<a></b>"), None);
    }

    #[test]
    fn page_decodes_typed_plain_and_borrowed() {
        let json = fixtures::task_page_json(fixtures::PAGE_TASK_COUNT);
        let typed: TaskPage<Task> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            typed.tasks.cdn_task,
            (0..100).map(fixtures::task).collect::<Vec<_>>()
        );
        let plain: TaskPage<PlainTask> = serde_json::from_str(&json).unwrap();
        assert_eq!(plain.tasks.cdn_task[7], PlainTask::from(&fixtures::task(7)));
        let borrowed: TaskPage<BorrowedTask<'_>> = serde_json::from_str(&json).unwrap();
        assert_eq!(borrowed.total_count, 100);
    }

    #[test]
    fn the_core_reads_the_fixture_page_as_serde_json_does() {
        use cdn_task_core::{DescribeRefreshTasksResponse, differential};
        let json = fixtures::task_page_json(fixtures::PAGE_TASK_COUNT);
        let typed: TaskPage<Task> = serde_json::from_str(&json).unwrap();
        let page = DescribeRefreshTasksResponse::decode_json(json.as_bytes()).unwrap();
        assert_eq!(
            (
                page.request_id.as_str(),
                page.page_number,
                page.page_size,
                page.total_count
            ),
            (
                typed.request_id.as_str(),
                typed.page_number,
                typed.page_size,
                typed.total_count
            )
        );
        assert_eq!(page.tasks, typed.tasks.cdn_task);
        // On the fast path, which the general decoder agrees with.
        assert_eq!(
            differential::task_page_json_fast(json.as_bytes()),
            Some(page.clone())
        );
        assert_eq!(differential::task_page_json_general(json.as_bytes()), Ok(page));
    }

    #[test]
    fn encoders_agree_on_content() {
        let typed = fixtures::response(10);
        let plain = PlainResponse::from(&typed);
        let json = serde_json::to_string(&plain).unwrap();
        assert_eq!(
            DescribeRefreshTaskByIdResponse::decode_json(json.as_bytes()),
            Ok(typed.clone())
        );
        let xml = quick_xml::se::to_string(&plain).unwrap();
        assert_eq!(
            DescribeRefreshTaskByIdResponse::decode_xml(xml.as_bytes()),
            Ok(typed)
        );
    }

    #[test]
    fn bare_hmacs_give_the_signatures() {
        use cdn_task_core::signing::{Credentials, SignatureVersion};
        let request = fixtures::signed_request();
        let credentials = Credentials::new("testid", "testsecret");
        let now = chrono::DateTime::from_timestamp(1_795_856_063, 0).unwrap();
        let rpc = request.sign(SignatureVersion::Rpc, "cdn.aliyuncs.com", &credentials, now, "n");
        let tag = hmac_sha1(b"testsecret&", rpc.string_to_sign.as_bytes())
            .unwrap()
            .into_bytes();
        use base64::Engine as _;
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(tag),
            rpc.signature
        );
        let acs3 = request.sign(SignatureVersion::Acs3, "cdn.aliyuncs.com", &credentials, now, "n");
        let tag = hmac_sha256(b"testsecret", acs3.string_to_sign.as_bytes())
            .unwrap()
            .into_bytes();
        assert_eq!(hex::encode(tag), acs3.signature);
    }

    #[test]
    fn naive_ids_parse() {
        assert_eq!(naive_task_ids("1, 2"), Ok(vec![1, 2]));
        assert!(naive_task_ids("1,x").is_err());
    }
}
