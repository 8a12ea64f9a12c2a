//! The credential document of the ECS metadata service and of a credentials URI.
//!
//! ```json
//! {"Code":"Success","AccessKeyId":"STS.…","AccessKeySecret":"…","SecurityToken":"…",
//!  "Expiration":"2017-11-01T05:20:01Z","LastUpdated":"2017-10-31T23:20:01Z"}
//! ```

use super::error::{DocumentError, FieldProblem};
use super::fields::{Fields, object};
use crate::sts::StsCredentials;
use crate::task_id::quote;
use crate::time::format_utc_timestamp;
use chrono::{DateTime, Utc};

/// A credential document: STS credentials with their expiry, and when they were issued.
/// `Debug` never shows the secret or the token.
///
/// ```
/// use cdn_task_core::credentials::CredentialDocument;
/// let body = br#"{"Code":"Success","AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t",
///                "Expiration":"2017-11-01T05:20:01Z","LastUpdated":"2017-10-31T23:20:01Z"}"#;
/// let document = CredentialDocument::decode_json(body)?;
/// assert_eq!(document.credentials().access_key_id(), "STS.a");
/// assert_eq!(document.last_updated().map(|t| t.to_rfc3339()).as_deref(), Some("2017-10-31T23:20:01+00:00"));
/// assert!(CredentialDocument::decode_json(br#"{"Code":"Failed"}"#).is_err());
/// # Ok::<(), cdn_task_core::credentials::DocumentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialDocument {
    credentials: StsCredentials,
    last_updated: Option<DateTime<Utc>>,
}

impl CredentialDocument {
    /// A document for `credentials`, issued at `last_updated`.
    pub fn new(credentials: StsCredentials, last_updated: Option<DateTime<Utc>>) -> CredentialDocument {
        CredentialDocument {
            credentials,
            last_updated,
        }
    }

    /// The credentials and their expiry.
    pub fn credentials(&self) -> &StsCredentials {
        &self.credentials
    }

    /// When they were issued (`LastUpdated`), when the document says.
    pub fn last_updated(&self) -> Option<DateTime<Utc>> {
        self.last_updated
    }

    /// Decodes a document: `Code` must be `Success`, and the three secrets and `Expiration`
    /// present (what the official libraries require; CREDENTIALS.md sections 4 and 6).
    pub fn decode_json(body: &[u8]) -> Result<CredentialDocument, DocumentError> {
        let map = object(body).map_err(|(line, column)| DocumentError::Syntax { line, column })?;
        let fields = Fields(&map);
        let field = |(field, problem)| DocumentError::Field { field, problem };
        let code = fields.required("Code").map_err(field)?;
        if code != "Success" {
            return Err(DocumentError::NotSuccess { code: quote(code) });
        }
        let expiration = fields
            .time("Expiration")
            .map_err(field)?
            .ok_or(DocumentError::Field {
                field: "Expiration",
                problem: FieldProblem::Missing,
            })?;
        Ok(CredentialDocument {
            credentials: StsCredentials::new(
                fields.required("AccessKeyId").map_err(field)?,
                fields.required("AccessKeySecret").map_err(field)?,
                fields.required("SecurityToken").map_err(field)?,
                expiration,
            ),
            last_updated: fields.time("LastUpdated").map_err(field)?,
        })
    }

    /// Encodes the document as the metadata service does.
    pub fn encode_json(&self) -> String {
        let c = &self.credentials;
        let mut map = serde_json::Map::new();
        let mut put = |name: &str, value: String| {
            map.insert(name.to_owned(), serde_json::Value::String(value));
        };
        put("AccessKeyId", c.access_key_id().to_owned());
        put("AccessKeySecret", c.access_key_secret().to_owned());
        put("Expiration", format_utc_timestamp(c.expiration()).to_string());
        put("SecurityToken", c.security_token().to_owned());
        if let Some(time) = self.last_updated {
            put("LastUpdated", format_utc_timestamp(time).to_string());
        }
        put("Code", "Success".to_owned());
        crate::codec::json::encode(&map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn round_trips() {
        let document = CredentialDocument::new(
            StsCredentials::new(
                "STS.a",
                "sec\"ret",
                "tok",
                Utc.with_ymd_and_hms(2026, 1, 1, 6, 0, 0).unwrap(),
            ),
            Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        );
        assert_eq!(
            CredentialDocument::decode_json(document.encode_json().as_bytes()).unwrap(),
            document
        );
    }

    #[test]
    fn every_malformed_document_names_its_field_and_no_value() {
        let base = r#""Code":"Success","AccessKeyId":"STS.a","AccessKeySecret":"SECRETX","SecurityToken":"TOKENX","Expiration":"2026-01-01T00:00:00Z""#;
        let cases = [
            ("{".to_owned(), "not a JSON object (line 1, column 1)"),
            ("[1]".to_owned(), "not a JSON object"),
            (
                format!("{{{base}}}").replace("Success", "Failed"),
                "`Code` is `Failed`",
            ),
            (
                format!("{{{base}}}").replace(r#""AccessKeySecret":"SECRETX","#, ""),
                "`AccessKeySecret` is missing",
            ),
            (
                format!("{{{base}}}").replace(r#""TOKENX""#, r#""""#),
                "`SecurityToken` is empty",
            ),
            (
                format!("{{{base}}}").replace(r#""SECRETX""#, "12345"),
                "`AccessKeySecret` is not a string",
            ),
            (
                format!("{{{base}}}").replace("2026-01-01T00:00:00Z", "tomorrow"),
                "`Expiration` is not a UTC time",
            ),
            (
                format!("{{{base}}}").replace(r#","Expiration":"2026-01-01T00:00:00Z""#, ""),
                "`Expiration` is missing",
            ),
        ];
        for (body, expected) in cases {
            let error = CredentialDocument::decode_json(body.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{body}: {error}");
            assert!(
                !error.contains("SECRETX") && !error.contains("TOKENX") && !error.contains("12345"),
                "{error}"
            );
        }
    }
}
