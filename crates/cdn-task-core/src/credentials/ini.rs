//! The ini credentials file (`~/.alibabacloud/credentials`, CREDENTIALS.md section 3a).
//!
//! ```ini
//! [default]
//! type = access_key
//! access_key_id = LTAI…
//! access_key_secret = …
//! ```
//!
//! Comments: whole lines starting `#` or `;`, and a ` #` or ` ;` (after blank space) to the end
//! of a value, as the Java library strips them (the Python library cuts at any `#`, which would
//! cut a value that holds one). `enable = false` disables a section (the Java library requires
//! `enable = true`; its README says absent means enabled, which is what is done here).

use super::error::{FieldProblem, IniError};
use super::role::RoleSettings;
use crate::signing::Credentials;

/// The parsed file: its sections, in order, with their lines.
#[derive(Clone, PartialEq, Eq)]
pub struct IniFile {
    sections: Vec<Section>,
}

#[derive(Clone, PartialEq, Eq)]
struct Section {
    name: String,
    line: usize,
    entries: Vec<(String, String, usize)>,
}

impl std::fmt::Debug for IniFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values hold secrets: section names only.
        f.debug_struct("IniFile")
            .field("sections", &self.section_names().collect::<Vec<_>>())
            .finish()
    }
}

/// One section, by its `type`. `Debug` never shows a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IniProfile {
    /// `access_key`.
    AccessKey(Credentials),
    /// `ecs_ram_role`.
    EcsRamRole {
        /// `role_name`; `None`: ask the metadata service.
        role_name: Option<String>,
    },
    /// `ram_role_arn`: assume `role` with an AccessKey pair.
    RamRoleArn {
        /// The AccessKey pair.
        source: Credentials,
        /// `role_arn`, `role_session_name`, `policy`, `region_id` (STS region).
        role: RoleSettings,
    },
    /// `oidc_role_arn`: assume `role` with an OIDC token from a file.
    OidcRoleArn {
        /// `oidc_provider_arn`.
        provider_arn: String,
        /// `oidc_token_file_path`.
        token_file: String,
        /// `role_arn`, `role_session_name`, `policy`, `region_id` (STS region).
        role: RoleSettings,
    },
}

impl IniProfile {
    /// The `type` as the file writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            IniProfile::AccessKey(_) => "access_key",
            IniProfile::EcsRamRole { .. } => "ecs_ram_role",
            IniProfile::RamRoleArn { .. } => "ram_role_arn",
            IniProfile::OidcRoleArn { .. } => "oidc_role_arn",
        }
    }
}

impl IniFile {
    /// Parses the text: `[section]` headers, `key = value` lines inside sections, comments and
    /// blank lines; no section or key twice.
    ///
    /// ```
    /// use cdn_task_core::credentials::{IniFile, IniError};
    /// let file = IniFile::parse("[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n")?;
    /// assert_eq!(file.profile("default")?.kind(), "access_key");
    /// assert_eq!(IniFile::parse("key = before any section").unwrap_err(),
    ///            IniError::Syntax { line: 1, detail: "a key outside any section" });
    /// # Ok::<(), IniError>(())
    /// ```
    pub fn parse(text: &str) -> Result<IniFile, IniError> {
        let mut sections: Vec<Section> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim().trim_start_matches('\u{feff}');
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(header) = trimmed.strip_prefix('[') {
                let name = strip_comment(header)
                    .strip_suffix(']')
                    .ok_or(IniError::Syntax {
                        line,
                        detail: "a section header without its closing `]`",
                    })?
                    .trim();
                if name.is_empty() {
                    return Err(IniError::Syntax {
                        line,
                        detail: "a section header with no name",
                    });
                }
                if sections.iter().any(|section| section.name == name) {
                    return Err(IniError::DuplicateSection {
                        line,
                        name: name.to_owned(),
                    });
                }
                sections.push(Section {
                    name: name.to_owned(),
                    line,
                    entries: Vec::new(),
                });
                continue;
            }
            let (key, value) = trimmed.split_once('=').ok_or(IniError::Syntax {
                line,
                detail: "neither `[section]` nor `key = value`",
            })?;
            let key = key.trim();
            if key.is_empty() {
                return Err(IniError::Syntax {
                    line,
                    detail: "a `= value` without a key",
                });
            }
            let section = sections.last_mut().ok_or(IniError::Syntax {
                line,
                detail: "a key outside any section",
            })?;
            if section.entries.iter().any(|(known, _, _)| known == key) {
                return Err(IniError::DuplicateKey {
                    line,
                    key: key.to_owned(),
                });
            }
            let value = unquote(strip_comment(value).trim());
            section.entries.push((key.to_owned(), value.to_owned(), line));
        }
        Ok(IniFile { sections })
    }

    /// The sections' names, in file order.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|section| section.name.as_str())
    }

    /// The section `name`, checked for its type. A section with `enable = false` is as absent.
    pub fn profile(&self, name: &str) -> Result<IniProfile, IniError> {
        let missing = || IniError::NoSuchSection {
            name: name.to_owned(),
        };
        let section = self
            .sections
            .iter()
            .find(|section| section.name == name)
            .ok_or_else(missing)?;
        let keys = Keys(section);
        if keys
            .get("enable")
            .is_some_and(|(value, _)| value.eq_ignore_ascii_case("false"))
        {
            return Err(missing());
        }
        let (kind, kind_line) = keys.required("type")?;
        let pair = || -> Result<Credentials, IniError> {
            Ok(Credentials::new(
                keys.required("access_key_id")?.0,
                keys.required("access_key_secret")?.0,
            ))
        };
        let role = || -> Result<RoleSettings, IniError> {
            let mut role = RoleSettings::new(keys.required("role_arn")?.0);
            role.session_name = keys.optional("role_session_name");
            role.policy = keys.optional("policy");
            role.sts_region = keys.optional("region_id");
            Ok(role)
        };
        Ok(match kind {
            "access_key" => IniProfile::AccessKey(pair()?),
            "ecs_ram_role" => IniProfile::EcsRamRole {
                role_name: keys.optional("role_name"),
            },
            "ram_role_arn" => IniProfile::RamRoleArn {
                source: pair()?,
                role: role()?,
            },
            "oidc_role_arn" => IniProfile::OidcRoleArn {
                provider_arn: keys.required("oidc_provider_arn")?.0.to_owned(),
                token_file: keys.required("oidc_token_file_path")?.0.to_owned(),
                role: role()?,
            },
            other => {
                return Err(IniError::UnsupportedType {
                    section: name.to_owned(),
                    line: kind_line,
                    kind: crate::task_id::quote(other),
                });
            }
        })
    }
}

/// A section's keys.
struct Keys<'a>(&'a Section);

impl<'a> Keys<'a> {
    fn get(&self, key: &str) -> Option<(&'a str, usize)> {
        self.0
            .entries
            .iter()
            .find(|(known, _, _)| known == key)
            .map(|(_, value, line)| (value.as_str(), *line))
    }

    fn required(&self, key: &'static str) -> Result<(&'a str, usize), IniError> {
        let field = |line, problem| IniError::Field {
            section: self.0.name.clone(),
            line,
            field: key,
            problem,
        };
        match self.get(key) {
            Some(("", line)) => Err(field(line, FieldProblem::Empty)),
            Some(found) => Ok(found),
            None => Err(field(self.0.line, FieldProblem::Missing)),
        }
    }

    fn optional(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(|(value, _)| value)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }
}

/// `value` without a trailing comment: ` #…` or ` ;…` after blank space.
fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    let cut =
        (1..bytes.len()).find(|&i| matches!(bytes[i], b'#' | b';') && bytes[i - 1].is_ascii_whitespace());
    match cut {
        Some(i) => value.get(..i).unwrap_or(value),
        None => value,
    }
}

/// `value` without one pair of surrounding double quotes.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# credentials
[default]
enable = true
type = access_key             # static keys
access_key_id = foo
access_key_secret = \"SECRET#1\"

[client1]
type = ecs_ram_role
role_name = EcsRamRoleTest

[client2]
type = ram_role_arn
access_key_id = foo
access_key_secret = bar
role_arn = acs:ram::1:role/r
role_session_name = session_name
region_id = cn-hangzhou

[client3]
type = oidc_role_arn
oidc_provider_arn = acs:ram::1:oidc-provider/p
oidc_token_file_path = /var/run/token
role_arn = acs:ram::1:role/r

[off]
enable = false
type = access_key

[rsa]
type = rsa_key_pair

[half]
type = access_key
access_key_id =
";

    #[test]
    fn a_comment_starts_only_after_blank_space() {
        for (value, kept) in [
            ("secret #note", "secret "),
            ("secret\t;note", "secret\t"),
            ("pa#ss word", "pa#ss word"),
            ("pa# ss", "pa# ss"),
            ("#all", "#all"),
            ("x #", "x "),
        ] {
            assert_eq!(strip_comment(value), kept, "{value:?}");
        }
    }

    #[test]
    fn every_type() {
        let file = IniFile::parse(FILE).unwrap();
        let names: Vec<&str> = file.section_names().collect();
        assert_eq!(
            names,
            ["default", "client1", "client2", "client3", "off", "rsa", "half"]
        );
        assert_eq!(
            format!("{file:?}"),
            r#"IniFile { sections: ["default", "client1", "client2", "client3", "off", "rsa", "half"] }"#,
            "names only: the values hold secrets"
        );
        let IniProfile::AccessKey(credentials) = file.profile("default").unwrap() else {
            panic!()
        };
        assert_eq!(credentials.access_key_secret(), "SECRET#1");
        assert_eq!(
            file.profile("client1").unwrap(),
            IniProfile::EcsRamRole {
                role_name: Some("EcsRamRoleTest".into())
            }
        );
        let IniProfile::RamRoleArn { role, .. } = file.profile("client2").unwrap() else {
            panic!()
        };
        assert_eq!(
            (role.session_name.as_deref(), role.sts_region.as_deref()),
            (Some("session_name"), Some("cn-hangzhou"))
        );
        assert_eq!(file.profile("client3").unwrap().kind(), "oidc_role_arn");
        assert!(!format!("{file:?} {:?}", file.profile("default")).contains("SECRET"));
    }

    #[test]
    fn typed_errors_with_lines() {
        let file = IniFile::parse(FILE).unwrap();
        assert_eq!(
            file.profile("off").unwrap_err(),
            IniError::NoSuchSection { name: "off".into() }
        );
        assert_eq!(
            file.profile("rsa").unwrap_err().to_string(),
            "section `[rsa]` (line 31): type `rsa_key_pair` is not supported (supported: access_key, \
             ecs_ram_role, ram_role_arn, oidc_role_arn)"
        );
        assert_eq!(
            file.profile("half").unwrap_err().to_string(),
            "section `[half]` (line 35): `access_key_id` is empty"
        );
        let cases = [
            (
                "[a]\nx = 1\n[a]\n",
                IniError::DuplicateSection {
                    line: 3,
                    name: "a".into(),
                },
            ),
            (
                "[a]\nx = 1\nx = 2\n",
                IniError::DuplicateKey {
                    line: 3,
                    key: "x".into(),
                },
            ),
            (
                "[a\n",
                IniError::Syntax {
                    line: 1,
                    detail: "a section header without its closing `]`",
                },
            ),
            (
                "[]\n",
                IniError::Syntax {
                    line: 1,
                    detail: "a section header with no name",
                },
            ),
            (
                "[a]\njust words\n",
                IniError::Syntax {
                    line: 2,
                    detail: "neither `[section]` nor `key = value`",
                },
            ),
            (
                "[a]\n= v\n",
                IniError::Syntax {
                    line: 2,
                    detail: "a `= value` without a key",
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(IniFile::parse(text).unwrap_err(), expected, "{text}");
        }
    }
}
