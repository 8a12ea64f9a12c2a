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

#[cfg(test)]
mod tests {
    use super::*;
    use FieldProblem::*;

    /// The fields of one JSON object, and what each reader makes of field `f`.
    fn with(value: &str) -> Map<String, Value> {
        object(format!(r#"{{"f":{value}}}"#).as_bytes()).unwrap()
    }

    /// Reads field `f` with `read` from an object holding each case's JSON value, then from one
    /// without it, and compares with what is expected.
    fn check<T: PartialEq + std::fmt::Debug>(
        read: impl Fn(&Fields<'_>) -> Result<T, (&'static str, FieldProblem)>,
        cases: impl IntoIterator<Item = (&'static str, Result<T, FieldProblem>)>,
        absent: T,
    ) {
        for (value, expected) in cases {
            assert_eq!(
                read(&Fields(&with(value))),
                expected.map_err(|p| ("f", p)),
                "{value}"
            );
        }
        assert_eq!(read(&Fields(&Map::new())), Ok(absent));
    }

    #[test]
    fn strings_are_required_or_optional_and_empty_is_absent() {
        let absent = Map::new();
        assert_eq!(Fields(&absent).required("f"), Err(("f", Missing)));
        assert_eq!(Fields(&absent).optional("f"), Ok(None));
        assert_eq!(Fields(&with(r#""""#)).required("f"), Err(("f", Empty)));
        assert_eq!(Fields(&with("null")).required("f"), Err(("f", Empty)));
        assert_eq!(Fields(&with(r#""""#)).optional("f"), Ok(None));
        assert_eq!(Fields(&with(r#""v""#)).required("f"), Ok("v"));
        assert_eq!(Fields(&with("1")).optional("f"), Err(("f", NotAString)));
    }

    #[test]
    fn seconds_are_whole_numbers_or_their_strings_and_zero_is_absent() {
        let cases: [(&str, Result<Option<u32>, FieldProblem>); 10] = [
            ("null", Ok(None)),
            ("900", Ok(Some(900))),
            (r#"" 900 ""#, Ok(Some(900))),
            ("0", Ok(None)),
            (r#""0""#, Ok(None)),
            (r#""  ""#, Ok(None)),
            (r#""soon""#, Err(NotANumber)),
            ("-1", Err(NotANumber)),
            ("4294967296", Err(NotANumber)),
            ("true", Err(NotANumber)),
        ];
        check(|fields| fields.seconds("f"), cases, None);
    }

    #[test]
    fn flags_are_booleans_or_their_strings_and_false_when_absent() {
        let cases: [(&str, Result<bool, FieldProblem>); 9] = [
            ("null", Ok(false)),
            ("true", Ok(true)),
            ("false", Ok(false)),
            (r#""TRUE""#, Ok(true)),
            (r#""False""#, Ok(false)),
            (r#""""#, Ok(false)),
            (r#""yes""#, Err(NotABoolean)),
            ("1", Err(NotABoolean)),
            ("[]", Err(NotABoolean)),
        ];
        check(|fields| fields.flag("f"), cases, false);
    }

    #[test]
    fn times_are_utc_timestamps() {
        let time = Fields(&with(r#""2017-10-31T23:20:01Z""#))
            .time("f")
            .unwrap()
            .unwrap();
        assert_eq!(time.to_rfc3339(), "2017-10-31T23:20:01+00:00");
        assert_eq!(Fields(&with(r#""yesterday""#)).time("f"), Err(("f", NotATime)));
        assert_eq!(Fields(&with("null")).time("f"), Ok(None));
    }

    #[test]
    fn an_object_or_where_it_stops_being_one() {
        assert_eq!(object(b"[1]"), Err((1, 1)));
        assert_eq!(object(b"{\n  \"a\": }"), Err((2, 8)));
        assert_eq!(object(br#"{"a":1}"#).map(|map| map.len()), Ok(1));
    }
}
