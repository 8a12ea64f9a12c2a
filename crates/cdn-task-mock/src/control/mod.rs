//! The HTTP control plane under `/_mock/`: JSON in and out, errors as `{"Error": "..."}` with a
//! 4xx status. Every endpoint calls the same [`Shared`] method as the matching
//! [`MockServer`](crate::MockServer) method (see `behaviour.rs`).
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /_mock/health` | `{"Status": "ok", "Version": "…"}` |
//! | `POST /_mock/reset` | back to the start state |
//! | `GET`/`POST /_mock/tasks` | every task with its `Owner`; add tasks (the tasks file's shape, plus `Owner`) |
//! | `GET`/`POST /_mock/clock` | `{"Now": "…Z"}`; `{"Advance": "90s"}` or `{"Set": "…Z"}` |
//! | `GET`/`PUT`/`DELETE /_mock/faults` | the fault rules |
//! | `GET`/`DELETE /_mock/calls` | the calls received (`?action=` filters) |
//! | `GET`/`POST /_mock/state`, `POST /_mock/state/save` | the whole state; save it to `--state FILE` |
//!
//! Checks run cheapest first: the path decides control plane or API (nothing else does); then
//! the token (from the headers only); then the endpoint and method; then the query; then the
//! declared body size; only then is a body read (bounded) and parsed.

mod access;
mod body;

pub use access::{AdminToken, ControlPlane, InvalidAdminToken};

use crate::behaviour::StoredTask;
use crate::connection::ConnectionHandle;
use crate::saved::{MockState, StateError};
use crate::service::handle;
use crate::state::Shared;
use crate::wire::{
    CallWire, FaultRuleWire, OwnedTaskWire, format_time, parse_duration_field, parse_owned_tasks, parse_time,
    short,
};
use access::Denied;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use body::{LARGE_BODY, SMALL_BODY, read_bytes, read_json};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The control plane's path prefix.
const PREFIX: &str = "/_mock";

/// Routes a request: `/_mock` and everything under `/_mock/` to the control plane (when it is
/// served), everything else to the API.
pub(crate) async fn route(
    AxumState(shared): AxumState<Arc<Shared>>,
    connection: ConnectInfo<ConnectionHandle>,
    request: Request,
) -> Response {
    let path = request.uri().path();
    let is_control = path == PREFIX || path.starts_with("/_mock/");
    if is_control && shared.control_plane.is_served() {
        serve(&shared, request).await
    } else {
        handle(AxumState(shared), connection, request).await
    }
}

/// A control-plane answer that is an error.
struct Refusal {
    status: StatusCode,
    message: String,
    /// For 405: the methods the endpoint answers.
    allow: Option<String>,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
            allow: None,
        }
    }

    fn bad(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }
}

/// The endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Health,
    Reset,
    Tasks,
    Clock,
    Faults,
    Calls,
    State,
    StateSave,
}

impl Endpoint {
    fn of(path: &str) -> Option<Endpoint> {
        Some(match path.strip_prefix(PREFIX)? {
            "/health" => Endpoint::Health,
            "/reset" => Endpoint::Reset,
            "/tasks" => Endpoint::Tasks,
            "/clock" => Endpoint::Clock,
            "/faults" => Endpoint::Faults,
            "/calls" => Endpoint::Calls,
            "/state" => Endpoint::State,
            "/state/save" => Endpoint::StateSave,
            _ => return None,
        })
    }

    /// The methods it answers.
    fn methods(self) -> &'static [Method] {
        match self {
            Endpoint::Health => &[Method::GET, Method::HEAD],
            Endpoint::Reset | Endpoint::StateSave => &[Method::POST],
            Endpoint::Tasks | Endpoint::Clock | Endpoint::State => &[Method::GET, Method::POST],
            Endpoint::Faults => &[Method::GET, Method::PUT, Method::DELETE],
            Endpoint::Calls => &[Method::GET, Method::DELETE],
        }
    }
}

/// Serves one control request.
async fn serve(shared: &Shared, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let answer = match shared
        .control_plane
        .authorize(parts.headers.get(header::AUTHORIZATION))
    {
        Err(Denied::Missing) => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "the control plane needs Authorization: Bearer <admin token>",
        )),
        Err(Denied::Wrong) => Err(Refusal::new(StatusCode::FORBIDDEN, "wrong admin token")),
        Ok(()) => dispatch(shared, &parts, body).await,
    };
    let (status, value, allow) = match answer {
        Ok(value) => (StatusCode::OK, value, None),
        Err(refusal) => (refusal.status, json!({ "Error": refusal.message }), refusal.allow),
    };
    tracing::info!(
        method = %short(parts.method.as_str()),
        path = %short(parts.uri.path()),
        status = status.as_u16(),
        "control plane"
    );
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(allow) = allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
        headers.insert(header::ALLOW, allow);
    }
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"cdn-task-mock\""),
        );
    }
    response
}

async fn dispatch(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    body: Body,
) -> Result<serde_json::Value, Refusal> {
    let path = parts.uri.path();
    let endpoint = Endpoint::of(path).ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            format!(
                "no control endpoint {:?}; see /_mock/health, reset, tasks, clock, faults, calls, state",
                short(path)
            ),
        )
    })?;
    let method = &parts.method;
    if !endpoint.methods().contains(method) {
        let allowed = endpoint
            .methods()
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Refusal {
            allow: Some(allowed.clone()),
            ..Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{path} answers {allowed}, not {}", short(method.as_str())),
            )
        });
    }
    let action = query_action(endpoint, parts.uri.query().unwrap_or_default())?;
    let headers = &parts.headers;
    match (endpoint, method.as_str()) {
        (Endpoint::Health, _) => Ok(json!({ "Status": "ok", "Version": env!("CARGO_PKG_VERSION") })),
        (Endpoint::Reset, _) => {
            shared.reset();
            Ok(json!({ "Status": "ok" }))
        }
        (Endpoint::Tasks, "GET") => Ok(tasks_json(&shared.tasks())),
        (Endpoint::Tasks, _) => {
            let value: serde_json::Value = read_json(headers, body, LARGE_BODY).await?;
            let parsed = parse_owned_tasks(value).map_err(Refusal::bad)?;
            Ok(tasks_json(&shared.add_tasks(parsed)))
        }
        (Endpoint::Clock, "GET") => Ok(now_json(shared.clock.now())),
        (Endpoint::Clock, _) => {
            let change: ClockChange = read_json(headers, body, SMALL_BODY).await?;
            let now = match (change.advance, change.set) {
                (Some(advance), None) => shared
                    .advance_clock(parse_duration_field("Advance", &advance).map_err(Refusal::bad)?)
                    .map_err(|error| Refusal::bad(error.to_string()))?,
                (None, Some(set)) => {
                    shared.set_clock(parse_time(&set).map_err(|e| Refusal::bad(format!("Set: {e}")))?)
                }
                _ => {
                    return Err(Refusal::bad(
                        "give exactly one of Advance (\"90s\") or Set (\"2026-06-01T00:00:00Z\")",
                    ));
                }
            };
            Ok(now_json(now))
        }
        (Endpoint::Faults, "GET") => Ok(faults_json(shared)),
        (Endpoint::Faults, "PUT") => {
            let wires: Vec<FaultRuleWire> = read_json(headers, body, SMALL_BODY).await?;
            let rules = wires
                .into_iter()
                .enumerate()
                .map(|(index, wire)| {
                    wire.into_rule()
                        .map_err(|error| Refusal::bad(format!("rule {}: {error}", index + 1)))
                })
                .collect::<Result<_, _>>()?;
            shared.set_fault_rules(rules);
            Ok(faults_json(shared))
        }
        (Endpoint::Faults, _) => {
            shared.set_fault_rules(Vec::new());
            Ok(faults_json(shared))
        }
        (Endpoint::Calls, "GET") => {
            let calls = shared.calls(action.as_deref());
            let wires: Vec<CallWire<'_>> = calls.iter().map(CallWire::new).collect();
            serde_json::to_value(wires)
                .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))
        }
        (Endpoint::Calls, _) => {
            shared.clear_calls();
            Ok(json!([]))
        }
        (Endpoint::State, "GET") => state_json(&shared.save()),
        (Endpoint::State, _) => {
            let bytes = read_bytes(headers, body, LARGE_BODY).await?;
            let text = std::str::from_utf8(&bytes).map_err(|_| Refusal::bad("the body is not UTF-8"))?;
            let state = MockState::from_json(text).map_err(|error| Refusal::bad(error.to_string()))?;
            shared.restore(&state);
            state_json(&shared.save())
        }
        (Endpoint::StateSave, _) => match shared.save_to_file() {
            Ok(path) => Ok(json!({ "Status": "ok", "File": path.display().to_string() })),
            Err(StateError::NoStateFile) => Err(Refusal::new(
                StatusCode::CONFLICT,
                StateError::NoStateFile.to_string(),
            )),
            Err(error) => {
                // The message with its cause (`cannot write state file F: Permission denied`).
                let chain =
                    std::iter::successors(Some(&error as &dyn std::error::Error), |error| error.source());
                let message = chain.map(ToString::to_string).collect::<Vec<_>>().join(": ");
                tracing::warn!(error = %message, "saving the state failed");
                Err(Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, message))
            }
        },
    }
}

/// `?action=NAME` for the call list; any other query parameter (or one anywhere else) is
/// refused, so a misspelt filter does not silently list everything.
fn query_action(endpoint: Endpoint, query: &str) -> Result<Option<String>, Refusal> {
    if query.is_empty() {
        return Ok(None);
    }
    let pairs = cdn_task_core::signing::parse_parameters(query)
        .map_err(|error| Refusal::bad(format!("the query string is malformed: {error}")))?;
    let mut action = None;
    for (name, value) in pairs {
        match (endpoint, name.as_str()) {
            (Endpoint::Calls, "action") if action.is_none() => action = Some(value),
            (Endpoint::Calls, "action") => return Err(Refusal::bad("give action at most once")),
            _ => {
                return Err(Refusal::bad(format!(
                    "unknown query parameter {:?}",
                    short(&name)
                )));
            }
        }
    }
    Ok(action)
}

/// `POST /_mock/clock`'s body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ClockChange {
    advance: Option<String>,
    set: Option<String>,
}

fn now_json(now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    json!({ "Now": format_time(now) })
}

fn tasks_json(tasks: &[StoredTask]) -> serde_json::Value {
    let wires: Vec<OwnedTaskWire<'_>> = tasks
        .iter()
        .map(|stored| OwnedTaskWire {
            owner: stored.owner.as_deref(),
            task: &stored.task,
        })
        .collect();
    serde_json::to_value(wires).unwrap_or_default()
}

fn faults_json(shared: &Shared) -> serde_json::Value {
    let wires: Vec<FaultRuleWire> = shared
        .fault_rules()
        .iter()
        .map(FaultRuleWire::from_rule)
        .collect();
    serde_json::to_value(wires).unwrap_or_default()
}

fn state_json(state: &MockState) -> Result<serde_json::Value, Refusal> {
    serde_json::from_str(&state.to_json())
        .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))
}
