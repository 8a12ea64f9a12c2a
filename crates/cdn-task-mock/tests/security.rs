//! Security of the mock as a service: tampered requests and hostile input, over raw TCP.
//!
//! - Tampering: a request of each scheme is signed with the core's `ApiRequest::sign` (or its
//!   low-level signers for a form body), then exactly one thing is changed and the bytes are
//!   written on a socket. Each change must be refused with the right code and HTTP status; an
//!   unsigned header added afterwards, a reordered query and re-encoded escapes must not be.
//!   (`service/errors.rs` has one example of most codes; this is the systematic table, and
//!   `cdn-task-core`'s `signing_props.rs` checks the same rules on `verify` alone.)
//! - Hostile input: query and header floods, XML bombs in bodies, malformed HTTP, a TaskId
//!   parameter of 200,000 IDs, hostile seed files. Each gets a clear 4xx (or, where the input is
//!   legal, a normal answer), in bounded time, and the server stays up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::signing::{
    Credentials, MAX_PARAMETERS, SignatureVersion, SignedRequest, SigningInput, hex_sha256, percent_encode,
    sign_acs3, sign_rpc,
};
use cdn_task_core::{
    ApiRequest, DescribeRefreshQuota, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format,
    RefreshObjectCaches, RefreshQuota, RefreshType, ServiceErrorBody, WireBody,
};
use cdn_task_mock::{AdminToken, ControlPlane, MockClock, MockConfig, MockServer, parse_tasks};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ID: &str = "testid";
const SECRET: &str = "testsecret";
const OTHER_ID: &str = "otherid";
const OTHER_SECRET: &str = "othersecret";
const TOKEN: &str = "sts-token-value";

const FORM: &str = "application/x-www-form-urlencoded";

// ---------------------------------------------------------------------------------------------
// The mock, raw HTTP, and answers

/// A mock with two keys, a manual clock and no throttling (the table sends ~150 requests).
struct Mock {
    server: MockServer,
    nonces: AtomicU64,
}

impl Mock {
    async fn start() -> Mock {
        let config = MockConfig::default()
            .with_keys(vec![
                (ID.to_owned(), SECRET.to_owned()),
                (OTHER_ID.to_owned(), OTHER_SECRET.to_owned()),
            ])
            .with_clock(MockClock::manual(
                Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
            ))
            .with_rate_limit(None);
        Mock {
            server: MockServer::start(config).await.unwrap(),
            nonces: AtomicU64::new(0),
        }
    }

    fn host(&self) -> String {
        self.server.addr().to_string()
    }

    fn now(&self) -> DateTime<Utc> {
        self.server.clock().now()
    }

    fn nonce(&self) -> String {
        format!("nonce-{}", self.nonces.fetch_add(1, Ordering::Relaxed))
    }

    /// `request` signed as `testid` at the mock's time with a fresh nonce, ready to send.
    fn signed(&self, request: &ApiRequest, scheme: SignatureVersion) -> Wire {
        let credentials = Credentials::new(ID, SECRET);
        let signed = request.sign(scheme, &self.host(), &credentials, self.now(), &self.nonce());
        Wire::new(&signed, &self.host())
    }

    /// Writes `request` on a fresh connection; the answer, or how the connection ended.
    async fn exchange(&self, request: Vec<u8>) -> Exchange {
        exchange(&self.server, request).await
    }

    /// Sends a wire request and expects an HTTP answer.
    async fn send(&self, wire: &Wire) -> Answer {
        match self.exchange(wire.to_bytes()).await {
            Exchange::Answer(answer) => answer,
            Exchange::Closed { error } => panic!("no answer ({error:?}) to {}", wire.summary()),
        }
    }
}

/// How an exchange ended.
#[derive(Debug)]
enum Exchange {
    /// An HTTP answer.
    Answer(Answer),
    /// The connection closed (or was reset) before a complete status line.
    Closed { error: Option<std::io::ErrorKind> },
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    request_id: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The error body, decoded by the content type the mock declared.
    fn error_body(&self) -> ServiceErrorBody {
        let format = match self.content_type.as_str() {
            "application/json;charset=utf-8" => Format::Json,
            "text/xml;charset=utf-8" => Format::Xml,
            other => panic!("unexpected content type {other:?}: {}", self.text()),
        };
        ServiceErrorBody::decode(format, &self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    /// The error code, or `None` for a 200.
    fn outcome(&self) -> Outcome {
        if self.status == 200 {
            return Outcome::Accepted;
        }
        let body = self.error_body();
        assert_eq!(self.request_id.as_deref(), Some(body.request_id.as_str()));
        Outcome::Refused(body.code.as_str().to_owned(), self.status)
    }
}

/// What a request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Refused(String, u16),
}

/// `code` with the HTTP status API.md gives it.
fn refused(code: &str) -> Outcome {
    let status = match code {
        "InvalidAccessKeyId.NotFound" | "InvalidAction.NotFound" => 404,
        _ => 400,
    };
    Outcome::Refused(code.to_owned(), status)
}

const MISMATCH: &str = "SignatureDoesNotMatch";
const INCOMPLETE: &str = "IncompleteSignature";
const INVALID: &str = "InvalidParameter";

/// Writes `request` (while reading, so an early answer cannot deadlock a big write) and reads
/// until the server closes, for at most 10 s.
async fn exchange(server: &MockServer, request: Vec<u8>) -> Exchange {
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        // The server may answer and close before reading everything: a failed write is fine.
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut received))
        .await
        .expect("the server neither answered nor closed within 10 s");
    drop(writing.await);
    let error = read.err().map(|e| e.kind());
    parse_answer(&received).map_or(Exchange::Closed { error }, Exchange::Answer)
}

fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut content_type = String::new();
    let mut request_id = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = value.trim().to_owned(),
            "x-acs-request-id" => request_id = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    Some(Answer {
        status,
        content_type,
        request_id,
        body: bytes[end + 4..].to_vec(),
    })
}

// ---------------------------------------------------------------------------------------------
// A request on the wire, and its mutations

/// A signed request as bytes-to-be: every part editable.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: String,
    /// The query's pairs, still percent-encoded, in order.
    query: Vec<(String, String)>,
    /// Every header sent, `host` included, in order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn new(signed: &SignedRequest, host: &str) -> Wire {
        let query = signed
            .query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let mut headers = vec![("host".to_owned(), host.to_owned())];
        headers.extend(signed.headers.iter().cloned());
        Wire {
            method: signed.method.clone(),
            path: signed.path.clone(),
            query,
            headers,
            body: signed.body.clone(),
        }
    }

    fn query_string(&self) -> String {
        self.query
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn to_bytes(&self) -> Vec<u8> {
        let query = self.query_string();
        let target = if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        };
        let mut head = format!("{} {target} HTTP/1.1\r\n", self.method);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    fn summary(&self) -> String {
        format!("{} {}?{}", self.method, self.path, self.query_string())
    }

    fn pairs(&mut self, part: Part) -> &mut Vec<(String, String)> {
        match part {
            Part::Query => &mut self.query,
            Part::Header => &mut self.headers,
        }
    }

    fn pair(&mut self, part: Part, name: &str) -> &mut (String, String) {
        self.pairs(part)
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {part:?} {name}"))
    }

    fn param(&mut self, name: &str) -> &mut (String, String) {
        self.pair(Part::Query, name)
    }

    fn header(&mut self, name: &str) -> &mut (String, String) {
        self.pair(Part::Header, name)
    }
}

/// One change to a signed request.
type Mutation = Box<dyn Fn(&mut Wire)>;

/// Which list of name-value pairs a mutation edits.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// The query; values are percent-encoded on the way in.
    Query,
    /// The headers; values go as they are.
    Header,
}

impl Part {
    fn encode(self, value: &str) -> String {
        match self {
            Part::Query => percent_encode(value),
            Part::Header => value.to_owned(),
        }
    }
}

fn rename(part: Part, name: &'static str) -> Mutation {
    Box::new(move |wire| wire.pair(part, name).0.push('x'))
}

fn set(part: Part, name: &'static str, value: impl Into<String>) -> Mutation {
    let value = part.encode(&value.into());
    Box::new(move |wire| wire.pair(part, name).1.clone_from(&value))
}

fn remove(part: Part, name: &'static str) -> Mutation {
    Box::new(move |wire| wire.pairs(part).retain(|(n, _)| n != name))
}

fn duplicate(part: Part, name: &'static str) -> Mutation {
    Box::new(move |wire| {
        let pair = wire.pair(part, name).clone();
        wire.pairs(part).push(pair);
    })
}

fn add(part: Part, name: &'static str, value: &'static str) -> Mutation {
    Box::new(move |wire| wire.pairs(part).push((name.to_owned(), part.encode(value))))
}

fn each(part: Part, edit: fn(&mut (String, String))) -> Mutation {
    Box::new(move |wire| wire.pairs(part).iter_mut().for_each(edit))
}

fn edit_authorization(edit: impl Fn(&str) -> String + 'static) -> Mutation {
    Box::new(move |wire| {
        let header = wire.header("authorization");
        header.1 = edit(&header.1);
    })
}

fn set_body(content_type: Option<&'static str>, body: &'static str) -> Mutation {
    Box::new(move |wire| {
        wire.body = body.as_bytes().to_vec();
        wire.headers.retain(|(n, _)| n != "content-type");
        if let Some(content_type) = content_type {
            wire.headers
                .push(("content-type".to_owned(), content_type.to_owned()));
        }
    })
}

fn set_method(method: &'static str) -> Mutation {
    Box::new(move |wire| wire.method = method.to_owned())
}

fn set_path(path: &'static str) -> Mutation {
    Box::new(move |wire| wire.path = path.to_owned())
}

/// Flips one character of a signature (a base64 or hex digit) to another valid one.
fn flip(signature: &str, index: usize) -> String {
    signature
        .char_indices()
        .map(|(i, c)| match (i == index, c) {
            (false, c) => c,
            (true, 'a') => 'b',
            (true, _) => 'a',
        })
        .collect()
}

fn no_change() -> Mutation {
    Box::new(|_| {})
}

// ---------------------------------------------------------------------------------------------
// The table

/// How a case's request is signed before it is changed.
#[derive(Debug, Clone, Copy)]
enum Base {
    /// `DescribeRefreshTaskById` (TaskId 1, JSON) as `testid`, at the mock's time.
    Describe,
    /// The same, signed `minutes` away from the mock's clock.
    Skewed(i64),
    /// The same, with an STS token.
    Sts,
    /// The same, as this (id, secret).
    As(&'static str, &'static str),
    /// `TaskId=1` in a signed form body (RPC: `Action`, `Version`, `Format` in the query).
    FormBody,
}

struct Case {
    scheme: SignatureVersion,
    name: String,
    base: Base,
    mutation: Mutation,
    expect: Outcome,
}

fn case(
    scheme: SignatureVersion,
    name: impl Into<String>,
    base: Base,
    mutation: Mutation,
    expect: Outcome,
) -> Case {
    Case {
        scheme,
        name: name.into(),
        base,
        mutation,
        expect,
    }
}

fn sign(mock: &Mock, scheme: SignatureVersion, base: Base) -> SignedRequest {
    let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
    let (host, nonce, now) = (mock.host(), mock.nonce(), mock.now());
    let credentials = match base {
        Base::Sts => Credentials::new(ID, SECRET).with_security_token(TOKEN),
        Base::As(id, secret) => Credentials::new(id, secret),
        _ => Credentials::new(ID, SECRET),
    };
    match base {
        Base::Describe | Base::Sts | Base::As(..) => request.sign(scheme, &host, &credentials, now, &nonce),
        Base::Skewed(minutes) => request.sign(
            scheme,
            &host,
            &credentials,
            now + TimeDelta::minutes(minutes),
            &nonce,
        ),
        Base::FormBody => {
            let rpc_query = [
                ("Action", "DescribeRefreshTaskById"),
                ("Version", "2018-05-10"),
                ("Format", "JSON"),
            ];
            let query: &[(&str, &str)] = match scheme {
                SignatureVersion::Rpc => &rpc_query,
                SignatureVersion::Acs3 => &rpc_query[2..],
                _ => unreachable!("the two schemes this test knows"),
            };
            let input = SigningInput::new(&host, &credentials, now, &nonce)
                .with_query(query)
                .with_body(b"TaskId=1", Some(FORM));
            match scheme {
                SignatureVersion::Rpc => sign_rpc(&input),
                SignatureVersion::Acs3 => sign_acs3(&input, "DescribeRefreshTaskById", "2018-05-10"),
                _ => unreachable!("the two schemes this test knows"),
            }
        }
    }
}

/// Changes that must not matter, for either scheme.
fn harmless(scheme: SignatureVersion) -> Vec<Case> {
    let ok = || Outcome::Accepted;
    let mut cases = vec![
        case(scheme, "unchanged", Base::Describe, no_change(), ok()),
        case(
            scheme,
            "unchanged, with an STS token",
            Base::Sts,
            no_change(),
            ok(),
        ),
        case(scheme, "unchanged, form body", Base::FormBody, no_change(), ok()),
        case(
            scheme,
            "unsigned User-Agent added",
            Base::Describe,
            add(Part::Header, "user-agent", "curl/8"),
            ok(),
        ),
        case(
            scheme,
            "unsigned Accept added",
            Base::Describe,
            add(Part::Header, "accept", "*/*"),
            ok(),
        ),
        case(
            scheme,
            "unsigned X-Forwarded-For added",
            Base::Describe,
            add(Part::Header, "X-Forwarded-For", "10.0.0.1"),
            ok(),
        ),
        case(
            scheme,
            "unsigned Cookie added",
            Base::Describe,
            add(Part::Header, "cookie", "a=b"),
            ok(),
        ),
        case(
            scheme,
            "query reordered",
            Base::Describe,
            Box::new(|wire| wire.query.reverse()),
            ok(),
        ),
        case(
            scheme,
            "query escapes re-encoded (`-` as %2D)",
            Base::Describe,
            each(Part::Query, |(_, value)| *value = value.replace('-', "%2D")),
            ok(),
        ),
    ];
    match scheme {
        SignatureVersion::Rpc => cases.extend([
            case(
                scheme,
                "unrelated Authorization added",
                Base::Describe,
                add(Part::Header, "authorization", "Bearer abc"),
                ok(),
            ),
            // RPC signs parameters, not bytes: a body that is not a form is neither signed nor read.
            case(
                scheme,
                "JSON body added",
                Base::Describe,
                set_body(Some("application/json"), r#"{"TaskId":"2"}"#),
                ok(),
            ),
        ]),
        SignatureVersion::Acs3 => cases.extend([
            // The official SDK's async path adds this to an empty POST after signing.
            case(
                scheme,
                "unsigned Content-Type on the empty body",
                Base::Describe,
                add(Part::Header, "content-type", "application/octet-stream"),
                ok(),
            ),
            case(
                scheme,
                "header names in another case",
                Base::Describe,
                each(Part::Header, |(name, _)| *name = name.to_ascii_uppercase()),
                ok(),
            ),
        ]),
        _ => unreachable!("the two schemes this test knows"),
    }
    cases
}

/// The RPC scheme: every parameter renamed, changed, removed and sent twice; body, method, path,
/// key, timestamp, signature.
fn rpc_cases() -> Vec<Case> {
    use SignatureVersion::Rpc;
    let mut cases = harmless(Rpc);
    // (parameter, changed value, what the change gives): the signing parameters are required, so
    // renaming, removing or repeating one is an incomplete signature; an API parameter is signed,
    // so any change to it is a mismatch.
    let parameters: [(&'static str, &'static str, &'static str); 10] = [
        ("AccessKeyId", "nobody", "InvalidAccessKeyId.NotFound"),
        ("Action", "DescribeRefreshTasks", MISMATCH),
        ("Format", "XML", MISMATCH),
        ("SignatureMethod", "HMAC-SHA256", INCOMPLETE),
        ("SignatureNonce", "another-nonce", MISMATCH),
        ("SignatureVersion", "2.0", INCOMPLETE),
        ("TaskId", "2", MISMATCH),
        ("Timestamp", "2026-06-01T00:00:01Z", MISMATCH),
        ("Version", "2014-11-11", MISMATCH),
        ("Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", MISMATCH),
    ];
    for (name, value, changed) in parameters {
        let signing = !matches!(name, "Action" | "Format" | "TaskId" | "Version");
        let structural = if signing { INCOMPLETE } else { MISMATCH };
        cases.push(case(
            Rpc,
            format!("{name} renamed"),
            Base::Describe,
            rename(Part::Query, name),
            refused(structural),
        ));
        cases.push(case(
            Rpc,
            format!("{name} changed to {value}"),
            Base::Describe,
            set(Part::Query, name, value),
            refused(changed),
        ));
        cases.push(case(
            Rpc,
            format!("{name} removed"),
            Base::Describe,
            remove(Part::Query, name),
            refused(structural),
        ));
        // Sent twice: a signing field is incomplete; an API parameter is refused as repeated
        // (its order would not be signed).
        cases.push(case(
            Rpc,
            format!("{name} sent twice"),
            Base::Describe,
            duplicate(Part::Query, name),
            refused(if signing { INCOMPLETE } else { INVALID }),
        ));
    }
    cases.extend([
        case(
            Rpc,
            "AccessKeyId changed to another known key",
            Base::Describe,
            set(Part::Query, "AccessKeyId", OTHER_ID),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "Timestamp not well formatted",
            Base::Describe,
            set(Part::Query, "Timestamp", "2026-06-01 00:00:00"),
            refused("InvalidTimeStamp.Format"),
        ),
        case(
            Rpc,
            "Timestamp without seconds",
            Base::Describe,
            set(Part::Query, "Timestamp", "2026-06-01T00:00Z"),
            refused("InvalidTimeStamp.Format"),
        ),
        case(
            Rpc,
            "Signature emptied",
            Base::Describe,
            set(Part::Query, "Signature", ""),
            refused(INCOMPLETE),
        ),
        case(
            Rpc,
            "Signature: one character flipped",
            Base::Describe,
            Box::new(|wire| {
                let signature = &mut wire.param("Signature").1;
                *signature = flip(signature, 3);
            }),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "parameter added",
            Base::Describe,
            add(Part::Query, "Extra", "1"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "SecurityToken changed",
            Base::Sts,
            set(Part::Query, "SecurityToken", "other-token"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "SecurityToken removed",
            Base::Sts,
            remove(Part::Query, "SecurityToken"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "SecurityToken sent twice",
            Base::Sts,
            duplicate(Part::Query, "SecurityToken"),
            refused(INCOMPLETE),
        ),
        // RPC signs the form body's parameters.
        case(
            Rpc,
            "form body parameters added",
            Base::Describe,
            set_body(Some(FORM), "Extra=2"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "TaskId sent again in the form body",
            Base::Describe,
            set_body(Some(FORM), "TaskId=2"),
            refused(INVALID),
        ),
        case(
            Rpc,
            "form body: TaskId changed",
            Base::FormBody,
            set_body(Some(FORM), "TaskId=2"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "form body: no longer declared a form",
            Base::FormBody,
            set_body(Some("text/plain"), "TaskId=1"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "form body: Content-Type removed",
            Base::FormBody,
            set_body(None, "TaskId=1"),
            refused(MISMATCH),
        ),
        case(
            Rpc,
            "method POST to GET",
            Base::Describe,
            set_method("GET"),
            refused(MISMATCH),
        ),
        // Routing comes before the signature: any other method or path is an unknown API. (RPC
        // does not sign the path at all.)
        case(
            Rpc,
            "method POST to PUT",
            Base::Describe,
            set_method("PUT"),
            refused("InvalidAction.NotFound"),
        ),
        case(
            Rpc,
            "path / to /x",
            Base::Describe,
            set_path("/x"),
            refused("InvalidAction.NotFound"),
        ),
        case(
            Rpc,
            "path / to //",
            Base::Describe,
            set_path("//"),
            refused("InvalidAction.NotFound"),
        ),
    ]);
    cases
}

/// The ACS3 scheme: every query parameter, every signed header, the Authorization header's
/// fields, body, method, path.
fn acs3_cases() -> Vec<Case> {
    use SignatureVersion::Acs3;
    let mut cases = harmless(Acs3);
    for (name, value) in [("Format", "XML"), ("TaskId", "2")] {
        cases.push(case(
            Acs3,
            format!("{name} renamed"),
            Base::Describe,
            rename(Part::Query, name),
            refused(MISMATCH),
        ));
        cases.push(case(
            Acs3,
            format!("{name} changed to {value}"),
            Base::Describe,
            set(Part::Query, name, value),
            refused(MISMATCH),
        ));
        cases.push(case(
            Acs3,
            format!("{name} removed"),
            Base::Describe,
            remove(Part::Query, name),
            refused(MISMATCH),
        ));
        cases.push(case(
            Acs3,
            format!("{name} sent twice"),
            Base::Describe,
            duplicate(Part::Query, name),
            refused(INVALID),
        ));
    }
    cases.push(case(
        Acs3,
        "parameter added",
        Base::Describe,
        add(Part::Query, "Extra", "1"),
        refused(MISMATCH),
    ));
    cases.push(case(
        Acs3,
        "Action added to the query",
        Base::Describe,
        add(Part::Query, "Action", "DescribeRefreshQuota"),
        refused(INVALID),
    ));
    // Every signed header: changed, removed, sent twice. `host` sent twice is one signed value
    // made of both (`h,h`), as the SDKs canonicalize repeated headers: a mismatch; the `x-acs-*`
    // headers must come once.
    let headers: [(&'static str, String, &'static str); 6] = [
        ("host", "evil.example".to_owned(), MISMATCH),
        ("x-acs-action", "DescribeRefreshQuota".to_owned(), MISMATCH),
        ("x-acs-version", "2014-11-11".to_owned(), MISMATCH),
        ("x-acs-date", "2026-06-01T00:00:01Z".to_owned(), MISMATCH),
        ("x-acs-signature-nonce", "another-nonce".to_owned(), MISMATCH),
        ("x-acs-content-sha256", hex_sha256(b"x"), MISMATCH),
    ];
    for (name, value, changed) in headers {
        let twice = if name == "host" { MISMATCH } else { INCOMPLETE };
        cases.push(case(
            Acs3,
            format!("{name} changed"),
            Base::Describe,
            set(Part::Header, name, value),
            refused(changed),
        ));
        cases.push(case(
            Acs3,
            format!("{name} removed"),
            Base::Describe,
            remove(Part::Header, name),
            refused(INCOMPLETE),
        ));
        cases.push(case(
            Acs3,
            format!("{name} sent twice"),
            Base::Describe,
            duplicate(Part::Header, name),
            refused(twice),
        ));
    }
    let signature_at = |header: &str| header.rfind("Signature=").unwrap() + "Signature=".len();
    cases.extend([
        case(
            Acs3,
            "x-acs-date not well formatted",
            Base::Describe,
            set(Part::Header, "x-acs-date", "2026-06-01 00:00:00"),
            refused("InvalidTimeStamp.Format"),
        ),
        case(
            Acs3,
            "x-acs-security-token changed",
            Base::Sts,
            set(Part::Header, "x-acs-security-token", "other-token"),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "x-acs-security-token removed",
            Base::Sts,
            remove(Part::Header, "x-acs-security-token"),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "unsigned x-acs-* header added",
            Base::Describe,
            add(Part::Header, "x-acs-extra", "1"),
            refused(INCOMPLETE),
        ),
        // The Authorization header, field by field.
        case(
            Acs3,
            "Authorization removed",
            Base::Describe,
            remove(Part::Header, "authorization"),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "Authorization sent twice",
            Base::Describe,
            duplicate(Part::Header, "authorization"),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "algorithm ACS3-HMAC-SM3",
            Base::Describe,
            edit_authorization(|h| h.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "algorithm in lower case",
            Base::Describe,
            edit_authorization(|h| h.replace("ACS3-HMAC-SHA256", "acs3-hmac-sha256")),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "Credential: unknown key",
            Base::Describe,
            edit_authorization(|h| h.replace("Credential=testid", "Credential=nobody")),
            refused("InvalidAccessKeyId.NotFound"),
        ),
        case(
            Acs3,
            "Credential: another known key",
            Base::Describe,
            edit_authorization(|h| h.replace("Credential=testid", "Credential=otherid")),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "SignedHeaders without x-acs-date",
            Base::Describe,
            edit_authorization(|h| h.replace("x-acs-date;", "")),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "SignedHeaders without host",
            Base::Describe,
            edit_authorization(|h| h.replace("SignedHeaders=host;", "SignedHeaders=")),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "SignedHeaders with a header not sent",
            Base::Describe,
            edit_authorization(|h| h.replace(";x-acs-version", ";user-agent;x-acs-version")),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "SignedHeaders with an unsigned header that is sent",
            Base::Describe,
            Box::new(|wire| {
                wire.headers.push(("accept".into(), "*/*".into()));
                let header = wire.header("authorization");
                header.1 = header
                    .1
                    .replace("SignedHeaders=host", "SignedHeaders=accept;host");
            }),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "Signature: one hex digit flipped",
            Base::Describe,
            edit_authorization(move |h| flip(h, signature_at(h) + 7)),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "Signature: all zeros",
            Base::Describe,
            edit_authorization(move |h| format!("{}{}", &h[..signature_at(h)], "0".repeat(64))),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "Signature: truncated",
            Base::Describe,
            edit_authorization(|h| h[..h.len() - 1].to_owned()),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "Signature: upper-case hex",
            Base::Describe,
            edit_authorization(move |h| {
                format!("{}{}", &h[..signature_at(h)], h[signature_at(h)..].to_uppercase())
            }),
            refused(INCOMPLETE),
        ),
        // ACS3 hashes the body's bytes.
        case(
            Acs3,
            "body added",
            Base::Describe,
            set_body(None, "x"),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "form body added, Content-Type unsigned",
            Base::Describe,
            set_body(Some(FORM), "TaskId=2"),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "form body: TaskId changed",
            Base::FormBody,
            Box::new(|wire| wire.body = b"TaskId=2".to_vec()),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "form body: Content-Type changed",
            Base::FormBody,
            set(Part::Header, "content-type", "text/plain"),
            refused(MISMATCH),
        ),
        case(
            Acs3,
            "form body: Content-Type removed",
            Base::FormBody,
            remove(Part::Header, "content-type"),
            refused(INCOMPLETE),
        ),
        case(
            Acs3,
            "method POST to GET",
            Base::Describe,
            set_method("GET"),
            refused(MISMATCH),
        ),
        // Routing comes first; ACS3 also signs the path, so the signature would not match either.
        case(
            Acs3,
            "method POST to PUT",
            Base::Describe,
            set_method("PUT"),
            refused("InvalidAction.NotFound"),
        ),
        case(
            Acs3,
            "path / to /x",
            Base::Describe,
            set_path("/x"),
            refused("InvalidAction.NotFound"),
        ),
    ]);
    cases
}

/// Cases for both schemes: the key and the clock.
fn key_and_clock_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        cases.extend([
            case(
                scheme,
                "signed by an unknown key",
                Base::As("nobody", "x"),
                no_change(),
                refused("InvalidAccessKeyId.NotFound"),
            ),
            case(
                scheme,
                "signed with the wrong secret",
                Base::As(ID, "not-the-secret"),
                no_change(),
                refused(MISMATCH),
            ),
            case(
                scheme,
                "signed with the other key's secret",
                Base::As(ID, OTHER_SECRET),
                no_change(),
                refused(MISMATCH),
            ),
            case(
                scheme,
                "signed 16 minutes behind",
                Base::Skewed(-16),
                no_change(),
                refused("InvalidTimeStamp.Expired"),
            ),
            case(
                scheme,
                "signed 16 minutes ahead",
                Base::Skewed(16),
                no_change(),
                refused("InvalidTimeStamp.Expired"),
            ),
        ]);
    }
    cases
}

#[tokio::test]
async fn every_single_change_to_a_signed_request_is_refused_with_the_right_code() {
    let mock = Mock::start().await;
    let mut cases = rpc_cases();
    cases.extend(acs3_cases());
    cases.extend(key_and_clock_cases());
    let mut wrong = Vec::new();
    for case in &cases {
        let mut wire = Wire::new(&sign(&mock, case.scheme, case.base), &mock.host());
        (case.mutation)(&mut wire);
        let got = mock.send(&wire).await.outcome();
        if got != case.expect {
            wrong.push(format!(
                "{:?} {}: expected {:?}, got {got:?}",
                case.scheme, case.name, case.expect
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    // Nothing refused was attributed to a key: the log's access_key_id is set only after the
    // signature checks out (skewed requests are signed correctly, so they are attributed).
    let calls = mock.server.received();
    assert_eq!(calls.len(), cases.len());
    for (case, call) in cases.iter().zip(&calls) {
        let refused_by_signature = matches!(
            &case.expect,
            Outcome::Refused(code, _) if code != "InvalidTimeStamp.Expired"
        );
        if refused_by_signature {
            assert_eq!(call.access_key_id, None, "{}", case.name);
        }
    }
}

#[tokio::test]
async fn a_replayed_nonce_is_refused_whether_the_request_is_resent_or_signed_again() {
    let mock = Mock::start().await;
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let signed = sign(&mock, scheme, Base::Describe);
        let wire = Wire::new(&signed, &mock.host());
        assert_eq!(mock.send(&wire).await.outcome(), Outcome::Accepted);
        // The same bytes again.
        assert_eq!(mock.send(&wire).await.outcome(), refused("SignatureNonceUsed"));
        // A new, valid signature over other parameters that reuses the nonce.
        let nonce = match scheme {
            SignatureVersion::Rpc => wire.clone().param("SignatureNonce").1.clone(),
            SignatureVersion::Acs3 => wire.clone().header("x-acs-signature-nonce").1.clone(),
            _ => unreachable!("the two schemes this test knows"),
        };
        let request = ApiRequest::new(&DescribeRefreshTaskById::new("2".parse().unwrap()), Format::Xml);
        let resigned = request.sign(
            scheme,
            &mock.host(),
            &Credentials::new(ID, SECRET),
            mock.now(),
            &nonce,
        );
        assert_eq!(
            mock.send(&Wire::new(&resigned, &mock.host())).await.outcome(),
            refused("SignatureNonceUsed")
        );
    }
}

/// Review item 1: a request dated 14m50s ahead stays valid for 29m50s; its nonce must be
/// remembered that long, not 15 minutes from arrival.
#[tokio::test]
async fn a_request_dated_ahead_cannot_be_replayed_once_a_window_by_arrival_would_have_passed() {
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let mock = Mock::start().await;
        let ahead = TimeDelta::minutes(14) + TimeDelta::seconds(50);
        let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
        let signed = request.sign(
            scheme,
            &mock.host(),
            &Credentials::new(ID, SECRET),
            mock.now() + ahead,
            "dated-ahead",
        );
        let wire = Wire::new(&signed, &mock.host());
        assert_eq!(mock.send(&wire).await.outcome(), Outcome::Accepted);
        assert_eq!(mock.send(&wire).await.outcome(), refused("SignatureNonceUsed"));
        // 15 minutes and one second later the request still passes the skew check (it is dated
        // 14m50s ahead of its arrival), so its nonce must still be known.
        mock.server.clock().advance(Duration::from_secs(15 * 60 + 1));
        assert_eq!(
            mock.send(&wire).await.outcome(),
            refused("SignatureNonceUsed"),
            "{scheme:?}: replayed after 15 minutes"
        );
        // Past its validity, the skew check refuses it.
        mock.server.clock().advance(Duration::from_secs(15 * 60));
        assert_eq!(
            mock.send(&wire).await.outcome(),
            refused("InvalidTimeStamp.Expired")
        );
    }
}

/// Review item 2: refused requests store no nonce, so a bad signature does not burn the nonce
/// of the real request, and one key's traffic cannot make room by evicting another's nonces
/// (per-key stores; the unit tests of the store cover a full store).
#[tokio::test]
async fn only_verified_requests_store_nonces_and_keys_do_not_share_them() {
    let mock = Mock::start().await;
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let nonce = format!("shared-{scheme:?}");
        let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
        let sign_as = |id: &str, secret: &str| {
            let signed = request.sign(
                scheme,
                &mock.host(),
                &Credentials::new(id, secret),
                mock.now(),
                &nonce,
            );
            Wire::new(&signed, &mock.host())
        };
        // A forgery with the nonce is refused and stores nothing ...
        assert_eq!(
            mock.send(&sign_as(ID, "wrong")).await.outcome(),
            refused(MISMATCH)
        );
        // ... so the key's real request with that nonce is accepted; the other key has its own.
        assert_eq!(mock.send(&sign_as(ID, SECRET)).await.outcome(), Outcome::Accepted);
        assert_eq!(
            mock.send(&sign_as(OTHER_ID, OTHER_SECRET)).await.outcome(),
            Outcome::Accepted
        );
        assert_eq!(
            mock.send(&sign_as(ID, SECRET)).await.outcome(),
            refused("SignatureNonceUsed")
        );
    }
}

/// Review items 3 and 6: an unsigned request with a 2 MiB action or a 2 MiB body of one-byte
/// parameters is refused cheaply, and what the mock records of it is bounded.
#[tokio::test]
async fn unsigned_bulk_is_refused_by_count_and_recorded_bounded() {
    let mock = Mock::start().await;
    let huge_action = format!("Action={}&Format=JSON", "A".repeat(2 * 1024 * 1024 - 100));
    let wire = Wire {
        method: "POST".into(),
        path: "/".into(),
        query: Vec::new(),
        headers: vec![("content-type".into(), FORM.into())],
        body: huge_action.into_bytes(),
    };
    assert_eq!(mock.send(&wire).await.outcome(), refused(INCOMPLETE));
    let one_byte_parameters = Wire {
        body: "a&".repeat(1024 * 1024 - 64).into_bytes(),
        ..wire
    };
    let answer = mock.send(&one_byte_parameters).await;
    assert_eq!(answer.outcome(), refused(INVALID));
    assert!(
        answer.error_body().message.contains("more than 100 parameters"),
        "{}",
        answer.text()
    );
    let recorded = mock.server.received();
    let action = recorded[0].action.as_deref().unwrap();
    assert!(
        action.chars().count() <= 65 && action.starts_with("AAAA"),
        "{}",
        action.len()
    );
}

/// Review item 4: a nonce is at most 64 bytes, in both schemes.
#[tokio::test]
async fn an_oversized_nonce_is_refused() {
    let mock = Mock::start().await;
    let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let long = "n".repeat(1_000);
        let signed = request.sign(
            scheme,
            &mock.host(),
            &Credentials::new(ID, SECRET),
            mock.now(),
            &long,
        );
        let answer = mock.send(&Wire::new(&signed, &mock.host())).await;
        assert_eq!(answer.outcome(), refused(INCOMPLETE), "{scheme:?}");
        assert!(answer.error_body().message.contains("longer than 64 bytes"));
    }
}

/// Review item 7: adding an unsigned `x-acs-action` header to an RPC-signed request changes
/// nothing: still verified as RPC, still answered in RPC's default format (XML).
#[tokio::test]
async fn an_unsigned_x_acs_action_header_changes_nothing() {
    let mock = Mock::start().await;
    // No `Format`: the scheme's default decides (XML for RPC, JSON for ACS3).
    let (host, nonce) = (mock.host(), mock.nonce());
    let credentials = Credentials::new(ID, SECRET);
    let signed = sign_rpc(
        &SigningInput::new(&host, &credentials, mock.now(), &nonce)
            .with_query(&[("Action", "DescribeRefreshQuota"), ("Version", "2018-05-10")]),
    );
    let mut wire = Wire::new(&signed, &host);
    wire.headers
        .push(("x-acs-action".into(), "DescribeRefreshTaskById".into()));
    let answer = mock.send(&wire).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.content_type, "text/xml;charset=utf-8");
    assert!(
        answer.text().contains("<DescribeRefreshQuotaResponse>"),
        "{}",
        answer.text()
    );
    assert_eq!(
        mock.server.received()[0].action.as_deref(),
        Some("DescribeRefreshQuota")
    );
}

/// Review item 8: a connection that sends part of a request and stops is closed after the
/// header-read timeout, and no more than `max_connections` are served at once.
#[tokio::test]
async fn slow_and_surplus_connections_are_bounded() {
    let start = |header_read_timeout, max_connections| {
        MockServer::start(
            MockConfig::default()
                .with_header_read_timeout(header_read_timeout)
                .with_max_connections(max_connections),
        )
    };
    // Half a request line, then silence: the server closes the connection (before the fix it
    // waited forever, and this read hit its 10 s bound).
    let server = start(Duration::from_millis(300), 1024).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    slow.write_all(b"POST /?Action=Describe").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "a stalled connection was kept open");
    server.shutdown().await;

    // Two silent connections fill a server that serves two; a third waits in the backlog,
    // unanswered however long it waits, until one of the two goes away.
    let server = start(Duration::from_secs(60), 2).await.unwrap();
    let held = [
        tokio::net::TcpStream::connect(server.addr()).await.unwrap(),
        tokio::net::TcpStream::connect(server.addr()).await.unwrap(),
    ];
    let mut third = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    third
        .write_all(b"GET /nowhere HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let early = tokio::time::timeout(Duration::from_millis(300), third.read_to_end(&mut answer)).await;
    assert!(
        early.is_err(),
        "a third connection was served while two were open"
    );
    drop(held);
    let late = tokio::time::timeout(Duration::from_secs(10), third.read_to_end(&mut answer)).await;
    assert!(late.is_ok(), "the third connection was never served");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 404"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_tampered_refresh_creates_nothing_and_spends_no_quota() {
    let mock = Mock::start().await;
    let refresh = ApiRequest::new(
        &RefreshObjectCaches::new(["http://example.com/a"], RefreshType::File).unwrap(),
        Format::Json,
    );
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        let mut wire = mock.signed(&refresh, scheme);
        wire.param("ObjectPath").1 = percent_encode("http://example.com/evil");
        assert_eq!(mock.send(&wire).await.outcome(), refused(MISMATCH));
    }
    let quota = ApiRequest::new(&DescribeRefreshQuota, Format::Json);
    let answer = mock.send(&mock.signed(&quota, SignatureVersion::Acs3)).await;
    let quota = RefreshQuota::decode_json(&answer.body).unwrap();
    assert_eq!(quota.url.remain, quota.url.quota, "a refused refresh spent quota");
    let describe = ApiRequest::new(
        &DescribeRefreshTaskById::new("100000001".parse().unwrap()),
        Format::Json,
    );
    let answer = mock.send(&mock.signed(&describe, SignatureVersion::Rpc)).await;
    let response = DescribeRefreshTaskByIdResponse::decode_json(&answer.body).unwrap();
    assert_eq!(response.total_count, 0, "a refused refresh created a task");
}

// ---------------------------------------------------------------------------------------------
// Hostile input

/// A signed describe with `extra` query parameters (`P0=v` …), as `scheme` signs them.
fn describe_with_extra_parameters(mock: &Mock, scheme: SignatureVersion, extra: usize) -> Wire {
    let names: Vec<String> = (0..extra).map(|n| format!("P{n}")).collect();
    let mut query: Vec<(&str, &str)> = vec![("Format", "JSON"), ("TaskId", "1")];
    if scheme == SignatureVersion::Rpc {
        query.extend([("Action", "DescribeRefreshTaskById"), ("Version", "2018-05-10")]);
    }
    query.extend(names.iter().map(|name| (name.as_str(), "v")));
    let (host, nonce) = (mock.host(), mock.nonce());
    let credentials = Credentials::new(ID, SECRET);
    let input = SigningInput::new(&host, &credentials, mock.now(), &nonce).with_query(&query);
    let signed = match scheme {
        SignatureVersion::Rpc => sign_rpc(&input),
        SignatureVersion::Acs3 => sign_acs3(&input, "DescribeRefreshTaskById", "2018-05-10"),
        _ => unreachable!("the two schemes this test knows"),
    };
    Wire::new(&signed, &host)
}

/// Asserts the server is up and answers a valid request normally.
async fn assert_still_serving(mock: &Mock) {
    let wire = Wire::new(&sign(mock, SignatureVersion::Acs3, Base::Describe), &mock.host());
    assert_eq!(mock.send(&wire).await.outcome(), Outcome::Accepted);
}

#[tokio::test]
async fn parameter_floods_are_refused_by_count_and_a_request_under_the_bound_is_served() {
    let mock = Mock::start().await;
    for scheme in [SignatureVersion::Rpc, SignatureVersion::Acs3] {
        // About 90 KB of query: longer than a request target may be (64 KiB).
        let wire = describe_with_extra_parameters(&mock, scheme, 10_000);
        let answer = mock.send(&wire).await;
        assert!(
            (400..500).contains(&answer.status),
            "{scheme:?}: {}",
            answer.status
        );
        // About 18 KB, 2,000 parameters, signed: refused by count before any is decoded.
        let wire = describe_with_extra_parameters(&mock, scheme, 2_000);
        assert_eq!(
            mock.send(&wire).await.outcome(),
            Outcome::Refused(INVALID.into(), 400),
            "{scheme:?}"
        );
        // Under the verifier's bound: signed and served, the extra parameters ignored.
        let wire = describe_with_extra_parameters(&mock, scheme, MAX_PARAMETERS - 20);
        assert_eq!(mock.send(&wire).await.outcome(), Outcome::Accepted, "{scheme:?}");
    }
    assert_still_serving(&mock).await;
}

#[tokio::test]
async fn header_floods_are_refused_cleanly_and_unsigned_bulk_is_ignored() {
    let mock = Mock::start().await;
    let base = || Wire::new(&sign(&mock, SignatureVersion::Acs3, Base::Describe), &mock.host());

    // 1,000 headers: more than the server parses (100): 431.
    let mut flood = base();
    flood
        .headers
        .extend((0..1_000).map(|n| (format!("x-flood-{n}"), "v".to_owned())));
    assert_eq!(mock.send(&flood).await.status, 431);

    // 80 unsigned headers, and one unsigned header of 100 KiB: allowed, and they do not matter.
    let mut many = base();
    many.headers
        .extend((0..80).map(|n| (format!("x-many-{n}"), "v".to_owned())));
    assert_eq!(mock.send(&many).await.outcome(), Outcome::Accepted);
    let mut big = base();
    big.headers.push(("user-agent".into(), "u".repeat(100 * 1024)));
    assert_eq!(mock.send(&big).await.outcome(), Outcome::Accepted);

    // One header of 1 MiB: past the server's buffer. It answers 431 and closes; the close may
    // reset the connection before the client reads the answer, so either is accepted, but never
    // a success.
    let mut huge = base();
    huge.headers.push(("user-agent".into(), "u".repeat(1 << 20)));
    match mock.exchange(huge.to_bytes()).await {
        Exchange::Answer(answer) => assert_eq!(answer.status, 431),
        Exchange::Closed { .. } => {}
    }
    // 100 KiB of header names and values made of one repeated unsigned x-acs-* header: refused.
    let mut repeated = base();
    repeated
        .headers
        .extend((0..90).map(|_| ("x-acs-junk".to_owned(), "j".repeat(1024))));
    assert_eq!(mock.send(&repeated).await.outcome(), refused(INCOMPLETE));
    assert_still_serving(&mock).await;
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><TaskId>&lol9;</TaskId>"#;

const XXE: &str =
    r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><TaskId>&xxe;</TaskId>"#;

#[tokio::test]
async fn xml_bombs_in_request_bodies_are_never_parsed() {
    let mock = Mock::start().await;
    let credentials = Credentials::new(ID, SECRET);
    for (name, body) in [("billion laughs", BILLION_LAUGHS), ("external entity", XXE)] {
        // Signed under ACS3 with the XML content type signed: the body is hashed, never parsed,
        // and the call is answered from its query.
        let (host, nonce) = (mock.host(), mock.nonce());
        let input = SigningInput::new(&host, &credentials, mock.now(), &nonce)
            .with_query(&[("Format", "XML"), ("TaskId", "1")])
            .with_body(body.as_bytes(), Some("application/xml"));
        let signed = sign_acs3(&input, "DescribeRefreshTaskById", "2018-05-10");
        let answer = mock.send(&Wire::new(&signed, &host)).await;
        assert_eq!(answer.outcome(), Outcome::Accepted, "{name}: {}", answer.text());
        let text = answer.text();
        assert!(!text.contains("lol") && !text.contains("root:"), "{name}: {text}");
        DescribeRefreshTaskByIdResponse::decode_xml(&answer.body).unwrap();
        // Unsigned: refused for the signature, whatever the body says.
        let mut unsigned = Wire::new(&signed, &host);
        unsigned.headers.retain(|(n, _)| n == "host");
        unsigned.headers.push(("content-type".into(), "text/xml".into()));
        let answer = mock.send(&unsigned).await;
        assert_eq!(answer.outcome(), refused(INCOMPLETE), "{name}");
        assert!(!answer.text().contains("root:"), "{name}");
    }
    assert_still_serving(&mock).await;
}

#[tokio::test]
async fn malformed_http_is_a_400_and_the_server_stays_up() {
    let mock = Mock::start().await;
    let requests: [&[u8]; 8] = [
        b"GET /\xff\xfe HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nhost: x\r\nx-nul: a\x00b\r\nconnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nhost: x\r\nbad name: v\r\nconnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nhost: x\r\nx-folded: a\r\n b\r\nconnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\nconnection: close\r\n\r\nab",
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\nconnection: close\r\n\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n",
        b"GET / HTTP/9.9\r\nhost: x\r\nconnection: close\r\n\r\n",
    ];
    for request in requests {
        let shown = String::from_utf8_lossy(request).into_owned();
        match mock.exchange(request.to_vec()).await {
            Exchange::Answer(answer) => {
                assert!(
                    (400..500).contains(&answer.status),
                    "{shown:?}: {}",
                    answer.status
                );
            }
            // hyper closes on some malformed input without an answer; never a success.
            Exchange::Closed { .. } => {}
        }
    }
    assert_still_serving(&mock).await;
}

#[tokio::test]
async fn a_task_id_parameter_of_200_000_ids_is_refused_as_too_many() {
    let mock = Mock::start().await;
    let ids = (1..=200_000).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let body = format!("TaskId={}", percent_encode(&ids));
    assert!(
        body.len() < 2 * 1024 * 1024,
        "fits the body limit: {}",
        body.len()
    );
    let (host, nonce) = (mock.host(), mock.nonce());
    let credentials = Credentials::new(ID, SECRET);
    let input = SigningInput::new(&host, &credentials, mock.now(), &nonce)
        .with_query(&[
            ("Action", "DescribeRefreshTaskById"),
            ("Version", "2018-05-10"),
            ("Format", "JSON"),
        ])
        .with_body(body.as_bytes(), Some(FORM));
    let answer = mock.send(&Wire::new(&sign_rpc(&input), &host)).await;
    assert_eq!(answer.outcome(), refused("InvalidTaskId"));
    assert!(
        answer.body.len() < 4096,
        "the answer echoes the input: {} bytes",
        answer.body.len()
    );
}

#[test]
fn hostile_seed_files_are_typed_errors() {
    const MIB: usize = 1 << 20;
    let task = |id: &str, path: &str| {
        format!(
            r#"{{"TaskId":"{id}","ObjectPath":"{path}","ObjectType":"file","Status":"Complete","Process":"100%","CreationTime":"2026-01-01T00:00:00Z","Description":""}}"#
        )
    };
    let nested = format!(
        r#"[{{"TaskId":"1","X":{}{}}}]"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for (name, text) in [
        ("a megabyte of [", "[".repeat(MIB)),
        ("deep nesting in a task", nested),
        (
            "invalid UTF-8 replaced",
            format!("[{}]", task("1", "http://e.com/\u{fffd}")).replace("\"1\"", "\"\u{fffd}\""),
        ),
        (
            "a megabyte task ID",
            format!("[{}]", task(&"1".repeat(MIB), "http://e.com/a")),
        ),
        (
            "the same ID twice",
            format!("[{},{}]", task("1", "a"), task("1", "b")),
        ),
    ] {
        let result = parse_tasks(&text);
        let error = match result {
            Ok(tasks) => panic!("{name}: accepted {} tasks", tasks.len()),
            Err(error) => error,
        };
        assert!(
            error.to_string().len() < 2048,
            "{name}: a {} byte message",
            error.to_string().len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input to the control plane (`/_mock/…`): a clear 4xx with a JSON `Error`, and nothing
// changed.

/// A control request as raw bytes on a fresh connection (`Connection: close`).
async fn control_raw(
    mock: &Mock,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n",
        mock.host()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let framed = headers.iter().any(|(name, _)| {
        name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("transfer-encoding")
    });
    if !framed {
        request.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    match mock.exchange(bytes).await {
        Exchange::Answer(answer) => answer,
        Exchange::Closed { error } => panic!("no answer ({error:?}) to {method} {target}"),
    }
}

/// The mock's whole state and its call count, to show that a refusal changed nothing.
async fn control_snapshot(mock: &Mock) -> (String, usize) {
    let answer = control_raw(mock, "GET", "/_mock/state", &[], b"").await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    (answer.text(), mock.server.received().len())
}

/// Asserts a control-plane refusal: the status, JSON, and an `Error` message that says `about`.
fn assert_refused(answer: &Answer, status: u16, about: &str, case: &str) {
    assert_eq!(answer.status, status, "{case}: {}", answer.text());
    assert_eq!(answer.content_type, "application/json", "{case}");
    let body: serde_json::Value =
        serde_json::from_slice(&answer.body).unwrap_or_else(|e| panic!("{case}: {e}: {}", answer.text()));
    let message = body["Error"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}: no Error in {body}"));
    assert!(
        message.contains(about),
        "{case}: {message:?} does not mention {about:?}"
    );
    assert!(message.len() < 1024, "{case}: a {} byte message", message.len());
}

/// A mock with a task, a fault rule and a call, so that "nothing changed" has something to keep.
async fn populated_mock() -> Mock {
    let mock = Mock::start().await;
    let task = r#"[{"TaskId":"42","ObjectPath":"http://e.com/a","ObjectType":"file","Status":"Pending",
        "Process":"0%","CreationTime":"2026-06-01T00:00:00Z","Description":"","Owner":"testid"}]"#;
    let json = [("content-type", "application/json".to_owned())];
    assert_eq!(
        control_raw(&mock, "POST", "/_mock/tasks", &json, task.as_bytes())
            .await
            .status,
        200
    );
    let rule = br#"[{"Action":"PushObjectCache","Fault":"InternalError","Count":3}]"#;
    assert_eq!(
        control_raw(&mock, "PUT", "/_mock/faults", &json, rule)
            .await
            .status,
        200
    );
    let describe = ApiRequest::new(&DescribeRefreshTaskById::new("42".parse().unwrap()), Format::Json);
    assert_eq!(
        mock.send(&mock.signed(&describe, SignatureVersion::Rpc))
            .await
            .status,
        200
    );
    mock
}

#[tokio::test]
async fn malformed_and_unknown_control_input_is_a_400_and_changes_nothing() {
    let mock = populated_mock().await;
    let before = control_snapshot(&mock).await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            "POST",
            "/_mock/tasks",
            "[{\"TaskId\":".into(),
            "not the JSON expected",
        ),
        ("POST", "/_mock/tasks", String::new(), "empty"),
        ("POST", "/_mock/tasks", "{\"TaskId\":\"1\"}".into(), "array"),
        ("POST", "/_mock/tasks", deep.clone(), "recursion"),
        (
            "POST",
            "/_mock/tasks",
            r#"[{"TaskId":"1","ObjectPath":"p","ObjectType":"file","Status":"Complete","Process":"100%",
               "CreationTime":"2026-06-01T00:00:00Z","Description":"","Colour":"red"}]"#
                .into(),
            "unknown field",
        ),
        ("POST", "/_mock/tasks", r#"[{"TaskId":"x1"}]"#.into(), "task 1"),
        (
            "POST",
            "/_mock/clock",
            "{\"Advance\":\"90s\"".into(),
            "not the JSON expected",
        ),
        (
            "POST",
            "/_mock/clock",
            "{\"Advance\":\"90s\",\"Speed\":2}".into(),
            "unknown field",
        ),
        ("POST", "/_mock/clock", "{}".into(), "exactly one"),
        (
            "POST",
            "/_mock/clock",
            "{\"Advance\":\"1s\",\"Set\":\"2026-06-01T00:00:00Z\"}".into(),
            "exactly one",
        ),
        ("POST", "/_mock/clock", "{\"Advance\":90}".into(), "invalid type"),
        (
            "POST",
            "/_mock/clock",
            "{\"Set\":\"tomorrow\"}".into(),
            "RFC 3339",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"Meteor\"}]".into(),
            "unknown Fault",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"InternalError\",\"Rate\":1.5}]".into(),
            "Rate",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"InternalError\",\"Rate\":\"1\"}]".into(),
            "invalid type",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"InternalError\",\"Count\":-1}]".into(),
            "invalid value",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"InternalError\",\"Verbose\":true}]".into(),
            "unknown field",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"Error\",\"Code\":\"NotACode\"}]".into(),
            "catalogue",
        ),
        (
            "PUT",
            "/_mock/faults",
            "[{\"Fault\":\"InternalError\",\"Action\":\"Nope\"}]".into(),
            "unknown Action",
        ),
        ("PUT", "/_mock/faults", deep, "not the JSON expected"),
        (
            "POST",
            "/_mock/state",
            "{\"StateFormat\":1}".into(),
            "missing field",
        ),
        ("POST", "/_mock/state", "[]".into(), "JSON object"),
        (
            "POST",
            "/_mock/state",
            "{\"StateFormat\":1,\"Unknown\":1}".into(),
            "unknown field",
        ),
    ];
    let json = [("content-type", "application/json".to_owned())];
    for (method, path, body, about) in &cases {
        let answer = control_raw(&mock, method, path, &json, body.as_bytes()).await;
        assert_refused(
            &answer,
            400,
            about,
            &format!("{method} {path} {}", &body[..body.len().min(60)]),
        );
    }
    // A valid state document with one bad part is refused whole.
    let mut state: serde_json::Value = serde_json::from_str(&before.0).unwrap();
    state["Faults"] = serde_json::json!([{"Fault": "Meteor"}]);
    state["Tasks"] = serde_json::json!([]);
    let answer = control_raw(&mock, "POST", "/_mock/state", &json, state.to_string().as_bytes()).await;
    assert_refused(&answer, 400, "Faults[0]", "a state with a bad fault");
    // Query strings: only `action`, only on /_mock/calls, decodable.
    for (target, about) in [
        ("/_mock/calls?action=%zz", "malformed"),
        ("/_mock/calls?Action=X", "unknown query parameter"),
        ("/_mock/calls?action=A&action=B", "at most once"),
        ("/_mock/tasks?owner=testid", "unknown query parameter"),
    ] {
        assert_refused(
            &control_raw(&mock, "GET", target, &[], b"").await,
            400,
            about,
            target,
        );
    }
    assert_eq!(
        control_snapshot(&mock).await,
        before,
        "a refused request changed the state"
    );
}

#[tokio::test]
async fn bad_durations_are_refused_and_move_nothing() {
    let mock = populated_mock().await;
    let before = control_snapshot(&mock).await;
    let json = [("content-type", "application/json".to_owned())];
    for duration in [
        "",
        "90",
        "-1s",
        "1y",
        "1e3s",
        "soon",
        "9999999999999999999999h",
        "１s",
        "1.5.2s",
    ] {
        let body = serde_json::json!({ "Advance": duration }).to_string();
        let answer = control_raw(&mock, "POST", "/_mock/clock", &json, body.as_bytes()).await;
        assert_refused(&answer, 400, "Advance", &format!("Advance {duration:?}"));
        let rule = serde_json::json!([{ "Fault": "Delay", "Delay": duration }]).to_string();
        let answer = control_raw(&mock, "PUT", "/_mock/faults", &json, rule.as_bytes()).await;
        assert_refused(&answer, 400, "Delay", &format!("Delay {duration:?}"));
    }
    // Representable as a duration, but past the end of time from now: refused, not saturated.
    let body = br#"{"Advance":"2000000000000h"}"#;
    let answer = control_raw(&mock, "POST", "/_mock/clock", &json, body).await;
    assert_refused(
        &answer,
        400,
        "end of representable time",
        "a clock past the end of time",
    );
    assert_eq!(control_snapshot(&mock).await, before);
}

#[tokio::test]
async fn huge_control_bodies_are_refused_before_they_are_read() {
    let mock = populated_mock().await;
    let before = control_snapshot(&mock).await;
    // Declared far over the limit, with no body sent: refused at once on the declared size.
    for (method, path) in [
        ("POST", "/_mock/tasks"),
        ("POST", "/_mock/state"),
        ("PUT", "/_mock/faults"),
        ("POST", "/_mock/clock"),
    ] {
        let headers = [
            ("content-type", "application/json".to_owned()),
            ("content-length", (1u64 << 40).to_string()),
        ];
        let answer = control_raw(&mock, method, path, &headers, b"").await;
        assert_refused(&answer, 413, "limit", &format!("{method} {path} declaring 1 TiB"));
    }
    // Sent for real without a length (chunked), over the limit: cut off at the limit.
    let chunk = vec![b' '; 1 << 20];
    let mut body = Vec::new();
    for _ in 0..17 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("transfer-encoding", "chunked".to_owned()),
    ];
    let answer = control_raw(&mock, "POST", "/_mock/tasks", &headers, &body).await;
    assert_refused(&answer, 413, "limit", "17 MiB chunked");
    // Small endpoints have a small limit: 100 KiB of fault rules is too much.
    let rules = format!("[{}]", vec![r#"{"Fault":"InternalError"}"#; 4000].join(","));
    let json = [("content-type", "application/json".to_owned())];
    let answer = control_raw(&mock, "PUT", "/_mock/faults", &json, rules.as_bytes()).await;
    assert_refused(&answer, 413, "65536", "100 KiB of fault rules");
    assert_eq!(control_snapshot(&mock).await, before);
    assert_still_serving(&mock).await;
}

#[tokio::test]
async fn a_missing_or_wrong_admin_token_is_refused_everywhere_before_anything_else() {
    let guarded = MockServer::start(
        MockConfig::default()
            .with_control_plane(ControlPlane::Token(
                "correct-horse".parse::<AdminToken>().unwrap(),
            ))
            .with_clock(MockClock::manual(
                Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
            )),
    )
    .await
    .unwrap();
    let guarded = Mock {
        server: guarded,
        nonces: AtomicU64::new(0),
    };
    let task = br#"[{"TaskId":"42","ObjectPath":"http://e.com/a","ObjectType":"file","Status":"Pending",
        "Process":"0%","CreationTime":"2026-06-01T00:00:00Z","Description":""}]"#;
    let good = ("authorization", "Bearer correct-horse".to_owned());
    let json = ("content-type", "application/json".to_owned());
    assert_eq!(
        control_raw(
            &guarded,
            "POST",
            "/_mock/tasks",
            &[good.clone(), json.clone()],
            task
        )
        .await
        .status,
        200
    );
    let before = guarded.server.state().to_json();
    let endpoints: [(&str, &str, &[u8]); 10] = [
        ("GET", "/_mock/health", b""),
        ("POST", "/_mock/reset", b""),
        ("POST", "/_mock/tasks", task),
        ("POST", "/_mock/clock", br#"{"Advance":"1h"}"#),
        ("PUT", "/_mock/faults", br#"[{"Fault":"InternalError"}]"#),
        ("DELETE", "/_mock/faults", b""),
        ("DELETE", "/_mock/calls", b""),
        ("POST", "/_mock/state", b"{}"),
        ("POST", "/_mock/state/save", b""),
        // Even a path that does not exist says nothing before the token is right.
        ("GET", "/_mock/nowhere", b""),
    ];
    for (method, path, body) in endpoints {
        let missing = control_raw(&guarded, method, path, std::slice::from_ref(&json), body).await;
        assert_refused(
            &missing,
            401,
            "Bearer",
            &format!("{method} {path} without a token"),
        );
        // (A bare "Bearer " arrives as "Bearer": HTTP trims trailing spaces; no token at all.)
        for (wrong, status, about) in [
            ("Bearer correct-hors", 403, "wrong"),
            ("Bearer correct-horse2", 403, "wrong"),
            ("Basic correct-horse", 401, "Bearer"),
            ("Bearer ", 401, "Bearer"),
        ] {
            let headers = [("authorization", wrong.to_owned()), json.clone()];
            let answer = control_raw(&guarded, method, path, &headers, body).await;
            assert_refused(&answer, status, about, &format!("{method} {path} {wrong}"));
        }
    }
    // A huge body with a wrong token is refused on the token, unread.
    let headers = [
        ("authorization", "Bearer nope".to_owned()),
        ("content-length", (1u64 << 40).to_string()),
    ];
    assert_refused(
        &control_raw(&guarded, "POST", "/_mock/tasks", &headers, b"").await,
        403,
        "wrong",
        "1 TiB, wrong token",
    );
    assert_eq!(
        guarded.server.state().to_json(),
        before,
        "a refused request changed the state"
    );
    assert_eq!(guarded.server.tasks().len(), 1);
}
