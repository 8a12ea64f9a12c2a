//! `describe`: both outputs, input order, not found, batching, both signatures and formats.

use crate::common::{Setup, describe_calls, task_ids};
use cdn_task_core::Format;
use cdn_task_core::signing::SignatureVersion;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_in_input_order_with_not_found_and_request_ids() {
    let setup = Setup::quick().await;
    let ids = setup.refresh(2).await;
    let argument = format!("{},42", ids[1]);
    let run = setup
        .run(&["describe", &argument, &ids[0], "--output", "json"])
        .await;
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["TotalCount"], 2);
    assert_eq!(task_ids(&report), [ids[1].clone(), ids[0].clone()]);
    assert_eq!(report["NotFound"], serde_json::json!(["42"]));
    assert_eq!(report["RequestIds"].as_array().unwrap().len(), 1);
    let task = &report["Tasks"][1];
    assert_eq!(task["ObjectPath"], "https://example.com/0.js");
    assert_eq!(task["ObjectType"], "file");
    for field in ["CreationTime", "Description", "Process", "Status"] {
        assert!(task[field].is_string(), "{field}: {task}");
    }
    assert!(run.stderr.is_empty(), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_by_default_with_rpc_signatures_and_xml() {
    let setup = Setup::quick().await;
    let ids = setup.refresh(1).await;
    setup.mock.clear_received();
    let run = setup
        .run(&[
            "describe",
            &ids[0],
            "7",
            "--signature-version",
            "v1",
            "--response-format",
            "xml",
        ])
        .await;
    run.expect_code(0);
    let mut lines = run.stdout.lines();
    assert!(lines.next().unwrap().starts_with("TASK ID  "), "{run:?}");
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&ids[0]) && row.contains("https://example.com/0.js"),
        "{row}"
    );
    assert_eq!(lines.next(), Some("not found: 7"));
    let calls = describe_calls(&setup.mock);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].scheme, calls[0].format),
        (SignatureVersion::Rpc, Format::Xml)
    );
    assert_eq!(calls[0].status, Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eleven_ids_in_one_argument_are_two_calls() {
    let setup = Setup::quick().await;
    let ids = setup.refresh(11).await;
    setup.mock.clear_received();
    let run = setup
        .run(&["--timeout", "5s", "describe", &ids.join(","), "--output", "json"])
        .await;
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["TotalCount"], 11);
    assert_eq!(task_ids(&report), ids);
    assert_eq!(report["RequestIds"].as_array().unwrap().len(), 2);
    let calls = describe_calls(&setup.mock);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].scheme, SignatureVersion::Acs3);
    assert_eq!(calls[0].format, Format::Json);
}
