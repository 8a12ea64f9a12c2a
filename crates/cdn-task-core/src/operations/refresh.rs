//! `RefreshObjectCaches`: purge URLs, directories or regex matches from the edge.

use super::created::CreateTasksResponse;
use super::object_paths::{MAX_DIRECTORIES_PER_CALL, MAX_REGEXES_PER_CALL, MAX_URLS_PER_CALL, ObjectPaths};
use super::parse_bool;
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::task_id::quote;
use std::fmt;
use std::str::FromStr;

/// What `RefreshObjectCaches` refreshes (its `ObjectType` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RefreshType {
    /// Individual URLs (the default).
    #[default]
    File,
    /// Directories (URL prefixes).
    Directory,
    /// URLs matching regular expressions.
    Regex,
    /// URLs with their query strings ignored.
    IgnoreParams,
}

impl RefreshType {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefreshType::File => "File",
            RefreshType::Directory => "Directory",
            RefreshType::Regex => "Regex",
            RefreshType::IgnoreParams => "IgnoreParams",
        }
    }

    /// How many paths one call may carry for this type.
    pub fn max_paths_per_call(self) -> usize {
        match self {
            RefreshType::File | RefreshType::IgnoreParams => MAX_URLS_PER_CALL,
            RefreshType::Directory => MAX_DIRECTORIES_PER_CALL,
            RefreshType::Regex => MAX_REGEXES_PER_CALL,
        }
    }
}

impl FromStr for RefreshType {
    type Err = ParameterError;
    /// Parses the parameter value, case-insensitively (`file`, `Directory`, …).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            RefreshType::File,
            RefreshType::Directory,
            RefreshType::Regex,
            RefreshType::IgnoreParams,
        ]
        .into_iter()
        .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| ParameterError::Invalid {
            name: "ObjectType",
            value: quote(text),
            reason: "expected File, Directory, Regex or IgnoreParams",
            code: ErrorCode::InvalidObjectTypeMalformed,
        })
    }
}

impl fmt::Display for RefreshType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `RefreshObjectCaches`: purge URLs, directories or regex matches from the edge.
///
/// ```
/// use cdn_task_core::{ObjectPaths, Operation, RefreshObjectCaches, RefreshType};
/// let paths = ObjectPaths::new(vec!["https://example.com/a.js".into()], 1000).unwrap();
/// let op = RefreshObjectCaches { paths, kind: RefreshType::File, force: false };
/// assert_eq!(op.parameters()[0], ("ObjectPath", "https://example.com/a.js".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshObjectCaches {
    /// What to refresh.
    pub paths: ObjectPaths,
    /// How to read the paths.
    pub kind: RefreshType,
    /// Refresh even unchanged resources (`Force`).
    pub force: bool,
}

impl Operation for RefreshObjectCaches {
    const ACTION: &'static str = "RefreshObjectCaches";
    type Response = CreateTasksResponse;
    const CREATES_TASKS: bool = true;
    const RATE_LIMIT: RateLimit = RateLimit::REFRESH_OBJECT_CACHES;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ObjectPath", self.paths.to_parameter()),
            ("ObjectType", self.kind.as_str().to_owned()),
            ("Force", self.force.to_string()),
        ]
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let kind = get("ObjectType").map_or(Ok(RefreshType::File), str::parse)?;
        let paths = get("ObjectPath").ok_or(ParameterError::Missing { name: "ObjectPath" })?;
        Ok(RefreshObjectCaches {
            paths: ObjectPaths::parse(paths, kind.max_paths_per_call())?,
            kind,
            force: get("Force").map_or(Ok(false), |text| parse_bool("Force", text))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::test_support::{from, round_trip};

    #[test]
    fn refresh_parameters_round_trip() {
        let op = RefreshObjectCaches {
            paths: ObjectPaths::new(vec!["http://a.com/1/".into(), "https://a.com/2/".into()], 1000).unwrap(),
            kind: RefreshType::Directory,
            force: true,
        };
        assert_eq!(round_trip(&op), Ok(op));
    }

    #[test]
    fn refresh_accepts_crlf_and_defaults() {
        let op: RefreshObjectCaches = from(&[("ObjectPath", "http://a.com/1\r\nhttp://a.com/2\n")]).unwrap();
        assert_eq!(op.paths.len(), 2);
        assert_eq!(op.kind, RefreshType::File);
        assert!(!op.force);
    }

    #[test]
    fn refresh_rejections_carry_documented_codes() {
        let code = |params: &[(&str, &str)]| from::<RefreshObjectCaches>(params).unwrap_err().error_code();
        assert_eq!(code(&[]), ErrorCode::MissingParameter);
        assert_eq!(
            code(&[("ObjectPath", "http://a.com/"), ("ObjectType", "Blob")]),
            ErrorCode::InvalidObjectTypeMalformed
        );
        assert_eq!(
            code(&[("ObjectPath", "ftp://a.com/")]),
            ErrorCode::InvalidObjectPathMalformed
        );
        assert_eq!(
            code(&[
                ("ObjectPath", "http://a.com/.*\nhttp://b.com/.*"),
                ("ObjectType", "regex")
            ]),
            ErrorCode::SingleRequestOverLimit
        );
        assert_eq!(
            code(&[("ObjectPath", "http://a.com/"), ("Force", "yes")]),
            ErrorCode::InvalidParameter
        );
    }
}
