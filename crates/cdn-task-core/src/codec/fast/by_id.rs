//! `DescribeRefreshTaskById`'s body on the fast paths.

use super::{FlatDoc, Kind, Scalar, Shape, TasksAt, count, json, xml};
use crate::response::{DescribeRefreshTaskByIdResponse, XML_ROOT};
use crate::task_id::MAX_IDS_PER_CALL;

/// `{"RequestId":…,"Tasks":[…],"TotalCount":…}`, or `<Tasks>` repeated in XML.
const SHAPE: Shape<2> = Shape {
    root: XML_ROOT,
    fields: [
        Scalar {
            name: "RequestId",
            kind: Kind::Text,
        },
        Scalar {
            name: "TotalCount",
            kind: Kind::Count,
        },
    ],
    tasks: TasksAt::Direct("Tasks"),
    // One call asks for at most ten tasks, so the service lists at most ten.
    task_capacity: MAX_IDS_PER_CALL,
};

/// The JSON fast path; `None` leaves the body to serde_json.
pub(crate) fn decode_json(body: &[u8]) -> Option<DescribeRefreshTaskByIdResponse> {
    from_doc(json::decode(body, &SHAPE)?)
}

/// The XML fast path; `None` leaves the body to the general XML decoder.
pub(crate) fn decode_xml(body: &[u8]) -> Option<DescribeRefreshTaskByIdResponse> {
    from_doc(xml::decode(body, &SHAPE)?)
}

/// The response, when its required fields are there and valid. (An absent `Tasks` is an empty
/// list in both general decoders.)
fn from_doc(mut doc: FlatDoc<'_, 2>) -> Option<DescribeRefreshTaskByIdResponse> {
    Some(DescribeRefreshTaskByIdResponse {
        request_id: doc.take(0)?.into_owned(),
        total_count: count(doc.take(1))?,
        tasks: doc.tasks.unwrap_or_default(),
    })
}
