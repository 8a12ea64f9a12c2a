//! Verification's typed failures, the skew rule and redaction, across the submodules.

use super::acs3::{
    acs3_canonical_headers, acs3_canonical_request, acs3_signature, acs3_string_to_sign, hex_sha256,
    parse_authorization,
};
use super::encoding::percent_encode;
use super::*;
use crate::{DescribeRefreshTaskById, ErrorCode, Format, Operation};
use chrono::TimeZone;

const ID: &str = "testid";
const SECRET: &str = "testsecret";
const TOKEN: &str = "STS.Zq9Kx/en+=&x y";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
}

fn lookup(id: &str) -> Option<String> {
    (id == ID).then(|| SECRET.to_owned())
}

fn api_request() -> ApiRequest {
    ApiRequest::new(
        &DescribeRefreshTaskById::new("12345678,23456789".parse().unwrap()),
        Format::Json,
    )
}

fn sign(version: SignatureVersion, credentials: &Credentials) -> SignedRequest {
    api_request().sign(version, "cdn.aliyuncs.com", credentials, now(), "nonce-1")
}

/// A request as the service would see it: the signed parts plus `host`, as owned data that a
/// test can change before verifying.
#[derive(Clone)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn from(signed: &SignedRequest) -> Wire {
        let mut headers = signed.headers.clone();
        headers.push(("host".into(), "cdn.aliyuncs.com".into()));
        Wire {
            method: signed.method.clone(),
            path: signed.path.clone(),
            query: signed.query.clone(),
            headers,
            body: signed.body.clone(),
        }
    }

    fn verify(&self) -> Result<VerifiedRequest, VerifyError> {
        let headers: Vec<(&str, &str)> = borrow_pairs(&self.headers);
        verify(
            &ReceivedRequest {
                method: &self.method,
                path: &self.path,
                query: &self.query,
                headers: &headers,
                body: &self.body,
            },
            lookup,
        )
    }

    fn without_header(mut self, name: &str) -> Wire {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    fn with_header(mut self, name: &str, value: &str) -> Wire {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn replace_header(self, name: &str, value: &str) -> Wire {
        self.without_header(name).with_header(name, value)
    }

    fn map_query(mut self, change: impl Fn(&mut Vec<(String, String)>)) -> Wire {
        let mut pairs = parse_parameters(&self.query).unwrap();
        change(&mut pairs);
        self.query = pairs
            .iter()
            .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self
    }

    fn without_parameter(self, name: &str) -> Wire {
        let name = name.to_owned();
        self.map_query(move |pairs| pairs.retain(|(n, _)| *n != name))
    }

    fn set_parameter(self, name: &str, value: &str) -> Wire {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.map_query(move |pairs| {
            for pair in pairs.iter_mut().filter(|(n, _)| *n == name) {
                pair.1 = value.clone();
            }
        })
    }
}

fn rpc() -> Wire {
    Wire::from(&sign(SignatureVersion::Rpc, &Credentials::new(ID, SECRET)))
}

fn acs3() -> Wire {
    Wire::from(&sign(SignatureVersion::Acs3, &Credentials::new(ID, SECRET)))
}

fn incomplete(wire: &Wire) -> String {
    match wire.verify() {
        Err(error @ VerifyError::Incomplete { .. }) => {
            assert_eq!(error.error_code(), ErrorCode::IncompleteSignature);
            error.to_string()
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }
}

fn assert_mismatch(wire: &Wire) {
    match wire.verify() {
        Err(error @ VerifyError::SignatureMismatch { .. }) => {
            assert_eq!(error.error_code(), ErrorCode::SignatureDoesNotMatch);
        }
        other => panic!("expected SignatureMismatch, got {other:?}"),
    }
}

fn assert_timestamp_format(wire: &Wire) {
    match wire.verify() {
        Err(error @ VerifyError::TimestampFormat { .. }) => {
            assert_eq!(error.error_code(), ErrorCode::InvalidTimeStampFormat);
        }
        other => panic!("expected TimestampFormat, got {other:?}"),
    }
}

#[test]
fn api_request_signs_in_one_call_and_verifies_with_either_scheme() {
    for version in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        for credentials in [
            Credentials::new(ID, SECRET),
            Credentials::new(ID, SECRET).with_security_token(TOKEN),
        ] {
            let signed = sign(version, &credentials);
            assert_eq!((signed.method.as_str(), signed.path.as_str()), ("POST", "/"));
            assert!(signed.body.is_empty());
            let verified = Wire::from(&signed).verify().unwrap();
            assert_eq!(verified.scheme, version);
            assert_eq!(verified.access_key_id, ID);
            assert_eq!(verified.security_token.as_deref(), credentials.security_token());
            assert_eq!((verified.timestamp, verified.nonce.as_str()), (now(), "nonce-1"));
            let mut parameters: Vec<(&str, &str)> = borrow_pairs(&verified.parameters);
            let request = api_request();
            let mut expected = request.parameters();
            parameters.sort_unstable();
            expected.sort_unstable();
            assert_eq!(parameters, expected, "{version:?}");
            let rebuilt = DescribeRefreshTaskById::from_parameters(|name| verified.parameter(name)).unwrap();
            assert_eq!(rebuilt.task_ids.to_string(), "12345678,23456789");
        }
    }
}

#[test]
fn acs3_sends_action_and_version_as_headers_and_the_rest_in_the_query() {
    let signed = sign(
        SignatureVersion::Acs3,
        &Credentials::new(ID, SECRET).with_security_token(TOKEN),
    );
    assert_eq!(signed.query, "Format=JSON&TaskId=12345678%2C23456789");
    let names: Vec<&str> = signed.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "authorization",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-security-token",
            "x-acs-signature-nonce",
            "x-acs-version",
        ]
    );
    let authorization = parse_authorization(&signed.headers[0].1).unwrap();
    assert_eq!(
        authorization.signed_headers,
        [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-security-token",
            "x-acs-signature-nonce",
            "x-acs-version",
        ]
    );
    assert!(signed.canonical.contains("\nhost:cdn.aliyuncs.com\n"));
}

#[test]
fn rpc_puts_every_parameter_in_the_query() {
    let signed = sign(
        SignatureVersion::Rpc,
        &Credentials::new(ID, SECRET).with_security_token(TOKEN),
    );
    let names: Vec<String> = parse_parameters(&signed.query)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "AccessKeyId",
            "Action",
            "Format",
            "SecurityToken",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "TaskId",
            "Timestamp",
            "Version",
            "Signature",
        ]
    );
    assert!(signed.headers.is_empty());
    assert_eq!(
        signed.query,
        format!(
            "{}&Signature={}",
            signed.canonical,
            percent_encode(&signed.signature)
        )
    );
}

#[test]
fn rpc_missing_or_malformed_signing_fields_are_incomplete() {
    for name in [
        "Signature",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
    ] {
        let detail = incomplete(&rpc().without_parameter(name));
        assert!(detail.contains(name), "{detail}");
        let detail = incomplete(&rpc().set_parameter(name, ""));
        assert!(detail.contains(name), "{detail}");
    }
    incomplete(&rpc().set_parameter("SignatureMethod", "HMAC-SHA256"));
    incomplete(&rpc().set_parameter("SignatureVersion", "2.0"));
    let twice = rpc().map_query(|pairs| pairs.push(("Signature".into(), "x".into())));
    assert!(incomplete(&twice).contains("more than once"));
    let token_twice = rpc().map_query(|pairs| {
        pairs.push(("SecurityToken".into(), "a".into()));
        pairs.push(("SecurityToken".into(), "b".into()));
    });
    incomplete(&token_twice);
    // Neither scheme.
    let nothing = Wire {
        query: "Action=DescribeRefreshTaskById".into(),
        ..rpc()
    };
    incomplete(&nothing);
    incomplete(&nothing.clone().with_header("Authorization", "Bearer abc"));
    incomplete(&Wire {
        query: String::new(),
        ..rpc()
    });
}

#[test]
fn rpc_timestamp_must_be_seconds_precision_utc() {
    for bad in [
        "2026-11-29T12:00Z",
        "2026-11-29T12:00:00.000Z",
        "2026-11-29T12:00:00+00:00",
        "2026-11-29 12:00:00Z",
        "2026-02-30T12:00:00Z",
        "now",
    ] {
        assert_timestamp_format(&rpc().set_parameter("Timestamp", bad));
    }
}

#[test]
fn rpc_unknown_key_wrong_secret_and_tampering() {
    let unknown = rpc()
        .set_parameter("AccessKeyId", "someone-else")
        .verify()
        .unwrap_err();
    assert_eq!(
        unknown,
        VerifyError::AccessKeyNotFound {
            access_key_id: "someone-else".into()
        }
    );
    assert_eq!(unknown.error_code(), ErrorCode::InvalidAccessKeyIdNotFound);
    assert_mismatch(&rpc().set_parameter("TaskId", "12345678"));
    assert_mismatch(&rpc().set_parameter("SignatureNonce", "nonce-2"));
    assert_mismatch(&rpc().set_parameter("Timestamp", "2026-11-29T12:00:01Z"));
    assert_mismatch(&rpc().map_query(|pairs| pairs.push(("Extra".into(), String::new()))));
    assert_mismatch(&Wire {
        method: "GET".into(),
        ..rpc()
    });
    let malformed = Wire {
        query: format!("{}&x=%G1", rpc().query),
        ..rpc()
    }
    .verify()
    .unwrap_err();
    assert_eq!(malformed.error_code(), ErrorCode::InvalidParameter);
    // The order of the parameters on the wire does not matter; the path is not signed.
    assert!(rpc().map_query(|pairs| pairs.reverse()).verify().is_ok());
    assert!(
        Wire {
            path: "/anything".into(),
            ..rpc()
        }
        .verify()
        .is_ok()
    );
}

#[test]
fn rpc_form_bodies_are_part_of_the_signed_set() {
    let credentials = Credentials::new(ID, SECRET);
    let form = "TaskId=1%2C2&Note=a+b";
    let content_type = "application/x-www-form-urlencoded; charset=UTF-8";
    let signed = sign_rpc(&SigningInput {
        method: "POST",
        host: "cdn.aliyuncs.com",
        path: "/",
        query: &[("Action", "DescribeRefreshTaskById"), ("Version", "2018-05-10")],
        body: form.as_bytes(),
        content_type: Some(content_type),
        credentials: &credentials,
        timestamp: now(),
        nonce: "n",
    });
    assert!(signed.canonical.contains("&Note=a%20b&") && signed.canonical.contains("&TaskId=1%2C2&"));
    assert!(!signed.query.contains("TaskId"));
    // A body of another type is not parameters, whatever it looks like: it is not signed.
    let query = [("Action", "DescribeRefreshTaskById"), ("Version", "2018-05-10")];
    let plain = sign_rpc(
        &SigningInput::new("cdn.aliyuncs.com", &credentials, now(), "n")
            .with_query(&query)
            .with_body(form.as_bytes(), Some("text/plain")),
    );
    assert!(!plain.canonical.contains("TaskId"), "{}", plain.canonical);
    assert_eq!(
        signed.headers,
        [("content-type".to_owned(), content_type.to_owned())]
    );
    let wire = Wire::from(&signed);
    let verified = wire.verify().unwrap();
    assert_eq!(verified.parameter("TaskId"), Some("1,2"));
    assert_eq!(verified.parameter("Note"), Some("a b"));
    // Without the content type the body is not parameters: the signed set changes.
    assert_mismatch(&wire.clone().without_header("content-type"));
    assert_mismatch(&Wire {
        body: b"TaskId=1%2C3&Note=a+b".to_vec(),
        ..wire.clone()
    });
    // The signature itself may travel in the body.
    let mut moved = wire.clone().without_parameter("Signature");
    moved
        .body
        .extend_from_slice(format!("&Signature={}", percent_encode(&signed.signature)).as_bytes());
    assert!(moved.verify().is_ok());
    let bad_body = Wire {
        body: b"TaskId=%FF".to_vec(),
        ..wire
    }
    .verify()
    .unwrap_err();
    assert_eq!(
        bad_body,
        VerifyError::MalformedParameters {
            place: "form body",
            source: ParameterParseError::InvalidUtf8 { index: 1 }
        }
    );
}

#[test]
fn acs3_missing_or_unsigned_headers_are_incomplete() {
    for name in [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
        "host",
    ] {
        let detail = incomplete(&acs3().without_header(name));
        assert!(detail.contains(name), "{detail}");
    }
    // Signed but not sent.
    incomplete(&acs3().without_header("x-acs-action"));
    // Sent but not signed.
    for (name, value) in [("x-acs-extra", "1"), ("X-Acs-Security-Token", "t")] {
        let detail = incomplete(&acs3().with_header(name, value));
        assert!(detail.contains(&name.to_ascii_lowercase()), "{detail}");
    }
    assert!(incomplete(&acs3().with_header("x-acs-date", "2026-11-29T12:00:00Z")).contains("more than once"));
    let authorization = acs3()
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();
    assert!(incomplete(&acs3().with_header("Authorization", &authorization)).contains("more than once"));
    incomplete(&acs3().replace_header("authorization", "ACS3-HMAC-SHA256 Credential=testid"));
    incomplete(&acs3().replace_header("x-acs-signature-nonce", "  "));
}

#[test]
fn acs3_timestamp_key_and_tampering() {
    assert_timestamp_format(&acs3().replace_header("x-acs-date", "2026-11-29T12:00Z"));
    assert_timestamp_format(&acs3().replace_header("x-acs-date", "Sun, 29 Nov 2026 12:00:00 GMT"));
    let authorization = acs3()
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();
    let other_key = authorization.replace("Credential=testid", "Credential=nobody");
    assert_eq!(
        acs3()
            .replace_header("authorization", &other_key)
            .verify()
            .unwrap_err()
            .error_code(),
        ErrorCode::InvalidAccessKeyIdNotFound
    );
    assert_mismatch(&acs3().replace_header("x-acs-date", "2026-11-29T12:00:01Z"));
    assert_mismatch(&acs3().replace_header("x-acs-action", "DescribeRefreshTasks"));
    assert_mismatch(&acs3().replace_header("host", "cdn.ap-southeast-1.aliyuncs.com"));
    assert_mismatch(&acs3().replace_header("x-acs-content-sha256", &hex_sha256(b"x")));
    assert_mismatch(&Wire {
        body: b"x".to_vec(),
        ..acs3()
    });
    assert_mismatch(&Wire {
        method: "GET".into(),
        ..acs3()
    });
    assert_mismatch(&Wire {
        path: "/x".into(),
        ..acs3()
    });
    assert_mismatch(&acs3().set_parameter("TaskId", "12345678"));
    assert_mismatch(&acs3().map_query(|pairs| pairs.push(("Extra".into(), "x".into()))));
    // `Action` in the query beside its `x-acs-action` header: two values, refused before the
    // signature is looked at.
    let repeated = acs3()
        .map_query(|pairs| pairs.push(("Action".into(), "x".into())))
        .verify();
    assert_eq!(
        repeated,
        Err(VerifyError::RepeatedParameter {
            name: "Action".into()
        })
    );
    let mut flipped = authorization.clone();
    let last = if flipped.pop() == Some('0') { '1' } else { '0' };
    flipped.push(last);
    assert_mismatch(&acs3().replace_header("authorization", &flipped));
}

#[test]
fn acs3_header_names_match_in_any_case_and_unsigned_headers_are_ignored() {
    let mut wire = acs3();
    for (name, _) in &mut wire.headers {
        *name = name.to_ascii_uppercase();
    }
    let wire = wire.with_header("User-Agent", "x").with_header("Accept", "*/*");
    assert!(wire.verify().is_ok());
    // Padding around values is not signed.
    let padded = acs3().replace_header("x-acs-action", "  DescribeRefreshTaskById\t");
    assert_eq!(
        padded.verify().unwrap().parameter("Action"),
        Some("DescribeRefreshTaskById")
    );
}

/// A request signed the way the official Python SDK does it: every header it sends is signed,
/// `user-agent` and `accept` included, and a repeated header is its sorted values joined by `,`.
#[test]
fn acs3_reads_the_signed_headers_list_it_is_given() {
    let body_hash = hex_sha256(b"");
    let sent = [
        ("accept", "application/json"),
        ("accept", " text/xml "),
        ("host", "cdn.aliyuncs.com"),
        ("user-agent", "AlibabaCloud (Linux) Python/3.12 TeaDSL/1"),
        ("x-acs-action", "DescribeRefreshTaskById"),
        ("x-acs-content-sha256", body_hash.as_str()),
        ("x-acs-date", "2026-11-29T12:00:00Z"),
        ("x-acs-signature-nonce", "abc"),
        ("x-acs-version", "2018-05-10"),
    ];
    let signed: Vec<(&str, &str)> = sent
        .iter()
        .filter(|(name, _)| *name != "accept")
        .copied()
        .chain([("accept", "application/json,text/xml")])
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let (canonical_headers, signed_headers) = acs3_canonical_headers(&signed);
    let canonical = acs3_canonical_request(
        "POST",
        "/",
        "TaskId=1",
        &canonical_headers,
        &signed_headers,
        &body_hash,
    );
    let signature = acs3_signature(SECRET, &acs3_string_to_sign(&canonical));
    let authorization =
        format!("ACS3-HMAC-SHA256 Credential={ID},SignedHeaders={signed_headers},Signature={signature}");
    let mut headers: Vec<(&str, &str)> = sent.to_vec();
    headers.push(("Authorization", &authorization));
    let received = ReceivedRequest {
        method: "POST",
        path: "/",
        query: "TaskId=1",
        headers: &headers,
        body: b"",
    };
    let verified = verify(&received, lookup).unwrap();
    assert_eq!(verified.parameter("TaskId"), Some("1"));
    assert_eq!(verified.nonce, "abc");
    // The same request with one accept value changed no longer verifies.
    let mut changed = headers.clone();
    changed[1].1 = "text/html";
    let received = ReceivedRequest {
        headers: &changed,
        ..received
    };
    assert!(matches!(
        verify(&received, lookup),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}

#[test]
fn clock_skew_is_inclusive_at_15_minutes_both_ways() {
    let now = now();
    assert_eq!(check_clock_skew(now, now), Ok(()));
    assert_eq!(check_clock_skew(now + MAX_CLOCK_SKEW, now), Ok(()));
    assert_eq!(check_clock_skew(now - MAX_CLOCK_SKEW, now), Ok(()));
    for beyond in [TimeDelta::seconds(1), TimeDelta::nanoseconds(1)] {
        let late = now + MAX_CLOCK_SKEW + beyond;
        assert_eq!(
            check_clock_skew(late, now),
            Err(ClockSkewError { timestamp: late, now })
        );
        assert!(check_clock_skew(now - MAX_CLOCK_SKEW - beyond, now).is_err());
    }
    let far = DateTime::<Utc>::MIN_UTC;
    assert!(check_clock_skew(far, DateTime::<Utc>::MAX_UTC).is_err());
}

#[test]
fn error_codes() {
    let cases = [
        (
            VerifyError::Incomplete {
                detail: String::new(),
            },
            ErrorCode::IncompleteSignature,
        ),
        (
            VerifyError::MalformedParameters {
                place: "query string",
                source: ParameterParseError::BadEscape { offset: 0 },
            },
            ErrorCode::InvalidParameter,
        ),
        (
            VerifyError::TooManyParameters { limit: 1 },
            ErrorCode::InvalidParameter,
        ),
        (
            VerifyError::RepeatedParameter { name: "a".into() },
            ErrorCode::InvalidParameter,
        ),
        (
            VerifyError::AccessKeyNotFound {
                access_key_id: String::new(),
            },
            ErrorCode::InvalidAccessKeyIdNotFound,
        ),
        (
            VerifyError::SignatureMismatch {
                string_to_sign: String::new(),
            },
            ErrorCode::SignatureDoesNotMatch,
        ),
        (
            VerifyError::TimestampFormat { value: String::new() },
            ErrorCode::InvalidTimeStampFormat,
        ),
    ];
    for (error, code) in cases {
        assert_eq!(error.error_code(), code);
    }
}

/// The token in every form it can take in a request: raw, encoded once (query, canonical
/// query), encoded twice (RPC string to sign).
fn assert_no_token(text: &str) {
    for form in [
        TOKEN.to_owned(),
        percent_encode(TOKEN),
        percent_encode(&percent_encode(TOKEN)),
        "Zq9Kx".into(),
    ] {
        assert!(!text.contains(&form), "{form:?} leaked in {text}");
    }
    assert!(!text.contains(SECRET), "the secret leaked in {text}");
}

#[test]
fn debug_output_and_errors_never_show_the_secret_or_the_token() {
    let credentials = Credentials::new(ID, SECRET).with_security_token(TOKEN);
    for version in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let signed = sign(version, &credentials);
        let shown = format!("{signed:?}{signed:#?}");
        assert_no_token(&shown);
        assert!(shown.contains("<redacted>") && shown.contains(ID), "{shown}");
        let wire = Wire::from(&signed);
        let verified = wire.verify().unwrap();
        assert_eq!(verified.security_token.as_deref(), Some(TOKEN));
        let shown = format!("{verified:?}");
        assert_no_token(&shown);
        assert!(
            shown.starts_with("VerifiedRequest {") && shown.contains(ID) && shown.contains("<redacted>"),
            "{shown}"
        );
        let headers: Vec<(&str, &str)> = borrow_pairs(&wire.headers);
        let received = ReceivedRequest {
            method: &wire.method,
            path: &wire.path,
            query: &wire.query,
            headers: &headers,
            body: &wire.body,
        };
        let shown = format!("{received:?}");
        assert_no_token(&shown);
        assert!(
            shown.starts_with("ReceivedRequest {") && shown.contains(&wire.method),
            "{shown}"
        );
        let error = verify(&received, |_| Some("wrong".into())).unwrap_err();
        assert!(matches!(error, VerifyError::SignatureMismatch { .. }));
        assert_no_token(&format!("{error} {error:?}"));
    }
    // A token in a form body is masked too.
    let signed = SignedRequest {
        body: format!("SecurityToken={}", percent_encode(TOKEN)).into_bytes(),
        ..sign(SignatureVersion::Rpc, &credentials)
    };
    assert_no_token(&format!("{signed:?}"));
}

/// A request whose signature covers an `x-acs-content-sha256` that is not the body's hash (the
/// client hashed something else, yet signed the real body's hash): refused all the same.
#[test]
fn acs3_content_sha256_must_be_the_body_hash_even_when_signed() {
    let body = b"TaskId=1";
    let sign_with = |claimed: &str| {
        let headers = [
            ("host", "cdn.aliyuncs.com"),
            ("x-acs-content-sha256", claimed),
            ("x-acs-date", "2026-11-29T12:00:00Z"),
            ("x-acs-signature-nonce", "n"),
        ];
        let (canonical_headers, signed_headers) = acs3_canonical_headers(&headers);
        let canonical = acs3_canonical_request(
            "POST",
            "/",
            "",
            &canonical_headers,
            &signed_headers,
            &hex_sha256(body),
        );
        let signature = acs3_signature(SECRET, &acs3_string_to_sign(&canonical));
        let authorization =
            format!("ACS3-HMAC-SHA256 Credential={ID},SignedHeaders={signed_headers},Signature={signature}");
        let mut sent: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        sent.push(("authorization".into(), authorization));
        Wire {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: sent,
            body: body.to_vec(),
        }
    };
    assert!(sign_with(&hex_sha256(body)).verify().is_ok());
    assert_mismatch(&sign_with(&hex_sha256(b"")));
}

#[test]
fn acs3_content_type_must_be_signed_only_when_there_is_a_body() {
    // The official Python SDK's async path adds an unsigned content type to an empty POST.
    let empty = acs3().with_header("Content-Type", "application/octet-stream");
    assert_eq!(empty.verify().unwrap().access_key_id, ID);
    let mut with_body = acs3().with_header("Content-Type", "application/json");
    with_body.body = b"{}".to_vec();
    let detail = incomplete(&with_body);
    assert!(detail.contains("content-type"), "{detail}");
}

#[test]
fn acs3_other_algorithms_are_named_not_mistaken_for_rpc() {
    let authorization = acs3()
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();
    let sm3 = authorization.replacen("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", 1);
    let detail = incomplete(&acs3().replace_header("authorization", &sm3));
    assert!(detail.contains("`ACS3-HMAC-SM3` is not supported"), "{detail}");
}

/// Signs an RPC POST whose API parameters are split between `query` and a form `body`, as the
/// review's attack did (`ObjectPath=intended` in one place, `ObjectPath=other` in the other).
fn rpc_split(query: &[(&str, &str)], body: &str) -> Wire {
    let credentials = Credentials::new(ID, SECRET);
    Wire::from(&sign_rpc(&SigningInput {
        method: "POST",
        host: "cdn.aliyuncs.com",
        path: "/",
        query,
        body: body.as_bytes(),
        content_type: Some("application/x-www-form-urlencoded"),
        credentials: &credentials,
        timestamp: now(),
        nonce: "n",
    }))
}

#[test]
fn repeated_api_parameters_are_refused_in_both_schemes_wherever_they_stand() {
    let repeated = |name: &str| {
        Err(VerifyError::RepeatedParameter {
            name: name.to_owned(),
        })
    };
    let action = [("Action", "RefreshObjectCaches"), ("Version", "2018-05-10")];
    // Twice in the form body, in either order: signed identically, so refused outright.
    for body in [
        "ObjectPath=intended&ObjectPath=other",
        "ObjectPath=other&ObjectPath=intended",
    ] {
        let wire = rpc_split(&action, body);
        assert_eq!(wire.verify(), repeated("ObjectPath"));
        assert_eq!(
            wire.verify().unwrap_err().error_code(),
            ErrorCode::InvalidParameter
        );
    }
    // Once in the query and once in the body.
    let split = rpc_split(
        &[action[0], action[1], ("ObjectPath", "intended")],
        "ObjectPath=other",
    );
    assert_eq!(split.verify(), repeated("ObjectPath"));
    // Twice in the query.
    assert_eq!(
        rpc()
            .map_query(|pairs| pairs.push(("TaskId".into(), "1".into())))
            .verify(),
        repeated("TaskId")
    );
    assert_eq!(
        acs3()
            .map_query(|pairs| pairs.push(("TaskId".into(), "1".into())))
            .verify(),
        repeated("TaskId")
    );
    // Single values of distinct names still verify.
    assert!(
        rpc_split(&action, "ObjectPath=a&ObjectType=File")
            .verify()
            .is_ok()
    );
    // A signing field sent twice stays `Incomplete`, naming it.
    let twice = rpc().map_query(|pairs| pairs.push(("SignatureNonce".into(), "x".into())));
    assert!(incomplete(&twice).contains("SignatureNonce"));
}

#[test]
fn a_flood_of_parameters_is_refused_by_count_before_decoding() {
    let flood = |count: usize| {
        let extra: Vec<String> = (0..count).map(|n| format!("P{n}=v")).collect();
        Wire {
            query: format!("{}&{}", rpc().query, extra.join("&")),
            ..rpc()
        }
    };
    // The signed request has a few parameters; up to the limit, a flood is decoded and merely
    // mismatches; one past it is refused without decoding.
    let signed = parse_parameters(&rpc().query).unwrap().len();
    assert_mismatch(&flood(MAX_PARAMETERS - signed));
    let error = flood(MAX_PARAMETERS - signed + 1).verify().unwrap_err();
    assert_eq!(
        error,
        VerifyError::TooManyParameters {
            limit: MAX_PARAMETERS
        }
    );
    assert_eq!(error.error_code(), ErrorCode::InvalidParameter);
    // Empty pieces are not parameters: a megabyte of `&` is not a flood.
    let ampersands = Wire {
        query: format!("{}{}", rpc().query, "&".repeat(1 << 20)),
        ..rpc()
    };
    assert!(ampersands.verify().is_ok());
}

#[test]
fn nonces_are_bounded_in_both_schemes() {
    let longest = "n".repeat(MAX_NONCE_LENGTH);
    let too_long = "n".repeat(MAX_NONCE_LENGTH + 1);
    let credentials = Credentials::new(ID, SECRET);
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let signed = |nonce: &str| {
            Wire::from(&api_request().sign(scheme, "cdn.aliyuncs.com", &credentials, now(), nonce))
        };
        assert_eq!(signed(&longest).verify().unwrap().nonce, longest);
        let detail = incomplete(&signed(&too_long));
        assert!(detail.contains("longer than 64 bytes"), "{detail}");
    }
}

#[test]
fn the_scheme_is_decided_by_the_signature_alone() {
    // An unsigned `x-acs-action` on an RPC-signed request: still RPC, still verifies.
    let with_header = rpc().with_header("x-acs-action", "DescribeRefreshQuota");
    let headers: Vec<(&str, &str)> = borrow_pairs(&with_header.headers);
    assert_eq!(claimed_scheme(&headers), SignatureVersion::Rpc);
    let verified = with_header.verify().unwrap();
    assert_eq!(verified.scheme, SignatureVersion::Rpc);
    assert_eq!(verified.parameter("Action"), Some("DescribeRefreshTaskById"));
    let acs3 = acs3();
    let headers: Vec<(&str, &str)> = borrow_pairs(&acs3.headers);
    assert_eq!(claimed_scheme(&headers), SignatureVersion::Acs3);
}

#[test]
fn inner_steps_of_the_schemes() {
    let (canonical, signed) = acs3_canonical_headers(&[("host", " a.example "), ("x-acs-action", "Run")]);
    assert_eq!(canonical, "host:a.example\nx-acs-action:Run\n");
    assert_eq!(signed, "host;x-acs-action");
    assert_eq!(super::rpc::rpc_signature("testsecret", "GET&%2F&").len(), 28);
}

#[test]
fn unsigned_requests_give_their_parameters_by_the_same_rules() {
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let received = |query: &'static str, body: &'static [u8]| ReceivedRequest {
        method: "POST",
        path: "/",
        query,
        headers: &form,
        body,
    };
    assert_eq!(
        unsigned_parameters(&received(
            "Action=AssumeRoleWithOIDC&RoleArn=r%2F1",
            b"OIDCToken=a.b"
        )),
        Ok(vec![
            ("Action".to_owned(), "AssumeRoleWithOIDC".to_owned()),
            ("RoleArn".to_owned(), "r/1".to_owned()),
            ("OIDCToken".to_owned(), "a.b".to_owned()),
        ])
    );
    assert!(unsigned_parameters(&received("RoleArn=a", b"RoleArn=b")).is_err());
    assert!(unsigned_parameters(&received("RoleArn=%zz", b"")).is_err());
}
