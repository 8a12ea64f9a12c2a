//! The client against cdn-task-mock, in process: every test starts its own mock on an ephemeral
//! port of 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod batching;
#[path = "../support/capture.rs"]
mod capture;
mod common;
mod credentials;
mod errors;
mod faults;
mod happy;
mod own_http;
mod providers;
mod proxy;
mod purging;
mod secrets;
mod throttling;
mod waiting;
