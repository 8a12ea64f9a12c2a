//! Where credentials come from: the official default chain of Alibaba Cloud's credentials
//! libraries ([`DefaultChain`]), each provider on its own, and the cache every client puts in
//! front of them ([`CachedProvider`]).
//!
//! The chain, in order (CREDENTIALS.md section 1):
//! 1. the environment ([`EnvironmentCredentials`]);
//! 2. OIDC, when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set ([`OidcCredentials`]);
//! 3. the aliyun CLI's `~/.aliyun/config.json` ([`ProfileFile`], every mode);
//! 4. the ini file `~/.alibabacloud/credentials` ([`IniFileCredentials`]);
//! 5. the ECS instance metadata service unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`
//!    ([`EcsMetadataCredentials`]);
//! 6. `ALIBABA_CLOUD_CREDENTIALS_URI` when set ([`CredentialsUri`]).
//!
//! A provider that has no credentials declines ([`CredentialsError::NotFound`], saying where it
//! looked) and the chain moves on; one that has some but cannot deliver them stops the chain with
//! its error. Expiring credentials are fetched again before they expire by the
//! [`CachedProvider`] that every client wraps its provider in; refreshes happen per request,
//! one at a time. Every lookup of the process environment and the home directory goes through an
//! [`Environment`], so tests inject their own.
//!
//! Secrets, security tokens and OIDC tokens never appear in `Debug`, errors or logs.

mod assume_role;
mod cache;
mod chain;
mod environment;
mod environment_provider;
mod external;
mod fetch;
mod ini_file;
mod metadata;
mod oidc;
mod profile_file;
mod sts_endpoint;
#[cfg(test)]
mod test_server;
mod uri;

pub use assume_role::AssumeRoleCredentials;
pub use cache::CachedProvider;
pub use chain::DefaultChain;
pub use environment::Environment;
pub use environment_provider::EnvironmentCredentials;
pub use external::ExternalProcess;
pub use ini_file::IniFileCredentials;
pub use metadata::{DEFAULT_IMDS_ENDPOINT, EcsMetadataCredentials};
pub use oidc::OidcCredentials;
pub use profile_file::ProfileFile;
pub use sts_endpoint::StsEndpoint;
pub use uri::CredentialsUri;

pub use cdn_task_core::signing::Credentials;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// The environment variable holding the AccessKeyId.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The environment variable holding an STS security token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The profile of config.json (default: its `current`) and the section of the ini file
/// (default `default`).
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// The role to assume with OIDC.
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC identity provider's ARN.
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token (re-read at every refresh: ACK rotates it).
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// The session name for role sessions (default `cdn-task-<unix seconds>`).
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// The STS endpoint: a host, or a URL (`http://127.0.0.1:PORT` for an emulator).
pub const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// The STS region: `sts.<region>.aliyuncs.com`.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true`: the region's VPC endpoint, `sts-vpc.<region>.aliyuncs.com`.
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The path of the CLI's config.json (default `~/.aliyun/config.json`).
pub const ENV_CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// `true`: skip config.json.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// The path of the ini credentials file.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// The ECS instance's RAM role name (saves asking the metadata service for it).
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true`: skip the ECS metadata service.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true`: never ask the metadata service without a session token (IMDSv1).
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// The metadata service's base URL instead of `http://100.100.100.200` (for emulators and
/// tests; this project's own variable, no official library has one).
pub const ENV_IMDS_ENDPOINT: &str = "CDN_TASK_IMDS_ENDPOINT";
/// A URL that answers credential documents; adds the URI provider at the end of the chain.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// Credentials as a provider delivers them: what to sign with, until when, and who delivered
/// them. `Debug` never shows the secret or the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedCredentials {
    credentials: Credentials,
    expiration: Option<DateTime<Utc>>,
    provider: String,
}

impl ProvidedCredentials {
    /// Credentials from `provider` (a short name such as `environment` or `ecs_ram_role`) that do
    /// not expire.
    pub fn new(credentials: Credentials, provider: impl Into<String>) -> ProvidedCredentials {
        ProvidedCredentials {
            credentials,
            expiration: None,
            provider: provider.into(),
        }
    }

    /// The same, expiring at `expiration`.
    pub fn expiring(mut self, expiration: DateTime<Utc>) -> ProvidedCredentials {
        self.expiration = Some(expiration);
        self
    }

    /// The same, named as delivered through `outer` (`cli_profile/ram_role_arn`).
    pub(crate) fn through(mut self, outer: &str) -> ProvidedCredentials {
        self.provider = format!("{outer}/{}", self.provider);
        self
    }

    /// What to sign with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When they expire; `None` for long-term credentials.
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        self.expiration
    }

    /// The provider that delivered them (`environment`, `oidc_role_arn`,
    /// `cli_profile/ram_role_arn`, `ecs_ram_role`, `credentials_uri`, …).
    pub fn provider(&self) -> &str {
        &self.provider
    }
}

/// Why no credentials could be had. Never holds a secret or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source had credentials.
    #[error("no Alibaba Cloud credentials found; looked at: {}", looked_at.join("; "))]
    NotFound {
        /// Each place looked at, with why it declined.
        looked_at: Vec<String>,
    },
    /// The environment has some of the variables but not a usable set.
    #[error("credentials in the environment are incomplete: {reason}")]
    Environment {
        /// What is missing.
        reason: String,
    },
    /// A profile file (config.json or the ini file) exists but does not give usable credentials.
    #[error("profile file {}: {reason}", path.display())]
    ProfileFile {
        /// The file.
        path: PathBuf,
        /// What is wrong (the profile, the mode, a field, a cycle of source profiles…).
        reason: String,
    },
    /// A provider that is configured could not deliver: STS refused, the metadata service or the
    /// credentials URI answered an error, the credential process failed.
    #[error("{provider}: {reason}")]
    Provider {
        /// The provider (`oidc_role_arn`, `ecs_ram_role`, `credentials_uri`, …).
        provider: String,
        /// What happened.
        reason: String,
    },
}

impl CredentialsError {
    /// `NotFound` with one place.
    pub(crate) fn not_found(place: impl Into<String>) -> CredentialsError {
        CredentialsError::NotFound {
            looked_at: vec![place.into()],
        }
    }

    /// `Provider`.
    pub(crate) fn provider(provider: &str, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::Provider {
            provider: provider.to_owned(),
            reason: reason.into(),
        }
    }
}

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ProvidedCredentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, meant to be implemented by users (it is not sealed, and is kept
/// small so that it can stay stable). Implement it for a source of your own and give it to
/// [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider); the
/// client caches what it returns and asks again before the expiry.
///
/// Return [`CredentialsError::NotFound`] when the source simply has none (a chain then tries the
/// next), any other error when it has unusable ones (a chain stops there).
///
/// ```
/// use cdn_task_http::credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProvidedCredentials};
/// struct Vault;
/// impl ProvideCredentials for Vault {
///     fn provide(&self) -> ProvideFuture<'_> {
///         Box::pin(async { Ok(ProvidedCredentials::new(Credentials::new("LTAI-v", "s"), "vault")) })
///     }
///     fn describe(&self) -> String {
///         "the vault".to_owned()
///     }
/// }
/// # let _ = cdn_task_http::Client::builder().credentials_provider(Vault);
/// ```
pub trait ProvideCredentials: Send + Sync {
    /// The credentials, or why there are none.
    fn provide(&self) -> ProvideFuture<'_>;

    /// What this source is, for `Debug` output (never a secret).
    fn describe(&self) -> String;
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(Ok(ProvidedCredentials::new(
            self.clone(),
            "static",
        ))))
    }

    fn describe(&self) -> String {
        format!("explicit credentials for AccessKeyId {}", self.access_key_id())
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for std::sync::Arc<P> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// The session name for a role session when none is configured: `ALIBABA_CLOUD_ROLE_SESSION_NAME`,
/// else `cdn-task-<unix seconds>`.
pub(crate) fn session_name(env: &Environment, configured: Option<&str>) -> String {
    configured
        .or_else(|| env.var(ENV_ROLE_SESSION_NAME))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("cdn-task-{}", system_now().timestamp()))
}

/// Fixed credentials under a provider name (`static_ak`, `static_sts`).
#[derive(Debug)]
pub(crate) struct Named {
    pub(crate) credentials: Credentials,
    pub(crate) name: &'static str,
}

impl Named {
    /// `credentials`, named by whether they carry a security token.
    pub(crate) fn fixed(credentials: Credentials) -> Named {
        let name = if credentials.security_token().is_some() {
            "static_sts"
        } else {
            "static_ak"
        };
        Named { credentials, name }
    }
}

impl ProvideCredentials for Named {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(Ok(ProvidedCredentials::new(
            self.credentials.clone(),
            self.name,
        ))))
    }

    fn describe(&self) -> String {
        format!(
            "{} credentials for AccessKeyId {}",
            self.name,
            self.credentials.access_key_id()
        )
    }
}

/// The system clock, as chrono time.
pub(crate) fn system_now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn fixed_credentials_describe_themselves_by_access_key_id_only() {
        let plain = Credentials::new("LTAI-plain", "SECRET-plain");
        let sts = Credentials::new("STS.tok", "SECRET-sts").with_security_token("TOKEN-sts");
        let described = [
            (
                plain.describe(),
                "explicit credentials for AccessKeyId LTAI-plain",
            ),
            (
                Arc::new(plain.clone()).describe(),
                "explicit credentials for AccessKeyId LTAI-plain",
            ),
            (
                Named::fixed(plain).describe(),
                "static_ak credentials for AccessKeyId LTAI-plain",
            ),
            (
                Named::fixed(sts).describe(),
                "static_sts credentials for AccessKeyId STS.tok",
            ),
        ];
        for (text, expected) in described {
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn session_names_configured_from_the_environment_or_cdn_task_and_the_time() {
        let env = Environment::empty().with_var(ENV_ROLE_SESSION_NAME, "from-env");
        assert_eq!(session_name(&env, Some("configured")), "configured");
        assert_eq!(session_name(&env, None), "from-env");
        let before = system_now().timestamp();
        let name = session_name(&Environment::empty(), None);
        let after = system_now().timestamp();
        let seconds: i64 = name
            .strip_prefix("cdn-task-")
            .and_then(|rest| rest.parse().ok())
            .unwrap_or_else(|| panic!("{name}"));
        assert!((before..=after).contains(&seconds), "{name}");
    }
}
