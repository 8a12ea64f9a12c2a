//! The planner as it was before it was made fast (`benches/README.md`), kept as the oracle of the
//! property tests in `plan.rs`: straightforward code, one step at a time, every path copied.

use super::super::object_paths::ObjectPaths;
use super::super::path::{MAX_DOMAINS_PER_CALL, MAX_PATH_CHARS, PathProblem};
use super::super::refresh::RefreshType;
use super::{
    MAX_LISTED_ERRORS, PathError, PathSource, PlanError, PlannedCall, PlannedPath, PurgeKind, PurgePlan,
};
use crate::task_id::quote;
use std::collections::HashSet;
use std::ops::Range;

/// A path made ready to send, while planning.
struct Entry {
    path: String,
    host: Range<usize>,
    origin: super::PathOrigin,
    position: usize,
}

/// `read_path_list` as it was: `str::lines`, each line trimmed, blanks and comments skipped.
pub(super) fn read_path_list(text: &str) -> Vec<PathSource<'_>> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index, line.trim_ascii()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(index, line)| PathSource::line(index + 1, line))
        .collect()
}

/// `PurgePlan::new` as it was.
pub(super) fn plan<'a>(
    kind: PurgeKind,
    sources: impl IntoIterator<Item = PathSource<'a>>,
) -> Result<PurgePlan, PlanError> {
    plan_with_paths(kind, sources).map(|(plan, _)| plan)
}

/// `PurgePlan::new` as it was, with each call's paths as the old `ObjectPaths` held them: one
/// `String` each.
pub(super) fn plan_with_paths<'a>(
    kind: PurgeKind,
    sources: impl IntoIterator<Item = PathSource<'a>>,
) -> Result<(PurgePlan, Vec<Vec<String>>), PlanError> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut invalid = 0;
    let directory = kind == PurgeKind::Refresh(RefreshType::Directory);
    for source in sources {
        let checked = normalize(&source.text).and_then(|(path, host)| {
            if directory && !path.ends_with('/') {
                return Err(PathProblem::NotADirectory);
            }
            Ok((path, host))
        });
        match checked {
            Ok((path, host)) => entries.push(Entry {
                path,
                host,
                origin: source.origin,
                position: 0,
            }),
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
    let mut seen = HashSet::new();
    let keep: Vec<bool> = entries
        .iter()
        .map(|entry| seen.insert(entry.path.clone()))
        .collect();
    let duplicates = keep.iter().filter(|kept| !**kept).count();
    let entries: Vec<Entry> = entries
        .into_iter()
        .zip(keep)
        .filter_map(|(entry, kept)| kept.then_some(entry))
        .enumerate()
        .map(|(position, entry)| Entry { position, ..entry })
        .collect();
    if entries.is_empty() {
        return Err(PlanError::Empty);
    }
    let path_count = entries.len();
    let (calls, paths) = split(kind, entries);
    Ok((
        PurgePlan {
            kind,
            path_count,
            calls,
            duplicates,
        },
        paths,
    ))
}

/// `PurgePlan::split_at` as it was.
pub(super) fn split_at(plan: PurgePlan, count: usize) -> (Option<PurgePlan>, Vec<PlannedPath>) {
    if count >= plan.path_count {
        return (Some(plan), Vec::new());
    }
    let mut entries: Vec<Entry> = Vec::new();
    for call in plan.calls {
        for ((path, origin), position) in call
            .paths
            .iter()
            .map(str::to_owned)
            .zip(call.origins)
            .zip(call.positions)
        {
            let host = host_range(&path).unwrap_or_default();
            entries.push(Entry {
                path,
                host,
                origin,
                position,
            });
        }
    }
    entries.sort_by_key(|entry| entry.position);
    let left_out = entries
        .split_off(count)
        .into_iter()
        .map(|entry| PlannedPath::new(entry.path, entry.origin))
        .collect();
    if entries.is_empty() {
        return (None, left_out);
    }
    let kept = PurgePlan {
        kind: plan.kind,
        path_count: entries.len(),
        calls: split(plan.kind, entries).0,
        duplicates: plan.duplicates,
    };
    (Some(kept), left_out)
}

/// First-fit split of `entries` (in input order) into calls, domains compared by name.
fn split(kind: PurgeKind, entries: Vec<Entry>) -> (Vec<PlannedCall>, Vec<Vec<String>>) {
    let max = kind.max_paths_per_call();
    let mut calls: Vec<(Vec<Entry>, Vec<String>)> = Vec::new();
    let mut full: Vec<bool> = Vec::new();
    for entry in entries {
        let domain = entry.path[entry.host.clone()].to_owned();
        let slot = (0..calls.len()).find(|&call| {
            !full[call] && (calls[call].1.contains(&domain) || calls[call].1.len() < MAX_DOMAINS_PER_CALL)
        });
        let call = match slot {
            Some(call) => call,
            None => {
                calls.push((Vec::new(), Vec::new()));
                full.push(false);
                calls.len() - 1
            }
        };
        if !calls[call].1.contains(&domain) {
            calls[call].1.push(domain);
        }
        calls[call].0.push(entry);
        if calls[call].0.len() == max {
            full[call] = true;
        }
    }
    calls
        .into_iter()
        .map(|(entries, domains)| {
            let paths: Vec<String> = entries.iter().map(|entry| entry.path.clone()).collect();
            let call = PlannedCall {
                domains: domains.len(),
                origins: entries.iter().map(|entry| entry.origin).collect(),
                positions: entries.iter().map(|entry| entry.position).collect(),
                // The old `to_parameter`: the paths joined as sent.
                paths: ObjectPaths::checked(paths.join("\n"), paths.len()),
            };
            (call, paths)
        })
        .unzip()
}

/// `normalize` as it was: trim, encode every byte that is not printable ASCII, check the length
/// and the host, lower-case scheme and host.
fn normalize(text: &str) -> Result<(String, Range<usize>), PathProblem> {
    let text = text.trim_ascii();
    if text.is_empty() {
        return Err(PathProblem::Empty);
    }
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.len() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    let host = host_range(&out)?;
    out[..host.end].make_ascii_lowercase();
    Ok((out, host))
}

/// What a byte is to a host name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HostByte {
    Bad,
    Alphanumeric,
    Hyphen,
    Dot,
    End,
}

fn host_byte(byte: u8) -> HostByte {
    match byte {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => HostByte::Alphanumeric,
        b'-' => HostByte::Hyphen,
        b'.' => HostByte::Dot,
        b'/' | b'?' | b'#' | b':' => HostByte::End,
        _ => HostByte::Bad,
    }
}

/// `host_range` as it was: a byte loop over the host, one state per byte.
pub(super) fn host_range(url: &str) -> Result<Range<usize>, PathProblem> {
    let lower = url.to_ascii_lowercase();
    let start = if lower.starts_with("http://") {
        7
    } else if lower.starts_with("https://") {
        8
    } else {
        return Err(PathProblem::Scheme);
    };
    let bytes = url.as_bytes();
    let mut end = start;
    let mut label_start = start;
    let mut previous = HostByte::Dot;
    for &byte in &bytes[start..] {
        let class = host_byte(byte);
        match class {
            HostByte::Alphanumeric => {}
            HostByte::End => break,
            HostByte::Bad => return Err(PathProblem::BadHost),
            HostByte::Dot if end == label_start || previous == HostByte::Hyphen => {
                return Err(PathProblem::BadHost);
            }
            HostByte::Dot => label_start = end + 1,
            HostByte::Hyphen if end == label_start => return Err(PathProblem::BadHost),
            HostByte::Hyphen => {}
        }
        previous = class;
        end += 1;
    }
    if end == start {
        return Err(match bytes.get(end) {
            None | Some(b'/' | b'?' | b'#') => PathProblem::NoHost,
            Some(_) => PathProblem::BadHost,
        });
    }
    if end == label_start || previous == HostByte::Hyphen {
        return Err(PathProblem::BadHost);
    }
    // A port: digits after the colon, then the end of the authority.
    if let Some(port) = url[end..].strip_prefix(':') {
        let after_digits = port.trim_start_matches(|c: char| c.is_ascii_digit());
        let port_ends = after_digits.is_empty() || after_digits.starts_with(['/', '?', '#']);
        if after_digits.len() == port.len() || !port_ends {
            return Err(PathProblem::BadHost);
        }
    }
    Ok(start..end)
}

/// The planner against the oracle above, on generated path lists: duplicates (also in other case
/// and with other blanks), non-ASCII text, blanks and control characters, invalid schemes and
/// hosts, paths about 1,024 characters long, up to 16 domains, every kind, borrowed and owned.
mod properties {
    use super::super::{PathOrigin, PathSource, PurgeKind, PurgePlan, read_path_list};
    use super::RefreshType;
    use proptest::prelude::*;
    use proptest::sample::Index;

    const KINDS: [PurgeKind; 5] = [
        PurgeKind::Refresh(RefreshType::File),
        PurgeKind::Refresh(RefreshType::IgnoreParams),
        PurgeKind::Refresh(RefreshType::Directory),
        PurgeKind::Refresh(RefreshType::Regex),
        PurgeKind::Preload,
    ];

    /// `text` with the letters chosen by `mask` in upper case.
    fn recase(text: &str, mask: u64) -> String {
        text.chars()
            .enumerate()
            .map(|(n, c)| {
                if mask >> (n % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    fn scheme() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => prop_oneof![Just("http://"), Just("https://")].prop_map(str::to_owned),
            2 => (prop_oneof![Just("http://"), Just("https://")], any::<u64>()).prop_map(|(s, m)| recase(s, m)),
            1 => prop_oneof![Just("ftp://"), Just("http:/"), Just("https:"), Just("http"), Just(""), Just("httpx://")]
                .prop_map(str::to_owned),
        ]
    }

    fn host() -> impl Strategy<Value = String> {
        let domain = (0..16u8, any::<u64>(), 0..4u8).prop_map(|(n, mask, shape)| {
            let name = match shape {
                0 => format!("d{n}.example.com"),
                1 => format!("static-{n}.cdn.example.com"),
                2 => format!("10.0.0.{n}"),
                _ => format!("xn--bcher-kva{n}.de"),
            };
            if mask % 4 == 0 { recase(&name, mask) } else { name }
        });
        let port = prop_oneof![6 => Just(String::new()), 1 => Just(":8080".to_owned()), 1 => Just(":".to_owned()), 1 => Just(":8x".to_owned())];
        prop_oneof![
            12 => (domain, port).prop_map(|(d, p)| d + &p),
            1 => prop_oneof![
                Just(""), Just("-a.com"), Just("a-.com"), Just("a..com"), Just("a.com."), Just(".a.com"),
                Just("u@a.com"), Just("bücher.de"), Just("a_b.com"), Just("*.a.com"), Just(":80"), Just("A"),
            ]
            .prop_map(str::to_owned),
        ]
    }

    fn rest() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            12 => "[a-z0-9./_-]{0,12}",
            2 => Just("/é/中文.jpg".to_owned()),
            2 => Just("/a b%41?x=1&y=Ü#f".to_owned()),
            1 => "[ \t\r\u{0}\u{7f}\u{a0}\u{3000}]{1,2}",
            1 => (1000..1030usize).prop_map(|n| format!("/{}", "x".repeat(n - 24))),
        ];
        (prop::collection::vec(piece, 0..3), any::<bool>()).prop_map(|(pieces, slash)| {
            let mut rest = format!("/{}", pieces.concat());
            if slash {
                rest.push('/');
            }
            rest
        })
    }

    /// One path, blanks around it sometimes.
    fn path() -> impl Strategy<Value = String> {
        let blank = prop_oneof![4 => Just(""), 1 => Just(" "), 1 => Just("\t"), 1 => Just(" \r")];
        (blank.clone(), scheme(), host(), rest(), blank)
            .prop_map(|(a, s, h, r, b)| format!("{a}{s}{h}{r}{b}"))
    }

    /// A path list: new paths, and copies of earlier ones (as given, in other case, or blanks).
    fn paths() -> impl Strategy<Value = Vec<String>> {
        let item = prop_oneof![3 => path().prop_map(Ok), 1 => (any::<Index>(), any::<u64>(), any::<bool>()).prop_map(Err)];
        prop::collection::vec(item, 1..250).prop_map(|items| {
            let mut paths: Vec<String> = Vec::new();
            for item in items {
                match item {
                    Ok(path) => paths.push(path),
                    Err((index, mask, blank)) if !paths.is_empty() => {
                        let earlier = paths[index.index(paths.len())].clone();
                        let copy = match mask % 3 {
                            0 => earlier,
                            // The scheme and host in other case: the same path once lowered.
                            1 => recase(&earlier, mask & 0xFFFF_FFFF),
                            _ => earlier,
                        };
                        paths.push(if blank { format!("  {copy}\t") } else { copy });
                    }
                    Err(_) => {}
                }
            }
            paths
        })
    }

    /// Paths that are all valid for `kind` most of the time, so that plans are made.
    fn valid(paths: &[String], kind: PurgeKind) -> Vec<String> {
        paths
            .iter()
            .filter(|path| super::plan(kind, [PathSource::argument(1, path.as_str())]).is_ok())
            .cloned()
            .collect()
    }

    fn agree(kind: PurgeKind, paths: &[String], at: Index) {
        let borrowed = || {
            paths
                .iter()
                .enumerate()
                .map(|(n, p)| PathSource::argument(n + 1, p.as_str()))
        };
        let owned = || {
            paths
                .iter()
                .enumerate()
                .map(|(n, p)| PathSource::line(n + 1, p.clone()))
        };
        let expected = super::plan_with_paths(kind, borrowed());
        let planned = PurgePlan::new(kind, borrowed());
        assert_eq!(planned, expected.clone().map(|(plan, _)| plan));
        if let (Ok(planned), Ok((_, paths))) = (&planned, &expected) {
            // Each call's entries, read back from its one buffer, are the old one-`String`-each
            // paths; and they round-trip through the wire parameter.
            let read: Vec<Vec<&str>> = planned
                .calls()
                .iter()
                .map(|call| call.paths.iter().collect())
                .collect();
            assert_eq!(&read, paths);
            for call in planned.calls() {
                assert_eq!(call.paths.len(), call.origins.len());
                let wire = call.paths.as_wire_str();
                let parsed = crate::ObjectPaths::parse(wire, kind.max_paths_per_call());
                assert_eq!(parsed.as_ref(), Ok(&call.paths));
                assert_eq!(
                    crate::ObjectPaths::new(
                        call.paths.iter().map(str::to_owned).collect(),
                        kind.max_paths_per_call()
                    )
                    .as_ref(),
                    Ok(&call.paths)
                );
            }
        }
        let expected = expected.map(|(plan, _)| plan);
        let expected_owned = super::plan(kind, owned());
        assert_eq!(PurgePlan::new(kind, owned()), expected_owned);
        if let Ok(plan) = expected {
            assert_eq!(
                plan.paths().iter().map(|p| p.origin).collect::<Vec<_>>().len(),
                plan.path_count()
            );
            let count = at.index(plan.path_count() + 1);
            assert_eq!(plan.clone().split_at(count), super::split_at(plan, count));
        }
    }

    proptest! {
        #![proptest_config(crate::pinned_cases::pinned_cases(1_000))]

        #[test]
        fn plans_equal_the_reference_plans(paths in paths(), kind in 0..KINDS.len(), only_valid: bool, at: Index) {
            let kind = KINDS[kind];
            let paths = if only_valid { valid(&paths, kind) } else { paths };
            agree(kind, &paths, at);
        }

        /// Lists over up to 200 domains, so that domain numbers of 64 and more (past the split's
        /// bit mask of a call's domains) are planned too.
        #[test]
        fn plans_over_many_domains_equal_the_reference_plans(
            picks in prop::collection::vec((0..200u16, 0..4u8), 1..600),
            kind in 0..KINDS.len(),
            at: Index,
        ) {
            let paths: Vec<String> = picks
                .iter()
                .enumerate()
                .map(|(n, (domain, shape))| match shape {
                    0 => format!("https://d{domain}.example.com/{n}/"),
                    1 => format!("https://d{domain}.example.com/same/"),
                    2 => format!("http://D{domain}.Example.com/{n}/"),
                    _ => format!("https://d{domain}.example.com/é/{n}/"),
                })
                .collect();
            agree(KINDS[kind], &paths, at);
        }

        #[test]
        fn path_lists_are_read_as_before(paths in paths(), separators in prop::collection::vec(0..6u8, 250), kind in 0..KINDS.len()) {
            let mut text = String::new();
            for (path, separator) in paths.iter().zip(&separators) {
                text.push_str(path);
                text.push_str(["\n", "\r\n", "\n\n", "\n# a comment\n", "\n  \t\n", "\r\n#\r\n"][usize::from(*separator)]);
            }
            if separators[0] % 2 == 0 {
                text.pop();
            }
            let read = read_path_list(&text);
            assert_eq!(read, super::read_path_list(&text));
            assert!(read.iter().all(|path| matches!(path.origin, PathOrigin::Line(_))));
            let kind = KINDS[kind];
            assert_eq!(PurgePlan::new(kind, read), super::plan(kind, super::read_path_list(&text)));
        }

        #[test]
        fn hosts_are_checked_as_before(
            scheme in scheme(),
            host in host(),
            rest in "[a-zA-Z0-9.:/?#@_ é-]{0,12}",
            labels in "[a-zA-Z0-9.-]{0,30}[/:?#a.-]?[0-9]?",
        ) {
            let urls = [
                format!("{scheme}{host}{rest}"),
                format!("{scheme}{rest}"),
                format!("{host}{rest}"),
                format!("{scheme}{labels}"),
                format!("http://{labels}{rest}"),
            ];
            for url in urls {
                assert_eq!(super::super::host_range(&url), super::host_range(&url), "{url:?}");
            }
        }
    }
}
