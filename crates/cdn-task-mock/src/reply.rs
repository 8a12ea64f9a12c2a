//! Answers: success bodies and error bodies in the format asked, with the service's status codes,
//! content types and request IDs.

use crate::truncated::TruncatedBody;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use cdn_task_core::signing::VerifyError;
use cdn_task_core::{ErrorCode, Format, ParameterError, ServiceErrorBody, WireBody};
use std::time::Duration;

/// The header the service echoes the request ID in.
pub(crate) const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// The header the gateway tells a throttled caller how long to wait in, in milliseconds
/// (API-FAMILY A.6).
pub(crate) const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// Why a request is refused: a code from the core's catalogue, and any detail that makes the
/// message more useful than the catalogue's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    message: Option<String>,
    /// How long a throttled caller should wait (`x-acs-retry-after`).
    retry_after: Option<Duration>,
}

impl Failure {
    /// The catalogue's message for `code`.
    pub(crate) fn code(code: ErrorCode) -> Failure {
        Failure {
            code,
            message: None,
            retry_after: None,
        }
    }

    /// `Throttling.User`, with how long until a call is allowed again.
    pub(crate) fn throttled(wait: Duration) -> Failure {
        Failure {
            retry_after: Some(wait),
            ..Failure::code(ErrorCode::ThrottlingUser)
        }
    }

    /// `MissingParameter`, naming the parameter the way the catalogue's message names `TaskId`.
    pub(crate) fn missing(name: &str) -> Failure {
        let template = ErrorCode::MissingParameter.message().unwrap_or_default();
        Failure {
            message: Some(template.replacen("\"TaskId\"", &format!("\"{name}\""), 1)),
            ..Failure::code(ErrorCode::MissingParameter)
        }
    }

    /// `code` with the catalogue's message followed by `detail`.
    pub(crate) fn detailed(code: ErrorCode, detail: impl std::fmt::Display) -> Failure {
        let base = code.message().unwrap_or_default();
        Failure {
            message: Some(format!("{base} {detail}")),
            ..Failure::code(code)
        }
    }

    /// The message to send.
    pub(crate) fn message(&self) -> &str {
        self.message
            .as_deref()
            .or_else(|| self.code.message())
            .unwrap_or_default()
    }
}

impl From<ParameterError> for Failure {
    fn from(error: ParameterError) -> Failure {
        match &error {
            ParameterError::Missing { name } => Failure::missing(name),
            ParameterError::Invalid { code, .. } if *code == ErrorCode::InvalidParameter => {
                Failure::detailed(ErrorCode::InvalidParameter, format!("({error})"))
            }
            // `MissingParameter` for a rule between parameters ("StartTime and EndTime can not be
            // single."): the catalogue's message names `TaskId`, the rule says what is missing.
            ParameterError::Invalid {
                code: ErrorCode::MissingParameter,
                reason,
                ..
            } => Failure {
                message: Some(format!("{reason}.")),
                ..Failure::code(ErrorCode::MissingParameter)
            },
            ParameterError::Invalid {
                code: code @ (ErrorCode::SingleRequestOverLimit | ErrorCode::InvalidObjectPathMalformed),
                reason,
                ..
            } => Failure::detailed(code.clone(), format!("({reason}.)")),
            _ => Failure::code(error.error_code()),
        }
    }
}

impl From<VerifyError> for Failure {
    fn from(error: VerifyError) -> Failure {
        let code = error.error_code();
        match &error {
            // The service shows its string to sign, so a client can see where it went wrong.
            VerifyError::SignatureMismatch { string_to_sign } => {
                Failure::detailed(code, format!("server string to sign is:{string_to_sign}"))
            }
            VerifyError::Incomplete { detail } => Failure::detailed(code, format!("({detail})")),
            VerifyError::MalformedParameters { source, .. } => {
                Failure::detailed(code, format!("({error}: {source})"))
            }
            VerifyError::TooManyParameters { .. } | VerifyError::RepeatedParameter { .. } => {
                Failure::detailed(code, format!("({error})"))
            }
            _ => Failure::code(code),
        }
    }
}

/// A response ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) format: Format,
    pub(crate) body: String,
    pub(crate) request_id: String,
    /// The error code, when this is an error.
    pub(crate) error_code: Option<ErrorCode>,
    /// `x-acs-retry-after`, for a throttled call.
    pub(crate) retry_after: Option<Duration>,
}

impl Reply {
    /// `200` with `body` encoded in `format`.
    pub(crate) fn success(body: &impl WireBody, format: Format, request_id: &str) -> Reply {
        Reply {
            status: 200,
            format,
            body: body.encode(format),
            request_id: request_id.to_owned(),
            error_code: None,
            retry_after: None,
        }
    }

    /// The error body for `failure`, with the code's status.
    pub(crate) fn failure(failure: &Failure, format: Format, request_id: &str) -> Reply {
        let body = ServiceErrorBody::with_message(failure.code.clone(), failure.message(), request_id);
        Reply {
            status: failure.code.http_status().unwrap_or(500),
            format,
            body: body.encode(format),
            request_id: request_id.to_owned(),
            error_code: Some(failure.code.clone()),
            retry_after: failure.retry_after,
        }
    }

    /// The HTTP response; with `truncate`, its body is cut off halfway.
    pub(crate) fn into_response(self, truncate: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = if truncate {
            Body::new(TruncatedBody::new(self.body.into_bytes()))
        } else {
            Body::from(self.body)
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.format.content_type()),
        );
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            headers.insert(REQUEST_ID_HEADER, value);
        }
        if let Some(wait) = self.retry_after {
            // Whole milliseconds, rounded up, and at least one: a client that waits this long
            // is allowed, and a zero would be ignored (the SDK takes only positive values).
            let millis = wait.as_nanos().div_ceil(1_000_000).max(1);
            headers.insert(
                RETRY_AFTER_HEADER,
                HeaderValue::from(u64::try_from(millis).unwrap_or(u64::MAX)),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_catalogue_with_useful_detail() {
        assert_eq!(
            Failure::missing("ObjectPath").message(),
            "The input parameter \"ObjectPath\" that is mandatory for processing this request is not supplied."
        );
        assert_eq!(
            Failure::code(ErrorCode::InvalidTaskIdMalformed).message(),
            "The specified TaskId is invalid."
        );
        let detailed = Failure::detailed(ErrorCode::InvalidParameter, "The query string is malformed.");
        assert_eq!(
            detailed.message(),
            "The specified parameter is invalid. The query string is malformed."
        );
    }

    #[test]
    fn parameter_errors_keep_their_codes() {
        let missing = Failure::from(ParameterError::Missing { name: "TaskId" });
        assert_eq!(missing.code, ErrorCode::MissingParameter);
        assert_eq!(missing.message(), ErrorCode::MissingParameter.message().unwrap());
        let too_many: Failure = "1,2,3,4,5,6,7,8,9,10,11"
            .parse::<cdn_task_core::TaskIdList>()
            .map_err(ParameterError::from)
            .unwrap_err()
            .into();
        assert_eq!(too_many.code, ErrorCode::InvalidTaskIdTooMany);
        assert_eq!(too_many.message(), "The maximum number of taskIds is 10.");
    }

    #[test]
    fn error_replies_carry_status_format_and_request_id() {
        let reply = Reply::failure(&Failure::code(ErrorCode::ThrottlingUser), Format::Json, "RID");
        assert_eq!(reply.status, 400);
        assert_eq!(reply.error_code, Some(ErrorCode::ThrottlingUser));
        let body = ServiceErrorBody::decode_json(reply.body.as_bytes()).unwrap();
        assert_eq!(body.request_id, "RID");
        assert_eq!(body.host_id, "cdn.aliyuncs.com");
        assert!(body.recommend.unwrap().contains("Throttling.User"));
        let response = reply.into_response(false);
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=utf-8"
        );
        assert_eq!(response.headers()[REQUEST_ID_HEADER], "RID");
        assert!(response.headers().get(RETRY_AFTER_HEADER).is_none());
        let throttled = Reply::failure(
            &Failure::throttled(Duration::from_micros(33_400)),
            Format::Json,
            "R",
        );
        assert_eq!(throttled.into_response(false).headers()[RETRY_AFTER_HEADER], "34");
        let xml = Reply::failure(
            &Failure::code(ErrorCode::InvalidActionNotFound),
            Format::Xml,
            "R2",
        );
        assert_eq!(xml.status, 404);
        assert!(xml.body.contains("<Code>InvalidAction.NotFound</Code>"));
        assert_eq!(
            xml.into_response(false).headers()["content-type"],
            "text/xml;charset=utf-8"
        );
    }
}
