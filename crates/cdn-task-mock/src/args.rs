//! The mock's command-line flags, shared by the `cdn-task-mock` binary and `cdn-task mock`.

use crate::config::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DailyQuotas, MockConfig};
use crate::control::{AdminToken, ControlPlane};
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
    /// How long a created task takes to finish (`500ms`, `2s`, `1m`, `1.5h`, `2d`).
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
    /// Answer SignatureDoesNotMatch with the string to sign unredacted, security token and all,
    /// as the real gateway does (to test a client's own redaction).
    #[arg(long)]
    pub echo_string_to_sign: bool,
    /// Load the whole state (tasks, quotas, faults, clock) from FILE at start if it exists, and
    /// save it there, atomically, at shutdown and on `POST /_mock/state/save`.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Require `Authorization: Bearer TOKEN` on the control plane (`/_mock/…`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CDN_TASK_MOCK_ADMIN_TOKEN",
        hide_env_values = true,
        conflicts_with = "no_admin"
    )]
    pub admin_token: Option<AdminToken>,
    /// Serve no control plane: `/_mock/…` is then an unknown path of the API.
    #[arg(long)]
    pub no_admin: bool,
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
    /// Daily quotas and the prefetch queue (accounts can have them raised).
    #[command(flatten)]
    pub quotas: QuotaArgs,
}

/// The quota flags of the mock: the service's defaults unless set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
#[command(next_help_heading = "Quotas")]
pub struct QuotaArgs {
    /// URL refreshes per AccessKey per day.
    #[arg(long = "quota-url", value_name = "N", default_value_t = DailyQuotas::default().url)]
    pub url: u64,
    /// Directory refreshes per AccessKey per day.
    #[arg(long = "quota-dir", value_name = "N", default_value_t = DailyQuotas::default().directory)]
    pub directory: u64,
    /// Regex refreshes per AccessKey per day.
    #[arg(long = "quota-regex", value_name = "N", default_value_t = DailyQuotas::default().regex)]
    pub regex: u64,
    /// Refreshes ignoring query strings per AccessKey per day.
    #[arg(long = "quota-ignore-params", value_name = "N", default_value_t = DailyQuotas::default().ignore_params)]
    pub ignore_params: u64,
    /// Prefetched URLs per AccessKey per day.
    #[arg(long = "quota-preload", value_name = "N", default_value_t = DailyQuotas::default().preload)]
    pub preload: u64,
    /// Unfinished prefetched URLs the queue of each AccessKey holds (PreloadQueueFull beyond).
    #[arg(long = "preload-queue", value_name = "N", default_value_t = DailyQuotas::default().preload_queue)]
    pub preload_queue: u64,
}

impl Default for QuotaArgs {
    fn default() -> Self {
        QuotaArgs::from(DailyQuotas::default())
    }
}

impl From<DailyQuotas> for QuotaArgs {
    fn from(quotas: DailyQuotas) -> Self {
        QuotaArgs {
            url: quotas.url,
            directory: quotas.directory,
            regex: quotas.regex,
            ignore_params: quotas.ignore_params,
            preload: quotas.preload,
            preload_queue: quotas.preload_queue,
        }
    }
}

impl From<QuotaArgs> for DailyQuotas {
    fn from(args: QuotaArgs) -> Self {
        DailyQuotas {
            url: args.url,
            directory: args.directory,
            regex: args.regex,
            ignore_params: args.ignore_params,
            preload: args.preload,
            preload_queue: args.preload_queue,
        }
    }
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
            echo_unredacted_string_to_sign: self.echo_string_to_sign,
            daily_quotas: self.quotas.into(),
            control_plane: match (self.no_admin, self.admin_token) {
                (true, _) => ControlPlane::Disabled,
                (false, Some(token)) => ControlPlane::Token(token),
                (false, None) => ControlPlane::Open,
            },
            state_file: self.state,
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
    /// A duration is not a number followed by `ms`, `s`, `m`, `h` or `d`.
    #[error("duration `{0}` is not a number followed by ms, s, m, h or d (e.g. 500ms, 2s, 1m, 3d)")]
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

/// Parses a duration: a non-negative number (decimals allowed) and a unit, `ms`, `s`, `m`, `h` or
/// `d` (days of 24 hours).
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
        "d" => 86_400.0,
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
            echo_string_to_sign: false,
            quotas: QuotaArgs::default(),
            state: None,
            admin_token: None,
            no_admin: false,
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
        assert_eq!(parsed.quotas, defaults.quotas);
        assert_eq!(DailyQuotas::from(parsed.quotas), DailyQuotas::default());
    }

    #[test]
    fn quota_flags_set_the_daily_quotas() {
        let args = parse(&["--quota-url", "25", "--quota-dir", "3", "--preload-queue", "7"]).unwrap();
        let quotas = args.into_config().unwrap().daily_quotas;
        assert_eq!((quotas.url, quotas.directory, quotas.preload_queue), (25, 3, 7));
        assert_eq!(quotas.regex, 20);
        assert!(parse(&["--quota-url", "-1"]).is_err());
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
            ("3d", 259_200_000),
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
    fn control_plane_flags() {
        let open = parse(&[]).unwrap().into_config().unwrap();
        assert_eq!(open.control_plane, ControlPlane::Open);
        assert_eq!(open.state_file, None);
        let guarded = parse(&["--admin-token", "tok", "--state", "/tmp/s.json"]).unwrap();
        assert!(!format!("{guarded:?}").contains("tok\""), "{guarded:?}");
        let config = guarded.into_config().unwrap();
        assert_eq!(config.control_plane, ControlPlane::Token("tok".parse().unwrap()));
        assert_eq!(
            config.state_file.as_deref(),
            Some(std::path::Path::new("/tmp/s.json"))
        );
        let off = parse(&["--no-admin"]).unwrap().into_config().unwrap();
        assert_eq!(off.control_plane, ControlPlane::Disabled);
        assert!(parse(&["--no-admin", "--admin-token", "tok"]).is_err());
        assert!(parse(&["--admin-token", "two words"]).is_err());
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
