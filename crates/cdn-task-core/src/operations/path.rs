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
    /// Holds a character the service wants percent-encoded (a space, a control character,
    /// anything outside ASCII). The planner encodes these itself; a ready-made call refuses them.
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
            PathProblem::NotEncoded => {
                "holds a space, a control character or a non-ASCII character that is not percent-encoded"
            }
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

/// Checks a path as it will be sent and returns where its host (without any port) lies in it.
pub(crate) fn check(path: &str) -> Result<Range<usize>, PathProblem> {
    if path.is_empty() {
        return Err(PathProblem::Empty);
    }
    if path.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(PathProblem::NotEncoded);
    }
    if path.len() > MAX_PATH_CHARS {
        return Err(PathProblem::TooLong);
    }
    host_range(path)
}

/// Where the host of `url` lies, checked.
fn host_range(url: &str) -> Result<Range<usize>, PathProblem> {
    let scheme_end = scheme_length(url).ok_or(PathProblem::Scheme)?;
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some((_, "")) => return Err(PathProblem::BadHost),
        _ => authority,
    };
    if host.is_empty() {
        return Err(if authority.is_empty() {
            PathProblem::NoHost
        } else {
            PathProblem::BadHost
        });
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !host.split('.').all(label_ok) {
        return Err(PathProblem::BadHost);
    }
    Ok(scheme_end..scheme_end + host.len())
}

/// The length of `http://` or `https://` at the start of `url`, in any case.
fn scheme_length(url: &str) -> Option<usize> {
    ["http://", "https://"].into_iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|start| start.eq_ignore_ascii_case(scheme))
            .map(|_| scheme.len())
    })
}

/// A path made ready to send: trimmed, scheme and host in lower case, every byte that is not
/// printable ASCII percent-encoded (UTF-8, upper-case hex, as the official signing rules and
/// SDKs write it; `%` and the other printable characters are kept as given, so an already
/// encoded path is not encoded twice), then checked.
///
/// Returns the path and the range of its host.
pub(crate) fn normalize(text: &str) -> Result<(String, Range<usize>), PathProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PathProblem::Empty);
    }
    let mut out = String::with_capacity(text.len());
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
    let host = check(&out)?;
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
        assert_eq!(host("http:///a"), Err(PathProblem::NoHost));
        assert_eq!(host("http://u@a.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a..com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://a.com:/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://*.a.com/"), Err(PathProblem::BadHost));
        assert_eq!(host("http://:80/"), Err(PathProblem::BadHost));
        assert_eq!(host(""), Err(PathProblem::Empty));
        assert_eq!(host("http://a.com/a b"), Err(PathProblem::NotEncoded));
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
