//! The ini credentials file: `~/.alibabacloud/credentials`.

use super::profile_file::{assume_role, metadata_allowed, metadata_for, oidc, read_text};
use super::{
    CredentialsError, ENV_CREDENTIALS_FILE, ENV_PROFILE, Environment, Named, ProvideCredentials,
    ProvideFuture,
};
use cdn_task_core::credentials::{IniError, IniFile, IniProfile};
use std::path::PathBuf;
use std::sync::Arc;

/// The section used when neither the caller nor `ALIBABA_CLOUD_PROFILE` names one.
const DEFAULT_SECTION: &str = "default";

/// Credentials from the ini credentials file (provider names `ini_profile/…`): the file
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials` (Go's default), else
/// `~/.alibabacloud/credentials.ini` (Python's and Java's); the section given to
/// [`with_profile`](Self::with_profile), else `ALIBABA_CLOUD_PROFILE`, else `default`.
///
/// Types `access_key`, `ecs_ram_role`, `ram_role_arn` and `oidc_role_arn`. A file named by
/// `ALIBABA_CLOUD_CREDENTIALS_FILE` that does not exist is an error (it was asked for); a default
/// path that does not exist is simply not there.
///
/// ```no_run
/// use cdn_task_http::Client;
/// use cdn_task_http::credentials::{Environment, IniFileCredentials};
/// # fn run() -> Result<(), cdn_task_http::Error> {
/// // The `[deploy]` section of ~/.alibabacloud/credentials.
/// let profile = IniFileCredentials::new(Environment::from_process()).with_profile("deploy");
/// let client = Client::builder().credentials_provider(profile).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct IniFileCredentials {
    env: Environment,
    profile: Option<String>,
}

impl IniFileCredentials {
    /// The file and section chosen by `env`.
    pub fn new(env: Environment) -> IniFileCredentials {
        IniFileCredentials { env, profile: None }
    }

    /// Uses this section, whatever the environment says.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The file to read and its text; `Err` says where it looked.
    fn file(&self) -> Result<(PathBuf, String), CredentialsError> {
        if let Some(path) = self.env.var(ENV_CREDENTIALS_FILE) {
            let path = PathBuf::from(path);
            let text = read_text(&path)?.ok_or_else(|| CredentialsError::ProfileFile {
                path: path.clone(),
                reason: format!("not found (named by {ENV_CREDENTIALS_FILE})"),
            })?;
            return Ok((path, text));
        }
        let home = self.env.home().ok_or_else(|| {
            CredentialsError::not_found(
                "the ini credentials file: no home directory (HOME and USERPROFILE are not set)",
            )
        })?;
        let folder = home.join(".alibabacloud");
        let candidates = [folder.join("credentials"), folder.join("credentials.ini")];
        for path in &candidates {
            if let Some(text) = read_text(path)? {
                return Ok((path.clone(), text));
            }
        }
        Err(CredentialsError::not_found(format!(
            "ini credentials file {} or {}: not found",
            candidates[0].display(),
            candidates[1].display()
        )))
    }
}

impl ProvideCredentials for IniFileCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let (path, text) = self.file()?;
            let fail = |error: IniError| CredentialsError::ProfileFile {
                path: path.clone(),
                reason: error.to_string(),
            };
            let file = IniFile::parse(&text).map_err(fail)?;
            let section = self
                .profile
                .as_deref()
                .or_else(|| self.env.var(ENV_PROFILE))
                .unwrap_or(DEFAULT_SECTION);
            let provider: Arc<dyn ProvideCredentials> = match file.profile(section) {
                Err(IniError::NoSuchSection { .. }) => {
                    return Err(CredentialsError::not_found(format!(
                        "ini credentials file {}: no section `[{section}]`",
                        path.display()
                    )));
                }
                Err(error) => return Err(fail(error)),
                Ok(IniProfile::AccessKey(credentials)) => Arc::new(Named::fixed(credentials)),
                Ok(IniProfile::EcsRamRole { role_name }) => {
                    metadata_allowed(&self.env).map_err(|reason| CredentialsError::ProfileFile {
                        path: path.clone(),
                        reason: format!("section `[{section}]`: {reason}"),
                    })?;
                    Arc::new(metadata_for(&self.env, role_name))
                }
                Ok(IniProfile::RamRoleArn { source, role }) => {
                    assume_role(&self.env, Arc::new(Named::fixed(source)), role)
                }
                Ok(IniProfile::OidcRoleArn {
                    provider_arn,
                    token_file,
                    role,
                }) => oidc(&self.env, provider_arn, token_file, role),
                Ok(_) => {
                    return Err(CredentialsError::ProfileFile {
                        path: path.clone(),
                        reason: format!("section `[{section}]`: this type is not supported"),
                    });
                }
            };
            Ok(provider.provide().await?.through("ini_profile"))
        })
    }

    fn describe(&self) -> String {
        "ini credentials file".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe() {
        let env = Environment::empty().with_var(ENV_CREDENTIALS_FILE, "/etc/creds.ini");
        assert_eq!(IniFileCredentials::new(env).describe(), "ini credentials file");
    }
}
