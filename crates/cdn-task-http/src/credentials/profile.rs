//! The aliyun CLI's profile file, `~/.aliyun/config.json`: modes `AK` and `StsToken`.
//!
//! ```json
//! {"current": "default",
//!  "profiles": [{"name": "default", "mode": "AK", "access_key_id": "…", "access_key_secret": "…",
//!                "sts_token": "", "region_id": "cn-hangzhou", …}]}
//! ```
//! The file is read as untyped JSON and fields are picked out one by one, so that an error message
//! names a field without ever quoting a value (a typed decoder would quote a mistyped secret).

use super::{CredentialsError, ENV_PROFILE, Environment, ProvideCredentials};
use cdn_task_core::signing::Credentials;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The profile used when neither `ALIBABA_CLOUD_PROFILE` nor the file's `current` names one.
const DEFAULT_PROFILE: &str = "default";

/// Largest profile file read (a real one is a few kilobytes).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Credentials from the aliyun CLI's profile file: the profile named by `ALIBABA_CLOUD_PROFILE`,
/// else the file's `current`, else `default`. Modes `AK` and `StsToken` are supported; others are
/// an error naming the mode.
///
/// ```
/// use cdn_task_http::credentials::{Environment, ProfileFile, ProvideCredentials};
/// let home = tempfile::tempdir()?;
/// std::fs::create_dir(home.path().join(".aliyun"))?;
/// std::fs::write(
///     home.path().join(".aliyun/config.json"),
///     r#"{"current":"ci","profiles":[{"name":"ci","mode":"AK",
///         "access_key_id":"LTAI-ci","access_key_secret":"ci-secret"}]}"#,
/// )?;
/// let env = Environment::empty().with_var("HOME", home.path().to_string_lossy());
/// assert_eq!(ProfileFile::new(env).provide()?.access_key_id(), "LTAI-ci");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProfileFile {
    env: Environment,
    path: Option<PathBuf>,
    profile: Option<String>,
}

impl ProfileFile {
    /// The file under `env`'s home directory, the profile chosen by `env` or the file.
    pub fn new(env: Environment) -> Self {
        ProfileFile {
            env,
            path: None,
            profile: None,
        }
    }

    /// Reads this file instead of `~/.aliyun/config.json`.
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
        let home = self.env.home().ok_or_else(|| CredentialsError::NotFound {
            looked_at: vec![
                "the aliyun CLI profile file: no home directory (HOME and USERPROFILE are not set)"
                    .to_owned(),
            ],
        })?;
        Ok(home.join(".aliyun").join("config.json"))
    }
}

impl ProvideCredentials for ProfileFile {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let path = self.file_path()?;
        let text = read(&path)?;
        let fail = |reason: String| CredentialsError::ProfileFile {
            path: path.clone(),
            reason,
        };
        let root: Value = serde_json::from_str(&text).map_err(|error| {
            fail(format!(
                "not valid JSON (line {}, column {})",
                error.line(),
                error.column()
            ))
        })?;
        let root = root
            .as_object()
            .ok_or_else(|| fail("not a JSON object".to_owned()))?;
        let (name, chosen_by) = if let Some(name) = &self.profile {
            (name.clone(), "the caller")
        } else if let Some(name) = self.env.var(ENV_PROFILE) {
            (name.to_owned(), ENV_PROFILE)
        } else if let Some(name) = text_field(root, "current").filter(|name| !name.is_empty()) {
            (name.to_owned(), "the file's `current`")
        } else {
            (DEFAULT_PROFILE.to_owned(), "default")
        };
        let profile = root
            .get("profiles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .find(|profile| text_field(profile, "name") == Some(name.as_str()))
            .ok_or_else(|| fail(format!("no profile named `{name}` (chosen by {chosen_by})")))?;
        credentials_of(profile).map_err(|reason| fail(format!("profile `{name}`: {reason}")))
    }

    fn describe(&self) -> String {
        match self.file_path() {
            Ok(path) => format!("aliyun CLI profile file {}", path.display()),
            Err(_) => "aliyun CLI profile file (no home directory)".to_owned(),
        }
    }
}

/// Reads the file; absent is "not found", anything else unreadable is an error.
fn read(path: &Path) -> Result<String, CredentialsError> {
    use std::io::Read;
    let fail = |reason: String| CredentialsError::ProfileFile {
        path: path.to_owned(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(CredentialsError::NotFound {
                looked_at: vec![format!("aliyun CLI profile file {}: not found", path.display())],
            });
        }
        Err(error) => return Err(fail(format!("cannot be opened: {error}"))),
    };
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|error| fail(format!("cannot be read as UTF-8 text: {error}")))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok(text)
}

/// The credentials of one profile, by its mode.
fn credentials_of(profile: &Map<String, Value>) -> Result<Credentials, String> {
    let required = |field: &'static str| -> Result<&str, String> {
        match profile.get(field) {
            Some(Value::String(text)) if !text.is_empty() => Ok(text),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                Err(format!("`{field}` is missing or empty"))
            }
            Some(_) => Err(format!("`{field}` is not a string")),
        }
    };
    let mode = required("mode")?;
    match mode {
        "AK" => Ok(Credentials::new(
            required("access_key_id")?,
            required("access_key_secret")?,
        )),
        "StsToken" => Ok(
            Credentials::new(required("access_key_id")?, required("access_key_secret")?)
                .with_security_token(required("sts_token")?),
        ),
        other => Err(format!(
            "mode `{other}` is not supported (supported: AK, StsToken); use the environment instead"
        )),
    }
}

fn text_field<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    object.get(field).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provide(json: &str, env: Environment) -> Result<Credentials, CredentialsError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, json).unwrap();
        ProfileFile::new(env).with_path(&path).provide()
    }

    const TWO_PROFILES: &str = r#"{"current":"ak","profiles":[
        {"name":"ak","mode":"AK","access_key_id":"id-ak","access_key_secret":"secret-ak","sts_token":""},
        {"name":"sts","mode":"StsToken","access_key_id":"id-sts","access_key_secret":"secret-sts",
         "sts_token":"token-sts","region_id":"cn-hangzhou"},
        {"name":"role","mode":"RamRoleArn","access_key_id":"x","access_key_secret":"y"}]}"#;

    #[test]
    fn current_then_environment_choose_the_profile() {
        let ak = provide(TWO_PROFILES, Environment::empty()).unwrap();
        assert_eq!((ak.access_key_id(), ak.security_token()), ("id-ak", None));
        let env = Environment::empty().with_var(ENV_PROFILE, "sts");
        let sts = provide(TWO_PROFILES, env).unwrap();
        assert_eq!(sts.access_key_id(), "id-sts");
        assert_eq!(sts.access_key_secret(), "secret-sts");
        assert_eq!(sts.security_token(), Some("token-sts"));
    }

    #[test]
    fn errors_name_profile_mode_and_field_but_no_value() {
        let env = |profile: &str| Environment::empty().with_var(ENV_PROFILE, profile);
        let message = |json: &str, profile: &str| provide(json, env(profile)).unwrap_err().to_string();
        assert!(message(TWO_PROFILES, "role").contains("mode `RamRoleArn` is not supported"));
        assert!(
            message(TWO_PROFILES, "nope")
                .contains("no profile named `nope` (chosen by ALIBABA_CLOUD_PROFILE)")
        );
        let typed =
            r#"{"profiles":[{"name":"default","mode":"AK","access_key_id":"i","access_key_secret":12345}]}"#;
        let text = message(typed, "default");
        assert!(text.contains("`access_key_secret` is not a string"), "{text}");
        assert!(!text.contains("12345"));
        let sts = r#"{"profiles":[{"name":"default","mode":"StsToken","access_key_id":"i","access_key_secret":"s"}]}"#;
        assert!(message(sts, "default").contains("`sts_token` is missing or empty"));
        assert!(message("{not json", "default").contains("not valid JSON (line 1, column 2)"));
    }

    #[test]
    fn missing_file_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let error = ProfileFile::new(Environment::empty())
            .with_path(dir.path().join("absent.json"))
            .provide()
            .unwrap_err();
        assert!(matches!(error, CredentialsError::NotFound { .. }), "{error}");
    }
}
