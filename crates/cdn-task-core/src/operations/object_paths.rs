//! The paths of one create call (`ObjectPath`): sent joined by `\n`, received split on `\n` or
//! `\r\n`, within the per-call limits.

use super::path::{MAX_DOMAINS_PER_CALL, check};
use crate::error_code::ErrorCode;
use crate::request::ParameterError;
use crate::task_id::quote;

/// Most URLs one `RefreshObjectCaches` call (file or ignore-params) takes.
pub const MAX_URLS_PER_CALL: usize = 1_000;
/// Most directories one `RefreshObjectCaches` call takes.
pub const MAX_DIRECTORIES_PER_CALL: usize = 100;
/// Most regular expressions one `RefreshObjectCaches` call takes.
pub const MAX_REGEXES_PER_CALL: usize = 1;
/// Most URLs one `PushObjectCache` call takes (API-FAMILY B.2, the current documentation; older
/// copies said 1,000).
pub const MAX_PRELOAD_URLS_PER_CALL: usize = 100;

/// The paths of one create call: one or more entries, sent joined by `\n`; received split on
/// `\n` or `\r\n`. Only the core builds them (through [`RefreshObjectCaches::new`],
/// [`PushObjectCache::new`] or a [`PurgePlan`]), so they are always valid for their call.
///
/// [`RefreshObjectCaches::new`]: crate::RefreshObjectCaches::new
/// [`PushObjectCache::new`]: crate::PushObjectCache::new
/// [`PurgePlan`]: crate::PurgePlan
///
/// Kept in wire form, the entries joined by `\n` (no entry holds one: validation refuses control
/// characters), with their count: one buffer however many entries, sent as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPaths {
    /// The entries joined by `\n`.
    wire: String,
    /// How many entries `wire` holds.
    count: usize,
}

impl ObjectPaths {
    /// Validates `paths` against the limit of their operation and kind: 1 to `max` entries (more is `SingleRequest.OverLimit`), each an
    /// `http://` or `https://` URL with a host, no space or control character, at most 1,024
    /// characters
    /// (`InvalidObjectPath.Malformed`, or `InvalidObjectPath.Size.Malformed` for the length), and
    /// at most ten distinct domains among them. For regex refreshes the expression stands in the
    /// URL, so the same rules hold.
    pub(crate) fn new(paths: Vec<String>, max: usize) -> Result<ObjectPaths, ParameterError> {
        let invalid = |value: &str, reason: &'static str, code: ErrorCode| ParameterError::Invalid {
            name: "ObjectPath",
            value: quote(value),
            reason,
            code,
        };
        if paths.is_empty() {
            return Err(ParameterError::Missing { name: "ObjectPath" });
        }
        check_count(paths.len(), max)?;
        let mut domains: Vec<String> = Vec::new();
        for path in &paths {
            let host = check(path).map_err(|problem| {
                let code = match problem {
                    super::path::PathProblem::TooLong => ErrorCode::InvalidObjectPathSizeMalformed,
                    _ => ErrorCode::InvalidObjectPathMalformed,
                };
                invalid(path, problem.reason(), code)
            })?;
            let domain = path[host].to_ascii_lowercase();
            if !domains.contains(&domain) {
                if domains.len() == MAX_DOMAINS_PER_CALL {
                    return Err(invalid(
                        path,
                        "the paths of one call may hold at most 10 domains",
                        ErrorCode::InvalidObjectPathMalformed,
                    ));
                }
                domains.push(domain);
            }
        }
        Ok(ObjectPaths {
            count: paths.len(),
            wire: paths.join("\n"),
        })
    }

    /// An error if these paths are more than `max`.
    pub(crate) fn check_count(&self, max: usize) -> Result<(), ParameterError> {
        check_count(self.count, max)
    }

    /// Paths the planner has checked already, one by one and as a call: `count` entries joined
    /// by `\n` in `wire`.
    pub(crate) fn checked(wire: String, count: usize) -> ObjectPaths {
        ObjectPaths { wire, count }
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        // `take`: an empty list is an empty text, which `split` would give as one empty entry.
        self.wire.split('\n').take(self.count)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none: never, since a call carries at least one path.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The entries as sent: joined by `\n` (the `ObjectPath` parameter's value).
    pub fn as_wire_str(&self) -> &str {
        &self.wire
    }

    pub(crate) fn parse(text: &str, max: usize) -> Result<ObjectPaths, ParameterError> {
        let entries: Vec<String> = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        ObjectPaths::new(entries, max)
    }

    pub(crate) fn to_parameter(&self) -> String {
        self.wire.clone()
    }
}

/// `SingleRequest.OverLimit` when `count` entries are more than `max`.
fn check_count(count: usize, max: usize) -> Result<(), ParameterError> {
    if count > max {
        return Err(ParameterError::Invalid {
            name: "ObjectPath",
            value: format!("{count} entries"),
            reason: "too many entries for one call",
            code: ErrorCode::SingleRequestOverLimit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(paths: &[&str], max: usize) -> ErrorCode {
        let paths = paths.iter().map(|p| (*p).to_owned()).collect();
        ObjectPaths::new(paths, max).unwrap_err().error_code()
    }

    #[test]
    fn limits_carry_the_documented_codes() {
        assert_eq!(code(&[], 5), ErrorCode::MissingParameter);
        assert_eq!(
            code(&["http://a.com/1", "http://a.com/2"], 1),
            ErrorCode::SingleRequestOverLimit
        );
        assert_eq!(code(&["ftp://a.com/"], 5), ErrorCode::InvalidObjectPathMalformed);
        assert_eq!(
            code(&["http://a.com/a b"], 5),
            ErrorCode::InvalidObjectPathMalformed
        );
        assert!(
            ObjectPaths::new(vec!["http://a.com/é".into()], 5).is_ok(),
            "UTF-8 as the SDKs send it"
        );
        let long = format!("http://a.com/{}", "x".repeat(1_100));
        assert_eq!(code(&[&long], 5), ErrorCode::InvalidObjectPathSizeMalformed);
    }

    #[test]
    fn entries_are_read_back_from_the_wire_form() {
        let paths = ObjectPaths::new(vec!["http://a.com/1".into(), "https://b.com/2?x".into()], 5).unwrap();
        assert_eq!(paths.len(), 2);
        assert!(!paths.is_empty());
        assert_eq!(
            paths.iter().collect::<Vec<_>>(),
            ["http://a.com/1", "https://b.com/2?x"]
        );
        assert_eq!(paths.as_wire_str(), "http://a.com/1\nhttps://b.com/2?x");
        assert_eq!(paths.to_parameter(), paths.as_wire_str());
        assert_eq!(ObjectPaths::checked(String::new(), 0).iter().count(), 0);
        assert!(ObjectPaths::checked(String::new(), 0).is_empty());
    }

    proptest::proptest! {
        /// Valid paths round-trip through the `ObjectPath` parameter: the same entries, in order,
        /// whether the parameter is split on `\n` or `\r\n`.
        #[test]
        fn paths_round_trip_through_their_parameter(
            paths in proptest::collection::vec("https?://[a-cA-C]\\.(com|cn)(/[a-zA-Z0-9%?=&é._ \t-]{0,20})?", 1..30),
        ) {
            let valid: Vec<String> = paths.into_iter().filter(|path| check(path).is_ok()).collect();
            let Ok(object_paths) = ObjectPaths::new(valid.clone(), 1_000) else {
                proptest::prop_assert!(valid.is_empty());
                return Ok(());
            };
            proptest::prop_assert_eq!(object_paths.iter().collect::<Vec<_>>(), valid.iter().map(String::as_str).collect::<Vec<_>>());
            proptest::prop_assert_eq!(object_paths.len(), valid.len());
            let parameter = object_paths.to_parameter();
            proptest::prop_assert_eq!(parameter.as_str(), valid.join("\n"));
            proptest::prop_assert_eq!(ObjectPaths::parse(&parameter, 1_000), Ok(object_paths.clone()));
            let crlf = parameter.replace('\n', "\r\n");
            proptest::prop_assert_eq!(ObjectPaths::parse(&crlf, 1_000), Ok(object_paths));
        }
    }

    #[test]
    fn at_most_ten_domains() {
        let ten: Vec<String> = (0..10).map(|n| format!("http://d{n}.com/")).collect();
        assert!(ObjectPaths::new(ten.clone(), 100).is_ok());
        let mut eleven = ten;
        eleven.push("http://D0.com/again".into());
        assert!(
            ObjectPaths::new(eleven.clone(), 100).is_ok(),
            "the same domain in other case"
        );
        eleven.push("http://d10.com/".into());
        assert_eq!(
            ObjectPaths::new(eleven, 100).unwrap_err().error_code(),
            ErrorCode::InvalidObjectPathMalformed
        );
    }
}
