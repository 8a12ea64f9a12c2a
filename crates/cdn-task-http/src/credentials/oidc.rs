//! Assuming a role with an OIDC token (STS `AssumeRoleWithOIDC`): ACK's RRSA, CI federation.

use super::fetch::Fetcher;
use super::sts_endpoint::call::{Signing, assume};
use super::{
    CredentialsError, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_ROLE_ARN, Environment,
    ProvideCredentials, ProvideFuture, StsEndpoint, session_name,
};
use cdn_task_core::credentials::RoleSettings;
use cdn_task_core::sts::AssumeRoleWithOidc;
use std::path::PathBuf;

/// Largest token file read (tokens are at most 20,000 characters).
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// Credentials of a role assumed with `AssumeRoleWithOIDC` (provider name `oidc_role_arn`).
///
/// The call is anonymous and sends the token in a POST form body, never in a URL. The token file
/// is read again at every refresh, because the cluster rotates it.
///
/// ```no_run
/// use cdn_task_http::Client;
/// use cdn_task_http::credentials::{Environment, OidcCredentials};
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // On ACK with RRSA, or in CI with OIDC federation: `ALIBABA_CLOUD_ROLE_ARN`,
/// // `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are set. (The default
/// // chain finds them too; this is the provider alone.)
/// let oidc = OidcCredentials::from_env(&Environment::from_process()).ok_or("not configured")?;
/// let client = Client::builder().credentials_provider(oidc).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OidcCredentials {
    provider_arn: String,
    token_file: PathBuf,
    role: RoleSettings,
    endpoint: StsEndpoint,
    env: Environment,
    fetcher: Fetcher,
}

const PROVIDER: &str = "oidc_role_arn";

impl OidcCredentials {
    /// Assumes `role` trusting `provider_arn`, with the token in `token_file`, at `endpoint`.
    pub fn new(
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role: RoleSettings,
        endpoint: StsEndpoint,
        env: Environment,
    ) -> OidcCredentials {
        OidcCredentials {
            provider_arn: provider_arn.into(),
            token_file: token_file.into(),
            role,
            endpoint,
            env,
            fetcher: Fetcher::standard(),
        }
    }

    /// From `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` (all three set, or `None`), with the STS endpoint of `env`.
    pub fn from_env(env: &Environment) -> Option<OidcCredentials> {
        let role = RoleSettings::new(env.var(ENV_ROLE_ARN)?);
        let provider_arn = env.var(ENV_OIDC_PROVIDER_ARN)?;
        let token_file = env.var(ENV_OIDC_TOKEN_FILE)?;
        let endpoint = StsEndpoint::resolve(env, None);
        Some(OidcCredentials::new(
            provider_arn,
            token_file,
            role,
            endpoint,
            env.clone(),
        ))
    }

    fn fail(&self, reason: String) -> CredentialsError {
        CredentialsError::provider(PROVIDER, reason)
    }

    async fn read_token(&self) -> Result<String, CredentialsError> {
        let path = self.token_file.clone();
        let read = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut text = String::new();
            std::fs::File::open(&path)?
                .take(MAX_TOKEN_BYTES)
                .read_to_string(&mut text)
                .map(|_| text)
        })
        .await;
        match read {
            Ok(Ok(token)) => Ok(token.trim().to_owned()),
            Ok(Err(error)) => Err(self.fail(format!(
                "cannot read the OIDC token file {}: {error}",
                self.token_file.display()
            ))),
            Err(error) => Err(self.fail(format!("reading the OIDC token file failed: {error}"))),
        }
    }
}

impl ProvideCredentials for OidcCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let token = self.read_token().await?;
            let role = &self.role;
            let session = session_name(&self.env, role.session_name.as_deref());
            let mut operation = AssumeRoleWithOidc::new(&role.role_arn, &self.provider_arn, &token, &session);
            if let Some(seconds) = role.duration_seconds {
                operation = operation.and_then(|op| op.with_duration_seconds(seconds));
            }
            if let Some(policy) = &role.policy {
                operation = operation.and_then(|op| op.with_policy(policy));
            }
            let operation = operation.map_err(|error| self.fail(error.to_string()))?;
            assume(
                &self.fetcher,
                &self.endpoint,
                &operation,
                Signing::Anonymous,
                |response| response.credentials(),
                PROVIDER,
            )
            .await
        })
    }

    fn describe(&self) -> String {
        format!(
            "OIDC role {} with the token in {} at {:?}",
            self.role.role_arn,
            self.token_file.display(),
            self.endpoint
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_of_the_longest_documented_size_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        let token = "e".repeat(20_000);
        std::fs::write(&path, format!("{token}\n")).unwrap();
        let provider = OidcCredentials::new(
            "acs:ram::1:oidc-provider/p",
            &path,
            RoleSettings::new("acs:ram::1:role/r"),
            StsEndpoint::new("sts.aliyuncs.com"),
            Environment::empty(),
        );
        assert_eq!(provider.read_token().await.unwrap(), token);
    }

    #[test]
    fn describe_names_the_role_the_token_file_and_the_endpoint() {
        let provider = OidcCredentials::new(
            "acs:ram::1:oidc-provider/p",
            "/var/run/secrets/token",
            RoleSettings::new("acs:ram::1:role/r"),
            StsEndpoint::new("sts-vpc.cn-hangzhou.aliyuncs.com"),
            Environment::empty(),
        );
        assert_eq!(
            provider.describe(),
            "OIDC role acs:ram::1:role/r with the token in /var/run/secrets/token at \
             https://sts-vpc.cn-hangzhou.aliyuncs.com"
        );
    }
}
