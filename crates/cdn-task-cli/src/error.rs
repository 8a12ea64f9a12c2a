//! What a command can fail with. [`crate::exit`] maps each to an exit code; `main` prints it as
//! one line on stderr.

use crate::ids::IdArgumentError;
use cdn_task_core::WaitPolicyError;
use cdn_task_mock::RunError;

/// A command's failure. The message is one line and never holds a secret (the client's and the
/// mock's errors never do).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// A task ID argument is malformed.
    #[error(transparent)]
    Ids(#[from] IdArgumentError),
    /// The wait flags do not make a polling policy.
    #[error("invalid wait flags: {0}")]
    WaitOptions(#[from] WaitPolicyError),
    /// The client failed: the service said no, the network failed, no credentials, bad input.
    #[error(transparent)]
    Client(#[from] cdn_task_http::Error),
    /// The deadline passed while the service could not be asked (the last poll failed).
    #[error("the wait deadline passed and the last poll failed: {0}")]
    LastPollFailed(cdn_task_http::Error),
    /// `cdn-task mock` could not run.
    #[error(transparent)]
    Mock(#[from] RunError),
    /// `cdn-task demo` could not start its in-process mock.
    #[error("cannot start the demo's mock service: {0}")]
    DemoMock(std::io::Error),
    /// Some paths to refresh or prefetch are invalid (each named with its line or argument), or
    /// none was given.
    #[error(transparent)]
    Plan(#[from] cdn_task_core::PlanError),
    /// The file of paths could not be read.
    #[error("cannot read the paths from {file}: {error}")]
    PathFile {
        /// The file (or standard input).
        file: String,
        /// Why.
        error: std::io::Error,
    },
    /// The `list` filters break a rule of the service.
    #[error("invalid list filter: {0}")]
    ListFilter(#[from] cdn_task_core::ParameterError),
    /// The job needs more of today's quota than is left; nothing was submitted.
    #[error("{0} (--allow-partial submits what fits)")]
    OverQuota(cdn_task_http::Error),
    /// The result could not be written to standard output.
    #[error("cannot write to standard output: {0}")]
    Output(std::io::Error),
}

/// `error`'s message followed by those of its causes (`source()`), `: `-separated, leaving out a
/// cause whose message the text already holds (an error that still repeats its cause).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    for cause in std::iter::successors(error.source(), |cause| cause.source()) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

/// `message` on one line: line breaks and other control characters become spaces. (The
/// service's `SignatureDoesNotMatch` message carries the server's string to sign over two lines.)
pub fn one_line(message: &impl std::fmt::Display) -> String {
    message
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_flattened_to_one_line() {
        assert_eq!(
            one_line(&"not matched. server string to sign is:ACS3-HMAC-SHA256\nabc\r\n(request ID R)"),
            "not matched. server string to sign is:ACS3-HMAC-SHA256 abc  (request ID R)"
        );
    }
}
