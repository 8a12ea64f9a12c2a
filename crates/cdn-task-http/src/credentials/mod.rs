//! Where credentials come from: given explicitly, the environment, or the aliyun CLI's profile
//! file, tried in that order by [`DefaultChain`].
//!
//! Credentials are resolved once, when the client is built. Every lookup of the process
//! environment and the home directory goes through an [`Environment`], so tests inject their own.

mod environment;
mod profile;

pub use environment::Environment;
pub use profile::ProfileFile;

pub use cdn_task_core::signing::Credentials;
use std::path::PathBuf;

/// The environment variable holding the AccessKeyId.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The environment variable holding an STS security token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The environment variable naming the profile to use from the aliyun CLI's profile file.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// Why no credentials could be had. Never holds a secret or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source had credentials.
    #[error("no Alibaba Cloud credentials found; looked at: {}", looked_at.join("; "))]
    NotFound {
        /// Each place looked at, with what was found there.
        looked_at: Vec<String>,
    },
    /// The environment has some of the variables but not a usable set.
    #[error("credentials in the environment are incomplete: {reason}")]
    Environment {
        /// What is missing.
        reason: String,
    },
    /// The profile file exists but does not give usable credentials.
    #[error("aliyun CLI profile file {}: {reason}", path.display())]
    ProfileFile {
        /// The file.
        path: PathBuf,
        /// What is wrong (the profile, the mode, a missing field…).
        reason: String,
    },
}

/// A source of credentials.
///
/// Return [`CredentialsError::NotFound`] when the source simply has none (a chain then tries the
/// next), any other error when it has unusable ones (a chain stops there).
pub trait ProvideCredentials: Send + Sync {
    /// The credentials, or why there are none.
    fn provide(&self) -> Result<Credentials, CredentialsError>;

    /// What this source is, for `Debug` output (never a secret).
    fn describe(&self) -> String;
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.clone())
    }

    fn describe(&self) -> String {
        format!("explicit credentials for AccessKeyId {}", self.access_key_id())
    }
}

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and the
/// optional `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Debug, Clone)]
pub struct EnvironmentCredentials {
    env: Environment,
}

impl EnvironmentCredentials {
    /// Reads from `env`.
    pub fn new(env: Environment) -> Self {
        EnvironmentCredentials { env }
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.var(ENV_ACCESS_KEY_ID);
        let secret = self.env.var(ENV_ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::NotFound {
                    looked_at: vec![format!(
                        "environment variables {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}: not set"
                    )],
                });
            }
            (Some(_), None) => return Err(incomplete(ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET)),
            (None, Some(_)) => return Err(incomplete(ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_ID)),
        };
        let credentials = Credentials::new(id, secret);
        Ok(match self.env.var(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
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

/// The default chain: the environment ([`EnvironmentCredentials`]), then the aliyun CLI's profile
/// file ([`ProfileFile`]). The error when neither has credentials lists what was looked at.
///
/// ```
/// use cdn_task_http::credentials::{DefaultChain, Environment, ProvideCredentials};
/// let env = Environment::empty()
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
///     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
/// let credentials = DefaultChain::new(env).provide()?;
/// assert_eq!(credentials.access_key_id(), "LTAI-example");
///
/// let error = DefaultChain::new(Environment::empty()).provide().unwrap_err();
/// assert!(error.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));
/// # Ok::<(), cdn_task_http::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DefaultChain {
    env: Environment,
}

impl DefaultChain {
    /// The chain over `env`.
    pub fn new(env: Environment) -> Self {
        DefaultChain { env }
    }

    /// The chain over the process's environment.
    pub fn from_process() -> Self {
        DefaultChain::new(Environment::from_process())
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let sources: [&dyn ProvideCredentials; 2] = [
            &EnvironmentCredentials::new(self.env.clone()),
            &ProfileFile::new(self.env.clone()),
        ];
        let mut looked_at = Vec::new();
        for source in sources {
            match source.provide() {
                Err(CredentialsError::NotFound { looked_at: more }) => looked_at.extend(more),
                found => return found,
            }
        }
        Err(CredentialsError::NotFound { looked_at })
    }

    fn describe(&self) -> String {
        "default chain (environment, then the aliyun CLI profile file)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_with_token() {
        let env = Environment::empty()
            .with_var(ENV_ACCESS_KEY_ID, "id")
            .with_var(ENV_ACCESS_KEY_SECRET, "s3cr3t")
            .with_var(ENV_SECURITY_TOKEN, "t0k3n");
        let credentials = EnvironmentCredentials::new(env).provide().unwrap();
        assert_eq!(credentials.access_key_id(), "id");
        assert_eq!(credentials.access_key_secret(), "s3cr3t");
        assert_eq!(credentials.security_token(), Some("t0k3n"));
    }

    #[test]
    fn half_set_environment_is_an_error_naming_the_missing_variable() {
        let env = Environment::empty().with_var(ENV_ACCESS_KEY_ID, "id");
        let error = DefaultChain::new(env).provide().unwrap_err();
        assert_eq!(
            error.to_string(),
            "credentials in the environment are incomplete: ALIBABA_CLOUD_ACCESS_KEY_ID is set but \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"
        );
        let env = Environment::empty().with_var(ENV_ACCESS_KEY_SECRET, "s3cr3t");
        let error = DefaultChain::new(env).provide().unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"));
    }

    #[test]
    fn nothing_anywhere_lists_what_was_looked_at() {
        let error = DefaultChain::new(Environment::empty()).provide().unwrap_err();
        assert_eq!(
            error.to_string(),
            "no Alibaba Cloud credentials found; looked at: environment variables \
             ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET: not set; the aliyun CLI \
             profile file: no home directory (HOME and USERPROFILE are not set)"
        );
    }
}
