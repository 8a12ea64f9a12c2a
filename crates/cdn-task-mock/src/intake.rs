//! Reading a request off the wire: method, path, query, headers, a size-limited body, and what
//! can be told before verification (the scheme, the answer format, the action).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header, request::Parts};
use cdn_task_core::Format;
use cdn_task_core::signing::{ParameterParseError, SignatureVersion, is_form_urlencoded, parse_parameters};

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

/// Input refused before it reaches verification (`InvalidParameter`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Malformed {
    #[error("The request body exceeds {limit} bytes.")]
    BodyTooLarge { limit: usize },
    #[error("The form body is not UTF-8 (invalid byte at offset {offset}).")]
    BodyNotUtf8 { offset: usize },
    #[error("The {location} is malformed: {source}.")]
    Parameters {
        location: &'static str,
        source: ParameterParseError,
    },
}

impl Intake {
    /// Reads the body, at most `limit` bytes. On failure the intake is still returned (with an
    /// empty body) so the refusal can be answered in the format asked for.
    pub(crate) async fn read(parts: &Parts, body: Body, limit: usize) -> (Intake, Option<Malformed>) {
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
        if declared_length(&parts.headers).is_some_and(|length| length > limit) {
            return (intake, Some(Malformed::BodyTooLarge { limit }));
        }
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => {
                intake.body = bytes;
                (intake, None)
            }
            // Over the limit without a Content-Length, or the client went away (then nobody reads
            // the answer).
            Err(_) => (intake, Some(Malformed::BodyTooLarge { limit })),
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

    /// The query and (for a form body) body parameters, decoded, in order.
    pub(crate) fn parameters(&self) -> Result<Vec<(String, String)>, Malformed> {
        let mut parameters = parse_parameters(&self.query).map_err(|source| Malformed::Parameters {
            location: "query string",
            source,
        })?;
        if self.has_form_body() {
            let text = std::str::from_utf8(&self.body).map_err(|error| Malformed::BodyNotUtf8 {
                offset: error.valid_up_to(),
            })?;
            let form = parse_parameters(text).map_err(|source| Malformed::Parameters {
                location: "form body",
                source,
            })?;
            parameters.extend(form);
        }
        Ok(parameters)
    }
}

/// The pairs of a query that can be decoded, skipping those that cannot: enough to answer a
/// malformed request in the format it asked for.
fn readable_query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| parse_parameters(pair).ok())
        .flatten()
        .collect()
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

/// What is known of a request before its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prelude {
    /// The scheme it claims (ACS3 when it carries an ACS3 `Authorization` or `x-acs-action`).
    pub(crate) scheme: SignatureVersion,
    /// The format to answer in: `Format` when given and known, else XML for RPC, JSON for ACS3.
    pub(crate) format: Format,
    /// The action it names, if any.
    pub(crate) action: Option<String>,
    /// Why its parameters cannot be read, if they cannot.
    pub(crate) malformed: Option<Malformed>,
}

impl Prelude {
    /// Reads the prelude of `intake`; `malformed` is a refusal already made while reading it.
    pub(crate) fn of(intake: &Intake, malformed: Option<Malformed>) -> Prelude {
        let acs3 = intake.header("x-acs-action").is_some()
            || intake
                .header(header::AUTHORIZATION.as_str())
                .is_some_and(|value| value.trim_start().starts_with("ACS3-"));
        let scheme = if acs3 {
            SignatureVersion::Acs3
        } else {
            SignatureVersion::Rpc
        };
        let (parameters, malformed) = match (malformed, intake.parameters()) {
            (None, Ok(parameters)) => (parameters, None),
            (Some(problem), _) | (None, Err(problem)) => (readable_query_pairs(&intake.query), Some(problem)),
        };
        let lookup = |name: &str| {
            parameters
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let format = lookup("Format")
            .and_then(Format::from_parameter)
            .unwrap_or(match scheme {
                SignatureVersion::Rpc => Format::Xml,
                SignatureVersion::Acs3 => Format::Json,
            });
        let action = match scheme {
            SignatureVersion::Acs3 => intake.header("x-acs-action").or_else(|| lookup("Action")),
            SignatureVersion::Rpc => lookup("Action"),
        };
        Prelude {
            scheme,
            format,
            action: action.map(str::to_owned),
            malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let acs3 = Prelude::of(&intake("", &[("x-acs-action", "Y")], ""), None);
        assert_eq!((acs3.scheme, acs3.format), (SignatureVersion::Acs3, Format::Json));
        assert_eq!(acs3.action.as_deref(), Some("Y"));
        let by_auth = Prelude::of(
            &intake(
                "Format=xml",
                &[("Authorization", "ACS3-HMAC-SHA256 Credential=a")],
                "",
            ),
            None,
        );
        assert_eq!(
            (by_auth.scheme, by_auth.format),
            (SignatureVersion::Acs3, Format::Xml)
        );
        let in_form = Prelude::of(&intake("", &[FORM], "Format=JSON&Action=Z"), None);
        assert_eq!(
            (in_form.format, in_form.action.as_deref()),
            (Format::Json, Some("Z"))
        );
        let unknown = Prelude::of(&intake("Format=yaml", &[], ""), None);
        assert_eq!(unknown.format, Format::Xml);
    }

    #[test]
    fn malformed_input_is_named() {
        let bad_query = Prelude::of(&intake("Format=JSON&a=%zz", &[], ""), None);
        assert!(matches!(
            bad_query.malformed,
            Some(Malformed::Parameters {
                location: "query string",
                ..
            })
        ));
        let bad_form = Prelude::of(&intake("Format=JSON", &[FORM], "a=%4"), None);
        assert!(matches!(
            bad_form.malformed,
            Some(Malformed::Parameters {
                location: "form body",
                ..
            })
        ));
        // The format still comes from the readable query, even next to a bad pair.
        assert_eq!(bad_form.format, Format::Json);
        assert_eq!(bad_query.format, Format::Json);
        let mut not_utf8 = intake("", &[FORM], "");
        not_utf8.body = Bytes::from_static(b"a=\xff\xfe");
        assert_eq!(
            Prelude::of(&not_utf8, None).malformed,
            Some(Malformed::BodyNotUtf8 { offset: 2 })
        );
        // A body that is not a form is not parsed.
        let json_body = Prelude::of(&intake("", &[("content-type", "application/json")], "%%%"), None);
        assert_eq!(json_body.malformed, None);
    }
}
