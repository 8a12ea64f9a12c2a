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
//! - **credentials** given explicitly, or from the official default chain: the environment, OIDC
//!   (ACK's RRSA, CI federation), the aliyun CLI's `~/.aliyun/config.json` in every mode (role
//!   assumption included), the ini file, the ECS instance metadata service, a credentials URI
//!   ([`credentials`]); cached, refreshed ahead of expiry one refresh at a time, and taken afresh
//!   for every request;
//! - **retries** with jittered exponential backoff on throttling, 5xx and transport errors only,
//!   bounded in attempts and total time ([`RetryPolicy`]);
//! - **rate limiting** on the client side, per AccessKeyId, each action at its documented limit
//!   by default (30 calls a second for `DescribeRefreshTaskById`, 50 for refresh and prefetch);
//! - **purges at scale**: [`Client::submit`] runs a [`PurgePlan`](cdn_task_core::PurgePlan) of
//!   any number of paths: quota checked first, calls within the per-call limits, a report of
//!   every path; a create call whose answer was lost is looked up, never sent twice;
//! - **listing**: [`Client::list`] pages through `DescribeRefreshTasks` as a stream;
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
//! ## HTTP, TLS and proxies
//!
//! - **Proxies:** the client honours the usual environment variables, as reqwest reads them:
//!   `HTTPS_PROXY`/`https_proxy` for `https://` endpoints, `HTTP_PROXY`/`http_proxy` for `http://`
//!   ones (ignored when `REQUEST_METHOD` is set, as in a CGI script), `ALL_PROXY`/`all_proxy` for
//!   both, and `NO_PROXY`/`no_proxy` (comma-separated hosts, domains and IP ranges) for the
//!   addresses to reach directly. `localhost` is not exempt unless `NO_PROXY` says so: a test
//!   against a local mock under an `HTTP_PROXY` needs `NO_PROXY=127.0.0.1,localhost`. For a proxy
//!   set in code, or any other client setting, give your own client to
//!   [`ClientBuilder::http_client`].
//! - **TLS roots** (rustls, no OpenSSL), by cargo feature: `webpki-roots` (default) trusts the
//!   Mozilla roots bundled into the binary; `native-roots` trusts the platform's store too, which
//!   is what a TLS-intercepting corporate proxy needs (its root CA is installed there). With
//!   `default-features = false, features = ["native-roots"]` only the platform's roots are
//!   trusted; with neither feature, only those of a client given to
//!   [`ClientBuilder::http_client`] (`add_root_certificate`).
//! - **Your own HTTP client** ([`ClientBuilder::http_client`]): proxies, private root CAs, a
//!   connection pool shared with the rest of an application. It must not follow redirects; if it
//!   does, the answer from elsewhere is refused ([`Error::Redirect`]).
//!
//! ## Time
//!
//! Deadlines and delays (retries, the total retry time, waits, the metadata service's token) run
//! on tokio's clock ([`tokio::time::Instant`]), so tests with paused time (`start_paused`,
//! `tokio::time::advance`) control them. Credentials' expiry is wall-clock time, as the providers
//! state it; [`CachedProvider::with_clock`](credentials::CachedProvider::with_clock) takes another
//! clock. The rate limiter keeps its own monotonic clock.
//!
//! ## Example: purge, then wait
//!
//! ```no_run
//! // The core's types are re-exported: no separate dependency to keep in step.
//! use cdn_task_http::cdn_task_core::RefreshType;
//! use cdn_task_http::{Client, Force, WaitOptions};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), cdn_task_http::Error> {
//! // Credentials from the official default chain (environment, OIDC, ~/.aliyun/config.json, …).
//! let client = Client::builder().build()?;
//! let created = client
//!     .refresh(["https://example.com/index.html"], RefreshType::File, Force::IfChanged)
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
//! ## Example: any number of tasks, every setting shown
//!
//! Run here against an in-process [cdn-task-mock](https://docs.rs/cdn-task-mock), as a test
//! would.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
//! use cdn_task_http::cdn_task_core::signing::SignatureVersion;
//! use cdn_task_http::cdn_task_core::{Format, RateLimit, RefreshType, TaskId};
//! use cdn_task_http::{Client, Credentials, Force, RetryPolicy};
//! use std::time::Duration;
//!
//! let client = Client::builder()
//!     .endpoint(mock.base_url())
//!     .credentials(Credentials::new("testid", "testsecret"))
//!     .signature_version(SignatureVersion::Rpc)
//!     .format(Format::Xml)
//!     .connect_timeout(Duration::from_secs(2))
//!     .timeout(Duration::from_secs(5))
//!     .retry_policy(RetryPolicy::default().with_max_attempts(3))
//!     .rate_limit(Some(RateLimit::per_second(20)?))
//!     .max_concurrency(4)
//!     .user_agent("deploy-bot/1.0")
//!     .build()?;
//! assert!(!format!("{client:?}").contains("testsecret"));
//!
//! let paths: Vec<String> = (1..=12).map(|n| format!("https://example.com/{n}.js")).collect();
//! let created = client.refresh(paths, RefreshType::File, Force::IfChanged).await?;
//! let unknown: TaskId = "42".parse()?;
//! // 13 IDs: two calls (ten, then three), results in the order given.
//! let report = client.describe_all(created.task_ids.iter().copied().chain([unknown])).await;
//! assert_eq!(report.tasks.iter().map(|task| task.task_id).collect::<Vec<_>>(), created.task_ids);
//! assert_eq!(report.not_found, [unknown]);
//! assert!(report.failed_batches.is_empty());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod batch;
mod client;
mod config;
pub mod credentials;
mod error;
mod limiter;
mod list;
mod retry;
mod submit;
mod transport;
mod wait;

/// The core this client is built on: its types (task IDs, operations, responses, error codes)
/// appear in this crate's signatures, so a caller needs no separate dependency on a matching
/// version.
pub use cdn_task_core;

/// The HTTP library whose client [`ClientBuilder::http_client`] takes: build that client with
/// this re-export (`cdn_task_http::reqwest::Client::builder()`) and its version always matches.
pub use reqwest;

/// The trait of the streams [`Client::list`] and [`Client::list_pages`] return (the `futures`
/// ecosystem's `Stream`): consume them with `futures_util::StreamExt` or any stream library.
pub use futures_util::Stream;

pub use batch::{BatchFailure, DescribeReport};
pub use cdn_task_core::DisplayChain;
pub use client::Client;
pub use config::{ClientBuilder, DEFAULT_ENDPOINT, DEFAULT_USER_AGENT, RetryPolicy};
pub use credentials::{Credentials, CredentialsError};
pub use error::{Error, InvalidInput, ServiceError};
pub use submit::{CallOutcome, CallReport, Force, PathStatus, QuotaPolicy, SubmitOptions, SubmitReport};
pub use wait::{CREATED_TASK_GRACE, WaitError, WaitOptions, WaitProgress, WaitReport};
