//! The request pipeline: read, inject faults, verify, admit, perform, answer, record.

use crate::action::Action;
use crate::actions::{Call, perform};
use crate::config::Fault;
use crate::connection::ConnectionHandle;
use crate::intake::{Intake, Prelude};
use crate::log::ReceivedCall;
use crate::reply::{Failure, Reply};
use crate::state::{Shared, State};
use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::response::Response;
use cdn_task_core::signing::{ReceivedRequest, borrow_pairs, check_clock_skew, verify};
use cdn_task_core::{API_VERSION, ErrorCode};
use std::sync::Arc;

/// Handles every request the server receives (the router's only route).
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<ConnectionHandle>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (intake, refused) = Intake::read(&parts, body, shared.max_body_bytes).await;
    if let Some(response) = crate::metadata::serve(&shared, &intake) {
        return response;
    }
    let prelude = Prelude::of(&intake, refused);
    let fault = {
        let mut state = shared.state();
        let State { random, faults, .. } = &mut *state;
        random.fault(faults)
    };
    let mut recorder = RecordOnDrop(
        Arc::clone(&shared),
        ReceivedCall {
            method: intake.method.clone(),
            action: prelude.action.clone(),
            access_key_id: None,
            scheme: prelude.scheme,
            format: prelude.format,
            status: None,
            error_code: None,
            request_id: None,
            fault: fault.clone(),
        },
    );
    let call = &mut recorder.1;
    match &fault {
        Some(Fault::DropConnection) => {
            connection.cut();
            tracing::info!(action = ?call.action, "injected fault: connection dropped");
            // Never sent: the connection fails on the first write.
            return Response::default();
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    let request_id = shared.state().random.request_id();
    let reply = match &fault {
        Some(Fault::InternalError) => injected(ErrorCode::InternalError, &prelude, &request_id),
        Some(Fault::ServiceUnavailable) => injected(ErrorCode::ServiceUnavailable, &prelude, &request_id),
        _ => process(&shared, &intake, &prelude, &request_id, call)
            .unwrap_or_else(|failure| Reply::failure(&failure, prelude.format, &request_id)),
    };
    call.status = Some(reply.status);
    call.error_code.clone_from(&reply.error_code);
    call.request_id = Some(reply.request_id.clone());
    tracing::info!(
        action = ?call.action,
        access_key_id = ?call.access_key_id,
        status = reply.status,
        code = ?reply.error_code.as_ref().map(ErrorCode::as_str),
        request_id = %reply.request_id,
        "answered"
    );
    reply.into_response(fault == Some(Fault::TruncatedBody))
}

/// Records its call in the mock's log when dropped: on every way out of the handler, including
/// hyper dropping the handler when the client hangs up during an injected delay (the call's
/// status then stays `None`, as for a dropped connection).
struct RecordOnDrop(Arc<Shared>, ReceivedCall);

impl Drop for RecordOnDrop {
    fn drop(&mut self) {
        self.0.record(self.1.clone());
    }
}

fn injected(code: ErrorCode, prelude: &Prelude, request_id: &str) -> Reply {
    Reply::failure(&Failure::code(code), prelude.format, request_id)
}

/// Everything between reading a request and answering it. Synchronous: no lock can be held
/// across an await. Fills in what it learns about the caller in `call`.
///
/// The order of checks is the mock's choice (the docs give none): routing, readable parameters,
/// the signature (the core checks its fields, the timestamp's format, the key, then the
/// signature), skew, nonce, `Version`, `Action`, throttling, then the action's own validation.
/// So an unauthenticated caller learns nothing about versions or actions, and a throttled call
/// has already been authenticated.
fn process(
    shared: &Shared,
    intake: &Intake,
    prelude: &Prelude,
    request_id: &str,
    call: &mut ReceivedCall,
) -> Result<Reply, Failure> {
    // The API lives at `/`, by GET or POST; anything else is an API that does not exist.
    if intake.path != "/" || !matches!(intake.method.as_str(), "GET" | "POST") {
        return Err(Failure::code(ErrorCode::InvalidActionNotFound));
    }
    if let Some(malformed) = &prelude.malformed {
        return Err(Failure::detailed(ErrorCode::InvalidParameter, malformed));
    }
    if let Some(result) = crate::sts::anonymous(shared, intake, prelude, request_id) {
        return result;
    }
    let headers: Vec<(&str, &str)> = borrow_pairs(&intake.headers);
    let received = ReceivedRequest {
        method: &intake.method,
        path: &intake.path,
        query: &intake.query,
        headers: &headers,
        body: &intake.body,
    };
    let verified = verify(&received, |id| shared.secret(id))?;
    call.scheme = verified.scheme;
    call.access_key_id = Some(verified.access_key_id.clone());
    let now = shared.clock.now();
    check_clock_skew(verified.timestamp, now)
        .map_err(|_| Failure::code(ErrorCode::InvalidTimeStampExpired))?;
    shared
        .state()
        .nonces
        .check_and_record(&verified.access_key_id, &verified.nonce, now)
        .map_err(|_| Failure::code(ErrorCode::SignatureNonceUsed))?;
    // STS credentials the mock issued see their owner's tasks, once their token checks out.
    let owner = crate::sts::owner(shared, &verified, now)?;
    if let Some(result) = crate::sts::signed(shared, &verified, &owner, now, prelude.format, request_id) {
        return result;
    }
    // A missing Version or Action is `MissingParameter` naming it (the docs do not say).
    let version = verified
        .parameter("Version")
        .ok_or_else(|| Failure::missing("Version"))?;
    if version != API_VERSION {
        return Err(Failure::code(ErrorCode::InvalidVersion));
    }
    let name = verified
        .parameter("Action")
        .ok_or_else(|| Failure::missing("Action"))?;
    call.action = Some(name.to_owned());
    let action = Action::from_name(name).ok_or_else(|| Failure::code(ErrorCode::InvalidActionNotFound))?;
    if !shared.throttle.allows(&verified.access_key_id, action) {
        return Err(Failure::code(ErrorCode::ThrottlingUser));
    }
    let mut acting = verified;
    acting.access_key_id = owner;
    perform(
        action,
        &Call {
            shared,
            request: &acting,
            now,
            request_id,
            format: prelude.format,
        },
    )
}
