//! `Operation::from_parameters` of every operation, on arbitrary (name, value) pairs (the first of
//! a repeated name wins, as in the mock): never panics, and an operation rebuilt from parameters
//! yields parameters that rebuild the same operation.
#![no_main]
use cdn_task_core::{
    DescribeRefreshQuota, DescribeRefreshTaskById, Operation, PushObjectCache, RefreshObjectCaches,
};
use libfuzzer_sys::fuzz_target;
use std::fmt::Debug;

/// Parameter names the operations read, so the fuzzer reaches them without guessing.
const NAMES: [&str; 7] = ["TaskId", "ObjectPath", "ObjectType", "Force", "Area", "L2Preload", "Action"];

fuzz_target!(|pairs: Vec<(cdn_task_fuzz::Word, String)>| {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.text(&NAMES), value.as_str()))
        .collect();
    check::<DescribeRefreshTaskById>(&pairs);
    check::<RefreshObjectCaches>(&pairs);
    check::<PushObjectCache>(&pairs);
    check::<DescribeRefreshQuota>(&pairs);
});

fn from<O: Operation>(pairs: &[(&str, &str)]) -> Result<O, cdn_task_core::ParameterError> {
    O::from_parameters(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, value)| *value))
}

fn check<O: Operation + PartialEq + Debug>(pairs: &[(&str, &str)]) {
    match from::<O>(pairs) {
        Ok(operation) => {
            let sent = operation.parameters();
            let sent: Vec<(&str, &str)> = sent.iter().map(|(name, value)| (*name, value.as_str())).collect();
            assert_eq!(from::<O>(&sent).as_ref(), Ok(&operation), "parameters {sent:?}");
        }
        Err(error) => {
            // Every refusal maps to a documented service code with an HTTP status.
            assert!(error.error_code().http_status().is_some(), "{error}");
        }
    }
}
