//! Request signing and verification: the RPC scheme (HMAC-SHA1, `SignatureVersion=1.0`) and
//! ACS3-HMAC-SHA256. Pure functions: the caller passes the time and the nonce in.
//!
//! - Sign: [`ApiRequest::sign`] signs a request of this crate in one call; [`sign_rpc`] and
//!   [`sign_acs3`] sign arbitrary request parts ([`SigningInput`]). Both return a
//!   [`SignedRequest`]: what to send, and the intermediate strings for debugging.
//! - Verify: [`verify`] checks a [`ReceivedRequest`] of either scheme against a secret lookup and
//!   returns the [`VerifiedRequest`] (AccessKeyId, timestamp, nonce, API parameters) or a
//!   [`VerifyError`] that maps to the service's error code. The caller checks the timestamp with
//!   [`check_clock_skew`] and its own clock, and the nonce against its own memory.
//! - The building blocks a service side needs: [`parse_parameters`], [`canonical_query`],
//!   [`rpc_string_to_sign`], [`claimed_scheme`], [`unsigned_parameters`], [`borrow_pairs`]. The
//!   schemes' inner steps are private (the workspace's tests reach some through the cargo feature
//!   `test-support`, which is not a stable API).
//!
//! Neither the secret nor the STS token appears in any `Debug` output or error of this module.

mod acs3;
mod credentials;
mod encoding;
mod redact;
mod rpc;
mod verify;

pub use acs3::{ACS3_ALGORITHM, Acs3Authorization, sign_acs3};
/// Internal steps of the schemes, published for the workspace's tests, benchmarks and fuzz
/// targets only (cargo feature `test-support`; not a stable API).
#[cfg(feature = "test-support")]
#[doc(hidden)]
pub use acs3::{hex_sha256, parse_authorization};
pub use credentials::Credentials;
pub(crate) use credentials::REDACTED;
/// The percent-encoder of both schemes, published for the workspace's tests and fuzz targets only
/// (cargo feature `test-support`; not a stable API).
#[cfg(feature = "test-support")]
#[doc(hidden)]
pub use encoding::percent_encode;
#[cfg(not(feature = "test-support"))]
pub(crate) use encoding::percent_encode;
pub use encoding::{
    ParameterParseError, borrow_pairs, canonical_query, is_form_urlencoded, parse_parameters,
};
pub use redact::redact_secrets;
pub use rpc::{
    RPC_SIGNATURE_METHOD, RPC_SIGNATURE_VERSION, RPC_SIGNING_PARAMETERS, rpc_string_to_sign, sign_rpc,
};
pub use verify::{
    ClockSkewError, MAX_NONCE_LENGTH, MAX_PARAMETERS, ReceivedRequest, VerifiedRequest, VerifyError,
    check_clock_skew, claimed_scheme, unsigned_parameters, verify,
};

use crate::request::ApiRequest;
use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;

/// How far a request's timestamp may be from the verifier's clock, either way.
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(15);

/// The two signature schemes the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// ACS3-HMAC-SHA256 (the official SDKs' current default; the CLI's `v3`).
    #[default]
    Acs3,
    /// The RPC scheme, HMAC-SHA1, `SignatureVersion=1.0` (the CLI's `v1`).
    Rpc,
}

/// What to sign: the parts of the request the caller is about to send. Built by
/// [`SigningInput::new`] and its `with_*` setters (a request may come to need more signed parts).
///
/// ```
/// use cdn_task_core::signing::{Credentials, SigningInput};
/// let credentials = Credentials::new("testid", "testsecret");
/// let now = cdn_task_core::parse_utc_timestamp("2026-11-30T12:00:00Z")?;
/// let input = SigningInput::new("cdn.aliyuncs.com", &credentials, now, "nonce-1")
///     .with_query(&[("Action", "DescribeRefreshQuota"), ("Version", "2018-05-10")]);
/// assert_eq!((input.method, input.path), ("POST", "/"));
/// # Ok::<(), cdn_task_core::TimeError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SigningInput<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The host (`cdn.aliyuncs.com`, or `127.0.0.1:8080` for the mock).
    pub host: &'a str,
    /// The path (`/`), as it goes on the wire (already percent-encoded); empty means `/`.
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

impl<'a> SigningInput<'a> {
    /// A `POST` to `/` on `host` with no query and no body, signed by `credentials` at
    /// `timestamp` with `nonce`.
    pub fn new(
        host: &'a str,
        credentials: &'a Credentials,
        timestamp: DateTime<Utc>,
        nonce: &'a str,
    ) -> SigningInput<'a> {
        SigningInput {
            method: "POST",
            host,
            path: "/",
            query: &[],
            body: b"",
            content_type: None,
            credentials,
            timestamp,
            nonce,
        }
    }

    /// Sets the method (`GET` or `POST`).
    #[must_use]
    pub fn with_method(mut self, method: &'a str) -> SigningInput<'a> {
        self.method = method;
        self
    }

    /// Sets the path, as it goes on the wire (already percent-encoded).
    #[must_use]
    pub fn with_path(mut self, path: &'a str) -> SigningInput<'a> {
        self.path = path;
        self
    }

    /// Sets the query parameters, decoded (the signer encodes them).
    #[must_use]
    pub fn with_query(mut self, query: &'a [(&'a str, &'a str)]) -> SigningInput<'a> {
        self.query = query;
        self
    }

    /// Sets the body and its content type.
    #[must_use]
    pub fn with_body(mut self, body: &'a [u8], content_type: Option<&'a str>) -> SigningInput<'a> {
        self.body = body;
        self.content_type = content_type;
        self
    }
}

/// Everything an adapter must send, plus the intermediate strings for debugging.
///
/// `Debug` redacts the STS token wherever it appears (the `x-acs-security-token` header, the
/// `SecurityToken` parameter, the canonical string and the string to sign).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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

impl SignedRequest {
    /// The request target: the path, then `?` and the query when there is one (`/?Action=…`).
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), redact::header_value(name, value)))
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &redact::query(&self.query))
            .field("headers", &headers)
            .field("body", &redact::Body(&self.body))
            .field("canonical", &redact::canonical(&self.canonical))
            .field("string_to_sign", &redact::string_to_sign(&self.string_to_sign))
            .field("signature", &self.signature)
            .finish()
    }
}

/// The path as sent and signed: as given, `/` when empty.
fn sent_path(path: &str) -> String {
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

impl ApiRequest {
    /// Signs this request for `host` in one call: RPC puts every parameter in the query of a
    /// `POST`; ACS3 sends `Action`/`Version` as headers and the rest in the query of a `POST`.
    /// The body is empty either way.
    ///
    /// ```
    /// use cdn_task_core::signing::{Credentials, SignatureVersion};
    /// use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, Format, DEFAULT_HOST};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let request = ApiRequest::new(&DescribeRefreshTaskById::new("12345678".parse()?), Format::Json);
    /// let credentials = Credentials::new("testid", "testsecret");
    /// let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    ///
    /// let signed = request.sign(SignatureVersion::Acs3, DEFAULT_HOST, &credentials, now, "nonce-1");
    /// assert_eq!((signed.method.as_str(), signed.path_and_query().as_str()), ("POST", "/?Format=JSON&TaskId=12345678"));
    /// let header = |name: &str| signed.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    /// assert_eq!(header("x-acs-action"), Some("DescribeRefreshTaskById"));
    /// assert_eq!(header("x-acs-date"), Some("2026-11-29T12:00:00Z"));
    /// assert!(header("authorization").unwrap().starts_with("ACS3-HMAC-SHA256 Credential=testid,"));
    ///
    /// let signed = request.sign(SignatureVersion::Rpc, DEFAULT_HOST, &credentials, now, "nonce-1");
    /// assert!(signed.query.starts_with("AccessKeyId=testid&Action=DescribeRefreshTaskById&Format=JSON&"));
    /// assert!(signed.query.ends_with(&format!("&Signature={}", cdn_task_core::signing::percent_encode(&signed.signature))));
    /// assert!(signed.headers.is_empty() && signed.body.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(
        &self,
        version: SignatureVersion,
        host: &str,
        credentials: &Credentials,
        timestamp: DateTime<Utc>,
        nonce: &str,
    ) -> SignedRequest {
        let parameters = self.parameters();
        let input = |query| SigningInput {
            method: "POST",
            host,
            path: "/",
            query,
            body: &[],
            content_type: None,
            credentials,
            timestamp,
            nonce,
        };
        match version {
            SignatureVersion::Rpc => sign_rpc(&input(&parameters)),
            SignatureVersion::Acs3 => {
                let query: Vec<(&str, &str)> = parameters
                    .iter()
                    .filter(|(name, _)| *name != "Action" && *name != "Version")
                    .copied()
                    .collect();
                sign_acs3(&input(&query), self.action, self.version)
            }
        }
    }
}

#[cfg(test)]
mod tests;
