//! Planning a purge or prefetch of any number of paths: validated, duplicates dropped, split into
//! calls within the service's per-call limits. Pure: the client executes the plan.

use super::object_paths::{
    MAX_DIRECTORIES_PER_CALL, MAX_PRELOAD_URLS_PER_CALL, MAX_REGEXES_PER_CALL, MAX_URLS_PER_CALL, ObjectPaths,
};
use super::path::{MAX_DOMAINS_PER_CALL, PathProblem, normalize};
use super::refresh::RefreshType;
use crate::task_id::quote;
use std::collections::HashSet;
use std::fmt;

/// Most invalid paths a [`PlanError`] lists one by one (it counts them all).
const MAX_LISTED_ERRORS: usize = 100;

/// What a plan submits: a refresh of one type, or a prefetch. Closed on purpose (not
/// `#[non_exhaustive]`): adapters match it to choose the operation, and a new kind of call would
/// need their code anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PurgeKind {
    /// `RefreshObjectCaches` with this `ObjectType`.
    Refresh(RefreshType),
    /// `PushObjectCache`.
    Preload,
}

impl PurgeKind {
    /// How many paths one call takes: 1,000 URLs, 100 directories, 1 regex, 100 prefetched URLs.
    pub fn max_paths_per_call(self) -> usize {
        match self {
            PurgeKind::Refresh(RefreshType::File | RefreshType::IgnoreParams) => MAX_URLS_PER_CALL,
            PurgeKind::Refresh(RefreshType::Directory) => MAX_DIRECTORIES_PER_CALL,
            PurgeKind::Refresh(RefreshType::Regex) => MAX_REGEXES_PER_CALL,
            PurgeKind::Preload => MAX_PRELOAD_URLS_PER_CALL,
        }
    }
}

/// Where a path came from, for error messages and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PathOrigin {
    /// The n-th path argument (1-based).
    Argument(usize),
    /// Line n of a path list (1-based).
    Line(usize),
}

impl fmt::Display for PathOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathOrigin::Argument(n) => write!(f, "argument {n}"),
            PathOrigin::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// A path as given, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathSource {
    /// The text given.
    pub text: String,
    /// Where it came from.
    pub origin: PathOrigin,
}

impl PathSource {
    /// The `n`-th path argument (1-based).
    pub fn argument(n: usize, text: impl Into<String>) -> PathSource {
        PathSource {
            text: text.into(),
            origin: PathOrigin::Argument(n),
        }
    }

    /// Line `n` of a path list (1-based).
    pub fn line(n: usize, text: impl Into<String>) -> PathSource {
        PathSource {
            text: text.into(),
            origin: PathOrigin::Line(n),
        }
    }
}

/// Reads a path list: one path per line (`\n` or `\r\n`), blank lines and lines whose first
/// non-blank character is `#` skipped, each path numbered by its line.
///
/// ```
/// use cdn_task_core::{PathOrigin, read_path_list};
/// let paths = read_path_list("# changed files\nhttps://a.com/x.js\n\n  https://a.com/y.css  \n");
/// assert_eq!(paths.len(), 2);
/// assert_eq!(paths[1].origin, PathOrigin::Line(4));
/// ```
pub fn read_path_list(text: &str) -> Vec<PathSource> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|(index, line)| PathSource::line(index + 1, line.trim()))
        .collect()
}

/// One path of a plan: as it will be sent, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedPath {
    /// The path as sent (percent-encoded, scheme and host in lower case).
    pub path: String,
    /// Where it came from (its first occurrence, when it was given more than once).
    pub origin: PathOrigin,
}

impl PlannedPath {
    /// A path as sent, with where it came from (for adapters that report on a call's paths).
    pub fn new(path: impl Into<String>, origin: PathOrigin) -> PlannedPath {
        PlannedPath {
            path: path.into(),
            origin,
        }
    }
}

/// One call of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedCall {
    /// The paths, ready for the call.
    pub paths: ObjectPaths,
    /// Where each path came from, in the order of `paths`.
    pub origins: Vec<PathOrigin>,
    /// How many distinct domains the paths hold (at most ten).
    pub domains: usize,
}

/// A purge or prefetch of any number of paths, split into calls: at most the per-call limit of
/// the kind (1,000 URLs, 100 directories, 1 regex, 100 prefetched URLs) and at most ten domains
/// per call. Paths are validated and made ready to send (see [`PathProblem`]); duplicates (after
/// that) are dropped, the first kept.
///
/// Calls are filled first-fit in input order: each path goes to the first call that has room for
/// it and either holds its domain already or holds fewer than ten; so the paths of a call keep
/// their input order, calls are ordered by their first path, and paths over many domains still
/// fill calls (2,500 URLs over 12 domains make 4 calls, not 250).
///
/// ```
/// use cdn_task_core::{PathSource, PurgeKind, PurgePlan, RefreshType};
/// let paths = (1..=2500).map(|n| PathSource::argument(n, format!("https://d{}.example.com/{n}.js", n % 12)));
/// let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::File), paths)?;
/// assert_eq!(plan.path_count(), 2500);
/// assert!(plan.calls().iter().all(|call| call.paths.paths().len() <= 1000 && call.domains <= 10));
/// # Ok::<(), cdn_task_core::PlanError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgePlan {
    kind: PurgeKind,
    /// Every path, in input order, duplicates dropped.
    paths: Vec<PlannedPath>,
    calls: Vec<PlannedCall>,
    duplicates: usize,
}

impl PurgePlan {
    /// Validates `sources` and plans their calls. Fails, listing every invalid path with its
    /// origin (up to a hundred), when any is invalid, or when there is none.
    pub fn new(
        kind: PurgeKind,
        sources: impl IntoIterator<Item = PathSource>,
    ) -> Result<PurgePlan, PlanError> {
        let sources = sources.into_iter();
        let mut seen: HashSet<String> = HashSet::with_capacity(sources.size_hint().0);
        let mut paths = Vec::with_capacity(sources.size_hint().0);
        let mut hosts = Vec::with_capacity(sources.size_hint().0);
        let mut errors = Vec::new();
        let mut invalid = 0;
        let mut duplicates = 0;
        for source in sources {
            let checked = normalize(&source.text).and_then(|(path, host)| {
                let directory = kind == PurgeKind::Refresh(RefreshType::Directory);
                if directory && !path.ends_with('/') {
                    return Err(PathProblem::NotADirectory);
                }
                Ok((path, host))
            });
            match checked {
                Ok((path, host)) => {
                    if seen.contains(&path) {
                        duplicates += 1;
                        continue;
                    }
                    seen.insert(path.clone());
                    hosts.push(host);
                    paths.push(PlannedPath {
                        path,
                        origin: source.origin,
                    });
                }
                Err(problem) => {
                    invalid += 1;
                    if errors.len() < MAX_LISTED_ERRORS {
                        errors.push(PathError {
                            origin: source.origin,
                            path: quote(&source.text),
                            problem,
                        });
                    }
                }
            }
        }
        if invalid > 0 {
            return Err(PlanError::InvalidPaths {
                count: invalid,
                errors,
            });
        }
        if paths.is_empty() {
            return Err(PlanError::Empty);
        }
        let calls = split(kind, &paths, &hosts);
        Ok(PurgePlan {
            kind,
            paths,
            calls,
            duplicates,
        })
    }

    /// What the plan submits.
    pub fn kind(&self) -> PurgeKind {
        self.kind
    }

    /// The calls, in order.
    pub fn calls(&self) -> &[PlannedCall] {
        &self.calls
    }

    /// Every path, in input order, duplicates dropped.
    pub fn paths(&self) -> &[PlannedPath] {
        &self.paths
    }

    /// How many paths the plan submits: the quota it needs.
    pub fn path_count(&self) -> usize {
        self.paths.len()
    }

    /// How many paths were dropped as duplicates of an earlier one.
    pub fn duplicates_dropped(&self) -> usize {
        self.duplicates
    }

    /// Keeps the first `count` paths (input order) and re-plans them; returns the kept plan
    /// (`None` when nothing is kept) and the paths left out, in order. For submitting what fits a
    /// remaining quota.
    pub fn split_at(self, count: usize) -> (Option<PurgePlan>, Vec<PlannedPath>) {
        if count >= self.paths.len() {
            return (Some(self), Vec::new());
        }
        let mut kept = self.paths;
        let left_out = kept.split_off(count);
        if kept.is_empty() {
            return (None, left_out);
        }
        let hosts: Vec<_> = kept
            .iter()
            .filter_map(|planned| normalize(&planned.path).ok().map(|(_, host)| host))
            .collect();
        let calls = split(self.kind, &kept, &hosts);
        let plan = PurgePlan {
            kind: self.kind,
            paths: kept,
            calls,
            duplicates: self.duplicates,
        };
        (Some(plan), left_out)
    }
}

/// An open call while splitting: its path indices and its domains.
struct OpenCall<'a> {
    members: Vec<usize>,
    domains: Vec<&'a str>,
}

/// First-fit split of `paths` (with their host ranges) into calls.
fn split(kind: PurgeKind, paths: &[PlannedPath], hosts: &[std::ops::Range<usize>]) -> Vec<PlannedCall> {
    let max = kind.max_paths_per_call();
    let mut calls: Vec<OpenCall<'_>> = Vec::new();
    // Calls that still have room, in creation order; a full call leaves it for good.
    let mut open: Vec<usize> = Vec::new();
    for (index, (planned, host)) in paths.iter().zip(hosts).enumerate() {
        let domain = &planned.path[host.clone()];
        let fits =
            |call: &OpenCall<'_>| call.domains.contains(&domain) || call.domains.len() < MAX_DOMAINS_PER_CALL;
        let slot = open.iter().position(|&call| fits(&calls[call]));
        let call_index = match slot {
            Some(slot) => open[slot],
            None => {
                calls.push(OpenCall {
                    members: Vec::new(),
                    domains: Vec::new(),
                });
                open.push(calls.len() - 1);
                calls.len() - 1
            }
        };
        let call = &mut calls[call_index];
        call.members.push(index);
        if !call.domains.contains(&domain) {
            call.domains.push(domain);
        }
        if call.members.len() == max {
            open.retain(|&c| c != call_index);
        }
    }
    calls
        .into_iter()
        .map(|call| PlannedCall {
            domains: call.domains.len(),
            origins: call.members.iter().map(|&i| paths[i].origin).collect(),
            paths: ObjectPaths::checked(call.members.iter().map(|&i| paths[i].path.clone()).collect()),
        })
        .collect()
}

/// One invalid path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: `{path}` {problem}")]
#[non_exhaustive]
pub struct PathError {
    /// Where it came from.
    pub origin: PathOrigin,
    /// The text given, shortened if huge.
    pub path: String,
    /// What is wrong with it.
    pub problem: PathProblem,
}

/// Why a purge cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// No path was given.
    #[error("no paths were given")]
    Empty,
    /// Some paths are invalid; nothing may be sent.
    #[error("{count} invalid path(s), nothing was sent: {}", list(errors))]
    InvalidPaths {
        /// How many paths are invalid.
        count: usize,
        /// The first hundred of them, in input order.
        errors: Vec<PathError>,
    },
}

fn list(errors: &[PathError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(count: usize, domains: usize) -> Vec<PathSource> {
        (0..count)
            .map(|n| PathSource::line(n + 1, format!("https://d{}.example.com/{n}.js", n % domains)))
            .collect()
    }

    const FILE: PurgeKind = PurgeKind::Refresh(RefreshType::File);

    fn sizes(plan: &PurgePlan) -> Vec<(usize, usize)> {
        plan.calls()
            .iter()
            .map(|c| (c.paths.paths().len(), c.domains))
            .collect()
    }

    #[test]
    fn many_urls_over_many_domains_fill_calls_within_both_limits() {
        let plan = PurgePlan::new(FILE, urls(2_500, 12)).unwrap();
        let sizes = sizes(&plan);
        assert_eq!(sizes.len(), 4, "{sizes:?}");
        assert!(sizes[..2].iter().all(|&size| size == (1000, 10)), "{sizes:?}");
        // Every path exactly once, each call in input order, each call valid as sent.
        let mut all: Vec<PathOrigin> = plan.calls().iter().flat_map(|c| c.origins.clone()).collect();
        for call in plan.calls() {
            assert!(call.origins.windows(2).all(|w| w[0] < w[1]));
            assert!(ObjectPaths::new(call.paths.paths().to_vec(), 1000).is_ok());
        }
        all.sort();
        assert_eq!(all, (1..=2_500).map(PathOrigin::Line).collect::<Vec<_>>());
    }

    #[test]
    fn limits_per_kind() {
        let dirs: Vec<PathSource> = (0..250)
            .map(|n| PathSource::argument(n + 1, format!("http://a.com/{n}/")))
            .collect();
        let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::Directory), dirs).unwrap();
        assert_eq!(sizes(&plan), [(100, 1), (100, 1), (50, 1)]);
        let plan = PurgePlan::new(PurgeKind::Preload, urls(250, 3)).unwrap();
        assert_eq!(sizes(&plan), [(100, 3), (100, 3), (50, 3)]);
        let plan = PurgePlan::new(PurgeKind::Refresh(RefreshType::Regex), urls(3, 1)).unwrap();
        assert_eq!(sizes(&plan), [(1, 1), (1, 1), (1, 1)]);
    }

    #[test]
    fn duplicates_are_dropped_after_normalizing() {
        let sources = vec![
            PathSource::argument(1, "https://A.com/x y"),
            PathSource::line(1, "https://a.com/x%20y"),
            PathSource::line(2, "https://a.com/z"),
        ];
        let plan = PurgePlan::new(FILE, sources).unwrap();
        assert_eq!(plan.duplicates_dropped(), 1);
        assert_eq!(
            plan.calls()[0].paths.paths(),
            ["https://a.com/x%20y", "https://a.com/z"]
        );
        assert_eq!(
            plan.calls()[0].origins,
            [PathOrigin::Argument(1), PathOrigin::Line(2)]
        );
    }

    #[test]
    fn every_invalid_path_is_reported_with_its_origin() {
        let text = "https://a.com/ok\n# comment\nftp://a.com/x\n\nhttps:///nohost\n";
        let error = PurgePlan::new(FILE, read_path_list(text)).unwrap_err();
        let PlanError::InvalidPaths { count, errors } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(*count, 2);
        assert_eq!(errors[0].origin, PathOrigin::Line(3));
        assert_eq!(errors[1].problem, PathProblem::NoHost);
        assert!(
            error
                .to_string()
                .contains("line 5: `https:///nohost` has no host"),
            "{error}"
        );
        let dir = PurgePlan::new(
            PurgeKind::Refresh(RefreshType::Directory),
            [PathSource::argument(1, "http://a.com/d")],
        );
        assert!(matches!(dir, Err(PlanError::InvalidPaths { .. })));
        assert_eq!(
            PurgePlan::new(FILE, read_path_list("# nothing\n")),
            Err(PlanError::Empty)
        );
    }

    #[test]
    fn splitting_at_a_quota_keeps_the_first_paths() {
        let plan = PurgePlan::new(FILE, urls(1_500, 2)).unwrap();
        let (kept, left_out) = plan.clone().split_at(1_200);
        let kept = kept.unwrap();
        assert_eq!(kept.path_count(), 1_200);
        assert_eq!(sizes(&kept), [(1000, 2), (200, 2)]);
        assert_eq!(left_out.len(), 300);
        assert_eq!(left_out[0].origin, PathOrigin::Line(1_201));
        assert!(plan.clone().split_at(0).0.is_none());
        assert_eq!(plan.clone().split_at(5_000).0, Some(plan));
    }
}
