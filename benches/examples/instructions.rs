//! Runs one decoder (or encoder) on a fixture body a given number of times, for an instruction-count profile
//! that does not depend on what else the machine is doing:
//!
//! ```sh
//! cargo build --release -p cdn-task-benches --example instructions
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     $CARGO_TARGET_DIR/release/examples/instructions xml 10 1000
//! callgrind_annotate /tmp/cg.out | head -40
//! ```
//!
//! Arguments: the decoder (`json`, `json-general` (serde_json alone, without the fast path),
//! `json-string`, `json-str`, `json-value`, `xml`, `xml-general` (the general XML decoder alone),
//! `xml-serde`, `xml-walk`; `page` (`DescribeRefreshTasksResponse::decode_json`: the fast path,
//! the general decoder as the fallback), `page-general` (the page's general decoder alone),
//! `page-serde` (serde_json into a struct of the core's `Task`s), `page-string`, `page-str` for the
//! `DescribeRefreshTasks` page shape; `encode-json`, `encode-xml`; `sign-rpc`, `sign-acs3` for the
//! signing fixture, whatever the count; `plan` (`PurgePlan::new` on `read_path_list` of the `plan`
//! benchmark's deploy list) and `plan-chunks` (its baseline, the lines in chunks of 1,000), the
//! count being the list's URLs), the body's task count, the number of iterations.
#![allow(missing_docs)]

use cdn_task_benches::baselines::{
    BorrowedResponse, BorrowedTask, PlainResponse, PlainTask, TaskPage, quick_xml_serde, xml_event_walk,
};
use cdn_task_benches::fixtures;
use cdn_task_core::differential;
use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{
    DEFAULT_HOST, DescribeRefreshTaskByIdResponse, DescribeRefreshTasksResponse, PurgeKind, PurgePlan,
    RefreshType, Task, WireBody, read_path_list,
};
use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(decoder), Some(Ok(tasks)), Some(Ok(iterations))) = (
        args.first(),
        args.get(1).map(|n| n.parse::<usize>()),
        args.get(2).map(|n| n.parse::<usize>()),
    ) else {
        eprintln!("usage: instructions DECODER TASKS ITERATIONS");
        return ExitCode::from(2);
    };
    let json = fixtures::json_body(tasks);
    let xml = fixtures::xml_body(tasks);
    let page = fixtures::task_page_json(tasks);
    let typed = fixtures::response(tasks);
    let request = fixtures::signed_request();
    let credentials = Credentials::new("LTAI5tExampleAccessKeyId", "ExampleAccessKeySecret0123456789");
    let now = chrono::DateTime::from_timestamp(1_795_856_063, 0).unwrap_or_default();
    let sign = |scheme| {
        !request
            .sign(scheme, DEFAULT_HOST, &credentials, now, "nonce")
            .signature
            .is_empty()
    };
    let deploy = if decoder.starts_with("plan") {
        fixtures::deploy_list(tasks)
    } else {
        String::new()
    };
    let (json, xml, page) = (json.as_bytes(), xml.as_bytes(), page.as_bytes());
    let run: Box<dyn Fn() -> bool> = match decoder.as_str() {
        "json" => Box::new(|| DescribeRefreshTaskByIdResponse::decode_json(black_box(json)).is_ok()),
        "json-string" => Box::new(|| serde_json::from_slice::<PlainResponse>(black_box(json)).is_ok()),
        "json-str" => Box::new(|| serde_json::from_slice::<BorrowedResponse<'_>>(black_box(json)).is_ok()),
        "json-value" => Box::new(|| serde_json::from_slice::<serde_json::Value>(black_box(json)).is_ok()),
        "xml" => Box::new(|| DescribeRefreshTaskByIdResponse::decode_xml(black_box(xml)).is_ok()),
        "xml-serde" => Box::new(|| quick_xml_serde(black_box(xml)).is_ok()),
        "xml-walk" => Box::new(|| xml_event_walk(black_box(xml)).is_some()),
        "page" => Box::new(|| DescribeRefreshTasksResponse::decode_json(black_box(page)).is_ok()),
        "page-general" => Box::new(|| differential::task_page_json_general(black_box(page)).is_ok()),
        "page-serde" => Box::new(|| serde_json::from_slice::<TaskPage<Task>>(black_box(page)).is_ok()),
        "page-str" => {
            Box::new(|| serde_json::from_slice::<TaskPage<BorrowedTask<'_>>>(black_box(page)).is_ok())
        }
        "xml-general" => Box::new(|| differential::by_id_xml_general(black_box(xml)).is_ok()),
        "json-general" => Box::new(|| differential::by_id_json_general(black_box(json)).is_ok()),
        "encode-json" => Box::new(|| !black_box(&typed).encode_json().is_empty()),
        "encode-xml" => Box::new(|| !black_box(&typed).encode_xml().is_empty()),
        "sign-rpc" => Box::new(|| sign(SignatureVersion::Rpc)),
        "sign-acs3" => Box::new(|| sign(SignatureVersion::Acs3)),
        "page-string" => Box::new(|| serde_json::from_slice::<TaskPage<PlainTask>>(black_box(page)).is_ok()),
        "plan" => Box::new(|| {
            PurgePlan::new(
                PurgeKind::Refresh(RefreshType::File),
                read_path_list(black_box(&deploy)),
            )
            .is_ok()
        }),
        "plan-chunks" => Box::new(|| !fixtures::lines_in_chunks(black_box(&deploy)).is_empty()),
        other => {
            eprintln!("unknown decoder {other:?}");
            return ExitCode::from(2);
        }
    };
    for _ in 0..iterations {
        if !run() {
            eprintln!("{decoder} failed on the {tasks}-task body");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
