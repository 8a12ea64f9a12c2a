//! Task IDs from the command line: any number of arguments, each an ID or a comma-separated list.

use cdn_task_core::{TaskId, TaskIdError};
use std::collections::HashSet;

/// An ID argument element that is not a task ID, located by argument and position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid task ID at position {position} of argument {argument}: {source}")]
pub struct IdArgumentError {
    /// 1-based index of the ID argument (the first ID argument is 1).
    pub argument: usize,
    /// 1-based position of the element within its argument's comma-separated list.
    pub position: usize,
    /// What is wrong with it.
    pub source: TaskIdError,
}

/// Every ID in `arguments`, in order, duplicates dropped (first kept). Spaces around an element
/// are ignored; an empty element (`1,,2`, a trailing comma) is an error like any other bad ID.
/// There is no limit on the count: the client describes them ten at a time.
pub fn parse_id_arguments(arguments: &[String]) -> Result<Vec<TaskId>, IdArgumentError> {
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for (argument_index, argument) in arguments.iter().enumerate() {
        for (element_index, element) in argument.split(',').enumerate() {
            let id: TaskId = element
                .trim_matches(' ')
                .parse()
                .map_err(|source| IdArgumentError {
                    argument: argument_index + 1,
                    position: element_index + 1,
                    source,
                })?;
            if seen.insert(id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str]) -> Result<Vec<String>, IdArgumentError> {
        let arguments: Vec<String> = arguments.iter().map(|arg| (*arg).to_owned()).collect();
        parse_id_arguments(&arguments).map(|ids| ids.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn lists_and_arguments_in_order_without_duplicates_or_limit() {
        assert_eq!(parse(&["3, 1", "2", "1,4"]).unwrap(), ["3", "1", "2", "4"]);
        let eleven = (1..=11).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(parse(&[&eleven]).unwrap().len(), 11);
    }

    #[test]
    fn errors_name_the_argument_and_the_position() {
        let error = parse(&["1", "2,abc"]).unwrap_err();
        assert_eq!((error.argument, error.position), (2, 2));
        assert_eq!(
            error.to_string(),
            "invalid task ID at position 2 of argument 2: task ID `abc` has a non-digit 'a' at character 0"
        );
        let error = parse(&["abc"]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid task ID at position 1 of argument 1: "),
            "{error}"
        );
        let error = parse(&["1,,2"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid task ID at position 2 of argument 1: task ID is empty"
        );
        assert_eq!(parse(&["1,"]).unwrap_err().position, 2);
        assert_eq!(parse(&[""]).unwrap_err().position, 1);
    }
}
