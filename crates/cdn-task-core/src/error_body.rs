//! The service's error body: what it says when it says no.

use crate::codec::xml::{XmlWriter, decode_flat, required};
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
#[non_exhaustive]
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
        let [request_id, host_id, code, message, recommend] = decode_flat(
            body,
            XML_ROOT,
            ["RequestId", "HostId", "Code", "Message", "Recommend"],
        )?;
        let container = || format!("<{XML_ROOT}>");
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
        let mut fields = vec![
            ("RequestId", self.request_id.as_str()),
            ("HostId", &self.host_id),
            ("Code", self.code.as_str()),
            ("Message", &self.message),
        ];
        if let Some(recommend) = &self.recommend {
            fields.push(("Recommend", recommend));
        }
        XmlWriter::flat(XML_ROOT, &fields)
    }
}
