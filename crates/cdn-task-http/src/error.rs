//! The client's error type: "the service said no" kept apart from transport, timeout, decode,
//! invalid-input and credentials errors.

use crate::credentials::CredentialsError;
#[cfg(test)]
use cdn_task_core::Format;
use cdn_task_core::signing::redact_secrets;
use cdn_task_core::{DecodeError, ErrorCode, ParameterError, PlanError, PurgeKind, WaitPolicyError};
use std::time::Duration;

/// Everything a client call can fail with. No variant ever holds an AccessKey secret or an STS
/// token: transport errors are stripped of the request URL (which carries the RPC scheme's
/// `SecurityToken`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error body.
    #[error("the service answered {code} (HTTP {http_status}): {message} (request ID {request_id})")]
    Service {
        /// The error code (`Code`).
        code: ErrorCode,
        /// The service's message (`Message`).
        message: String,
        /// The service's ID for the call (`RequestId`): quote it in support requests.
        request_id: String,
        /// The HTTP status.
        http_status: u16,
        /// Whether the client retries this error (throttling and server-side failures).
        retryable: bool,
        /// How long the gateway asked to wait before the next call (`x-acs-retry-after`).
        retry_after: Option<Duration>,
    },
    /// The request could not be sent or the answer could not be read: connection refused or
    /// dropped, TLS failure, a body cut short.
    #[error("transport error: {detail}")]
    Transport {
        /// What went wrong, with the causes joined by `: `.
        detail: String,
        /// The HTTP library's error, URL removed.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// No complete answer within the per-attempt timeout.
    #[error("no complete answer within the per-attempt timeout of {after:?}")]
    Timeout {
        /// The per-attempt timeout that ran out.
        after: Duration,
    },
    /// The answer's body could not be decoded.
    #[error("the answer (HTTP {http_status}, request ID {}) could not be decoded: {source}",
        request_id.as_deref().unwrap_or("unknown"))]
    Decode {
        /// The HTTP status of the answer.
        http_status: u16,
        /// The `x-acs-request-id` header, when the answer had one.
        request_id: Option<String>,
        /// What the decoder found.
        #[source]
        source: DecodeError,
        /// Whether the client retries it (see [`Error::is_retryable`]).
        retryable: bool,
    },
    /// The service answered with a redirect. The API never redirects (a proxy or a wrong
    /// endpoint does), and following one would hand the signed request, and its security token,
    /// to another address: it is not followed.
    #[error("the endpoint answered HTTP {http_status}, a redirect{}; the API never redirects, so it is not followed: check the endpoint",
        location.as_deref().map(|to| format!(" to `{to}`")).unwrap_or_default())]
    Redirect {
        /// The HTTP status (301, 302, 307, …).
        http_status: u16,
        /// Where it pointed, without its query (which may echo the request).
        location: Option<String>,
    },
    /// The caller's input or configuration is refused before anything is sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// A purge or prefetch needs more of today's quota than is left; nothing was submitted.
    #[error("the job needs {needed} of today's {} quota and {remaining} is left; nothing was submitted",
        quota_name(*kind))]
    QuotaInsufficient {
        /// What the job submits, so which quota it draws on.
        kind: PurgeKind,
        /// How many the job needs.
        needed: u64,
        /// How many are left today.
        remaining: u64,
    },
}

/// The name of the daily quota a purge of `kind` draws on, for messages.
fn quota_name(kind: PurgeKind) -> &'static str {
    use cdn_task_core::RefreshType;
    match kind {
        PurgeKind::Refresh(RefreshType::File) => "URL refresh",
        PurgeKind::Refresh(RefreshType::Directory) => "directory refresh",
        PurgeKind::Refresh(RefreshType::Regex) => "regex refresh",
        PurgeKind::Refresh(RefreshType::IgnoreParams) => "ignore-params refresh",
        PurgeKind::Preload => "prefetch",
    }
}

/// Input refused before anything is sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A request parameter is invalid (object paths, task IDs, …).
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The wait options do not make a polling policy.
    #[error("wait options: {0}")]
    WaitOptions(#[from] WaitPolicyError),
    /// The paths of a purge or prefetch cannot be planned (invalid paths, with where they came
    /// from, or none at all).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The endpoint is not an `http://` or `https://` URL with a host and no path.
    #[error("endpoint `{endpoint}`: {reason}")]
    Endpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Another client setting is out of range.
    #[error("setting `{setting}`: {reason}")]
    Setting {
        /// The builder setting.
        setting: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl Error {
    /// Whether the client retries this error: throttling codes, 5xx answers, transport errors,
    /// timeouts, and bodies that end early; never validation, signature, credentials or input
    /// errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service { retryable, .. } | Error::Decode { retryable, .. } => *retryable,
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::InvalidInput(_)
            | Error::Credentials(_)
            | Error::Redirect { .. }
            | Error::QuotaInsufficient { .. } => false,
        }
    }

    /// How long the gateway asked to wait before the next call (`x-acs-retry-after`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Service { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the service may have processed the call that failed so: the request may have
    /// reached it and its answer was lost (a timeout, a connection cut after sending, a
    /// truncated or garbled `2xx` body) or it failed while processing (`InternalError`, a `500`).
    /// A call that creates tasks is never sent again after such an error.
    ///
    /// Not processed, provably: the connection was refused or could not be made, the service
    /// refused the call with its own error (throttling, validation, quota, signature), or a
    /// gateway answered `502`, `503` or `504` before the service saw the call.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source.as_ref().is_some_and(reqwest::Error::is_connect),
            Error::Timeout { .. } => true,
            Error::Decode { http_status, .. } => !matches!(http_status, 400..=499 | 502..=504),
            Error::Service {
                code, http_status, ..
            } => *code == ErrorCode::InternalError || (*http_status == 500 && code.http_status().is_none()),
            Error::InvalidInput(_)
            | Error::Credentials(_)
            | Error::Redirect { .. }
            | Error::QuotaInsufficient { .. } => false,
        }
    }

    /// Whether the service throttled the call.
    pub fn is_throttling(&self) -> bool {
        matches!(self, Error::Service { code, http_status, retry_after, .. }
            if code.is_throttling() || *http_status == 429 || retry_after.is_some())
    }

    /// The service's request ID, when the failure came with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service { request_id, .. } => Some(request_id),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The same error with each of `secrets` masked wherever the service's message echoes it
    /// ([`redact_secrets`]): the real gateway's `SignatureDoesNotMatch` message quotes its string
    /// to sign, which under RPC holds the security token.
    pub(crate) fn without_secrets(mut self, secrets: &[&str]) -> Error {
        if let Error::Service { message, .. } = &mut self {
            *message = redact_secrets(message, secrets);
        }
        self
    }

    /// The error for a reqwest failure, URL removed; `timeout` is the per-attempt timeout.
    pub(crate) fn from_reqwest(error: reqwest::Error, timeout: Duration) -> Error {
        if error.is_timeout() {
            return Error::Timeout { after: timeout };
        }
        let error = error.without_url();
        let mut detail = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            detail.push_str(": ");
            detail.push_str(&inner.to_string());
            cause = inner.source();
        }
        Error::Transport {
            detail,
            source: Some(error),
        }
    }

    /// The error for an answer whose body did not decode.
    ///
    /// Retry choice (API.md leaves it open): a 5xx or 429 answer with an undecodable body (a
    /// gateway's HTML page) is retried like any 5xx; a 2xx or 4xx body that *ends early* (a body cut
    /// short on the way) is retried like a transport error; any other undecodable body is not, since
    /// asking again would return the same.
    #[cfg(test)]
    pub(crate) fn decode(
        http_status: u16,
        request_id: Option<String>,
        format: Format,
        body: &[u8],
        source: DecodeError,
    ) -> Error {
        let undecodable =
            cdn_task_core::answer::UndecodableAnswer::new(http_status, request_id, format, body, source);
        Error::Decode {
            http_status,
            request_id: undecodable.request_id,
            source: undecodable.source,
            retryable: undecodable.retryable,
        }
    }
}

#[cfg(test)]
impl Error {
    /// A service error with `code` and `http_status` and nothing else, for tests.
    pub(crate) fn service_for_test(code: ErrorCode, http_status: u16) -> Error {
        Error::Service {
            retryable: code.is_retryable(http_status),
            code,
            message: String::new(),
            request_id: "R".into(),
            http_status,
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{DescribeRefreshTaskByIdResponse, Format, WireBody};

    #[test]
    fn service_display_names_code_message_and_request_id() {
        let error = Error::Service {
            code: ErrorCode::InvalidTaskIdMalformed,
            message: "The specified TaskId is invalid.".into(),
            request_id: "8906582E".into(),
            http_status: 400,
            retryable: false,
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "the service answered InvalidTaskId.Malformed (HTTP 400): The specified TaskId is invalid. \
             (request ID 8906582E)"
        );
        assert_eq!(error.request_id(), Some("8906582E"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn what_may_have_been_processed() {
        let service = Error::service_for_test;
        let decode = |http_status| Error::Decode {
            http_status,
            request_id: None,
            source: DecodeError::MissingField {
                field: "RequestId",
                container: String::new(),
            },
            retryable: true,
        };
        let maybe = [
            service(ErrorCode::InternalError, 500),
            service("Odd".parse::<ErrorCode>().unwrap(), 500),
            decode(200),
            decode(500),
            Error::Timeout {
                after: Duration::ZERO,
            },
            Error::Transport {
                detail: "reset".into(),
                source: None,
            },
        ];
        for error in maybe {
            assert!(error.may_have_been_processed(), "{error:?}");
        }
        let not = [
            service(ErrorCode::ThrottlingUser, 400),
            service(ErrorCode::ServiceUnavailable, 503),
            service(ErrorCode::QuotaExceededRefresh, 400),
            decode(502),
            decode(504),
            decode(400),
        ];
        for error in not {
            assert!(!error.may_have_been_processed(), "{error:?}");
        }
    }

    #[test]
    fn truncated_bodies_are_retryable_other_decode_errors_are_not() {
        let full = br#"{"RequestId":"R","Tasks":[],"TotalCount":0}"#;
        let cut = &full[..20];
        let source = DescribeRefreshTaskByIdResponse::decode_json(cut).unwrap_err();
        assert!(Error::decode(200, None, Format::Json, cut, source).is_retryable());

        let xml = b"<?xml version=\"1.0\"?><DescribeRefreshTaskByIdResponse><RequestId>R</Req";
        let source = DescribeRefreshTaskByIdResponse::decode_xml(xml).unwrap_err();
        assert!(Error::decode(200, None, Format::Xml, xml, source).is_retryable());

        let xml = b"<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>";
        let source = DescribeRefreshTaskByIdResponse::decode_xml(xml).unwrap_err();
        assert!(Error::decode(200, None, Format::Xml, xml, source).is_retryable());

        let source = DescribeRefreshTaskByIdResponse::decode_xml(b"").unwrap_err();
        assert!(Error::decode(200, None, Format::Xml, b"", source).is_retryable());

        let wrong = br#"{"RequestId":"R"}"#;
        let source = DescribeRefreshTaskByIdResponse::decode_json(wrong).unwrap_err();
        assert!(!Error::decode(200, None, Format::Json, wrong, source.clone()).is_retryable());
        assert!(Error::decode(502, None, Format::Json, wrong, source).is_retryable());
    }
}
