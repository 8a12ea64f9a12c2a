//! Planning a purge or prefetch of any number of paths: validated, duplicates dropped, split into
//! calls within the service's per-call limits. Pure: the client executes the plan.

use super::object_paths::{
    MAX_DIRECTORIES_PER_CALL, MAX_PRELOAD_URLS_PER_CALL, MAX_REGEXES_PER_CALL, MAX_URLS_PER_CALL, ObjectPaths,
};
use super::path::{Domains, HostCache, MAX_DOMAINS_PER_CALL, PathProblem, host_range, prepare};
use super::refresh::RefreshType;
use crate::task_id::quote;
use std::borrow::Cow;
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

/// A path as given (borrowed from the list it was read from, or owned), with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathSource<'a> {
    /// The text given.
    pub text: Cow<'a, str>,
    /// Where it came from.
    pub origin: PathOrigin,
}

impl<'a> PathSource<'a> {
    /// The `n`-th path argument (1-based).
    pub fn argument(n: usize, text: impl Into<Cow<'a, str>>) -> PathSource<'a> {
        PathSource {
            text: text.into(),
            origin: PathOrigin::Argument(n),
        }
    }

    /// Line `n` of a path list (1-based).
    pub fn line(n: usize, text: impl Into<Cow<'a, str>>) -> PathSource<'a> {
        PathSource {
            text: text.into(),
            origin: PathOrigin::Line(n),
        }
    }
}

/// Reads a path list: one path per line (`\n` or `\r\n`), ASCII blanks around it trimmed,
/// blank lines and lines whose first non-blank character is `#` skipped, each path numbered by
/// its line.
///
/// ```
/// use cdn_task_core::{PathOrigin, read_path_list};
/// let paths = read_path_list("# changed files\nhttps://a.com/x.js\n\n  https://a.com/y.css  \n");
/// assert_eq!(paths.len(), 2);
/// assert_eq!(paths[1].origin, PathOrigin::Line(4));
/// ```
pub fn read_path_list(text: &str) -> Vec<PathSource<'_>> {
    let bytes = text.as_bytes();
    // One `memchr` pass to size the list, then `memchr`'s iterator for the lines' ends: far
    // cheaper than `str::lines` on the short lines of a path list. A line's `\r` is a blank,
    // trimmed with the others.
    let mut paths = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    let mut number = 0;
    let mut push = |start: usize, end: usize| {
        number += 1;
        let line = text.get(start..end).unwrap_or_default().trim_ascii();
        if !line.is_empty() && !line.starts_with('#') {
            paths.push(PathSource::line(number, line));
        }
    };
    for end in memchr::memchr_iter(b'\n', bytes) {
        push(start, end);
        start = end + 1;
    }
    push(start, bytes.len());
    paths
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
    /// Each path's place in the plan's input order.
    positions: Vec<usize>,
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
/// assert!(plan.calls().iter().all(|call| call.paths.len() <= 1000 && call.domains <= 10));
/// # Ok::<(), cdn_task_core::PlanError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgePlan {
    kind: PurgeKind,
    calls: Vec<PlannedCall>,
    path_count: usize,
    duplicates: usize,
}

/// A path made ready to send, while planning: borrowed from the caller's text when it needs no
/// change, so that each path is copied once, into its call.
struct Entry<'a> {
    path: Cow<'a, str>,
    /// The number of its host (in lower case), the same for every path of that host.
    domain: u32,
    origin: PathOrigin,
    /// The path's `path_hash`, found while it was checked (0 when [`split`] looks for no
    /// duplicates).
    hash: u64,
}

/// The split's duplicate set: an open-addressing table of entry numbers (plus one; 0 is a free
/// slot), placed by the hash each path was checked with, at most half full. Cheaper than a
/// general hash set here: no hashing, no growth, one comparison of hashes before any of names.
struct SeenSet {
    slots: Vec<usize>,
}

impl SeenSet {
    /// A set for up to `count` entries.
    fn new(count: usize) -> SeenSet {
        let size = count
            .saturating_mul(2)
            .max(8)
            .checked_next_power_of_two()
            .unwrap_or(usize::MAX);
        SeenSet { slots: vec![0; size] }
    }

    /// Adds `entries[index]`; `false` when an equal path is in the set already.
    fn insert(&mut self, entries: &[Entry<'_>], index: usize) -> bool {
        let Some(entry) = entries.get(index) else {
            return true;
        };
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = entry.hash as usize & mask;
        while let Some(taken) = self.slots.get_mut(slot) {
            match taken.checked_sub(1).and_then(|other| entries.get(other)) {
                None => {
                    *taken = index + 1;
                    return true;
                }
                Some(other) if other.hash == entry.hash && other.path == entry.path => return false,
                Some(_) => slot = (slot + 1) & mask,
            }
        }
        true
    }
}

impl PurgePlan {
    /// Validates `sources` and plans their calls. Fails, listing every invalid path with its
    /// origin (up to a hundred), when any is invalid, or when there is none.
    pub fn new<'a>(
        kind: PurgeKind,
        sources: impl IntoIterator<Item = PathSource<'a>>,
    ) -> Result<PurgePlan, PlanError> {
        let sources = sources.into_iter();
        let mut entries = Vec::with_capacity(sources.size_hint().0);
        let mut errors = Vec::new();
        let mut invalid = 0;
        let directory = kind == PurgeKind::Refresh(RefreshType::Directory);
        let mut hosts = HostCache::default();
        for source in sources {
            let PathSource { text, origin } = source;
            // A path as sent ends as the trimmed text does: `/` is neither a blank nor encoded.
            let checked = match prepare(&text, &mut hosts) {
                Ok(_) if directory && !text.trim_ascii_end().ends_with('/') => {
                    Err(PathProblem::NotADirectory)
                }
                checked => checked,
            };
            match checked {
                Ok(prepared) => {
                    let domain = prepared.domain();
                    let (path, _, hash) = prepared.apply(text);
                    entries.push(Entry {
                        path,
                        domain,
                        origin,
                        hash,
                    });
                }
                Err(problem) => {
                    invalid += 1;
                    if errors.len() < MAX_LISTED_ERRORS {
                        errors.push(PathError {
                            origin,
                            path: quote(&text),
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
        let split = split(kind, entries, Duplicates::Drop);
        if split.paths == 0 {
            return Err(PlanError::Empty);
        }
        Ok(PurgePlan {
            kind,
            path_count: split.paths,
            calls: split.calls,
            duplicates: split.duplicates,
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
    pub fn paths(&self) -> Vec<PlannedPath> {
        let mut paths: Vec<(usize, PlannedPath)> = self
            .calls
            .iter()
            .flat_map(|call| {
                call.paths
                    .iter()
                    .zip(&call.origins)
                    .zip(&call.positions)
                    .map(|((path, origin), position)| (*position, PlannedPath::new(path, *origin)))
            })
            .collect();
        paths.sort_unstable_by_key(|(position, _)| *position);
        paths.into_iter().map(|(_, path)| path).collect()
    }

    /// How many paths the plan submits: the quota it needs.
    pub fn path_count(&self) -> usize {
        self.path_count
    }

    /// How many paths were dropped as duplicates of an earlier one.
    pub fn duplicates_dropped(&self) -> usize {
        self.duplicates
    }

    /// Keeps the first `count` paths (input order) and re-plans them; returns the kept plan
    /// (`None` when nothing is kept) and the paths left out, in order. For submitting what fits a
    /// remaining quota.
    pub fn split_at(self, count: usize) -> (Option<PurgePlan>, Vec<PlannedPath>) {
        if count >= self.path_count {
            return (Some(self), Vec::new());
        }
        let mut domains = Domains::default();
        let mut entries: Vec<(usize, Entry<'_>)> = Vec::with_capacity(self.path_count);
        for call in &self.calls {
            for ((path, &origin), &position) in call.paths.iter().zip(&call.origins).zip(&call.positions) {
                let host = host_range(path).unwrap_or_default();
                let domain = domains.id(path.get(host).unwrap_or_default());
                let path = Cow::Borrowed(path);
                let hash = 0;
                entries.push((
                    position,
                    Entry {
                        path,
                        domain,
                        origin,
                        hash,
                    },
                ));
            }
        }
        entries.sort_unstable_by_key(|(position, _)| *position);
        let left_out = entries
            .split_off(count)
            .into_iter()
            .map(|(_, entry)| PlannedPath::new(entry.path, entry.origin))
            .collect();
        // The kept paths are the plan's first `count`: their positions are 0 to `count - 1`, as
        // `split` numbers them again.
        let entries = entries.into_iter().map(|(_, entry)| entry).collect();
        let split = split(self.kind, entries, Duplicates::None);
        if split.paths == 0 {
            return (None, left_out);
        }
        let plan = PurgePlan {
            kind: self.kind,
            path_count: split.paths,
            calls: split.calls,
            duplicates: self.duplicates,
        };
        (Some(plan), left_out)
    }
}

/// Whether [`split`] looks for duplicates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Duplicates {
    /// Drop every path equal to an earlier one.
    Drop,
    /// There are none (the paths of a plan).
    None,
}

/// The calls [`split`] makes.
struct Split {
    /// The calls, in order.
    calls: Vec<PlannedCall>,
    /// How many paths they hold.
    paths: usize,
    /// How many duplicates were dropped.
    duplicates: usize,
}

/// A call while [`split`] fills it.
struct Building {
    /// Its paths in wire form: joined by `\n`.
    paths: String,
    /// Where each path came from.
    origins: Vec<PathOrigin>,
    /// Each path's place in the plan's input order.
    positions: Vec<usize>,
    /// Its domains' numbers, in order of appearance.
    domains: Vec<u32>,
    /// Its domains numbered below 64, one bit each: most plans have no others, so that the
    /// membership test is one bit test, not a scan of `domains`.
    mask: u64,
}

impl Building {
    /// An empty call with room for `paths` paths of about `bytes` bytes in all.
    fn new(paths: usize, bytes: usize) -> Building {
        Building {
            paths: String::with_capacity(bytes),
            origins: Vec::with_capacity(paths),
            positions: Vec::with_capacity(paths),
            domains: Vec::new(),
            mask: 0,
        }
    }

    /// Whether it holds `domain` already.
    fn holds(&self, domain: u32) -> bool {
        match 1u64.checked_shl(domain) {
            Some(bit) => self.mask & bit != 0,
            None => self.domains.contains(&domain),
        }
    }

    /// Whether a path of `domain` fits (as far as domains go).
    fn takes(&self, domain: u32) -> bool {
        self.domains.len() < MAX_DOMAINS_PER_CALL || self.holds(domain)
    }

    /// Appends a path.
    fn push(&mut self, path: &str, origin: PathOrigin, position: usize, domain: u32) {
        if !self.origins.is_empty() {
            self.paths.push('\n');
        }
        self.paths.push_str(path);
        self.origins.push(origin);
        self.positions.push(position);
        if !self.holds(domain) {
            self.domains.push(domain);
            self.mask |= 1u64.checked_shl(domain).unwrap_or(0);
        }
    }
}

/// First-fit split of `entries` (in input order) into calls, duplicates dropped first if asked.
/// One pass: each path is appended to its call's wire buffer as it is placed (each call's buffer
/// sized up front from the entries' mean length).
fn split(kind: PurgeKind, entries: Vec<Entry<'_>>, duplicates: Duplicates) -> Split {
    let max = kind.max_paths_per_call();
    let total = entries.len();
    let bytes: usize = entries.iter().map(|entry| entry.path.len() + 1).sum();
    let mean = bytes.div_ceil(total.max(1));
    let mut seen = SeenSet::new(match duplicates {
        Duplicates::Drop => total,
        Duplicates::None => 0,
    });
    let mut calls: Vec<Building> = Vec::new();
    // The calls that still have room, in creation order (a full call leaves for good).
    let mut open: Vec<usize> = Vec::new();
    let mut position = 0;
    let mut dropped = 0;
    for (index, entry) in entries.iter().enumerate() {
        if duplicates == Duplicates::Drop && !seen.insert(&entries, index) {
            dropped += 1;
            continue;
        }
        let domain = entry.domain;
        let call = match open.iter().find(|&&call| calls[call].takes(domain)) {
            Some(&call) => call,
            None => {
                let room = max.min(total - index);
                calls.push(Building::new(room, room * mean));
                open.push(calls.len() - 1);
                calls.len() - 1
            }
        };
        let building = &mut calls[call];
        building.push(&entry.path, entry.origin, position, domain);
        position += 1;
        if building.origins.len() == max {
            open.retain(|&c| c != call);
        }
    }
    Split {
        calls: calls
            .into_iter()
            .map(|call| PlannedCall {
                paths: ObjectPaths::checked(call.paths, call.origins.len()),
                origins: call.origins,
                domains: call.domains.len(),
                positions: call.positions,
            })
            .collect(),
        paths: position,
        duplicates: dropped,
    }
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
#[path = "plan_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(count: usize, domains: usize) -> Vec<PathSource<'static>> {
        (0..count)
            .map(|n| PathSource::line(n + 1, format!("https://d{}.example.com/{n}.js", n % domains)))
            .collect()
    }

    const FILE: PurgeKind = PurgeKind::Refresh(RefreshType::File);

    fn sizes(plan: &PurgePlan) -> Vec<(usize, usize)> {
        plan.calls().iter().map(|c| (c.paths.len(), c.domains)).collect()
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
            assert!(ObjectPaths::new(call.paths.iter().map(str::to_owned).collect(), 1000).is_ok());
        }
        all.sort();
        assert_eq!(all, (1..=2_500).map(PathOrigin::Line).collect::<Vec<_>>());
    }

    #[test]
    fn limits_per_kind() {
        let dirs: Vec<PathSource<'_>> = (0..250)
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
    fn paths_whose_hashes_collide_are_both_kept() {
        let entry = |path: &'static str, line: usize| Entry {
            path: Cow::Borrowed(path),
            domain: 0,
            origin: PathOrigin::Line(line),
            hash: 42,
        };
        let entries = [
            entry("https://a.com/1", 1),
            entry("https://a.com/2", 2),
            entry("https://a.com/1", 3),
        ];
        let mut seen = SeenSet::new(entries.len());
        let kept: Vec<bool> = (0..entries.len())
            .map(|index| seen.insert(&entries, index))
            .collect();
        assert_eq!(
            kept,
            [true, true, false],
            "same hash, other path: kept; same path: dropped"
        );
    }

    #[test]
    fn every_duplicate_is_counted() {
        let twice = vec![
            PathSource::line(1, "https://a.com/x"),
            PathSource::line(2, "https://a.com/x"),
            PathSource::line(3, "https://a.com/x"),
        ];
        assert_eq!(PurgePlan::new(FILE, twice).unwrap().duplicates_dropped(), 2);
        assert_eq!(PurgePlan::new(FILE, urls(3, 1)).unwrap().duplicates_dropped(), 0);
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
            plan.calls()[0].paths.iter().collect::<Vec<_>>(),
            ["https://a.com/x%20y", "https://a.com/z"]
        );
        assert_eq!(
            plan.calls()[0].paths.as_wire_str(),
            "https://a.com/x%20y\nhttps://a.com/z"
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
