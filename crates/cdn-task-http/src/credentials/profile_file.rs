//! The aliyun CLI's profile file, `~/.aliyun/config.json`: every mode of
//! [`CliProfile`](cdn_task_core::credentials::CliProfile).

use super::{
    AssumeRoleCredentials, CredentialsError, CredentialsUri, ENV_CONFIG_FILE, ENV_CREDENTIALS_URI,
    ENV_PROFILE, EcsMetadataCredentials, Environment, ExternalProcess, Named, OidcCredentials,
    ProvideCredentials, ProvideFuture, StsEndpoint,
};
use cdn_task_core::credentials::{CliConfig, CliProfile, ProfileError, RoleSettings};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The profile used when neither the caller, `ALIBABA_CLOUD_PROFILE` nor the file's `current`
/// names one.
const DEFAULT_PROFILE: &str = "default";

/// Largest profile file read (a real one is a few kilobytes).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Credentials from the aliyun CLI's profile file (provider names `cli_profile/…`): the file
/// `ALIBABA_CLOUD_CONFIG_FILE`, else `~/.aliyun/config.json`; the profile given to
/// [`with_profile`](Self::with_profile), else `ALIBABA_CLOUD_PROFILE`, else the file's `current`,
/// else `default`.
///
/// Modes: `AK`, `StsToken`, `RamRoleArn` (its `sts_token`, when set, makes the source STS
/// credentials), `EcsRamRole`, `ChainableRamRoleArn` (a `source_profile` that leads back to a
/// profile already on the way is an error naming the cycle), `OIDC`, `CredentialsURI` and
/// `External`, honouring `sts_endpoint`, `sts_region`, `enable_vpc`, `ram_session_name`,
/// `expired_seconds`, `external_id` and `policy`. The file is read again at every call (every
/// refresh), so an edited profile takes effect without a restart.
///
/// ```
/// use cdn_task_http::credentials::{Environment, ProfileFile, ProvideCredentials};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let home = tempfile::tempdir()?;
/// std::fs::create_dir(home.path().join(".aliyun"))?;
/// std::fs::write(
///     home.path().join(".aliyun/config.json"),
///     r#"{"current":"ci","profiles":[{"name":"ci","mode":"AK",
///         "access_key_id":"LTAI-ci","access_key_secret":"ci-secret"}]}"#,
/// )?;
/// let env = Environment::empty().with_var("HOME", home.path().to_string_lossy());
/// let provided = ProfileFile::new(env).provide().await?;
/// assert_eq!(provided.credentials().access_key_id(), "LTAI-ci");
/// assert_eq!(provided.provider(), "cli_profile/static_ak");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ProfileFile {
    env: Environment,
    path: Option<PathBuf>,
    profile: Option<String>,
    /// The metadata provider of an `EcsRamRole` profile, kept across calls for its session token.
    metadata: Mutex<Option<(Option<String>, Arc<EcsMetadataCredentials>)>>,
}

impl ProfileFile {
    /// The file and profile chosen by `env` (or the file).
    pub fn new(env: Environment) -> Self {
        ProfileFile {
            env,
            path: None,
            profile: None,
            metadata: Mutex::new(None),
        }
    }

    /// Reads this file instead.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this profile, whatever the environment and the file say.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    fn file_path(&self) -> Result<PathBuf, CredentialsError> {
        if let Some(path) = &self.path {
            return Ok(path.clone());
        }
        if let Some(path) = self.env.var(ENV_CONFIG_FILE) {
            return Ok(PathBuf::from(path));
        }
        let home = self.env.home().ok_or_else(|| {
            CredentialsError::not_found(
                "the aliyun CLI profile file: no home directory (HOME and USERPROFILE are not set)",
            )
        })?;
        Ok(home.join(".aliyun").join("config.json"))
    }

    /// The provider of profile `name`, its `source_profile`s built on the way; `path` holds the
    /// profiles already on the way, to refuse a cycle.
    fn build(
        &self,
        config: &CliConfig,
        name: &str,
        path: &mut Vec<String>,
    ) -> Result<Arc<dyn ProvideCredentials>, Failure> {
        if path.iter().any(|seen| seen == name) {
            path.push(name.to_owned());
            return Err(Failure::Reason(format!(
                "`source_profile` makes a cycle: {}",
                path.join(" → ")
            )));
        }
        path.push(name.to_owned());
        let provider: Arc<dyn ProvideCredentials> = match config.profile(name).map_err(Failure::Profile)? {
            CliProfile::AccessKey(credentials) | CliProfile::StsToken(credentials) => {
                Arc::new(Named::fixed(credentials))
            }
            CliProfile::RamRoleArn { source, role } => {
                assume_role(&self.env, Arc::new(Named::fixed(source)), role)
            }
            CliProfile::ChainableRamRoleArn { source_profile, role } => {
                let source = self.build(config, &source_profile, path)?;
                assume_role(&self.env, source, role)
            }
            CliProfile::EcsRamRole { role_name } => {
                metadata_allowed(&self.env)
                    .map_err(|reason| Failure::Reason(format!("profile `{name}`: {reason}")))?;
                self.metadata(role_name)
            }
            CliProfile::Oidc {
                provider_arn,
                token_file,
                role,
            } => oidc(&self.env, provider_arn, token_file, role),
            CliProfile::CredentialsUri { uri } => {
                let uri = uri
                    .or_else(|| self.env.var(ENV_CREDENTIALS_URI).map(str::to_owned))
                    .ok_or_else(|| {
                        Failure::Reason(format!(
                            "profile `{name}`: `credentials_uri` is missing and {ENV_CREDENTIALS_URI} is not set"
                        ))
                    })?;
                Arc::new(CredentialsUri::new(uri))
            }
            CliProfile::External { command } => Arc::new(ExternalProcess::new(command)),
            _ => {
                return Err(Failure::Reason(format!(
                    "profile `{name}`: this mode is not supported"
                )));
            }
        };
        Ok(provider)
    }

    fn metadata(&self, role_name: Option<String>) -> Arc<dyn ProvideCredentials> {
        let mut kept = self.metadata.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((role, provider)) = kept.as_ref() {
            if *role == role_name {
                return provider.clone();
            }
        }
        let provider = Arc::new(metadata_for(&self.env, role_name.clone()));
        *kept = Some((role_name, provider.clone()));
        provider
    }
}

enum Failure {
    Profile(ProfileError),
    Reason(String),
}

impl ProvideCredentials for ProfileFile {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let path = self.file_path()?;
            let text = read_text(&path)?.ok_or_else(|| {
                CredentialsError::not_found(format!("aliyun CLI profile file {}: not found", path.display()))
            })?;
            let fail = |reason: String| CredentialsError::ProfileFile {
                path: path.clone(),
                reason,
            };
            let config = CliConfig::parse(&text).map_err(|error| fail(error.to_string()))?;
            let (name, chosen_by) = if let Some(name) = &self.profile {
                (name.clone(), "the caller")
            } else if let Some(name) = self.env.var(ENV_PROFILE) {
                (name.to_owned(), ENV_PROFILE)
            } else if let Some(name) = config.current() {
                (name.to_owned(), "the file's `current`")
            } else {
                (DEFAULT_PROFILE.to_owned(), "default")
            };
            let provider = self
                .build(&config, &name, &mut Vec::new())
                .map_err(|failure| match failure {
                    Failure::Profile(ProfileError::NoSuchProfile { name: missing }) if missing == name => {
                        CredentialsError::not_found(format!(
                            "aliyun CLI profile file {}: no profile named `{name}` (chosen by {chosen_by})",
                            path.display()
                        ))
                    }
                    Failure::Profile(error) => fail(error.to_string()),
                    Failure::Reason(reason) => fail(reason),
                })?;
            let provided = provider.provide().await.map_err(|error| match error {
                CredentialsError::Provider { provider, reason } => CredentialsError::Provider {
                    provider: format!("profile `{name}` of {} ({provider})", path.display()),
                    reason,
                },
                other => other,
            })?;
            Ok(provided.through("cli_profile"))
        })
    }

    fn describe(&self) -> String {
        match self.file_path() {
            Ok(path) => format!("aliyun CLI profile file {}", path.display()),
            Err(_) => "aliyun CLI profile file (no home directory)".to_owned(),
        }
    }
}

/// `AssumeRole` into `role` with `source`, at the endpoint `env` and the role's settings give.
pub(crate) fn assume_role(
    env: &Environment,
    source: Arc<dyn ProvideCredentials>,
    role: RoleSettings,
) -> Arc<dyn ProvideCredentials> {
    let endpoint = StsEndpoint::resolve(env, Some(&role));
    Arc::new(AssumeRoleCredentials::shared(source, role, endpoint, env.clone()))
}

/// `AssumeRoleWithOIDC` into `role`.
pub(crate) fn oidc(
    env: &Environment,
    provider_arn: String,
    token_file: String,
    role: RoleSettings,
) -> Arc<dyn ProvideCredentials> {
    let endpoint = StsEndpoint::resolve(env, Some(&role));
    Arc::new(OidcCredentials::new(
        provider_arn,
        token_file,
        role,
        endpoint,
        env.clone(),
    ))
}

/// Whether `env` allows asking the metadata service: not with
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`, which a profile naming it cannot override (as the
/// official libraries refuse to build their ECS provider then).
pub(crate) fn metadata_allowed(env: &Environment) -> Result<(), String> {
    if env.is_true(super::ENV_ECS_METADATA_DISABLED) {
        Err(format!(
            "its mode uses the ECS metadata service, which {}=true disables",
            super::ENV_ECS_METADATA_DISABLED
        ))
    } else {
        Ok(())
    }
}

/// The metadata provider for `env` with this role.
pub(crate) fn metadata_for(env: &Environment, role_name: Option<String>) -> EcsMetadataCredentials {
    let mut provider = EcsMetadataCredentials::from_env(env);
    if role_name.is_some() {
        provider = provider.with_role_name(role_name);
    }
    provider
}

/// Reads a profile file: `None` when it does not exist; an error when it cannot be read, is not
/// UTF-8 or is over a megabyte.
pub(crate) fn read_text(path: &Path) -> Result<Option<String>, CredentialsError> {
    use std::io::Read;
    let fail = |reason: String| CredentialsError::ProfileFile {
        path: path.to_owned(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(fail(format!("cannot be opened: {error}"))),
    };
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|error| fail(format!("cannot be read as UTF-8 text: {error}")))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_server::{Reply, ScriptedServer};

    #[tokio::test]
    async fn an_external_profile_runs_its_command() {
        let output = r#"{"mode":"StsToken","access_key_id":"STS.ext","access_key_secret":"s","sts_token":"t","expiration":"2099-01-01T00:00:00Z"}"#;
        let config = serde_json::json!({
            "current": "ext",
            "profiles": [{"name": "ext", "mode": "External", "process_command": format!("echo '{output}'")}]
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, config.to_string()).unwrap();
        let provided = ProfileFile::new(Environment::empty())
            .with_path(&path)
            .provide()
            .await
            .unwrap();
        assert_eq!(provided.provider(), "cli_profile/external");
        assert_eq!(provided.credentials().access_key_id(), "STS.ext");
    }

    #[tokio::test]
    async fn a_missing_source_profile_is_an_error_a_missing_chosen_profile_is_not_there() {
        let config = serde_json::json!({
            "current": "a",
            "profiles": [{"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "ghost",
                          "ram_role_arn": "acs:ram::1:role/a"}]
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, config.to_string()).unwrap();
        let file = ProfileFile::new(Environment::empty()).with_path(&path);
        let error = file.provide().await.unwrap_err();
        assert!(
            matches!(&error, CredentialsError::ProfileFile { path: p, reason } if *p == path && reason.contains("ghost")),
            "{error:?}"
        );
        let error = file.with_profile("nobody").provide().await.unwrap_err();
        assert_eq!(
            error,
            CredentialsError::not_found(format!(
                "aliyun CLI profile file {}: no profile named `nobody` (chosen by the caller)",
                path.display()
            ))
        );
    }

    #[test]
    fn describe_names_the_file() {
        let home = Environment::empty().with_var("HOME", "/home/u");
        for (file, expected) in [
            (
                ProfileFile::new(home.clone()),
                "aliyun CLI profile file /home/u/.aliyun/config.json",
            ),
            (
                ProfileFile::new(home.with_var(ENV_CONFIG_FILE, "/etc/aliyun.json")),
                "aliyun CLI profile file /etc/aliyun.json",
            ),
            (
                ProfileFile::new(Environment::empty()).with_path("/srv/config.json"),
                "aliyun CLI profile file /srv/config.json",
            ),
            (
                ProfileFile::new(Environment::empty()),
                "aliyun CLI profile file (no home directory)",
            ),
        ] {
            assert_eq!(file.describe(), expected);
        }
    }

    #[test]
    fn profile_files_of_up_to_a_megabyte_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        assert_eq!(read_text(&path).unwrap(), None);
        let limit = usize::try_from(MAX_FILE_BYTES).unwrap();
        assert_eq!(limit, 1024 * 1024);
        std::fs::write(&path, " ".repeat(limit)).unwrap();
        assert_eq!(read_text(&path).unwrap().map(|text| text.len()), Some(limit));
        std::fs::write(&path, " ".repeat(limit + 1)).unwrap();
        assert_eq!(
            read_text(&path).unwrap_err(),
            CredentialsError::ProfileFile {
                path: path.clone(),
                reason: "larger than 1048576 bytes".to_owned(),
            }
        );
    }

    #[test]
    fn a_profile_file_that_cannot_be_opened_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        // Below a file: not "not found" but "not a directory".
        let path = file.join("config.json");
        let error = read_text(&path).unwrap_err();
        assert!(
            matches!(&error, CredentialsError::ProfileFile { path: p, reason } if *p == path && reason.starts_with("cannot be opened: ")),
            "{error:?}"
        );
    }

    const DOCUMENT: &str = r#"{"Code":"Success","AccessKeyId":"STS.m","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2099-01-01T00:00:00Z"}"#;

    fn write_config(path: &Path, profile: serde_json::Value) {
        let config = serde_json::json!({"current": "p", "profiles": [profile]});
        std::fs::write(path, config.to_string()).unwrap();
    }

    #[tokio::test]
    async fn a_credentials_uri_profile_gets_its_documents_there() {
        let server = ScriptedServer::start(vec![Reply::Status(200, DOCUMENT.to_owned())]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        write_config(
            &path,
            serde_json::json!({"name": "p", "mode": "CredentialsURI",
                               "credentials_uri": format!("{}/creds", server.url())}),
        );
        let provided = ProfileFile::new(Environment::empty())
            .with_path(&path)
            .provide()
            .await
            .unwrap();
        assert_eq!(
            (provided.provider(), provided.credentials().access_key_id()),
            ("cli_profile/credentials_uri", "STS.m")
        );
        assert_eq!(server.requests(), ["GET /creds"]);
    }

    #[tokio::test]
    async fn an_ecs_profile_keeps_its_metadata_provider_while_the_role_stays() {
        let server = ScriptedServer::start(vec![
            Reply::Status(200, "tok".to_owned()),
            Reply::Status(200, DOCUMENT.to_owned()),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let ecs = |role: &str| serde_json::json!({"name": "p", "mode": "EcsRamRole", "ram_role_name": role});
        write_config(&path, ecs("a"));
        let env = Environment::empty().with_var(super::super::ENV_IMDS_ENDPOINT, server.url());
        let file = ProfileFile::new(env).with_path(&path);
        for _ in 0..2 {
            let provided = file.provide().await.unwrap();
            assert_eq!(provided.provider(), "cli_profile/ecs_ram_role");
        }
        // The session token was asked for once: the same provider both times.
        let documents = "GET /latest/meta-data/ram/security-credentials/";
        assert_eq!(
            server.requests(),
            [
                "PUT /latest/api/token".to_owned(),
                format!("{documents}a"),
                format!("{documents}a")
            ]
        );
        // The file now names another role: that role is asked for.
        write_config(&path, ecs("b"));
        file.provide().await.unwrap();
        assert_eq!(server.requests().last().unwrap(), &format!("{documents}b"));
    }
}
