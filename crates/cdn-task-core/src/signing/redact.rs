//! Hiding the STS security token from `Debug` output and error messages. The secret never gets
//! near any of these strings; the token travels in the request, so it has to be masked.

use super::credentials::REDACTED;
use super::encoding::percent_encode;
use std::fmt;

const TOKEN_PARAMETER: &str = "SecurityToken";
const TOKEN_HEADER: &str = "x-acs-security-token";

/// `value`, or the redaction mark when `name` is the token header.
pub(crate) fn header_value<'a>(name: &str, value: &'a str) -> &'a str {
    if name.eq_ignore_ascii_case(TOKEN_HEADER) {
        REDACTED
    } else {
        value
    }
}

/// A query string or form body with the `SecurityToken` value masked.
pub(crate) fn query(text: &str) -> String {
    pairs(text, "&", "=")
}

/// A canonical string (an RPC canonical query, or an ACS3 canonical request) with the token
/// masked, line by line.
pub(crate) fn canonical(text: &str) -> String {
    text.split('\n')
        .map(|line| match line.get(..TOKEN_HEADER.len() + 1) {
            Some(prefix) if prefix.eq_ignore_ascii_case("x-acs-security-token:") => {
                format!("{TOKEN_HEADER}:{REDACTED}")
            }
            _ => query(line),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A string to sign with the token masked. The RPC one is `METHOD&%2F&` + the encoded canonical
/// query, whose separators are `%26` and `%3D` (a token's own `&`/`=` are encoded twice there, as
/// `%2526`/`%253D`); the ACS3 one holds only a hash.
pub(crate) fn string_to_sign(text: &str) -> String {
    let mut parts = text.splitn(3, '&');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(path), Some(encoded)) => {
            format!("{method}&{path}&{}", pairs(encoded, "%26", "%3D"))
        }
        _ => text.to_owned(),
    }
}

fn pairs(text: &str, separator: &str, equals: &str) -> String {
    text.split(separator)
        .map(|piece| match piece.split_once(equals) {
            Some((TOKEN_PARAMETER, _)) => format!("{TOKEN_PARAMETER}{equals}{REDACTED}"),
            _ => piece.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// `message` with every occurrence of each of `secrets` replaced by the redaction mark, in each
/// form a secret takes on its way through a request and back in a service's message: as is,
/// percent-encoded once (a query, an RPC canonical query) or twice (an RPC string to sign), and
/// form-encoded (`+` for a space). Empty secrets are skipped; longer ones are replaced first, so
/// a secret that contains another is masked whole.
///
/// The real gateway's `SignatureDoesNotMatch` message echoes its whole string to sign, which for
/// the RPC scheme holds the `SecurityToken`: a client passes every service message through this
/// before it reaches an error, a log or a terminal.
///
/// ```
/// use cdn_task_core::signing::redact_secrets;
/// let message = "server string to sign is:GET&%2F&SecurityToken%3DSTS.a%252Fb%26Timestamp%3D1";
/// assert_eq!(
///     redact_secrets(message, &["STS.a/b"]),
///     "server string to sign is:GET&%2F&SecurityToken%3D<redacted>%26Timestamp%3D1"
/// );
/// ```
pub fn redact_secrets(message: &str, secrets: &[&str]) -> String {
    let mut forms: Vec<String> = secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .flat_map(|secret| {
            let once = percent_encode(secret);
            let twice = percent_encode(&once);
            let plus = once.replace("%20", "+");
            [(*secret).to_owned(), once, twice, plus]
        })
        .collect();
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    let mut redacted = message.to_owned();
    for form in &forms {
        if redacted.contains(form.as_str()) {
            redacted = redacted.replace(form.as_str(), REDACTED);
        }
    }
    redacted
}

/// A body for `Debug`: text with the token masked when it is UTF-8, else its length.
pub(crate) struct Body<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(text) => fmt::Debug::fmt(&query(text), f),
            Err(_) => write!(f, "<{} bytes>", self.0.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_token_wherever_it_travels() {
        assert_eq!(
            query("A=1&SecurityToken=abc%26d&B=2"),
            "A=1&SecurityToken=<redacted>&B=2"
        );
        assert_eq!(query("SecurityToken"), "SecurityToken");
        assert_eq!(
            canonical("POST\n/\nA=1\nhost:h\nx-acs-security-token:abc\n\nhost;x-acs-security-token\nff"),
            "POST\n/\nA=1\nhost:h\nx-acs-security-token:<redacted>\n\nhost;x-acs-security-token\nff"
        );
        assert_eq!(
            string_to_sign("GET&%2F&A%3D1%26SecurityToken%3Dab%2526c%26T%3D2"),
            "GET&%2F&A%3D1%26SecurityToken%3D<redacted>%26T%3D2"
        );
        assert_eq!(string_to_sign("ACS3-HMAC-SHA256\nabc"), "ACS3-HMAC-SHA256\nabc");
        assert_eq!(header_value("X-Acs-Security-Token", "abc"), REDACTED);
        assert_eq!(header_value("x-acs-date", "abc"), "abc");
        assert_eq!(
            format!("{:?}", Body(b"SecurityToken=x")),
            r#""SecurityToken=<redacted>""#
        );
        assert_eq!(format!("{:?}", Body(b"\xff\xfe")), "<2 bytes>");
    }

    #[test]
    fn secrets_are_masked_in_every_encoding_they_travel_in() {
        let token = "STS.Zq9/x+y=z w&";
        for form in [
            token.to_owned(),
            percent_encode(token),
            percent_encode(&percent_encode(token)),
            percent_encode(token).replace("%20", "+"),
        ] {
            let message = format!("before {form} after");
            assert_eq!(
                redact_secrets(&message, &[token]),
                "before <redacted> after",
                "{form}"
            );
        }
        // Several secrets, one inside another, empty ones ignored.
        assert_eq!(
            redact_secrets("sig=abcd token=abcdXYZ", &["", "abcd", "abcdXYZ"]),
            "sig=<redacted> token=<redacted>"
        );
        assert_eq!(redact_secrets("nothing here", &["secret"]), "nothing here");
    }
}
