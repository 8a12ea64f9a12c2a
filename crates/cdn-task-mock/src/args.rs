//! The mock's command-line flags, shared by the `cdn-task-mock` binary and `cdn-task mock`.

use crate::config::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DailyQuotas, MockConfig};
use crate::control::{AdminToken, ControlPlane};
use crate::flags::{AccessKey, parse_duration, parse_fail_rate, parse_oidc_provider, parse_rate_limit};
use crate::tasks_file::{TasksFileError, load_tasks_file};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
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
#[non_exhaustive]
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
    /// A JSON array of tasks in the API's field names, visible to every key, present from the
    /// start and after each reset. (`--seed` is an old name of this flag, still accepted.)
    #[arg(long = "tasks", visible_alias = "seed", value_name = "FILE")]
    pub tasks_file: Option<PathBuf>,
    /// How long a created task takes to finish (`500ms`, `2s`, `1m`, `1.5h`, `2d`).
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub task_duration: Duration,
    /// Share of created tasks that fail, 0 to 1.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,
    /// DescribeRefreshTaskById calls per second per AccessKey, or `none`: no throttling of any
    /// action.
    #[arg(long, value_name = "N|none", default_value = "30", value_parser = parse_rate_limit)]
    pub rate_limit: ::std::option::Option<NonZeroU32>,
    /// Seed of the random number generator behind request IDs and task fates, to replay a run
    /// exactly (default: a fresh one per run, so request IDs differ across restarts as the
    /// service's do).
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
#[non_exhaustive]
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

/// `--access-key`'s default: [`DEFAULT_ACCESS_KEY_ID`]`:`[`DEFAULT_ACCESS_KEY_SECRET`] (a unit
/// test keeps them in step).
const DEFAULT_ACCESS_KEY: &str = "testid:testsecret";

impl MockArgs {
    /// The configuration these flags describe, with the tasks file (if any) loaded into
    /// [`MockConfig::initial_tasks`].
    pub fn into_config(self) -> Result<MockConfig, TasksFileError> {
        let initial_tasks = match &self.tasks_file {
            Some(path) => load_tasks_file(path)?,
            None => Vec::new(),
        };
        let control_plane = match (self.no_admin, self.admin_token) {
            (true, _) => ControlPlane::Disabled,
            (false, Some(token)) => ControlPlane::Token(token),
            (false, None) => ControlPlane::Open,
        };
        let credentials = crate::sts::CredentialsConfig {
            account_id: self.sts_account_id,
            oidc_providers: self.oidc_providers,
            metadata_role: Some(self.metadata_role).filter(|role| role != "none"),
            document_lifetime: self.credentials_lifetime,
            metadata_tokens: self.metadata_tokens,
        };
        let mut config = MockConfig::default()
            .with_keys(self.access_keys.into_iter().map(|key| (key.id, key.secret)))
            .with_task_duration(self.task_duration)
            .with_rate_limit(self.rate_limit)
            .with_rng_seed(self.rng_seed.unwrap_or_else(rand::random))
            .with_initial_tasks(initial_tasks)
            .with_echo_unredacted_string_to_sign(self.echo_string_to_sign)
            .with_daily_quotas(self.quotas.into())
            .with_control_plane(control_plane)
            .with_credentials(credentials);
        // `--fail-rate` is checked by its parser; a value set in code is the caller's.
        config.fail_rate = self.fail_rate;
        config.state_file = self.state;
        Ok(config)
    }
}

impl Default for MockArgs {
    /// The flags' defaults.
    fn default() -> Self {
        MockArgs {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            access_keys: vec![AccessKey::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)],
            tasks_file: None,
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
        assert_eq!(parsed.rate_limit, NonZeroU32::new(30));
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
            "none",
            "--task-duration",
            "1m",
        ])
        .unwrap();
        assert_eq!(args.access_keys[0].secret, "b:c");
        assert_eq!(args.fail_rate, 0.5);
        assert_eq!(args.rate_limit, None);
        assert_eq!(args.task_duration, Duration::from_secs(60));
        assert!(!format!("{args:?}").contains("b:c"));
        for bad in [
            ["--access-key", ":x"],
            ["--access-key", "x:"],
            ["--fail-rate", "1.5"],
            ["--fail-rate", "NaN"],
            ["--rate-limit", "0"],
            ["--rate-limit", "-1"],
            ["--task-duration", "2"],
            ["--listen", "localhost"],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn into_config_loads_the_tasks_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.json");
        std::fs::write(
            &path,
            r#"[{"TaskId":"9","ObjectPath":"http://e.com/","ObjectType":"file","Status":"Pending",
               "Process":"0%","CreationTime":"2026-01-01T00:00:00Z","Description":""}]"#,
        )
        .unwrap();
        let args = MockArgs {
            tasks_file: Some(path),
            ..MockArgs::default()
        };
        assert_eq!(args.into_config().unwrap().initial_tasks.len(), 1);
        let missing = MockArgs {
            tasks_file: Some("/nonexistent".into()),
            ..MockArgs::default()
        };
        assert!(matches!(missing.into_config(), Err(TasksFileError::Read { .. })));
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
        let fresh = || MockArgs::default().into_config().unwrap().rng_seed;
        assert_ne!(fresh(), fresh(), "two runs drew the same seed");
        let fixed = parse(&["--rng-seed", "7"]).unwrap().into_config().unwrap();
        assert_eq!(fixed.rng_seed, 7);
    }
}
