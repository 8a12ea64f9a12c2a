//! Wire codecs: every message body the service sends, in JSON and XML, both directions.
//!
//! The client decodes, the mock encodes; for every body type `decode(encode(x)) == x`.

pub(crate) mod fast;
pub(crate) mod json;
pub(crate) mod xml;

use crate::request::Format;

/// Why a body could not be decoded. Keeps "could not decode" apart from "the service said no"
/// (that is a [`ServiceErrorBody`](crate::ServiceErrorBody)), and says where decoding stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The JSON is not well formed, ends early, or does not fit the expected shape.
    #[error("JSON {kind} at `{path}` (line {line}, column {column}): {detail}")]
    Json {
        /// What kind of JSON error.
        kind: JsonErrorKind,
        /// The field where decoding stopped, as a path (`Tasks[0].TaskId`; `.` for the document).
        path: String,
        /// 1-based line where the parser stopped.
        line: usize,
        /// 1-based column where the parser stopped.
        column: usize,
        /// The parser's account.
        detail: String,
    },
    /// The XML is not well formed (including a document that ends early).
    #[error("XML syntax error at byte {offset}: {detail}")]
    XmlSyntax {
        /// Byte offset where the parser stopped.
        offset: u64,
        /// The parser's account.
        detail: String,
    },
    /// The XML document type declaration is refused: no DTD, so no entity expansion tricks.
    #[error("XML document type declaration at byte {offset} is not accepted")]
    XmlDtd {
        /// Byte offset of the declaration.
        offset: u64,
    },
    /// The XML root element is not the expected one.
    #[error("XML root element is <{found}>, expected <{expected}>")]
    XmlWrongRoot {
        /// The expected root element.
        expected: &'static str,
        /// The root element found (empty when there is none).
        found: String,
    },
    /// An XML element that should hold text holds an element.
    #[error("XML element <{element}> at byte {offset} holds markup where text was expected")]
    XmlUnexpectedMarkup {
        /// The element that should hold text.
        element: String,
        /// Byte offset of the markup.
        offset: u64,
    },
    /// A required field is absent.
    #[error("required field `{field}` is missing in {container}")]
    MissingField {
        /// The field's wire name.
        field: &'static str,
        /// Which element or object lacks it (`Tasks` number N, the response, …).
        container: String,
    },
    /// A field appears twice in one element.
    #[error("field `{field}` appears twice in {container} (second at byte {offset})")]
    DuplicateField {
        /// The field's wire name.
        field: &'static str,
        /// Where.
        container: String,
        /// Byte offset of the second occurrence.
        offset: u64,
    },
    /// A field's text is not a valid value.
    #[error("field `{field}` at byte {offset} is invalid: {detail}")]
    InvalidField {
        /// The field's wire name.
        field: &'static str,
        /// Byte offset of the field's element.
        offset: u64,
        /// What is wrong with the value.
        detail: String,
    },
}

/// The kind of a JSON decode error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// Not well-formed JSON.
    Syntax,
    /// Well-formed, but the document ends early.
    Truncated,
    /// Well-formed JSON of the wrong shape: a missing field, a wrong type, an invalid value.
    Data,
}

impl std::fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JsonErrorKind::Syntax => "syntax error",
            JsonErrorKind::Truncated => "document ends early",
            JsonErrorKind::Data => "data error",
        })
    }
}

/// A message body the service sends, in both of its formats.
///
/// Sealed: implemented by this crate's bodies only, so that items may be added to it without
/// breaking anyone.
pub trait WireBody: Sized + crate::sealed::Sealed {
    /// Decodes a JSON body.
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError>;
    /// Decodes an XML body.
    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError>;
    /// Encodes as JSON (compact, fields in the service's order).
    fn encode_json(&self) -> String;
    /// Encodes as XML (with prolog, compact).
    fn encode_xml(&self) -> String;

    /// Decodes a body in `format`.
    ///
    /// ```
    /// use cdn_task_core::{CreateTasksResponse, DecodeError, Format, WireBody};
    /// let body = br#"{"RefreshTaskId":"704222904,704222905","RequestId":"D61E4801"}"#;
    /// let created = CreateTasksResponse::decode(Format::Json, body)?;
    /// assert_eq!(created.task_ids.len(), 2);
    /// let error = CreateTasksResponse::decode(Format::Json, &body[..20]).unwrap_err();
    /// assert!(matches!(error, DecodeError::Json { .. }));
    /// # Ok::<(), DecodeError>(())
    /// ```
    fn decode(format: Format, body: &[u8]) -> Result<Self, DecodeError> {
        match format {
            Format::Json => Self::decode_json(body),
            Format::Xml => Self::decode_xml(body),
        }
    }

    /// Encodes in `format`.
    fn encode(&self, format: Format) -> String {
        match format {
            Format::Json => self.encode_json(),
            Format::Xml => self.encode_xml(),
        }
    }
}
