//! JSON plumbing over serde_json: decode errors with line and column, infallible encoding.

use super::{DecodeError, JsonErrorKind};

/// Decodes `body` into `T`, mapping serde_json's error to a [`DecodeError::Json`].
pub(crate) fn decode<'de, T: serde::Deserialize<'de>>(body: &'de [u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|error| {
        let kind = match error.classify() {
            serde_json::error::Category::Eof => JsonErrorKind::Truncated,
            serde_json::error::Category::Data => JsonErrorKind::Data,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => JsonErrorKind::Syntax,
        };
        DecodeError::Json {
            kind,
            line: error.line(),
            column: error.column(),
            detail: error.to_string(),
        }
    })
}

/// Encodes `value` compactly. The body types have string keys and no floats, so serde_json cannot
/// fail on them; the empty fallback is unreachable.
pub(crate) fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
