//! `TaskIdList` parsing (validated, duplicates dropped, leading zeros kept) beside the naive
//! split-trim-`u64` parse; on 1 and 10 IDs as a person types them (`", "` between IDs).
#![allow(missing_docs)]

use cdn_task_benches::baselines::naive_task_ids;
use cdn_task_benches::fixtures;
use cdn_task_benches::ratios::OURS;
use cdn_task_core::TaskIdList;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn task_id_list(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_id_list");
    for ids in fixtures::TASK_COUNTS {
        let text = fixtures::task_id_list_text(ids);
        let input = if ids == 1 {
            "1 ID".to_owned()
        } else {
            format!("{ids} IDs")
        };
        group.bench_function(BenchmarkId::new(OURS, &input), |b| {
            b.iter(|| black_box(text.as_str()).parse::<TaskIdList>())
        });
        group.bench_function(BenchmarkId::new("split, trim, parse u64", &input), |b| {
            b.iter(|| naive_task_ids(black_box(&text)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = task_id_list
}
criterion_main!(benches);
