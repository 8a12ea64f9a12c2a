//! `PushObjectCache`: prefetch URLs to the edge.

use super::created::CreateTasksResponse;
use super::object_paths::{MAX_PRELOAD_URLS_PER_CALL, ObjectPaths};
use super::parse_bool;
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::task_id::quote;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Where `PushObjectCache` prefetches (its `Area` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

/// Which points of presence `PushObjectCache` fills (its `L2Preload` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PreloadTier {
    /// The edge, as the service does by default (`L2Preload=false`).
    #[default]
    Edge,
    /// L2 points of presence only (`L2Preload=true`).
    L2Only,
}

/// `PushObjectCache`: prefetch URLs to the edge. Its tasks report `ObjectType` `preload`.
///
/// One call takes at most 100 URLs, so an operation over more cannot be built: for more, plan
/// them ([`PurgePlan`](crate::PurgePlan)).
///
/// ```
/// use cdn_task_core::{Operation, PreloadArea, PreloadTier, PushObjectCache};
/// let op = PushObjectCache::new(["https://example.com/app.js"])?
///     .with_area(PreloadArea::Overseas)
///     .with_tier(PreloadTier::L2Only)
///     .with_header("Accept-Encoding", "gzip");
/// let parameters = op.parameters();
/// assert!(parameters.contains(&("Area", "overseas".to_string())));
/// assert!(parameters.contains(&("WithHeader", r#"{"Accept-Encoding":"gzip"}"#.to_string())));
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushObjectCache {
    paths: ObjectPaths,
    area: Option<PreloadArea>,
    tier: PreloadTier,
    headers: BTreeMap<String, String>,
}

impl PushObjectCache {
    /// Prefetches `urls`: 1 to 100 of them, each valid (see [`PathProblem`](crate::PathProblem)),
    /// over at most ten domains.
    pub fn new(urls: impl IntoIterator<Item = impl Into<String>>) -> Result<PushObjectCache, ParameterError> {
        let urls = urls.into_iter().map(Into::into).collect();
        Ok(PushObjectCache::checked(ObjectPaths::new(
            urls,
            MAX_PRELOAD_URLS_PER_CALL,
        )?))
    }

    /// Prefetches the paths of a planned call (checked already); an error if they are more than
    /// one call takes.
    pub fn from_paths(paths: ObjectPaths) -> Result<PushObjectCache, ParameterError> {
        paths.check_count(MAX_PRELOAD_URLS_PER_CALL)?;
        Ok(PushObjectCache::checked(paths))
    }

    fn checked(paths: ObjectPaths) -> PushObjectCache {
        PushObjectCache {
            paths,
            area: None,
            tier: PreloadTier::default(),
            headers: BTreeMap::new(),
        }
    }

    /// Prefetches to `area` (unset: the domain's acceleration region decides).
    #[must_use]
    pub fn with_area(mut self, area: PreloadArea) -> PushObjectCache {
        self.area = Some(area);
        self
    }

    /// Which points of presence to fill (default [`PreloadTier::Edge`]).
    #[must_use]
    pub fn with_tier(mut self, tier: PreloadTier) -> PushObjectCache {
        self.tier = tier;
        self
    }

    /// Sets a header the prefetch requests carry (`WithHeader`, sent as a JSON object; a name
    /// set twice keeps the last value).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> PushObjectCache {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// The URLs to prefetch.
    pub fn paths(&self) -> &ObjectPaths {
        &self.paths
    }

    /// Where (`None`: the service's default for the domain).
    pub fn area(&self) -> Option<PreloadArea> {
        self.area
    }

    /// Which points of presence are filled.
    pub fn tier(&self) -> PreloadTier {
        self.tier
    }

    /// The headers the prefetch requests carry, by name.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

impl Operation for PushObjectCache {
    const ACTION: &'static str = "PushObjectCache";
    type Response = CreateTasksResponse;
    const CREATES_TASKS: bool = true;
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::PUSH_OBJECT_CACHE);

    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = vec![("ObjectPath", self.paths.to_parameter())];
        if let Some(area) = self.area {
            parameters.push(("Area", area.as_str().to_owned()));
        }
        parameters.push(("L2Preload", (self.tier == PreloadTier::L2Only).to_string()));
        if !self.headers.is_empty() {
            let object: serde_json::Map<String, serde_json::Value> = self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
                .collect();
            parameters.push(("WithHeader", serde_json::Value::Object(object).to_string()));
        }
        parameters
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let paths = get("ObjectPath").ok_or(ParameterError::Missing { name: "ObjectPath" })?;
        let l2 = get("L2Preload").map_or(Ok(false), |text| parse_bool("L2Preload", text))?;
        Ok(PushObjectCache {
            paths: ObjectPaths::parse(paths, MAX_PRELOAD_URLS_PER_CALL)?,
            area: get("Area")
                .filter(|a| !a.is_empty())
                .map(str::parse)
                .transpose()?,
            tier: if l2 {
                PreloadTier::L2Only
            } else {
                PreloadTier::Edge
            },
            headers: get("WithHeader")
                .filter(|h| !h.is_empty())
                .map_or(Ok(BTreeMap::new()), parse_headers)?,
        })
    }
}

/// Reads `WithHeader`: a JSON object of header names to string values.
fn parse_headers(text: &str) -> Result<BTreeMap<String, String>, ParameterError> {
    let invalid = || ParameterError::Invalid {
        name: "WithHeader",
        value: quote(text),
        reason: "expected a JSON object of header names to strings",
        code: ErrorCode::InvalidParameter,
    };
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| invalid())?;
    object
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(value) => Ok((name, value)),
            _ => Err(invalid()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::test_support::{from, round_trip};

    #[test]
    fn push_parameters_round_trip() {
        let op = PushObjectCache::new(["http://a.com/1"])
            .unwrap()
            .with_area(PreloadArea::Overseas)
            .with_tier(PreloadTier::L2Only)
            .with_header("Accept-Encoding", "gzip")
            .with_header("X-Trace", "1");
        assert_eq!(
            (op.area(), op.tier(), op.headers().collect::<Vec<_>>()),
            (
                Some(PreloadArea::Overseas),
                PreloadTier::L2Only,
                vec![("Accept-Encoding", "gzip"), ("X-Trace", "1")]
            )
        );
        assert_eq!(round_trip(&op), Ok(op));
        let plain = PushObjectCache::new(["http://a.com/1"]).unwrap();
        assert_eq!(round_trip(&plain), Ok(plain));
    }

    #[test]
    fn areas_parse_in_any_case_and_write_lower_case() {
        for area in [PreloadArea::Domestic, PreloadArea::Overseas] {
            assert_eq!(area.as_str().parse::<PreloadArea>(), Ok(area));
            assert_eq!(area.as_str().to_uppercase().parse::<PreloadArea>(), Ok(area));
        }
        assert!(matches!(
            "abroad".parse::<PreloadArea>(),
            Err(ParameterError::Invalid { name: "Area", .. })
        ));
    }

    #[test]
    fn headers_must_be_a_json_object_of_strings() {
        for bad in ["[1]", r#"{"a":1}"#, "nope"] {
            let error = from::<PushObjectCache>(&[("ObjectPath", "http://a.com/1"), ("WithHeader", bad)])
                .unwrap_err();
            assert_eq!(error.error_code(), ErrorCode::InvalidParameter, "{bad}");
        }
    }

    #[test]
    fn a_push_takes_at_most_a_hundred_urls() {
        let urls: Vec<String> = (0..101).map(|n| format!("http://a.com/{n}")).collect();
        let joined = urls.join("\n");
        let error = from::<PushObjectCache>(&[("ObjectPath", &joined)]).unwrap_err();
        assert_eq!(error.error_code(), ErrorCode::SingleRequestOverLimit);
        assert!(from::<PushObjectCache>(&[("ObjectPath", &urls[..100].join("\n"))]).is_ok());
        assert!(PushObjectCache::new(urls.clone()).is_err());
        assert!(PushObjectCache::new(urls[..100].to_vec()).is_ok());
    }
}
