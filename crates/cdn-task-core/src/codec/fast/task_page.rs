//! `DescribeRefreshTasks`' page (`"Tasks":{"CDNTask":[…]}`, `<Tasks><CDNTask>…`) on the fast
//! paths.

use super::{FlatDoc, Kind, Scalar, Shape, TasksAt, count, json, xml};
use crate::operations::list_page::{DescribeRefreshTasksResponse, TASK_ELEMENT, XML_ROOT};

/// The page: four scalars and the wrapped tasks, in the service's order.
const SHAPE: Shape<4> = Shape {
    root: XML_ROOT,
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
    tasks: TasksAt::Wrapped("Tasks", TASK_ELEMENT),
    // The largest PageSize.
    task_capacity: 100,
};

/// The JSON fast path; `None` leaves the body to serde_json.
pub(crate) fn decode_json(body: &[u8]) -> Option<DescribeRefreshTasksResponse> {
    from_doc(json::decode(body, &SHAPE)?)
}

/// The XML fast path; `None` leaves the body to the general XML decoder.
pub(crate) fn decode_xml(body: &[u8]) -> Option<DescribeRefreshTasksResponse> {
    from_doc(xml::decode(body, &SHAPE)?)
}

/// The page, when its four scalars are there and valid. An absent `Tasks` is an empty page in
/// both general decoders, and so here. (The scanners give up on the other bodies the general
/// decoders read as empty: `"Tasks":{}`, `"Tasks":null`, `"CDNTask":null`, `<Tasks/>`.)
fn from_doc(mut doc: FlatDoc<'_, 4>) -> Option<DescribeRefreshTasksResponse> {
    Some(DescribeRefreshTasksResponse {
        request_id: doc.take(0)?.into_owned(),
        page_number: count(doc.take(1))?,
        page_size: count(doc.take(2))?,
        total_count: count(doc.take(3))?,
        tasks: doc.tasks.unwrap_or_default(),
    })
}
