//! Encode, both formats: the core's encoders beside serde_json and quick-xml's serde serializer
//! writing the all-`String` struct of the same content; on 1 and 10 tasks.
#![allow(missing_docs)]

use cdn_task_benches::baselines::PlainResponse;
use cdn_task_benches::fixtures;
use cdn_task_benches::ratios::OURS;
use cdn_task_core::WireBody;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn encode(c: &mut Criterion) {
    for tasks in fixtures::TASK_COUNTS {
        let typed = fixtures::response(tasks);
        let plain = PlainResponse::from(&typed);
        let input = fixtures::label(tasks);

        let mut json = c.benchmark_group("encode_json");
        json.bench_function(BenchmarkId::new(OURS, &input), |b| {
            b.iter(|| black_box(&typed).encode_json())
        });
        json.bench_function(BenchmarkId::new("serde_json String struct", &input), |b| {
            b.iter(|| serde_json::to_string(black_box(&plain)))
        });
        json.finish();

        let mut xml = c.benchmark_group("encode_xml");
        xml.bench_function(BenchmarkId::new(OURS, &input), |b| {
            b.iter(|| black_box(&typed).encode_xml())
        });
        xml.bench_function(BenchmarkId::new("quick-xml serde String struct", &input), |b| {
            b.iter(|| quick_xml::se::to_string(black_box(&plain)))
        });
        xml.finish();
    }
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = encode
}
criterion_main!(benches);
