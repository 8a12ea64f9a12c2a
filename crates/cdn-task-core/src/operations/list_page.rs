//! What `DescribeRefreshTasks` answers: one page of tasks, wrapped as `"Tasks":{"CDNTask":[…]}`
//! in JSON and `<Tasks><CDNTask>…</CDNTask></Tasks>` in XML (unlike the by-ID answer's bare
//! list), decoded into the same [`Task`] as the by-ID answer.

use super::list::{PageNumber, PageSize};
use crate::codec::xml::{XmlReader, XmlWriter, required, set_once};
use crate::codec::{DecodeError, WireBody, fast, json};
use crate::response::{decode_xml_task, encode_xml_task};
use crate::task::Task;

/// The XML root element of the answer.
pub(crate) const XML_ROOT: &str = "DescribeRefreshTasksResponse";
/// The element (and JSON key) of one task in a page.
pub(crate) const TASK_ELEMENT: &str = "CDNTask";

/// One page of `DescribeRefreshTasks`.
///
/// ```
/// use cdn_task_core::{DescribeRefreshTasksResponse, WireBody};
/// let body = br#"{"RequestId":"R","PageNumber":1,"PageSize":20,"TotalCount":1,"Tasks":{"CDNTask":[
///   {"TaskId":"704225667","ObjectPath":"http://aaa.com/1.txt","Process":"100%","Status":"Complete",
///    "CreationTime":"2014-11-27T08:23:22Z","Description":"","ObjectType":"file"}]}}"#;
/// let page = DescribeRefreshTasksResponse::decode_json(body)?;
/// assert_eq!(page.tasks[0].object_path, "http://aaa.com/1.txt");
/// assert!(!page.has_more());
/// # Ok::<(), cdn_task_core::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeRefreshTasksResponse {
    /// The service's ID for this call.
    pub request_id: String,
    /// The page's number (`PageNumber`).
    pub page_number: u64,
    /// The page size (`PageSize`).
    pub page_size: u64,
    /// How many tasks match in all pages (`TotalCount`).
    pub total_count: u64,
    /// The tasks of this page, in the service's order. An absent `Tasks` or `CDNTask` decodes as
    /// empty (API-FAMILY A.4 leaves the empty page open).
    pub tasks: Vec<Task>,
}

impl DescribeRefreshTasksResponse {
    /// The first page of the default size holding `tasks`, all there are.
    pub fn new(request_id: impl Into<String>, tasks: Vec<Task>) -> Self {
        DescribeRefreshTasksResponse {
            request_id: request_id.into(),
            page_number: u64::from(PageNumber::FIRST.get()),
            page_size: u64::from(PageSize::DEFAULT.get()),
            total_count: tasks.len() as u64,
            tasks,
        }
    }

    /// The same page numbered `page` of `size`, out of `total_count` matching tasks.
    #[must_use]
    pub fn with_paging(mut self, page: PageNumber, size: PageSize, total_count: u64) -> Self {
        self.page_number = u64::from(page.get());
        self.page_size = u64::from(size.get());
        self.total_count = total_count;
        self
    }

    /// Whether later pages hold more tasks: this page is full and does not reach the total.
    pub fn has_more(&self) -> bool {
        let seen = self.page_number.saturating_mul(self.page_size);
        self.tasks.len() as u64 == self.page_size && self.page_size > 0 && seen < self.total_count
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PageWire {
    request_id: String,
    page_number: u64,
    page_size: u64,
    total_count: u64,
    #[serde(default)]
    tasks: Option<CdnTasks>,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct CdnTasks {
    #[serde(rename = "CDNTask", default)]
    cdn_task: Option<Vec<Task>>,
}

impl DescribeRefreshTasksResponse {
    /// The general JSON decoder (serde_json): any valid body, and every error.
    pub(crate) fn decode_json_general(body: &[u8]) -> Result<Self, DecodeError> {
        let wire: PageWire = json::decode(body)?;
        Ok(DescribeRefreshTasksResponse {
            request_id: wire.request_id,
            page_number: wire.page_number,
            page_size: wire.page_size,
            total_count: wire.total_count,
            tasks: wire.tasks.and_then(|tasks| tasks.cdn_task).unwrap_or_default(),
        })
    }

    /// The general XML decoder: any well-formed body (comments, CDATA, prefixes, entities, any
    /// order), and every error.
    pub(crate) fn decode_xml_general(body: &[u8]) -> Result<Self, DecodeError> {
        let mut xml = XmlReader::open(body, XML_ROOT)?;
        let container = || format!("<{XML_ROOT}>");
        let (mut request_id, mut page_number, mut page_size, mut total_count) = (None, None, None, None);
        let mut wrapper_seen = None;
        let mut tasks = Vec::new();
        while let Some(child) = xml.next_child()? {
            let offset = child.offset;
            match child.name() {
                b"RequestId" => {
                    let text = xml.text(&child)?.into_owned();
                    set_once(&mut request_id, text, "RequestId", container, offset)?;
                }
                b"PageNumber" => {
                    let value = xml.parse(&child, "PageNumber")?;
                    set_once(&mut page_number, value, "PageNumber", container, offset)?;
                }
                b"PageSize" => {
                    let value = xml.parse(&child, "PageSize")?;
                    set_once(&mut page_size, value, "PageSize", container, offset)?;
                }
                b"TotalCount" => {
                    let value = xml.parse(&child, "TotalCount")?;
                    set_once(&mut total_count, value, "TotalCount", container, offset)?;
                }
                b"Tasks" => {
                    set_once(&mut wrapper_seen, (), "Tasks", container, offset)?;
                    if child.is_empty() {
                        continue;
                    }
                    while let Some(task) = xml.next_child()? {
                        if task.name() == TASK_ELEMENT.as_bytes() {
                            tasks.push(decode_xml_task(&mut xml, &task, TASK_ELEMENT, tasks.len() + 1)?);
                        } else {
                            xml.skip(&task)?;
                        }
                    }
                }
                _ => xml.skip(&child)?,
            }
        }
        xml.finish()?;
        Ok(DescribeRefreshTasksResponse {
            request_id: required(request_id, "RequestId", container)?,
            page_number: required(page_number, "PageNumber", container)?,
            page_size: required(page_size, "PageSize", container)?,
            total_count: required(total_count, "TotalCount", container)?,
            tasks,
        })
    }
}

impl WireBody for DescribeRefreshTasksResponse {
    // Both decoders try the fast path first (`codec::fast`): it reads the service's own pages
    // and gives up on anything else, leaving the body to the general decoder, which decides
    // every error.
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        fast::task_page::decode_json(body).map_or_else(|| Self::decode_json_general(body), Ok)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        fast::task_page::decode_xml(body).map_or_else(|| Self::decode_xml_general(body), Ok)
    }

    fn encode_json(&self) -> String {
        json::encode(&PageWire {
            request_id: self.request_id.clone(),
            page_number: self.page_number,
            page_size: self.page_size,
            total_count: self.total_count,
            tasks: Some(CdnTasks {
                cdn_task: Some(self.tasks.clone()),
            }),
        })
    }

    fn encode_xml(&self) -> String {
        let mut xml = XmlWriter::new(XML_ROOT);
        xml.text_element("RequestId", &self.request_id);
        xml.display_element("PageNumber", self.page_number);
        xml.display_element("PageSize", self.page_size);
        xml.display_element("TotalCount", self.total_count);
        xml.open("Tasks");
        for task in &self.tasks {
            encode_xml_task(&mut xml, task, TASK_ELEMENT);
        }
        xml.close("Tasks");
        xml.finish(XML_ROOT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, ObjectType, Process, TaskStatus, parse_utc_timestamp};

    fn task(n: u64) -> Task {
        Task::new(
            crate::TaskId::try_from(n).unwrap(),
            format!("http://a.com/{n}?x=1&y=2"),
            parse_utc_timestamp("2026-11-30T01:02:03Z").unwrap(),
        )
        .with_object_type(ObjectType::Directory)
        .with_status(TaskStatus::Pending)
        .with_process(Process::ZERO)
    }

    #[test]
    fn pages_round_trip_in_both_formats() {
        for count in [0, 1, 3] {
            let page = DescribeRefreshTasksResponse::new("R", (1..=count).map(task).collect()).with_paging(
                PageNumber::new(2).unwrap(),
                PageSize::new(3).unwrap(),
                9,
            );
            for format in [Format::Json, Format::Xml] {
                let body = page.encode(format);
                assert_eq!(
                    DescribeRefreshTasksResponse::decode(format, body.as_bytes()),
                    Ok(page.clone()),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn the_documented_xml_sample_decodes() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeRefreshTasksResponse>
  <Tasks>
    <CDNTask><CreationTime>2014-11-27T08:23:22Z</CreationTime><ObjectPath>http://aaa.com/1.txt</ObjectPath>
      <Status>Complete</Status><TaskId>704225667</TaskId><ObjectType>file</ObjectType><Process>100%</Process></CDNTask>
    <CDNTask><CreationTime>2014-11-27T08:18:38Z</CreationTime><ObjectPath>http://aaa.com/2.txt</ObjectPath>
      <Status>Refreshing</Status><TaskId>704225101</TaskId><ObjectType>file</ObjectType><Process>10%</Process></CDNTask>
  </Tasks>
  <PageNumber>1</PageNumber><PageSize>10</PageSize><TotalCount>2</TotalCount>
  <RequestId>174F6032-AA26-470D-B90E-36F0EB205BEE</RequestId>
</DescribeRefreshTasksResponse>"#;
        let page = DescribeRefreshTasksResponse::decode_xml(body).unwrap();
        assert_eq!(page.tasks.len(), 2);
        assert_eq!(page.tasks[1].status, TaskStatus::Refreshing);
        assert_eq!((page.page_size, page.total_count), (10, 2));
    }

    #[test]
    fn missing_wrappers_are_empty_pages_and_errors_name_the_element() {
        for body in [
            &br#"{"RequestId":"R","PageNumber":1,"PageSize":20,"TotalCount":0}"#[..],
            br#"{"RequestId":"R","PageNumber":1,"PageSize":20,"TotalCount":0,"Tasks":{}}"#,
        ] {
            assert!(
                DescribeRefreshTasksResponse::decode_json(body)
                    .unwrap()
                    .tasks
                    .is_empty()
            );
        }
        let xml = b"<DescribeRefreshTasksResponse><RequestId>R</RequestId><PageNumber>1</PageNumber>\
            <PageSize>20</PageSize><TotalCount>0</TotalCount><Tasks/></DescribeRefreshTasksResponse>";
        assert!(
            DescribeRefreshTasksResponse::decode_xml(xml)
                .unwrap()
                .tasks
                .is_empty()
        );
        let broken = b"<DescribeRefreshTasksResponse><RequestId>R</RequestId><PageNumber>1</PageNumber>\
            <PageSize>20</PageSize><TotalCount>1</TotalCount><Tasks><CDNTask><TaskId>1</TaskId></CDNTask></Tasks>\
            </DescribeRefreshTasksResponse>";
        let error = DescribeRefreshTasksResponse::decode_xml(broken).unwrap_err();
        assert!(error.to_string().contains("<CDNTask> number 1"), "{error}");
    }

    #[test]
    fn more_pages_follow_a_full_page_short_of_the_total() {
        let size = PageSize::new(2).unwrap();
        let page = |number: u32, count: u64, total: u64| {
            DescribeRefreshTasksResponse::new("R", (1..=count).map(task).collect()).with_paging(
                PageNumber::new(number).unwrap(),
                size,
                total,
            )
        };
        assert!(page(1, 2, 5).has_more());
        assert!(page(2, 2, 5).has_more());
        assert!(!page(3, 1, 5).has_more());
        assert!(!page(1, 2, 2).has_more());
        assert!(!page(1, 0, 0).has_more());
        // A page size of 0 (as a service could answer) never promises more: no page would hold it.
        let mut zero = page(1, 0, 5);
        zero.page_size = 0;
        assert!(!zero.has_more());
    }
}
