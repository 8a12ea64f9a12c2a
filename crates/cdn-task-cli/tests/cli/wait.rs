//! `wait`: exit 0 when every task completes, 1 when one fails, 4 at the deadline, 3 when the
//! service cannot be asked at the deadline.

use crate::common::{Setup, task_ids};
use cdn_task_mock::{Fault, FaultConfig};
use std::time::Duration;

const FAST: [&str; 4] = ["--min-interval", "100ms", "--max-interval", "300ms"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completes_with_exit_0_json_in_input_order_and_no_bars_off_a_terminal() {
    let setup = Setup::quick().await;
    let ids = setup.refresh(3).await;
    let reversed: Vec<String> = ids.iter().rev().cloned().collect();
    let mut args = vec!["--timeout", "5s", "wait", "--timeout", "15s", "--output", "json"];
    args.extend(FAST);
    args.push(&reversed[0]);
    let rest = reversed[1..].join(",");
    args.push(&rest);
    let run = setup.run(&args).await;
    run.expect_code(0);
    let report = run.json();
    assert_eq!(task_ids(&report), reversed);
    assert!(
        report["Tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|task| task["Status"] == "Complete")
    );
    assert_eq!(report["TimedOut"], false);
    assert!(report["Polls"].as_u64().unwrap() >= 2, "{report}");
    assert!(report.get("RequestIds").is_none());
    // stderr is a pipe here: indicatif draws nothing.
    assert!(run.stderr.is_empty(), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_task_is_exit_1_with_its_reason() {
    let setup = Setup::new(Duration::from_millis(300), 1.0).await;
    let ids = setup.refresh(1).await;
    let mut args = vec!["wait", "--timeout", "15s", &ids[0]];
    args.extend(FAST);
    let run = setup.run(&args).await;
    run.expect_code(1);
    let row = run.stdout.lines().nth(1).unwrap();
    assert!(row.contains("Failed"), "{run:?}");
    let reasons = ["Internal Error", "Origin Timeout", "Origin Return StatusCode 5XX"];
    assert!(reasons.iter().any(|reason| row.ends_with(reason)), "{row}");
    assert!(run.stdout.contains("1 failed"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_task_is_exit_1() {
    let setup = Setup::quick().await;
    let run = setup.run(&["wait", "42", "--output", "json"]).await;
    run.expect_code(1);
    assert_eq!(run.json()["NotFound"], serde_json::json!(["42"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_is_exit_4_with_the_latest_state() {
    let setup = Setup::new(Duration::from_secs(600), 0.0).await;
    let ids = setup.refresh(1).await;
    let mut args = vec!["wait", "--timeout", "1s", "--output", "json", &ids[0]];
    args.extend(FAST);
    let run = setup.run(&args).await;
    run.expect_code(4);
    let report = run.json();
    assert_eq!(report["TimedOut"], true);
    let status = report["Tasks"][0]["Status"].as_str().unwrap();
    assert!(["Pending", "Refreshing"].contains(&status), "{report}");
    assert!(report["ElapsedMs"].as_u64().unwrap() >= 1000, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_reached_while_the_service_fails_is_exit_3() {
    let setup = Setup::new(Duration::from_secs(600), 0.0).await;
    let ids = setup.refresh(1).await;
    setup
        .mock
        .set_faults(FaultConfig::always(Fault::ServiceUnavailable));
    let mut args = vec!["wait", "--timeout", "500ms", &ids[0]];
    args.extend(FAST);
    let run = setup.run(&args).await;
    run.expect_code(3);
    assert!(run.stdout.contains("no answer: "), "{run:?}");
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("cdn-task: error: the wait deadline passed and the last poll failed: ")
            && last.contains("ServiceUnavailable"),
        "{run:?}"
    );
}
