//! One object path as the service takes it: an `http://` or `https://` URL with a host, at most
//! 1,024 characters, percent-encoded (UTF-8, upper-case hex) wherever it is not plain ASCII.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// Longest object path the service takes, in characters (API-FAMILY B.2: "each path at most
/// 1,024 characters"), counted as sent, that is after percent-encoding.
pub const MAX_PATH_CHARS: usize = 1_024;

/// Most distinct domains the paths of one call may hold (API-FAMILY B.1).
pub const MAX_DOMAINS_PER_CALL: usize = 10;

/// What is wrong with an object path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathProblem {
    /// The path is empty (or blank).
    Empty,
    /// It does not start with `http://` or `https://`.
    Scheme,
    /// Nothing stands between `://` and the path.
    NoHost,
    /// The host is not a domain name or address (letters, digits, `-` and `.`, an optional
    /// `:port`); an internationalized name must be given in its `xn--` form, and user
    /// information (`user@`) is refused.
    BadHost,
    /// Longer than [`MAX_PATH_CHARS`] once percent-encoded.
    TooLong,
    /// Holds a space or a control character, which a call cannot carry as they are. The planner
    /// percent-encodes these (and any non-ASCII text) itself; a ready-made call refuses them.
    NotEncoded,
    /// A directory refresh whose path does not end with `/`.
    NotADirectory,
}

impl PathProblem {
    /// The problem in words, completing "the path …".
    pub fn reason(self) -> &'static str {
        match self {
            PathProblem::Empty => "is empty",
            PathProblem::Scheme => "does not start with http:// or https://",
            PathProblem::NoHost => "has no host",
            PathProblem::BadHost => {
                "has a host that is not a domain name (letters, digits, `-`, `.` and an optional \
                 :port; write an internationalized name in its xn-- form)"
            }
            PathProblem::TooLong => "is longer than 1,024 characters once percent-encoded",
            PathProblem::NotEncoded => "holds a space or a control character that is not percent-encoded",
            PathProblem::NotADirectory => "is a directory and must end with `/`",
        }
    }
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for PathProblem {}

/// Checks a path as a call carries it and returns where its host (without any port) lies in it.
///
/// Spaces and control characters are refused: they would split or garble the newline-separated
/// `ObjectPath`. Other non-ASCII text in the path is accepted as the service receives it (the
/// official SDKs send it as UTF-8, and the interop suite shows it accepted); the planner encodes it
/// anyway, as the official batch script does, so that what is sent is unambiguous.
pub(crate) fn check(path: &str) -> Result<Range<usize>, PathProblem> {
    if path.is_empty() {
        return Err(PathProblem::Empty);
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(PathProblem::NotEncoded);
    }
    if path.len() > MAX_PATH_CHARS && path.chars().count() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    host_range(path)
}

/// The bytes a host label is made of: ASCII letters, digits and `-`. Looked up rather than
/// compared: this runs for every byte of every host of a plan.
const LABEL_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-';
        byte += 1;
    }
    table
};

/// Where the host of `url` lies, checked: labels of letters, digits and inner hyphens separated by
/// single dots, then an optional `:port`.
pub(crate) fn host_range(url: &str) -> Result<Range<usize>, PathProblem> {
    scan_host(url).map(|(host, _)| host)
}

/// [`host_range`], and whether the scheme or the host hold an upper-case letter. Each label is
/// one run of label bytes, its ends checked once, since this runs once per planned path (see
/// `benches/README.md`).
fn scan_host(url: &str) -> Result<(Range<usize>, bool), PathProblem> {
    let start = scheme_length(url).ok_or(PathProblem::Scheme)?;
    let bytes = url.as_bytes();
    let mut end = start;
    loop {
        let label_start = end;
        while bytes.get(end).is_some_and(|&byte| LABEL_BYTES[usize::from(byte)]) {
            end += 1;
        }
        if end == label_start {
            // No host at all is its own problem, unless a byte that cannot end it stands there.
            if end == start && matches!(bytes.get(end), None | Some(b'/' | b'?' | b'#')) {
                return Err(PathProblem::NoHost);
            }
            return Err(PathProblem::BadHost);
        }
        if bytes[label_start] == b'-' || bytes[end - 1] == b'-' {
            return Err(PathProblem::BadHost);
        }
        if bytes.get(end) != Some(&b'.') {
            break;
        }
        end += 1;
    }
    match bytes.get(end) {
        None | Some(b'/' | b'?' | b'#') => {}
        // A port: at least one digit, then the end of the authority.
        Some(b':') => {
            let digits = bytes[end + 1..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            let after = bytes.get(end + 1 + digits);
            if digits == 0 || !matches!(after, None | Some(b'/' | b'?' | b'#')) {
                return Err(PathProblem::BadHost);
            }
        }
        Some(_) => return Err(PathProblem::BadHost),
    }
    Ok((start..end, has_upper(&bytes[..end])))
}

/// Scheme-and-host prefixes [`scan_host`] accepted, and what it found: a plan's paths come from
/// a few hosts, so most are checked by comparing their start with one that passed before (see
/// `benches/README.md`). A direct-mapped cache, its slot chosen by bytes 8 to 24 of the URL.
pub(crate) struct HostCache {
    slots: [CachedHost; HOST_CACHE_SLOTS],
    /// The hosts' numbers, for the cached ones and the rest.
    domains: Domains,
}

/// Hosts (in lower case) as small numbers, in order of appearance: what the planner compares to
/// count a call's domains.
#[derive(Default)]
pub(crate) struct Domains {
    map: HashMap<Box<str>, u32>,
}

impl Domains {
    /// The number of `host` (in lower case): the next one when it is new.
    pub(crate) fn id(&mut self, host: &str) -> u32 {
        if let Some(&id) = self.map.get(host) {
            return id;
        }
        let id = u32::try_from(self.map.len()).unwrap_or(u32::MAX);
        self.map.insert(host.into(), id);
        id
    }

    /// The number of the host at `host` in `url`, lowered first when `upper` says it must be.
    fn id_in(&mut self, url: &str, host: Range<usize>, upper: bool) -> u32 {
        let name = url.get(host).unwrap_or_default();
        if upper {
            self.id(&name.to_ascii_lowercase())
        } else {
            self.id(name)
        }
    }
}

/// How many slots a [`HostCache`] has.
const HOST_CACHE_SLOTS: usize = 32;
/// Longest scheme and host a [`HostCache`] keeps.
const HOST_CACHE_PREFIX: usize = 40;

/// One accepted scheme and host: the URL's bytes up to the host's end, and what `scan_host` found.
#[derive(Clone, Copy)]
struct CachedHost {
    /// The URL's first `len` bytes: its scheme and host (no port).
    prefix: [u8; HOST_CACHE_PREFIX],
    /// How many bytes `prefix` holds; 0 for an empty slot.
    len: usize,
    /// Where the host starts (the scheme's length).
    start: usize,
    /// Whether scheme or host hold an upper-case letter.
    upper: bool,
    /// The host's number in the cache's [`Domains`].
    domain: u32,
}

impl Default for HostCache {
    fn default() -> HostCache {
        let empty = CachedHost {
            prefix: [0; HOST_CACHE_PREFIX],
            len: 0,
            start: 0,
            upper: false,
            domain: 0,
        };
        HostCache {
            slots: [empty; HOST_CACHE_SLOTS],
            domains: Domains::default(),
        }
    }
}

impl HostCache {
    /// [`scan_host`] of `url`, from the cache when `url` starts with a scheme and host that passed
    /// before, followed by the end of the host (`/`, `?`, `#` or nothing): `scan_host` reads no
    /// further then, so it would find the same. Also returns the host's number.
    fn scan(&mut self, url: &str) -> Result<(Range<usize>, bool, u32), PathProblem> {
        let bytes = url.as_bytes();
        let word = |at: usize| {
            bytes
                .get(at..at + 8)
                .and_then(|word| <[u8; 8]>::try_from(word).ok())
                .map(u64::from_le_bytes)
        };
        let uncached = |domains: &mut Domains| {
            let (host, upper) = scan_host(url)?;
            let domain = domains.id_in(url, host.clone(), upper);
            Ok((host, upper, domain))
        };
        let (Some(first), Some(second)) = (word(8), word(16)) else {
            return uncached(&mut self.domains);
        };
        let slot = ((first ^ second.rotate_left(23)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 59) as usize;
        let Some(cached) = self.slots.get_mut(slot) else {
            return uncached(&mut self.domains);
        };
        let len = cached.len;
        if len != 0
            && bytes.get(..len) == cached.prefix.get(..len)
            && matches!(bytes.get(len), None | Some(b'/' | b'?' | b'#'))
        {
            return Ok((cached.start..len, cached.upper, cached.domain));
        }
        let scanned = uncached(&mut self.domains);
        if let Ok((host, upper, domain)) = &scanned {
            if let (Some(prefix), Some(from)) = (cached.prefix.get_mut(..host.end), bytes.get(..host.end)) {
                prefix.copy_from_slice(from);
                cached.len = host.end;
                cached.start = host.start;
                cached.upper = *upper;
                cached.domain = *domain;
            }
        }
        scanned
    }
}

/// Whether a scheme and host (letters, digits, `:`, `/`, `-`, `.`) hold an upper-case letter,
/// eight bytes at a time: among these bytes, upper-case letters alone have bit 6 set and bit 5
/// clear.
fn has_upper(bytes: &[u8]) -> bool {
    words_any(bytes, |word| word & !(word << 1) & 0x4040_4040_4040_4040) != 0
}

/// Whether every byte of `bytes` is printable ASCII (`!` to `~`), and [`path_hash`] of `bytes`:
/// one walk, eight bytes at a time, for the planner's check and its duplicate set together.
///
/// A byte at or above 0x80 has its high bit set already; one below 0x21 sets it in `word - 0x21`
/// each byte, and 0x7f in `(word ^ 0x7f each) - 1 each`. A borrow from a lower byte can set a
/// higher byte's bit only when that lower byte is itself below 0x21 or 0x7f, so the high bits of
/// the three ORed, over every word, are all clear exactly when every byte is printable.
pub(crate) fn printable_and_hash(bytes: &[u8]) -> (bool, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut found = 0;
    let mut hash = 0u64;
    each_word(bytes, |word| {
        found |= word | word.wrapping_sub(ONES * 0x21) | (word ^ (ONES * 0x7f)).wrapping_sub(ONES);
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(HASH_FACTOR);
    });
    (found & (ONES * 0x80) == 0, finish_hash(hash, bytes.len()))
}

/// The hash the planner's duplicate set keeps of a path: FxHash-like over its words as
/// [`each_word`] reads them, then its length, mixed so that both the low bits (the table's index)
/// and the high bits (its tags) depend on every byte.
pub(crate) fn path_hash(bytes: &[u8]) -> u64 {
    printable_and_hash(bytes).1
}

/// FxHash's multiplier.
const HASH_FACTOR: u64 = 0x517c_c1b7_2722_0a95;

/// The end of [`path_hash`].
fn finish_hash(hash: u64, len: usize) -> u64 {
    let mixed = (hash.rotate_left(5) ^ len as u64).wrapping_mul(HASH_FACTOR);
    mixed ^ (mixed >> 32)
}

/// `visit` of every eight bytes of `bytes` (little-endian words): the last few bytes are read
/// again with the ones before them, or padded with `a` (printable, lower case) when there are
/// fewer than eight in all.
#[inline(always)]
fn each_word(bytes: &[u8], mut visit: impl FnMut(u64)) {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if let Ok(word) = chunk.try_into() {
            visit(u64::from_le_bytes(word));
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [b'a'; 8];
        match bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)) {
            Some(last) => word.copy_from_slice(last),
            None => word[..rest.len()].copy_from_slice(rest),
        }
        visit(u64::from_le_bytes(word));
    }
}

/// `test` of every eight bytes of `bytes` (as [`each_word`] reads them), ORed.
fn words_any(bytes: &[u8], test: impl Fn(u64) -> u64) -> u64 {
    let mut found = 0;
    each_word(bytes, |word| found |= test(word));
    found
}

/// The length of `http://` or `https://` at the start of `url`, in any case.
fn scheme_length(url: &str) -> Option<usize> {
    let bytes = url.as_bytes();
    let http = bytes.get(..4)?.eq_ignore_ascii_case(b"http");
    match bytes.get(4..8) {
        _ if !http => None,
        Some([b':', b'/', b'/', _]) => Some(7),
        Some([b's' | b'S', b':', b'/', b'/']) => Some(8),
        // `http://` and nothing after it: seven bytes.
        None if bytes.get(4..7) == Some(b"://") => Some(7),
        _ => None,
    }
}

/// A path made ready to send: blanks around it trimmed, scheme and host in lower case, every byte that is not
/// printable ASCII percent-encoded (UTF-8, upper-case hex, as the official signing rules and
/// SDKs write it; `%` and the other printable characters are kept as given, so an already
/// encoded path is not encoded twice), then checked.
///
/// Returns the path and the range of its host.
#[cfg(test)]
pub(crate) fn normalize(text: &str) -> Result<(String, Range<usize>), PathProblem> {
    let (path, host, _) = prepare(text, &mut HostCache::default())?.apply(Cow::Borrowed(text));
    Ok((path.into_owned(), host))
}

/// What `normalize` makes of a path, found without copying it, so that a path that needs no
/// change (printable ASCII, scheme and host in lower case: nearly every path of a deploy) is
/// kept as given, borrowed or owned, only trimmed: see [`Prepared::apply`].
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The path without the blanks around it, in the text given.
    trimmed: Range<usize>,
    /// The host, in the path as sent.
    host: Range<usize>,
    /// What is sent when it is not the trimmed text: its bytes encoded, or its scheme and host
    /// lowered.
    change: Change,
    /// [`path_hash`] of the trimmed text (of the encoded path, when it is encoded).
    hash: u64,
    /// The host's number in the [`HostCache`]'s [`Domains`].
    domain: u32,
}

/// How a path as sent differs from the trimmed text.
#[derive(Debug)]
enum Change {
    /// It does not.
    None,
    /// Its scheme or host holds upper-case letters.
    Lower,
    /// It holds bytes that are not printable ASCII: the path encoded (and lowered).
    Encoded(String),
}

/// Checks `text` as `normalize` does and finds what making it ready to send takes; `hosts` holds
/// the hosts of the paths prepared before.
#[inline]
pub(crate) fn prepare(text: &str, hosts: &mut HostCache) -> Result<Prepared, PathProblem> {
    // ASCII blanks only: anything else is part of the path (and gets encoded).
    let trimmed = text.trim_ascii();
    if trimmed.is_empty() {
        return Err(PathProblem::Empty);
    }
    let start = text.len() - text.trim_ascii_start().len();
    let trimmed_range = start..start + trimmed.len();
    // The host is scanned as if the path were printable (a valid scheme and host are); the
    // whole path is then checked and hashed in one walk.
    let scanned = hosts.scan(trimmed);
    let (printable, hash) = printable_and_hash(trimmed.as_bytes());
    if !printable {
        let (path, host) = encode(trimmed)?;
        let hash = path_hash(path.as_bytes());
        let domain = hosts.domains.id_in(&path, host.clone(), false);
        return Ok(Prepared {
            trimmed: trimmed_range,
            host,
            change: Change::Encoded(path),
            hash,
            domain,
        });
    }
    // Printable ASCII already: only the length and the host are left to check.
    if trimmed.len() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    let (host, upper, domain) = scanned?;
    Ok(Prepared {
        trimmed: trimmed_range,
        host,
        change: if upper { Change::Lower } else { Change::None },
        hash,
        domain,
    })
}

impl Prepared {
    /// The number of the path's host (in lower case) in the [`HostCache`] it was prepared with.
    pub(crate) fn domain(&self) -> u32 {
        self.domain
    }

    /// The path as sent, made from `text` (the text [`prepare`] checked), its host's range and
    /// its [`path_hash`]: `text` itself, trimmed, when it needs no other change (a borrowed text
    /// stays borrowed, an owned one keeps its buffer).
    #[inline]
    pub(crate) fn apply(self, text: Cow<'_, str>) -> (Cow<'_, str>, Range<usize>, u64) {
        let Range { start, end } = self.trimmed;
        let lower = matches!(self.change, Change::Lower);
        let mut path = match (self.change, text) {
            (Change::Encoded(path), _) => return (Cow::Owned(path), self.host, self.hash),
            (_, Cow::Borrowed(text)) => Cow::Borrowed(text.get(start..end).unwrap_or_default()),
            (_, Cow::Owned(mut text)) => {
                text.truncate(end);
                text.drain(..start);
                Cow::Owned(text)
            }
        };
        if lower {
            // Scheme and host are case-insensitive: one spelling, so duplicates are found.
            if let Some(head) = path.to_mut().get_mut(..self.host.end) {
                head.make_ascii_lowercase();
            }
            let hash = path_hash(path.as_bytes());
            return (path, self.host, hash);
        }
        (path, self.host, self.hash)
    }
}

/// A trimmed path that is not all printable ASCII, encoded (see `normalize`) and checked.
fn encode(text: &str) -> Result<(String, Range<usize>), PathProblem> {
    let mut out = String::with_capacity(text.len() + 16);
    for byte in text.bytes() {
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    // `out` is printable ASCII now: only the length and the host are left to check.
    if out.len() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    let host = host_range(&out)?;
    out[..host.end].make_ascii_lowercase();
    Ok((out, host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(path: &str) -> Result<&str, PathProblem> {
        check(path).map(|range| &path[range])
    }

    #[test]
    fn an_empty_cache_slot_matches_no_path() {
        // Long enough for the cache to pick a slot, and starting where an empty prefix "ends".
        let mut cache = HostCache::default();
        for path in [
            "/no/scheme/at/all/but/long/enough",
            "?query/with/no/scheme/long/enough",
            "#",
        ] {
            assert_eq!(cache.scan(path), Err(PathProblem::Scheme), "{path}");
        }
        assert_eq!(
            cache
                .scan("http://a.com/long/enough/to/be/cached")
                .map(|(host, ..)| host),
            Ok(7..12)
        );
    }

    #[test]
    fn the_length_limit_counts_characters_not_bytes() {
        let base = "http://a.com/";
        let room = MAX_PATH_CHARS - base.len();
        // 2 bytes a character: over the limit in bytes, within it in characters.
        assert_eq!(host(&format!("{base}{}", "é".repeat(room))), Ok("a.com"));
        assert_eq!(
            host(&format!("{base}{}", "é".repeat(room + 1))),
            Err(PathProblem::TooLong)
        );
    }

    #[test]
    fn hosts_are_found_and_checked() {
        assert_eq!(host("http://a.com"), Ok("a.com"));
        assert_eq!(host("HTTPS://Cdn.Example.com:8443/x?y#z"), Ok("Cdn.Example.com"));
        assert_eq!(host("https://10.0.0.1/a"), Ok("10.0.0.1"));
        assert_eq!(host("ftp://a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("http:/a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("httpx://a.com/"), Err(PathProblem::Scheme));
        // Not `http` in the first four bytes: whatever follows, no scheme.
        assert_eq!(host("ftps://a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("webs://a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("abcds://a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("http"), Err(PathProblem::Scheme));
        assert_eq!(host("http://"), Err(PathProblem::NoHost));
        assert_eq!(host("hTTpS://a.com"), Ok("a.com"));
        assert_eq!(host("http:///a"), Err(PathProblem::NoHost));
        assert_eq!(host("http://u@a.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a..com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a.com:/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://*.a.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://:80/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a.com:8x/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://-a.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a-.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a.com./"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a.b-c.com:443"), Ok("a.b-c.com"));
        assert_eq!(host("http://x?y"), Ok("x"));
        assert_eq!(host(""), Err(PathProblem::Empty));
        assert_eq!(host("http://a.com/a b"), Err(PathProblem::NotEncoded));
        assert_eq!(host("http://a.com/a\u{3000}b"), Err(PathProblem::NotEncoded));
        assert_eq!(host("http://a.com/图片/中文.jpg"), Ok("a.com"));
    }

    #[test]
    fn normalizing_encodes_what_the_service_wants_encoded_and_nothing_else() {
        let (path, _) = normalize("  HTTP://Example.COM/Ünï code/%41?q=1&r=é\r").unwrap();
        assert_eq!(path, "http://example.com/%C3%9Cn%C3%AF%20code/%41?q=1&r=%C3%A9");
        assert_eq!(normalize("http://bücher.de/"), Err(PathProblem::BadHost));
        assert_eq!(normalize(" \t "), Err(PathProblem::Empty));
    }

    #[test]
    fn the_printable_check_agrees_with_the_bytes_one_by_one() {
        for byte in 0..=255u8 {
            for len in 1..18 {
                for at in 0..len {
                    for fill in [b'!', b'a', b'~', b'0'] {
                        let mut bytes = vec![fill; len];
                        bytes[at] = byte;
                        let (printable, hash) = printable_and_hash(&bytes);
                        assert_eq!(printable, bytes.iter().all(u8::is_ascii_graphic), "{bytes:?}");
                        assert_eq!(hash, path_hash(&bytes));
                    }
                }
            }
        }
    }

    #[test]
    fn length_is_counted_after_encoding() {
        let base = "http://a.com/";
        let fits = format!("{base}{}", "x".repeat(MAX_PATH_CHARS - base.len()));
        assert!(normalize(&fits).is_ok());
        let over = format!("{base}{}é", "x".repeat(MAX_PATH_CHARS - base.len() - 5));
        assert_eq!(normalize(&over), Err(PathProblem::TooLong));
        // `é` is `%C3%A9`, six characters encoded: exactly the limit fits.
        let encoded_fits = format!("{base}{}é", "x".repeat(MAX_PATH_CHARS - base.len() - 6));
        assert_eq!(
            normalize(&encoded_fits).map(|(path, _)| path.len()),
            Ok(MAX_PATH_CHARS)
        );
    }
}
