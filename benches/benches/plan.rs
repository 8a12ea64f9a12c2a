//! Planning a purge: 10,000 URLs over 12 domains (as a deploy's changed files come, from a path
//! list with a comment and blank lines) validated, percent-encoded where needed, duplicates
//! dropped and split into calls of at most 1,000 URLs and 10 domains; beside the naive split
//! into chunks of 1,000 lines (no validation, no encoding, no duplicate or domain check), the floor
//! any planner pays for walking the input. The target: well under a millisecond.
#![allow(missing_docs)]

use cdn_task_benches::ratios::OURS;
use cdn_task_core::{PurgeKind, PurgePlan, RefreshType, read_path_list};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// URLs of a deploy: 12 domains, hashed asset names, one in a hundred with a non-ASCII name
/// (encoded by the planner), one in fifty a duplicate of an earlier one.
fn deploy_list(count: usize) -> String {
    let mut text = String::from("# changed files of build 4711\n\n");
    for n in 0..count {
        let id = if n % 50 == 49 { n - 7 } else { n };
        let name = if id % 100 == 3 { "bücher" } else { "app" };
        text.push_str(&format!(
            "https://static{}.example.com/assets/{}/{name}.{:08x}.js\n",
            id % 12,
            id / 12,
            id * 2_654_435_761 % 4_294_967_296
        ));
    }
    text
}

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
        b.iter(|| {
            let lines: Vec<&str> = black_box(&text)
                .lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .collect();
            lines
                .chunks(1_000)
                .map(|chunk| chunk.join("\n"))
                .collect::<Vec<String>>()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = plan
}
criterion_main!(benches);
