//! The command line: every command, flag and value, as clap derive types.
//!
//! Scripts depend on these names; keep them stable.

use crate::output::OutputFormat;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{
    Format, PreloadArea, RefreshType, TaskStatusFilter, TaskTypeFilter, WaitPolicy, WaitPolicyError,
};
use cdn_task_http::{DEFAULT_ENDPOINT, WaitOptions};
use cdn_task_mock::{MockArgs, parse_duration};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// Refresh or prefetch Alibaba Cloud CDN content and follow the tasks until the edge serves it.
///
/// Credentials come from the official chain: the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
/// ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN), OIDC (ALIBABA_CLOUD_ROLE_ARN,
/// ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), ~/.aliyun/config.json, the
/// ini file ~/.alibabacloud/credentials, the ECS metadata service, ALIBABA_CLOUD_CREDENTIALS_URI.
/// `cdn-task credentials` shows which one answers. Never on the command line.
///
/// Exit codes: 0 success; 1 a task failed or was not found (wait); 2 invalid input or usage;
/// 3 service, credential or network error; 4 wait deadline passed.
#[derive(Debug, Parser)]
#[command(name = "cdn-task", version, about, long_about)]
pub struct Cli {
    /// Settings of the connection to the service.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command shares.
///
/// All but `--timeout` are `global`: they may be given before or after the command. `--timeout`
/// is the per-request timeout and only goes before the command, because `wait`, `refresh` and
/// `preload` have their own `--timeout` (the wait deadline):
/// `cdn-task --timeout 5s wait --timeout 10m ID`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The service's base URL (http://127.0.0.1:PORT for a mock).
    #[arg(long, global = true, value_name = "URL", default_value = DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// The profile of ~/.aliyun/config.json to take credentials from (instead of the chain; any
    /// mode, role assumption included).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The signature scheme: v3 (ACS3-HMAC-SHA256) or v1 (RPC HMAC-SHA1).
    #[arg(long, global = true, value_enum, value_name = "VERSION", default_value_t = SignatureArg::V3)]
    pub signature_version: SignatureArg,
    /// The format the service is asked to answer in.
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = ResponseFormat::Json)]
    pub response_format: ResponseFormat,
    /// Per-request timeout (one attempt, body included), e.g. 500ms, 5s. Default 10s. Give it
    /// before the command.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Log to stderr: -v info, -vv debug, -vvv everything (RUST_LOG overrides). Hides the
    /// progress bars.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show tasks by ID (any number; each argument may be a comma-separated list).
    Describe(DescribeArgs),
    /// Wait until tasks complete or fail, with progress bars on stderr.
    Wait(WaitCommand),
    /// Purge URLs, directories or a regex from the CDN cache (RefreshObjectCaches).
    Refresh(RefreshArgs),
    /// Prefetch URLs into the CDN cache (PushObjectCache).
    Preload(PreloadArgs),
    /// List the tasks of the last three days, newest first (DescribeRefreshTasks).
    List(ListArgs),
    /// Show today's remaining refresh and prefetch quota (DescribeRefreshQuota).
    Quota(QuotaCommand),
    /// Show which credentials the other commands would use: the provider that answered, the
    /// AccessKeyId (middle hidden), STS or not, and the expiry.
    Credentials(CredentialsArgs),
    /// Run the service emulator (the same flags as the cdn-task-mock program).
    Mock(MockArgs),
    /// Try it with nothing set up: an in-process mock, a refresh, a prefetch, a wait (ignores
    /// --endpoint, --profile and any credentials).
    Demo,
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `describe ID...`
#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Task IDs; each argument may be a comma-separated list.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
}

/// `credentials`
#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
}

/// `wait ID...`
#[derive(Debug, Args)]
pub struct WaitCommand {
    /// Task IDs; each argument may be a comma-separated list.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
    /// How to wait (last: its help heading applies to the flags after it).
    #[command(flatten)]
    pub wait: WaitArgs,
}

/// `refresh PATH...`
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// URLs, directories (ending in /) or regular expressions; any number, split over as many
    /// calls as the service's per-call limits need.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Where else the paths come from, and how to submit them.
    #[command(flatten)]
    pub source: PathSourceArgs,
    /// What the paths are.
    #[arg(long = "type", value_enum, value_name = "TYPE", default_value_t = RefreshKind::File)]
    pub kind: RefreshKind,
    /// Purge even if the content did not change (Force=true).
    #[arg(long)]
    pub force: bool,
    /// Creation, then waiting: wait for the created tasks as `wait` does.
    #[command(flatten)]
    pub then: ThenWait,
}

/// `preload URL...`
#[derive(Debug, Args)]
pub struct PreloadArgs {
    /// URLs to prefetch; any number, split over calls of 100.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    /// Where else the URLs come from, and how to submit them.
    #[command(flatten)]
    pub source: PathSourceArgs,
    /// Where to prefetch (default: the domain's acceleration region).
    #[arg(long, value_enum, value_name = "AREA")]
    pub area: Option<Area>,
    /// Creation, then waiting: wait for the created tasks as `wait` does.
    #[command(flatten)]
    pub then: ThenWait,
}

/// `--from-file`, `--allow-partial` and `--dry-run` of `refresh` and `preload`.
#[derive(Debug, Clone, Args)]
pub struct PathSourceArgs {
    /// Read paths from FILE too (`-` for standard input): one per line, blank lines and lines
    /// starting with # skipped. Combines with paths given as arguments.
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// When the job needs more of today's quota than is left, submit the first paths that fit
    /// (and report the rest) instead of submitting nothing.
    #[arg(long)]
    pub allow_partial: bool,
    /// Print the plan (calls, paths per call, quota needed) and submit nothing. Needs no
    /// credentials.
    #[arg(long, conflicts_with = "wait")]
    pub dry_run: bool,
}

/// `list`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tasks created in this last stretch of time, e.g. 30m, 2h (at most 72h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with_all = ["start", "end"])]
    pub since: Option<Duration>,
    /// Only tasks created at or after this UTC time (2026-11-30T08:00:00Z); needs --end.
    #[arg(long, value_name = "TIME", requires = "end", value_parser = parse_time)]
    pub start: Option<chrono::DateTime<chrono::Utc>>,
    /// Only tasks created at or before this UTC time; needs --start.
    #[arg(long, value_name = "TIME", requires = "start", value_parser = parse_time)]
    pub end: Option<chrono::DateTime<chrono::Utc>>,
    /// Only tasks in this status (with --type; defaults --type to file when not given).
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,
    /// Only tasks of this kind.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<TaskTypeArg>,
    /// Only tasks on this accelerated domain (with --type; defaults --type to file when not
    /// given).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Only tasks on exactly this URL or directory.
    #[arg(long, value_name = "URL")]
    pub path: Option<String>,
    /// Only this task.
    #[arg(long, value_name = "ID")]
    pub task_id: Option<cdn_task_core::TaskId>,
    /// Show at most N tasks; pages are fetched only as needed (0: all there are).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
}

/// `quota`
#[derive(Debug, Args)]
pub struct QuotaCommand {
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
}

/// Parses a UTC time as the API writes it.
fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, cdn_task_core::TimeError> {
    cdn_task_core::parse_utc_timestamp(text)
}

/// `list --status`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Finished.
    Complete,
    /// Under way.
    Refreshing,
    /// Failed.
    Failed,
}

impl From<StatusArg> for TaskStatusFilter {
    fn from(arg: StatusArg) -> Self {
        match arg {
            StatusArg::Complete => TaskStatusFilter::Complete,
            StatusArg::Refreshing => TaskStatusFilter::Refreshing,
            StatusArg::Failed => TaskStatusFilter::Failed,
        }
    }
}

/// `list --type`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TaskTypeArg {
    /// URL refreshes.
    File,
    /// Directory refreshes.
    Directory,
    /// Regex refreshes.
    Regex,
    /// Prefetches.
    Preload,
    /// Blocks.
    Block,
    /// Unblocks.
    Unblock,
}

impl From<TaskTypeArg> for TaskTypeFilter {
    fn from(arg: TaskTypeArg) -> Self {
        match arg {
            TaskTypeArg::File => TaskTypeFilter::File,
            TaskTypeArg::Directory => TaskTypeFilter::Directory,
            TaskTypeArg::Regex => TaskTypeFilter::Regex,
            TaskTypeArg::Preload => TaskTypeFilter::Preload,
            TaskTypeArg::Block => TaskTypeFilter::Block,
            TaskTypeArg::Unblock => TaskTypeFilter::Unblock,
        }
    }
}

/// `--wait` and the wait flags of `refresh` and `preload`.
#[derive(Debug, Args)]
pub struct ThenWait {
    /// Wait for the created tasks, as `wait` does (the wait flags apply only with --wait).
    #[arg(long)]
    pub wait: bool,
    /// How to print the result.
    #[command(flatten)]
    pub output: OutputArg,
    /// How to wait (last: its help heading applies to the flags after it).
    #[command(flatten)]
    pub options: WaitArgs,
}

/// The wait flags.
#[derive(Debug, Clone, Copy, Args)]
#[command(next_help_heading = "Wait options")]
pub struct WaitArgs {
    /// Give up waiting after this long (exit 4), e.g. 90s, 10m.
    #[arg(long = "timeout", value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub deadline: Duration,
    /// Shortest time between polls.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub min_interval: Duration,
    /// Longest time between polls.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub max_interval: Duration,
}

impl WaitArgs {
    /// The client's wait options, checked by the core's polling policy first, so that a bad
    /// combination is refused before any task is created.
    pub fn options(&self) -> Result<WaitOptions, WaitPolicyError> {
        WaitPolicy::new(self.deadline, self.min_interval, self.max_interval)?;
        Ok(WaitOptions::with_deadline(self.deadline).with_intervals(self.min_interval, self.max_interval))
    }
}

/// `--output`
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArg {
    /// How to print the result: a table for people, JSON for scripts.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `--signature-version`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignatureArg {
    /// ACS3-HMAC-SHA256.
    V3,
    /// RPC HMAC-SHA1 (SignatureVersion=1.0).
    V1,
}

impl From<SignatureArg> for SignatureVersion {
    fn from(arg: SignatureArg) -> Self {
        match arg {
            SignatureArg::V3 => SignatureVersion::Acs3,
            SignatureArg::V1 => SignatureVersion::Rpc,
        }
    }
}

/// `--response-format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResponseFormat {
    /// Format=JSON.
    Json,
    /// Format=XML.
    Xml,
}

impl From<ResponseFormat> for Format {
    fn from(arg: ResponseFormat) -> Self {
        match arg {
            ResponseFormat::Json => Format::Json,
            ResponseFormat::Xml => Format::Xml,
        }
    }
}

/// `refresh --type`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RefreshKind {
    /// Individual URLs (up to 1,000).
    File,
    /// Directories (up to 100).
    Directory,
    /// One regular expression.
    Regex,
    /// URLs, query strings ignored.
    IgnoreParams,
}

impl From<RefreshKind> for RefreshType {
    fn from(kind: RefreshKind) -> Self {
        match kind {
            RefreshKind::File => RefreshType::File,
            RefreshKind::Directory => RefreshType::Directory,
            RefreshKind::Regex => RefreshType::Regex,
            RefreshKind::IgnoreParams => RefreshType::IgnoreParams,
        }
    }
}

/// `preload --area`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Area {
    /// The Chinese mainland.
    Domestic,
    /// Outside the Chinese mainland.
    Overseas,
}

impl From<Area> for PreloadArea {
    fn from(area: Area) -> Self {
        match area {
            Area::Domestic => PreloadArea::Domestic,
            Area::Overseas => PreloadArea::Overseas,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cdn-task").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn top_level_timeout_and_wait_timeout_are_distinct_flags() {
        let cli = parse(&["--timeout", "5s", "wait", "--timeout", "10m", "1"]).unwrap();
        assert_eq!(cli.global.timeout, Some(Duration::from_secs(5)));
        let Command::Wait(wait) = cli.command else {
            panic!("not wait")
        };
        assert_eq!(wait.wait.deadline, Duration::from_secs(600));
        // The per-request timeout is not accepted after the command (only the wait deadline is).
        assert!(parse(&["describe", "--timeout", "5s", "1"]).is_err());
    }

    #[test]
    fn global_flags_go_before_or_after_the_command() {
        let cli = parse(&[
            "describe",
            "1",
            "--endpoint",
            "http://127.0.0.1:9",
            "--signature-version",
            "v1",
            "-vv",
        ])
        .unwrap();
        assert_eq!(cli.global.endpoint, "http://127.0.0.1:9");
        assert_eq!(cli.global.signature_version, SignatureArg::V1);
        assert_eq!(cli.global.verbose, 2);
        let cli = parse(&["--response-format", "xml", "--profile", "ci", "describe", "1"]).unwrap();
        assert_eq!(cli.global.response_format, ResponseFormat::Xml);
        assert_eq!(cli.global.profile.as_deref(), Some("ci"));
    }

    #[test]
    fn defaults() {
        let cli = parse(&["refresh", "https://example.com/a"]).unwrap();
        assert_eq!(cli.global.endpoint, "https://cdn.aliyuncs.com");
        assert_eq!(cli.global.signature_version, SignatureArg::V3);
        assert_eq!(cli.global.response_format, ResponseFormat::Json);
        assert_eq!(cli.global.timeout, None);
        let Command::Refresh(refresh) = cli.command else {
            panic!("not refresh")
        };
        assert_eq!(refresh.kind, RefreshKind::File);
        assert!(!refresh.force && !refresh.then.wait);
        let wait = refresh.then.options;
        assert_eq!(
            (wait.deadline, wait.min_interval, wait.max_interval),
            (
                Duration::from_secs(600),
                Duration::from_secs(1),
                Duration::from_secs(30)
            )
        );
        assert_eq!(refresh.then.output.output, OutputFormat::Table);
    }

    #[test]
    fn value_names_are_the_documented_ones() {
        let cli = parse(&["refresh", "--type", "ignore-params", "--force", "--wait", "x"]).unwrap();
        let Command::Refresh(refresh) = cli.command else {
            panic!("not refresh")
        };
        assert_eq!(RefreshType::from(refresh.kind), RefreshType::IgnoreParams);
        let cli = parse(&["preload", "--area", "overseas", "u"]).unwrap();
        let Command::Preload(preload) = cli.command else {
            panic!("not preload")
        };
        assert_eq!(preload.area.map(PreloadArea::from), Some(PreloadArea::Overseas));
        assert!(parse(&["preload", "--area", "mars", "u"]).is_err());
        let cli = parse(&["refresh", "--from-file", "-", "--allow-partial", "--dry-run"]).unwrap();
        let Command::Refresh(refresh) = cli.command else {
            panic!("not refresh")
        };
        assert_eq!(
            refresh.source.from_file.as_deref(),
            Some(std::path::Path::new("-"))
        );
        assert!(refresh.source.allow_partial && refresh.source.dry_run && refresh.paths.is_empty());
        assert!(parse(&["refresh", "--dry-run", "--wait", "u"]).is_err());
        let cli = parse(&[
            "list",
            "--since",
            "2h",
            "--status",
            "failed",
            "--type",
            "directory",
            "--limit",
            "7",
        ])
        .unwrap();
        let Command::List(list) = cli.command else {
            panic!("not list")
        };
        assert_eq!((list.since, list.limit), (Some(Duration::from_secs(7200)), 7));
        assert!(
            parse(&["list", "--start", "2026-11-30T00:00:00Z"]).is_err(),
            "--start needs --end"
        );
        assert!(
            parse(&[
                "list",
                "--since",
                "1h",
                "--start",
                "2026-11-30T00:00:00Z",
                "--end",
                "2026-11-30T01:00:00Z"
            ])
            .is_err()
        );
        assert!(parse(&["list", "--start", "yesterday", "--end", "2026-11-30T01:00:00Z"]).is_err());
        assert!(parse(&["quota", "--output", "json"]).is_ok());
        assert!(parse(&["--signature-version", "v2", "demo"]).is_err());
    }

    #[test]
    fn wait_options_are_checked_before_use() {
        let args = WaitArgs {
            deadline: Duration::from_secs(60),
            min_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(1),
        };
        assert!(matches!(args.options(), Err(WaitPolicyError::MinAboveMax { .. })));
        let args = WaitArgs {
            max_interval: Duration::from_secs(10),
            ..args
        };
        let options = args.options().unwrap().policy().unwrap();
        assert_eq!(options.deadline(), Duration::from_secs(60));
        assert_eq!(
            (options.min_interval(), options.max_interval()),
            (args.min_interval, args.max_interval)
        );
    }
}
