//! `AssumeRoleWithOIDC`: STS credentials for a role, in exchange for an OIDC token (anonymous).

use super::parameters::{RoleArn, RoleSession, check_oidc_provider_arn, check_oidc_token, required};
use super::{AssumeRoleWithOidcResponse, STS_API_VERSION};
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::signing::REDACTED;
use std::fmt;

/// `AssumeRoleWithOIDC` (STS `2015-04-01`). `Debug` never shows the token.
///
/// ```
/// use cdn_task_core::sts::AssumeRoleWithOidc;
/// let op = AssumeRoleWithOidc::new(
///     "acs:ram::1:role/app", "acs:ram::1:oidc-provider/ack-rrsa-c1", "eyJhbGciOi.x.y", "pod-7",
/// )?;
/// assert!(!format!("{op:?}").contains("eyJhbGciOi"));
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithOidc {
    session: RoleSession,
    provider_arn: String,
    token: String,
}

impl AssumeRoleWithOidc {
    /// Assumes `role_arn` trusting `provider_arn`, proving identity with the JWT `token`.
    pub fn new(
        role_arn: &str,
        provider_arn: &str,
        token: &str,
        session_name: &str,
    ) -> Result<AssumeRoleWithOidc, ParameterError> {
        check_oidc_provider_arn(provider_arn)?;
        check_oidc_token(token)?;
        Ok(AssumeRoleWithOidc {
            session: RoleSession::new(role_arn, session_name)?,
            provider_arn: provider_arn.to_owned(),
            token: token.to_owned(),
        })
    }

    /// The session's length, 900 to 43,200 seconds.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<AssumeRoleWithOidc, ParameterError> {
        self.session.set_duration(seconds)?;
        Ok(self)
    }

    /// A policy (1 to 2,048 characters) that narrows the role's permissions.
    pub fn with_policy(mut self, policy: &str) -> Result<AssumeRoleWithOidc, ParameterError> {
        self.session.set_policy(policy)?;
        Ok(self)
    }

    /// The role.
    pub fn role_arn(&self) -> &RoleArn {
        &self.session.role_arn
    }

    /// The OIDC provider's ARN.
    pub fn provider_arn(&self) -> &str {
        &self.provider_arn
    }

    /// The OIDC token. Never log it.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The session's name.
    pub fn session_name(&self) -> &str {
        &self.session.session_name
    }

    /// The session's length in seconds (the default when none was set).
    pub fn duration_seconds(&self) -> u32 {
        self.session.duration()
    }
}

impl fmt::Debug for AssumeRoleWithOidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithOidc")
            .field("session", &self.session)
            .field("provider_arn", &self.provider_arn)
            .field("token", &REDACTED)
            .finish()
    }
}

impl Operation for AssumeRoleWithOidc {
    const ACTION: &'static str = "AssumeRoleWithOIDC";
    type Response = AssumeRoleWithOidcResponse;
    /// STS allows 100 calls a second (CREDENTIALS.md section 5).
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::documented(100));
    const VERSION: &'static str = STS_API_VERSION;

    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = self.session.parameters();
        parameters.insert(1, ("OIDCProviderArn", self.provider_arn.clone()));
        parameters.insert(2, ("OIDCToken", self.token.clone()));
        parameters
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        let session = RoleSession::from_parameters(&get)?;
        let provider_arn = required(&get, "OIDCProviderArn")?;
        let token = required(&get, "OIDCToken")?;
        check_oidc_provider_arn(provider_arn)?;
        check_oidc_token(token)?;
        Ok(AssumeRoleWithOidc {
            session,
            provider_arn: provider_arn.to_owned(),
            token: token.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use std::collections::HashMap;

    #[test]
    fn parameters_round_trip_and_codes() {
        let op = AssumeRoleWithOidc::new("acs:ram::1:role/r", "acs:ram::1:oidc-provider/p", "a.b.c.d", "s1")
            .unwrap()
            .with_duration_seconds(1000)
            .unwrap();
        assert_eq!(
            (
                op.provider_arn(),
                op.token(),
                op.session_name(),
                op.duration_seconds()
            ),
            ("acs:ram::1:oidc-provider/p", "a.b.c.d", "s1", 1000)
        );
        let shown = format!("{op:?}");
        assert!(
            shown.starts_with("AssumeRoleWithOidc {") && shown.contains("oidc-provider/p"),
            "{shown}"
        );
        assert!(!shown.contains("a.b.c.d"), "the token never shows: {shown}");
        let sent = op.parameters();
        let map: HashMap<&str, &str> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            AssumeRoleWithOidc::from_parameters(|name| map.get(name).copied()).unwrap(),
            op
        );
        let mut map = map;
        map.insert("OIDCToken", "ab");
        let error = AssumeRoleWithOidc::from_parameters(|name| map.get(name).copied()).unwrap_err();
        assert_eq!(error.error_code(), ErrorCode::AuthenticationFailOidcTokenInvalid);
        map.remove("OIDCToken");
        let error = AssumeRoleWithOidc::from_parameters(|name| map.get(name).copied()).unwrap_err();
        assert_eq!(error, ParameterError::Missing { name: "OIDCToken" });
    }
}
