//! The signing test suite, in the style of aws-sigv4's: one folder per case under
//! `tests/signing/`, with the inputs (`request.json`), the expected intermediate strings
//! (`canonical.txt`, `string-to-sign.txt`), the signature (`signature.txt`), the request as it goes
//! on the wire (`signed-request.txt`) and what verifying that request yields (`verified.json`).
//!
//! Cases with a `timestamp` in `request.json` are signed here and every file is compared byte for
//! byte; every case's `signed-request.txt` is then verified. The expected files come from
//! `tests/signing/reference.py`, an independent implementation of API.md's rules that also checks
//! them against the official signatures; the `*-python-sdk*` requests were captured from the
//! official Python SDK.

// A test crate: its helpers may panic (clippy's allow-*-in-tests covers only `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::signing::{
    Credentials, ReceivedRequest, SignatureVersion, SignedRequest, SigningInput, VerifyError, borrow_pairs,
    hex_sha256, sign_acs3, sign_rpc, verify,
};
use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, Format, parse_utc_timestamp};
use serde::Deserialize;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Case {
    scheme: String,
    credentials: CaseCredentials,
    host: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    api_request: Option<CaseApiRequest>,
    method: Option<String>,
    path: Option<String>,
    query: Option<Vec<(String, String)>>,
    body: Option<String>,
    content_type: Option<String>,
    action: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
struct CaseCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

#[derive(Deserialize)]
struct CaseApiRequest {
    task_ids: String,
    format: String,
}

#[derive(Deserialize)]
struct Verified {
    scheme: String,
    access_key_id: String,
    security_token: Option<String>,
    timestamp: String,
    nonce: String,
    parameters: Vec<(String, String)>,
}

fn read(folder: &Path, name: &str) -> String {
    let path = folder.join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn scheme(name: &str) -> SignatureVersion {
    match name {
        "rpc" => SignatureVersion::Rpc,
        "acs3" => SignatureVersion::Acs3,
        other => panic!("unknown scheme {other}"),
    }
}

fn case_folders() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/signing");
    let mut folders: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The request line, `host`, the headers to send, a blank line, the body.
fn render(signed: &SignedRequest, host: &str) -> String {
    let mut text = format!(
        "{} {} HTTP/1.1\nhost: {host}\n",
        signed.method,
        signed.path_and_query()
    );
    for (name, value) in &signed.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(std::str::from_utf8(&signed.body).unwrap());
    text
}

fn sign_case(case: &Case, credentials: &Credentials) -> SignedRequest {
    let timestamp = parse_utc_timestamp(case.timestamp.as_deref().unwrap()).unwrap();
    let nonce = case.nonce.as_deref().unwrap();
    let host = case.host.as_deref().unwrap();
    if let Some(api) = &case.api_request {
        let op = DescribeRefreshTaskById::new(api.task_ids.parse().unwrap());
        let request = ApiRequest::new(&op, Format::from_parameter(&api.format).unwrap());
        return request.sign(scheme(&case.scheme), host, credentials, timestamp, nonce);
    }
    let query: Vec<(&str, &str)> = case
        .query
        .as_ref()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let input = SigningInput::new(host, credentials, timestamp, nonce)
        .with_method(case.method.as_deref().unwrap())
        .with_path(case.path.as_deref().unwrap())
        .with_query(&query)
        .with_body(
            case.body.as_deref().unwrap().as_bytes(),
            case.content_type.as_deref(),
        );
    match scheme(&case.scheme) {
        SignatureVersion::Rpc => sign_rpc(&input),
        SignatureVersion::Acs3 => sign_acs3(
            &input,
            case.action.as_deref().unwrap(),
            case.version.as_deref().unwrap(),
        ),
        _ => unreachable!("the two schemes this test knows"),
    }
}

/// Parses `signed-request.txt` into its parts: method, path, query, headers, body.
fn parse_wire(text: &str) -> (String, String, String, Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").expect("a blank line ends the headers");
    let mut lines = head.split('\n');
    let mut request_line = lines.next().unwrap().split(' ');
    let method = request_line.next().unwrap().to_owned();
    let target = request_line.next().unwrap();
    assert_eq!(request_line.next(), Some("HTTP/1.1"));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_owned(), value.trim_start().to_owned())
        })
        .collect();
    (
        method,
        path.to_owned(),
        query.to_owned(),
        headers,
        body.to_owned(),
    )
}

fn check_case(folder: &Path) {
    let name = folder.file_name().unwrap().to_string_lossy();
    let case: Case = serde_json::from_str(&read(folder, "request.json")).unwrap();
    let c = &case.credentials;
    let mut credentials = Credentials::new(&c.access_key_id, &c.access_key_secret);
    if let Some(token) = &c.security_token {
        credentials = credentials.with_security_token(token);
    }

    if case.timestamp.is_some() {
        let signed = sign_case(&case, &credentials);
        assert_eq!(
            signed.canonical,
            read(folder, "canonical.txt"),
            "{name}: canonical"
        );
        assert_eq!(
            signed.string_to_sign,
            read(folder, "string-to-sign.txt"),
            "{name}: string to sign"
        );
        assert_eq!(
            signed.signature,
            read(folder, "signature.txt"),
            "{name}: signature"
        );
        if case.scheme == "acs3" {
            let hash = hex_sha256(signed.canonical.as_bytes());
            assert_eq!(
                signed.string_to_sign,
                format!("ACS3-HMAC-SHA256\n{hash}"),
                "{name}"
            );
        }
        let host = case.host.as_deref().unwrap();
        assert_eq!(
            render(&signed, host),
            read(folder, "signed-request.txt"),
            "{name}: signed request"
        );
    }

    let (method, path, query, headers, body) = parse_wire(&read(folder, "signed-request.txt"));
    let headers: Vec<(&str, &str)> = borrow_pairs(&headers);
    let received = ReceivedRequest {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        body: body.as_bytes(),
    };
    let secret = c.access_key_secret.clone();
    let id = c.access_key_id.clone();
    let lookup = move |key: &str| (key == id).then(|| secret.clone());
    let verified = verify(&received, &lookup).unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected: Verified = serde_json::from_str(&read(folder, "verified.json")).unwrap();
    assert_eq!(verified.scheme, scheme(&expected.scheme), "{name}");
    assert_eq!(verified.access_key_id, expected.access_key_id, "{name}");
    assert_eq!(verified.security_token, expected.security_token, "{name}");
    assert_eq!(
        verified.timestamp,
        parse_utc_timestamp(&expected.timestamp).unwrap(),
        "{name}"
    );
    assert_eq!(verified.nonce, expected.nonce, "{name}");
    assert_eq!(verified.parameters, expected.parameters, "{name}");

    let wrong_secret = verify(&received, |_| Some(format!("{}x", c.access_key_secret)));
    assert!(
        matches!(wrong_secret, Err(VerifyError::SignatureMismatch { .. })),
        "{name}: {wrong_secret:?}"
    );
    let unknown = verify(&received, |_| None);
    assert!(
        matches!(unknown, Err(VerifyError::AccessKeyNotFound { .. })),
        "{name}: {unknown:?}"
    );
}

#[test]
fn every_vector_reproduces_and_verifies() {
    let folders = case_folders();
    let names: Vec<String> = folders
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for required in [
        "rpc-official-describe-dedicated-hosts",
        "rpc-official-describe-regions",
        "acs3-official-run-instances",
        "rpc-describe-refresh-task-by-id",
        "acs3-describe-refresh-task-by-id-sts",
        "acs3-python-sdk",
        "rpc-python-sdk",
    ] {
        assert!(names.iter().any(|n| n == required), "missing case {required}");
    }
    for folder in &folders {
        check_case(folder);
    }
}

/// The official values, restated here so that regenerating the files cannot silently move them.
#[test]
fn official_values_are_the_ones_in_the_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/signing");
    let signature = |case: &str| read(&root.join(case), "signature.txt");
    assert_eq!(
        signature("rpc-official-describe-dedicated-hosts"),
        "9NaGiOspFP5UPcwX8Iwt2YJXXuk="
    );
    assert_eq!(
        signature("rpc-official-describe-regions"),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );
    assert_eq!(
        signature("acs3-official-run-instances"),
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    assert_eq!(
        read(&root.join("acs3-official-run-instances"), "string-to-sign.txt"),
        "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
}
