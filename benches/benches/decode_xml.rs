//! XML decode: the core's decoder beside quick-xml's serde deserializer into the all-`String`
//! struct, and beside a bare quick-xml event walk of the same bytes (the floor for any decoder on
//! quick-xml's pull reader); on 1 and 10 tasks.
#![allow(missing_docs)]

use cdn_task_benches::baselines::{quick_xml_serde, xml_event_walk};
use cdn_task_benches::fixtures;
use cdn_task_benches::ratios::OURS;
use cdn_task_core::{DescribeRefreshTaskByIdResponse, WireBody};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn decode_xml(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_xml");
    for tasks in fixtures::TASK_COUNTS {
        let body = fixtures::xml_body(tasks);
        let bytes = body.as_bytes();
        let input = fixtures::label(tasks);
        assert!(DescribeRefreshTaskByIdResponse::decode_xml(bytes).is_ok());
        assert!(quick_xml_serde(bytes).is_ok());
        assert!(xml_event_walk(bytes).is_some());
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(BenchmarkId::new(OURS, &input), |b| {
            b.iter(|| DescribeRefreshTaskByIdResponse::decode_xml(black_box(bytes)))
        });
        group.bench_function(BenchmarkId::new("quick-xml serde String struct", &input), |b| {
            b.iter(|| quick_xml_serde(black_box(bytes)))
        });
        group.bench_function(BenchmarkId::new("quick-xml event walk", &input), |b| {
            b.iter(|| xml_event_walk(black_box(bytes)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = decode_xml
}
criterion_main!(benches);
