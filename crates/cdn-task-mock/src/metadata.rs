//! The ECS metadata service's credential paths, and a credentials URI, on the mock's listener.
//!
//! - `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds: 1..21600`: a session
//!   token, valid for that long on the mock clock.
//! - `GET /latest/meta-data/ram/security-credentials/`: the role name (404 without one).
//! - `GET /latest/meta-data/ram/security-credentials/<role>`: a credential document.
//! - `GET /credentials`: a credential document (for `ALIBABA_CLOUD_CREDENTIALS_URI`).
//!
//! A request carrying `X-aliyun-ecs-metadata-token` must carry a valid one (401 otherwise);
//! one without is answered unless the mock requires tokens (`--metadata-tokens required`).

use crate::intake::Intake;
use crate::state::Shared;
use crate::sts::{CREDENTIALS_URI_PATH, MetadataTokens};
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use cdn_task_core::credentials::CredentialDocument;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
/// Most metadata calls kept in the log.
const MAX_RECORDED: usize = 1_000;

/// One request to the metadata service or the credentials URI, as the mock saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetadataCall {
    /// `PUT` or `GET`.
    pub method: String,
    /// The path.
    pub path: String,
    /// Whether it carried a session token header.
    pub with_token: bool,
    /// The status answered.
    pub status: u16,
}

/// Session tokens handed out, and the calls received.
#[derive(Debug, Default)]
pub(crate) struct MetadataState {
    tokens: HashMap<String, DateTime<Utc>>,
    pub(crate) calls: VecDeque<MetadataCall>,
}

/// The answer to `intake` when it is a metadata or credentials-URI request; `None` otherwise.
pub(crate) fn serve(shared: &Shared, intake: &Intake) -> Option<Response> {
    let path = intake.path.as_str();
    let ours = path == TOKEN_PATH || path.starts_with(ROLES_PATH) || path == CREDENTIALS_URI_PATH;
    if !ours {
        return None;
    }
    let token = intake.header(TOKEN_HEADER);
    let (status, body) = answer(shared, intake, token);
    tracing::info!(
        method = %intake.method,
        path,
        with_token = token.is_some(),
        status = status.as_u16(),
        "metadata request"
    );
    let mut state = shared.state();
    let calls = &mut state.metadata.calls;
    if calls.len() == MAX_RECORDED {
        calls.pop_front();
    }
    calls.push_back(MetadataCall {
        method: intake.method.clone(),
        path: path.to_owned(),
        with_token: token.is_some(),
        status: status.as_u16(),
    });
    let json = body.starts_with('{');
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let content_type = if json { "application/json" } else { "text/plain" };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Some(response)
}

fn answer(shared: &Shared, intake: &Intake, token: Option<&str>) -> (StatusCode, String) {
    let now = shared.clock.now();
    let config = &shared.credentials;
    let path = intake.path.as_str();
    let method = intake.method.as_str();
    if path == CREDENTIALS_URI_PATH {
        return match method {
            "GET" => (StatusCode::OK, document(shared, "credentials-uri", now)),
            _ => (StatusCode::METHOD_NOT_ALLOWED, String::new()),
        };
    }
    if path == TOKEN_PATH {
        if method != "PUT" {
            return (StatusCode::METHOD_NOT_ALLOWED, String::new());
        }
        if config.metadata_tokens == MetadataTokens::Unsupported {
            return (StatusCode::FORBIDDEN, String::new());
        }
        let ttl = intake
            .header(TOKEN_TTL_HEADER)
            .and_then(|ttl| ttl.trim().parse::<i64>().ok())
            .filter(|ttl| (1..=21_600).contains(ttl));
        let Some(ttl) = ttl else {
            return (StatusCode::BAD_REQUEST, "missing or invalid token TTL".to_owned());
        };
        let value = format!("AQAE{}", rand::random::<u128>());
        let mut state = shared.state();
        state.metadata.tokens.retain(|_, expires| *expires > now);
        state.metadata.tokens.insert(
            value.clone(),
            now.checked_add_signed(TimeDelta::seconds(ttl)).unwrap_or(now),
        );
        return (StatusCode::OK, value);
    }
    if method != "GET" {
        return (StatusCode::METHOD_NOT_ALLOWED, String::new());
    }
    let authorised = match token {
        Some(token) => shared
            .state()
            .metadata
            .tokens
            .get(token)
            .is_some_and(|expires| *expires > now),
        None => config.metadata_tokens != MetadataTokens::Required,
    };
    if !authorised {
        return (StatusCode::UNAUTHORIZED, String::new());
    }
    let Some(role) = &config.metadata_role else {
        return (StatusCode::NOT_FOUND, String::new());
    };
    match path.strip_prefix(ROLES_PATH) {
        Some("") => (StatusCode::OK, role.clone()),
        Some(asked) if asked == role => (StatusCode::OK, document(shared, role, now)),
        _ => (StatusCode::NOT_FOUND, String::new()),
    }
}

/// A fresh credential document for `owner`, valid for the configured lifetime.
fn document(shared: &Shared, owner: &str, now: DateTime<Utc>) -> String {
    let lifetime = TimeDelta::from_std(shared.credentials.document_lifetime).unwrap_or(TimeDelta::hours(1));
    let credentials = shared.state().issued.issue(owner, now, lifetime);
    CredentialDocument::new(credentials, Some(now)).encode_json()
}
