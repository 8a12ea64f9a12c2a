//! JSON plumbing over serde_json: decode errors with line, column and field path; infallible encoding.

use super::{DecodeError, JsonErrorKind};
use crate::task_id::shorten;

/// Longest decode-error detail kept.
const MAX_DETAIL_CHARS: usize = 256;

/// Decodes `body` into `T`, mapping serde_json's error to a [`DecodeError::Json`].
///
/// The fast path is plain serde_json; only when it fails is the body decoded again with
/// serde_path_to_error, to name the field (`Tasks[0].TaskId`) at no cost to the success path.
pub(crate) fn decode<'de, T: serde::Deserialize<'de>>(body: &'de [u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|error| {
        let path = field_path::<T>(body);
        let kind = match error.classify() {
            serde_json::error::Category::Eof => JsonErrorKind::Truncated,
            serde_json::error::Category::Data => JsonErrorKind::Data,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => JsonErrorKind::Syntax,
        };
        DecodeError::Json {
            kind,
            path,
            line: error.line(),
            column: error.column(),
            // serde_json's message ends with the position, which the variant carries already, and
            // quotes an offending value whole, however large: keep the message bounded.
            detail: shorten(
                error.to_string().trim_end_matches(&format!(
                    " at line {} column {}",
                    error.line(),
                    error.column()
                )),
                MAX_DETAIL_CHARS,
            ),
        }
    })
}

/// The path of the field where decoding `body` as `T` fails (`.` for the document itself).
fn field_path<'de, T: serde::Deserialize<'de>>(body: &'de [u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => ".".to_owned(),
        Err(error) => error.path().to_string(),
    }
}

/// Encodes `value` compactly. The body types have string keys and no floats, so serde_json cannot
/// fail on them; the empty fallback is unreachable.
pub(crate) fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
