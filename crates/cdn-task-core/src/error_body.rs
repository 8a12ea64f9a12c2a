//! The service's error body: what it says when it says no.

use crate::codec::xml::{XmlReader, XmlWriter, required, set_once};
use crate::codec::{DecodeError, WireBody, json};
use crate::error_code::ErrorCode;
use std::fmt;

/// The XML root element of an error body.
const XML_ROOT: &str = "Error";

/// The host the service names in `HostId`.
pub const HOST_ID: &str = "cdn.aliyuncs.com";

/// An error body (`RequestId`, `HostId`, `Code`, `Message`, `Recommend`).
///
/// ```
/// use cdn_task_core::{ErrorCode, ServiceErrorBody, WireBody};
/// let body = ServiceErrorBody::for_code(ErrorCode::InvalidTaskIdMalformed, "8906582E");
/// let xml = body.encode_xml();
/// assert!(xml.contains("<Code>InvalidTaskId.Malformed</Code>"));
/// assert_eq!(ServiceErrorBody::decode_xml(xml.as_bytes()).unwrap(), body);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceErrorBody {
    /// The service's ID for the failed call.
    pub request_id: String,
    /// The host that answered.
    #[serde(default)]
    pub host_id: String,
    /// The error code.
    pub code: ErrorCode,
    /// The service's message.
    #[serde(default)]
    pub message: String,
    /// A troubleshooting link, when the service gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommend: Option<String>,
}

impl ServiceErrorBody {
    /// The body the service sends for `code`, with its catalogue message and a troubleshooting
    /// link for `request_id`.
    pub fn for_code(code: ErrorCode, request_id: impl Into<String>) -> ServiceErrorBody {
        let message = code.message().unwrap_or_default().to_owned();
        ServiceErrorBody::with_message(code, message, request_id)
    }

    /// Like [`for_code`](Self::for_code) with a specific message.
    pub fn with_message(
        code: ErrorCode,
        message: impl Into<String>,
        request_id: impl Into<String>,
    ) -> ServiceErrorBody {
        let request_id = request_id.into();
        let recommend = format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product=Cdn&requestId={request_id}",
            code = code.as_str()
        );
        ServiceErrorBody {
            request_id,
            host_id: HOST_ID.to_owned(),
            code,
            message: message.into(),
            recommend: Some(recommend),
        }
    }
}

impl fmt::Display for ServiceErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (request ID {})",
            self.code, self.message, self.request_id
        )
    }
}

impl WireBody for ServiceErrorBody {
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        json::decode(body)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        let mut xml = XmlReader::open(body, XML_ROOT)?;
        let container = || format!("<{XML_ROOT}>");
        let (mut request_id, mut host_id, mut code, mut message, mut recommend) =
            (None, None, None, None, None);
        while let Some(child) = xml.next_child()? {
            let offset = child.offset;
            let slot = match child.name() {
                b"RequestId" => (&mut request_id, "RequestId"),
                b"HostId" => (&mut host_id, "HostId"),
                b"Code" => (&mut code, "Code"),
                b"Message" => (&mut message, "Message"),
                b"Recommend" => (&mut recommend, "Recommend"),
                _ => {
                    xml.skip(&child)?;
                    continue;
                }
            };
            let text = xml.text(&child)?.into_owned();
            set_once(slot.0, text, slot.1, container, offset)?;
        }
        xml.finish()?;
        let code: String = required(code, "Code", container)?;
        Ok(ServiceErrorBody {
            request_id: required(request_id, "RequestId", container)?,
            host_id: host_id.unwrap_or_default(),
            code: code
                .parse()
                .unwrap_or_else(|never: std::convert::Infallible| match never {}),
            message: message.unwrap_or_default(),
            recommend,
        })
    }

    fn encode_json(&self) -> String {
        json::encode(self)
    }

    fn encode_xml(&self) -> String {
        let mut xml = XmlWriter::new(XML_ROOT);
        xml.text_element("RequestId", &self.request_id);
        xml.text_element("HostId", &self.host_id);
        xml.text_element("Code", self.code.as_str());
        xml.text_element("Message", &self.message);
        if let Some(recommend) = &self.recommend {
            xml.text_element("Recommend", recommend);
        }
        xml.finish(XML_ROOT)
    }
}
