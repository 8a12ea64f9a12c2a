//! What an `External` credential process prints on stdout (CREDENTIALS.md section 3b):
//! `{"mode":"AK"|"StsToken","access_key_id":…,"access_key_secret":…,"sts_token":…,"expiration":…}`.

use super::error::{DocumentError, FieldProblem};
use super::fields::{Fields, object};
use crate::signing::Credentials;
use chrono::{DateTime, Utc};

/// The credentials a process printed, and their expiry if it gave one.
///
/// ```
/// use cdn_task_core::credentials::ProcessOutput;
/// let out = ProcessOutput::decode_json(br#"{"mode":"StsToken","access_key_id":"STS.a",
///     "access_key_secret":"s","sts_token":"t","expiration":"2026-11-30T12:00:00Z"}"#)?;
/// assert_eq!(out.credentials().security_token(), Some("t"));
/// assert!(out.expiration().is_some());
/// # Ok::<(), cdn_task_core::credentials::DocumentError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessOutput {
    credentials: Credentials,
    expiration: Option<DateTime<Utc>>,
}

impl ProcessOutput {
    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When they expire, if the process said.
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        self.expiration
    }

    /// Decodes the output. `mode` defaults to `AK`; `StsToken` requires `sts_token`.
    pub fn decode_json(body: &[u8]) -> Result<ProcessOutput, DocumentError> {
        let map = object(body).map_err(|(line, column)| DocumentError::Syntax { line, column })?;
        let fields = Fields(&map);
        let field = |(field, problem)| DocumentError::Field { field, problem };
        let credentials = Credentials::new(
            fields.required("access_key_id").map_err(field)?,
            fields.required("access_key_secret").map_err(field)?,
        );
        let credentials = match fields.optional("mode").map_err(field)?.unwrap_or("AK") {
            "AK" => credentials,
            "StsToken" => credentials.with_security_token(fields.required("sts_token").map_err(field)?),
            _ => {
                return Err(DocumentError::Field {
                    field: "mode",
                    problem: FieldProblem::Unexpected,
                });
            }
        };
        Ok(ProcessOutput {
            credentials,
            expiration: fields.time("expiration").map_err(field)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_errors() {
        let ak = ProcessOutput::decode_json(br#"{"access_key_id":"a","access_key_secret":"b"}"#).unwrap();
        assert_eq!((ak.credentials().security_token(), ak.expiration()), (None, None));
        for (body, expected) in [
            (
                &br#"{"mode":"StsToken","access_key_id":"a","access_key_secret":"b"}"#[..],
                "`sts_token` is missing",
            ),
            (
                br#"{"mode":"OAuth","access_key_id":"a","access_key_secret":"b"}"#,
                "`mode` has a value",
            ),
            (
                br#"{"access_key_id":"a","access_key_secret":"b","expiration":"1h"}"#,
                "`expiration` is not a UTC time",
            ),
            (b"not json", "not a JSON object"),
        ] {
            let error = ProcessOutput::decode_json(body).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
