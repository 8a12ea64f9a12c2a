//! The JSON shapes of the control plane and of the saved state, in the API's PascalCase: fault
//! rules, tasks with their owner, received calls, times and durations. Decoding is strict:
//! unknown fields, wrong types and out-of-range values are refused with a message that names
//! the field.

use crate::action::Action;
use crate::fault::{Fault, FaultRule};
use crate::flags::parse_duration;
use crate::log::ReceivedCall;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{ErrorCode, Task};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::Duration;

/// A time as RFC 3339 in UTC (`2026-06-01T00:00:00Z`, with a fraction when there is one).
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses an RFC 3339 time (any offset; answered in UTC).
pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|error| {
            format!(
                "{:?} is not an RFC 3339 time such as 2026-06-01T00:00:00Z ({error})",
                short(text)
            )
        })
}

/// A duration as `parse_duration` reads it back: `90s`, `500ms`, or decimal seconds.
pub(crate) fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration.subsec_nanos() % 1_000_000 == 0 {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}s", duration.as_secs_f64())
    }
}

/// Parses a duration (`500ms`, `90s`, `1.5m`, `73h`), saying which field it was.
pub(crate) fn parse_duration_field(field: &str, text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|error| format!("{field}: {error}"))
}

/// At most 64 characters of client text, for messages.
pub(crate) fn short(text: &str) -> String {
    const LIMIT: usize = 64;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// serde for a required RFC 3339 time.
pub(crate) mod time {
    use chrono::{DateTime, Utc};

    pub(crate) fn serialize<S: serde::Serializer>(
        time: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_time(*time))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let text: String = serde::Deserialize::deserialize(deserializer)?;
        super::parse_time(&text).map_err(serde::de::Error::custom)
    }
}

/// A fault rule on the wire: `{"Action": "*", "Fault": "ServiceUnavailable", "Rate": 1,
/// "Count": 2}`; `Code` goes with `"Fault": "Error"` and `Delay` with `"Fault": "Delay"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct FaultRuleWire {
    /// An action name, or `*` for every action. Default `*`.
    #[serde(default = "every_action")]
    action: String,
    fault: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// Default 1.
    #[serde(default = "always")]
    rate: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay: Option<String>,
}

fn every_action() -> String {
    "*".to_owned()
}

fn always() -> f64 {
    1.0
}

/// The wire names of the faults (`TruncateBody` as the control plane spells it).
const FAULT_NAMES: &str = "ServiceUnavailable, InternalError, Delay, DropConnection, TruncateBody or Error";

/// A fault's wire name.
pub(crate) fn fault_name(fault: &Fault) -> &'static str {
    match fault {
        Fault::InternalError => "InternalError",
        Fault::ServiceUnavailable => "ServiceUnavailable",
        Fault::Delay(_) => "Delay",
        Fault::DropConnection => "DropConnection",
        Fault::TruncatedBody => "TruncateBody",
        Fault::Error(_) => "Error",
    }
}

impl FaultRuleWire {
    pub(crate) fn from_rule(rule: &FaultRule) -> FaultRuleWire {
        let fault = rule.fault();
        FaultRuleWire {
            action: rule.action().unwrap_or("*").to_owned(),
            fault: fault_name(fault).to_owned(),
            code: match fault {
                Fault::Error(code) => Some(code.as_str().to_owned()),
                _ => None,
            },
            rate: rule.rate(),
            count: rule.remaining(),
            delay: match fault {
                Fault::Delay(delay) => Some(format_duration(*delay)),
                _ => None,
            },
        }
    }

    /// The rule, or what is wrong with it.
    pub(crate) fn into_rule(self) -> Result<FaultRule, String> {
        let fault = match (self.fault.as_str(), self.code, self.delay) {
            ("Error", Some(code), None) => Fault::Error(known_code(&code)?),
            ("Error", None, _) => return Err("Fault Error needs a Code from the catalogue".into()),
            ("Delay", None, Some(delay)) => Fault::Delay(parse_duration_field("Delay", &delay)?),
            ("Delay", _, None) => return Err("Fault Delay needs a Delay such as \"2s\"".into()),
            (_, Some(_), _) => return Err("Code goes only with Fault Error".into()),
            (_, _, Some(_)) => return Err("Delay goes only with Fault Delay".into()),
            ("ServiceUnavailable", None, None) => Fault::ServiceUnavailable,
            ("InternalError", None, None) => Fault::InternalError,
            ("DropConnection", None, None) => Fault::DropConnection,
            ("TruncateBody", None, None) => Fault::TruncatedBody,
            (other, None, None) => {
                return Err(format!(
                    "unknown Fault {:?}; expected {FAULT_NAMES}",
                    short(other)
                ));
            }
        };
        let mut rule = FaultRule::new(fault)
            .with_rate(self.rate)
            .map_err(|error| format!("Rate: {error}"))?;
        if self.action != "*" {
            let action = Action::from_name(&self.action).ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|action| action.name()).collect();
                format!(
                    "unknown Action {:?}; expected * or one of {}",
                    short(&self.action),
                    known.join(", ")
                )
            })?;
            rule = rule.for_action(action.name());
        }
        if let Some(count) = self.count {
            rule = rule.with_count(count);
        }
        Ok(rule)
    }
}

/// `code`, if the catalogue knows it.
fn known_code(code: &str) -> Result<ErrorCode, String> {
    let Ok(parsed) = code.parse::<ErrorCode>();
    if ErrorCode::KNOWN.contains(&parsed) {
        Ok(parsed)
    } else {
        Err(format!("Code {:?} is not in the error catalogue", short(code)))
    }
}

/// A task with its owner, as listed: the task's API fields plus `Owner` (`null`: every key).
#[derive(Debug, Serialize)]
pub(crate) struct OwnedTaskWire<'a> {
    #[serde(rename = "Owner")]
    pub(crate) owner: Option<&'a str>,
    #[serde(flatten)]
    pub(crate) task: &'a Task,
}

/// Tasks to add, as the tasks file has them (a JSON array in the API's field names), each with an
/// optional `"Owner": "<AccessKeyId>"`. Unknown fields and repeated IDs are refused.
pub(crate) fn parse_owned_tasks(value: serde_json::Value) -> Result<Vec<(Option<String>, Task)>, String> {
    let serde_json::Value::Array(elements) = value else {
        return Err("expected a JSON array of tasks".into());
    };
    let mut seen = HashSet::new();
    let mut tasks = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let position = index + 1;
        let serde_json::Value::Object(mut object) = element else {
            return Err(format!("task {position}: expected a JSON object"));
        };
        let owner = match object.remove("Owner") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(owner)) if !owner.is_empty() => Some(owner),
            Some(_) => {
                return Err(format!(
                    "task {position}: Owner must be an AccessKeyId string or null"
                ));
            }
        };
        let keys: Vec<String> = object.keys().cloned().collect();
        let task: Task = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|error| format!("task {position}: {error}"))?;
        // The fields a task has are those the core writes back.
        let known = match serde_json::to_value(&task) {
            Ok(serde_json::Value::Object(encoded)) => encoded,
            _ => serde_json::Map::new(),
        };
        if let Some(unknown) = keys.iter().find(|key| !known.contains_key(key.as_str())) {
            return Err(format!("task {position}: unknown field {:?}", short(unknown)));
        }
        if !seen.insert(task.task_id) {
            return Err(format!("task {position}: TaskId {} appears twice", task.task_id));
        }
        tasks.push((owner, task));
    }
    Ok(tasks)
}

/// A received call, as `GET /_mock/calls` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CallWire<'a> {
    time: String,
    method: &'a str,
    action: Option<&'a str>,
    access_key_id: Option<&'a str>,
    scheme: &'static str,
    format: &'static str,
    parameters: serde_json::Map<String, serde_json::Value>,
    headers: serde_json::Map<String, serde_json::Value>,
    status: Option<u16>,
    error_code: Option<&'a str>,
    request_id: Option<&'a str>,
    fault: Option<&'static str>,
}

impl<'a> CallWire<'a> {
    pub(crate) fn new(call: &'a ReceivedCall) -> CallWire<'a> {
        CallWire {
            time: format_time(call.time),
            method: &call.method,
            action: call.action.as_deref(),
            access_key_id: call.access_key_id.as_deref(),
            scheme: match call.scheme {
                SignatureVersion::Acs3 => "ACS3",
                _ => "RPC",
            },
            format: call.format.as_str(),
            parameters: first_of_each_name(&call.parameters),
            headers: first_of_each_name(&call.headers),
            status: call.status,
            error_code: call.error_code.as_ref().map(ErrorCode::as_str),
            request_id: call.request_id.as_deref(),
            fault: call.fault.as_ref().map(fault_name),
        }
    }
}

/// Name–value pairs as a JSON object; a repeated name keeps its first value.
fn first_of_each_name(pairs: &[(String, String)]) -> serde_json::Map<String, serde_json::Value> {
    let mut object = serde_json::Map::new();
    for (name, value) in pairs {
        object
            .entry(name.clone())
            .or_insert_with(|| serde_json::Value::String(value.clone()));
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> Result<FaultRule, String> {
        serde_json::from_str::<FaultRuleWire>(json)
            .map_err(|error| error.to_string())?
            .into_rule()
    }

    #[test]
    fn fault_rules_round_trip() {
        for json in [
            r#"{"Action":"*","Fault":"ServiceUnavailable","Rate":1.0}"#,
            r#"{"Action":"DescribeRefreshTaskById","Fault":"Error","Code":"Throttling","Rate":0.5,"Count":3}"#,
            r#"{"Action":"*","Fault":"Delay","Rate":1.0,"Delay":"1500ms"}"#,
            r#"{"Action":"*","Fault":"TruncateBody","Rate":0.0}"#,
        ] {
            let parsed = rule(json).unwrap();
            let back = serde_json::to_string(&FaultRuleWire::from_rule(&parsed)).unwrap();
            assert_eq!(back, json);
        }
        let defaults = rule(r#"{"Fault":"DropConnection"}"#).unwrap();
        assert_eq!(
            (defaults.action(), defaults.rate(), defaults.remaining()),
            (None, 1.0, None)
        );
    }

    #[test]
    fn bad_fault_rules_say_what_is_wrong() {
        for (json, expected) in [
            (r#"{"Fault":"Explode"}"#, "unknown Fault"),
            (r#"{"Fault":"Error"}"#, "needs a Code"),
            (
                r#"{"Fault":"Error","Code":"NoSuchCode"}"#,
                "not in the error catalogue",
            ),
            (r#"{"Fault":"Delay"}"#, "needs a Delay"),
            (r#"{"Fault":"Delay","Delay":"soon"}"#, "Delay: duration"),
            (
                r#"{"Fault":"InternalError","Code":"Throttling"}"#,
                "only with Fault Error",
            ),
            (
                r#"{"Fault":"InternalError","Delay":"1s"}"#,
                "only with Fault Delay",
            ),
            (r#"{"Fault":"InternalError","Rate":2}"#, "Rate"),
            (r#"{"Fault":"InternalError","Action":"Nope"}"#, "unknown Action"),
            (r#"{"Fault":"InternalError","Extra":1}"#, "unknown field"),
            (r#"{"Fault":"InternalError","Count":-1}"#, "invalid value"),
        ] {
            let error = rule(json).unwrap_err();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn owned_tasks_are_strict() {
        let task = r#"{"TaskId":"9","ObjectPath":"http://e.com/","ObjectType":"file","Status":"Pending",
            "Process":"0%","CreationTime":"2026-01-01T00:00:00Z","Description":""}"#;
        let parsed = parse_owned_tasks(serde_json::from_str(&format!("[{task}]")).unwrap()).unwrap();
        assert_eq!(parsed[0].0, None);
        let owned = task.replacen('{', r#"{"Owner":"alice","#, 1);
        let parsed = parse_owned_tasks(serde_json::from_str(&format!("[{owned}]")).unwrap()).unwrap();
        assert_eq!(parsed[0].0.as_deref(), Some("alice"));
        let extra = task.replacen('{', r#"{"Colour":"red","#, 1);
        for (json, expected) in [
            (format!("[{extra}]"), "unknown field"),
            (format!("[{task},{task}]"), "appears twice"),
            ("{}".to_owned(), "array"),
            ("[1]".to_owned(), "object"),
            (format!("[{}]", task.replacen('{', r#"{"Owner":5,"#, 1)), "Owner"),
            (r#"[{"TaskId":"1"}]"#.to_owned(), "missing field"),
        ] {
            let error = parse_owned_tasks(serde_json::from_str(&json).unwrap()).unwrap_err();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn times_and_durations() {
        let time = parse_time("2026-06-01T02:00:00+02:00").unwrap();
        assert_eq!(format_time(time), "2026-06-01T00:00:00Z");
        assert!(parse_time("yesterday").is_err());
        for (duration, text) in [
            (Duration::from_secs(90), "90s"),
            (Duration::from_millis(1500), "1500ms"),
        ] {
            assert_eq!(format_duration(duration), text);
            assert_eq!(parse_duration(text).unwrap(), duration);
        }
        assert_eq!(short(&"x".repeat(100)).chars().count(), 65);
    }
}
