//! Running the binary against an in-process mock.

use cdn_task_mock::{MockConfig, MockServer};
use serde_json::Value;
use std::process::{Command, Output};
use std::time::Duration;
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cdn-task");

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {self:?}"))
    }

    /// Asserts the exit code, showing everything when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }
}

/// A mock plus a clean environment: `HOME` an empty temp dir (no real profile is read), the
/// mock's default key in the environment.
pub struct Setup {
    pub mock: MockServer,
    pub home: TempDir,
}

impl Setup {
    /// A mock whose tasks take `task_duration` and fail at `fail_rate`.
    pub async fn new(task_duration: Duration, fail_rate: f64) -> Setup {
        let mock = MockServer::start(
            MockConfig::default()
                .with_task_duration(task_duration)
                .with_fail_rate(fail_rate)
                .unwrap(),
        )
        .await
        .unwrap();
        Setup {
            mock,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// A mock started with `config`.
    pub async fn with_config(config: MockConfig) -> Setup {
        Setup {
            mock: MockServer::start(config).await.unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// `cdn-task --endpoint MOCK ARGS…` with `input` on standard input.
    pub async fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        run_with_input(self.command(args), input.to_owned()).await
    }

    /// A mock whose tasks take a second.
    pub async fn quick() -> Setup {
        Setup::new(Duration::from_secs(1), 0.0).await
    }

    /// `cdn-task --endpoint MOCK ARGS…` with the mock's default key in the environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = clean_command(self.home.path());
        command
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
            .arg("--endpoint")
            .arg(self.mock.base_url())
            .args(args);
        command
    }

    /// Runs `cdn-task --endpoint MOCK ARGS…`.
    pub async fn run(&self, args: &[&str]) -> Run {
        run(self.command(args)).await
    }

    /// Creates `count` refresh tasks through the binary and returns their IDs.
    pub async fn refresh(&self, count: usize) -> Vec<String> {
        let paths: Vec<String> = (0..count)
            .map(|n| format!("https://example.com/{n}.js"))
            .collect();
        let mut args = vec!["refresh"];
        args.extend(paths.iter().map(String::as_str));
        let run = self.run(&args).await;
        run.expect_code(0);
        let ids: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
        assert_eq!(ids.len(), count, "{run:?}");
        ids
    }
}

/// The binary with no Alibaba Cloud variables, no RUST_LOG and `HOME` at `home`.
pub fn clean_command(home: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    for name in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_ROLE_ARN",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        "ALIBABA_CLOUD_ROLE_SESSION_NAME",
        "ALIBABA_CLOUD_STS_ENDPOINT",
        "ALIBABA_CLOUD_STS_REGION",
        "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",
        "ALIBABA_CLOUD_CONFIG_FILE",
        "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_ECS_METADATA",
        "ALIBABA_CLOUD_IMDSV1_DISABLED",
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        "CDN_TASK_IMDS_ENDPOINT",
        "RUST_LOG",
        "USERPROFILE",
    ] {
        command.env_remove(name);
    }
    // Off ECS the chain's metadata step costs up to a second per run; tests that want it set
    // this back to false.
    command.env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    command.env("HOME", home);
    command
}

/// Runs a command to the end without blocking the runtime that serves the mock, killing it
/// after 20 s.
pub async fn run(command: Command) -> Run {
    run_with_input(command, String::new()).await
}

/// [`run`], with `input` written to the command's standard input (then closed).
pub async fn run_with_input(mut command: Command, input: String) -> Run {
    let output: Output = tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            // A command that does not read its input closes the pipe: that is not a failure.
            let _ = stdin.write_all(input.as_bytes());
        }
        let pid = child.id();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if finished.recv_timeout(Duration::from_secs(20)).is_err() {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        });
        let output = child.wait_with_output().unwrap();
        let _ = done.send(());
        let _ = watchdog.join();
        output
    })
    .await
    .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The `DescribeRefreshTaskById` calls the mock received.
pub fn describe_calls(mock: &MockServer) -> Vec<cdn_task_mock::ReceivedCall> {
    mock.received()
        .into_iter()
        .filter(|call| call.action.as_deref() == Some("DescribeRefreshTaskById"))
        .collect()
}

/// The `TaskId` values of a JSON report's tasks.
pub fn task_ids(report: &Value) -> Vec<String> {
    report["Tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["TaskId"].as_str().unwrap().to_owned())
        .collect()
}
