//! `Operation::from_parameters` of every operation, on arbitrary (name, value) pairs (the first of
//! a repeated name wins, as in the mock): never panics, and an operation rebuilt from parameters
//! yields parameters that rebuild the same operation.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// Parameter names the operations read, so the fuzzer reaches them without guessing.
const NAMES: [&str; 15] = [
    "TaskId",
    "ObjectPath",
    "ObjectType",
    "Force",
    "Area",
    "L2Preload",
    "Action",
    "DomainName",
    "Status",
    "StartTime",
    "EndTime",
    "PageNumber",
    "PageSize",
    "ResourceGroupId",
    "Format",
];

fuzz_target!(|pairs: Vec<(cdn_task_fuzz::Word, String)>| {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.text(&NAMES), value.as_str()))
        .collect();
    cdn_task_fuzz::check_operations(&pairs);
});
