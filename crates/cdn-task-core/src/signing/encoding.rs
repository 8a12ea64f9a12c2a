//! Percent-encoding, query/form parsing and the canonical query string, shared by both schemes.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Every ASCII byte except the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// RFC 3986 percent-encoding as the service does it: `A-Z a-z 0-9 - _ . ~` kept, everything else
/// `%XX` in upper-case hex (space `%20`, `*` `%2A`). Both schemes use this one function.
///
/// ```
/// use cdn_task_core::signing::percent_encode;
/// assert_eq!(percent_encode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
/// ```
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// Why a query string or form body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParameterParseError {
    /// A `%` not followed by two hex digits, at this byte offset.
    #[error("bad percent-escape at byte {offset}")]
    BadEscape {
        /// Byte offset.
        offset: usize,
    },
    /// A name or value is not UTF-8 once decoded.
    #[error("parameter number {index} is not UTF-8 once decoded")]
    InvalidUtf8 {
        /// 1-based parameter number.
        index: usize,
    },
    /// A byte that may only travel percent-encoded (non-ASCII, or an ASCII control character)
    /// stands raw at this byte offset.
    #[error("byte 0x{byte:02X} at byte {offset} is not percent-encoded")]
    RawByte {
        /// Byte offset.
        offset: usize,
        /// The byte.
        byte: u8,
    },
}

/// Parses a raw query string or `application/x-www-form-urlencoded` body (`a=1&b=%20x`, `+` is a
/// space) into decoded (name, value) pairs, in order.
///
/// The raw text is ASCII: a byte outside ASCII or an ASCII control character must travel
/// percent-encoded (`%C3%A9`, never a raw `é`), else the whole input is
/// [`ParameterParseError::RawByte`]. Decoded names and values must be UTF-8
/// ([`ParameterParseError::InvalidUtf8`]). So every parameter has exactly one spelling on the
/// wire up to escape case and `+`/`%20`, which both signature schemes sign identically; a raw
/// space is accepted and means a space. This is the project's decision (the service's documents
/// are silent): RFC 3986 and every official SDK send these bytes encoded, and one rule for both
/// schemes and both places (query and form body) keeps the verifier and the service emulator
/// answering such input the same way: `InvalidParameter`.
///
/// Empty pieces (`a=1&&b=2`, a trailing `&`) are skipped and do not count in
/// [`ParameterParseError::InvalidUtf8`]'s parameter number; a piece without `=` is a name with an
/// empty value. Hex digits may be either case. Never panics.
///
/// ```
/// use cdn_task_core::signing::{parse_parameters, ParameterParseError};
/// let pairs = parse_parameters("TaskId=1%2C2&&x+y=a+b&flag").unwrap();
/// assert_eq!(pairs, [("TaskId".into(), "1,2".into()), ("x y".into(), "a b".into()), ("flag".into(), String::new())]);
/// assert_eq!(parse_parameters("a=%zz"), Err(ParameterParseError::BadEscape { offset: 2 }));
/// ```
pub fn parse_parameters(raw: &str) -> Result<Vec<(String, String)>, ParameterParseError> {
    parse_parameter_bytes(raw.as_bytes())
}

/// [`parse_parameters`] over raw bytes (a body that may not be UTF-8): bytes that are not UTF-8
/// make their parameter [`ParameterParseError::InvalidUtf8`].
pub(crate) fn parse_parameter_bytes(raw: &[u8]) -> Result<Vec<(String, String)>, ParameterParseError> {
    if let Some(offset) = raw.iter().position(|&byte| !may_travel_raw(byte)) {
        let byte = raw.get(offset).copied().unwrap_or_default();
        return Err(ParameterParseError::RawByte { offset, byte });
    }
    let mut pairs = Vec::new();
    let mut piece_start = 0;
    for piece in raw.split(|&b| b == b'&') {
        let offset = piece_start;
        piece_start += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let index = pairs.len() + 1;
        let (name, value, value_offset) = match piece.iter().position(|&b| b == b'=') {
            Some(eq) => {
                let (name, rest) = piece.split_at(eq);
                (name, rest.get(1..).unwrap_or_default(), offset + eq + 1)
            }
            None => (piece, &[][..], offset + piece.len()),
        };
        let name = decode_component(name, offset, index)?;
        let value = decode_component(value, value_offset, index)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Decodes one name or value: `+` is a space, `%XX` a byte. `offset` is where `text` starts in
/// the whole input, for error positions.
fn decode_component(text: &[u8], offset: usize, index: usize) -> Result<String, ParameterParseError> {
    let mut decoded = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&byte) = text.get(i) {
        match byte {
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            b'%' => {
                let high = text.get(i + 1).and_then(|&b| hex_value(b));
                let low = text.get(i + 2).and_then(|&b| hex_value(b));
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(ParameterParseError::BadEscape { offset: offset + i });
                };
                decoded.push(high << 4 | low);
                i += 3;
            }
            _ => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).map_err(|_| ParameterParseError::InvalidUtf8 { index })
}

/// Whether `byte` may appear unencoded in a query or form body: printable ASCII and space.
fn may_travel_raw(byte: u8) -> bool {
    matches!(byte, b' '..=b'~')
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// The canonical query string of both schemes: the pairs sorted by name (byte order of the
/// decoded UTF-8, which is code-point order, as the official SDKs sort), equal names by value,
/// each side percent-encoded, joined as `name=value` with `&`. An empty value gives `name=`.
///
/// ```
/// use cdn_task_core::signing::canonical_query;
/// assert_eq!(canonical_query(&[("b", "x y"), ("a", ""), ("b", "*")]), "a=&b=%2A&b=x%20y");
/// ```
pub fn canonical_query(parameters: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = parameters.iter().collect();
    sorted.sort_unstable();
    let mut out = String::new();
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// Borrows owned (name, value) pairs as the `(&str, &str)` slices that [`canonical_query`],
/// [`SigningInput`](super::SigningInput) and [`ReceivedRequest`](super::ReceivedRequest) take.
pub fn borrow_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// Whether a `Content-Type` value is `application/x-www-form-urlencoded` (any case, any
/// parameters such as `; charset=UTF-8`).
pub fn is_form_urlencoded(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default();
    media_type
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        parse_parameters(raw).unwrap()
    }

    fn owned(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn percent_encoding_keeps_only_the_unreserved_set() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("+/=&%:"), "%2B%2F%3D%26%25%3A");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode("\u{1F600}"), "%F0%9F%98%80");
        assert_eq!(percent_encode(""), "");
        for byte in 0u8..128 {
            let text = char::from(byte).to_string();
            let kept = byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte);
            let expected = if kept {
                text.clone()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(percent_encode(&text), expected);
        }
    }

    #[test]
    fn parses_queries_and_forms() {
        assert_eq!(pairs(""), owned(&[]));
        assert_eq!(pairs("a=1&&b=2&"), owned(&[("a", "1"), ("b", "2")]));
        assert_eq!(pairs("&&&"), owned(&[]));
        assert_eq!(pairs("flag&a="), owned(&[("flag", ""), ("a", "")]));
        assert_eq!(pairs("=v"), owned(&[("", "v")]));
        assert_eq!(pairs("a=b=c"), owned(&[("a", "b=c")]));
        assert_eq!(pairs("a+b=c+d%2B%2b"), owned(&[("a b", "c d++")]));
        assert_eq!(pairs("k=%E4%b8%ad"), owned(&[("k", "中")]));
        assert_eq!(pairs("k=a b"), owned(&[("k", "a b")]));
        assert_eq!(pairs("a=1&a=2"), owned(&[("a", "1"), ("a", "2")]));
    }

    #[test]
    fn bad_escapes_report_their_byte_offset() {
        let bad = |raw: &str| parse_parameters(raw).unwrap_err();
        assert_eq!(bad("%"), ParameterParseError::BadEscape { offset: 0 });
        assert_eq!(bad("a=%4"), ParameterParseError::BadEscape { offset: 2 });
        assert_eq!(bad("a=1&b=%g0"), ParameterParseError::BadEscape { offset: 6 });
        assert_eq!(bad("a=1&&bb%"), ParameterParseError::BadEscape { offset: 7 });
        assert_eq!(bad("a=1&b=x%%41"), ParameterParseError::BadEscape { offset: 7 });
        assert_eq!(bad("a=%4G"), ParameterParseError::BadEscape { offset: 2 });
    }

    #[test]
    fn raw_bytes_outside_printable_ascii_are_refused_where_they_stand() {
        let bad = |raw: &[u8]| parse_parameter_bytes(raw).unwrap_err();
        let raw_byte = |offset, byte| ParameterParseError::RawByte { offset, byte };
        assert_eq!(bad("k=中".as_bytes()), raw_byte(2, 0xE4));
        assert_eq!(bad("a=%é".as_bytes()), raw_byte(3, 0xC3));
        // Raw bytes that would decode, with their neighbours, to valid UTF-8 are refused all the
        // same: `%C3` then a raw 0xA5 would otherwise be `å`.
        assert_eq!(bad(b"a=%C3\xa5"), raw_byte(5, 0xA5));
        assert_eq!(bad(b"a=1\r\n"), raw_byte(3, b'\r'));
        assert_eq!(bad(b"\x00"), raw_byte(0, 0));
        assert_eq!(bad(b"a=\x7f"), raw_byte(2, 0x7F));
        // Before any escape is looked at: the first raw byte wins over a later bad escape.
        assert_eq!(bad(b"a=%zz&b=\xff"), raw_byte(8, 0xFF));
    }

    #[test]
    fn invalid_utf8_reports_the_parameter_number() {
        let bad = |raw: &str| parse_parameters(raw).unwrap_err();
        assert_eq!(bad("%FF=1"), ParameterParseError::InvalidUtf8 { index: 1 });
        assert_eq!(bad("a=1&&b=%C3"), ParameterParseError::InvalidUtf8 { index: 2 });
        assert_eq!(
            parse_parameter_bytes(b"a=1&b=%C3%28"),
            Err(ParameterParseError::InvalidUtf8 { index: 2 })
        );
    }

    #[test]
    fn canonical_query_sorts_by_name_then_value() {
        assert_eq!(canonical_query(&[]), "");
        assert_eq!(
            canonical_query(&[("b", "2"), ("a", "z"), ("a", "y"), ("B", "1")]),
            "B=1&a=y&a=z&b=2"
        );
        assert_eq!(canonical_query(&[("k", "a b+c")]), "k=a%20b%2Bc");
        // Sorted on the decoded names, not on their encodings: ' ' (0x20) < '-' (0x2D) either way,
        // but '~' (0x7E) < 'é' (0xC3) while '%C3' < '~'.
        assert_eq!(canonical_query(&[("é", "1"), ("~", "2")]), "~=2&%C3%A9=1");
    }

    #[test]
    fn form_content_types() {
        assert!(is_form_urlencoded("application/x-www-form-urlencoded"));
        assert!(is_form_urlencoded(
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
        ));
        assert!(!is_form_urlencoded("application/json"));
        assert!(!is_form_urlencoded(""));
    }
}
