//! `AssumeRole`: STS credentials for a role, asked for with (signed by) other credentials.

use super::parameters::{RoleArn, RoleSession, check_external_id};
use super::{AssumeRoleResponse, STS_API_VERSION};
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};

/// `AssumeRole` (STS `2015-04-01`): every parameter checked as it is set, so an invalid request
/// cannot be built.
///
/// ```
/// use cdn_task_core::sts::AssumeRole;
/// use cdn_task_core::Operation;
/// let op = AssumeRole::new("acs:ram::1:role/deployer", "ci-run-7")?
///     .with_duration_seconds(1800)?
///     .with_external_id("abcd-1234")?;
/// assert_eq!(op.duration_seconds(), 1800);
/// assert_eq!(op.parameters()[0], ("RoleArn", "acs:ram::1:role/deployer".to_owned()));
/// assert!(AssumeRole::new("acs:ram::1:role/deployer", "ok").unwrap().with_duration_seconds(600).is_err());
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    session: RoleSession,
    external_id: Option<String>,
}

impl AssumeRole {
    /// Assumes `role_arn` for a session named `session_name` (2 to 64 of letters, digits and
    /// `.@-_`), for [`DEFAULT_DURATION_SECONDS`](super::DEFAULT_DURATION_SECONDS) unless set.
    pub fn new(role_arn: &str, session_name: &str) -> Result<AssumeRole, ParameterError> {
        Ok(AssumeRole {
            session: RoleSession::new(role_arn, session_name)?,
            external_id: None,
        })
    }

    /// The session's length, 900 to 43,200 seconds (the role's own maximum may be lower).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<AssumeRole, ParameterError> {
        self.session.set_duration(seconds)?;
        Ok(self)
    }

    /// A policy (1 to 2,048 characters) that narrows the role's permissions for the session.
    pub fn with_policy(mut self, policy: &str) -> Result<AssumeRole, ParameterError> {
        self.session.set_policy(policy)?;
        Ok(self)
    }

    /// The external ID the role's trust policy asks for (2 to 1,224 characters).
    pub fn with_external_id(mut self, external_id: &str) -> Result<AssumeRole, ParameterError> {
        check_external_id(external_id)?;
        self.external_id = Some(external_id.to_owned());
        Ok(self)
    }

    /// The role.
    pub fn role_arn(&self) -> &RoleArn {
        &self.session.role_arn
    }

    /// The session's name.
    pub fn session_name(&self) -> &str {
        &self.session.session_name
    }

    /// The session's length in seconds (the default when none was set).
    pub fn duration_seconds(&self) -> u32 {
        self.session.duration()
    }

    /// The policy, if any.
    pub fn policy(&self) -> Option<&str> {
        self.session.policy.as_deref()
    }

    /// The external ID, if any.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl Operation for AssumeRole {
    const ACTION: &'static str = "AssumeRole";
    type Response = AssumeRoleResponse;
    /// STS allows 100 calls a second (CREDENTIALS.md section 5).
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::documented(100));
    const VERSION: &'static str = STS_API_VERSION;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = self.session.parameters();
        if let Some(id) = &self.external_id {
            parameters.push(("ExternalId", id.clone()));
        }
        parameters
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let session = RoleSession::from_parameters(&get)?;
        let external_id = get("ExternalId")
            .map(|id| check_external_id(id).map(|()| id.to_owned()))
            .transpose()?;
        Ok(AssumeRole { session, external_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use std::collections::HashMap;

    fn parse(params: &[(&str, &str)]) -> Result<AssumeRole, ParameterError> {
        let map: HashMap<&str, &str> = params.iter().copied().collect();
        AssumeRole::from_parameters(|name| map.get(name).copied())
    }

    #[test]
    fn parameters_round_trip() {
        let op = AssumeRole::new("acs:ram::1:role/r", "s1")
            .unwrap()
            .with_duration_seconds(900)
            .unwrap()
            .with_policy(r#"{"Version":"1","Statement":[]}"#)
            .unwrap()
            .with_external_id("ext-1")
            .unwrap();
        assert_eq!(
            (
                op.session_name(),
                op.duration_seconds(),
                op.policy(),
                op.external_id()
            ),
            (
                "s1",
                900,
                Some(r#"{"Version":"1","Statement":[]}"#),
                Some("ext-1")
            )
        );
        let sent = op.parameters();
        let received: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(parse(&received).unwrap(), op);
    }

    #[test]
    fn service_side_codes() {
        let code = |params: &[(&str, &str)]| parse(params).unwrap_err().error_code();
        assert_eq!(code(&[("RoleSessionName", "s1")]), ErrorCode::MissingParameter);
        assert_eq!(
            code(&[("RoleArn", "acs:ram::1:role/r"), ("RoleSessionName", "s")]),
            ErrorCode::InvalidParameterRoleSessionName
        );
        assert_eq!(
            code(&[("RoleArn", "x"), ("RoleSessionName", "s1")]),
            ErrorCode::InvalidParameterRoleArn
        );
        assert_eq!(
            code(&[
                ("RoleArn", "acs:ram::1:role/r"),
                ("RoleSessionName", "s1"),
                ("DurationSeconds", "60")
            ]),
            ErrorCode::InvalidParameterDurationSeconds
        );
        assert_eq!(
            parse(&[("RoleArn", "acs:ram::1:role/r"), ("RoleSessionName", "s1")])
                .unwrap()
                .duration_seconds(),
            3600
        );
    }
}
