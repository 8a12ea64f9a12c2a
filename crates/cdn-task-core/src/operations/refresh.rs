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

/// Whether a refresh purges unchanged content too (the `Force` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Force {
    /// Purge only what changed, by `Last-Modified` (`Force=false`, the default).
    #[default]
    IfChanged,
    /// Purge everything in range (`Force=true`; for directory and regex refreshes).
    Always,
}

impl Force {
    /// The parameter value: `false` or `true`.
    pub fn as_str(self) -> &'static str {
        match self {
            Force::IfChanged => "false",
            Force::Always => "true",
        }
    }
}

/// `RefreshObjectCaches`: purge URLs, directories or regex matches from the edge.
///
/// The kind decides how many paths one call takes (1,000 URLs, 100 directories, 1 regex), so an
/// operation over too many paths cannot be built: for more, plan them ([`PurgePlan`]).
///
/// ```
/// use cdn_task_core::{Force, Operation, RefreshObjectCaches, RefreshType};
/// let op = RefreshObjectCaches::new(["https://example.com/img/"], RefreshType::Directory)?
///     .with_force(Force::Always);
/// assert_eq!(op.parameters()[0], ("ObjectPath", "https://example.com/img/".to_string()));
/// assert_eq!(op.paths().len(), 1);
///
/// // Two regexes in one call: the kind's limit is 1.
/// assert!(RefreshObjectCaches::new(["https://a.com/.*", "https://b.com/.*"], RefreshType::Regex).is_err());
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
///
/// [`PurgePlan`]: crate::PurgePlan
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshObjectCaches {
    paths: ObjectPaths,
    kind: RefreshType,
    force: Force,
}

impl RefreshObjectCaches {
    /// Refreshes `paths`, read as `kind`: 1 to `kind.max_paths_per_call()` of them, each valid
    /// (see [`PathProblem`](crate::PathProblem)), over at most ten domains.
    pub fn new(
        paths: impl IntoIterator<Item = impl Into<String>>,
        kind: RefreshType,
    ) -> Result<RefreshObjectCaches, ParameterError> {
        let paths = paths.into_iter().map(Into::into).collect();
        Ok(RefreshObjectCaches {
            paths: ObjectPaths::new(paths, kind.max_paths_per_call())?,
            kind,
            force: Force::default(),
        })
    }

    /// Refreshes the paths of a planned call (checked already), read as `kind`; an error if
    /// they are more than `kind` takes in one call.
    pub fn from_paths(paths: ObjectPaths, kind: RefreshType) -> Result<RefreshObjectCaches, ParameterError> {
        paths.check_count(kind.max_paths_per_call())?;
        Ok(RefreshObjectCaches {
            paths,
            kind,
            force: Force::default(),
        })
    }

    /// Sets whether unchanged content is purged too (default [`Force::IfChanged`]).
    #[must_use]
    pub fn with_force(mut self, force: Force) -> RefreshObjectCaches {
        self.force = force;
        self
    }

    /// What to refresh.
    pub fn paths(&self) -> &ObjectPaths {
        &self.paths
    }

    /// How the paths are read.
    pub fn kind(&self) -> RefreshType {
        self.kind
    }

    /// Whether unchanged content is purged too.
    pub fn force(&self) -> Force {
        self.force
    }
}

impl Operation for RefreshObjectCaches {
    const ACTION: &'static str = "RefreshObjectCaches";
    type Response = CreateTasksResponse;
    const CREATES_TASKS: bool = true;
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::REFRESH_OBJECT_CACHES);

    fn parameters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ObjectPath", self.paths.to_parameter()),
            ("ObjectType", self.kind.as_str().to_owned()),
            ("Force", self.force.as_str().to_owned()),
        ]
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let kind = get("ObjectType").map_or(Ok(RefreshType::File), str::parse)?;
        let paths = get("ObjectPath").ok_or(ParameterError::Missing { name: "ObjectPath" })?;
        let force = get("Force").map_or(Ok(false), |text| parse_bool("Force", text))?;
        Ok(RefreshObjectCaches {
            paths: ObjectPaths::parse(paths, kind.max_paths_per_call())?,
            kind,
            force: if force { Force::Always } else { Force::IfChanged },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::test_support::{from, round_trip};

    #[test]
    fn refresh_parameters_round_trip() {
        let op = RefreshObjectCaches::new(["http://a.com/1/", "https://a.com/2/"], RefreshType::Directory)
            .unwrap()
            .with_force(Force::Always);
        assert_eq!((op.kind(), op.force()), (RefreshType::Directory, Force::Always));
        assert_eq!(round_trip(&op), Ok(op));
        for kind in [
            RefreshType::File,
            RefreshType::Directory,
            RefreshType::Regex,
            RefreshType::IgnoreParams,
        ] {
            assert_eq!(kind.to_string(), kind.as_str());
            assert_eq!(kind.to_string().parse::<RefreshType>(), Ok(kind));
        }
    }

    #[test]
    fn the_kind_decides_the_limit() {
        let five: Vec<String> = (0..5).map(|n| format!("http://a.com/{n}.*")).collect();
        let error = RefreshObjectCaches::new(five.clone(), RefreshType::Regex).unwrap_err();
        assert_eq!(error.error_code(), ErrorCode::SingleRequestOverLimit);
        assert!(RefreshObjectCaches::new(five.clone(), RefreshType::File).is_ok());
        let planned = ObjectPaths::new(five, 1000).unwrap();
        assert!(RefreshObjectCaches::from_paths(planned.clone(), RefreshType::Regex).is_err());
        assert!(RefreshObjectCaches::from_paths(planned, RefreshType::Directory).is_ok());
    }

    #[test]
    fn refresh_accepts_crlf_and_defaults() {
        let op: RefreshObjectCaches = from(&[("ObjectPath", "http://a.com/1\r\nhttp://a.com/2\n")]).unwrap();
        assert_eq!(op.paths().len(), 2);
        assert_eq!(op.kind(), RefreshType::File);
        assert_eq!(op.force(), Force::IfChanged);
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
