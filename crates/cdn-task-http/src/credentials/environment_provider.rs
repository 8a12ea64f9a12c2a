//! Credentials from the environment variables.

use super::{
    CredentialsError, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN, Environment,
    ProvideCredentials, ProvideFuture, ProvidedCredentials,
};
use cdn_task_core::signing::Credentials;

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and the
/// optional `ALIBABA_CLOUD_SECURITY_TOKEN` (provider name `environment`).
///
/// Credentials exported by a CI step (such as `aliyun/configure-aliyun-credentials-action`) are
/// found here; they are not refreshed, so they last as long as that step made them last.
///
/// ```
/// use cdn_task_http::credentials::{Environment, EnvironmentCredentials, ProvideCredentials};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), cdn_task_http::CredentialsError> {
/// // `Environment::from_process()` in real use; an explicit one here.
/// let env = Environment::empty()
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.example")
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret")
///     .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", "example-token");
/// let provided = EnvironmentCredentials::new(env).provide().await?;
/// assert_eq!(provided.provider(), "environment");
/// assert_eq!(provided.credentials().security_token(), Some("example-token"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct EnvironmentCredentials {
    env: Environment,
}

impl EnvironmentCredentials {
    /// Reads from `env`.
    pub fn new(env: Environment) -> Self {
        EnvironmentCredentials { env }
    }

    fn read(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let id = self.env.var(ENV_ACCESS_KEY_ID);
        let secret = self.env.var(ENV_ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::not_found(format!(
                    "environment variables {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}: not set"
                )));
            }
            (Some(_), None) => return Err(incomplete(ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET)),
            (None, Some(_)) => return Err(incomplete(ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_ID)),
        };
        let credentials = Credentials::new(id, secret);
        let credentials = match self.env.var(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        };
        Ok(ProvidedCredentials::new(credentials, "environment"))
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(self.read()))
    }

    fn describe(&self) -> String {
        format!("environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET}, {ENV_SECURITY_TOKEN})")
    }
}

fn incomplete(set: &str, unset: &str) -> CredentialsError {
    CredentialsError::Environment {
        reason: format!("{set} is set but {unset} is not"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn environment_with_token_and_half_set_errors() {
        let env = Environment::empty()
            .with_var(ENV_ACCESS_KEY_ID, "id")
            .with_var(ENV_ACCESS_KEY_SECRET, "s3cr3t")
            .with_var(ENV_SECURITY_TOKEN, "t0k3n");
        let provided = EnvironmentCredentials::new(env).provide().await.unwrap();
        let credentials = provided.credentials();
        assert_eq!(credentials.access_key_id(), "id");
        assert_eq!(credentials.security_token(), Some("t0k3n"));
        assert_eq!(
            (provided.provider(), provided.expiration()),
            ("environment", None)
        );
        let env = Environment::empty().with_var(ENV_ACCESS_KEY_SECRET, "s3cr3t");
        let error = EnvironmentCredentials::new(env).provide().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "credentials in the environment are incomplete: ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but \
             ALIBABA_CLOUD_ACCESS_KEY_ID is not"
        );
    }

    #[test]
    fn describe_names_the_variables_never_their_values() {
        let env = Environment::empty()
            .with_var(ENV_ACCESS_KEY_ID, "LTAI-e")
            .with_var(ENV_ACCESS_KEY_SECRET, "SECRET-e");
        assert_eq!(
            EnvironmentCredentials::new(env).describe(),
            "environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, \
             ALIBABA_CLOUD_SECURITY_TOKEN)"
        );
    }
}
