//! # cdn-task-http
//!
//! The async HTTP client of [cdn-task](https://github.com/cdn-task/cdn-task) for Alibaba Cloud
//! CDN's refresh and prefetch tasks: purge or prefetch, then wait until the edge serves the new
//! content. Built on tokio and reqwest (rustls), thin over [`cdn_task_core`], which builds, signs
//! and decodes the messages.
//!
//! What it does for you:
//! - **signing** with ACS3-HMAC-SHA256 (default) or the RPC HMAC-SHA1 scheme, a fresh random
//!   nonce and the system clock's timestamp on every attempt;
//! - **credentials** given explicitly, from the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!   `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`), or from the aliyun CLI's
//!   `~/.aliyun/config.json` ([`credentials`]);
//! - **retries** with jittered exponential backoff on throttling, 5xx and transport errors only,
//!   bounded in attempts and total time ([`RetryPolicy`]);
//! - **rate limiting** on the client side, 30 calls a second per AccessKeyId by default;
//! - **batching**: [`Client::describe_all`] describes any number of IDs, ten per call, results in
//!   input order, not-found IDs and failed batches reported, never dropped;
//! - **waiting**: [`Client::wait`] polls until every task is complete or failed, with a deadline
//!   and progress reports ([`WaitOptions`], [`WaitReport`]);
//! - **errors** that keep "the service said no" ([`Error::Service`]: code, message, request ID,
//!   HTTP status) apart from transport, timeout, decode, input and credentials errors.
//!
//! Secrets never appear in `Debug` or `Display` output, in errors, or in `tracing` events (which
//! carry the action, attempt and request ID).
//!
//! ## Example: purge, then wait
//!
//! ```no_run
//! use cdn_task_core::RefreshType;
//! use cdn_task_http::{Client, WaitOptions};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), cdn_task_http::Error> {
//! // Credentials from the environment or ~/.aliyun/config.json.
//! let client = Client::builder().build()?;
//! let created = client
//!     .refresh(["https://example.com/index.html"], RefreshType::File, false)
//!     .await?;
//! let report = client
//!     .wait(created.task_ids, WaitOptions::with_deadline(Duration::from_secs(300)), |progress| {
//!         eprintln!("{:?}", progress.counts);
//!     })
//!     .await?;
//! if !report.all_completed() {
//!     eprintln!("failed: {:?}, unfinished: {:?}", report.failed, report.unfinished);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Example: describe many tasks
//!
//! ```
//! use cdn_task_core::signing::SignatureVersion;
//! use cdn_task_core::{Format, TaskId};
//! use cdn_task_http::{Client, Credentials, RetryPolicy};
//! use std::time::Duration;
//!
//! let client = Client::builder()
//!     .endpoint("http://127.0.0.1:8080") // a cdn-task-mock, say
//!     .credentials(Credentials::new("testid", "testsecret"))
//!     .signature_version(SignatureVersion::Rpc)
//!     .format(Format::Xml)
//!     .timeout(Duration::from_secs(5))
//!     .retry_policy(RetryPolicy { max_attempts: 3, ..RetryPolicy::default() })
//!     .build()?;
//! assert!(!format!("{client:?}").contains("testsecret"));
//!
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! let ids: Vec<TaskId> = (1..=25u64).filter_map(|n| TaskId::try_from(n).ok()).collect();
//! # if false {
//! let report = client.describe_all(ids).await;
//! for task in &report.tasks {
//!     println!("{} {} {}", task.task_id, task.status, task.process);
//! }
//! for failure in &report.failed_batches {
//!     eprintln!("IDs {} failed: {}", failure.ids, failure.error);
//! }
//! # }
//! # });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod batch;
mod client;
mod config;
pub mod credentials;
mod error;
mod limiter;
mod retry;
mod transport;
mod wait;

pub use batch::{BatchFailure, DescribeReport};
pub use client::Client;
pub use config::{ClientBuilder, DEFAULT_ENDPOINT, DEFAULT_USER_AGENT, RetryPolicy};
pub use credentials::{Credentials, CredentialsError};
pub use error::{Error, InvalidInput};
pub use wait::{WaitOptions, WaitProgress, WaitReport};
