//! Signing and verification, both schemes, of a `DescribeRefreshTaskById` request for ten IDs,
//! beside the bare HMAC of the same string to sign (the cryptography alone: canonicalisation,
//! hashing the canonical request, encoding and the rest are the difference).
#![allow(missing_docs)]

use cdn_task_benches::baselines::{hmac_sha1, hmac_sha256};
use cdn_task_benches::fixtures;
use cdn_task_benches::ratios::OURS;
use cdn_task_core::DEFAULT_HOST;
use cdn_task_core::signing::{Credentials, ReceivedRequest, SignatureVersion, borrow_pairs, verify};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SECRET: &str = "ExampleAccessKeySecret0123456789";
const BARE_HMAC: &str = "bare HMAC of the string to sign";

fn signing(c: &mut Criterion) {
    let request = fixtures::signed_request();
    let credentials = Credentials::new("LTAI5tExampleAccessKeyId", SECRET);
    let now = chrono::DateTime::from_timestamp(1_795_856_063, 0).unwrap_or_default();
    let nonce = "3156853299f313e23d1673dc12e1703d";
    let rpc_key = format!("{SECRET}&");
    let schemes = [
        (SignatureVersion::Rpc, "RPC, 10 IDs"),
        (SignatureVersion::Acs3, "ACS3, 10 IDs"),
    ];
    let bare = |scheme, message: &str| match scheme {
        SignatureVersion::Acs3 => hmac_sha256(SECRET.as_bytes(), message.as_bytes()).is_some(),
        _ => hmac_sha1(rpc_key.as_bytes(), message.as_bytes()).is_some(),
    };

    let mut group = c.benchmark_group("sign");
    for (scheme, input) in schemes {
        let string_to_sign = request
            .sign(scheme, DEFAULT_HOST, &credentials, now, nonce)
            .string_to_sign;
        group.bench_function(BenchmarkId::new(OURS, input), |b| {
            b.iter(|| black_box(&request).sign(scheme, DEFAULT_HOST, &credentials, now, nonce))
        });
        group.bench_function(BenchmarkId::new(BARE_HMAC, input), |b| {
            b.iter(|| bare(scheme, black_box(&string_to_sign)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("verify");
    for (scheme, input) in schemes {
        let signed = request.sign(scheme, DEFAULT_HOST, &credentials, now, nonce);
        let mut headers: Vec<(&str, &str)> = borrow_pairs(&signed.headers);
        headers.push(("host", DEFAULT_HOST));
        let received = ReceivedRequest {
            method: &signed.method,
            path: &signed.path,
            query: &signed.query,
            headers: &headers,
            body: &signed.body,
        };
        let lookup = |_: &str| Some(SECRET.to_owned());
        assert!(
            verify(&received, lookup).is_ok(),
            "the {input} request does not verify"
        );
        group.bench_function(BenchmarkId::new(OURS, input), |b| {
            b.iter(|| verify(black_box(&received), lookup))
        });
        group.bench_function(BenchmarkId::new(BARE_HMAC, input), |b| {
            b.iter(|| bare(scheme, black_box(&signed.string_to_sign)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = cdn_task_benches::criterion_config();
    targets = signing
}
criterion_main!(benches);
