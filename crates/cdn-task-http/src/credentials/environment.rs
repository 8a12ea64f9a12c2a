//! The environment the credentials chain reads: variables and the home directory, injectable.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The variables the chain reads, captured from the process or given by a test.
const VARIABLES: [&str; 21] = [
    super::ENV_ACCESS_KEY_ID,
    super::ENV_ACCESS_KEY_SECRET,
    super::ENV_SECURITY_TOKEN,
    super::ENV_PROFILE,
    super::ENV_ROLE_ARN,
    super::ENV_OIDC_PROVIDER_ARN,
    super::ENV_OIDC_TOKEN_FILE,
    super::ENV_ROLE_SESSION_NAME,
    super::ENV_STS_ENDPOINT,
    super::ENV_STS_REGION,
    super::ENV_VPC_ENDPOINT_ENABLED,
    super::ENV_CONFIG_FILE,
    super::ENV_CLI_PROFILE_DISABLED,
    super::ENV_CREDENTIALS_FILE,
    super::ENV_ECS_METADATA,
    super::ENV_ECS_METADATA_DISABLED,
    super::ENV_IMDSV1_DISABLED,
    super::ENV_IMDS_ENDPOINT,
    super::ENV_CREDENTIALS_URI,
    "HOME",
    "USERPROFILE",
];

/// Environment variables as the credentials chain sees them. The home directory is `HOME`, or
/// `USERPROFILE` on systems without one. `Debug` shows variable names only, never values.
///
/// ```
/// use cdn_task_http::credentials::Environment;
/// let env = Environment::empty().with_var("HOME", "/tmp/home");
/// assert_eq!(env.home(), Some("/tmp/home".into()));
/// assert_eq!(env.var("ALIBABA_CLOUD_PROFILE"), None);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// No variables at all.
    pub fn empty() -> Self {
        Environment::default()
    }

    /// The variables the chain reads, from this process's environment (values that are not
    /// UTF-8 are skipped).
    pub fn from_process() -> Self {
        let vars = VARIABLES
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), std::env::var(name).ok()?)))
            .collect();
        Environment { vars }
    }

    /// The same environment with `name` set to `value`.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// The value of `name`; an empty value counts as unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// Whether `name` is `true`, case-insensitively (the official libraries' rule: `1` and `yes`
    /// are false).
    pub fn is_true(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE`.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .or_else(|| self.var("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("set", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_not_values() {
        let env = Environment::empty().with_var(super::super::ENV_ACCESS_KEY_SECRET, "s3cr3t");
        let debug = format!("{env:?}");
        assert!(debug.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
        assert!(!debug.contains("s3cr3t"));
    }

    #[test]
    fn empty_values_are_unset_and_userprofile_is_the_fallback_home() {
        let env = Environment::empty()
            .with_var("HOME", "")
            .with_var("USERPROFILE", "C:/Users/x");
        assert_eq!(env.var("HOME"), None);
        assert_eq!(env.home(), Some(PathBuf::from("C:/Users/x")));
    }

    #[test]
    fn from_process_reads_the_variables_of_the_process() {
        let env = Environment::from_process();
        let mut seen = 0;
        for name in VARIABLES {
            let value = std::env::var(name).ok().filter(|value| !value.is_empty());
            assert_eq!(env.var(name), value.as_deref(), "{name}");
            seen += usize::from(value.is_some());
        }
        // Tests run with a home directory at least, so there is something to compare.
        assert!(seen > 0, "none of {VARIABLES:?} is set in this process");
    }
}
