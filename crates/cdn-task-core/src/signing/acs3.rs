//! ACS3-HMAC-SHA256: signed headers, canonical request, `Authorization` header.

use super::encoding::{borrow_pairs, canonical_query};
use super::verify::{
    Headers, VerifiedRequest, VerifyError, check_nonce, incomplete, parse_signing_timestamp, read_parameters,
    refuse_repeated, signatures_equal,
};
use super::{ReceivedRequest, SignatureVersion, SignedRequest, SigningInput};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm name that starts an ACS3 `Authorization` header and its string to sign.
pub const ACS3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lower-case hex SHA-256 of `data` (`x-acs-content-sha256`, the canonical request's hash).
///
/// ```
/// assert_eq!(
///     cdn_task_core::signing::hex_sha256(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The ACS3 canonical request:
/// `METHOD \n PATH \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSHA256(body)`.
///
/// `canonical_headers` is one `name:value\n` line per signed header (see
/// [`acs3_canonical_headers`]), so the block ends with a newline before the `\n` separator.
pub fn acs3_canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    format!("{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{hashed_payload}")
}

/// The ACS3 canonical headers and `SignedHeaders` list from (lower-case name, value) pairs,
/// already sorted by name: `name:trim(value)\n` per header, and the names joined by `;`.
pub fn acs3_canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut canonical = String::new();
    let mut signed = String::new();
    for (i, (name, value)) in headers.iter().enumerate() {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value.trim_ascii());
        canonical.push('\n');
        if i > 0 {
            signed.push(';');
        }
        signed.push_str(name);
    }
    (canonical, signed)
}

/// The ACS3 string to sign: `ACS3-HMAC-SHA256\n` + HexSHA256(canonical request).
pub fn acs3_string_to_sign(canonical_request: &str) -> String {
    format!("{ACS3_ALGORITHM}\n{}", hex_sha256(canonical_request.as_bytes()))
}

/// The ACS3 signature: lower-case hex HMAC-SHA256(key = secret, string to sign), no `&` on the
/// key.
pub fn acs3_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    // HMAC takes keys of any length (RFC 2104), so this never fails; if it ever did, an empty
    // signature fails closed (received signatures are required to be 64 hex digits).
    let Ok(mac) = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes()) else {
        return String::new();
    };
    hex::encode(
        mac.chain_update(string_to_sign.as_bytes())
            .finalize()
            .into_bytes(),
    )
}

/// A parsed ACS3 `Authorization` header:
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<h1;h2;…>,Signature=<hex>`. Its `Display` is
/// the header value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acs3Authorization {
    /// The AccessKeyId (`Credential`).
    pub access_key_id: String,
    /// The signed header names, lower-case, sorted, distinct, `host` among them.
    pub signed_headers: Vec<String>,
    /// The signature, 64 lower-case hex digits.
    pub signature: String,
}

impl fmt::Display for Acs3Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ACS3_ALGORITHM} Credential={},SignedHeaders={},Signature={}",
            self.access_key_id,
            self.signed_headers.join(";"),
            self.signature
        )
    }
}

/// Parses an ACS3 `Authorization` header strictly; anything malformed is
/// [`VerifyError::Incomplete`].
///
/// Accepted: the algorithm, one or more spaces, then exactly the three fields `Credential`,
/// `SignedHeaders` and `Signature` (any order, each once, separated by `,` with optional spaces
/// around it). `Credential` is non-empty without whitespace; `SignedHeaders` is a `;`-list of
/// lower-case header names, sorted, distinct, with `host`; `Signature` is 64 lower-case hex
/// digits. Never panics.
///
/// ```
/// use cdn_task_core::signing::parse_authorization;
/// let header = "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action,\
///               Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";
/// let parsed = parse_authorization(header).unwrap();
/// assert_eq!(parsed.access_key_id, "YourAccessKeyId");
/// assert_eq!(parsed.signed_headers, ["host", "x-acs-action"]);
/// assert_eq!(parsed.to_string(), header);
/// assert!(parse_authorization("ACS3-HMAC-SHA256 Credential=id").is_err());
/// ```
pub fn parse_authorization(header: &str) -> Result<Acs3Authorization, VerifyError> {
    let header = header.trim_matches(is_space);
    let fields = header
        .strip_prefix(ACS3_ALGORITHM)
        .ok_or_else(|| incomplete("Authorization does not start with `ACS3-HMAC-SHA256`"))?;
    if !fields.starts_with(is_space) {
        return Err(incomplete("Authorization: unknown algorithm"));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let field = field.trim_matches(is_space);
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| incomplete("Authorization: a field is not `key=value`"))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(incomplete(format!(
                    "Authorization: unknown field `{}`",
                    crate::task_id::quote(key)
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(incomplete(format!(
                "Authorization: `{key}` is given more than once"
            )));
        }
    }
    let missing = |key: &str| incomplete(format!("Authorization: `{key}` is missing"));
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;

    if credential.is_empty() || credential.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(incomplete(
            "Authorization: `Credential` is empty or not a single word",
        ));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names
        .iter()
        .all(|name| !name.is_empty() && name.bytes().all(is_lower_token_byte))
    {
        return Err(incomplete(
            "Authorization: `SignedHeaders` is not a list of lower-case header names",
        ));
    }
    if !names.windows(2).all(|pair| pair[0] < pair[1]) {
        return Err(incomplete(
            "Authorization: `SignedHeaders` is not sorted and distinct",
        ));
    }
    if !names.contains(&"host") {
        return Err(incomplete(
            "Authorization: `SignedHeaders` does not include `host`",
        ));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(incomplete(
            "Authorization: `Signature` is not 64 lower-case hex digits",
        ));
    }
    Ok(Acs3Authorization {
        access_key_id: credential.to_owned(),
        signed_headers: names.into_iter().map(str::to_owned).collect(),
        signature: signature.to_owned(),
    })
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// An RFC 9110 token byte, upper-case letters excluded.
fn is_lower_token_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Signs with ACS3-HMAC-SHA256: `x-acs-*` headers and `Authorization`.
///
/// Signed headers: `host` (the value given, which the HTTP library must send: it is not in
/// [`SignedRequest::headers`]), `x-acs-action`, `x-acs-version`, `x-acs-date`,
/// `x-acs-signature-nonce`, `x-acs-content-sha256`, `x-acs-security-token` (STS credentials only)
/// and `content-type` (when given). The query is `input.query`, canonical (sorted and encoded);
/// the path is signed as given, so pass it as it goes on the wire (`/`).
///
/// ```
/// use cdn_task_core::signing::{sign_acs3, Credentials, SigningInput};
/// use chrono::{TimeZone, Utc};
/// let credentials = Credentials::new("YourAccessKeyId", "YourAccessKeySecret");
/// let timestamp = Utc.with_ymd_and_hms(2023, 10, 26, 10, 22, 32).unwrap();
/// let query = [("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"), ("RegionId", "cn-shanghai")];
/// let signed = sign_acs3(
///     &SigningInput::new("ecs.cn-shanghai.aliyuncs.com", &credentials, timestamp, "3156853299f313e23d1673dc12e1703d")
///         .with_query(&query),
///     "RunInstances",
///     "2014-05-26",
/// );
/// assert_eq!(signed.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
/// ```
pub fn sign_acs3(input: &SigningInput<'_>, action: &str, version: &str) -> SignedRequest {
    let credentials = input.credentials;
    let date = crate::format_utc_timestamp(input.timestamp).to_string();
    let body_hash = hex_sha256(input.body);
    let mut headers: Vec<(&str, &str)> = vec![
        ("host", input.host),
        ("x-acs-action", action),
        ("x-acs-version", version),
        ("x-acs-date", &date),
        ("x-acs-signature-nonce", input.nonce),
        ("x-acs-content-sha256", &body_hash),
    ];
    if let Some(token) = credentials.security_token() {
        headers.push(("x-acs-security-token", token));
    }
    if let Some(content_type) = input.content_type {
        headers.push(("content-type", content_type));
    }
    headers.sort_unstable_by_key(|(name, _)| *name);
    let (canonical_headers, signed_headers) = acs3_canonical_headers(&headers);

    let path = super::sent_path(input.path);
    let query = canonical_query(input.query);
    let canonical = acs3_canonical_request(
        input.method,
        &path,
        &query,
        &canonical_headers,
        &signed_headers,
        &body_hash,
    );
    let string_to_sign = acs3_string_to_sign(&canonical);
    let signature = acs3_signature(credentials.access_key_secret(), &string_to_sign);
    let authorization = Acs3Authorization {
        access_key_id: credentials.access_key_id().to_owned(),
        signed_headers: headers.iter().map(|(name, _)| (*name).to_owned()).collect(),
        signature: signature.clone(),
    };

    let mut sent_headers: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| *name != "host")
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    sent_headers.push(("authorization".to_owned(), authorization.to_string()));
    sent_headers.sort_unstable();
    SignedRequest {
        method: input.method.to_owned(),
        path,
        query,
        headers: sent_headers,
        body: input.body.to_vec(),
        canonical,
        string_to_sign,
        signature,
    }
}

/// Verifies an ACS3-signed request given its `Authorization` header value.
pub(crate) fn verify_acs3(
    received: &ReceivedRequest<'_>,
    authorization: &str,
    lookup_secret: impl Fn(&str) -> Option<String>,
) -> Result<VerifiedRequest, VerifyError> {
    let authorization = parse_authorization(authorization)?;
    let headers = Headers(received.headers);
    let (query, form) = read_parameters(received, headers)?;

    let required = |name: &'static str| {
        headers
            .single(name)?
            .ok_or_else(|| incomplete(format!("header `{name}` is missing")))
    };
    let date = required("x-acs-date")?;
    let nonce = required("x-acs-signature-nonce")?;
    let content_sha256 = required("x-acs-content-sha256")?;
    let action = headers.single("x-acs-action")?;
    let version = headers.single("x-acs-version")?;
    let security_token = headers.single("x-acs-security-token")?;
    check_nonce(nonce, "header `x-acs-signature-nonce`")?;

    let is_signed = |name: &str| authorization.signed_headers.iter().any(|signed| signed == name);
    for (name, _) in received.headers {
        // `content-type` must be signed only when there is a body for it to describe: the official
        // Python SDK's async path (aiohttp) adds `Content-Type: application/octet-stream` to an
        // empty POST after signing. An empty body is pinned by the signed `x-acs-content-sha256`,
        // so an unsigned content type cannot change what the request means.
        let must_sign = name
            .get(..6)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-acs-"))
            || (name.eq_ignore_ascii_case("content-type") && !received.body.is_empty());
        if must_sign && !is_signed(&name.to_ascii_lowercase()) {
            return Err(incomplete(format!(
                "header `{}` is sent but not signed",
                crate::task_id::quote(&name.to_ascii_lowercase())
            )));
        }
    }
    // Each signed header once, its values (trimmed, sorted, joined by `,` when it was sent more
    // than once, as the official SDKs canonicalize repeated headers).
    let mut signed_values = Vec::with_capacity(authorization.signed_headers.len());
    for name in &authorization.signed_headers {
        let mut values: Vec<&str> = headers.all(name).map(str::trim_ascii).collect();
        if values.is_empty() {
            return Err(incomplete(format!(
                "signed header `{name}` is not in the request"
            )));
        }
        values.sort_unstable();
        signed_values.push(values.join(","));
    }
    // `Action` and `Version` come from their headers; sent as parameters too, or any API
    // parameter sent twice, is refused.
    let header_parameters = [action.map(|_| "Action"), version.map(|_| "Version")];
    refuse_repeated(
        query
            .iter()
            .chain(&form)
            .map(|(name, _)| name.as_str())
            .chain(header_parameters.into_iter().flatten()),
    )?;
    let timestamp = parse_signing_timestamp(date)?;
    let secret =
        lookup_secret(&authorization.access_key_id).ok_or_else(|| VerifyError::AccessKeyNotFound {
            access_key_id: crate::task_id::quote(&authorization.access_key_id),
        })?;

    let signed_pairs: Vec<(&str, &str)> = authorization
        .signed_headers
        .iter()
        .zip(&signed_values)
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let (canonical_headers, signed_headers) = acs3_canonical_headers(&signed_pairs);
    let body_hash = hex_sha256(received.body);
    let canonical = acs3_canonical_request(
        received.method,
        &super::sent_path(received.path),
        &canonical_query(&borrow_pairs(&query)),
        &canonical_headers,
        &signed_headers,
        &body_hash,
    );
    let string_to_sign = acs3_string_to_sign(&canonical);
    let expected = acs3_signature(&secret, &string_to_sign);
    let signature_ok = signatures_equal(&expected, &authorization.signature);
    if !(signature_ok && content_sha256 == body_hash) {
        return Err(VerifyError::SignatureMismatch { string_to_sign });
    }

    let mut parameters = Vec::with_capacity(2 + query.len() + form.len());
    parameters.extend(action.map(|action| ("Action".to_owned(), action.to_owned())));
    parameters.extend(version.map(|version| ("Version".to_owned(), version.to_owned())));
    parameters.extend(query);
    parameters.extend(form);
    Ok(VerifiedRequest {
        scheme: SignatureVersion::Acs3,
        access_key_id: authorization.access_key_id,
        security_token: security_token.map(str::to_owned),
        timestamp,
        nonce: nonce.to_owned(),
        parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    fn header(fields: &str) -> String {
        format!("ACS3-HMAC-SHA256 {fields}")
    }

    fn incomplete_detail(header: &str) -> String {
        match parse_authorization(header) {
            Err(VerifyError::Incomplete { detail }) => detail,
            other => panic!("{header:?} gave {other:?}"),
        }
    }

    #[test]
    fn parses_what_the_signers_write() {
        let text = header(&format!(
            "Credential=id,SignedHeaders=host;x-acs-date,Signature={SIG}"
        ));
        let parsed = parse_authorization(&text).unwrap();
        assert_eq!(
            parsed,
            Acs3Authorization {
                access_key_id: "id".into(),
                signed_headers: vec!["host".into(), "x-acs-date".into()],
                signature: SIG.into(),
            }
        );
        assert_eq!(parsed.to_string(), text);
        // Field order is free, spaces around the separators are tolerated.
        let loose = format!("ACS3-HMAC-SHA256  Signature={SIG} , SignedHeaders=host,  Credential=id ");
        assert_eq!(parse_authorization(&loose).unwrap().signed_headers, ["host"]);
    }

    #[test]
    fn garbage_is_incomplete_never_a_panic() {
        let ok_fields = format!("Credential=id,SignedHeaders=host;x-acs-date,Signature={SIG}");
        let cases = [
            String::new(),
            " ".into(),
            "ACS3-HMAC-SHA256".into(),
            "ACS3-HMAC-SHA256 ".into(),
            format!("ACS3-HMAC-SHA256{ok_fields}"),
            format!("ACS3-HMAC-SHA256X {ok_fields}"),
            format!("ACS3-HMAC-SHA1 {ok_fields}"),
            format!("acs3-hmac-sha256 {ok_fields}"),
            format!("Bearer {ok_fields}"),
            header(&format!("SignedHeaders=host,Signature={SIG}")),
            header("Credential=id,SignedHeaders=host"),
            header(&format!("Credential=id,Signature={SIG}")),
            header(&format!(
                "Credential=id,Credential=id,SignedHeaders=host,Signature={SIG}"
            )),
            header(&format!(
                "Credential=id,SignedHeaders=host,SignedHeaders=host,Signature={SIG}"
            )),
            header(&format!("{ok_fields},Signature={SIG}")),
            header(&format!("{ok_fields},Region=cn")),
            header(&format!("{ok_fields},")),
            header(&format!("{ok_fields} junk")),
            header(&format!("{ok_fields}\u{0}")),
            header(&format!(",{ok_fields}")),
            header(&format!("Credential=,SignedHeaders=host,Signature={SIG}")),
            header(&format!("Credential=a b,SignedHeaders=host,Signature={SIG}")),
            header(&format!("credential=id,SignedHeaders=host,Signature={SIG}")),
            header(&format!("Credential id,SignedHeaders=host,Signature={SIG}")),
            header(&format!("Credential=id,SignedHeaders=x-acs-date,Signature={SIG}")),
            header(&format!("Credential=id,SignedHeaders=,Signature={SIG}")),
            header(&format!(
                "Credential=id,SignedHeaders=host;;x-acs-date,Signature={SIG}"
            )),
            header(&format!("Credential=id,SignedHeaders=host;,Signature={SIG}")),
            header(&format!("Credential=id,SignedHeaders=Host,Signature={SIG}")),
            header(&format!(
                "Credential=id,SignedHeaders=x-acs-date;host,Signature={SIG}"
            )),
            header(&format!("Credential=id,SignedHeaders=host;host,Signature={SIG}")),
            header(&format!("Credential=id,SignedHeaders=host x,Signature={SIG}")),
            header("Credential=id,SignedHeaders=host,Signature="),
            header(&format!(
                "Credential=id,SignedHeaders=host,Signature={}",
                &SIG[1..]
            )),
            header(&format!("Credential=id,SignedHeaders=host,Signature={SIG}0")),
            header(&format!(
                "Credential=id,SignedHeaders=host,Signature={}",
                SIG.to_uppercase()
            )),
            header(&format!(
                "Credential=id,SignedHeaders=host,Signature={}",
                "g".repeat(64)
            )),
            header("Credential=id,SignedHeaders=host,Signature=é"),
        ];
        for case in &cases {
            let detail = incomplete_detail(case);
            assert!(!detail.is_empty());
        }
    }

    #[test]
    fn details_say_what_is_wrong() {
        let ok = format!("Credential=id,SignedHeaders=host,Signature={SIG}");
        assert!(incomplete_detail(&header(&format!("{ok},Credential=x"))).contains("more than once"));
        assert!(
            incomplete_detail(&header(&format!("Credential=id,SignedHeaders=x,Signature={SIG}")))
                .contains("host")
        );
        assert!(incomplete_detail(&header("Credential=id,SignedHeaders=host")).contains("Signature"));
        assert!(incomplete_detail(&header(&format!("{ok},Foo=bar"))).contains("Foo"));
        // Sorted, with `host`, yet an empty or upper-case name: refused for the name itself.
        for names in [";host", "Host;host", "host;x-Acs-date"] {
            assert_eq!(
                incomplete_detail(&header(&format!(
                    "Credential=id,SignedHeaders={names},Signature={SIG}"
                ))),
                "Authorization: `SignedHeaders` is not a list of lower-case header names",
                "{names}"
            );
        }
    }

    #[test]
    fn canonical_headers_trim_values() {
        let (canonical, signed) = acs3_canonical_headers(&[("a", "\t x y \t"), ("b", "")]);
        assert_eq!(canonical, "a:x y\nb:\n");
        assert_eq!(signed, "a;b");
        assert_eq!(acs3_canonical_headers(&[]), (String::new(), String::new()));
    }
}
