//! What an HTTP answer means, for an adapter on any HTTP client: given the status, the headers
//! that matter and the body, the operation's decoded response or a typed error. The HTTP client
//! (`cdn-task-http`) and any embedder on another client get the same results.
//!
//! ```
//! use cdn_task_core::answer::{AnswerError, HttpAnswer, interpret};
//! use cdn_task_core::{DescribeRefreshTaskByIdResponse, ErrorCode, Format};
//!
//! let ok = br#"{"RequestId":"R1","Tasks":[],"TotalCount":0}"#;
//! let response: DescribeRefreshTaskByIdResponse =
//!     interpret(&HttpAnswer::new(200, ok).with_content_type("application/json"), Format::Json)?;
//! assert_eq!(response.request_id, "R1");
//!
//! let throttled = br#"{"RequestId":"R2","HostId":"cdn.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#;
//! let answer = HttpAnswer::new(400, throttled).with_request_id("R2").with_retry_after_header("1500");
//! let Err(AnswerError::Service(error)) = interpret::<DescribeRefreshTaskByIdResponse>(&answer, Format::Json) else {
//!     unreachable!()
//! };
//! assert_eq!(error.body.code, ErrorCode::ThrottlingUser);
//! assert!(error.retryable && error.is_throttling());
//! assert_eq!(error.retry_after, Some(std::time::Duration::from_millis(1500)));
//!
//! // A body cut short is a decode error worth retrying.
//! let cut = interpret::<DescribeRefreshTaskByIdResponse>(&HttpAnswer::new(200, &ok[..20]), Format::Json);
//! assert!(matches!(cut, Err(AnswerError::Decode(error)) if error.retryable));
//! # Ok::<(), AnswerError>(())
//! ```

use crate::codec::{DecodeError, JsonErrorKind, WireBody};
use crate::error_body::ServiceErrorBody;
use crate::request::Format;
use std::time::Duration;

/// The header holding the service's ID for a call.
pub const REQUEST_ID_HEADER: &str = "x-acs-request-id";
/// The header in which a gateway says how long to wait, in milliseconds.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// An HTTP answer as read off the wire: what interpreting it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpAnswer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The `x-acs-request-id` header, if any.
    pub request_id: Option<&'a str>,
    /// The `x-acs-retry-after` header, when it held a positive number of milliseconds.
    pub retry_after: Option<Duration>,
    /// The whole body.
    pub body: &'a [u8],
}

impl<'a> HttpAnswer<'a> {
    /// An answer with `status` and `body`, no headers.
    pub fn new(status: u16, body: &'a [u8]) -> HttpAnswer<'a> {
        HttpAnswer {
            status,
            content_type: None,
            request_id: None,
            retry_after: None,
            body,
        }
    }

    /// Sets the `Content-Type` header.
    #[must_use]
    pub fn with_content_type(mut self, content_type: &'a str) -> HttpAnswer<'a> {
        self.content_type = Some(content_type);
        self
    }

    /// Sets the `x-acs-request-id` header.
    #[must_use]
    pub fn with_request_id(mut self, request_id: &'a str) -> HttpAnswer<'a> {
        self.request_id = Some(request_id);
        self
    }

    /// Sets the wait the gateway asked for, already parsed.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> HttpAnswer<'a> {
        self.retry_after = retry_after;
        self
    }

    /// Sets the wait from the `x-acs-retry-after` header's text ([`parse_retry_after`]).
    #[must_use]
    pub fn with_retry_after_header(self, value: &str) -> HttpAnswer<'a> {
        self.with_retry_after(parse_retry_after(value))
    }
}

/// `x-acs-retry-after`: a positive whole number of milliseconds; anything else is ignored, as
/// the official SDKs ignore it (API-FAMILY A.6).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|millis| *millis > 0)
        .map(Duration::from_millis)
}

/// What an answer that is not the operation's response is. Closed on purpose (not
/// `#[non_exhaustive]`): these are the ways an HTTP answer can fail, and each adapter maps every
/// one to its own error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A 3xx: the API never redirects (a proxy or a wrong endpoint does), and following one
    /// would hand the signed request to another address.
    #[error(
        "the endpoint answered HTTP {http_status}, a redirect; the API never redirects, so it is not followed"
    )]
    Redirect {
        /// The HTTP status.
        http_status: u16,
    },
    /// The service answered with its error body.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// The body could not be decoded (as the response for a 2xx, as an error body otherwise).
    #[error(transparent)]
    Decode(Box<UndecodableAnswer>),
}

/// The service's error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the service answered {} (HTTP {http_status}): {} (request ID {})", body.code, body.message, body.request_id)]
#[non_exhaustive]
pub struct ServiceError {
    /// The error body: code, message, request ID, `Recommend`, `HostId`.
    pub body: ServiceErrorBody,
    /// The HTTP status.
    pub http_status: u16,
    /// How long the gateway asked to wait before the next call (`x-acs-retry-after`).
    pub retry_after: Option<Duration>,
    /// Whether to retry: throttling and server-side failures by the catalogue
    /// ([`ErrorCode::is_retryable`](crate::ErrorCode::is_retryable)), and any error that says
    /// how long to wait.
    pub retryable: bool,
}

impl ServiceError {
    /// The error answer `body` with `http_status` and the wait the gateway asked for, if any.
    /// Retried when the catalogue says so for the code and status, and whenever a wait was asked
    /// for: any error answer that says how long to wait is throttling, whatever its code, as the
    /// official SDKs read it (API-FAMILY A.6).
    pub fn new(body: ServiceErrorBody, http_status: u16, retry_after: Option<Duration>) -> ServiceError {
        ServiceError {
            retryable: body.code.is_retryable(http_status) || retry_after.is_some(),
            retry_after,
            body,
            http_status,
        }
    }

    /// Whether the service throttled the call: a throttling code, HTTP 429, or a wait asked for.
    pub fn is_throttling(&self) -> bool {
        self.body.code.is_throttling() || self.http_status == 429 || self.retry_after.is_some()
    }
}

/// An answer whose body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer (HTTP {http_status}, request ID {}) could not be decoded", request_id.as_deref().unwrap_or("unknown"))]
#[non_exhaustive]
pub struct UndecodableAnswer {
    /// The HTTP status.
    pub http_status: u16,
    /// The `x-acs-request-id` header, when the answer had one.
    pub request_id: Option<String>,
    /// The format the body was read as.
    pub format: Format,
    /// What the decoder found.
    #[source]
    pub source: DecodeError,
    /// Whether to retry: HTTP 429 or 5xx, or a body that ends before its document does (cut
    /// short on the way).
    pub retryable: bool,
}

impl UndecodableAnswer {
    /// The decode failure `source` of `body` read as `format`, answered with `http_status`.
    pub fn new(
        http_status: u16,
        request_id: Option<String>,
        format: Format,
        body: &[u8],
        source: DecodeError,
    ) -> UndecodableAnswer {
        let retryable = http_status == 429 || http_status >= 500 || ends_early(format, &source, body);
        UndecodableAnswer {
            http_status,
            request_id,
            format,
            source,
            retryable,
        }
    }
}

/// Whether a body ends before its document does: the decoder ran out of input, or the body's
/// last non-blank byte cannot end a document of its format (`}` for JSON, `>` for XML).
fn ends_early(format: Format, error: &DecodeError, body: &[u8]) -> bool {
    let ran_out = match error {
        DecodeError::Json {
            kind: JsonErrorKind::Truncated,
            ..
        } => true,
        DecodeError::XmlSyntax { offset, .. } => {
            usize::try_from(*offset).is_ok_and(|offset| offset >= body.len())
        }
        _ => false,
    };
    let closing = match format {
        Format::Json => b'}',
        Format::Xml => b'>',
    };
    ran_out || body.trim_ascii().last() != Some(&closing)
}

/// The format an answer's body is in: by `Content-Type`, else by its first non-blank byte
/// (`<` or `{`), else the format asked for.
fn body_format(content_type: Option<&str>, body: &[u8], asked: Format) -> Format {
    let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
    if content_type.contains("json") {
        return Format::Json;
    }
    if content_type.contains("xml") {
        return Format::Xml;
    }
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'<') => Format::Xml,
        Some(b'{') => Format::Json,
        _ => asked,
    }
}

/// What `answer` means for a call that asked for `asked`: the decoded response `R` for a 2xx,
/// [`AnswerError::Redirect`] for a 3xx, the service's error ([`ServiceError`]) otherwise, or
/// [`AnswerError::Decode`] when the body cannot be read. The body's format is taken from
/// `Content-Type`, else from its first byte, else `asked`.
pub fn interpret<R: WireBody>(answer: &HttpAnswer<'_>, asked: Format) -> Result<R, AnswerError> {
    if (300..400).contains(&answer.status) {
        return Err(AnswerError::Redirect {
            http_status: answer.status,
        });
    }
    let format = body_format(answer.content_type, answer.body, asked);
    let undecodable = |source| {
        AnswerError::Decode(Box::new(UndecodableAnswer::new(
            answer.status,
            answer.request_id.map(str::to_owned),
            format,
            answer.body,
            source,
        )))
    };
    if (200..300).contains(&answer.status) {
        return R::decode(format, answer.body).map_err(undecodable);
    }
    let body = ServiceErrorBody::decode(format, answer.body).map_err(undecodable)?;
    Err(AnswerError::Service(Box::new(ServiceError::new(
        body,
        answer.status,
        answer.retry_after,
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DescribeRefreshTaskByIdResponse, ErrorCode};

    type Response = DescribeRefreshTaskByIdResponse;

    #[test]
    fn success_in_either_format_whatever_was_asked() {
        let response = Response::new("R", Vec::new());
        for format in [Format::Json, Format::Xml] {
            let body = response.encode(format);
            let answer = HttpAnswer::new(200, body.as_bytes()).with_content_type(format.content_type());
            assert_eq!(interpret::<Response>(&answer, Format::Json), Ok(response.clone()));
            // No Content-Type: the first byte tells.
            assert_eq!(
                interpret::<Response>(&HttpAnswer::new(200, body.as_bytes()), Format::Xml),
                Ok(response.clone())
            );
        }
    }

    #[test]
    fn error_bodies_decode_by_content_type_or_sniffing() {
        let json = ServiceErrorBody::for_code(ErrorCode::InvalidTaskIdMalformed, "R1").encode_json();
        let xml = ServiceErrorBody::for_code(ErrorCode::ThrottlingUser, "R2").encode_xml();
        let cases = [
            (
                Some("application/json"),
                json.as_str(),
                ErrorCode::InvalidTaskIdMalformed,
                false,
            ),
            (
                Some("text/xml;charset=utf-8"),
                xml.as_str(),
                ErrorCode::ThrottlingUser,
                true,
            ),
            (None, json.as_str(), ErrorCode::InvalidTaskIdMalformed, false),
            (None, xml.as_str(), ErrorCode::ThrottlingUser, true),
            (Some("text/plain"), xml.as_str(), ErrorCode::ThrottlingUser, true),
        ];
        for (content_type, body, code, retryable) in cases {
            let mut answer = HttpAnswer::new(400, body.as_bytes());
            answer.content_type = content_type;
            let Err(AnswerError::Service(error)) = interpret::<Response>(&answer, Format::Json) else {
                panic!("{body}");
            };
            assert_eq!(
                (&error.body.code, error.retryable, error.http_status),
                (&code, retryable, 400)
            );
            assert!(error.body.request_id.starts_with('R'));
            assert!(error.body.recommend.is_some() && !error.body.host_id.is_empty());
        }
    }

    #[test]
    fn a_retry_after_header_makes_any_error_throttling() {
        let body = ServiceErrorBody::for_code(
            "Busy".parse::<ErrorCode>().unwrap_or(ErrorCode::InternalError),
            "R",
        )
        .encode_json();
        let plain = HttpAnswer::new(400, body.as_bytes());
        let Err(AnswerError::Service(error)) = interpret::<Response>(&plain, Format::Json) else {
            panic!()
        };
        assert!(!error.retryable && !error.is_throttling());
        for ignored in ["0", "-5", "soon", ""] {
            assert_eq!(parse_retry_after(ignored), None, "{ignored}");
        }
        let told = plain.with_retry_after_header(" 250 ");
        let Err(AnswerError::Service(error)) = interpret::<Response>(&told, Format::Json) else {
            panic!()
        };
        assert!(error.retryable && error.is_throttling());
        assert_eq!(error.retry_after, Some(Duration::from_millis(250)));
    }

    #[test]
    fn undecodable_answers_are_retryable_by_status_or_when_cut_short() {
        let gateway = HttpAnswer::new(502, b"<html>Bad Gateway</html>").with_request_id("HDR");
        let Err(AnswerError::Decode(error)) = interpret::<Response>(&gateway, Format::Json) else {
            panic!()
        };
        assert_eq!(
            (error.http_status, error.request_id.as_deref(), error.retryable),
            (502, Some("HDR"), true)
        );
        let garbage = HttpAnswer::new(400, b"{\"Oops\":1}");
        let Err(AnswerError::Decode(error)) = interpret::<Response>(&garbage, Format::Json) else {
            panic!()
        };
        assert!(!error.retryable);
        let whole = Response::new("R", Vec::new()).encode_xml();
        for cut in [&whole[..whole.len() - 3], &whole[..10], ""] {
            let answer = HttpAnswer::new(200, cut.as_bytes()).with_content_type("text/xml");
            let Err(AnswerError::Decode(error)) = interpret::<Response>(&answer, Format::Xml) else {
                panic!("{cut}")
            };
            assert!(error.retryable, "{cut:?}");
        }
    }

    #[test]
    fn any_one_of_code_status_or_wait_is_throttling() {
        let error = |code: ErrorCode, status: u16, wait: Option<Duration>| {
            ServiceError::new(ServiceErrorBody::for_code(code, "R"), status, wait)
        };
        let wait = Some(Duration::from_secs(1));
        assert!(!error(ErrorCode::InvalidTaskIdMalformed, 400, None).is_throttling());
        assert!(error(ErrorCode::ThrottlingUser, 400, None).is_throttling());
        assert!(error(ErrorCode::InvalidTaskIdMalformed, 429, None).is_throttling());
        assert!(error(ErrorCode::InvalidTaskIdMalformed, 400, wait).is_throttling());
    }

    #[test]
    fn bodies_cut_just_after_a_closing_byte_are_still_cut_short() {
        // Each ends on the byte that could end its format's document, but the decoder runs out.
        for (format, cut) in [
            (Format::Json, r#"{"RequestId":"R","Unknown":{}"#),
            (
                Format::Xml,
                "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>",
            ),
        ] {
            let answer = HttpAnswer::new(200, cut.as_bytes()).with_content_type(format.content_type());
            let Err(AnswerError::Decode(error)) = interpret::<Response>(&answer, format) else {
                panic!("{cut}")
            };
            assert!(error.retryable, "{cut}: {:?}", error.source);
        }
        // Malformed before its end, and ending where a document may: not cut short.
        let wrong = "<DescribeRefreshTaskByIdResponse><RequestId>R</Wrong></DescribeRefreshTaskByIdResponse>";
        let answer = HttpAnswer::new(200, wrong.as_bytes()).with_content_type("text/xml");
        let Err(AnswerError::Decode(error)) = interpret::<Response>(&answer, Format::Xml) else {
            panic!("{wrong}")
        };
        assert!(
            matches!(error.source, DecodeError::XmlSyntax { .. }),
            "{:?}",
            error.source
        );
        assert!(!error.retryable);
    }

    #[test]
    fn redirects_are_errors() {
        let answer = HttpAnswer::new(307, b"");
        assert_eq!(
            interpret::<Response>(&answer, Format::Json),
            Err(AnswerError::Redirect { http_status: 307 })
        );
    }
}
