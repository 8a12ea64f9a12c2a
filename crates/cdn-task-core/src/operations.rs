//! The sibling operations that create tasks and report quotas: `RefreshObjectCaches`,
//! `PushObjectCache` and `DescribeRefreshQuota`.

use crate::codec::xml::{XmlWriter, decode_flat, required};
use crate::codec::{DecodeError, WireBody, json};
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::task_id::{TaskId, quote};
use std::fmt;
use std::str::FromStr;

/// Most URLs one `RefreshObjectCaches` (file or ignore-params) or `PushObjectCache` call takes.
pub const MAX_URLS_PER_CALL: usize = 1_000;
/// Most directories one `RefreshObjectCaches` call takes.
pub const MAX_DIRECTORIES_PER_CALL: usize = 100;
/// Most regular expressions one `RefreshObjectCaches` call takes.
pub const MAX_REGEXES_PER_CALL: usize = 1;

/// What `RefreshObjectCaches` refreshes (its `ObjectType` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RefreshType {
    /// Individual URLs (the default).
    #[default]
    File,
    /// Directories (URL prefixes).
    Directory,
    /// URLs matching regular expressions.
    Regex,
    /// URLs with their query strings ignored.
    IgnoreParams,
}

impl RefreshType {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefreshType::File => "File",
            RefreshType::Directory => "Directory",
            RefreshType::Regex => "Regex",
            RefreshType::IgnoreParams => "IgnoreParams",
        }
    }

    /// How many paths one call may carry for this type.
    pub fn max_paths_per_call(self) -> usize {
        match self {
            RefreshType::File | RefreshType::IgnoreParams => MAX_URLS_PER_CALL,
            RefreshType::Directory => MAX_DIRECTORIES_PER_CALL,
            RefreshType::Regex => MAX_REGEXES_PER_CALL,
        }
    }
}

impl FromStr for RefreshType {
    type Err = ParameterError;
    /// Parses the parameter value, case-insensitively (`file`, `Directory`, …).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            RefreshType::File,
            RefreshType::Directory,
            RefreshType::Regex,
            RefreshType::IgnoreParams,
        ]
        .into_iter()
        .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| ParameterError::Invalid {
            name: "ObjectType",
            value: quote(text),
            reason: "expected File, Directory, Regex or IgnoreParams",
            code: ErrorCode::InvalidObjectTypeMalformed,
        })
    }
}

impl fmt::Display for RefreshType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where `PushObjectCache` prefetches (its `Area` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreloadArea {
    /// Points of presence in the Chinese mainland.
    Domestic,
    /// Points of presence outside the Chinese mainland.
    Overseas,
}

impl PreloadArea {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            PreloadArea::Domestic => "domestic",
            PreloadArea::Overseas => "overseas",
        }
    }
}

impl FromStr for PreloadArea {
    type Err = ParameterError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "domestic" => Ok(PreloadArea::Domestic),
            "overseas" => Ok(PreloadArea::Overseas),
            _ => Err(ParameterError::Invalid {
                name: "Area",
                value: quote(text),
                reason: "expected domestic or overseas",
                code: ErrorCode::InvalidParameter,
            }),
        }
    }
}

/// Object paths: one or more entries, sent joined by `\n`; received split on `\n` or `\r\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPaths(Vec<String>);

impl ObjectPaths {
    /// Validates `paths`: 1 to `max` entries, each a non-blank `http://` or `https://` URL
    /// (for regex refreshes the expression stands in the URL, so the same rule holds).
    pub fn new(paths: Vec<String>, max: usize) -> Result<ObjectPaths, ParameterError> {
        let invalid = |value: &str, reason: &'static str| ParameterError::Invalid {
            name: "ObjectPath",
            value: quote(value),
            reason,
            code: ErrorCode::InvalidObjectPathMalformed,
        };
        if paths.is_empty() {
            return Err(ParameterError::Missing { name: "ObjectPath" });
        }
        if paths.len() > max {
            return Err(invalid(
                &format!("{} entries", paths.len()),
                "too many entries for one call",
            ));
        }
        for path in &paths {
            let lower = path.get(..8).unwrap_or(path).to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://"))
                || path.contains(char::is_whitespace)
            {
                return Err(invalid(
                    path,
                    "an entry must be an http:// or https:// URL without spaces",
                ));
            }
        }
        Ok(ObjectPaths(paths))
    }

    /// The entries.
    pub fn paths(&self) -> &[String] {
        &self.0
    }

    fn parse(text: &str, max: usize) -> Result<ObjectPaths, ParameterError> {
        let entries: Vec<String> = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        ObjectPaths::new(entries, max)
    }

    fn to_parameter(&self) -> String {
        self.0.join("\n")
    }
}

fn parse_bool(name: &'static str, text: &str) -> Result<bool, ParameterError> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParameterError::Invalid {
            name,
            value: quote(text),
            reason: "expected true or false",
            code: ErrorCode::InvalidParameter,
        }),
    }
}

/// `RefreshObjectCaches`: purge URLs, directories or regex matches from the edge.
///
/// ```
/// use cdn_task_core::{ObjectPaths, Operation, RefreshObjectCaches, RefreshType};
/// let paths = ObjectPaths::new(vec!["https://example.com/a.js".into()], 1000).unwrap();
/// let op = RefreshObjectCaches { paths, kind: RefreshType::File, force: false };
/// assert_eq!(op.parameters()[0], ("ObjectPath", "https://example.com/a.js".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshObjectCaches {
    /// What to refresh.
    pub paths: ObjectPaths,
    /// How to read the paths.
    pub kind: RefreshType,
    /// Refresh even unchanged resources (`Force`).
    pub force: bool,
}

impl Operation for RefreshObjectCaches {
    const ACTION: &'static str = "RefreshObjectCaches";
    type Response = CreateTasksResponse;
    const RATE_LIMIT: RateLimit = RateLimit::REFRESH_OBJECT_CACHES;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ObjectPath", self.paths.to_parameter()),
            ("ObjectType", self.kind.as_str().to_owned()),
            ("Force", self.force.to_string()),
        ]
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let kind = get("ObjectType").map_or(Ok(RefreshType::File), str::parse)?;
        let paths = get("ObjectPath").ok_or(ParameterError::Missing { name: "ObjectPath" })?;
        Ok(RefreshObjectCaches {
            paths: ObjectPaths::parse(paths, kind.max_paths_per_call())?,
            kind,
            force: get("Force").map_or(Ok(false), |text| parse_bool("Force", text))?,
        })
    }
}

/// `PushObjectCache`: prefetch URLs to the edge. Its tasks report `ObjectType` `preload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushObjectCache {
    /// The URLs to prefetch.
    pub paths: ObjectPaths,
    /// Where (`None`: the service's default for the domain).
    pub area: Option<PreloadArea>,
    /// Prefetch to L2 points of presence only (`L2Preload`).
    pub l2_preload: bool,
}

impl Operation for PushObjectCache {
    const ACTION: &'static str = "PushObjectCache";
    type Response = CreateTasksResponse;
    // API.md gives no separate figure for prefetch; the refresh family's 50/s is used.
    const RATE_LIMIT: RateLimit = RateLimit::REFRESH_OBJECT_CACHES;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = vec![("ObjectPath", self.paths.to_parameter())];
        if let Some(area) = self.area {
            parameters.push(("Area", area.as_str().to_owned()));
        }
        parameters.push(("L2Preload", self.l2_preload.to_string()));
        parameters
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let paths = get("ObjectPath").ok_or(ParameterError::Missing { name: "ObjectPath" })?;
        Ok(PushObjectCache {
            paths: ObjectPaths::parse(paths, MAX_URLS_PER_CALL)?,
            area: get("Area")
                .filter(|a| !a.is_empty())
                .map(str::parse)
                .transpose()?,
            l2_preload: get("L2Preload").map_or(Ok(false), |text| parse_bool("L2Preload", text))?,
        })
    }
}

/// What `RefreshObjectCaches` and `PushObjectCache` answer: the IDs of the tasks created.
/// (`RefreshTaskId` / `PushTaskId` on the wire: one ID, or several joined by commas.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTasksResponse {
    /// The service's ID for this call.
    pub request_id: String,
    /// Which operation answered: it names the ID field.
    pub kind: CreatedTaskKind,
    /// The tasks created, in order.
    pub task_ids: Vec<TaskId>,
}

/// Which operation created the tasks of a [`CreateTasksResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedTaskKind {
    /// `RefreshObjectCaches` (`RefreshTaskId`).
    Refresh,
    /// `PushObjectCache` (`PushTaskId`).
    Push,
}

impl CreatedTaskKind {
    fn id_field(self) -> &'static str {
        match self {
            CreatedTaskKind::Refresh => "RefreshTaskId",
            CreatedTaskKind::Push => "PushTaskId",
        }
    }
}

impl CreateTasksResponse {
    fn ids_parameter(&self) -> String {
        self.task_ids
            .iter()
            .map(TaskId::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn from_fields(
        request_id: Option<String>,
        refresh: Option<String>,
        push: Option<String>,
    ) -> Result<Self, DecodeError> {
        let container = || "the response".to_owned();
        let request_id = required(request_id, "RequestId", container)?;
        let (kind, ids) = match (refresh, push) {
            (Some(ids), _) => (CreatedTaskKind::Refresh, ids),
            (None, Some(ids)) => (CreatedTaskKind::Push, ids),
            (None, None) => {
                return Err(DecodeError::MissingField {
                    field: "RefreshTaskId",
                    container: container(),
                });
            }
        };
        let task_ids = ids
            .split(',')
            .map(|id| id.trim().parse::<TaskId>())
            .collect::<Result<_, _>>()
            .map_err(|error| DecodeError::InvalidField {
                field: kind.id_field(),
                offset: 0,
                detail: error.to_string(),
            })?;
        Ok(CreateTasksResponse {
            request_id,
            kind,
            task_ids,
        })
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateTasksWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    push_task_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_task_id: Option<String>,
    request_id: Option<String>,
}

impl WireBody for CreateTasksResponse {
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        let wire: CreateTasksWire = json::decode(body)?;
        CreateTasksResponse::from_fields(wire.request_id, wire.refresh_task_id, wire.push_task_id)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        const FIELDS: [&str; 3] = ["RequestId", "RefreshTaskId", "PushTaskId"];
        // Either operation's root; the document's own first element says which.
        let [request_id, refresh, push] = match decode_flat(body, "RefreshObjectCachesResponse", FIELDS) {
            Err(DecodeError::XmlWrongRoot { found, .. }) if found == "PushObjectCacheResponse" => {
                decode_flat(body, "PushObjectCacheResponse", FIELDS)?
            }
            result => result?,
        };
        CreateTasksResponse::from_fields(request_id, refresh, push)
    }

    fn encode_json(&self) -> String {
        let ids = Some(self.ids_parameter());
        let (refresh_task_id, push_task_id) = match self.kind {
            CreatedTaskKind::Refresh => (ids, None),
            CreatedTaskKind::Push => (None, ids),
        };
        json::encode(&CreateTasksWire {
            push_task_id,
            refresh_task_id,
            request_id: Some(self.request_id.clone()),
        })
    }

    fn encode_xml(&self) -> String {
        let root = match self.kind {
            CreatedTaskKind::Refresh => "RefreshObjectCachesResponse",
            CreatedTaskKind::Push => "PushObjectCacheResponse",
        };
        XmlWriter::flat(
            root,
            &[
                ("RequestId", &self.request_id),
                (self.kind.id_field(), &self.ids_parameter()),
            ],
        )
    }
}

/// `DescribeRefreshQuota`: the day's refresh and prefetch quotas. Takes no parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DescribeRefreshQuota;

impl Operation for DescribeRefreshQuota {
    const ACTION: &'static str = "DescribeRefreshQuota";
    type Response = RefreshQuota;
    // Not documented in API.md; the describe family's 30/s is used.
    const RATE_LIMIT: RateLimit = RateLimit::DESCRIBE_REFRESH_TASK_BY_ID;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    fn from_parameters<'a>(_get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        Ok(DescribeRefreshQuota)
    }
}

/// One quota: the day's allowance and what is left of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quota {
    /// The daily allowance.
    pub quota: u64,
    /// What is left today.
    pub remain: u64,
}

/// What `DescribeRefreshQuota` answers (the service sends every number as a string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshQuota {
    /// The service's ID for this call.
    pub request_id: String,
    /// URL refreshes (`UrlQuota` / `UrlRemain`).
    pub url: Quota,
    /// Directory refreshes (`DirQuota` / `DirRemain`).
    pub directory: Quota,
    /// Prefetches (`PreloadQuota` / `PreloadRemain`).
    pub preload: Quota,
    /// Regex refreshes (`RegexQuota` / `RegexRemain`).
    pub regex: Quota,
}

/// Wire names of the quota fields, in the order the service writes them.
const QUOTA_FIELDS: [&str; 9] = [
    "RequestId",
    "UrlQuota",
    "UrlRemain",
    "DirQuota",
    "DirRemain",
    "PreloadQuota",
    "PreloadRemain",
    "RegexQuota",
    "RegexRemain",
];

impl RefreshQuota {
    fn to_fields(&self) -> [String; 9] {
        let q = [self.url, self.directory, self.preload, self.regex];
        [
            self.request_id.clone(),
            q[0].quota.to_string(),
            q[0].remain.to_string(),
            q[1].quota.to_string(),
            q[1].remain.to_string(),
            q[2].quota.to_string(),
            q[2].remain.to_string(),
            q[3].quota.to_string(),
            q[3].remain.to_string(),
        ]
    }

    fn from_fields(fields: [Option<String>; 9]) -> Result<Self, DecodeError> {
        let container = || "the quota response".to_owned();
        let [request_id, numbers @ ..] = fields;
        let mut parsed = [0u64; 8];
        for (index, (slot, text)) in parsed.iter_mut().zip(numbers).enumerate() {
            let field = QUOTA_FIELDS[index + 1];
            let text = required(text, field, container)?;
            *slot =
                text.trim()
                    .parse()
                    .map_err(|error: std::num::ParseIntError| DecodeError::InvalidField {
                        field,
                        offset: 0,
                        detail: error.to_string(),
                    })?;
        }
        let quota = |i: usize| Quota {
            quota: parsed[i],
            remain: parsed[i + 1],
        };
        Ok(RefreshQuota {
            request_id: required(request_id, "RequestId", container)?,
            url: quota(0),
            directory: quota(2),
            preload: quota(4),
            regex: quota(6),
        })
    }
}

impl WireBody for RefreshQuota {
    fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
        let map: std::collections::HashMap<String, serde_json::Value> = json::decode(body)?;
        let fields = QUOTA_FIELDS.map(|name| {
            map.get(name).map(|value| match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            })
        });
        RefreshQuota::from_fields(fields)
    }

    fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
        RefreshQuota::from_fields(decode_flat(body, "DescribeRefreshQuotaResponse", QUOTA_FIELDS)?)
    }

    fn encode_json(&self) -> String {
        let values = self.to_fields();
        let map: serde_json::Map<String, serde_json::Value> = QUOTA_FIELDS
            .iter()
            .zip(values)
            .map(|(name, value)| ((*name).to_owned(), serde_json::Value::String(value)))
            .collect();
        json::encode(&map)
    }

    fn encode_xml(&self) -> String {
        let values = self.to_fields();
        let fields: Vec<(&str, &str)> = QUOTA_FIELDS
            .iter()
            .copied()
            .zip(values.iter().map(String::as_str))
            .collect();
        XmlWriter::flat("DescribeRefreshQuotaResponse", &fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from<O: Operation>(params: &[(&str, &str)]) -> Result<O, ParameterError> {
        let map: HashMap<&str, &str> = params.iter().copied().collect();
        O::from_parameters(|name| map.get(name).copied())
    }

    #[test]
    fn refresh_parameters_round_trip() {
        let op = RefreshObjectCaches {
            paths: ObjectPaths::new(vec!["http://a.com/1".into(), "https://a.com/2".into()], 1000).unwrap(),
            kind: RefreshType::Directory,
            force: true,
        };
        let sent = op.parameters();
        let received: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(from::<RefreshObjectCaches>(&received), Ok(op));
    }

    #[test]
    fn refresh_accepts_crlf_and_defaults() {
        let op: RefreshObjectCaches = from(&[("ObjectPath", "http://a.com/1\r\nhttp://a.com/2\n")]).unwrap();
        assert_eq!(op.paths.paths().len(), 2);
        assert_eq!(op.kind, RefreshType::File);
        assert!(!op.force);
    }

    #[test]
    fn refresh_rejections_carry_documented_codes() {
        let code = |params: &[(&str, &str)]| from::<RefreshObjectCaches>(params).unwrap_err().error_code();
        assert_eq!(code(&[]), ErrorCode::MissingParameter);
        assert_eq!(
            code(&[("ObjectPath", "http://a.com/"), ("ObjectType", "Blob")]),
            ErrorCode::InvalidObjectTypeMalformed
        );
        assert_eq!(
            code(&[("ObjectPath", "ftp://a.com/")]),
            ErrorCode::InvalidObjectPathMalformed
        );
        assert_eq!(
            code(&[
                ("ObjectPath", "http://a.com/.*\nhttp://b.com/.*"),
                ("ObjectType", "regex")
            ]),
            ErrorCode::InvalidObjectPathMalformed
        );
        assert_eq!(
            code(&[("ObjectPath", "http://a.com/"), ("Force", "yes")]),
            ErrorCode::InvalidParameter
        );
    }

    #[test]
    fn push_parameters_round_trip() {
        let op = PushObjectCache {
            paths: ObjectPaths::new(vec!["http://a.com/1".into()], 1000).unwrap(),
            area: Some(PreloadArea::Overseas),
            l2_preload: true,
        };
        let sent = op.parameters();
        let received: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(from::<PushObjectCache>(&received), Ok(op));
    }

    #[test]
    fn create_responses_round_trip_in_both_formats() {
        for kind in [CreatedTaskKind::Refresh, CreatedTaskKind::Push] {
            let response = CreateTasksResponse {
                request_id: "R1".into(),
                kind,
                task_ids: vec!["1".parse().unwrap(), "2".parse().unwrap()],
            };
            for format in [crate::Format::Json, crate::Format::Xml] {
                let body = response.encode(format);
                assert_eq!(
                    CreateTasksResponse::decode(format, body.as_bytes()),
                    Ok(response.clone()),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn quota_round_trips_and_accepts_strings() {
        let quota = RefreshQuota {
            request_id: "R".into(),
            url: Quota {
                quota: 10_000,
                remain: 9_990,
            },
            directory: Quota {
                quota: 100,
                remain: 99,
            },
            preload: Quota {
                quota: 1_000,
                remain: 1_000,
            },
            regex: Quota {
                quota: 20,
                remain: 20,
            },
        };
        for format in [crate::Format::Json, crate::Format::Xml] {
            let body = quota.encode(format);
            assert_eq!(
                RefreshQuota::decode(format, body.as_bytes()),
                Ok(quota.clone()),
                "{body}"
            );
        }
        assert!(quota.encode_json().contains(r#""UrlQuota":"10000""#));
    }
}
