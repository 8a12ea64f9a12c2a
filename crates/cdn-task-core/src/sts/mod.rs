//! STS (Security Token Service, API version `2015-04-01`): `AssumeRole` and
//! `AssumeRoleWithOIDC` as [`Operation`](crate::Operation)s, their parameter rules, and the
//! response body they share, in JSON and XML.
//!
//! One file per concern: [`parameters`](self) (the limits every STS parameter obeys),
//! `assume_role.rs`, `assume_role_with_oidc.rs`, `response.rs`. Signing `AssumeRole` is the RPC
//! scheme of [`crate::signing`]; `AssumeRoleWithOIDC` is anonymous and goes as a form body
//! ([`anonymous_form_body`]).
//!
//! ```
//! use cdn_task_core::sts::AssumeRole;
//! use cdn_task_core::{ApiRequest, Format};
//! let op = AssumeRole::new("acs:ram::1234567890:role/deployer", "ci-42")?.with_duration_seconds(900)?;
//! let request = ApiRequest::new(&op, Format::Json);
//! assert_eq!(request.version, "2015-04-01");
//! assert!(AssumeRole::new("acs:ram::1:role/r", "x").is_err()); // session names are 2 to 64
//! # Ok::<(), cdn_task_core::ParameterError>(())
//! ```

mod assume_role;
mod assume_role_with_oidc;
mod parameters;
mod response;

pub use assume_role::AssumeRole;
pub use assume_role_with_oidc::AssumeRoleWithOidc;
pub use parameters::{
    DEFAULT_DURATION_SECONDS, MAX_DURATION_SECONDS, MAX_OIDC_TOKEN_CHARS, MAX_POLICY_CHARS,
    MIN_DURATION_SECONDS, MIN_OIDC_TOKEN_CHARS, RoleArn,
};
pub use response::{AssumeRoleResponse, AssumeRoleWithOidcResponse, AssumedRoleUser, StsCredentials};

use crate::request::ApiRequest;
use crate::signing::percent_encode;

/// STS's API version.
pub const STS_API_VERSION: &str = "2015-04-01";

/// The global STS endpoint host.
pub const STS_DEFAULT_HOST: &str = "sts.aliyuncs.com";

/// The body of an anonymous call (`AssumeRoleWithOIDC`): every parameter of `request` plus
/// `Timestamp` and `SignatureNonce`, as `application/x-www-form-urlencoded`, so the OIDC token
/// travels in the body and never in a URL (proxies and access logs record URLs).
///
/// ```
/// use cdn_task_core::sts::{AssumeRoleWithOidc, anonymous_form_body};
/// use cdn_task_core::{ApiRequest, Format};
/// let op = AssumeRoleWithOidc::new("acs:ram::1:role/r", "acs:ram::1:oidc-provider/p", "eyJ.a.b", "pod-1")?;
/// let body = anonymous_form_body(&ApiRequest::new(&op, Format::Json), "2026-11-30T12:00:00Z", "n-1");
/// assert!(body.starts_with("Action=AssumeRoleWithOIDC&Version=2015-04-01&Format=JSON&"));
/// assert!(body.ends_with("&Timestamp=2026-11-30T12%3A00%3A00Z&SignatureNonce=n-1"));
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
pub fn anonymous_form_body(request: &ApiRequest, timestamp: &str, nonce: &str) -> String {
    request
        .parameters()
        .into_iter()
        .chain([("Timestamp", timestamp), ("SignatureNonce", nonce)])
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The STS host for a region: `sts.<region>.aliyuncs.com`, `sts-vpc.<region>.aliyuncs.com` with
/// `vpc`; the global [`STS_DEFAULT_HOST`] without a region (whatever `vpc` says, as the official
/// libraries do).
///
/// ```
/// use cdn_task_core::sts::sts_host;
/// assert_eq!(sts_host(Some("cn-hangzhou"), true), "sts-vpc.cn-hangzhou.aliyuncs.com");
/// assert_eq!(sts_host(Some("cn-hangzhou"), false), "sts.cn-hangzhou.aliyuncs.com");
/// assert_eq!(sts_host(None, true), "sts.aliyuncs.com");
/// ```
pub fn sts_host(region: Option<&str>, vpc: bool) -> String {
    match region.filter(|region| !region.is_empty()) {
        Some(region) if vpc => format!("sts-vpc.{region}.aliyuncs.com"),
        Some(region) => format!("sts.{region}.aliyuncs.com"),
        None => STS_DEFAULT_HOST.to_owned(),
    }
}
