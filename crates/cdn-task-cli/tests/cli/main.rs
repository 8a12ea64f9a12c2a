//! End-to-end tests: the built `cdn-task` binary against a mock started in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod create;
mod credentials;
mod describe;
mod errors;
mod programs;
// The client tests' proxy, shared rather than copied; not every mode is used here.
#[allow(dead_code)]
#[path = "../../../cdn-task-http/tests/client/proxy.rs"]
mod proxy;
mod purge;
mod wait;
