//! Requests: the operation, its parameters, and the common parameters every call carries.

use crate::codec::WireBody;
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::response::DescribeRefreshTaskByIdResponse;
use crate::task_id::{TaskIdList, TaskIdListError};
use std::fmt;

/// The product's API version.
pub const API_VERSION: &str = "2018-05-10";

/// The default endpoint host.
pub const DEFAULT_HOST: &str = "cdn.aliyuncs.com";

/// The response format a request asks for (`Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `Format=JSON`.
    #[default]
    Json,
    /// `Format=XML` (the service's default when `Format` is absent under the RPC scheme).
    Xml,
}

impl Format {
    /// The `Format` parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Xml => "XML",
        }
    }

    /// Parses a `Format` parameter value, case-insensitively (`json`, `XML`, …).
    pub fn from_parameter(value: &str) -> Option<Format> {
        if value.eq_ignore_ascii_case("JSON") {
            Some(Format::Json)
        } else if value.eq_ignore_ascii_case("XML") {
            Some(Format::Xml)
        } else {
            None
        }
    }

    /// The `Content-Type` the service answers this format with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json;charset=utf-8",
            Format::Xml => "text/xml;charset=utf-8",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request parameter that is missing or invalid, with the service error code it maps to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParameterError {
    /// A required parameter is absent (or empty).
    #[error("the required parameter `{name}` is missing")]
    Missing {
        /// The parameter's name.
        name: &'static str,
    },
    /// The `TaskId` parameter is not a valid list (displayed as the list error, which says so).
    #[error(transparent)]
    TaskId(#[from] TaskIdListError),
    /// Another parameter has a value the operation does not accept.
    #[error("parameter `{name}` has an invalid value `{value}`: {reason}")]
    Invalid {
        /// The parameter's name.
        name: &'static str,
        /// The offending value, shortened if huge.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
        /// The service code for it.
        code: ErrorCode,
    },
}

impl ParameterError {
    /// The service error code this maps to.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ParameterError::Missing { .. } => ErrorCode::MissingParameter,
            ParameterError::TaskId(TaskIdListError::TooMany { .. }) => ErrorCode::InvalidTaskIdTooMany,
            ParameterError::TaskId(TaskIdListError::Empty) => ErrorCode::MissingParameter,
            ParameterError::TaskId(_) => ErrorCode::InvalidTaskIdMalformed,
            ParameterError::Invalid { code, .. } => code.clone(),
        }
    }
}

/// One operation of the API: its action name, its parameters, its response type and its rate limit.
///
/// Sealed: implemented by this crate's operations only, so that items may be added to it
/// without breaking anyone.
pub trait Operation: crate::sealed::Sealed {
    /// The `Action` name.
    const ACTION: &'static str;
    /// The decoded response.
    type Response: WireBody;
    /// The service's rate limit for this action, per user; `None`: the service documents none
    /// (unlimited). Every action of this crate has one.
    const RATE_LIMIT: Option<RateLimit>;
    /// Whether a call creates tasks (a purge or a prefetch). Such a call must not be sent again
    /// once the service may have processed it: that would purge twice and lose the first task's
    /// ID. Adapters retry it only when it provably was not processed.
    const CREATES_TASKS: bool = false;

    /// The API version the action belongs to: [`API_VERSION`] for the CDN actions,
    /// [`STS_API_VERSION`](crate::sts::STS_API_VERSION) for STS.
    const VERSION: &'static str = API_VERSION;

    /// The operation's own parameters (not the common ones), in the order they are sent.
    fn parameters(&self) -> Vec<(&'static str, String)>;

    /// Rebuilds the operation from received parameters (the service side); `get` looks a
    /// parameter up by name.
    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError>
    where
        Self: Sized;
}

/// `DescribeRefreshTaskById`: the status of 1 to 10 tasks.
///
/// ```
/// use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, Format};
/// let op = DescribeRefreshTaskById::new("12345678,23456789".parse().unwrap());
/// let request = ApiRequest::new(&op, Format::Json);
/// assert_eq!(
///     request.parameters(),
///     [
///         ("Action", "DescribeRefreshTaskById"),
///         ("Version", "2018-05-10"),
///         ("Format", "JSON"),
///         ("TaskId", "12345678,23456789"),
///     ]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeRefreshTaskById {
    /// The tasks asked about.
    pub task_ids: TaskIdList,
}

impl DescribeRefreshTaskById {
    /// A request for these tasks.
    pub fn new(task_ids: TaskIdList) -> Self {
        DescribeRefreshTaskById { task_ids }
    }
}

impl Operation for DescribeRefreshTaskById {
    const ACTION: &'static str = "DescribeRefreshTaskById";
    type Response = DescribeRefreshTaskByIdResponse;
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::DESCRIBE_REFRESH_TASK_BY_ID);

    fn parameters(&self) -> Vec<(&'static str, String)> {
        vec![("TaskId", self.task_ids.to_string())]
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let text = get("TaskId").ok_or(ParameterError::Missing { name: "TaskId" })?;
        Ok(DescribeRefreshTaskById::new(text.parse()?))
    }
}

/// A request ready for an adapter to sign and send: action, version, format and the operation's
/// parameters. Common signing parameters (`AccessKeyId`, `Timestamp`, …) are added by the signer.
/// Built by [`ApiRequest::new`] from an operation, or by [`ApiRequest::from_parts`] for an action
/// this crate does not model; the fields may be read and changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiRequest {
    /// The `Action`.
    pub action: &'static str,
    /// The `Version` (the operation's [`Operation::VERSION`]).
    pub version: &'static str,
    /// The response format asked for.
    pub format: Format,
    /// The operation's own parameters, in order.
    pub operation_parameters: Vec<(&'static str, String)>,
}

impl ApiRequest {
    /// A request for `action` of API `version` with `operation_parameters` as given, unchecked:
    /// for an action this crate does not model yet, or for a test that sends what
    /// [`ApiRequest::new`] would never build.
    ///
    /// ```
    /// use cdn_task_core::{ApiRequest, Format};
    /// let request = ApiRequest::from_parts("DescribeCdnService", "2018-05-10", Format::Json, Vec::new());
    /// assert_eq!(request.parameters()[0], ("Action", "DescribeCdnService"));
    /// ```
    pub fn from_parts(
        action: &'static str,
        version: &'static str,
        format: Format,
        operation_parameters: Vec<(&'static str, String)>,
    ) -> ApiRequest {
        ApiRequest {
            action,
            version,
            format,
            operation_parameters,
        }
    }

    /// The request for `operation`, answered in `format`; sign it with [`sign`](Self::sign).
    ///
    /// ```
    /// use cdn_task_core::{ApiRequest, Format, RefreshObjectCaches, RefreshType};
    /// let op = RefreshObjectCaches::new(["https://example.com/a.js"], RefreshType::File)?;
    /// let request = ApiRequest::new(&op, Format::Json);
    /// assert_eq!(
    ///     request.parameters()[..4],
    ///     [("Action", "RefreshObjectCaches"), ("Version", "2018-05-10"), ("Format", "JSON"), ("ObjectPath", "https://example.com/a.js")]
    /// );
    /// # Ok::<(), cdn_task_core::ParameterError>(())
    /// ```
    pub fn new<O: Operation>(operation: &O, format: Format) -> ApiRequest {
        ApiRequest {
            action: O::ACTION,
            version: O::VERSION,
            format,
            operation_parameters: operation.parameters(),
        }
    }

    /// Every API parameter, in the order an adapter sends them: `Action`, `Version`, `Format`,
    /// then the operation's own.
    pub fn parameters(&self) -> Vec<(&str, &str)> {
        let common = [
            ("Action", self.action),
            ("Version", self.version),
            ("Format", self.format.as_str()),
        ];
        common
            .into_iter()
            .chain(
                self.operation_parameters
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(params: &[(&str, &str)]) -> Result<DescribeRefreshTaskById, ParameterError> {
        let map: HashMap<&str, &str> = params.iter().copied().collect();
        DescribeRefreshTaskById::from_parameters(|name| map.get(name).copied())
    }

    #[test]
    fn parameters_round_trip_through_the_service_side() {
        let op = DescribeRefreshTaskById::new("1,2".parse().unwrap());
        let sent = op.parameters();
        let received: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(parse(&received), Ok(op));
    }

    #[test]
    fn service_side_errors_map_to_documented_codes() {
        assert_eq!(parse(&[]).unwrap_err().error_code(), ErrorCode::MissingParameter);
        assert_eq!(
            parse(&[("TaskId", "")]).unwrap_err().error_code(),
            ErrorCode::MissingParameter
        );
        assert_eq!(
            parse(&[("TaskId", "1,x")]).unwrap_err().error_code(),
            ErrorCode::InvalidTaskIdMalformed
        );
        assert_eq!(
            parse(&[("TaskId", "1,,2")]).unwrap_err().error_code(),
            ErrorCode::InvalidTaskIdMalformed
        );
        let eleven = (1..=11).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(
            parse(&[("TaskId", &eleven)]).unwrap_err().error_code(),
            ErrorCode::InvalidTaskIdTooMany
        );
    }

    #[test]
    fn format_parameter() {
        assert_eq!(Format::from_parameter("json"), Some(Format::Json));
        assert_eq!(Format::from_parameter("XML"), Some(Format::Xml));
        assert_eq!(Format::from_parameter("yaml"), None);
        assert_eq!(Format::Xml.content_type(), "text/xml;charset=utf-8");
    }
}
