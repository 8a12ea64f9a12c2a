//! Request signing and verification: the RPC scheme (HMAC-SHA1, `SignatureVersion=1.0`) and
//! ACS3-HMAC-SHA256. Pure functions: the caller passes the time and the nonce in.
//!
//! SKELETON: the public API below is the contract the adapters code against; the signing issue
//! fills in the bodies (and may split this file into submodules) without changing signatures.

use crate::request::ApiRequest;
use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;

/// How far a request's timestamp may be from the verifier's clock, either way.
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(15);

/// An AccessKey pair, with an optional STS security token. `Debug` never shows the secret or the
/// token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// An AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }
    /// Adds an STS security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }
    /// The AccessKeyId (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    /// The AccessKey secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }
    /// The STS security token, if any. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

/// The two signature schemes the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// ACS3-HMAC-SHA256 (the official SDKs' current default; the CLI's `v3`).
    #[default]
    Acs3,
    /// The RPC scheme, HMAC-SHA1, `SignatureVersion=1.0` (the CLI's `v1`).
    Rpc,
}

/// RFC 3986 percent-encoding as the service does it: `A-Z a-z 0-9 - _ . ~` kept, everything else
/// `%XX` in upper-case hex (space `%20`, `*` `%2A`).
pub fn percent_encode(text: &str) -> String {
    todo!()
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
}

/// Parses a raw query string or `application/x-www-form-urlencoded` body (`a=1&b=%20x`, `+` is a
/// space) into decoded (name, value) pairs, in order.
pub fn parse_parameters(raw: &str) -> Result<Vec<(String, String)>, ParameterParseError> {
    todo!()
}

/// What to sign: the parts of the request the caller is about to send.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The host (`cdn.aliyuncs.com`, or `127.0.0.1:8080` for the mock).
    pub host: &'a str,
    /// The path (`/`).
    pub path: &'a str,
    /// Query parameters, decoded (the signer encodes them). For RPC these include `Action`, `Version`, `Format`.
    pub query: &'a [(&'a str, &'a str)],
    /// The body (empty for the API's calls), and its content type when not empty.
    pub body: &'a [u8],
    /// The body's content type, when there is a body.
    pub content_type: Option<&'a str>,
    /// Who signs.
    pub credentials: &'a Credentials,
    /// The signing time (`Timestamp` / `x-acs-date`).
    pub timestamp: DateTime<Utc>,
    /// A fresh, unique nonce.
    pub nonce: &'a str,
}

/// Everything an adapter must send, plus the intermediate strings for debugging.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path (`/`).
    pub path: String,
    /// The encoded query string, without `?` (RPC: every parameter and `Signature`).
    pub query: String,
    /// Headers to send, lower-case names (ACS3: `x-acs-*` and `authorization`; the HTTP library
    /// sets `host` from the URL, and it is the value signed).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// RPC: the canonical query string; ACS3: the canonical request.
    pub canonical: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signature (RPC: base64; ACS3: lower-case hex).
    pub signature: String,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

/// Signs with the RPC scheme: adds the common parameters and `Signature` to the query.
pub fn sign_rpc(input: &SigningInput<'_>) -> SignedRequest {
    todo!()
}

/// Signs with ACS3-HMAC-SHA256: `x-acs-*` headers and `Authorization`.
pub fn sign_acs3(input: &SigningInput<'_>, action: &str, version: &str) -> SignedRequest {
    todo!()
}

impl ApiRequest {
    /// Signs this request for `host` in one call: RPC puts every parameter in the query of a
    /// `POST`; ACS3 sends `Action`/`Version` as headers and the rest in the query of a `POST`.
    pub fn sign(
        &self,
        version: SignatureVersion,
        host: &str,
        credentials: &Credentials,
        timestamp: DateTime<Utc>,
        nonce: &str,
    ) -> SignedRequest {
        todo!()
    }
}

/// A request as it arrived, for verification.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Headers as received (names in any case).
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body.
    pub body: &'a [u8],
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Why a request's signature was refused; each maps to a service error code.
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
    #[error("malformed parameters: {0}")]
    MalformedParameters(#[from] ParameterParseError),
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
}

impl VerifyError {
    /// The service error code this maps to.
    pub fn error_code(&self) -> crate::ErrorCode {
        todo!()
    }
}

/// Verifies a received request of either scheme; `lookup_secret` maps an AccessKeyId to its secret.
pub fn verify(
    received: &ReceivedRequest<'_>,
    lookup_secret: impl Fn(&str) -> Option<String>,
) -> Result<VerifiedRequest, VerifyError> {
    todo!()
}

/// The timestamp is more than [`MAX_CLOCK_SKEW`] from `now` (`InvalidTimeStamp.Expired`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {timestamp} is more than 15 minutes from the service's clock ({now})")]
pub struct ClockSkewError {
    /// The request's timestamp.
    pub timestamp: DateTime<Utc>,
    /// The verifier's clock.
    pub now: DateTime<Utc>,
}

/// Checks a verified timestamp against the verifier's clock, both directions, inclusive at 15 minutes.
pub fn check_clock_skew(timestamp: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ClockSkewError> {
    todo!()
}
