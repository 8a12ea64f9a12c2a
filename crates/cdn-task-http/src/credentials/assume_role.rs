//! Assuming a role (STS `AssumeRole`) with the credentials of another provider.

use super::fetch::Fetcher;
use super::sts_endpoint::call::{Signing, assume};
use super::{CredentialsError, Environment, ProvideCredentials, ProvideFuture, StsEndpoint, session_name};
use cdn_task_core::credentials::RoleSettings;
use cdn_task_core::sts::AssumeRole;
use std::fmt;
use std::sync::Arc;

/// Credentials of a role, assumed with `AssumeRole` (signed with RPC HMAC-SHA1 by the source's
/// credentials) at an STS endpoint: the `RamRoleArn` and `ChainableRamRoleArn` profiles, and
/// anything else given a source (provider name `ram_role_arn`).
///
/// The settings are checked at every call, before anything is sent: an invalid role ARN,
/// session name (2 to 64 of letters, digits, `.@-_`), duration (900 to 43,200 s) or policy is
/// an error naming the parameter.
///
/// ```
/// use cdn_task_http::credentials::{AssumeRoleCredentials, Credentials, Environment, StsEndpoint};
/// use cdn_task_core::credentials::RoleSettings;
/// let mut role = RoleSettings::new("acs:ram::1234567890:role/deployer");
/// role.duration_seconds = Some(900);
/// let provider = AssumeRoleCredentials::new(
///     Credentials::new("LTAI-source", "source-secret"),
///     role,
///     StsEndpoint::new("sts.cn-hangzhou.aliyuncs.com"),
///     Environment::from_process(),
/// );
/// # let _ = cdn_task_http::Client::builder().credentials_provider(provider);
/// ```
pub struct AssumeRoleCredentials {
    source: Arc<dyn ProvideCredentials>,
    role: RoleSettings,
    endpoint: StsEndpoint,
    env: Environment,
    fetcher: Fetcher,
}

impl AssumeRoleCredentials {
    /// Assumes `role` at `endpoint` with `source`'s credentials; `env` gives the default session
    /// name (`ALIBABA_CLOUD_ROLE_SESSION_NAME`).
    pub fn new(
        source: impl ProvideCredentials + 'static,
        role: RoleSettings,
        endpoint: StsEndpoint,
        env: Environment,
    ) -> AssumeRoleCredentials {
        AssumeRoleCredentials::shared(Arc::new(source), role, endpoint, env)
    }

    pub(crate) fn shared(
        source: Arc<dyn ProvideCredentials>,
        role: RoleSettings,
        endpoint: StsEndpoint,
        env: Environment,
    ) -> AssumeRoleCredentials {
        AssumeRoleCredentials {
            source,
            role,
            endpoint,
            env,
            fetcher: Fetcher::standard(),
        }
    }

    fn operation(&self) -> Result<AssumeRole, CredentialsError> {
        let role = &self.role;
        let session = session_name(&self.env, role.session_name.as_deref());
        let mut operation = AssumeRole::new(&role.role_arn, &session);
        if let Some(seconds) = role.duration_seconds {
            operation = operation.and_then(|op| op.with_duration_seconds(seconds));
        }
        if let Some(policy) = &role.policy {
            operation = operation.and_then(|op| op.with_policy(policy));
        }
        if let Some(id) = &role.external_id {
            operation = operation.and_then(|op| op.with_external_id(id));
        }
        operation.map_err(|error| CredentialsError::provider(PROVIDER, error.to_string()))
    }
}

const PROVIDER: &str = "ram_role_arn";

impl ProvideCredentials for AssumeRoleCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let operation = self.operation()?;
            let source = self.source.provide().await.map_err(|error| match error {
                // The source having nothing is this provider's failure, not "look elsewhere".
                CredentialsError::NotFound { looked_at } => CredentialsError::provider(
                    PROVIDER,
                    format!("its source has no credentials ({})", looked_at.join("; ")),
                ),
                other => other,
            })?;
            assume(
                &self.fetcher,
                &self.endpoint,
                &operation,
                Signing::Signed(source.credentials()),
                |response| response.credentials(),
                PROVIDER,
            )
            .await
        })
    }

    fn describe(&self) -> String {
        format!(
            "assume role {} at {:?} with {}",
            self.role.role_arn,
            self.endpoint,
            self.source.describe()
        )
    }
}

impl fmt::Debug for AssumeRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    #[test]
    fn describe_and_debug_name_the_role_the_endpoint_and_the_source_never_its_secret() {
        let provider = AssumeRoleCredentials::new(
            Credentials::new("LTAI-source", "SECRET-source").with_security_token("TOKEN-source"),
            RoleSettings::new("acs:ram::1234567890:role/deployer"),
            StsEndpoint::new("sts.cn-hangzhou.aliyuncs.com"),
            Environment::empty(),
        );
        let expected = "assume role acs:ram::1234567890:role/deployer at \
                        https://sts.cn-hangzhou.aliyuncs.com with explicit credentials for \
                        AccessKeyId LTAI-source";
        assert_eq!(provider.describe(), expected);
        assert_eq!(format!("{provider:?}"), expected);
    }
}
