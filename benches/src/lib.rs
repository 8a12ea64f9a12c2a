//! # cdn-task-benches
//!
//! What the criterion benchmarks of [cdn-task](https://github.com/cdn-task/cdn-task) measure, and
//! what they measure it against: realistic bodies ([`fixtures`]) and the baselines a decoder,
//! encoder or parser of the core is judged by ([`baselines`]). The benchmarks themselves are in
//! `benches/`; `README.md` has the command, the machine and the results, and the `bench-ratios`
//! binary turns one criterion run into the table of ratios the README records.
//!
//! ```
//! use cdn_task_benches::{baselines::PlainResponse, fixtures};
//! use cdn_task_core::{DescribeRefreshTaskByIdResponse, WireBody};
//!
//! let body = fixtures::json_body(10);
//! let typed = DescribeRefreshTaskByIdResponse::decode_json(body.as_bytes())?;
//! let plain: PlainResponse = serde_json::from_str(&body)?;
//! assert_eq!(PlainResponse::from(&typed), plain);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod baselines;
pub mod fixtures;
pub mod ratios;

/// The criterion settings of every group: 1 s of warm-up and 3 s of measurement, so that the whole
/// suite runs in about three minutes (flags on the command line override them).
pub fn criterion_config() -> criterion::Criterion {
    criterion::Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
}
