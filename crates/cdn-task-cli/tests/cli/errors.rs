//! Exit codes 2 and 3: bad input, usage, refused credentials, unreachable service.

use crate::common::{Setup, clean_command, describe_calls, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_id_is_exit_2_with_its_position_and_nothing_is_sent() {
    let setup = Setup::quick().await;
    let run = setup.run(&["describe", "1", "2,abc"]).await;
    run.expect_code(2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        "cdn-task: error: invalid task ID at position 2 of argument 2: task ID `abc` has a non-digit \
         'a' at character 0\n"
    );
    let run = setup.run(&["wait", "abc"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("position 1 of argument 1"), "{run:?}");
    assert!(setup.mock.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_are_exit_2() {
    let setup = Setup::quick().await;
    for args in [
        &["describe"][..],
        &["describe", "1", "--output", "yaml"],
        &["frobnicate"],
        &["describe", "--timeout", "5s", "1"],
        &["wait", "1", "--timeout", "soon"],
        &["refresh", "--type", "everything", "https://example.com/"],
    ] {
        let run = setup.run(args).await;
        run.expect_code(2);
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run:?}");
    }
    // Flags the parser accepts but the polling policy refuses: exit 2, before anything is created.
    let run = setup
        .run(&[
            "refresh",
            "--wait",
            "--min-interval",
            "5s",
            "--max-interval",
            "1s",
            "https://example.com/",
        ])
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("invalid wait flags"), "{run:?}");
    // Input the client refuses: a regex refresh takes one expression.
    let run = setup.run(&["refresh", "--type", "regex", "a.*", "b.*"]).await;
    run.expect_code(2);
    assert!(setup.mock.received().is_empty(), "{:?}", setup.mock.received());
    let run = setup
        .run(&["--endpoint", "ftp://example.com", "describe", "1"])
        .await;
    run.expect_code(2);
    assert!(run.stderr.contains("endpoint"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_exit_3_with_a_line_per_failed_batch() {
    let setup = Setup::quick().await;
    // Eleven IDs: two batches, two calls refused, a line for each.
    let mut command = setup.command(&["describe", "1,2,3,4,5,6,7,8,9,10,11"]);
    command.env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-secret");
    let run = run(command).await;
    run.expect_code(3);
    assert!(run.stdout.is_empty(), "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert!(
        lines[0].starts_with("cdn-task: describe failed for 1,2,3,4,5,6,7,8,9,10: "),
        "{run:?}"
    );
    assert!(
        lines[1].starts_with("cdn-task: describe failed for 11: "),
        "{run:?}"
    );
    let calls = describe_calls(&setup.mock);
    assert_eq!(calls.len(), 2);
    for line in lines {
        assert!(line.contains("SignatureDoesNotMatch (HTTP 400)"), "{line}");
        assert!(
            calls
                .iter()
                .any(|call| line.ends_with(&format!("(request ID {})", call.request_id.as_deref().unwrap()))),
            "{line}"
        );
    }
    assert!(!run.stderr.contains("wrong-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_exit_3() {
    let home = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut command = clean_command(home.path());
    command
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
        .args(["--endpoint", &format!("http://127.0.0.1:{port}"), "describe", "1"]);
    let run = run(command).await;
    run.expect_code(3);
    assert!(run.stderr.contains("transport error"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_exit_3_and_a_profile_supplies_them() {
    let setup = Setup::quick().await;
    let mut command = clean_command(setup.home.path());
    command.args(["--endpoint", &setup.mock.base_url(), "describe", "1"]);
    let run = run(command).await;
    run.expect_code(3);
    assert!(
        run.stderr.contains("no Alibaba Cloud credentials found"),
        "{run:?}"
    );

    std::fs::create_dir(setup.home.path().join(".aliyun")).unwrap();
    std::fs::write(
        setup.home.path().join(".aliyun/config.json"),
        r#"{"current":"bad","profiles":[
            {"name":"bad","mode":"AK","access_key_id":"testid","access_key_secret":"nope"},
            {"name":"ci","mode":"AK","access_key_id":"testid","access_key_secret":"testsecret"}]}"#,
    )
    .unwrap();
    let mut command = setup.command(&["describe", "1", "--profile", "ci"]);
    // An explicit --profile wins over the environment.
    command.env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-secret");
    let run = crate::common::run(command).await;
    run.expect_code(0);
    assert_eq!(run.stdout.lines().last(), Some("not found: 1"));
    let mut command = setup.command(&["describe", "1", "--profile", "absent"]);
    command.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID");
    let run = crate::common::run(command).await;
    run.expect_code(3);
    assert!(run.stderr.contains("no profile named `absent`"), "{run:?}");
}
