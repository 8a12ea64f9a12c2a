//! `PushObjectCache`: prefetch URLs to the edge.

use super::created::CreateTasksResponse;
use super::object_paths::{MAX_PRELOAD_URLS_PER_CALL, ObjectPaths};
use super::parse_bool;
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::task_id::quote;
use std::str::FromStr;

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
    const CREATES_TASKS: bool = true;
    const RATE_LIMIT: RateLimit = RateLimit::PUSH_OBJECT_CACHE;

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
            paths: ObjectPaths::parse(paths, MAX_PRELOAD_URLS_PER_CALL)?,
            area: get("Area")
                .filter(|a| !a.is_empty())
                .map(str::parse)
                .transpose()?,
            l2_preload: get("L2Preload").map_or(Ok(false), |text| parse_bool("L2Preload", text))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::test_support::{from, round_trip};

    #[test]
    fn push_parameters_round_trip() {
        let op = PushObjectCache {
            paths: ObjectPaths::new(vec!["http://a.com/1".into()], 100).unwrap(),
            area: Some(PreloadArea::Overseas),
            l2_preload: true,
        };
        assert_eq!(round_trip(&op), Ok(op));
    }

    #[test]
    fn a_push_takes_at_most_a_hundred_urls() {
        let urls: Vec<String> = (0..101).map(|n| format!("http://a.com/{n}")).collect();
        let joined = urls.join("\n");
        let error = from::<PushObjectCache>(&[("ObjectPath", &joined)]).unwrap_err();
        assert_eq!(error.error_code(), ErrorCode::SingleRequestOverLimit);
        assert!(from::<PushObjectCache>(&[("ObjectPath", &urls[..100].join("\n"))]).is_ok());
    }
}
