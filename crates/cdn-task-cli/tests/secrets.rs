//! The AccessKey secret and the STS token never appear in anything the `cdn-task` binary prints.
//!
//! The built binary runs `refresh`, `describe`, `wait`, and failing calls (a wrong secret,
//! dropped connections, server errors, timeouts, a wait whose last poll fails), at every log
//! level (`-v`, `-vv`, `-vvv`, `RUST_LOG=trace`, which also routes the HTTP stack's `log` records
//! into the output), in both signature schemes (RPC puts the token in the URL's query), with
//! credentials from the environment and from an aliyun CLI profile, against a mock started in the
//! test. Neither value may appear on stdout or stderr. Each run must also do what it was asked
//! (exit code, output), so a run that fails early cannot pass for a clean one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::TaskId;
use cdn_task_mock::{Fault, FaultConfig, MockConfig, MockServer};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The end-to-end tests' helpers: running the binary with a clean environment and a watchdog.
#[allow(dead_code)]
#[path = "cli/common.rs"]
mod common;

const KEY_ID: &str = "LTAI-reliability";
const SECRET: &str = "S3cr3t-of-the-reliability-suite";
const WRONG_SECRET: &str = "Wr0ng-s3cr3t-of-the-reliability-suite";
const TOKEN: &str = "ST5-t0ken-of-the-reliability-suite";

/// Log levels, as flags and environment: `-vvv` is `trace` for every crate, the same as
/// `RUST_LOG=trace`; `RUST_LOG` is also checked to win over the flag.
const LEVELS: [(&[&str], Option<&str>); 5] = [
    (&[], None),
    (&["-v"], None),
    (&["-vv"], None),
    (&["-vvv"], None),
    (&["-v"], Some("trace")),
];

const SCHEMES: [&str; 2] = ["v1", "v3"];

/// At most this many runs at once (they mostly wait on the mock and its timeouts).
static RUNNING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(24)));

/// What one run printed.
#[derive(Debug)]
struct Run {
    what: String,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn assert_clean(&self) {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            for (label, secret) in [
                ("<SECRET>", SECRET),
                ("<WRONG SECRET>", WRONG_SECRET),
                ("<TOKEN>", TOKEN),
            ] {
                // The message shows where, with the value masked.
                assert!(
                    !text.contains(secret),
                    "{}: {name} shows {label}:\n{}",
                    self.what,
                    text.replace(secret, label)
                );
            }
        }
    }

    #[track_caller]
    fn expect(&self, code: i32, stdout_has: &str, stderr_has: &str) {
        assert_eq!(self.code, code, "{self:#?}");
        assert!(self.stdout.contains(stdout_has), "{self:#?}");
        assert!(self.stderr.contains(stderr_has), "{self:#?}");
    }
}

/// How the binary gets its credentials. (`Debug` names the secret rather than showing it: the
/// test's own messages must not print it either.)
#[derive(Clone, Copy)]
enum Source {
    /// `ALIBABA_CLOUD_*` variables with this secret and the token.
    Environment(&'static str),
    /// `--profile sts` of `$HOME/.aliyun/config.json` (mode `StsToken`).
    Profile,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Environment(SECRET) => "environment with the secret",
            Source::Environment(_) => "environment with a wrong secret",
            Source::Profile => "profile",
        })
    }
}

/// Runs the binary with a clean environment and `HOME` at `home` (killed after 20 s), and checks
/// that nothing it printed holds a secret.
async fn run(
    home: PathBuf,
    source: Source,
    level: (&'static [&'static str], Option<&'static str>),
    args: Vec<String>,
) -> Run {
    let _permit = RUNNING.clone().acquire_owned().await.unwrap();
    // No Alibaba Cloud variables, no RUST_LOG, HOME at `home`.
    let mut command = common::clean_command(&home);
    match source {
        Source::Environment(secret) => {
            command
                .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
                .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
                .env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
        }
        Source::Profile => {
            command.args(["--profile", "sts"]);
        }
    }
    if let Some(filter) = level.1 {
        command.env("RUST_LOG", filter);
    }
    command.args(level.0).args(&args);
    let what = format!("{source:?} {level:?} {}", args.join(" "));
    let output = common::run(command).await;
    let run = Run {
        what,
        code: output.code,
        stdout: output.stdout,
        stderr: output.stderr,
    };
    run.assert_clean();
    run
}

fn args(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|part| (*part).to_owned()).collect()
}

async fn mock(faults: FaultConfig, task_duration: Duration) -> MockServer {
    MockServer::start(
        MockConfig::default()
            .with_keys([(KEY_ID, SECRET)])
            .with_task_duration(task_duration)
            .with_faults(faults)
            // Many runs share the key at once; throttling is not under test here.
            .with_rate_limit(None),
    )
    .await
    .unwrap()
}

/// A home directory with an aliyun CLI profile `sts` holding the known secret and token.
fn home_with_profile() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    std::fs::write(
        home.path().join(".aliyun/config.json"),
        format!(
            r#"{{"current":"sts","profiles":[{{"name":"sts","mode":"StsToken","access_key_id":"{KEY_ID}",
            "access_key_secret":"{SECRET}","sts_token":"{TOKEN}","region_id":"cn-hangzhou"}}]}}"#
        ),
    )
    .unwrap();
    home
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_describe_and_wait_at_every_log_level_never_print_the_secret_or_token() {
    let server = mock(FaultConfig::default(), Duration::from_millis(300)).await;
    let home = home_with_profile();
    let mut sessions = tokio::task::JoinSet::new();
    for scheme in SCHEMES {
        for level in LEVELS {
            for source in [Source::Environment(SECRET), Source::Profile] {
                let (home, endpoint) = (home.path().to_owned(), server.base_url());
                let path = format!("https://example.com/{scheme}/{}.js", sessions.len());
                sessions.spawn(async move {
                    let common = args(&["--endpoint", &endpoint, "--signature-version", scheme]);
                    let with = |rest: &[&str]| [common.clone(), args(rest)].concat();
                    let created = run(home.clone(), source, level, with(&["refresh", &path])).await;
                    created.expect(0, "", "");
                    let id = created.stdout.trim().to_owned();
                    id.parse::<TaskId>().unwrap_or_else(|_| panic!("{created:#?}"));
                    let (describe, wait) = tokio::join!(
                        run(
                            home.clone(),
                            source,
                            level,
                            with(&["describe", &id, "--output", "json"])
                        ),
                        run(
                            home.clone(),
                            source,
                            level,
                            with(&[
                                "wait",
                                &id,
                                "--timeout",
                                "15s",
                                "--min-interval",
                                "100ms",
                                "--max-interval",
                                "200ms"
                            ]),
                        ),
                    );
                    describe.expect(0, &id, "");
                    wait.expect(0, "Complete", "");
                    [created, describe, wait]
                });
            }
        }
    }
    let runs: Vec<Run> = sessions.join_all().await.into_iter().flatten().collect();
    assert_eq!(runs.len(), 60);
    // The logging levels did log: otherwise "nothing shown" would prove nothing.
    let logged = |flag: &str| {
        runs.iter()
            .filter(|run| run.what.contains(flag))
            .any(|run| !run.stderr.is_empty())
    };
    // (`-v` is info, and a run without retries logs nothing at info.)
    assert!(logged("[\"-vv\"]") && logged("[\"-vvv\"]") && logged("Some(\"trace\")"));
    assert!(
        runs.iter().any(|run| run.stderr.contains("TRACE")),
        "nothing was traced at -vvv"
    );
    server.shutdown().await;
}

/// A failing run: name, credentials, server, command, expected exit code, expected on stderr.
type FailureCase<'a> = (
    &'static str,
    Source,
    &'a MockServer,
    &'static [&'static str],
    i32,
    &'static str,
);

/// A mock whose every answer is `fault`.
async fn failing(fault: Fault) -> MockServer {
    mock(FaultConfig::always(fault), Duration::from_secs(1)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_at_every_log_level_never_print_the_secret_or_token() {
    let healthy = mock(FaultConfig::default(), Duration::from_secs(1)).await;
    let servers = [
        failing(Fault::DropConnection).await,
        failing(Fault::InternalError).await,
        failing(Fault::TruncatedBody).await,
        failing(Fault::Delay(Duration::from_millis(600))).await,
    ];
    let home = tempfile::tempdir().unwrap();
    let cases: [FailureCase; 6] = [
        (
            "wrong secret",
            Source::Environment(WRONG_SECRET),
            &healthy,
            &["describe", "7"],
            3,
            "SignatureDoesNotMatch",
        ),
        (
            "dropped connections",
            Source::Environment(SECRET),
            &servers[0],
            &["describe", "7"],
            3,
            "transport error",
        ),
        (
            "500s while waiting",
            Source::Environment(SECRET),
            &servers[1],
            &["wait", "7", "--timeout", "1s"],
            3,
            "InternalError",
        ),
        (
            "truncated bodies",
            Source::Environment(SECRET),
            &servers[2],
            &["describe", "7", "--output", "json"],
            3,
            "",
        ),
        (
            "answers past the timeout",
            Source::Environment(SECRET),
            &servers[3],
            &["describe", "7"],
            3,
            "timeout",
        ),
        // Every poll fails until the deadline passes.
        (
            "last poll failed",
            Source::Environment(SECRET),
            &servers[0],
            &[
                "wait",
                "7",
                "--timeout",
                "1s",
                "--min-interval",
                "100ms",
                "--max-interval",
                "200ms",
            ],
            3,
            "",
        ),
    ];
    let mut runs = tokio::task::JoinSet::new();
    for scheme in SCHEMES {
        for level in LEVELS {
            for (name, source, server, command, code, stderr_has) in cases {
                let mut all = args(&[
                    "--endpoint",
                    &server.base_url(),
                    "--signature-version",
                    scheme,
                    "--timeout",
                    "200ms",
                ]);
                all.extend(args(command));
                let home = home.path().to_owned();
                runs.spawn(async move {
                    let done = run(home, source, level, all).await;
                    assert_eq!(done.code, code, "{name}: {done:#?}");
                    assert!(done.stderr.contains(stderr_has), "{name}: {done:#?}");
                    done
                });
            }
        }
    }
    let runs = runs.join_all().await;
    assert_eq!(runs.len(), 60);
    // Retries are logged from `-v` on (warnings), with the errors that caused them.
    let retried = |flag: &str| {
        runs.iter()
            .filter(|run| run.what.contains(flag))
            .any(|run| run.stderr.contains("WARN") && run.stderr.contains("retrying"))
    };
    assert!(retried("[\"-v\"], None") && retried("[\"-vv\"]") && retried("[\"-vvv\"]"));
    healthy.shutdown().await;
    for server in servers {
        server.shutdown().await;
    }
}
