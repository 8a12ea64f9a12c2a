//! JSON decode: the core's typed decoder beside serde_json into a `Value`, into an all-`String`
//! struct, and into a struct borrowing `&str` from the body; on 1 and 10 tasks, and on a 100-task
//! `DescribeRefreshTasks` page (`"Tasks":{"CDNTask":[…]}`) decoded into the core's `Task` (by the
//! core's `DescribeRefreshTasksResponse::decode_json`, fast path first, and by serde_json into a
//! struct of the core's `Task`s).
#![allow(missing_docs)]

use cdn_task_benches::baselines::{BorrowedResponse, BorrowedTask, PlainResponse, PlainTask, TaskPage};
use cdn_task_benches::fixtures::{self, PAGE_TASK_COUNT};
use cdn_task_benches::ratios::OURS;
use cdn_task_core::{DescribeRefreshTaskByIdResponse, DescribeRefreshTasksResponse, Task, WireBody};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use std::hint::black_box;

fn decode_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_json");
    for tasks in fixtures::TASK_COUNTS {
        let body = fixtures::json_body(tasks);
        let input = fixtures::label(tasks);
        group.throughput(Throughput::Bytes(body.len() as u64));
        bench(
            &mut group,
            OURS,
            &input,
            &body,
            DescribeRefreshTaskByIdResponse::decode_json,
        );
        bench_baselines::<PlainResponse, BorrowedResponse<'_>>(&mut group, &input, &body);
    }
    let page = fixtures::task_page_json(PAGE_TASK_COUNT);
    let input = format!("page of {PAGE_TASK_COUNT}");
    group.throughput(Throughput::Bytes(page.len() as u64));
    bench(
        &mut group,
        OURS,
        &input,
        &page,
        DescribeRefreshTasksResponse::decode_json,
    );
    bench(
        &mut group,
        "serde_json typed Task struct",
        &input,
        &page,
        serde_json::from_slice::<TaskPage<Task>>,
    );
    bench_baselines::<TaskPage<PlainTask>, TaskPage<BorrowedTask<'_>>>(&mut group, &input, &page);
    group.finish();
}

/// The three serde_json baselines on `body`: `Value`, the all-`String` shape, the borrowed shape.
fn bench_baselines<'a, Plain, Borrowed>(group: &mut BenchmarkGroup<'_, WallTime>, input: &str, body: &'a str)
where
    Plain: for<'de> Deserialize<'de>,
    Borrowed: Deserialize<'a>,
{
    bench(
        group,
        "serde_json Value",
        input,
        body,
        serde_json::from_slice::<serde_json::Value>,
    );
    bench(
        group,
        "serde_json String struct",
        input,
        body,
        serde_json::from_slice::<Plain>,
    );
    bench(
        group,
        "serde_json &str struct",
        input,
        body,
        serde_json::from_slice::<Borrowed>,
    );
}

fn bench<'a, T, E>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    function: &str,
    input: &str,
    body: &'a str,
    decode: impl Fn(&'a [u8]) -> Result<T, E>,
) {
    assert!(
        decode(body.as_bytes()).is_ok(),
        "{function} cannot decode the {input} body"
    );
    group.bench_function(BenchmarkId::new(function, input), |b| {
        b.iter(|| decode(black_box(body.as_bytes())))
    });
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = decode_json
}
criterion_main!(benches);
