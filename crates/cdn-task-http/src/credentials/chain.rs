//! The default chain, in the official order.

use super::{
    CredentialsError, CredentialsUri, ENV_CLI_PROFILE_DISABLED, ENV_CREDENTIALS_URI,
    ENV_ECS_METADATA_DISABLED, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_ROLE_ARN,
    EcsMetadataCredentials, Environment, EnvironmentCredentials, IniFileCredentials, OidcCredentials,
    ProfileFile, ProvideCredentials, ProvideFuture,
};
use std::fmt;

/// One step of the chain: a provider, or why it is left out.
enum Step {
    Provider(Box<dyn ProvideCredentials>),
    Skipped(String),
}

/// The default chain of the official credentials libraries, in their order (see the
/// [module documentation](super)): environment → OIDC → `~/.aliyun/config.json` → the ini file
/// → ECS metadata → `ALIBABA_CLOUD_CREDENTIALS_URI`.
///
/// Built from an [`Environment`] captured once. Each call walks the chain from the start (a
/// client calls it only to refresh), so when the source that answered before stops answering,
/// the next one in line is found (the official libraries stick to the first that answered).
/// When none answers, the error lists every place looked at and why each declined.
///
/// ```
/// use cdn_task_http::credentials::{DefaultChain, Environment, ProvideCredentials};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), cdn_task_http::CredentialsError> {
/// let env = Environment::empty()
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
/// let provided = DefaultChain::new(env).provide().await?;
/// assert_eq!(provided.credentials().access_key_id(), "LTAI-example");
///
/// let env = Environment::empty().with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
/// let error = DefaultChain::new(env).provide().await.unwrap_err();
/// assert!(error.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));
/// # Ok(())
/// # }
/// ```
pub struct DefaultChain {
    steps: Vec<Step>,
}

impl DefaultChain {
    /// The chain over `env`.
    pub fn new(env: Environment) -> Self {
        let mut steps = vec![Step::Provider(Box::new(EnvironmentCredentials::new(env.clone())))];
        steps.push(match OidcCredentials::from_env(&env) {
            Some(provider) => Step::Provider(Box::new(provider)),
            None => Step::Skipped(format!(
                "OIDC: {ENV_ROLE_ARN}, {ENV_OIDC_PROVIDER_ARN} and {ENV_OIDC_TOKEN_FILE} are not all set"
            )),
        });
        steps.push(if env.is_true(ENV_CLI_PROFILE_DISABLED) {
            Step::Skipped(format!(
                "the aliyun CLI profile file: disabled by {ENV_CLI_PROFILE_DISABLED}=true"
            ))
        } else {
            Step::Provider(Box::new(ProfileFile::new(env.clone())))
        });
        steps.push(Step::Provider(Box::new(IniFileCredentials::new(env.clone()))));
        steps.push(if env.is_true(ENV_ECS_METADATA_DISABLED) {
            Step::Skipped(format!(
                "ECS metadata service: disabled by {ENV_ECS_METADATA_DISABLED}=true"
            ))
        } else {
            Step::Provider(Box::new(EcsMetadataCredentials::from_env(&env)))
        });
        steps.push(match env.var(ENV_CREDENTIALS_URI) {
            Some(uri) => Step::Provider(Box::new(CredentialsUri::new(uri))),
            None => Step::Skipped(format!("credentials URI: {ENV_CREDENTIALS_URI} is not set")),
        });
        DefaultChain { steps }
    }

    /// The chain over the process's environment.
    pub fn from_process() -> Self {
        DefaultChain::new(Environment::from_process())
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let mut looked_at = Vec::new();
            for step in &self.steps {
                match step {
                    Step::Skipped(reason) => looked_at.push(reason.clone()),
                    Step::Provider(provider) => match provider.provide().await {
                        Err(CredentialsError::NotFound { looked_at: more }) => looked_at.extend(more),
                        found => return found,
                    },
                }
            }
            Err(CredentialsError::NotFound { looked_at })
        })
    }

    fn describe(&self) -> String {
        "default chain (environment, OIDC, aliyun CLI profile file, ini file, ECS metadata, credentials URI)"
            .to_owned()
    }
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Provider(provider) => provider.describe(),
                Step::Skipped(reason) => format!("skipped: {reason}"),
            })
            .collect();
        f.debug_struct("DefaultChain").field("steps", &steps).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_and_debug_list_the_steps_in_order() {
        let chain = DefaultChain::new(Environment::empty().with_var("HOME", "/home/u"));
        assert_eq!(
            chain.describe(),
            "default chain (environment, OIDC, aliyun CLI profile file, ini file, ECS metadata, \
             credentials URI)"
        );
        let steps = [
            "environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, \
             ALIBABA_CLOUD_SECURITY_TOKEN)",
            "skipped: OIDC: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and \
             ALIBABA_CLOUD_OIDC_TOKEN_FILE are not all set",
            "aliyun CLI profile file /home/u/.aliyun/config.json",
            "ini credentials file",
            "ECS metadata service at http://100.100.100.200",
            "skipped: credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
        ];
        assert_eq!(
            format!("{chain:?}"),
            format!("DefaultChain {{ steps: {steps:?} }}")
        );
        let env = Environment::empty()
            .with_var(ENV_CLI_PROFILE_DISABLED, "true")
            .with_var(ENV_ECS_METADATA_DISABLED, "true")
            .with_var(ENV_CREDENTIALS_URI, "http://127.0.0.1:9/creds?token=s3cr3t-query");
        let debug = format!("{:?}", DefaultChain::new(env));
        for step in [
            "skipped: the aliyun CLI profile file: disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
            "skipped: ECS metadata service: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
            "credentials URI http://127.0.0.1:9/creds?…",
        ] {
            assert!(debug.contains(step), "{debug}");
        }
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}
