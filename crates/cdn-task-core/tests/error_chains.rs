//! Errors compose: each layer's `Display` describes only itself when `source()` gives the cause,
//! so printing the chain (as `anyhow`'s `{:#}` does) never repeats a layer's text.

use cdn_task_core::credentials::{CliConfig, CredentialDocument, IniFile};
use cdn_task_core::signing::{ParameterParseError, VerifyError};
use cdn_task_core::{
    DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, Operation, PathSource, Process,
    PurgeKind, PurgePlan, RefreshObjectCaches, RefreshType, TaskIdList, WireBody, parse_utc_timestamp,
};
use std::error::Error;

/// Walks `error`'s chain: no layer's text contains its source's text; returns the depth.
fn assert_composes(name: &str, error: &dyn Error) -> usize {
    let mut depth = 1;
    let mut layer = error;
    while let Some(source) = layer.source() {
        let (outer, inner) = (layer.to_string(), source.to_string());
        assert!(
            !inner.is_empty() && !outer.contains(&inner),
            "{name}: layer {depth} `{outer}` repeats its source `{inner}`"
        );
        layer = source;
        depth += 1;
    }
    depth
}

#[allow(clippy::unwrap_used)] // a test helper
fn errors() -> Vec<(&'static str, Box<dyn Error>)> {
    let parameters =
        |name: &'static str, value: &'static str| move |key: &str| (key == name).then_some(value);
    let mut errors: Vec<(&'static str, Box<dyn Error>)> = vec![
        ("TaskIdList", Box::new("1,x".parse::<TaskIdList>().unwrap_err())),
        (
            "TaskIdList long",
            Box::new("1,123456789012345678901".parse::<TaskIdList>().unwrap_err()),
        ),
        (
            "ParameterError::TaskId",
            Box::new(DescribeRefreshTaskById::from_parameters(parameters("TaskId", "1,x")).unwrap_err()),
        ),
        (
            "ParameterError::Invalid",
            Box::new(RefreshObjectCaches::from_parameters(parameters("ObjectPath", "ftp://x")).unwrap_err()),
        ),
        (
            "RefreshObjectCaches::new",
            Box::new(RefreshObjectCaches::new(["a", "b"], RefreshType::Regex).unwrap_err()),
        ),
        (
            "VerifyError::MalformedParameters",
            Box::new(VerifyError::MalformedParameters {
                place: "query string",
                source: ParameterParseError::BadEscape { offset: 3 },
            }),
        ),
        ("Process", Box::new("abc%".parse::<Process>().unwrap_err())),
        (
            "TimeError",
            Box::new(parse_utc_timestamp("yesterday").unwrap_err()),
        ),
        (
            "PlanError",
            Box::new(
                PurgePlan::new(
                    PurgeKind::Refresh(RefreshType::File),
                    [PathSource::argument(1, "ftp://x")],
                )
                .unwrap_err(),
            ),
        ),
        ("ProfileError", Box::new(CliConfig::parse("{").unwrap_err())),
        (
            "IniError",
            Box::new(IniFile::parse("[a]\nnot a pair\n").unwrap_err()),
        ),
        (
            "DocumentError",
            Box::new(CredentialDocument::decode_json(b"[]").unwrap_err()),
        ),
    ];
    for (format, body) in [
        (Format::Json, &b"{\"RequestId\":\"R\",\"Tasks\":["[..]),
        (Format::Json, b"{\"RequestId\":\"R\",\"TotalCount\":1,\"Tasks\":[{\"TaskId\":\"1x\"}]}"),
        (Format::Xml, b"<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>"),
        (Format::Xml, b"<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><TotalCount>1</TotalCount><Tasks><Process>x</Process></Tasks></DescribeRefreshTaskByIdResponse>"),
    ] {
        errors.push(("DecodeError", Box::new(DescribeRefreshTaskByIdResponse::decode(format, body).unwrap_err())));
    }
    let cut = cdn_task_core::answer::HttpAnswer::new(200, b"{\"RequestId\":");
    let undecodable = cdn_task_core::answer::interpret::<DescribeRefreshTaskByIdResponse>(&cut, Format::Json);
    errors.push(("AnswerError::Decode", Box::new(undecodable.unwrap_err())));
    let body = br#"{"RequestId":"R","Code":"Throttling.User","Message":"slow down"}"#;
    let service = cdn_task_core::answer::HttpAnswer::new(400, body);
    let service = cdn_task_core::answer::interpret::<DescribeRefreshTaskByIdResponse>(&service, Format::Json);
    errors.push(("AnswerError::Service", Box::new(service.unwrap_err())));
    errors
}

#[test]
fn no_layer_repeats_its_source() {
    let mut chained = 0;
    for (name, error) in errors() {
        if assert_composes(name, error.as_ref()) > 1 {
            chained += 1;
        }
    }
    assert!(chained >= 3, "the representative errors include chains");
}

#[test]
fn an_invalid_task_id_is_described_once_per_layer() {
    let error =
        DescribeRefreshTaskById::from_parameters(|name| (name == "TaskId").then_some("1,x")).unwrap_err();
    let mut texts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        source = cause.source();
    }
    assert_eq!(
        texts,
        [
            "the task ID list has a malformed ID at position 2",
            "task ID `x` has a non-digit 'x' at character 0"
        ]
    );
}
