//! Shared helpers: a started mock, signing with the core, sending with reqwest or raw TCP.

use cdn_task_core::signing::{
    Credentials, SignatureVersion, SignedRequest, SigningInput, sign_acs3, sign_rpc,
};
use cdn_task_core::{
    ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, PushObjectCache,
    RefreshObjectCaches, RefreshType, ServiceErrorBody, Task, TaskId, WireBody,
};
use cdn_task_mock::{MockClock, MockConfig, MockServer};
use chrono::{DateTime, TimeZone, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const ID: &str = "testid";
pub const SECRET: &str = "testsecret";
pub const OTHER_ID: &str = "otherid";
pub const OTHER_SECRET: &str = "othersecret";

pub const BOTH_SCHEMES: [SignatureVersion; 2] = [SignatureVersion::Rpc, SignatureVersion::Acs3];
pub const BOTH_FORMATS: [Format; 2] = [Format::Json, Format::Xml];

/// 2026-06-01T00:00:00Z, where manual clocks start.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// A config with two keys and a manual clock.
pub fn config() -> MockConfig {
    MockConfig::default()
        .with_keys(vec![
            (ID.to_owned(), SECRET.to_owned()),
            (OTHER_ID.to_owned(), OTHER_SECRET.to_owned()),
        ])
        .with_clock(MockClock::manual(start_time()))
}

/// A running mock and a client for it.
pub struct Mock {
    pub server: MockServer,
    http: reqwest::Client,
    nonces: AtomicU64,
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub request_id_header: Option<String>,
    /// `x-acs-retry-after`, when present.
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes a success body.
    pub fn decode<B: WireBody>(&self, format: Format) -> B {
        assert_eq!(self.status, 200, "{}", self.text());
        assert_eq!(self.content_type, format.content_type());
        B::decode(format, &self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    /// Checks an error answer: code, status, content type, and the error body's shape.
    pub fn expect_error(&self, code: &str, status: u16, format: Format) -> ServiceErrorBody {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.content_type, format.content_type(), "{}", self.text());
        let body =
            ServiceErrorBody::decode(format, &self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()));
        assert_eq!(body.code.as_str(), code, "{}", self.text());
        assert_request_id_shape(&body.request_id);
        assert_eq!(self.request_id_header.as_deref(), Some(body.request_id.as_str()));
        assert_eq!(body.host_id, "cdn.aliyuncs.com");
        let recommend = body.recommend.as_deref().unwrap_or_default();
        assert!(
            recommend.contains(code) && recommend.contains(&body.request_id),
            "{recommend}"
        );
        assert!(!body.message.is_empty());
        body
    }
}

/// `E0C2EF95-B1EC-4C93-855E-2059A7DA2B7B`: upper-case hex in UUID groups.
pub fn assert_request_id_shape(id: &str) {
    let groups: Vec<&str> = id.split('-').collect();
    assert_eq!(
        groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12],
        "{id}"
    );
    assert!(
        id.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('A'..='F').contains(&c)),
        "{id}"
    );
}

impl Mock {
    pub async fn start(config: MockConfig) -> Mock {
        Mock {
            server: MockServer::start(config).await.unwrap(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            nonces: AtomicU64::new(0),
        }
    }

    pub fn host(&self) -> String {
        self.server.addr().to_string()
    }

    pub fn nonce(&self) -> String {
        format!("nonce-{}", self.nonces.fetch_add(1, Ordering::Relaxed))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.server.clock().now()
    }

    /// Signs `request` as `testid` at the mock's time with a fresh nonce.
    pub fn sign(&self, request: &ApiRequest, scheme: SignatureVersion) -> SignedRequest {
        self.sign_as(request, scheme, &Credentials::new(ID, SECRET))
    }

    pub fn sign_as(
        &self,
        request: &ApiRequest,
        scheme: SignatureVersion,
        credentials: &Credentials,
    ) -> SignedRequest {
        request.sign(scheme, &self.host(), credentials, self.now(), &self.nonce())
    }

    /// Signs arbitrary parts with the core's low-level signers (for GET, form bodies, requests
    /// without `Format`, …). For ACS3, `action` and `version` go in headers.
    pub fn sign_parts(
        &self,
        scheme: SignatureVersion,
        method: &str,
        query: &[(&str, &str)],
        body: &[u8],
        content_type: Option<&str>,
        action_version: (&str, &str),
    ) -> SignedRequest {
        let host = self.host();
        let credentials = Credentials::new(ID, SECRET);
        let nonce = self.nonce();
        let input = SigningInput::new(&host, &credentials, self.now(), &nonce)
            .with_method(method)
            .with_query(query)
            .with_body(body, content_type);
        match scheme {
            SignatureVersion::Acs3 => sign_acs3(&input, action_version.0, action_version.1),
            _ => sign_rpc(&input),
        }
    }

    pub fn url(&self, path: &str, query: &str) -> String {
        if query.is_empty() {
            format!("{}{path}", self.server.base_url())
        } else {
            format!("{}{path}?{query}", self.server.base_url())
        }
    }

    pub async fn send(&self, signed: &SignedRequest) -> Answer {
        let method = reqwest::Method::from_bytes(signed.method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(&signed.path, &signed.query));
        for (name, value) in &signed.headers {
            if name != "host" {
                request = request.header(name, value);
            }
        }
        let response = request.body(signed.body.clone()).send().await.unwrap();
        answer(response).await
    }

    /// Sends anything, unsigned.
    pub async fn send_raw(
        &self,
        method: &str,
        query: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url("/", query));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(request.body(body).send().await.unwrap()).await
    }

    pub async fn call(&self, request: &ApiRequest, scheme: SignatureVersion) -> Answer {
        self.send(&self.sign(request, scheme)).await
    }

    pub async fn describe(&self, ids: &str, format: Format, scheme: SignatureVersion) -> Answer {
        let request = ApiRequest::new(&DescribeRefreshTaskById::new(ids.parse().unwrap()), format);
        self.call(&request, scheme).await
    }

    /// The tasks `testid` sees among `ids` (JSON, ACS3).
    pub async fn tasks(&self, ids: &str) -> Vec<Task> {
        let response: DescribeRefreshTaskByIdResponse = self
            .describe(ids, Format::Json, SignatureVersion::Acs3)
            .await
            .decode(Format::Json);
        assert_eq!(response.total_count, response.tasks.len() as u64);
        response.tasks
    }

    /// Creates refresh tasks as `testid`; returns their IDs.
    pub async fn refresh(&self, paths: &[&str], kind: RefreshType) -> Vec<TaskId> {
        let request = ApiRequest::new(&refresh_op(paths, kind), Format::Json);
        let response: cdn_task_core::CreateTasksResponse = self
            .call(&request, SignatureVersion::Rpc)
            .await
            .decode(Format::Json);
        response.task_ids
    }

    /// Creates prefetch tasks as `testid`; returns their IDs.
    pub async fn push(&self, paths: &[&str]) -> Vec<TaskId> {
        let op = PushObjectCache::new(paths.iter().copied()).unwrap();
        let response: cdn_task_core::CreateTasksResponse = self
            .call(&ApiRequest::new(&op, Format::Xml), SignatureVersion::Acs3)
            .await
            .decode(Format::Xml);
        response.task_ids
    }
}

pub fn refresh_op(paths: &[&str], kind: RefreshType) -> RefreshObjectCaches {
    RefreshObjectCaches::new(paths.iter().copied(), kind).unwrap()
}

pub fn joined(ids: &[TaskId]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header("content-type").unwrap_or_default();
    let request_id_header = header("x-acs-request-id");
    let retry_after = header("x-acs-retry-after");
    let body = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        content_type,
        request_id_header,
        retry_after,
        body,
    }
}

/// Writes `request` on a fresh TCP connection and reads until the server closes it (or 10 s).
/// Returns what was read and whether the read ended in an error rather than a clean close.
pub async fn raw_exchange(server: &MockServer, request: &[u8]) -> (Vec<u8>, bool) {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;
    let errored = match read {
        Ok(Ok(_)) => false,
        Ok(Err(_)) => true,
        Err(_) => panic!("the server neither answered nor closed within 10 s"),
    };
    (received, errored)
}

/// A whole HTTP/1.1 request with `Connection: close` around a signed request.
pub fn raw_request(host: &str, signed: &SignedRequest) -> Vec<u8> {
    let mut head = format!(
        "{} {}?{} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n",
        signed.method, signed.path, signed.query
    );
    for (name, value) in &signed.headers {
        if name != "host" {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", signed.body.len()));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&signed.body);
    bytes
}
