//! The client's error type: "the service said no" kept apart from transport, timeout, decode,
//! invalid-input and credentials errors.

use crate::credentials::CredentialsError;
#[cfg(test)]
use cdn_task_core::Format;
use cdn_task_core::answer::{ServiceError as ServiceAnswer, UndecodableAnswer};
use cdn_task_core::signing::redact_secrets;
use cdn_task_core::{
    DecodeError, ErrorCode, ParameterError, PlanError, PurgeKind, ServiceErrorBody, WaitPolicyError,
};
use std::fmt;
use std::time::Duration;

/// Everything a client call can fail with. No variant ever holds an AccessKey secret or an STS
/// token: transport errors are stripped of the request URL (which carries the RPC scheme's
/// `SecurityToken`).
///
/// Each error's `Display` says what failed at its own layer only; the cause, when there is one,
/// is its [`source`](std::error::Error::source). Print the whole chain with
/// [`DisplayChain`](crate::DisplayChain) (or anyhow's `{:#}`, or any error reporter) rather than `Display` alone:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use cdn_task_http::{Client, Credentials, DisplayChain};
/// // Nothing listens on port 9 of the loopback interface.
/// let client = Client::builder()
///     .endpoint("http://127.0.0.1:9")
///     .credentials(Credentials::new("id", "secret"))
///     .retry_policy(cdn_task_http::RetryPolicy::NONE)
///     .build()?;
/// let error = client.describe(&"1".parse()?).await.unwrap_err();
/// assert_eq!(error.to_string(), "transport error");
/// assert!(error.is_retryable() && !error.may_have_been_processed());
/// assert_eq!(error.attempts(), 1);
/// let shown = DisplayChain(&error).to_string();
/// assert!(shown.starts_with("transport error: "), "{shown}");
/// # Ok(())
/// # }
/// ```
///
/// Branch on the accessors ([`code`](Self::code), [`http_status`](Self::http_status),
/// [`request_id`](Self::request_id), [`is_throttling`](Self::is_throttling),
/// [`is_retryable`](Self::is_retryable), [`attempts`](Self::attempts)) or on the variants; every
/// variant may gain fields, so match them with `..`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error body: its code, message, request ID and HTTP status
    /// ([`ServiceError`]).
    #[error(transparent)]
    Service(ServiceError),
    /// The request could not be sent or the answer could not be read: connection refused or
    /// dropped, TLS failure, a body cut short or too large. The cause is the
    /// [`source`](std::error::Error::source).
    #[error("transport error")]
    #[non_exhaustive]
    Transport {
        /// What failed below this client: the HTTP library's error, its URL removed (it carries
        /// the RPC scheme's signed query), or a description. Its type is not part of the API.
        source: Box<dyn std::error::Error + Send + Sync>,
        /// Attempts the call made, this one included ([`Error::attempts`]).
        attempts: u32,
    },
    /// No complete answer within the per-attempt timeout.
    #[error("no complete answer within the per-attempt timeout of {after:?}")]
    #[non_exhaustive]
    Timeout {
        /// The per-attempt timeout that ran out.
        after: Duration,
        /// Attempts the call made, this one included ([`Error::attempts`]).
        attempts: u32,
    },
    /// The answer's body could not be decoded; the decoder's error is the
    /// [`source`](std::error::Error::source).
    #[error("the answer (HTTP {http_status}, request ID {}) could not be decoded",
        request_id.as_deref().unwrap_or("unknown"))]
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the answer.
        http_status: u16,
        /// The `x-acs-request-id` header, when the answer had one.
        request_id: Option<String>,
        /// What the decoder found.
        source: DecodeError,
        /// Whether the client retries it (see [`Error::is_retryable`]).
        retryable: bool,
        /// Attempts the call made, this one included ([`Error::attempts`]).
        attempts: u32,
    },
    /// The service answered with a redirect. The API never redirects (a proxy or a wrong
    /// endpoint does), and following one would hand the signed request, and its security token,
    /// to another address: it is not followed, and an answer from elsewhere (a redirect followed
    /// by a caller's own HTTP client) is refused.
    #[error("{}", redirect_message(*http_status, location.as_deref(), *followed))]
    #[non_exhaustive]
    Redirect {
        /// The HTTP status (301, 302, 307, …), or, when `followed`, the status of the answer that
        /// came from elsewhere.
        http_status: u16,
        /// Where it pointed (or where the answer came from), without its query (which may echo
        /// the request).
        location: Option<String>,
        /// Whether a client given to
        /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) followed the
        /// redirect: the request went elsewhere, and the answer from there was refused.
        followed: bool,
        /// Attempts the call made, this one included ([`Error::attempts`]).
        attempts: u32,
    },
    /// The caller's input or configuration is refused before anything is sent; what is wrong is
    /// the [`source`](std::error::Error::source).
    #[error("invalid input")]
    InvalidInput(#[from] InvalidInput),
    /// No usable credentials. Displays as its [`CredentialsError`], which has no cause.
    #[error("{error}")]
    #[non_exhaustive]
    Credentials {
        /// Why.
        error: CredentialsError,
        /// Attempts the call made, this one included (0 when asked through
        /// [`Client::credentials`](crate::Client::credentials)).
        attempts: u32,
    },
    /// A purge or prefetch needs more of today's quota than is left; nothing was submitted.
    #[error("the job needs {needed} of today's {} quota and {remaining} is left; nothing was submitted",
        quota_name(*kind))]
    #[non_exhaustive]
    QuotaInsufficient {
        /// What the job submits, so which quota it draws on.
        kind: PurgeKind,
        /// How many the job needs.
        needed: u64,
        /// How many are left today.
        remaining: u64,
    },
}

impl From<CredentialsError> for Error {
    fn from(error: CredentialsError) -> Error {
        Error::Credentials { error, attempts: 0 }
    }
}

/// The service's answer to a call it refused: an error body (`Code`, `Message`, `RequestId`,
/// `HostId`, `Recommend`) with its HTTP status. Its fields are private so that it can grow; read
/// them with the accessors.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
/// use cdn_task_core::ErrorCode;
/// use cdn_task_http::{Client, Credentials, Error};
/// let client = Client::builder()
///     .endpoint(mock.base_url())
///     .credentials(Credentials::new("testid", "not-the-secret"))
///     .build()?;
/// match client.describe(&"1".parse()?).await {
///     Err(Error::Service(refused)) => {
///         assert_eq!(refused.code(), &ErrorCode::SignatureDoesNotMatch);
///         assert_eq!(refused.http_status(), 400);
///         assert!(!refused.is_retryable() && !refused.request_id().is_empty());
///         assert_eq!(refused.attempts(), 1);
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError(Box<ServiceErrorFields>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct ServiceErrorFields {
    /// The answer as the core interpreted it: body, status, retry-after, whether to retry.
    answer: ServiceAnswer,
    /// Attempts the call made, this one included.
    attempts: u32,
}

impl ServiceError {
    /// The client's view of the service's error answer, as the core interpreted it.
    pub(crate) fn from_answer(answer: ServiceAnswer) -> ServiceError {
        ServiceError(Box::new(ServiceErrorFields { answer, attempts: 0 }))
    }

    /// The error of an answer with status `http_status` whose body decoded to `body`;
    /// `retryable` as the client decided, `retry_after` from `x-acs-retry-after`.
    #[cfg(test)]
    pub(crate) fn from_body(
        body: ServiceErrorBody,
        http_status: u16,
        retryable: bool,
        retry_after: Option<Duration>,
    ) -> ServiceError {
        let mut answer = ServiceAnswer::new(body, http_status, retry_after);
        answer.retryable = retryable;
        ServiceError::from_answer(answer)
    }

    /// The error the client makes of an answer with status `http_status` and error body `body`
    /// (without an `x-acs-retry-after` header), for tests of code that handles the client's
    /// errors. Whether it is retryable follows the code and the status
    /// ([`ErrorCode::is_retryable`]); it made 1 attempt.
    ///
    /// ```
    /// use cdn_task_core::{ErrorCode, ServiceErrorBody};
    /// use cdn_task_http::{Error, ServiceError};
    /// let body = ServiceErrorBody::for_code(ErrorCode::ThrottlingUser, "R-1");
    /// let error = Error::Service(ServiceError::new(body, 400));
    /// assert!(error.is_throttling() && error.is_retryable());
    /// assert_eq!(error.request_id(), Some("R-1"));
    /// ```
    pub fn new(body: ServiceErrorBody, http_status: u16) -> ServiceError {
        let mut error = ServiceError::from_answer(ServiceAnswer::new(body, http_status, None));
        error.0.attempts = 1;
        error
    }

    /// The error code (`Code`).
    pub fn code(&self) -> &ErrorCode {
        &self.0.answer.body.code
    }

    /// The service's message (`Message`). Secrets the gateway echoes (its string to sign) are
    /// masked.
    pub fn message(&self) -> &str {
        &self.0.answer.body.message
    }

    /// The service's ID for the call (`RequestId`): quote it in support requests.
    pub fn request_id(&self) -> &str {
        &self.0.answer.body.request_id
    }

    /// The host that answered (`HostId`), when the body named one.
    pub fn host_id(&self) -> Option<&str> {
        Some(self.0.answer.body.host_id.as_str()).filter(|host| !host.is_empty())
    }

    /// The service's troubleshooting link (`Recommend`), when it gave one.
    pub fn recommend(&self) -> Option<&str> {
        self.0
            .answer
            .body
            .recommend
            .as_deref()
            .filter(|link| !link.is_empty())
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.0.answer.http_status
    }

    /// Whether the client retries this error: throttling and server-side failures.
    pub fn is_retryable(&self) -> bool {
        self.0.answer.retryable
    }

    /// Whether the service throttled the call: a throttling code, HTTP 429, or an
    /// `x-acs-retry-after` header.
    pub fn is_throttling(&self) -> bool {
        self.0.answer.is_throttling()
    }

    /// How long the gateway asked to wait before the next call (`x-acs-retry-after`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.answer.retry_after
    }

    /// Attempts the call made, this one included ([`Error::attempts`]).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.answer, f)
    }
}

impl std::error::Error for ServiceError {}

/// The message of [`Error::Redirect`].
fn redirect_message(http_status: u16, location: Option<&str>, followed: bool) -> String {
    let to = location.map(|to| format!(" to `{to}`")).unwrap_or_default();
    if followed {
        format!(
            "the HTTP client followed a redirect{to} (HTTP {http_status} from there) and the answer was refused; \
             the API never redirects: check the endpoint, and build the client with `redirect::Policy::none()`"
        )
    } else {
        format!(
            "the endpoint answered HTTP {http_status}, a redirect{to}; the API never redirects, so it is not \
             followed: check the endpoint"
        )
    }
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
    /// The wait options do not make a polling policy (the
    /// [`source`](std::error::Error::source) says why).
    #[error("wait options")]
    WaitOptions(#[from] WaitPolicyError),
    /// The paths of a purge or prefetch cannot be planned (invalid paths, with where they came
    /// from, or none at all).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The endpoint is not an `http://` or `https://` URL with a host and no path.
    #[error("endpoint `{endpoint}`: {reason}")]
    #[non_exhaustive]
    Endpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Another client setting is out of range.
    #[error("setting `{setting}`: {reason}")]
    #[non_exhaustive]
    Setting {
        /// The builder setting.
        setting: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl InvalidInput {
    /// `Endpoint`.
    pub(crate) fn endpoint(endpoint: impl Into<String>, reason: impl Into<String>) -> InvalidInput {
        InvalidInput::Endpoint {
            endpoint: endpoint.into(),
            reason: reason.into(),
        }
    }
}

impl Error {
    /// Whether the client retries this error: throttling codes, 5xx answers, transport errors,
    /// timeouts, and bodies that end early; never validation, signature, credentials or input
    /// errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(service) => service.is_retryable(),
            Error::Decode { retryable, .. } => *retryable,
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::InvalidInput(_)
            | Error::Credentials { .. }
            | Error::Redirect { .. }
            | Error::QuotaInsufficient { .. } => false,
        }
    }

    /// How long the gateway asked to wait before the next call (`x-acs-retry-after`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.service().and_then(ServiceError::retry_after)
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
            Error::Transport { source, .. } => !source
                .downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_connect),
            Error::Timeout { .. } => true,
            Error::Decode { http_status, .. } => !matches!(http_status, 400..=499 | 502..=504),
            Error::Service(service) => {
                *service.code() == ErrorCode::InternalError
                    || (service.http_status() == 500 && service.code().http_status().is_none())
            }
            Error::InvalidInput(_)
            | Error::Credentials { .. }
            | Error::Redirect { .. }
            | Error::QuotaInsufficient { .. } => false,
        }
    }

    /// Whether the service throttled the call ([`ServiceError::is_throttling`]).
    pub fn is_throttling(&self) -> bool {
        self.service().is_some_and(ServiceError::is_throttling)
    }

    /// The service's request ID, when the failure came with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(service) => Some(service.request_id()),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The service's error code, when the service answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.service().map(ServiceError::code)
    }

    /// The HTTP status of the answer the call failed on, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(service) => Some(service.http_status()),
            Error::Decode { http_status, .. } | Error::Redirect { http_status, .. } => Some(*http_status),
            _ => None,
        }
    }

    /// The service's error, when it refused the call.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(service) => Some(service),
            _ => None,
        }
    }

    /// How many attempts the call made before failing, the failing one included (see
    /// [`RetryPolicy`](crate::RetryPolicy)); 0 when it failed before its first attempt (invalid
    /// input, a purge over quota) or outside a call.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Service(service) => service.attempts(),
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Redirect { attempts, .. }
            | Error::Credentials { attempts, .. } => *attempts,
            Error::InvalidInput(_) | Error::QuotaInsufficient { .. } => 0,
        }
    }

    /// The same error, recorded as the outcome of a call that made `made` attempts.
    pub(crate) fn after_attempts(mut self, made: u32) -> Error {
        match &mut self {
            Error::Service(service) => service.0.attempts = made,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Redirect { attempts, .. }
            | Error::Credentials { attempts, .. } => *attempts = made,
            Error::InvalidInput(_) | Error::QuotaInsufficient { .. } => {}
        }
        self
    }

    /// The same error with each of `secrets` masked wherever the service's message echoes it
    /// ([`redact_secrets`]): the real gateway's `SignatureDoesNotMatch` message quotes its string
    /// to sign, which under RPC holds the security token.
    pub(crate) fn without_secrets(mut self, secrets: &[&str]) -> Error {
        if let Error::Service(service) = &mut self {
            let message = &mut service.0.answer.body.message;
            *message = redact_secrets(message, secrets);
        }
        self
    }

    /// A transport error caused by `source` (never a URL with its query).
    pub(crate) fn transport(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::Transport {
            source: source.into(),
            attempts: 0,
        }
    }

    /// The timeout error for a per-attempt timeout of `after`.
    pub(crate) fn timeout(after: Duration) -> Error {
        Error::Timeout { after, attempts: 0 }
    }

    /// The error for a redirect (`followed`: an answer from elsewhere) with status `http_status`.
    pub(crate) fn redirect(http_status: u16, location: Option<String>, followed: bool) -> Error {
        Error::Redirect {
            http_status,
            location,
            followed,
            attempts: 0,
        }
    }

    /// The error for a job over quota.
    pub(crate) fn quota_insufficient(kind: PurgeKind, needed: u64, remaining: u64) -> Error {
        Error::QuotaInsufficient {
            kind,
            needed,
            remaining,
        }
    }

    /// The error for a reqwest failure, URL removed; `timeout` is the per-attempt timeout.
    pub(crate) fn from_reqwest(error: reqwest::Error, timeout: Duration) -> Error {
        if error.is_timeout() {
            return Error::timeout(timeout);
        }
        Error::transport(error.without_url())
    }

    /// The error for an answer whose body did not decode ([`UndecodableAnswer`], which decides
    /// whether it is retried).
    pub(crate) fn undecodable(answer: UndecodableAnswer) -> Error {
        Error::Decode {
            http_status: answer.http_status,
            request_id: answer.request_id,
            source: answer.source,
            retryable: answer.retryable,
            attempts: 0,
        }
    }

    /// The error for `body`, read as `format`, that did not decode.
    #[cfg(test)]
    pub(crate) fn decode(
        http_status: u16,
        request_id: Option<String>,
        format: Format,
        body: &[u8],
        source: DecodeError,
    ) -> Error {
        Error::undecodable(UndecodableAnswer::new(
            http_status,
            request_id,
            format,
            body,
            source,
        ))
    }
}

#[cfg(test)]
impl Error {
    /// A service error with `code` and `http_status` and nothing else, for tests.
    pub(crate) fn service_for_test(code: ErrorCode, http_status: u16) -> Error {
        let retryable = code.is_retryable(http_status);
        let body = ServiceErrorBody::with_message(code, "", "R");
        Error::Service(ServiceError::from_body(body, http_status, retryable, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{DescribeRefreshTaskByIdResponse, DisplayChain, Format, WireBody};

    #[test]
    fn service_display_names_code_message_and_request_id() {
        let body = ServiceErrorBody::with_message(
            ErrorCode::InvalidTaskIdMalformed,
            "The specified TaskId is invalid.",
            "8906582E",
        );
        let error = Error::Service(ServiceError::from_body(body, 400, false, None));
        assert_eq!(
            error.to_string(),
            "the service answered InvalidTaskId.Malformed (HTTP 400): The specified TaskId is invalid. \
             (request ID 8906582E)"
        );
        assert_eq!(error.request_id(), Some("8906582E"));
        assert!(!error.is_retryable());
        assert!(std::error::Error::source(&error).is_none());
        let service = error.service().unwrap();
        assert!(service.recommend().unwrap().contains("8906582E"));
        assert!(service.host_id().is_some());
    }

    #[test]
    fn errors_cross_threads_and_stay_small() {
        fn sendable<T: Send + Sync + 'static>() {}
        sendable::<Error>();
        sendable::<ServiceError>();
        sendable::<crate::WaitError>();
        assert!(
            std::mem::size_of::<Error>() <= 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    /// Review of issue 17: each layer says only its own part, so a chain printer shows each once.
    #[test]
    fn each_layer_displays_only_itself() {
        let source = "x".parse::<cdn_task_core::TaskIdList>().unwrap_err();
        let error = Error::InvalidInput(InvalidInput::Parameter(ParameterError::TaskId(source)));
        assert_eq!(error.to_string(), "invalid input");
        let shown = DisplayChain(&error).to_string();
        assert_eq!(shown.matches("position 1").count(), 1, "{shown}");
        let error = Error::transport("connection reset").after_attempts(3);
        assert_eq!(error.to_string(), "transport error");
        assert_eq!(
            DisplayChain(&error).to_string(),
            "transport error: connection reset"
        );
        assert_eq!(error.attempts(), 3);
        let error = Error::InvalidInput(InvalidInput::WaitOptions(WaitPolicyError::ZeroMinInterval));
        assert_eq!(
            DisplayChain(&error).to_string(),
            format!(
                "invalid input: wait options: {}",
                WaitPolicyError::ZeroMinInterval
            )
        );
    }

    #[test]
    fn what_may_have_been_processed() {
        let service = Error::service_for_test;
        let decode = |http_status| {
            let source = DecodeError::MissingField {
                field: "RequestId",
                container: String::new(),
            };
            Error::decode(http_status, None, Format::Json, b"", source)
        };
        let maybe = [
            service(ErrorCode::InternalError, 500),
            service("Odd".parse::<ErrorCode>().unwrap(), 500),
            decode(200),
            decode(500),
            Error::timeout(Duration::ZERO),
            Error::transport("reset"),
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
