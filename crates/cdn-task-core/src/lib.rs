//! # cdn-task-core
//!
//! The pure domain core of [cdn-task](https://github.com/cdn-task/cdn-task): everything about
//! Alibaba Cloud CDN's `DescribeRefreshTaskById` (API version `2018-05-10`) that does not need a
//! socket, a clock or a thread.
//!
//! **In scope:** validated task IDs and ID lists ([`TaskId`], [`TaskIdList`]); requests as ordered
//! parameter lists ([`ApiRequest`], [`Operation`]); the response model ([`Task`], [`Process`],
//! [`TaskStatus`], …); JSON and XML codecs for every body, both directions ([`WireBody`]); the
//! service's error catalogue ([`ErrorCode`], [`ServiceErrorBody`]); what an HTTP answer means,
//! for an adapter on any HTTP client ([`answer`]); the three-day query window
//! ([`is_queryable`]); the rate-limit rule as data ([`RateLimit`]); request signing and
//! verification, RPC HMAC-SHA1 and ACS3-HMAC-SHA256 ([`signing`]); the sibling operations that
//! create, list and count tasks ([`RefreshObjectCaches`], [`PushObjectCache`],
//! [`DescribeRefreshTasks`], [`DescribeRefreshQuota`]); and the pure planning an adapter executes:
//! a purge of any number of paths split over the per-call limits ([`PurgePlan`]), and the tasks of
//! a create call whose answer was lost found again ([`Reconciliation`]);
//! STS's `AssumeRole` and
//! `AssumeRoleWithOIDC` ([`sts`]); the credential documents and profile files and the rule of when
//! to refresh expiring credentials ([`credentials`]).
//!
//! **Out of scope:** sockets, HTTP, async runtimes, reading the clock, randomness. Callers pass
//! `now`, timestamps and nonces in. The HTTP client (`cdn-task-http`) and the service emulator
//! (`cdn-task-mock`) are adapters over this crate.
//!
//! ```
//! use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse, Format, WireBody};
//!
//! // Build a request: 1 to 10 IDs, validated.
//! let op = DescribeRefreshTaskById::new("12345678, 23456789".parse()?);
//! let request = ApiRequest::new(&op, Format::Xml);
//! assert_eq!(request.parameters().last(), Some(&("TaskId", "12345678,23456789")));
//!
//! // Decode what the service answers.
//! let body = r#"<?xml version="1.0" encoding="UTF-8"?>
//! <DescribeRefreshTaskByIdResponse><RequestId>E0C2</RequestId><Tasks>
//!   <CreationTime>2020-08-03T08:54:23Z</CreationTime><Description></Description>
//!   <ObjectPath>http://example.com/a.jpg?x=1&amp;y=2</ObjectPath><ObjectType>file</ObjectType>
//!   <Process>99.37%</Process><Status>Refreshing</Status><TaskId>12345678</TaskId>
//! </Tasks><TotalCount>1</TotalCount></DescribeRefreshTaskByIdResponse>"#;
//! let response = DescribeRefreshTaskByIdResponse::decode_xml(body.as_bytes())?;
//! assert_eq!(response.tasks[0].object_path, "http://example.com/a.jpg?x=1&y=2");
//! assert_eq!(response.tasks[0].process.basis_points(), 9937);
//! assert_eq!(response.missing_ids(&op.task_ids), ["23456789".parse()?]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod answer;
mod codec;
pub mod credentials;
mod display_chain;
mod error_body;
mod error_code;
mod operations;
#[cfg(test)]
mod pinned_cases;
mod process;
mod rate_limit;
mod request;
mod response;
mod sealed;
pub mod signing;
pub mod sts;
mod task;
mod task_id;
mod time;
mod unknown;
mod waiter;
mod wire_str;

/// The date-time library whose types appear in this crate's signatures (`DateTime<Utc>`), so
/// that callers use the same version.
pub use chrono;
/// The decoders' fast paths beside the general decoders (cargo feature `differential`, for the
/// differential fuzz targets and the benchmarks; not a stable API).
#[cfg(feature = "differential")]
#[doc(hidden)]
pub use codec::fast::differential;
pub use codec::{DecodeError, JsonErrorKind, WireBody};
pub use display_chain::DisplayChain;
pub use error_body::{HOST_ID, ServiceErrorBody};
pub use error_code::ErrorCode;
pub use operations::created::{CreateTasksResponse, CreatedTaskKind};
pub use operations::list::{
    DescribeRefreshTasks, DescribeRefreshTasksBuilder, PageNumber, PageSize, TaskStatusFilter, TaskTypeFilter,
};
pub use operations::list_page::DescribeRefreshTasksResponse;
pub use operations::object_paths::{
    MAX_DIRECTORIES_PER_CALL, MAX_PRELOAD_URLS_PER_CALL, MAX_REGEXES_PER_CALL, MAX_URLS_PER_CALL, ObjectPaths,
};
pub use operations::path::{MAX_DOMAINS_PER_CALL, MAX_PATH_CHARS, PathProblem};
pub use operations::plan::{
    PathError, PathOrigin, PathSource, PlanError, PlannedCall, PlannedPath, PurgeKind, PurgePlan,
    read_path_list,
};
pub use operations::push::{PreloadArea, PreloadTier, PushObjectCache};
pub use operations::quota::{DescribeRefreshQuota, Quota, RefreshQuota};
pub use operations::reconcile::{RECONCILE_CLOCK_MARGIN, Reconciliation, listed_type, reconcile_window};
pub use operations::refresh::{Force, RefreshObjectCaches, RefreshType};
pub use process::{Process, ProcessError};
pub use rate_limit::{InvalidRateLimit, RateLimit};
pub use request::{
    API_VERSION, ApiRequest, DEFAULT_HOST, DescribeRefreshTaskById, Format, Operation, ParameterError,
};
pub use response::DescribeRefreshTaskByIdResponse;
pub use task::{FailureReason, ObjectType, Task, TaskStatus};
pub use task_id::{MAX_IDS_PER_CALL, MAX_TASK_ID_DIGITS, TaskId, TaskIdError, TaskIdList, TaskIdListError};
pub use time::{
    QUERY_WINDOW, TimeError, format_utc_timestamp, is_queryable, oldest_queryable, parse_utc_timestamp,
};
pub use unknown::UnknownValue;
pub use waiter::{TaskProgress, WaitCounts, WaitPolicy, WaitPolicyError, WaitStep, WaitSummary, Waiter};
