//! Picking typed fields out of a JSON object one by one, so that an error names the field and
//! never quotes its value (a derived decoder would quote a mistyped secret).

use super::error::FieldProblem;
use crate::time::parse_utc_timestamp;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A JSON object's fields.
pub(crate) struct Fields<'a>(pub(crate) &'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// A string that must be present and not empty.
    pub(crate) fn required(&self, field: &'static str) -> Result<&'a str, (&'static str, FieldProblem)> {
        match self.optional(field)? {
            Some(text) => Ok(text),
            None => Err((field, self.absence(field))),
        }
    }

    fn absence(&self, field: &str) -> FieldProblem {
        if self.0.contains_key(field) {
            FieldProblem::Empty
        } else {
            FieldProblem::Missing
        }
    }

    /// A string that may be absent, `null` or empty (all `None`).
    pub(crate) fn optional(
        &self,
        field: &'static str,
    ) -> Result<Option<&'a str>, (&'static str, FieldProblem)> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err((field, FieldProblem::NotAString)),
        }
    }

    /// A whole number (or a string of one) that may be absent; 0 counts as absent (the CLI
    /// writes 0 for "not set").
    pub(crate) fn seconds(&self, field: &'static str) -> Result<Option<u32>, (&'static str, FieldProblem)> {
        let number = match self.0.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(number)) => number.as_u64(),
            Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
            Some(Value::String(text)) => text.trim().parse().ok(),
            Some(_) => None,
        };
        match number.map(u32::try_from) {
            Some(Ok(0)) => Ok(None),
            Some(Ok(seconds)) => Ok(Some(seconds)),
            _ => Err((field, FieldProblem::NotANumber)),
        }
    }

    /// A boolean (or `"true"`/`"false"`), false when absent.
    pub(crate) fn flag(&self, field: &'static str) -> Result<bool, (&'static str, FieldProblem)> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("false") || text.is_empty() => Ok(false),
            Some(_) => Err((field, FieldProblem::NotABoolean)),
        }
    }

    /// A UTC time that may be absent.
    pub(crate) fn time(
        &self,
        field: &'static str,
    ) -> Result<Option<DateTime<Utc>>, (&'static str, FieldProblem)> {
        self.optional(field)?
            .map(|text| parse_utc_timestamp(text).map_err(|_| (field, FieldProblem::NotATime)))
            .transpose()
    }
}

/// Parses `text` as a JSON object; the error is the line and column where it stops being one.
pub(crate) fn object(text: &[u8]) -> Result<Map<String, Value>, (usize, usize)> {
    match serde_json::from_slice::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err((1, 1)),
        Err(error) => Err((error.line(), error.column())),
    }
}
