//! Reading a request off the wire: method, path, query, headers, a size-limited body, and what
//! can be told before verification (the scheme, the answer format, the action).

use crate::log::client_text;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header, request::Parts};
use cdn_task_core::Format;
use cdn_task_core::signing::{
    MAX_PARAMETERS, SignatureVersion, borrow_pairs, claimed_scheme, is_form_urlencoded, parse_parameters,
};
use std::time::Duration;

/// A request as received, body included.
#[derive(Debug)]
pub(crate) struct Intake {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    /// Header values that are not UTF-8 are kept lossily: they cannot match a signature, and
    /// unsigned ones do not matter.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

/// Input refused before it reaches verification (`InvalidParameter`). Everything about the
/// parameters themselves (their count, encoding, repetition) is the verifier's to refuse, in one
/// pass over them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Malformed {
    #[error("The request body exceeds {limit} bytes.")]
    BodyTooLarge { limit: usize },
    #[error("The request body was not received within {seconds} s.")]
    BodyTimeout { seconds: u64 },
}

/// Bounds on reading one request's body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    /// Most bytes.
    pub(crate) bytes: usize,
    /// Longest time the whole body may take to arrive (a client trickling a body cannot hold a
    /// connection; the headers are bounded by the server's header-read timeout).
    pub(crate) timeout: Duration,
}

impl Intake {
    /// Reads the body within `limits`. On failure the intake is still returned (with an empty
    /// body) so the refusal can be answered in the format asked for.
    pub(crate) async fn read(parts: &Parts, body: Body, limits: BodyLimits) -> (Intake, Option<Malformed>) {
        let mut intake = Intake {
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: Bytes::new(),
        };
        let limit = limits.bytes;
        if declared_length(&parts.headers).is_some_and(|length| length > limit) {
            return (intake, Some(Malformed::BodyTooLarge { limit }));
        }
        match tokio::time::timeout(limits.timeout, axum::body::to_bytes(body, limit)).await {
            Ok(Ok(bytes)) => {
                intake.body = bytes;
                (intake, None)
            }
            // Over the limit without a Content-Length, or the client went away (then nobody reads
            // the answer).
            Ok(Err(_)) => (intake, Some(Malformed::BodyTooLarge { limit })),
            Err(_) => (
                intake,
                Some(Malformed::BodyTimeout {
                    seconds: limits.timeout.as_secs(),
                }),
            ),
        }
    }

    /// The first value of header `name` (lower-case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`).
    fn has_form_body(&self) -> bool {
        !self.body.is_empty()
            && self
                .header(header::CONTENT_TYPE.as_str())
                .is_some_and(is_form_urlencoded)
    }

    /// The first value of parameter `name` as the request claims it, before verification: looked
    /// up by its plain name among the first pieces of the query, then of a form body, and only
    /// that piece decoded. Enough to answer a refusal in the format asked for; what a verified
    /// request means is read from the verifier's parameters, never from here.
    fn claimed_parameter(&self, name: &str) -> Option<String> {
        let form: &[u8] = if self.has_form_body() { &self.body } else { &[] };
        [self.query.as_bytes(), form]
            .into_iter()
            .flat_map(|raw| raw.split(|&byte| byte == b'&').take(MAX_PARAMETERS))
            .find(|piece| piece.split(|&byte| byte == b'=').next() == Some(name.as_bytes()))
            .and_then(|piece| parse_parameters(std::str::from_utf8(piece).ok()?).ok())
            .and_then(|pairs| pairs.into_iter().next())
            .map(|(_, value)| value)
    }
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The format to answer in: `Format` when given and known, else XML for RPC and JSON for ACS3.
pub(crate) fn answer_format(format: Option<&str>, scheme: SignatureVersion) -> Format {
    format.and_then(Format::from_parameter).unwrap_or(match scheme {
        SignatureVersion::Acs3 => Format::Json,
        _ => Format::Xml,
    })
}

/// What a request claims before its signature is checked: enough to record it and to answer a
/// refusal in the format it asked for. Once verified, the scheme, format and action are taken
/// from the verified request instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prelude {
    /// The scheme it will be verified by ([`claimed_scheme`]: an ACS3 `Authorization` header).
    pub(crate) scheme: SignatureVersion,
    /// The format to answer a refusal in ([`answer_format`]).
    pub(crate) format: Format,
    /// The action it names, if any, shortened and escaped for the log.
    pub(crate) action: Option<String>,
    /// Why its body cannot be read, if it cannot.
    pub(crate) malformed: Option<Malformed>,
}

impl Prelude {
    /// Reads the prelude of `intake`; `malformed` is a refusal already made while reading it.
    pub(crate) fn of(intake: &Intake, malformed: Option<Malformed>) -> Prelude {
        let scheme = claimed_scheme(&borrow_pairs(&intake.headers));
        let format = answer_format(intake.claimed_parameter("Format").as_deref(), scheme);
        let action = match scheme {
            SignatureVersion::Acs3 => intake
                .header("x-acs-action")
                .map(str::to_owned)
                .or_else(|| intake.claimed_parameter("Action")),
            _ => intake.claimed_parameter("Action"),
        };
        Prelude {
            scheme,
            format,
            action: action.as_deref().map(client_text),
            malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::MAX_CLIENT_TEXT_CHARS;

    fn intake(query: &str, headers: &[(&str, &str)], body: &str) -> Intake {
        Intake {
            method: "POST".into(),
            path: "/".into(),
            query: query.into(),
            headers: headers.iter().map(|(n, v)| ((*n).into(), (*v).into())).collect(),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded; charset=utf-8");

    #[test]
    fn format_defaults_by_scheme_and_follows_the_parameter() {
        let rpc = Prelude::of(&intake("Action=X", &[], ""), None);
        assert_eq!((rpc.scheme, rpc.format), (SignatureVersion::Rpc, Format::Xml));
        assert_eq!(rpc.action.as_deref(), Some("X"));
        let by_auth = Prelude::of(
            &intake(
                "Format=xml",
                &[
                    ("Authorization", "ACS3-HMAC-SHA256 Credential=a"),
                    ("x-acs-action", "Y"),
                ],
                "",
            ),
            None,
        );
        assert_eq!(
            (by_auth.scheme, by_auth.format, by_auth.action.as_deref()),
            (SignatureVersion::Acs3, Format::Xml, Some("Y"))
        );
        let in_form = Prelude::of(&intake("", &[FORM], "Format=JSON&Action=Z"), None);
        assert_eq!(
            (in_form.format, in_form.action.as_deref()),
            (Format::Json, Some("Z"))
        );
        let unknown = Prelude::of(&intake("Format=yaml", &[], ""), None);
        assert_eq!(unknown.format, Format::Xml);
        // Next to a pair that does not decode, the format is still read.
        let beside_garbage = Prelude::of(&intake("a=%zz&Format=JSON", &[], ""), None);
        assert_eq!(beside_garbage.format, Format::Json);
    }

    #[test]
    fn a_body_that_is_no_form_claims_nothing() {
        for headers in [&[("content-type", "application/json")][..], &[]] {
            let prelude = Prelude::of(&intake("", headers, "Format=JSON&Action=Z"), None);
            assert_eq!(
                (prelude.format, prelude.action),
                (Format::Xml, None),
                "{headers:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_body_of_exactly_the_limit_is_read_one_byte_more_is_refused() {
        let limits = BodyLimits {
            bytes: 4,
            timeout: Duration::from_secs(5),
        };
        let read = |body: &'static str| async move {
            let (parts, ()) = axum::http::Request::post("/")
                .header(header::CONTENT_LENGTH, body.len())
                .body(())
                .unwrap()
                .into_parts();
            let (intake, malformed) = Intake::read(&parts, Body::from(body), limits).await;
            (intake.body, malformed)
        };
        assert_eq!(read("abcd").await, (Bytes::from_static(b"abcd"), None));
        assert_eq!(
            read("abcde").await,
            (Bytes::new(), Some(Malformed::BodyTooLarge { limit: 4 }))
        );
    }

    #[test]
    fn an_unsigned_x_acs_action_header_does_not_make_a_request_acs3() {
        // The review's case: an RPC request plus `x-acs-action` was answered in ACS3's default
        // format (JSON) while verified as RPC.
        let prelude = Prelude::of(&intake("Action=X", &[("x-acs-action", "Y")], ""), None);
        assert_eq!(
            (prelude.scheme, prelude.format, prelude.action.as_deref()),
            (SignatureVersion::Rpc, Format::Xml, Some("X"))
        );
    }

    #[test]
    fn claimed_actions_are_shortened_and_escaped_and_floods_are_not_parsed() {
        let long = "A".repeat(2 << 20);
        let prelude = Prelude::of(&intake(&format!("Action={long}"), &[], ""), None);
        let action = prelude.action.unwrap();
        assert!(action.len() <= 4 * MAX_CLIENT_TEXT_CHARS, "{}", action.len());
        let escaped = Prelude::of(&intake("Action=a%0Ab%1B", &[], ""), None);
        assert_eq!(escaped.action.as_deref(), Some("a\\nb\\u{1b}"));
        // Beyond the first pieces a flood is not looked into.
        let flood: String = (0..10_000).map(|n| format!("P{n}=v&")).collect();
        let late = Prelude::of(&intake(&format!("{flood}Format=JSON"), &[], ""), None);
        assert_eq!(late.format, Format::Xml);
    }
}
