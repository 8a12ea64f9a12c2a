//! `demo`, `mock` and `completions`: the commands that need no service.

use crate::common::{Setup, clean_command, run};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
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
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = tokio::task::spawn_blocking(move || receiver.recv_timeout(Duration::from_secs(15)))
        .await
        .unwrap()
        .expect("no first line within 15 s");
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

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("cdn-task mock did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
    assert!(status.success(), "{status:?}");
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
