//! The RPC scheme: HMAC-SHA1 over the sorted, percent-encoded parameters (`SignatureVersion=1.0`).

use super::encoding::{
    borrow_pairs, canonical_query, is_form_urlencoded, parse_parameter_bytes, percent_encode,
};
use super::verify::{
    Headers, VerifiedRequest, VerifyError, check_nonce, incomplete, parse_signing_timestamp, read_parameters,
    refuse_repeated, signatures_equal,
};
use super::{ReceivedRequest, SignatureVersion, SignedRequest, SigningInput, redact};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// `SignatureMethod` of the RPC scheme.
pub const RPC_SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` of the RPC scheme.
pub const RPC_SIGNATURE_VERSION: &str = "1.0";

/// The parameters the RPC scheme adds; [`VerifiedRequest::parameters`] leaves them out, so an
/// API parameter never has one of these names.
pub const RPC_SIGNING_PARAMETERS: [&str; 7] = [
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
];

/// The RPC string to sign: `METHOD&%2F&` + the percent-encoded canonical query. The path is not
/// part of it: the scheme always signs `/`.
///
/// ```
/// use cdn_task_core::signing::rpc_string_to_sign;
/// assert_eq!(rpc_string_to_sign("GET", "A=1&B=x%20y"), "GET&%2F&A%3D1%26B%3Dx%2520y");
/// ```
pub fn rpc_string_to_sign(method: &str, canonical_query: &str) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(canonical_query)
    )
}

/// The RPC signature: Base64(HMAC-SHA1(key = secret + `&`, string to sign)).
pub fn rpc_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    // HMAC takes keys of any length (RFC 2104), so this never fails; if it ever did, an empty
    // signature fails closed (it matches no received signature: those are required non-empty).
    let Ok(mac) = Hmac::<Sha1>::new_from_slice(&key) else {
        return String::new();
    };
    let digest = mac
        .chain_update(string_to_sign.as_bytes())
        .finalize()
        .into_bytes();
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// Signs with the RPC scheme: adds the common parameters and `Signature` to the query.
///
/// The signed parameters are `input.query`, `AccessKeyId`, `SignatureMethod=HMAC-SHA1`,
/// `SignatureVersion=1.0`, `SignatureNonce`, `Timestamp`, `SecurityToken` (STS credentials only)
/// and, when `content_type` is `application/x-www-form-urlencoded`, the body's parameters. A form
/// body that does not parse is sent but not signed: the service refuses it anyway
/// (`InvalidParameter`). The returned query is every query parameter, sorted, then `Signature`.
/// `input.query` holds the API parameters only: a signing parameter in it would be sent twice.
///
/// ```
/// use cdn_task_core::signing::{sign_rpc, Credentials, SigningInput};
/// use chrono::{TimeZone, Utc};
/// let credentials = Credentials::new("testid", "testsecret");
/// let timestamp = Utc.with_ymd_and_hms(2016, 2, 23, 12, 46, 24).unwrap();
/// let query = [("Action", "DescribeRegions"), ("Format", "XML"), ("Version", "2014-05-26")];
/// let signed = sign_rpc(
///     &SigningInput::new("ecs.aliyuncs.com", &credentials, timestamp, "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf")
///         .with_method("GET")
///         .with_query(&query),
/// );
/// assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
/// assert!(signed.query.ends_with("&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"));
/// ```
pub fn sign_rpc(input: &SigningInput<'_>) -> SignedRequest {
    let timestamp = crate::format_utc_timestamp(input.timestamp).to_string();
    let credentials = input.credentials;
    let mut query: Vec<(&str, &str)> = input.query.to_vec();
    query.extend([
        ("AccessKeyId", credentials.access_key_id()),
        ("SignatureMethod", RPC_SIGNATURE_METHOD),
        ("SignatureVersion", RPC_SIGNATURE_VERSION),
        ("SignatureNonce", input.nonce),
        ("Timestamp", timestamp.as_str()),
    ]);
    if let Some(token) = credentials.security_token() {
        query.push(("SecurityToken", token));
    }
    let form = match input.content_type {
        Some(content_type) if is_form_urlencoded(content_type) => {
            parse_parameter_bytes(input.body).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let mut signed_set = query.clone();
    signed_set.extend(borrow_pairs(&form));

    let canonical = canonical_query(&signed_set);
    let string_to_sign = rpc_string_to_sign(input.method, &canonical);
    let signature = rpc_signature(credentials.access_key_secret(), &string_to_sign);
    let mut sent_query = canonical_query(&query);
    sent_query.push_str("&Signature=");
    sent_query.push_str(&percent_encode(&signature));

    let headers = input
        .content_type
        .map(|content_type| ("content-type".to_owned(), content_type.to_owned()))
        .into_iter()
        .collect();
    SignedRequest {
        method: input.method.to_owned(),
        path: super::sent_path(input.path),
        query: sent_query,
        headers,
        body: input.body.to_vec(),
        canonical,
        string_to_sign,
        signature,
    }
}

/// Verifies an RPC-signed request (no ACS3 `Authorization` header).
pub(crate) fn verify_rpc(
    received: &ReceivedRequest<'_>,
    lookup_secret: impl Fn(&str) -> Option<String>,
) -> Result<VerifiedRequest, VerifyError> {
    let (mut parameters, form) = read_parameters(received, Headers(received.headers))?;
    parameters.extend(form);
    let lookup = |name: &'static str| -> Result<Option<&str>, VerifyError> {
        let mut values = parameters
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str());
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(value), None) => Ok(Some(value)),
            (Some(_), Some(_)) => Err(incomplete(format!("parameter `{name}` is sent more than once"))),
        }
    };
    let required = |name: &'static str| -> Result<&str, VerifyError> {
        lookup(name)?
            .filter(|value| !value.is_empty())
            .ok_or_else(|| incomplete(format!("parameter `{name}` is missing")))
    };
    let signature = required("Signature")?;
    let access_key_id = required("AccessKeyId")?;
    if required("SignatureMethod")? != RPC_SIGNATURE_METHOD {
        return Err(incomplete("`SignatureMethod` is not `HMAC-SHA1`"));
    }
    if required("SignatureVersion")? != RPC_SIGNATURE_VERSION {
        return Err(incomplete("`SignatureVersion` is not `1.0`"));
    }
    let nonce = required("SignatureNonce")?;
    check_nonce(nonce, "parameter `SignatureNonce`")?;
    let timestamp_text = required("Timestamp")?;
    let security_token = lookup("SecurityToken")?;
    // Signing fields sent twice are `Incomplete` (above); API parameters sent twice are refused.
    refuse_repeated(
        parameters
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !RPC_SIGNING_PARAMETERS.contains(name)),
    )?;
    let timestamp = parse_signing_timestamp(timestamp_text)?;
    let secret = lookup_secret(access_key_id).ok_or_else(|| VerifyError::AccessKeyNotFound {
        access_key_id: crate::task_id::quote(access_key_id),
    })?;

    let signed_set: Vec<(&str, &str)> = borrow_pairs(&parameters)
        .into_iter()
        .filter(|(name, _)| *name != "Signature")
        .collect();
    let canonical = canonical_query(&signed_set);
    let string_to_sign = rpc_string_to_sign(received.method, &canonical);
    let expected = rpc_signature(&secret, &string_to_sign);
    if !signatures_equal(&expected, signature) {
        return Err(VerifyError::SignatureMismatch {
            string_to_sign: redact::string_to_sign(&string_to_sign),
        });
    }

    let (access_key_id, nonce) = (access_key_id.to_owned(), nonce.to_owned());
    let security_token = security_token.map(str::to_owned);
    Ok(VerifiedRequest {
        scheme: SignatureVersion::Rpc,
        access_key_id,
        security_token,
        timestamp,
        nonce,
        parameters: parameters
            .into_iter()
            .filter(|(name, _)| !RPC_SIGNING_PARAMETERS.contains(&name.as_str()))
            .collect(),
    })
}
