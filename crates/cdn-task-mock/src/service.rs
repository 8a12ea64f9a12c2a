//! The request pipeline: read, inject faults, verify, admit, perform, answer, record.

use crate::action::Action;
use crate::actions::{Call, perform};
use crate::connection::ConnectionHandle;
use crate::fault::Fault;
use crate::intake::{Intake, Prelude, answer_format};
use crate::log::{ReceivedCall, client_text};
use crate::nonce::NonceRefused;
use crate::recorded::{recorded_headers, recorded_parameters};
use crate::reply::{Failure, Reply};
use crate::state::{Shared, State};
use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::response::Response;
use cdn_task_core::signing::{
    ReceivedRequest, SignatureVersion, VerifyError, borrow_pairs, canonical_query, check_clock_skew,
    claimed_scheme, is_form_urlencoded, parse_parameters, rpc_string_to_sign, verify,
};
use cdn_task_core::{API_VERSION, ErrorCode};
use std::sync::Arc;

/// Handles every request the server receives (the router's only route).
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<ConnectionHandle>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (intake, refused) = Intake::read(&parts, body, shared.body_limits).await;
    if let Some(response) = crate::metadata::serve(&shared, &intake) {
        return response;
    }
    let prelude = Prelude::of(&intake, refused);
    let fault = {
        let mut state = shared.state();
        let State { random, faults, .. } = &mut *state;
        random.fault(faults, prelude.action.as_deref())
    };
    let mut recorder = RecordOnDrop(
        Arc::clone(&shared),
        ReceivedCall {
            time: shared.clock.request_time(),
            parameters: Vec::new(),
            headers: recorded_headers(&intake.headers),
            method: client_text(&intake.method),
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
        Some(Fault::Error(code)) => injected(code.clone(), &prelude, &request_id),
        _ => process(&shared, &intake, &prelude, &request_id, call)
            .unwrap_or_else(|failure| Reply::failure(&failure, call.format, &request_id)),
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

/// `SignatureDoesNotMatch` quoting the string to sign as the real gateway does, unredacted: for
/// RPC it is rebuilt from the request's own parameters (the core's error carries it with the
/// security token masked); ACS3's holds only a hash and is quoted as is.
fn unredacted_mismatch(received: &ReceivedRequest<'_>, error: VerifyError) -> Failure {
    let form_body = received
        .headers
        .iter()
        .any(|(name, value)| name.eq_ignore_ascii_case("content-type") && is_form_urlencoded(value));
    let parameters = [
        received.query.as_bytes(),
        if form_body { received.body } else { &[] },
    ]
    .into_iter()
    .map(|raw| {
        std::str::from_utf8(raw)
            .ok()
            .and_then(|text| parse_parameters(text).ok())
    })
    .collect::<Option<Vec<_>>>();
    match (claimed_scheme(received.headers), parameters) {
        (SignatureVersion::Rpc, Some(parameters)) => {
            let signed: Vec<(&str, &str)> = parameters
                .iter()
                .flatten()
                .filter(|(name, _)| name != "Signature")
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let string_to_sign = rpc_string_to_sign(received.method, &canonical_query(&signed));
            Failure::detailed(
                error.error_code(),
                format!("server string to sign is:{string_to_sign}"),
            )
        }
        _ => Failure::from(error),
    }
}

fn injected(code: ErrorCode, prelude: &Prelude, request_id: &str) -> Reply {
    Reply::failure(&Failure::code(code), prelude.format, request_id)
}

/// Everything between reading a request and answering it. Synchronous: no lock can be held
/// across an await. Fills in what it learns about the caller in `call`: once the signature is
/// verified, its scheme, key, answer format and action come from the verified request, so
/// nothing unsigned changes what is answered.
///
/// The order of checks is the mock's choice (the docs give none): routing, a readable body,
/// the signature (the core checks, cheapest first, the parameters' count and encoding, the
/// signing fields, repeated parameters, the timestamp's format, the key, then the signature),
/// skew, nonce, `Version`, `Action`, throttling, then the action's own validation. So an
/// unauthenticated caller learns nothing about versions or actions, and a throttled call has
/// already been authenticated. The nonce of every verified request is remembered, refused ones
/// too: a captured request that was throttled must not run when replayed later.
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
    let verified = verify(&received, |id| shared.secret(id)).map_err(|error| match error {
        VerifyError::SignatureMismatch { .. } if shared.echo_unredacted_string_to_sign => {
            unredacted_mismatch(&received, error)
        }
        other => Failure::from(other),
    })?;
    call.scheme = verified.scheme;
    call.access_key_id = Some(verified.access_key_id.clone());
    call.format = answer_format(verified.parameter("Format"), verified.scheme);
    call.action = verified.parameter("Action").map(client_text);
    call.parameters = recorded_parameters(&verified.parameters);
    // Tasks and quotas follow the mock's clock; skew and nonces the time requests are judged by.
    let now = shared.clock.now();
    let request_time = shared.clock.request_time();
    check_clock_skew(verified.timestamp, request_time)
        .map_err(|_| Failure::code(ErrorCode::InvalidTimeStampExpired))?;
    shared
        .state()
        .nonces
        .check_and_record(
            &verified.access_key_id,
            &verified.nonce,
            verified.timestamp,
            request_time,
        )
        .map_err(|refused| match refused {
            NonceRefused::Replayed => Failure::code(ErrorCode::SignatureNonceUsed),
            NonceRefused::StoreFull => Failure::code(ErrorCode::ThrottlingUser),
        })?;
    // STS credentials the mock issued see their owner's tasks, once their token checks out.
    let owner = crate::sts::owner(shared, &verified, now)?;
    if let Some(result) = crate::sts::signed(shared, &verified, &owner, now, call.format, request_id) {
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
    let action = Action::from_name(name).ok_or_else(|| Failure::code(ErrorCode::InvalidActionNotFound))?;
    shared
        .throttle
        .check(&verified.access_key_id, action)
        .map_err(Failure::throttled)?;
    let mut acting = verified;
    acting.access_key_id = owner;
    perform(
        action,
        &Call {
            shared,
            request: &acting,
            now,
            request_id,
            format: call.format,
        },
    )
}
