//! The `cdn-task-mock` binary: first line, a real call, clean stop on SIGTERM and SIGINT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, WireBody};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = r#"[{"TaskId":"4242","ObjectPath":"http://example.com/seeded.js","ObjectType":"file",
  "Status":"Complete","Process":"100%","CreationTime":"2099-01-01T00:00:00Z","Description":""}]"#;

struct Running {
    child: Child,
    base_url: String,
}

/// Starts the binary and reads its first stdout line.
fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdn-task-mock"))
        .args(args)
        .env("RUST_LOG", "warn")
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
    let line = receiver
        .recv_timeout(Duration::from_secs(15))
        .expect("no first line within 15 s");
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert!(!base_url.ends_with(":0"), "{base_url}");
    Running { child, base_url }
}

fn signal_and_wait(mut running: Running, signal: &str) -> ExitStatus {
    let pid = running.child.id().to_string();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = running.child.kill();
            panic!("the mock did not stop within 10 s of {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn describe(base_url: &str, ids: &str, credentials: &Credentials) -> DescribeRefreshTaskByIdResponse {
    let host = base_url.trim_start_matches("http://");
    let request = ApiRequest::new(&DescribeRefreshTaskById::new(ids.parse().unwrap()), Format::Json);
    let signed = request.sign(
        SignatureVersion::Acs3,
        host,
        credentials,
        chrono::DateTime::from(std::time::SystemTime::now()),
        "n1",
    );
    let mut http = reqwest::Client::new().post(format!("{base_url}{}?{}", signed.path, signed.query));
    for (name, value) in &signed.headers {
        if name != "host" {
            http = http.header(name, value);
        }
    }
    let response = http.send().await.unwrap();
    assert_eq!(response.status(), 200);
    DescribeRefreshTaskByIdResponse::decode_json(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn serves_the_seed_to_a_configured_key_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, SEED).unwrap();
    let running = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--access-key",
        "alice:wonderland",
        "--tasks",
        seed.to_str().unwrap(),
        "--task-duration",
        "500ms",
        "--rate-limit",
        "5",
    ]);
    let response = describe(
        &running.base_url,
        "4242",
        &Credentials::new("alice", "wonderland"),
    )
    .await;
    assert_eq!(response.tasks.len(), 1);
    assert_eq!(response.tasks[0].object_path, "http://example.com/seeded.js");
    assert!(signal_and_wait(running, "-TERM").success());
}

#[tokio::test]
async fn default_key_works_and_sigint_stops_cleanly() {
    let running = spawn(&["--listen", "127.0.0.1:0"]);
    let response = describe(&running.base_url, "1", &Credentials::new("testid", "testsecret")).await;
    assert_eq!(response.total_count, 0);
    assert!(signal_and_wait(running, "-INT").success());
}

#[test]
fn bad_flags_and_missing_seed_fail_with_a_message() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cdn-task-mock"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let bad_rate = run(&["--fail-rate", "2"]);
    assert!(!bad_rate.status.success());
    assert!(String::from_utf8_lossy(&bad_rate.stderr).contains("fail rate"));
    // `--seed`, the flag's old name, still works.
    let no_seed = run(&["--listen", "127.0.0.1:0", "--seed", "/nonexistent/seed.json"]);
    assert_eq!(no_seed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_seed.stderr).contains("/nonexistent/seed.json"));
    assert!(no_seed.stdout.is_empty());
}

async fn get_status(url: &str) -> u16 {
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn state_is_saved_at_sigterm_and_restored_at_start_and_a_broken_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let http = reqwest::Client::new();
    let first = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--state",
        state_arg,
        "--admin-token",
        "tok",
    ]);
    let added = http
        .post(format!("{}/_mock/tasks", first.base_url))
        .bearer_auth("tok")
        .body(SEED)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(get_status(&format!("{}/_mock/tasks", first.base_url)).await, 401);
    assert!(!state.exists(), "nothing is written before shutdown or a save");
    assert!(signal_and_wait(first, "-TERM").success());
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("\"4242\""), "{saved}");

    let second = spawn(&["--listen", "127.0.0.1:0", "--state", state_arg, "--no-admin"]);
    let response = describe(
        &second.base_url,
        "4242",
        &Credentials::new("testid", "testsecret"),
    )
    .await;
    assert_eq!(response.tasks.len(), 1, "the task came back");
    assert_eq!(
        get_status(&format!("{}/_mock/health", second.base_url)).await,
        404
    );
    assert!(signal_and_wait(second, "-INT").success());

    std::fs::write(&state, "{ not a state").unwrap();
    let broken = Command::new(env!("CARGO_BIN_EXE_cdn-task-mock"))
        .args(["--listen", "127.0.0.1:0", "--state", state_arg])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("invalid state document"), "{stderr}");
    assert!(broken.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{ not a state");

    let nowhere = dir.path().join("missing").join("state.json");
    let early = Command::new(env!("CARGO_BIN_EXE_cdn-task-mock"))
        .args(["--listen", "127.0.0.1:0", "--state", nowhere.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(early.status.code(), Some(1), "refused at start, not at shutdown");
    assert!(String::from_utf8_lossy(&early.stderr).contains("directory does not exist"));
}
