//! `DescribeRefreshQuota`: the day's refresh and prefetch quotas.

use super::plan::PurgeKind;
use super::refresh::RefreshType;
use crate::codec::xml::{XmlWriter, decode_flat, required};
use crate::codec::{DecodeError, WireBody, json};
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};

/// `DescribeRefreshQuota`: the day's refresh and prefetch quotas. Takes no parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DescribeRefreshQuota;

impl Operation for DescribeRefreshQuota {
    const ACTION: &'static str = "DescribeRefreshQuota";
    type Response = RefreshQuota;
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::DESCRIBE_REFRESH_QUOTA);

    fn parameters(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    fn from_parameters<'a>(_get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        Ok(DescribeRefreshQuota)
    }
}

/// One quota: the day's allowance and what is left of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Quota {
    /// The daily allowance.
    pub quota: u64,
    /// What is left today.
    pub remain: u64,
}

/// What `DescribeRefreshQuota` answers (the service sends every number as a string).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Refreshes that ignore query strings (`IgnoreParamsQuota` / `IgnoreParamsRemain`); `None`
    /// when the answer has no such fields (older answers).
    pub ignore_params: Option<Quota>,
}

impl Quota {
    /// A daily allowance of `quota`, of which `remain` is left.
    pub const fn new(quota: u64, remain: u64) -> Quota {
        Quota { quota, remain }
    }
}

impl RefreshQuota {
    /// An answer to the call `request_id` with every quota zero and no ignore-params quota; set
    /// them with [`with_quota`](Self::with_quota).
    pub fn new(request_id: impl Into<String>) -> RefreshQuota {
        RefreshQuota {
            request_id: request_id.into(),
            url: Quota::default(),
            directory: Quota::default(),
            preload: Quota::default(),
            regex: Quota::default(),
            ignore_params: None,
        }
    }

    /// Sets the quota a purge of `kind` draws on.
    #[must_use]
    pub fn with_quota(mut self, kind: PurgeKind, quota: Quota) -> RefreshQuota {
        match kind {
            PurgeKind::Refresh(RefreshType::File) => self.url = quota,
            PurgeKind::Refresh(RefreshType::Directory) => self.directory = quota,
            PurgeKind::Refresh(RefreshType::Regex) => self.regex = quota,
            PurgeKind::Refresh(RefreshType::IgnoreParams) => self.ignore_params = Some(quota),
            PurgeKind::Preload => self.preload = quota,
        }
        self
    }

    /// The quota a purge of `kind` draws on; `None` for an ignore-params refresh when the answer
    /// did not report that quota.
    pub fn for_kind(&self, kind: PurgeKind) -> Option<Quota> {
        match kind {
            PurgeKind::Refresh(RefreshType::File) => Some(self.url),
            PurgeKind::Refresh(RefreshType::Directory) => Some(self.directory),
            PurgeKind::Refresh(RefreshType::Regex) => Some(self.regex),
            PurgeKind::Refresh(RefreshType::IgnoreParams) => self.ignore_params,
            PurgeKind::Preload => Some(self.preload),
        }
    }
}

/// Wire names of the quota fields, in the order the service writes them; the last two are
/// optional.
const QUOTA_FIELDS: [&str; 11] = [
    "RequestId",
    "UrlQuota",
    "UrlRemain",
    "DirQuota",
    "DirRemain",
    "PreloadQuota",
    "PreloadRemain",
    "RegexQuota",
    "RegexRemain",
    "IgnoreParamsQuota",
    "IgnoreParamsRemain",
];

impl RefreshQuota {
    fn to_fields(&self) -> Vec<(&'static str, String)> {
        let mut quotas = vec![self.url, self.directory, self.preload, self.regex];
        quotas.extend(self.ignore_params);
        let numbers = quotas.iter().flat_map(|q| [q.quota, q.remain]);
        std::iter::once(self.request_id.clone())
            .chain(numbers.map(|n| n.to_string()))
            .zip(QUOTA_FIELDS)
            .map(|(value, name)| (name, value))
            .collect()
    }

    fn from_fields(fields: [Option<String>; 11]) -> Result<Self, DecodeError> {
        let container = || "the quota response".to_owned();
        let [request_id, numbers @ ..] = fields;
        let mut parsed = [None; 10];
        for (index, (slot, text)) in parsed.iter_mut().zip(numbers).enumerate() {
            let field = QUOTA_FIELDS[index + 1];
            let Some(text) = text else { continue };
            *slot = Some(
                text.trim()
                    .parse::<u64>()
                    .map_err(|error| DecodeError::InvalidField {
                        field,
                        offset: 0,
                        detail: error.to_string(),
                    })?,
            );
        }
        let quota = |i: usize| -> Result<Quota, DecodeError> {
            Ok(Quota {
                quota: required(parsed[i], QUOTA_FIELDS[i + 1], container)?,
                remain: required(parsed[i + 1], QUOTA_FIELDS[i + 2], container)?,
            })
        };
        let ignore_params = match (parsed[8], parsed[9]) {
            (None, None) => None,
            _ => Some(quota(8)?),
        };
        Ok(RefreshQuota {
            request_id: required(request_id, "RequestId", container)?,
            url: quota(0)?,
            directory: quota(2)?,
            preload: quota(4)?,
            regex: quota(6)?,
            ignore_params,
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
        let map: serde_json::Map<String, serde_json::Value> = self
            .to_fields()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), serde_json::Value::String(value)))
            .collect();
        json::encode(&map)
    }

    fn encode_xml(&self) -> String {
        let values = self.to_fields();
        let fields: Vec<(&str, &str)> = values
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        XmlWriter::flat("DescribeRefreshQuotaResponse", &fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_call_takes_no_parameters() {
        assert_eq!(DescribeRefreshQuota.parameters(), []);
        assert_eq!(
            DescribeRefreshQuota::from_parameters(|_| Some("1")),
            Ok(DescribeRefreshQuota)
        );
    }

    fn quota(ignore_params: Option<Quota>) -> RefreshQuota {
        RefreshQuota {
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
            ignore_params,
        }
    }

    #[test]
    fn quota_round_trips_and_accepts_strings() {
        for quota in [
            quota(None),
            quota(Some(Quota {
                quota: 100,
                remain: 7,
            })),
        ] {
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
        let half = br#"{"RequestId":"R","UrlQuota":"1","UrlRemain":"1","DirQuota":"1","DirRemain":"1",
            "PreloadQuota":"1","PreloadRemain":"1","RegexQuota":"1","RegexRemain":"1","IgnoreParamsQuota":"5"}"#;
        assert!(matches!(
            RefreshQuota::decode_json(half),
            Err(DecodeError::MissingField {
                field: "IgnoreParamsRemain",
                ..
            })
        ));
    }

    #[test]
    fn a_bad_or_missing_number_is_named() {
        let body = |url_quota: &str| {
            format!(
                r#"{{"RequestId":"R",{url_quota}"UrlRemain":"1","DirQuota":"1","DirRemain":"1",
                "PreloadQuota":"1","PreloadRemain":"1","RegexQuota":"1","RegexRemain":"1"}}"#
            )
        };
        assert!(matches!(
            RefreshQuota::decode_json(body(r#""UrlQuota":"many","#).as_bytes()),
            Err(DecodeError::InvalidField {
                field: "UrlQuota",
                ..
            })
        ));
        assert!(matches!(
            RefreshQuota::decode_json(body("").as_bytes()),
            Err(DecodeError::MissingField {
                field: "UrlQuota",
                ..
            })
        ));
        assert!(RefreshQuota::decode_json(body(r#""UrlQuota":"1","#).as_bytes()).is_ok());
    }

    #[test]
    fn each_kind_draws_on_its_quota() {
        let q = quota(None);
        assert_eq!(q.for_kind(PurgeKind::Refresh(RefreshType::File)), Some(q.url));
        assert_eq!(
            q.for_kind(PurgeKind::Refresh(RefreshType::Directory)),
            Some(q.directory)
        );
        assert_eq!(q.for_kind(PurgeKind::Refresh(RefreshType::Regex)), Some(q.regex));
        assert_eq!(q.for_kind(PurgeKind::Preload), Some(q.preload));
        assert_eq!(q.for_kind(PurgeKind::Refresh(RefreshType::IgnoreParams)), None);
    }
}
