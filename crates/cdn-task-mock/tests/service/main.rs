//! Integration tests: the mock driven over real HTTP, with requests signed by the core.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod control;
mod errors;
mod faults;
mod hostile;
mod listing;
mod protocol;
mod tasks;
mod throttling;
