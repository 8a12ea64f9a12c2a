//! The aliyun CLI's `~/.aliyun/config.json` (CREDENTIALS.md section 3b).
//!
//! ```json
//! {"current": "default",
//!  "profiles": [{"name": "default", "mode": "AK", "access_key_id": "…", "access_key_secret": "…", …}]}
//! ```
//!
//! Choices where the CLI and the libraries differ: modes are matched case-insensitively (as the
//! CLI does; the libraries match exactly), `CredentialsURI` is supported (the CLI supports it,
//! the libraries reject it), a `RamRoleArn` profile's `sts_token` makes its source STS
//! credentials (as the CLI does; the libraries ignore it), and a profile that is not the one
//! asked for is not checked beyond its name, so one broken profile does not break the others.

use super::error::{FieldProblem, ProfileError};
use super::fields::{Fields, object};
use super::role::RoleSettings;
use crate::signing::Credentials;
use serde_json::{Map, Value};

/// The parsed file: which profile is current, and the profiles by name (each checked when asked
/// for, by [`profile`](Self::profile)).
#[derive(Clone, PartialEq, Eq)]
pub struct CliConfig {
    current: Option<String>,
    profiles: Vec<(String, Map<String, Value>)>,
}

impl std::fmt::Debug for CliConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The profiles hold secrets: names only.
        f.debug_struct("CliConfig")
            .field("current", &self.current)
            .field("profiles", &self.profile_names().collect::<Vec<_>>())
            .finish()
    }
}

/// One profile, by mode, with what the mode needs. `Debug` never shows a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CliProfile {
    /// `AK`: an AccessKey pair.
    AccessKey(Credentials),
    /// `StsToken`: STS credentials (no expiry known).
    StsToken(Credentials),
    /// `RamRoleArn`: assume a role with these credentials.
    RamRoleArn {
        /// The source credentials (an AccessKey pair, or STS ones when `sts_token` is set).
        source: Credentials,
        /// The role.
        role: RoleSettings,
    },
    /// `EcsRamRole`: the instance's RAM role from the metadata service.
    EcsRamRole {
        /// `ram_role_name`; `None`: ask the metadata service.
        role_name: Option<String>,
    },
    /// `ChainableRamRoleArn`: assume a role with the credentials of another profile.
    ChainableRamRoleArn {
        /// `source_profile`.
        source_profile: String,
        /// The role.
        role: RoleSettings,
    },
    /// `OIDC`: assume a role with an OIDC token from a file.
    Oidc {
        /// `oidc_provider_arn`.
        provider_arn: String,
        /// `oidc_token_file`.
        token_file: String,
        /// The role.
        role: RoleSettings,
    },
    /// `CredentialsURI`: fetch credentials from a URI.
    CredentialsUri {
        /// `credentials_uri`; `None`: `ALIBABA_CLOUD_CREDENTIALS_URI`.
        uri: Option<String>,
    },
    /// `External`: run a command that prints credentials.
    External {
        /// `process_command`, a command line.
        command: String,
    },
}

impl CliProfile {
    /// The mode as the CLI writes it.
    pub fn mode(&self) -> &'static str {
        match self {
            CliProfile::AccessKey(_) => "AK",
            CliProfile::StsToken(_) => "StsToken",
            CliProfile::RamRoleArn { .. } => "RamRoleArn",
            CliProfile::EcsRamRole { .. } => "EcsRamRole",
            CliProfile::ChainableRamRoleArn { .. } => "ChainableRamRoleArn",
            CliProfile::Oidc { .. } => "OIDC",
            CliProfile::CredentialsUri { .. } => "CredentialsURI",
            CliProfile::External { .. } => "External",
        }
    }
}

impl CliConfig {
    /// Parses the file's text: valid JSON, an object, `profiles` an array of objects each with a
    /// `name`, no two with one name.
    pub fn parse(text: &str) -> Result<CliConfig, ProfileError> {
        let root =
            object(text.as_bytes()).map_err(|(line, column)| match serde_json::from_str::<Value>(text) {
                Ok(_) => ProfileError::Shape {
                    path: ".".to_owned(),
                    expected: "object",
                },
                Err(_) => ProfileError::Syntax { line, column },
            })?;
        let current = match root.get("current") {
            Some(Value::String(name)) if !name.is_empty() => Some(name.clone()),
            _ => None,
        };
        let list = match root.get("profiles") {
            None | Some(Value::Null) => &Vec::new(),
            Some(Value::Array(list)) => list,
            Some(_) => {
                return Err(ProfileError::Shape {
                    path: "profiles".to_owned(),
                    expected: "array",
                });
            }
        };
        let mut profiles: Vec<(String, Map<String, Value>)> = Vec::with_capacity(list.len());
        for (index, profile) in list.iter().enumerate() {
            let shape = |expected| ProfileError::Shape {
                path: format!(
                    "profiles[{index}]{}",
                    if expected == "string" { ".name" } else { "" }
                ),
                expected,
            };
            let fields = profile.as_object().ok_or_else(|| shape("object"))?;
            let name = fields
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| shape("string"))?;
            if profiles.iter().any(|(known, _)| known == name) {
                return Err(ProfileError::DuplicateProfile {
                    name: name.to_owned(),
                });
            }
            profiles.push((name.to_owned(), fields.clone()));
        }
        Ok(CliConfig { current, profiles })
    }

    /// The file's `current` profile, if it names one.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The profiles' names, in file order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.iter().map(|(name, _)| name.as_str())
    }

    /// The profile `name`, checked for its mode.
    pub fn profile(&self, name: &str) -> Result<CliProfile, ProfileError> {
        let (_, map) = self
            .profiles
            .iter()
            .find(|(known, _)| known == name)
            .ok_or_else(|| ProfileError::NoSuchProfile {
                name: name.to_owned(),
            })?;
        parse_profile(&Fields(map)).map_err(|failure| match failure {
            Failure::Field(field, problem) => ProfileError::Field {
                profile: name.to_owned(),
                field,
                problem,
            },
            Failure::Mode(mode) => ProfileError::UnsupportedMode {
                profile: name.to_owned(),
                mode,
            },
        })
    }
}

enum Failure {
    Field(&'static str, FieldProblem),
    Mode(String),
}

impl From<(&'static str, FieldProblem)> for Failure {
    fn from((field, problem): (&'static str, FieldProblem)) -> Failure {
        Failure::Field(field, problem)
    }
}

fn parse_profile(fields: &Fields<'_>) -> Result<CliProfile, Failure> {
    let pair = || -> Result<Credentials, Failure> {
        Ok(Credentials::new(
            fields.required("access_key_id")?,
            fields.required("access_key_secret")?,
        ))
    };
    let mode = fields.required("mode")?;
    let profile = match mode.to_ascii_lowercase().as_str() {
        "ak" => CliProfile::AccessKey(pair()?),
        "ststoken" => CliProfile::StsToken(pair()?.with_security_token(fields.required("sts_token")?)),
        "ramrolearn" => {
            let source = pair()?;
            let source = match fields.optional("sts_token")? {
                Some(token) => source.with_security_token(token),
                None => source,
            };
            CliProfile::RamRoleArn {
                source,
                role: RoleSettings::from_json(fields)?,
            }
        }
        "ecsramrole" => CliProfile::EcsRamRole {
            role_name: fields.optional("ram_role_name")?.map(str::to_owned),
        },
        "chainableramrolearn" => CliProfile::ChainableRamRoleArn {
            source_profile: fields.required("source_profile")?.to_owned(),
            role: RoleSettings::from_json(fields)?,
        },
        "oidc" => CliProfile::Oidc {
            provider_arn: fields.required("oidc_provider_arn")?.to_owned(),
            token_file: fields.required("oidc_token_file")?.to_owned(),
            role: RoleSettings::from_json(fields)?,
        },
        "credentialsuri" => CliProfile::CredentialsUri {
            uri: fields.optional("credentials_uri")?.map(str::to_owned),
        },
        "external" => CliProfile::External {
            command: fields.required("process_command")?.to_owned(),
        },
        _ => return Err(Failure::Mode(crate::task_id::quote(mode))),
    };
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"current":"ak","profiles":[
        {"name":"ak","mode":"AK","access_key_id":"id-ak","access_key_secret":"SECRET-1","region_id":"cn-hangzhou"},
        {"name":"sts","mode":"StsToken","access_key_id":"id","access_key_secret":"s","sts_token":"t"},
        {"name":"role","mode":"RamRoleArn","access_key_id":"x","access_key_secret":"y","ram_role_arn":"acs:ram::1:role/r",
         "ram_session_name":"sess","expired_seconds":900,"external_id":"ext","sts_region":"cn-shanghai",
         "sts_endpoint":"http://127.0.0.1:1","enable_vpc":true},
        {"name":"ecs","mode":"EcsRamRole","ram_role_name":"my-role"},
        {"name":"chain","mode":"ChainableRamRoleArn","source_profile":"role","ram_role_arn":"acs:ram::1:role/r2"},
        {"name":"oidc","mode":"OIDC","oidc_provider_arn":"acs:ram::1:oidc-provider/p","oidc_token_file":"/t",
         "ram_role_arn":"acs:ram::1:role/r","role_session_name":"py-name"},
        {"name":"uri","mode":"CredentialsURI","credentials_uri":"http://127.0.0.1/c"},
        {"name":"ext","mode":"external","process_command":"get-creds --json"},
        {"name":"sso","mode":"CloudSSO"},
        {"name":"bad","mode":"AK","access_key_id":"i","access_key_secret":12345},
        {"name":"badseconds","mode":"RamRoleArn","access_key_id":"x","access_key_secret":"y","ram_role_arn":"a","expired_seconds":"soon"}
    ]}"#;

    #[test]
    fn every_mode() {
        let config = CliConfig::parse(FILE).unwrap();
        assert_eq!(config.current(), Some("ak"));
        let names: Vec<&str> = config.profile_names().collect();
        assert_eq!(
            names,
            [
                "ak",
                "sts",
                "role",
                "ecs",
                "chain",
                "oidc",
                "uri",
                "ext",
                "sso",
                "bad",
                "badseconds"
            ]
        );
        // An empty `current` names no profile.
        assert_eq!(
            CliConfig::parse(r#"{"current":"","profiles":[]}"#)
                .unwrap()
                .current(),
            None
        );
        let modes: Vec<&str> = ["ak", "sts", "role", "ecs", "chain", "oidc", "uri", "ext"]
            .iter()
            .map(|name| config.profile(name).unwrap().mode())
            .collect();
        assert_eq!(
            modes,
            [
                "AK",
                "StsToken",
                "RamRoleArn",
                "EcsRamRole",
                "ChainableRamRoleArn",
                "OIDC",
                "CredentialsURI",
                "External"
            ]
        );
        let CliProfile::RamRoleArn { role, source } = config.profile("role").unwrap() else {
            panic!()
        };
        assert_eq!(source.access_key_id(), "x");
        assert_eq!(
            (
                role.session_name.as_deref(),
                role.duration_seconds,
                role.enable_vpc
            ),
            (Some("sess"), Some(900), true)
        );
        assert_eq!(role.sts_endpoint.as_deref(), Some("http://127.0.0.1:1"));
        let CliProfile::Oidc { role, .. } = config.profile("oidc").unwrap() else {
            panic!()
        };
        assert_eq!(role.session_name.as_deref(), Some("py-name"));
        assert!(!format!("{config:?} {:?}", config.profile("ak").unwrap()).contains("SECRET-1"));
        // What Debug does show: the current profile and every profile's name.
        let shown = format!("{config:?}");
        assert!(shown.starts_with("CliConfig { current: "), "{shown}");
        for name in config.profile_names() {
            assert!(shown.contains(&format!("\"{name}\"")), "{name} in {shown}");
        }
    }

    #[test]
    fn typed_errors_name_profile_and_field_never_a_value() {
        let config = CliConfig::parse(FILE).unwrap();
        let message = |name: &str| config.profile(name).unwrap_err().to_string();
        assert!(message("sso").contains("mode `CloudSSO` is not supported"));
        assert_eq!(
            message("bad"),
            "profile `bad`: `access_key_secret` is not a string"
        );
        assert_eq!(
            message("badseconds"),
            "profile `badseconds`: `expired_seconds` is not a whole number"
        );
        assert_eq!(message("nope"), "no profile named `nope`");
        let cases = [
            ("{", "not valid JSON (line 1, column 1)"),
            ("[]", "`.` is not a JSON object"),
            (r#"{"profiles":{}}"#, "`profiles` is not a JSON array"),
            (r#"{"profiles":[1]}"#, "`profiles[0]` is not a JSON object"),
            (
                r#"{"profiles":[{"mode":"AK"}]}"#,
                "`profiles[0].name` is not a JSON string",
            ),
            (
                r#"{"profiles":[{"name":"a"},{"name":"a"}]}"#,
                "two profiles are named `a`",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                CliConfig::parse(text).unwrap_err().to_string(),
                expected,
                "{text}"
            );
        }
        let empty = CliConfig::parse(r#"{"profiles":[{"name":"e","mode":"StsToken","access_key_id":"a","access_key_secret":"b","sts_token":""}]}"#).unwrap();
        assert_eq!(
            empty.profile("e").unwrap_err().to_string(),
            "profile `e`: `sts_token` is empty"
        );
    }
}
