//! End-to-end tests: the built `cdn-task` binary against a mock started in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod create;
mod credentials;
mod describe;
mod errors;
mod programs;
mod wait;
