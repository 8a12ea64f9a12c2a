//! Planning a purge: 10,000 URLs over 12 domains (as a deploy's changed files come, from a path
//! list with a comment and blank lines) validated, percent-encoded where needed, duplicates
//! dropped and split into calls of at most 1,000 URLs and 10 domains; beside the naive split
//! into chunks of 1,000 lines (no validation, no encoding, no duplicate or domain check), the floor
//! any planner pays for walking the input. The target: well under a millisecond.
#![allow(missing_docs)]

use cdn_task_benches::fixtures::{deploy_list, lines_in_chunks};
use cdn_task_benches::ratios::OURS;
use cdn_task_core::{PurgeKind, PurgePlan, RefreshType, read_path_list};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    let text = deploy_list(10_000);
    let input = "10000 URLs";
    group.throughput(Throughput::Elements(10_000));
    group.bench_function(BenchmarkId::new(OURS, input), |b| {
        b.iter(|| {
            PurgePlan::new(
                PurgeKind::Refresh(RefreshType::File),
                read_path_list(black_box(&text)),
            )
        })
    });
    group.bench_function(BenchmarkId::new("chunks of 1000 lines", input), |b| {
        b.iter(|| lines_in_chunks(black_box(&text)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = plan
}
criterion_main!(benches);
