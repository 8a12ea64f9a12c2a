//! Exit codes, all in one place: what a CI job branches on.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | a task failed, or the service does not know it (wait) |
//! | 2 | invalid input or usage (clap's usage errors exit 2 too) |
//! | 3 | service, credential or network error |
//! | 4 | the wait deadline passed with tasks still running |

use crate::error::CliError;
use cdn_task_mock::{RunError, StateError};
use std::process::ExitCode;

/// How a run ended, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: everything asked for happened.
    Success,
    /// 1: a task failed (or was not found) while waiting.
    TaskFailed,
    /// 2: invalid input or usage.
    InvalidInput,
    /// 3: the service refused, the credentials are missing or refused, or the network failed.
    ServiceError,
    /// 4: the wait deadline passed with tasks still running.
    DeadlinePassed,
}

impl Outcome {
    /// The process exit code.
    pub const fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::TaskFailed => 1,
            Outcome::InvalidInput => 2,
            Outcome::ServiceError => 3,
            Outcome::DeadlinePassed => 4,
        }
    }

    /// The outcome of a client error: input refused before sending is 2, everything else
    /// (service answers, transport, timeouts, undecodable answers, credentials) is 3.
    pub fn of_client_error(error: &cdn_task_http::Error) -> Outcome {
        match error {
            cdn_task_http::Error::InvalidInput(_) => Outcome::InvalidInput,
            _ => Outcome::ServiceError,
        }
    }

    /// The outcome of a finished wait. A failed or unknown task outranks the deadline: it is a
    /// final answer, where a deadline only means "not yet".
    pub fn of_wait(any_failed: bool, any_not_found: bool, timed_out: bool) -> Outcome {
        if any_failed || any_not_found {
            Outcome::TaskFailed
        } else if timed_out {
            Outcome::DeadlinePassed
        } else {
            Outcome::Success
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(outcome.code())
    }
}

impl CliError {
    /// The exit outcome of this error.
    pub fn outcome(&self) -> Outcome {
        match self {
            CliError::Ids(_)
            | CliError::WaitOptions(_)
            | CliError::Mock(RunError::TasksFile(_) | RunError::State(StateError::Invalid { .. }))
            | CliError::Plan(_)
            | CliError::PathFile { .. }
            | CliError::ListFilter(_) => Outcome::InvalidInput,
            CliError::OverQuota(_) => Outcome::ServiceError,
            CliError::Client(error) => Outcome::of_client_error(error),
            CliError::LastPollFailed(_) | CliError::Mock(_) | CliError::DemoMock(_) | CliError::Output(_) => {
                Outcome::ServiceError
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{ErrorCode, ServiceErrorBody, WaitPolicyError};
    use cdn_task_http::{CredentialsError, ServiceError};

    fn service_error() -> cdn_task_http::Error {
        let body = ServiceErrorBody::with_message(
            ErrorCode::SignatureDoesNotMatch,
            "Specified signature is not matched with our calculation.",
            "R-1",
        );
        cdn_task_http::Error::Service(ServiceError::new(body, 400))
    }

    #[test]
    fn code_0_success() {
        assert_eq!(Outcome::Success.code(), 0);
        assert_eq!(Outcome::of_wait(false, false, false), Outcome::Success);
    }

    #[test]
    fn code_1_a_task_failed_or_was_not_found() {
        assert_eq!(Outcome::TaskFailed.code(), 1);
        assert_eq!(Outcome::of_wait(true, false, false), Outcome::TaskFailed);
        assert_eq!(Outcome::of_wait(false, true, false), Outcome::TaskFailed);
        // A failure outranks the deadline.
        assert_eq!(Outcome::of_wait(true, false, true), Outcome::TaskFailed);
    }

    #[test]
    fn code_2_invalid_input() {
        assert_eq!(Outcome::InvalidInput.code(), 2);
        let ids = crate::ids::parse_id_arguments(&["abc".to_owned()]).unwrap_err();
        assert_eq!(CliError::from(ids).outcome(), Outcome::InvalidInput);
        let wait = WaitPolicyError::ZeroMinInterval;
        assert_eq!(CliError::from(wait).outcome(), Outcome::InvalidInput);
        let endpoint = cdn_task_http::Client::builder()
            .endpoint("ftp://x")
            .build()
            .unwrap_err();
        assert_eq!(CliError::from(endpoint).outcome(), Outcome::InvalidInput);
        let seed = RunError::TasksFile(
            cdn_task_mock::load_tasks_file(std::path::Path::new("/nonexistent/seed.json")).unwrap_err(),
        );
        assert_eq!(CliError::from(seed).outcome(), Outcome::InvalidInput);
        let state = RunError::State(cdn_task_mock::MockState::from_json("{").unwrap_err());
        assert_eq!(CliError::from(state).outcome(), Outcome::InvalidInput);
    }

    #[test]
    fn code_3_service_credentials_network() {
        assert_eq!(Outcome::ServiceError.code(), 3);
        assert_eq!(CliError::from(service_error()).outcome(), Outcome::ServiceError);
        let credentials = cdn_task_http::Error::from(CredentialsError::NotFound { looked_at: vec![] });
        assert_eq!(CliError::from(credentials).outcome(), Outcome::ServiceError);
        assert_eq!(
            CliError::LastPollFailed(service_error()).outcome(),
            Outcome::ServiceError
        );
        let output = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(CliError::Output(output).outcome(), Outcome::ServiceError);
    }

    #[test]
    fn code_4_deadline_passed() {
        assert_eq!(Outcome::DeadlinePassed.code(), 4);
        assert_eq!(Outcome::of_wait(false, false, true), Outcome::DeadlinePassed);
    }
}
