//! The `DescribeRefreshTasks` page (`"Tasks":{"CDNTask":[…]}`, `<Tasks><CDNTask>…`) on the fast
//! paths, ahead of its body type.
//!
//! The page's response type is being added on another branch. Until it lands, this module holds
//! the page's [`Shape`] and reads it into [`TaskPage`], for the benchmarks, the differential
//! checks and the property tests, with serde_json into the same shape as the page's general JSON
//! decoder (its XML has none yet). Wiring the fast path to the real type takes a few lines: its
//! `decode_json`/`decode_xml` call [`decode_json`]/[`decode_xml`] here first (with the type built
//! from the [`FlatDoc`] instead of `TaskPage`), and the general decoder when they return `None`.

use super::{FlatDoc, Kind, Scalar, Shape, TasksAt, count, json, xml};
use crate::codec::DecodeError;
use crate::task::Task;

/// One page of `DescribeRefreshTasks`, as the fast paths read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPage {
    /// `RequestId`.
    pub request_id: String,
    /// `PageNumber`.
    pub page_number: u64,
    /// `PageSize`.
    pub page_size: u64,
    /// `TotalCount`.
    pub total_count: u64,
    /// `Tasks.CDNTask`, in document order.
    pub tasks: Vec<Task>,
}

/// The page: four scalars and the wrapped tasks, in the service's order.
pub(crate) const SHAPE: Shape<4> = Shape {
    root: "DescribeRefreshTasksResponse",
    fields: [
        Scalar {
            name: "RequestId",
            kind: Kind::Text,
        },
        Scalar {
            name: "PageNumber",
            kind: Kind::Count,
        },
        Scalar {
            name: "PageSize",
            kind: Kind::Count,
        },
        Scalar {
            name: "TotalCount",
            kind: Kind::Count,
        },
    ],
    tasks: TasksAt::Wrapped("Tasks", "CDNTask"),
    // The largest PageSize.
    task_capacity: 100,
};

/// The JSON fast path of a page.
pub(crate) fn decode_json(body: &[u8]) -> Option<TaskPage> {
    from_doc(json::decode(body, &SHAPE)?)
}

/// The XML fast path of a page.
pub(crate) fn decode_xml(body: &[u8]) -> Option<TaskPage> {
    from_doc(xml::decode(body, &SHAPE)?)
}

/// Every field required, `Tasks` included: what the page type will decide on an absent one is
/// not this module's to guess, so the fast path leaves such a body to the general decoder.
fn from_doc(mut doc: FlatDoc<'_, 4>) -> Option<TaskPage> {
    Some(TaskPage {
        request_id: doc.take(0)?.into_owned(),
        page_number: count(doc.take(1))?,
        page_size: count(doc.take(2))?,
        total_count: count(doc.take(3))?,
        tasks: doc.tasks?,
    })
}

/// The page's general JSON decoder until its type lands: serde_json into the page's shape, the
/// oracle of the JSON fast path in the property tests and the `fast_diff_json` fuzz target.
pub(crate) fn decode_json_general(body: &[u8]) -> Result<TaskPage, DecodeError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Page {
        request_id: String,
        page_number: u64,
        page_size: u64,
        total_count: u64,
        tasks: Wrapper,
    }
    #[derive(serde::Deserialize)]
    struct Wrapper {
        #[serde(rename = "CDNTask")]
        cdn_task: Vec<Task>,
    }
    let page: Page = crate::codec::json::decode(body)?;
    Ok(TaskPage {
        request_id: page.request_id,
        page_number: page.page_number,
        page_size: page.page_size,
        total_count: page.total_count,
        tasks: page.tasks.cdn_task,
    })
}
