//! The service side of every operation: `Operation::from_parameters`.

use cdn_task_core::{
    DescribeRefreshQuota, DescribeRefreshTaskById, DescribeRefreshTasks, Operation, ParameterError,
    PushObjectCache, RefreshObjectCaches,
};
use std::fmt::Debug;

/// Rebuilds every operation from `pairs` (the first of a repeated name wins, as in the mock): an
/// operation rebuilt from parameters yields parameters that rebuild the same operation, and a
/// refusal maps to a documented service code with an HTTP status.
pub fn check_operations(pairs: &[(&str, &str)]) {
    check::<DescribeRefreshTaskById>(pairs);
    check::<RefreshObjectCaches>(pairs);
    check::<PushObjectCache>(pairs);
    check::<DescribeRefreshQuota>(pairs);
    check::<DescribeRefreshTasks>(pairs);
}

fn from<O: Operation>(pairs: &[(&str, &str)]) -> Result<O, ParameterError> {
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
            assert!(error.error_code().http_status().is_some(), "{error}");
        }
    }
}
