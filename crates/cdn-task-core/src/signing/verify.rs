//! Verification of either scheme, its typed failures, and the clock-skew rule.

use super::credentials::REDACTED;
use super::encoding::{is_form_urlencoded, parse_parameter_bytes};
use super::{MAX_CLOCK_SKEW, ParameterParseError, SignatureVersion, acs3, redact, rpc};
use crate::ErrorCode;
use chrono::{DateTime, Utc};
use std::fmt;
use subtle::ConstantTimeEq;

/// A request as it arrived, for verification.
///
/// `Debug` redacts the STS token (the `x-acs-security-token` header and the `SecurityToken`
/// parameter).
#[derive(Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The path, as sent (still percent-encoded).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Headers as received (names in any case).
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body.
    pub body: &'a [u8],
}

impl fmt::Debug for ReceivedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|&(name, value)| (name, redact::header_value(name, value)))
            .collect();
        f.debug_struct("ReceivedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &redact::query(self.query))
            .field("headers", &headers)
            .field("body", &redact::Body(self.body))
            .finish()
    }
}

/// A request whose signature checked out. `Debug` redacts the STS token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedRequest {
    /// Which scheme it was signed with.
    pub scheme: SignatureVersion,
    /// The verified AccessKeyId.
    pub access_key_id: String,
    /// The STS token sent, if any.
    pub security_token: Option<String>,
    /// The signing time, for the caller's skew check ([`check_clock_skew`]).
    pub timestamp: DateTime<Utc>,
    /// The nonce, for the caller's replay check.
    pub nonce: String,
    /// The API parameters: query and form body decoded, signing parameters removed, and for ACS3
    /// `Action` and `Version` from their headers.
    pub parameters: Vec<(String, String)>,
}

impl VerifiedRequest {
    /// The first value of parameter `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for VerifiedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedRequest")
            .field("scheme", &self.scheme)
            .field("access_key_id", &self.access_key_id)
            .field("security_token", &self.security_token.as_ref().map(|_| REDACTED))
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce)
            .field("parameters", &self.parameters)
            .finish()
    }
}

/// Why a request's signature was refused; each maps to a service error code
/// ([`VerifyError::error_code`]). No variant carries a secret or a security token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Missing or malformed signing fields (`IncompleteSignature`).
    #[error("incomplete signature: {detail}")]
    Incomplete {
        /// What is missing or malformed.
        detail: String,
    },
    /// The query or form body cannot be parsed (`InvalidParameter`).
    #[error("the {place} is malformed")]
    MalformedParameters {
        /// Where: `query string` or `form body`.
        place: &'static str,
        /// What is wrong there.
        source: ParameterParseError,
    },
    /// Unknown AccessKeyId (`InvalidAccessKeyId.NotFound`).
    #[error("access key `{access_key_id}` is not found")]
    AccessKeyNotFound {
        /// The AccessKeyId sent.
        access_key_id: String,
    },
    /// The signature does not match (`SignatureDoesNotMatch`).
    #[error("signature does not match; the string to sign was {string_to_sign:?}")]
    SignatureMismatch {
        /// The verifier's string to sign (no secret in it), to help the caller debug.
        string_to_sign: String,
    },
    /// The timestamp is not `yyyy-MM-ddTHH:mm:ssZ` (`InvalidTimeStamp.Format`).
    #[error("timestamp `{value}` is not well formatted")]
    TimestampFormat {
        /// The value sent.
        value: String,
    },
    /// The query and form body carry more than [`MAX_PARAMETERS`] parameters
    /// (`InvalidParameter`); refused before any of them is decoded.
    #[error("more than {limit} parameters")]
    TooManyParameters {
        /// The limit, [`MAX_PARAMETERS`].
        limit: usize,
    },
    /// An API parameter is sent more than once, in the query, the form body or both
    /// (`InvalidParameter`). The service's parameters are single-valued, and the canonical form
    /// sorts repeated values, so their order is not signed: refusing them is the only reading
    /// that cannot differ from what was signed.
    #[error("parameter `{name}` is sent more than once")]
    RepeatedParameter {
        /// The parameter's name (shortened when long).
        name: String,
    },
}

impl VerifyError {
    /// The service error code this maps to.
    ///
    /// ```
    /// use cdn_task_core::{signing::VerifyError, ErrorCode};
    /// let error = VerifyError::Incomplete { detail: "no signature".into() };
    /// assert_eq!(error.error_code(), ErrorCode::IncompleteSignature);
    /// ```
    pub fn error_code(&self) -> ErrorCode {
        match self {
            VerifyError::Incomplete { .. } => ErrorCode::IncompleteSignature,
            VerifyError::MalformedParameters { .. } => ErrorCode::InvalidParameter,
            VerifyError::AccessKeyNotFound { .. } => ErrorCode::InvalidAccessKeyIdNotFound,
            VerifyError::SignatureMismatch { .. } => ErrorCode::SignatureDoesNotMatch,
            VerifyError::TimestampFormat { .. } => ErrorCode::InvalidTimeStampFormat,
            VerifyError::TooManyParameters { .. } | VerifyError::RepeatedParameter { .. } => {
                ErrorCode::InvalidParameter
            }
        }
    }
}

/// Verifies a received request of either scheme; `lookup_secret` maps an AccessKeyId to its secret.
///
/// The scheme: an `Authorization` header starting `ACS3-HMAC-SHA256` means ACS3 (another `ACS3-`
/// algorithm is [`VerifyError::Incomplete`], naming it); otherwise the
/// RPC scheme, whose `Signature` may be in the query or, with
/// `Content-Type: application/x-www-form-urlencoded`, in the body; neither is
/// [`VerifyError::Incomplete`]. Checks, in order, cheapest first: the ACS3 `Authorization`
/// header's shape (`Incomplete`), the number of parameters (`TooManyParameters`, counted before
/// any is decoded), the query and form body (`MalformedParameters`), the signing fields' presence
/// and shape, the nonce at most [`MAX_NONCE_LENGTH`] bytes (`Incomplete`), API parameters sent
/// more than once (`RepeatedParameter`), the timestamp's format (`TimestampFormat`), the
/// AccessKeyId (`AccessKeyNotFound`), then the signature, compared in constant time
/// (`SignatureMismatch`). Only then is anything canonicalized or hashed.
///
/// - RPC: `AccessKeyId`, `Signature`, `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`,
///   `SignatureNonce` and `Timestamp` are required, each once; the signed set is the query plus
///   the form body. The path is not signed (the scheme signs `/`).
/// - ACS3: the `Authorization` header is parsed strictly and its
///   `SignedHeaders` list is what is checked, never a fixed list; `host` must be signed, and
///   so must every `x-acs-*` header sent, and `content-type` when there is a body; `x-acs-date`,
///   `x-acs-signature-nonce` and `x-acs-content-sha256` are required and the last must be the
///   body's hash.
///
/// The query and a form body are parsed by [`parse_parameters`]'s rules in both schemes: a raw
/// non-ASCII or control byte, a bad escape, or a name or value that is not UTF-8 once decoded is
/// `MalformedParameters`, never a signature mismatch against percent-decoded bytes.
///
/// Whether the timestamp is recent and the nonce fresh is the caller's to check, with its own
/// clock ([`check_clock_skew`]) and memory. Header names match in any case. Never panics.
///
/// [`parse_parameters`]: super::parse_parameters
///
/// ```
/// use cdn_task_core::signing::{verify, Credentials, ReceivedRequest, SignatureVersion};
/// use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, ErrorCode, Format};
/// use chrono::{TimeZone, Utc};
///
/// let credentials = Credentials::new("testid", "testsecret");
/// let request = ApiRequest::new(&DescribeRefreshTaskById::new("12345678".parse()?), Format::Json);
/// let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
/// let signed = request.sign(SignatureVersion::Acs3, "cdn.aliyuncs.com", &credentials, now, "nonce-1");
///
/// // What the service receives: the signed headers plus `host` (and whatever else the client adds).
/// let mut headers: Vec<(&str, &str)> = signed.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
/// headers.push(("Host", "cdn.aliyuncs.com"));
/// headers.push(("User-Agent", "demo"));
/// let received = ReceivedRequest {
///     method: &signed.method,
///     path: &signed.path,
///     query: &signed.query,
///     headers: &headers,
///     body: &signed.body,
/// };
/// let lookup = |id: &str| (id == "testid").then(|| "testsecret".to_owned());
/// let verified = verify(&received, lookup)?;
/// assert_eq!(verified.access_key_id, "testid");
/// assert_eq!(verified.nonce, "nonce-1");
/// assert_eq!(verified.parameter("Action"), Some("DescribeRefreshTaskById"));
/// assert_eq!(verified.parameter("TaskId"), Some("12345678"));
///
/// // The wrong secret: `SignatureDoesNotMatch`.
/// let error = verify(&received, |_| Some("wrong".to_owned())).unwrap_err();
/// assert_eq!(error.error_code(), ErrorCode::SignatureDoesNotMatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    received: &ReceivedRequest<'_>,
    lookup_secret: impl Fn(&str) -> Option<String>,
) -> Result<VerifiedRequest, VerifyError> {
    let headers = Headers(received.headers);
    match acs3_authorization(headers) {
        Some(authorization) => {
            if headers.all("authorization").nth(1).is_some() {
                return Err(incomplete("header `authorization` is sent more than once"));
            }
            let algorithm = authorization
                .trim_start_matches([' ', '\t'])
                .split([' ', '\t'])
                .next();
            if algorithm != Some(acs3::ACS3_ALGORITHM) {
                // ACS3-HMAC-SM3, ACS3-RSA-SHA256, …: say so rather than fall through to RPC.
                return Err(incomplete(format!(
                    "signature algorithm `{}` is not supported; use {}",
                    crate::task_id::quote(algorithm.unwrap_or_default()),
                    acs3::ACS3_ALGORITHM
                )));
            }
            acs3::verify_acs3(received, authorization, lookup_secret)
        }
        None => rpc::verify_rpc(received, lookup_secret),
    }
}

/// The scheme a request is verified by: ACS3 when it carries an `Authorization` header that
/// starts with `ACS3-`, else RPC. [`verify`] decides by this alone, so a service that picks
/// defaults by scheme (the answer format) must use it too: an unsigned `x-acs-action` header on
/// an RPC-signed request changes nothing.
///
/// ```
/// use cdn_task_core::signing::{claimed_scheme, SignatureVersion};
/// assert_eq!(claimed_scheme(&[("x-acs-action", "DescribeRefreshTaskById")]), SignatureVersion::Rpc);
/// assert_eq!(claimed_scheme(&[("Authorization", "ACS3-HMAC-SHA256 Credential=a")]), SignatureVersion::Acs3);
/// ```
pub fn claimed_scheme(headers: &[(&str, &str)]) -> SignatureVersion {
    match acs3_authorization(Headers(headers)) {
        Some(_) => SignatureVersion::Acs3,
        None => SignatureVersion::Rpc,
    }
}

/// The first `Authorization` header of an `ACS3-` algorithm, if any.
fn acs3_authorization<'a>(headers: Headers<'a>) -> Option<&'a str> {
    headers
        .all("authorization")
        .find(|value| value.trim_start_matches([' ', '\t']).starts_with("ACS3-"))
}

/// Most parameters one request may carry, query and form body together. The largest call of
/// the API family has about 30 with its signing fields; this bound is checked by counting the
/// `&`-separated pieces before anything is decoded, so a flood of tiny parameters costs a scan.
pub const MAX_PARAMETERS: usize = 100;

/// Longest nonce accepted, in bytes (the official SDKs send 32 to 36 characters). A verifier's
/// caller remembers nonces, so their size must be bounded.
pub const MAX_NONCE_LENGTH: usize = 64;

/// Decoded (name, value) pairs, in order.
pub(crate) type Pairs = Vec<(String, String)>;

/// The parameters of the query and, when the content type says so, of the form body, decoded;
/// the cheap count first.
pub(crate) fn read_parameters(
    received: &ReceivedRequest<'_>,
    headers: Headers<'_>,
) -> Result<(Pairs, Pairs), VerifyError> {
    let form_body = headers.single("content-type")?.is_some_and(is_form_urlencoded);
    let body: &[u8] = if form_body { received.body } else { &[] };
    if count_pieces(received.query.as_bytes()) + count_pieces(body) > MAX_PARAMETERS {
        return Err(VerifyError::TooManyParameters {
            limit: MAX_PARAMETERS,
        });
    }
    let parse = |place: &'static str, raw: &[u8]| {
        parse_parameter_bytes(raw).map_err(|source| VerifyError::MalformedParameters { place, source })
    };
    Ok((
        parse("query string", received.query.as_bytes())?,
        parse("form body", body)?,
    ))
}

/// How many non-empty `&`-separated pieces `raw` has (what the parser turns into parameters).
fn count_pieces(raw: &[u8]) -> usize {
    raw.split(|&byte| byte == b'&')
        .filter(|piece| !piece.is_empty())
        .count()
}

/// Refuses a name that occurs more than once ([`VerifyError::RepeatedParameter`]).
pub(crate) fn refuse_repeated<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), VerifyError> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    match names.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(VerifyError::RepeatedParameter {
            name: crate::task_id::quote(pair[0]),
        }),
        None => Ok(()),
    }
}

/// Checks a nonce's shape: present and at most [`MAX_NONCE_LENGTH`] bytes.
pub(crate) fn check_nonce(nonce: &str, field: &str) -> Result<(), VerifyError> {
    if nonce.is_empty() {
        return Err(incomplete(format!("{field} is empty")));
    }
    if nonce.len() > MAX_NONCE_LENGTH {
        return Err(incomplete(format!(
            "{field} is longer than {MAX_NONCE_LENGTH} bytes"
        )));
    }
    Ok(())
}

/// The API parameters of a request that carries no signature (STS's anonymous
/// `AssumeRoleWithOIDC`), read by the rules [`verify`] applies: at most [`MAX_PARAMETERS`], a
/// well-formed query and form body, each name once.
pub fn unsigned_parameters(received: &ReceivedRequest<'_>) -> Result<Vec<(String, String)>, VerifyError> {
    let (mut parameters, form) = read_parameters(received, Headers(received.headers))?;
    parameters.extend(form);
    refuse_repeated(parameters.iter().map(|(name, _)| name.as_str()))?;
    Ok(parameters)
}

/// The timestamp is more than [`MAX_CLOCK_SKEW`] from `now` (`InvalidTimeStamp.Expired`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {timestamp} is more than 15 minutes from the service's clock ({now})")]
#[non_exhaustive]
pub struct ClockSkewError {
    /// The request's timestamp.
    pub timestamp: DateTime<Utc>,
    /// The verifier's clock.
    pub now: DateTime<Utc>,
}

/// Checks a verified timestamp against the verifier's clock, both directions, inclusive at 15 minutes.
///
/// ```
/// use cdn_task_core::signing::{check_clock_skew, MAX_CLOCK_SKEW};
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
/// assert!(check_clock_skew(now - MAX_CLOCK_SKEW, now).is_ok());
/// assert!(check_clock_skew(now + MAX_CLOCK_SKEW + TimeDelta::seconds(1), now).is_err());
/// ```
pub fn check_clock_skew(timestamp: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ClockSkewError> {
    if timestamp.signed_duration_since(now).abs() <= MAX_CLOCK_SKEW {
        Ok(())
    } else {
        Err(ClockSkewError { timestamp, now })
    }
}

/// An [`VerifyError::Incomplete`] saying `detail`.
pub(crate) fn incomplete(detail: impl Into<String>) -> VerifyError {
    VerifyError::Incomplete {
        detail: detail.into(),
    }
}

/// Parses a signing timestamp: `yyyy-MM-ddTHH:mm:ssZ` only (not the minutes-only form a response
/// may use).
pub(crate) fn parse_signing_timestamp(text: &str) -> Result<DateTime<Utc>, VerifyError> {
    let parsed = (text.len() == 20).then(|| crate::parse_utc_timestamp(text).ok());
    parsed.flatten().ok_or_else(|| VerifyError::TimestampFormat {
        value: crate::task_id::quote(text),
    })
}

/// Compares a computed signature with a received one in constant time (for equal lengths; the
/// length is not secret).
pub(crate) fn signatures_equal(expected: &str, received: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
}

/// Case-insensitive header lookups over the received headers.
#[derive(Clone, Copy)]
pub(crate) struct Headers<'a>(pub(crate) &'a [(&'a str, &'a str)]);

impl<'a> Headers<'a> {
    /// Every value of header `name` (lower-case), as received.
    pub(crate) fn all(self, name: &'a str) -> impl Iterator<Item = &'a str> + Clone + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The value of header `name`, trimmed; sent more than once is [`VerifyError::Incomplete`].
    pub(crate) fn single(self, name: &'a str) -> Result<Option<&'a str>, VerifyError> {
        let mut values = self.all(name);
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(value), None) => Ok(Some(value.trim_ascii())),
            (Some(_), Some(_)) => Err(incomplete(format!("header `{name}` is sent more than once"))),
        }
    }
}
