//! Shared helpers of the cdn-task fuzz targets: the properties the targets check, and `arbitrary`
//! builders that turn fuzzer bytes into valid values of the core's types.
//!
//! The targets themselves live in `fuzz_targets/`, one per parser; see `README.md`.

mod bodies;
mod differential;
mod operations;
mod signing;

pub use bodies::*;
pub use differential::{check_json, check_xml};
pub use operations::check_operations;
pub use signing::{ArbSigning, check_query_encoding};
