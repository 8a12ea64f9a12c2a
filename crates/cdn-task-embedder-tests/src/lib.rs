//! # cdn-task-embedder-tests
//!
//! The libraries as another crate sees them: this crate depends on `cdn-task-http` (the core
//! through its re-export) and, for tests, on `cdn-task-mock`, and uses only their public API. Its
//! integration tests (`tests/`) check what an embedder relies on at run time; the examples below
//! check at compile time that the types meant to grow cannot be built by a struct literal, nor
//! matched exhaustively, outside their crates. Each names the error it must fail with
//! (`E0639`: a non-exhaustive struct built by a literal; `E0004`: a non-exhaustive match), so an
//! example that stops compiling for another reason fails the test.
//!
//! The core's operations and answers:
//!
//! ```compile_fail,E0639
//! use cdn_task_http::cdn_task_core::{RefreshObjectCaches, RefreshType};
//! let _ = RefreshObjectCaches { object_path: Default::default(), object_type: RefreshType::Regex, force: Default::default() };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::cdn_task_core::DescribeRefreshTaskByIdResponse;
//! let _ = DescribeRefreshTaskByIdResponse { request_id: String::new(), tasks: Vec::new(), total_count: 0 };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::cdn_task_core::{Quota, RefreshQuota};
//! let none = Quota::new(0, 0);
//! let _ = RefreshQuota { request_id: String::new(), url: none, directory: none, preload: none, regex: none, ignore_params: None };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::cdn_task_core::ServiceErrorBody;
//! let _ = ServiceErrorBody { request_id: String::new(), host_id: String::new(), code: "Throttling".parse().unwrap(), message: String::new(), recommend: None };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::cdn_task_core::{ApiRequest, Format};
//! let _ = ApiRequest { action: "DescribeRefreshQuota", version: "2018-05-10", format: Format::Json, operation_parameters: Vec::new() };
//! ```
//!
//! ```compile_fail,E0004
//! use cdn_task_http::cdn_task_core::signing::SignatureVersion;
//! fn name(version: SignatureVersion) -> &'static str {
//!     match version {
//!         SignatureVersion::Rpc => "rpc",
//!         SignatureVersion::Acs3 => "acs3",
//!     }
//! }
//! ```
//!
//! ```compile_fail,E0004
//! use cdn_task_http::cdn_task_core::TaskStatus;
//! fn done(status: &TaskStatus) -> bool {
//!     match status {
//!         TaskStatus::Complete | TaskStatus::Failed => true,
//!         TaskStatus::Pending | TaskStatus::Refreshing => false,
//!         TaskStatus::Unknown(_) => false,
//!     }
//! }
//! ```
//!
//! An unknown vocabulary value is made only by decoding, never by a caller:
//!
//! ```compile_fail,E0624
//! use cdn_task_http::cdn_task_core::{TaskStatus, UnknownValue};
//! let _ = TaskStatus::Unknown(UnknownValue::new("Complete"));
//! ```
//!
//! The client's settings, reports and errors:
//!
//! ```compile_fail,E0639
//! use cdn_task_http::RetryPolicy;
//! let _ = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::WaitOptions;
//! let _ = WaitOptions { deadline: std::time::Duration::from_secs(1), ..WaitOptions::default() };
//! ```
//!
//! ```compile_fail,E0639
//! use cdn_task_http::DescribeReport;
//! let _ = DescribeReport { tasks: Vec::new(), not_found: Vec::new(), failed_batches: Vec::new(), request_ids: Vec::new() };
//! ```
//!
//! ```compile_fail,E0639
//! let _ = cdn_task_http::Error::Timeout { after: std::time::Duration::from_secs(1), attempts: 1 };
//! ```
//!
//! The mock's configuration:
//!
//! ```compile_fail,E0639
//! use cdn_task_mock::MockConfig;
//! let _ = MockConfig { task_duration: std::time::Duration::from_secs(1), ..MockConfig::default() };
//! ```
//!
//! The same values built the supported way compile:
//!
//! ```
//! use cdn_task_http::{RetryPolicy, WaitOptions};
//! use cdn_task_mock::MockConfig;
//! use std::time::Duration;
//! let _ = RetryPolicy::default().with_max_attempts(3);
//! let _ = WaitOptions::with_deadline(Duration::from_secs(60)).with_intervals(Duration::from_secs(1), Duration::from_secs(5));
//! let _ = MockConfig::default().with_task_duration(Duration::from_secs(1));
//! ```
#![forbid(unsafe_code)]
