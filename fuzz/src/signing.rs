//! Signing: a request signed from arbitrary parts verifies, and verification survives any edit of
//! what was sent.

use arbitrary::Arbitrary;
use cdn_task_core::signing::{
    Credentials, MAX_PARAMETERS, RPC_SIGNING_PARAMETERS, ReceivedRequest, SignatureVersion, SignedRequest,
    SigningInput, VerifiedRequest, VerifyError, borrow_pairs, canonical_query, parse_parameters,
    percent_encode, sign_acs3, sign_rpc, verify,
};
use chrono::{DateTime, Utc};

const FORM: &str = "application/x-www-form-urlencoded";

/// Percent-encoding `pairs` as a query string, in order, parses back to `pairs`; their canonical
/// query string parses back to them sorted by name, then value.
pub fn check_query_encoding(pairs: &[(String, String)]) {
    let encoded = encode_form(pairs);
    assert_eq!(
        parse_parameters(&encoded).as_deref(),
        Ok(pairs),
        "query {encoded:?}"
    );
    let borrowed: Vec<(&str, &str)> = borrow_pairs(pairs);
    let canonical = canonical_query(&borrowed);
    let mut sorted = pairs.to_vec();
    sorted.sort();
    assert_eq!(
        parse_parameters(&canonical),
        Ok(sorted),
        "canonical query {canonical:?}"
    );
}

/// What a request carries in its body.
#[derive(Debug, Arbitrary)]
pub enum ArbBody {
    /// Nothing.
    Empty,
    /// Parameters, form-encoded.
    Form(Vec<(String, String)>),
    /// Opaque bytes, as JSON (`true`) or an octet stream.
    Bytes(Vec<u8>, bool),
}

/// One edit of a request on the wire, after signing.
#[derive(Debug, Arbitrary)]
pub enum Edit {
    /// Replace, insert or remove a byte of the query string.
    Query(ByteEdit),
    /// The same in the name (`false`) or value (`true`) of header `index`.
    Header(u8, bool, ByteEdit),
    /// The same in the body.
    Body(ByteEdit),
    /// Add a header.
    AddHeader(String, String),
    /// Remove header `index`.
    RemoveHeader(u8),
    /// Flip the method between `GET` and `POST`.
    Method,
}

/// A byte edit at `at` (modulo the length): replace with `byte`, insert `byte`, or remove.
#[derive(Debug, Arbitrary)]
pub struct ByteEdit {
    at: u16,
    byte: u8,
    kind: EditKind,
}

/// What a [`ByteEdit`] does.
#[derive(Debug, Arbitrary)]
pub enum EditKind {
    /// Replace the byte.
    Replace,
    /// Insert before it.
    Insert,
    /// Remove it.
    Remove,
}

impl ByteEdit {
    fn apply(&self, bytes: &mut Vec<u8>) {
        let at = usize::from(self.at);
        match self.kind {
            EditKind::Insert => bytes.insert(at % (bytes.len() + 1), self.byte),
            EditKind::Replace if !bytes.is_empty() => {
                let len = bytes.len();
                bytes[at % len] = self.byte;
            }
            EditKind::Remove if !bytes.is_empty() => {
                let len = bytes.len();
                bytes.remove(at % len);
            }
            EditKind::Replace | EditKind::Remove => {}
        }
    }

    /// Edits text; the result is made valid UTF-8 again (the verifier takes `&str`).
    fn apply_text(&self, text: &mut String) {
        let mut bytes = std::mem::take(text).into_bytes();
        self.apply(&mut bytes);
        *text = String::from_utf8_lossy(&bytes).into_owned();
    }
}

/// A request signed from arbitrary parts, then edited on the wire.
#[derive(Debug, Arbitrary)]
pub struct ArbSigning {
    rpc: bool,
    post: bool,
    host: String,
    query: Vec<(String, String)>,
    body: ArbBody,
    access_key_id: String,
    secret: String,
    token: Option<String>,
    seconds: u32,
    nonce: String,
    action: String,
    version: (u16, u8, u8),
    edits: Vec<Edit>,
}

/// A request as the service receives it.
#[derive(Debug, Clone, PartialEq)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// `text` kept to the characters `keep` allows, or `fallback` if nothing is left.
fn only(text: &str, keep: impl Fn(char) -> bool, fallback: &str) -> String {
    let kept: String = text.chars().filter(|&c| keep(c)).take(32).collect();
    if kept.is_empty() {
        fallback.to_owned()
    } else {
        kept
    }
}

/// Decoded (name, value) pairs, in order.
type Pairs = Vec<(String, String)>;

/// Room left for API parameters under the verifier's bound once the signing fields are counted.
const API_PARAMETER_ROOM: usize = MAX_PARAMETERS - 10;

/// The API parameters the verifier accepts: no signing field, each name once (`taken` holds the
/// names already sent), and no more than fit under [`MAX_PARAMETERS`].
fn api_parameters(pairs: &[(String, String)], taken: &mut Vec<String>) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    for (name, value) in pairs {
        if RPC_SIGNING_PARAMETERS.contains(&name.as_str()) || taken.contains(name) {
            continue;
        }
        if taken.len() >= API_PARAMETER_ROOM {
            break;
        }
        taken.push(name.clone());
        kept.push((name.clone(), value.clone()));
    }
    kept
}

fn encode_form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

impl ArbSigning {
    fn scheme(&self) -> SignatureVersion {
        if self.rpc {
            SignatureVersion::Rpc
        } else {
            SignatureVersion::Acs3
        }
    }

    fn host(&self) -> String {
        only(
            &self.host,
            |c| c.is_ascii_alphanumeric() || ".-:".contains(c),
            "cdn.aliyuncs.com",
        )
    }

    fn access_key_id(&self) -> String {
        only(
            &self.access_key_id,
            |c| c.is_ascii_alphanumeric() || c == '.',
            "testid",
        )
    }

    /// The STS token, as a real one looks: printable ASCII, no space at either end.
    fn token(&self) -> Option<String> {
        let token = only(self.token.as_deref()?, |c| c.is_ascii_graphic() || c == ' ', "");
        Some(token.trim().to_owned()).filter(|token| !token.is_empty())
    }

    fn nonce(&self) -> String {
        only(&self.nonce, |c| c.is_ascii_alphanumeric() || c == '-', "nonce")
    }

    fn action(&self) -> String {
        only(
            &self.action,
            |c| c.is_ascii_alphabetic(),
            "DescribeRefreshTaskById",
        )
    }

    fn version(&self) -> String {
        let (year, month, day) = self.version;
        format!("{:04}-{:02}-{:02}", year % 10_000, month % 100, day % 100)
    }

    /// 2000-01-01 to 2099-12-31, whole seconds.
    fn timestamp(&self) -> DateTime<Utc> {
        let seconds = 946_684_800 + i64::from(self.seconds) % 3_155_760_000;
        DateTime::from_timestamp(seconds, 0).unwrap_or_default()
    }

    fn credentials(&self) -> Credentials {
        let credentials = Credentials::new(self.access_key_id(), self.secret.clone());
        match self.token() {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        }
    }

    /// The query's and the form body's API parameters: single-valued across both (and, for
    /// ACS3, beside the `Action` and `Version` headers), as the verifier requires.
    fn api_split(&self) -> (Pairs, Pairs) {
        let mut taken: Vec<String> = match self.scheme() {
            SignatureVersion::Acs3 => vec!["Action".into(), "Version".into()],
            _ => Vec::new(),
        };
        let query = api_parameters(&self.query, &mut taken);
        let form = match &self.body {
            ArbBody::Form(pairs) => api_parameters(pairs, &mut taken),
            _ => Vec::new(),
        };
        (query, form)
    }

    fn body(&self) -> (Vec<u8>, Option<&'static str>) {
        match &self.body {
            ArbBody::Empty => (Vec::new(), None),
            ArbBody::Form(_) => (encode_form(&self.api_split().1).into_bytes(), Some(FORM)),
            ArbBody::Bytes(bytes, json) => (
                bytes.clone(),
                Some(if *json {
                    "application/json"
                } else {
                    "application/octet-stream"
                }),
            ),
        }
    }

    fn sign(&self) -> SignedRequest {
        let credentials = self.credentials();
        let query = self.api_split().0;
        let query: Vec<(&str, &str)> = borrow_pairs(&query);
        let (body, content_type) = self.body();
        let host = self.host();
        let nonce = self.nonce();
        let input = SigningInput::new(&host, &credentials, self.timestamp(), &nonce)
            .with_method(if self.post { "POST" } else { "GET" })
            .with_query(&query)
            .with_body(&body, content_type);
        match self.scheme() {
            SignatureVersion::Acs3 => sign_acs3(&input, &self.action(), &self.version()),
            _ => sign_rpc(&input),
        }
    }

    fn wire(&self) -> Wire {
        let signed = self.sign();
        let mut headers = signed.headers;
        headers.push(("host".into(), self.host()));
        Wire {
            method: signed.method,
            path: signed.path,
            query: signed.query,
            headers,
            body: signed.body,
        }
    }

    fn verify(&self, wire: &Wire) -> Result<VerifiedRequest, VerifyError> {
        let headers: Vec<(&str, &str)> = borrow_pairs(&wire.headers);
        let received = ReceivedRequest {
            method: &wire.method,
            path: &wire.path,
            query: &wire.query,
            headers: &headers,
            body: &wire.body,
        };
        let (id, secret) = (self.access_key_id(), self.secret.clone());
        verify(&received, |asked| (asked == id).then(|| secret.clone()))
    }

    /// The API parameters verification must give back, sorted.
    fn expected_parameters(&self) -> Vec<(String, String)> {
        let (mut expected, form) = self.api_split();
        expected.extend(form);
        if self.scheme() == SignatureVersion::Acs3 {
            expected.push(("Action".into(), self.action()));
            expected.push(("Version".into(), self.version()));
        }
        expected.sort();
        expected
    }

    /// What is signed verifies, and gives back who signed, when, the nonce and the parameters;
    /// then the request, edited on the wire, is verified again: never a panic, and a request that
    /// the edits left as it was still verifies.
    pub fn check(&self) {
        let wire = self.wire();
        let verified = self
            .verify(&wire)
            .unwrap_or_else(|error| panic!("a signed request does not verify: {error}\n{wire:?}"));
        assert_eq!(verified.scheme, self.scheme());
        assert_eq!(verified.access_key_id, self.access_key_id());
        assert_eq!(verified.security_token, self.token());
        assert_eq!(verified.timestamp, self.timestamp());
        assert_eq!(verified.nonce, self.nonce());
        let mut parameters = verified.parameters;
        parameters.sort();
        assert_eq!(parameters, self.expected_parameters());

        let mut edited = wire.clone();
        for edit in &self.edits {
            apply(edit, &mut edited);
        }
        let result = self.verify(&edited);
        if edited == wire {
            assert!(
                result.is_ok(),
                "an unedited request no longer verifies: {result:?}"
            );
        }
    }
}

fn apply(edit: &Edit, wire: &mut Wire) {
    match edit {
        Edit::Query(edit) => edit.apply_text(&mut wire.query),
        Edit::Header(index, value, edit) => {
            let count = wire.headers.len();
            if let Some((name, text)) = wire.headers.get_mut(usize::from(*index) % count.max(1)) {
                edit.apply_text(if *value { text } else { name });
            }
        }
        Edit::Body(edit) => edit.apply(&mut wire.body),
        Edit::AddHeader(name, value) => wire.headers.push((name.clone(), value.clone())),
        Edit::RemoveHeader(index) => {
            let count = wire.headers.len();
            if count > 0 {
                wire.headers.remove(usize::from(*index) % count);
            }
        }
        Edit::Method => {
            wire.method = if wire.method == "GET" { "POST" } else { "GET" }.to_owned();
        }
    }
}
