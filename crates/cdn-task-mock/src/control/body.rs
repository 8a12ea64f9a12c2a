//! Reading a control request's body: the declared size first, then at most the limit, then JSON.

use super::Refusal;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

/// The limit for small documents (clock, fault rules): 64 KiB.
pub(super) const SMALL_BODY: usize = 64 * 1024;
/// The limit for task lists and whole states: 16 MiB (a state of some 50,000 tasks).
pub(super) const LARGE_BODY: usize = 16 * 1024 * 1024;

/// The body, at most `limit` bytes: refused by its declared `Content-Length` before reading
/// when that is over the limit, and cut off at the limit otherwise.
pub(super) async fn read_bytes(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Refusal> {
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than this endpoint's limit of {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| too_large())
}

/// The body as JSON of type `T`, strictly: a message that names the line and column otherwise.
pub(super) async fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<T, Refusal> {
    let bytes = read_bytes(headers, body, limit).await?;
    if bytes.is_empty() {
        return Err(Refusal::bad("the body is empty; expected JSON"));
    }
    serde_json::from_slice(&bytes)
        .map_err(|error| Refusal::bad(format!("the body is not the JSON expected: {error}")))
}
