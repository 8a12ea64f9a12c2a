//! The mock's command-line flags, shared by the `cdn-task-mock` binary and `cdn-task mock`.

use crate::config::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig};
use crate::seed::{SeedError, load_seed_file};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The mock's flags, as a `clap::Args` group: flatten it into any clap command.
///
/// ```
/// use clap::Parser;
/// use cdn_task_mock::MockArgs;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     mock: MockArgs,
/// }
///
/// let cli = Cli::parse_from(["mock", "--listen", "127.0.0.1:0", "--task-duration", "500ms",
///     "--access-key", "alice:s3cret", "--access-key", "bob:hunter2"]);
/// let config = cli.mock.into_config().unwrap();
/// assert_eq!(config.keys.len(), 2);
/// assert_eq!(config.task_duration.as_millis(), 500);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct MockArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// An AccessKey to accept, as ID:SECRET (repeatable).
    #[arg(
        long = "access-key",
        value_name = "ID:SECRET",
        default_value = DEFAULT_ACCESS_KEY
    )]
    pub access_keys: Vec<AccessKey>,
    /// A JSON array of tasks in the API's field names, visible to every key.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// How long a created task takes to finish (`500ms`, `2s`, `1m`, `1.5h`).
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub task_duration: Duration,
    /// Share of created tasks that fail, 0 to 1.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,
    /// DescribeRefreshTaskById calls per second per AccessKey (0: no throttling).
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub rate_limit: u32,
    /// Seed for request IDs and task fates, to replay a run exactly (default: a fresh one per run,
    /// so request IDs differ across restarts as the service's do).
    #[arg(long, value_name = "N")]
    pub rng_seed: Option<u64>,
    /// The account whose roles (acs:ram::ACCOUNT:role/NAME) STS lets callers assume.
    #[arg(long, value_name = "ACCOUNT", default_value = crate::sts::DEFAULT_ACCOUNT_ID)]
    pub sts_account_id: String,
    /// An OIDC identity provider AssumeRoleWithOIDC trusts, as ARN,ISSUER,AUDIENCE (repeatable).
    #[arg(long = "oidc-provider", value_name = "ARN,ISSUER,AUDIENCE", value_parser = parse_oidc_provider)]
    pub oidc_providers: Vec<crate::sts::OidcProvider>,
    /// The RAM role the metadata service reports (`none`: no role attached).
    #[arg(long, value_name = "NAME", default_value = crate::sts::DEFAULT_METADATA_ROLE)]
    pub metadata_role: String,
    /// How long the credentials of the metadata service and the credentials URI last.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub credentials_lifetime: Duration,
    /// How the metadata service treats session tokens: optional (default), required (hardened
    /// mode only), unsupported (only tokenless requests work).
    #[arg(long, value_enum, value_name = "MODE", default_value = "optional")]
    pub metadata_tokens: crate::sts::MetadataTokens,
}

/// Parses `ARN,ISSUER,AUDIENCE`.
fn parse_oidc_provider(text: &str) -> Result<crate::sts::OidcProvider, FlagError> {
    let mut parts = text.splitn(3, ',');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(arn), Some(issuer), Some(audience))
            if !arn.is_empty() && !issuer.is_empty() && !audience.is_empty() =>
        {
            Ok(crate::sts::OidcProvider::new(arn, issuer, audience))
        }
        _ => Err(FlagError::OidcProvider(text.to_owned())),
    }
}

/// `--access-key`'s default: [`DEFAULT_ACCESS_KEY_ID`]`:`[`DEFAULT_ACCESS_KEY_SECRET`] (a unit
/// test keeps them in step).
const DEFAULT_ACCESS_KEY: &str = "testid:testsecret";

impl MockArgs {
    /// The configuration these flags describe, with the seed file (if any) loaded into
    /// [`MockConfig::seed_tasks`].
    pub fn into_config(self) -> Result<MockConfig, SeedError> {
        let seed_tasks = match &self.seed {
            Some(path) => load_seed_file(path)?,
            None => Vec::new(),
        };
        Ok(MockConfig {
            keys: self
                .access_keys
                .into_iter()
                .map(|key| (key.id, key.secret))
                .collect(),
            task_duration: self.task_duration,
            fail_rate: self.fail_rate,
            rate_limit: self.rate_limit,
            seed: self.rng_seed.unwrap_or_else(rand::random),
            seed_tasks,
            credentials: crate::sts::CredentialsConfig {
                account_id: self.sts_account_id,
                oidc_providers: self.oidc_providers,
                metadata_role: Some(self.metadata_role).filter(|role| role != "none"),
                document_lifetime: self.credentials_lifetime,
                metadata_tokens: self.metadata_tokens,
            },
            ..MockConfig::default()
        })
    }
}

/// One `--access-key ID:SECRET` value. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The AccessKeyId.
    pub id: String,
    /// The secret.
    pub secret: String,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A flag value the mock's flags refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlagError {
    /// `--access-key` is not `ID:SECRET` with both parts non-empty.
    #[error("expected ID:SECRET with a non-empty ID and secret")]
    AccessKey,
    /// A duration is not a number followed by `ms`, `s`, `m` or `h`.
    #[error("duration `{0}` is not a number followed by ms, s, m or h (e.g. 500ms, 2s, 1m)")]
    Duration(String),
    /// `--fail-rate` is not a number from 0 to 1.
    #[error("fail rate `{0}` is not a number from 0 to 1")]
    FailRate(String),
    /// `--oidc-provider` is not `ARN,ISSUER,AUDIENCE`.
    #[error("OIDC provider `{0}` is not ARN,ISSUER,AUDIENCE")]
    OidcProvider(String),
}

impl FromStr for AccessKey {
    type Err = FlagError;
    /// Parses `ID:SECRET`; the ID ends at the first `:`, so a secret may contain `:`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(AccessKey {
                id: id.to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err(FlagError::AccessKey),
        }
    }
}

/// Parses a duration: a non-negative number (decimals allowed) and a unit, `ms`, `s`, `m` or `h`.
///
/// ```
/// use cdn_task_mock::parse_duration;
/// use std::time::Duration;
/// assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
/// assert_eq!(parse_duration("1.5m").unwrap(), Duration::from_secs(90));
/// assert!(parse_duration("2").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, FlagError> {
    let bad = || FlagError::Duration(text.to_owned());
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    Duration::try_from_secs_f64(value * seconds_per_unit).map_err(|_| bad())
}

fn parse_fail_rate(text: &str) -> Result<f64, FlagError> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(FlagError::FailRate(text.to_owned())),
    }
}

impl Default for MockArgs {
    /// The flags' defaults.
    fn default() -> Self {
        MockArgs {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            access_keys: vec![AccessKey {
                id: DEFAULT_ACCESS_KEY_ID.to_owned(),
                secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            }],
            seed: None,
            rng_seed: None,
            task_duration: crate::config::DEFAULT_TASK_DURATION,
            fail_rate: 0.0,
            rate_limit: MockConfig::default().rate_limit,
            sts_account_id: crate::sts::DEFAULT_ACCOUNT_ID.to_owned(),
            oidc_providers: Vec::new(),
            metadata_role: crate::sts::DEFAULT_METADATA_ROLE.to_owned(),
            credentials_lifetime: crate::sts::DEFAULT_DOCUMENT_LIFETIME,
            metadata_tokens: crate::sts::MetadataTokens::Optional,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        mock: MockArgs,
    }

    fn parse(args: &[&str]) -> Result<MockArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("mock").chain(args.iter().copied())).map(|cli| cli.mock)
    }

    #[test]
    fn defaults_match_the_issue_and_the_library() {
        let parsed = parse(&[]).unwrap();
        let defaults = MockArgs::default();
        assert_eq!(parsed.listen, defaults.listen);
        assert_eq!(parsed.access_keys, defaults.access_keys);
        assert_eq!(parsed.task_duration, defaults.task_duration);
        assert_eq!(parsed.fail_rate, defaults.fail_rate);
        assert_eq!(parsed.rate_limit, defaults.rate_limit);
        assert_eq!(parsed.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(parsed.rate_limit, 30);
    }

    #[test]
    fn flags_parse_and_reject_with_reasons() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--access-key",
            "a:b:c",
            "--fail-rate",
            "0.5",
            "--rate-limit",
            "0",
            "--task-duration",
            "1m",
        ])
        .unwrap();
        assert_eq!(args.access_keys[0].secret, "b:c");
        assert_eq!(args.fail_rate, 0.5);
        assert_eq!(args.task_duration, Duration::from_secs(60));
        assert!(!format!("{args:?}").contains("b:c"));
        for bad in [
            ["--access-key", ":x"],
            ["--access-key", "x:"],
            ["--fail-rate", "1.5"],
            ["--fail-rate", "NaN"],
            ["--task-duration", "2"],
            ["--listen", "localhost"],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn durations() {
        for (text, millis) in [
            ("500ms", 500),
            ("2s", 2000),
            ("1m", 60_000),
            ("0.25s", 250),
            ("1h", 3_600_000),
        ] {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_millis(millis),
                "{text}"
            );
        }
        for bad in ["", "s", "1", "1.s", ".5s", "1x", "1 s", "-1s", "1e3s", "1.2.3s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn into_config_loads_the_seed_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.json");
        std::fs::write(
            &path,
            r#"[{"TaskId":"9","ObjectPath":"http://e.com/","ObjectType":"file","Status":"Pending",
               "Process":"0%","CreationTime":"2026-01-01T00:00:00Z","Description":""}]"#,
        )
        .unwrap();
        let args = MockArgs {
            seed: Some(path),
            ..MockArgs::default()
        };
        assert_eq!(args.into_config().unwrap().seed_tasks.len(), 1);
        let missing = MockArgs {
            seed: Some("/nonexistent".into()),
            ..MockArgs::default()
        };
        assert!(matches!(missing.into_config(), Err(SeedError::Read { .. })));
    }

    #[test]
    fn default_key_flag_spells_the_default_constants() {
        assert_eq!(
            DEFAULT_ACCESS_KEY,
            format!("{DEFAULT_ACCESS_KEY_ID}:{DEFAULT_ACCESS_KEY_SECRET}")
        );
    }

    #[test]
    fn rng_seed_is_fresh_per_run_unless_given() {
        let fresh = || MockArgs::default().into_config().unwrap().seed;
        assert_ne!(fresh(), fresh(), "two runs drew the same seed");
        let fixed = parse(&["--rng-seed", "7"]).unwrap().into_config().unwrap();
        assert_eq!(fixed.seed, 7);
    }
}
