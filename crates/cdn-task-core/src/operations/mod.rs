//! The CDN operations beside `DescribeRefreshTaskById`, one file each: `RefreshObjectCaches`
//! ([`refresh`]), `PushObjectCache` ([`push`]), what both answer ([`created`]),
//! `DescribeRefreshQuota` ([`quota`]) and `DescribeRefreshTasks` ([`list`], its page in
//! [`list_page`]); the rules of one object path ([`path`]) and of one call's paths
//! ([`object_paths`]); and the pure planning over them: splitting a purge over the per-call limits
//! ([`plan`]) and finding the tasks an unanswered create call made ([`reconcile`]).

pub(crate) mod created;
pub(crate) mod list;
pub(crate) mod list_page;
pub(crate) mod object_paths;
pub(crate) mod path;
pub(crate) mod plan;
pub(crate) mod push;
pub(crate) mod quota;
pub(crate) mod reconcile;
pub(crate) mod refresh;

use crate::error_code::ErrorCode;
use crate::request::ParameterError;
use crate::task_id::quote;

/// Parses a boolean parameter (`true`/`false`, any case).
pub(crate) fn parse_bool(name: &'static str, text: &str) -> Result<bool, ParameterError> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParameterError::Invalid {
            name,
            value: quote(text),
            reason: "expected true or false",
            code: ErrorCode::InvalidParameter,
        }),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::request::{Operation, ParameterError};
    use std::collections::HashMap;

    /// Rebuilds an operation from name/value pairs, as the service side does.
    pub(crate) fn from<O: Operation>(params: &[(&str, &str)]) -> Result<O, ParameterError> {
        let map: HashMap<&str, &str> = params.iter().copied().collect();
        O::from_parameters(|name| map.get(name).copied())
    }

    /// Sends `op`'s parameters through the service side.
    pub(crate) fn round_trip<O: Operation>(op: &O) -> Result<O, ParameterError> {
        let sent = op.parameters();
        let received: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        from(&received)
    }
}
