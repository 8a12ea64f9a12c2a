//! `demo`, `mock` and `completions`: the commands that need no service.

use crate::common::{Setup, clean_command, run};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_with_nothing_set_up() {
    let home = tempfile::tempdir().unwrap();
    let mut command = clean_command(home.path());
    // Whatever the environment holds is ignored.
    command
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "someone-else")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-mock's")
        .arg("demo");
    let started = Instant::now();
    let run = run(command).await;
    run.expect_code(0);
    assert!(started.elapsed() < Duration::from_secs(20));
    let rows: Vec<&str> = run.stdout.lines().skip(1).take(3).collect();
    assert_eq!(rows.len(), 3, "{run:?}");
    assert!(rows.iter().all(|row| row.contains(" Complete ")), "{run:?}");
    assert!(rows[2].contains(" preload "), "{run:?}");
    assert!(
        run.stderr.starts_with("demo: mock service at http://127.0.0.1:"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_for_bash_know_the_commands() {
    let home = tempfile::tempdir().unwrap();
    let mut command = clean_command(home.path());
    command.args(["completions", "bash"]);
    let run = run(command).await;
    run.expect_code(0);
    assert!(
        run.stdout.contains("describe") && run.stdout.contains("--signature-version"),
        "{run:?}"
    );
}

/// A child process, killed if the test ends before it does.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_serves_the_command_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let mut child = clean_command(home.path())
        .args([
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--access-key",
            "ci:ci-secret",
            "--task-duration",
            "500ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut guard = Guard(Some(child));
    let first_line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(15), first_line)
        .await
        .expect("no first line within 15 s")
        .unwrap()
        .unwrap();
    let base_url = line.trim_end().strip_prefix("listening on ").unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{line}");

    // The command talks to the mock the command started, with the key given to it.
    let mut command = clean_command(home.path());
    command
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ci")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ci-secret")
        .args([
            "--endpoint",
            &base_url,
            "refresh",
            "--wait",
            "--min-interval",
            "100ms",
            "https://example.com/",
        ]);
    run(command).await.expect_code(0);

    let mut child = guard.0.take().unwrap();
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exited = tokio::task::spawn_blocking(move || child.wait());
    match tokio::time::timeout(Duration::from_secs(10), exited).await {
        Ok(status) => assert!(status.unwrap().unwrap().success()),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("cdn-task mock did not stop within 10 s of SIGTERM");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_and_version_exit_0() {
    let setup = Setup::quick().await;
    for flag in ["--help", "--version"] {
        let run = setup.run(&[flag]).await;
        run.expect_code(0);
        assert!(run.stdout.contains("cdn-task"), "{run:?}");
    }
}
