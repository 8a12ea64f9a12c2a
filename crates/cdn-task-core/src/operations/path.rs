//! One object path as the service takes it: an `http://` or `https://` URL with a host, at most
//! 1,024 characters, percent-encoded (UTF-8, upper-case hex) wherever it is not plain ASCII.

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

/// What a byte is to a host name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HostByte {
    /// Not allowed in a host.
    Bad,
    /// A letter or digit.
    Alphanumeric,
    /// `-`.
    Hyphen,
    /// `.`.
    Dot,
    /// `/`, `?`, `#` or `:`: the host ends.
    End,
}

/// [`HostByte`] of every byte, looked up rather than compared: this runs for every byte of every
/// host of a plan.
const HOST_BYTES: [HostByte; 256] = {
    let mut table = [HostByte::Bad; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_alphanumeric() {
            HostByte::Alphanumeric
        } else {
            match b {
                b'-' => HostByte::Hyphen,
                b'.' => HostByte::Dot,
                b'/' | b'?' | b'#' | b':' => HostByte::End,
                _ => HostByte::Bad,
            }
        };
        byte += 1;
    }
    table
};

/// Where the host of `url` lies, checked: labels of letters, digits and inner hyphens separated by
/// single dots, then an optional `:port`. A table-driven byte loop, since it runs once per
/// planned path (see `benches/README.md`).
pub(crate) fn host_range(url: &str) -> Result<Range<usize>, PathProblem> {
    let start = scheme_length(url).ok_or(PathProblem::Scheme)?;
    let bytes = url.as_bytes();
    let mut end = start;
    let mut label_start = start;
    let mut previous = HostByte::Dot;
    for &byte in &bytes[start..] {
        let class = HOST_BYTES[usize::from(byte)];
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
    // An optional port: at least one digit, then the end of the authority.
    if bytes.get(end) == Some(&b':') {
        let digits = bytes[end + 1..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let after = bytes.get(end + 1 + digits);
        if digits == 0 || !matches!(after, None | Some(b'/' | b'?' | b'#')) {
            return Err(PathProblem::BadHost);
        }
    }
    Ok(start..end)
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
pub(crate) fn normalize(text: &str) -> Result<(String, Range<usize>), PathProblem> {
    // ASCII blanks only: anything else is part of the path (and gets encoded).
    let text = text.trim_ascii();
    if text.is_empty() {
        return Err(PathProblem::Empty);
    }
    // A fold without early exit, so it is vectorized: most paths are all printable.
    let printable = text.bytes().fold(true, |all, byte| all & byte.is_ascii_graphic());
    let mut out = if printable {
        // The common case, copied whole.
        text.to_owned()
    } else {
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
        out
    };
    // `out` is printable ASCII now: only the length and the host are left to check.
    if out.len() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    let host = host_range(&out)?;
    // Scheme and host are case-insensitive: one spelling, so duplicates are found.
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
    fn hosts_are_found_and_checked() {
        assert_eq!(host("http://a.com"), Ok("a.com"));
        assert_eq!(host("HTTPS://Cdn.Example.com:8443/x?y#z"), Ok("Cdn.Example.com"));
        assert_eq!(host("https://10.0.0.1/a"), Ok("10.0.0.1"));
        assert_eq!(host("ftp://a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("http:/a.com/"), Err(PathProblem::Scheme));
        assert_eq!(host("httpx://a.com/"), Err(PathProblem::Scheme));
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
    fn length_is_counted_after_encoding() {
        let base = "http://a.com/";
        let fits = format!("{base}{}", "x".repeat(MAX_PATH_CHARS - base.len()));
        assert!(normalize(&fits).is_ok());
        let over = format!("{base}{}é", "x".repeat(MAX_PATH_CHARS - base.len() - 5));
        assert_eq!(normalize(&over), Err(PathProblem::TooLong));
    }
}
