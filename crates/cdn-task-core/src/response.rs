//! The `DescribeRefreshTaskById` response and its codecs.

use crate::codec::xml::{XmlReader, XmlWriter, required, set_once};
use crate::codec::{DecodeError, WireBody, fast, json};
use crate::task::{Task, description_from_wire};
use crate::task_id::{TaskId, TaskIdList};
use crate::time::{WireTime, format_utc_timestamp};

/// The XML root element of the response.
pub(crate) const XML_ROOT: &str = "DescribeRefreshTaskByIdResponse";

/// What `DescribeRefreshTaskById` answers: the tasks found among those asked for.
///
/// ```
/// use cdn_task_core::{DescribeRefreshTaskByIdResponse, WireBody, TaskStatus};
/// let body = br#"{"RequestId":"E0C2","TotalCount":1,"Tasks":[{"CreationTime":"2020-08-03T08:54:23Z",
///   "Description":"","ObjectPath":"http://example.com/abc.jpg","ObjectType":"file","Process":"100%",
///   "Status":"Complete","TaskId":"12345678"}]}"#;
/// let response = DescribeRefreshTaskByIdResponse::decode_json(body).unwrap();
/// assert_eq!(response.tasks[0].status, TaskStatus::Complete);
/// assert_eq!(DescribeRefreshTaskByIdResponse::decode_json(response.encode_json().as_bytes()).unwrap(), response);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeRefreshTaskByIdResponse {
    /// The service's ID for this call (quote it in support requests).
    pub request_id: String,
    /// The tasks found, in the order the service lists them. (API.md leaves a zero-task body
    /// open: an absent `Tasks` decodes as empty.)
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// How many tasks the service says it found.
    pub total_count: u64,
}

impl DescribeRefreshTaskByIdResponse {
    /// The answer to the call `request_id`: `tasks`, with `TotalCount` their number.
    pub fn new(request_id: impl Into<String>, tasks: Vec<Task>) -> DescribeRefreshTaskByIdResponse {
        DescribeRefreshTaskByIdResponse {
            request_id: request_id.into(),
            total_count: tasks.len() as u64,
            tasks,
        }
    }

    /// The task with this ID, if the service returned it.
    pub fn task(&self, id: &TaskId) -> Option<&Task> {
        self.tasks.iter().find(|task| task.task_id == *id)
    }

    /// The IDs asked for that the service did not return (unknown, not the caller's, or older than
    /// three days), in the order asked.
    pub fn missing_ids(&self, asked: &TaskIdList) -> Vec<TaskId> {
        asked
            .ids()
            .iter()
            .filter(|id| self.task(id).is_none())
            .copied()
            .collect()
    }
}

impl WireBody for DescribeRefreshTaskByIdResponse {
    // Both decoders try the fast path first (`codec::fast`): it reads the service's own bodies
    // and gives up on anything else, leaving the body to the general decoder, which decides
    // every error.
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        fast::by_id::decode_json(body).map_or_else(|| json::decode(body), Ok)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        fast::by_id::decode_xml(body).map_or_else(|| Self::decode_xml_general(body), Ok)
    }

    fn encode_json(&self) -> String {
        json::encode(self)
    }

    fn encode_xml(&self) -> String {
        let mut xml = XmlWriter::new(XML_ROOT);
        xml.text_element("RequestId", &self.request_id);
        for task in &self.tasks {
            encode_xml_task(&mut xml, task, "Tasks");
        }
        xml.display_element("TotalCount", self.total_count);
        xml.finish(XML_ROOT)
    }
}

impl DescribeRefreshTaskByIdResponse {
    /// The general XML decoder: any well-formed body (comments, CDATA, prefixes, entities, any
    /// order), and every error.
    pub(crate) fn decode_xml_general(body: &[u8]) -> Result<Self, DecodeError> {
        let mut xml = XmlReader::open(body, XML_ROOT)?;
        let container = || format!("<{XML_ROOT}>");
        let (mut request_id, mut total_count) = (None, None);
        // One call asks for at most ten tasks, so the service lists at most ten: room for them up
        // front spares the reallocations (and copies) of growing one task at a time.
        let mut tasks = Vec::with_capacity(crate::task_id::MAX_IDS_PER_CALL);
        while let Some(child) = xml.next_child()? {
            match child.name() {
                b"RequestId" => {
                    let text = xml.text(&child)?.into_owned();
                    set_once(&mut request_id, text, "RequestId", container, child.offset)?;
                }
                b"TotalCount" => {
                    let count: u64 = xml.parse(&child, "TotalCount")?;
                    set_once(&mut total_count, count, "TotalCount", container, child.offset)?;
                }
                b"Tasks" => {
                    let task = decode_xml_task(&mut xml, &child, "Tasks", tasks.len() + 1)?;
                    tasks.push(task);
                }
                _ => xml.skip(&child)?,
            }
        }
        xml.finish()?;
        Ok(DescribeRefreshTaskByIdResponse {
            request_id: required(request_id, "RequestId", container)?,
            tasks,
            total_count: required(total_count, "TotalCount", container)?,
        })
    }
}

/// Writes one task as the element `name` (`Tasks` here, `CDNTask` in a `DescribeRefreshTasks`
/// page).
pub(crate) fn encode_xml_task(xml: &mut XmlWriter, task: &Task, name: &str) {
    xml.open(name);
    xml.display_element("CreationTime", format_utc_timestamp(task.creation_time));
    xml.text_element(
        "Description",
        task.description.as_ref().map_or("", |d| d.as_str()),
    );
    xml.text_element("ObjectPath", &task.object_path);
    xml.text_element("ObjectType", task.object_type.as_str());
    xml.display_element("Process", task.process);
    xml.text_element("Status", task.status.as_str());
    xml.display_element("TaskId", task.task_id);
    xml.close(name);
}

/// Decodes one task element, `<name>` (the `number`th, 1-based), into a task.
pub(crate) fn decode_xml_task<'a>(
    xml: &mut XmlReader<'a>,
    element: &crate::codec::xml::Child<'a>,
    name: &str,
    number: usize,
) -> Result<Task, DecodeError> {
    let container = || format!("<{name}> number {number}");
    let mut creation_time = None;
    let mut description = None;
    let mut object_path = None;
    let mut object_type = None;
    let mut process = None;
    let mut status = None;
    let mut task_id: Option<TaskId> = None;
    // `<Tasks/>` carries no fields: every required one is reported missing below.
    if !element.is_empty() {
        while let Some(child) = xml.next_child()? {
            let offset = child.offset;
            match child.name() {
                b"CreationTime" => {
                    let time: WireTime = xml.parse(&child, "CreationTime")?;
                    set_once(&mut creation_time, time.0, "CreationTime", container, offset)?;
                }
                b"Description" => {
                    let text = xml.parse(&child, "Description")?;
                    set_once(
                        &mut description,
                        description_from_wire(text),
                        "Description",
                        container,
                        offset,
                    )?;
                }
                b"ObjectPath" => {
                    let text = xml.text(&child)?.into_owned();
                    set_once(&mut object_path, text, "ObjectPath", container, offset)?;
                }
                b"ObjectType" => {
                    let value = xml.parse(&child, "ObjectType")?;
                    set_once(&mut object_type, value, "ObjectType", container, offset)?;
                }
                b"Process" => {
                    let value = xml.parse(&child, "Process")?;
                    set_once(&mut process, value, "Process", container, offset)?;
                }
                b"Status" => {
                    let value = xml.parse(&child, "Status")?;
                    set_once(&mut status, value, "Status", container, offset)?;
                }
                b"TaskId" => {
                    let value = xml.parse(&child, "TaskId")?;
                    set_once(&mut task_id, value, "TaskId", container, offset)?;
                }
                _ => xml.skip(&child)?,
            }
        }
    }
    Ok(Task::new(
        required(task_id, "TaskId", container)?,
        required(object_path, "ObjectPath", container)?,
        required(creation_time, "CreationTime", container)?,
    )
    .with_object_type(required(object_type, "ObjectType", container)?)
    .with_status(required(status, "Status", container)?)
    .with_process(required(process, "Process", container)?)
    .with_description(
        // Like JSON: an absent Description is no failure reason.
        description.flatten(),
    ))
}
