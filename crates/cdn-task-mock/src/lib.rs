//! # cdn-task-mock
//!
//! A faithful emulator of Alibaba Cloud CDN's refresh-task API (product `Cdn`, version
//! `2018-05-10`) for integration tests, the way moto and LocalStack serve AWS users. The official
//! SDKs work against it unchanged except for the endpoint.
//!
//! It serves `DescribeRefreshTaskById`, `DescribeRefreshTasks`, `RefreshObjectCaches`,
//! `PushObjectCache` and `DescribeRefreshQuota` RPC-style at `/` (GET or POST, parameters in the query and/or a form
//! body), and behaves as the service does:
//!
//! - verifies both signature schemes (RPC HMAC-SHA1 and ACS3-HMAC-SHA256) on every request,
//!   refuses skewed timestamps (over 15 minutes) and replayed nonces (within 15 minutes);
//! - answers in the format asked (`Format=JSON`/`XML`; XML by default for RPC, JSON for ACS3),
//!   errors included, with the documented codes, statuses and content types;
//! - shows each AccessKey only its own tasks (and those added for every key), only within the three-day window;
//! - throttles per AccessKey and action at the documented limits (`Throttling.User`, with
//!   `x-acs-retry-after` in milliseconds), keeps daily refresh and prefetch quotas and the
//!   prefetch queue ([`DailyQuotas`]: `QuotaExceeded.Refresh`, `PreloadQueueFull`), and refuses
//!   calls over the per-call limits (`SingleRequest.OverLimit`, `InvalidObjectPath.Malformed`);
//! - lists tasks (`DescribeRefreshTasks`) with its filters, paging and three-day window;
//! - moves tasks `Pending` → `Refreshing` → `Complete` or `Failed` on a clock a test controls;
//! - injects faults on request: 500, 503, any catalogue error, delays, dropped connections,
//!   truncated bodies, by rules per action with a rate and a count ([`FaultRule`]);
//! - serves STS (`AssumeRole`, signed; `AssumeRoleWithOIDC`, anonymous; version `2015-04-01`),
//!   the ECS metadata service's credential paths and a credentials URI (`/credentials`) on the
//!   same listener, and then accepts the STS credentials it issued only with their own security
//!   token and before their expiry (`InvalidSecurityToken.*`); see [`CredentialsConfig`].
//!
//! Tests in any language drive it over HTTP under `/_mock/` (health, reset, tasks, clock, faults,
//! calls, the whole state; see the crate README); each endpoint calls the same function as the
//! matching [`MockServer`] method. `--state FILE` keeps the state across restarts.
//!
//! Every rule comes from [`cdn_task_core`]: validation, codecs, the error catalogue, signature
//! verification, the window, the rate limits. This crate is the glue and the state.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cdn_task_core::signing::{Credentials, SignatureVersion};
//! use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, WireBody};
//! use cdn_task_mock::{MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::default()).await?;
//!
//! // Sign a request the way any client does, for the mock's host.
//! let request = ApiRequest::new(&DescribeRefreshTaskById::new("12345678".parse()?), Format::Json);
//! let host = server.addr().to_string();
//! let credentials = Credentials::new("testid", "testsecret");
//! let signed = request.sign(SignatureVersion::Rpc, &host, &credentials, server.clock().now(), "nonce-1");
//!
//! let url = format!("{}{}?{}", server.base_url(), signed.path, signed.query);
//! let response = reqwest::Client::new().post(url).send().await?;
//! assert_eq!(response.status(), 200);
//! let body = DescribeRefreshTaskByIdResponse::decode_json(&response.bytes().await?)?;
//! assert_eq!(body.total_count, 0); // unknown IDs are simply absent
//!
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! ## Features
//!
//! The library needs no feature. `cli` (off by default, so a dev-dependency on the mock compiles
//! no argument parser and no log formatter) adds the `cdn-task-mock` binary, which serves the same
//! over a port (`cargo install cdn-task-mock --features cli`), its flags as `MockArgs` for any clap
//! command that wants them, and `run`, the program's main loop.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod action;
mod actions;
#[cfg(feature = "cli")]
mod args;
mod behaviour;
mod clock;
mod config;
mod connection;
mod control;
mod fault;
mod flags;
mod intake;
mod jwt;
mod log;
mod metadata;
mod nonce;
mod progress;
mod quota;
mod random;
mod recorded;
mod reply;
#[cfg(feature = "cli")]
mod run;
mod saved;
mod serve;
mod server;
mod service;
mod state;
mod store;
mod sts;
mod tasks_file;
mod throttle;
mod truncated;
mod wire;

/// The core the mock is built on: its types (tasks, error codes, signing, `chrono`'s times) appear
/// in the mock's signatures, so a test needs no separate dependency on a matching version.
pub use cdn_task_core;

#[cfg(feature = "cli")]
pub use args::{MockArgs, QuotaArgs};
pub use behaviour::{ClockOverflow, StoredTask};
pub use clock::MockClock;
pub use config::{
    CredentialsConfig, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_BODY_READ_TIMEOUT,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_TASK_DURATION,
    DailyQuotas, MockConfig, OidcProvider,
};
pub use control::{AdminToken, ControlPlane, InvalidAdminToken};
pub use fault::{Fault, FaultConfig, FaultRule, InvalidRate};
pub use flags::{AccessKey, FlagError, parse_duration};
pub use jwt::unsigned_jwt;
pub use log::{MAX_RECORDED_CALLS, ReceivedCall};
pub use metadata::MetadataCall;
#[cfg(feature = "cli")]
pub use run::{RunError, run};
pub use saved::{MockState, StateError};
pub use server::MockServer;
pub use sts::{
    CREDENTIALS_URI_PATH, DEFAULT_ACCOUNT_ID, DEFAULT_DOCUMENT_LIFETIME, DEFAULT_METADATA_ROLE,
    MetadataTokens,
};
pub use tasks_file::{TasksFileError, load_tasks_file, parse_tasks};
