//! `DescribeRefreshTasks`: search the tasks of the last three days by ID, path, domain, type,
//! status and creation time, a page at a time.

use super::list_page::DescribeRefreshTasksResponse;
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimit;
use crate::request::{Operation, ParameterError};
use crate::task_id::{TaskId, quote};
use crate::time::{format_utc_timestamp, oldest_queryable, parse_utc_timestamp};
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// A page number of `DescribeRefreshTasks`: 1 to 100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageNumber(u32);

impl PageNumber {
    /// The first page.
    pub const FIRST: PageNumber = PageNumber(1);
    /// The last page the service serves.
    pub const MAX: PageNumber = PageNumber(100_000);

    /// `number`, if it is from 1 to 100,000.
    pub fn new(number: u32) -> Result<PageNumber, ParameterError> {
        if (1..=Self::MAX.0).contains(&number) {
            Ok(PageNumber(number))
        } else {
            Err(invalid_number("PageNumber", number, "expected 1 to 100000"))
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The page after this one, if there is one.
    pub fn next(self) -> Option<PageNumber> {
        PageNumber::new(self.0 + 1).ok()
    }
}

impl Default for PageNumber {
    /// The first page.
    fn default() -> Self {
        PageNumber::FIRST
    }
}

/// A page size of `DescribeRefreshTasks`: 1 to 100, 20 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageSize(u32);

impl PageSize {
    /// The service's default, 20.
    pub const DEFAULT: PageSize = PageSize(20);
    /// The largest page, 100.
    pub const MAX: PageSize = PageSize(100);

    /// `size`, if it is from 1 to 100.
    pub fn new(size: u32) -> Result<PageSize, ParameterError> {
        if (1..=Self::MAX.0).contains(&size) {
            Ok(PageSize(size))
        } else {
            Err(invalid_number("PageSize", size, "expected 1 to 100"))
        }
    }

    /// The size.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize::DEFAULT
    }
}

fn invalid_number(name: &'static str, number: impl fmt::Display, reason: &'static str) -> ParameterError {
    ParameterError::Invalid {
        name,
        value: number.to_string(),
        reason,
        code: ErrorCode::InvalidParameter,
    }
}

macro_rules! filter_vocabulary {
    ($(#[$doc:meta])* $name:ident, $parameter:literal, $code:ident, $expected:literal,
     { $( $(#[$vdoc:meta])* $variant:ident => $text:literal, )+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $name {
            /// Every value, in the documentation's order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The parameter value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = ParameterError;
            /// Parses the parameter value, case-insensitively.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(text))
                    .ok_or_else(|| ParameterError::Invalid {
                        name: $parameter,
                        value: quote(text),
                        reason: $expected,
                        code: ErrorCode::$code,
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

filter_vocabulary!(
    /// The kind of task to list (`ObjectType`), as the current documentation names them.
    TaskTypeFilter, "ObjectType", InvalidObjectTypeValueNotSupported,
    "expected file, directory, regex, preload, block or unblock",
    {
        /// URL refreshes.
        File => "file",
        /// Directory refreshes.
        Directory => "directory",
        /// Regex refreshes.
        Regex => "regex",
        /// Prefetches.
        Preload => "preload",
        /// Blocks.
        Block => "block",
        /// Unblocks.
        Unblock => "unblock",
    }
);

filter_vocabulary!(
    /// The status to list (`Status`). `Pending` appears in answers, but is not a filter value.
    TaskStatusFilter, "Status", InvalidStatusValueNotSupported,
    "expected Complete, Refreshing or Failed",
    {
        /// Finished.
        Complete => "Complete",
        /// Under way.
        Refreshing => "Refreshing",
        /// Failed.
        Failed => "Failed",
    }
);

/// `DescribeRefreshTasks`: one page of the tasks of the last three days that match every filter
/// given. Built with [`DescribeRefreshTasks::builder`], which enforces the service's rules, so an
/// invalid request cannot be constructed:
/// `StartTime` and `EndTime` both or neither, the end after the start; `DomainName` or `Status`
/// only with `ObjectType`. Whether the start lies within the three-day window depends on the
/// time: see [`check_window`](Self::check_window).
///
/// ```
/// use cdn_task_core::{DescribeRefreshTasks, Operation, PageSize, TaskStatusFilter, TaskTypeFilter};
/// let op = DescribeRefreshTasks::builder()
///     .object_type(TaskTypeFilter::File)
///     .status(TaskStatusFilter::Refreshing)
///     .page_size(PageSize::MAX)
///     .build()?;
/// assert_eq!(op.parameters()[0], ("ObjectType", "file".to_owned()));
/// // DomainName without ObjectType is refused, as the service refuses it.
/// assert!(DescribeRefreshTasks::builder().domain_name("example.com").build().is_err());
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DescribeRefreshTasks {
    task_id: Option<TaskId>,
    object_path: Option<String>,
    domain_name: Option<String>,
    object_type: Option<TaskTypeFilter>,
    status: Option<TaskStatusFilter>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    page_number: PageNumber,
    page_size: PageSize,
    resource_group_id: Option<String>,
}

/// Builds a [`DescribeRefreshTasks`]; [`build`](Self::build) checks the rules.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct DescribeRefreshTasksBuilder(DescribeRefreshTasks);

impl DescribeRefreshTasksBuilder {
    /// Only this task (`TaskId`).
    pub fn task_id(mut self, id: TaskId) -> Self {
        self.0.task_id = Some(id);
        self
    }

    /// Only tasks on exactly this URL or directory (`ObjectPath`).
    pub fn object_path(mut self, path: impl Into<String>) -> Self {
        self.0.object_path = Some(path.into());
        self
    }

    /// Only tasks on this accelerated domain (`DomainName`); needs an object type.
    pub fn domain_name(mut self, domain: impl Into<String>) -> Self {
        self.0.domain_name = Some(domain.into());
        self
    }

    /// Only tasks of this kind (`ObjectType`).
    pub fn object_type(mut self, kind: TaskTypeFilter) -> Self {
        self.0.object_type = Some(kind);
        self
    }

    /// Only tasks in this status (`Status`); needs an object type.
    pub fn status(mut self, status: TaskStatusFilter) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Only tasks created from `start` to `end` (`StartTime`, `EndTime`; whole seconds are sent).
    pub fn window(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        self.0.window = Some((start, end));
        self
    }

    /// Which page (`PageNumber`, default 1).
    pub fn page_number(mut self, page: PageNumber) -> Self {
        self.0.page_number = page;
        self
    }

    /// How many tasks a page holds (`PageSize`, default 20).
    pub fn page_size(mut self, size: PageSize) -> Self {
        self.0.page_size = size;
        self
    }

    /// Only tasks of this resource group (`ResourceGroupId`).
    pub fn resource_group_id(mut self, id: impl Into<String>) -> Self {
        self.0.resource_group_id = Some(id.into());
        self
    }

    /// The request, if it follows the service's rules.
    pub fn build(self) -> Result<DescribeRefreshTasks, ParameterError> {
        let op = self.0;
        if op.object_type.is_none() && (op.domain_name.is_some() || op.status.is_some()) {
            return Err(ParameterError::Invalid {
                name: "ObjectType",
                value: String::new(),
                reason: "DomainName or Status is given, so ObjectType must be too",
                code: ErrorCode::MissingParameterObjectType,
            });
        }
        if let Some((start, end)) = op.window {
            if end.timestamp() <= start.timestamp() {
                return Err(ParameterError::Invalid {
                    name: "EndTime",
                    value: format_utc_timestamp(end).to_string(),
                    reason: "the end time must be later than the start time",
                    code: ErrorCode::InvalidEndTimeMismatch,
                });
            }
        }
        for (name, value) in [
            ("ObjectPath", &op.object_path),
            ("DomainName", &op.domain_name),
            ("ResourceGroupId", &op.resource_group_id),
        ] {
            if value.as_deref() == Some("") {
                return Err(ParameterError::Invalid {
                    name,
                    value: String::new(),
                    reason: "an empty filter is not a filter: leave it out",
                    code: ErrorCode::InvalidParameter,
                });
            }
        }
        Ok(op)
    }
}

impl DescribeRefreshTasks {
    /// A builder with no filter: the first page of the tasks of the last three days.
    ///
    /// ```
    /// use cdn_task_core::{DescribeRefreshTasks, PageSize, TaskTypeFilter};
    /// let first = DescribeRefreshTasks::builder().build()?;
    /// assert_eq!(first.page_size(), PageSize::DEFAULT);
    /// let files = DescribeRefreshTasks::builder()
    ///     .object_type(TaskTypeFilter::File)
    ///     .domain_name("example.com")
    ///     .page_size(PageSize::MAX)
    ///     .build()?;
    /// assert_eq!(files.domain_name(), Some("example.com"));
    /// # Ok::<(), cdn_task_core::ParameterError>(())
    /// ```
    pub fn builder() -> DescribeRefreshTasksBuilder {
        DescribeRefreshTasksBuilder::default()
    }

    /// The same request for another page.
    #[must_use]
    pub fn with_page(&self, page: PageNumber) -> DescribeRefreshTasks {
        DescribeRefreshTasks {
            page_number: page,
            ..self.clone()
        }
    }

    /// The page asked for.
    pub fn page_number(&self) -> PageNumber {
        self.page_number
    }

    /// The page size asked for.
    pub fn page_size(&self) -> PageSize {
        self.page_size
    }

    /// The task ID filter.
    pub fn task_id(&self) -> Option<TaskId> {
        self.task_id
    }

    /// The path filter.
    pub fn object_path(&self) -> Option<&str> {
        self.object_path.as_deref()
    }

    /// The domain filter.
    pub fn domain_name(&self) -> Option<&str> {
        self.domain_name.as_deref()
    }

    /// The kind filter.
    pub fn object_type(&self) -> Option<TaskTypeFilter> {
        self.object_type
    }

    /// The status filter.
    pub fn status(&self) -> Option<TaskStatusFilter> {
        self.status
    }

    /// The creation-time window, start and end.
    pub fn window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.window
    }

    /// The resource group filter.
    pub fn resource_group_id(&self) -> Option<&str> {
        self.resource_group_id.as_deref()
    }

    /// Whether the window's start lies within the last three days at `now`: the service serves
    /// nothing older, and refuses such a start (`InvalidStartTime.ValueNotSupported`; API-FAMILY
    /// A.5). Whole seconds count, as they are sent.
    pub fn check_window(&self, now: DateTime<Utc>) -> Result<(), ParameterError> {
        match self.window {
            Some((start, _)) if start.timestamp() < oldest_queryable(now).timestamp() => {
                Err(ParameterError::Invalid {
                    name: "StartTime",
                    value: format_utc_timestamp(start).to_string(),
                    reason: "only the last three days can be queried",
                    code: ErrorCode::InvalidStartTimeValueNotSupported,
                })
            }
            _ => Ok(()),
        }
    }
}

impl Operation for DescribeRefreshTasks {
    const ACTION: &'static str = "DescribeRefreshTasks";
    type Response = DescribeRefreshTasksResponse;
    const RATE_LIMIT: Option<RateLimit> = Some(RateLimit::DESCRIBE_REFRESH_TASKS);

    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = Vec::new();
        let mut add = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                parameters.push((name, value));
            }
        };
        add("ObjectType", self.object_type.map(|t| t.as_str().to_owned()));
        add("TaskId", self.task_id.map(|id| id.to_string()));
        add("ObjectPath", self.object_path.clone());
        add("DomainName", self.domain_name.clone());
        add("Status", self.status.map(|s| s.as_str().to_owned()));
        add(
            "StartTime",
            self.window
                .map(|(start, _)| format_utc_timestamp(start).to_string()),
        );
        add(
            "EndTime",
            self.window.map(|(_, end)| format_utc_timestamp(end).to_string()),
        );
        add("PageNumber", Some(self.page_number().get().to_string()));
        add("PageSize", Some(self.page_size().get().to_string()));
        add("ResourceGroupId", self.resource_group_id.clone());
        parameters
    }

    fn from_parameters<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ParameterError> {
        // The service treats an empty value as an absent one.
        let get = |name: &str| get(name).filter(|value| !value.is_empty());
        let mut builder = DescribeRefreshTasks::builder();
        if let Some(text) = get("TaskId") {
            let id = text.parse().map_err(|_| ParameterError::Invalid {
                name: "TaskId",
                value: quote(text),
                reason: "expected one task ID",
                code: ErrorCode::InvalidTaskIdMalformed,
            })?;
            builder = builder.task_id(id);
        }
        if let Some(path) = get("ObjectPath") {
            builder = builder.object_path(path);
        }
        if let Some(domain) = get("DomainName") {
            builder = builder.domain_name(domain);
        }
        if let Some(kind) = get("ObjectType") {
            builder = builder.object_type(kind.parse()?);
        }
        if let Some(status) = get("Status") {
            builder = builder.status(status.parse()?);
        }
        let time = |name: &'static str, code: ErrorCode| {
            get(name)
                .map(|text| {
                    parse_utc_timestamp(text).map_err(|_| ParameterError::Invalid {
                        name,
                        value: quote(text),
                        reason: "expected yyyy-MM-ddTHH:mm:ssZ",
                        code,
                    })
                })
                .transpose()
        };
        let start = time("StartTime", ErrorCode::InvalidStartTimeMalformed)?;
        let end = time("EndTime", ErrorCode::InvalidEndTimeMalformed)?;
        match (start, end) {
            (Some(start), Some(end)) => builder = builder.window(start, end),
            (None, None) => {}
            _ => {
                return Err(ParameterError::Invalid {
                    name: if start.is_some() { "EndTime" } else { "StartTime" },
                    value: String::new(),
                    reason: "StartTime and EndTime can not be single",
                    code: ErrorCode::MissingParameter,
                });
            }
        }
        let number = |name: &'static str| {
            get(name)
                .map(|text| {
                    text.parse::<u32>().map_err(|_| ParameterError::Invalid {
                        name,
                        value: quote(text),
                        reason: "expected a whole number",
                        code: ErrorCode::InvalidParameter,
                    })
                })
                .transpose()
        };
        if let Some(page) = number("PageNumber")? {
            builder = builder.page_number(PageNumber::new(page)?);
        }
        if let Some(size) = number("PageSize")? {
            builder = builder.page_size(PageSize::new(size)?);
        }
        if let Some(group) = get("ResourceGroupId") {
            builder = builder.resource_group_id(group);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::test_support::{from, round_trip};
    use chrono::{TimeDelta, TimeZone};

    fn t(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0).unwrap()
    }

    #[test]
    fn every_filter_round_trips() {
        let op = DescribeRefreshTasks::builder()
            .task_id("123".parse().unwrap())
            .object_path("http://a.com/x")
            .domain_name("a.com")
            .object_type(TaskTypeFilter::Directory)
            .status(TaskStatusFilter::Failed)
            .window(t(1), t(2))
            .page_number(PageNumber::new(3).unwrap())
            .page_size(PageSize::MAX)
            .resource_group_id("rg-1")
            .build()
            .unwrap();
        assert_eq!(round_trip(&op), Ok(op.clone()));
        assert_eq!(
            round_trip(&DescribeRefreshTasks::default()).unwrap().page_size(),
            PageSize::DEFAULT
        );
        assert_eq!(op.with_page(PageNumber::FIRST).page_number(), PageNumber::FIRST);
        // Every setter kept its value, and every value reaches the wire.
        assert_eq!(
            (
                op.task_id(),
                op.object_path(),
                op.domain_name(),
                op.resource_group_id()
            ),
            (
                Some("123".parse().unwrap()),
                Some("http://a.com/x"),
                Some("a.com"),
                Some("rg-1")
            )
        );
        assert_eq!(
            (op.object_type(), op.status(), op.window()),
            (
                Some(TaskTypeFilter::Directory),
                Some(TaskStatusFilter::Failed),
                Some((t(1), t(2)))
            )
        );
        assert_eq!(
            (op.page_number(), op.page_size()),
            (PageNumber::new(3).unwrap(), PageSize::MAX)
        );
        let names: Vec<&str> = op.parameters().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "ObjectType",
                "TaskId",
                "ObjectPath",
                "DomainName",
                "Status",
                "StartTime",
                "EndTime",
                "PageNumber",
                "PageSize",
                "ResourceGroupId"
            ]
        );
        // Another page of the same request: only the page changes.
        let second = op.with_page(PageNumber::new(2).unwrap());
        assert_eq!(second.page_number(), PageNumber::new(2).unwrap());
        assert_eq!(second.with_page(op.page_number()), op);
    }

    #[test]
    fn the_service_rules_carry_its_codes() {
        let code = |params: &[(&str, &str)]| from::<DescribeRefreshTasks>(params).unwrap_err().error_code();
        assert_eq!(
            code(&[("StartTime", "2026-11-30T01:00:00Z")]),
            ErrorCode::MissingParameter
        );
        assert_eq!(
            code(&[("EndTime", "2026-11-30T01:00:00Z")]),
            ErrorCode::MissingParameter
        );
        assert_eq!(
            code(&[
                ("StartTime", "2026-11-30T01:00:00Z"),
                ("EndTime", "2026-11-30T01:00:00Z")
            ]),
            ErrorCode::InvalidEndTimeMismatch
        );
        assert_eq!(
            code(&[("StartTime", "yesterday"), ("EndTime", "2026-11-30T01:00:00Z")]),
            ErrorCode::InvalidStartTimeMalformed
        );
        assert_eq!(
            code(&[("StartTime", "2026-11-30T01:00:00Z"), ("EndTime", "now")]),
            ErrorCode::InvalidEndTimeMalformed
        );
        assert_eq!(
            code(&[("DomainName", "a.com")]),
            ErrorCode::MissingParameterObjectType
        );
        assert_eq!(
            code(&[("Status", "Complete")]),
            ErrorCode::MissingParameterObjectType
        );
        assert_eq!(
            code(&[("Status", "Pending"), ("ObjectType", "file")]),
            ErrorCode::InvalidStatusValueNotSupported
        );
        assert_eq!(
            code(&[("ObjectType", "path")]),
            ErrorCode::InvalidObjectTypeValueNotSupported
        );
        assert_eq!(code(&[("TaskId", "1,2")]), ErrorCode::InvalidTaskIdMalformed);
        assert_eq!(code(&[("PageSize", "101")]), ErrorCode::InvalidParameter);
        assert_eq!(code(&[("PageSize", "0")]), ErrorCode::InvalidParameter);
        assert_eq!(code(&[("PageNumber", "100001")]), ErrorCode::InvalidParameter);
        assert_eq!(code(&[("PageNumber", "x")]), ErrorCode::InvalidParameter);
        assert!(from::<DescribeRefreshTasks>(&[("PageNumber", "100000"), ("Status", "")]).is_ok());
    }

    #[test]
    fn the_window_reaches_back_three_days() {
        let now = t(12);
        let within = DescribeRefreshTasks::builder()
            .window(now - TimeDelta::hours(72), now)
            .build()
            .unwrap();
        assert_eq!(within.check_window(now), Ok(()));
        let before = DescribeRefreshTasks::builder()
            .window(now - TimeDelta::hours(72) - TimeDelta::seconds(1), now)
            .build()
            .unwrap();
        assert_eq!(
            before.check_window(now).unwrap_err().error_code(),
            ErrorCode::InvalidStartTimeValueNotSupported
        );
        assert_eq!(DescribeRefreshTasks::default().check_window(now), Ok(()));
    }

    #[test]
    fn pages_stop_at_the_service_limit() {
        assert_eq!(PageNumber::MAX.next(), None);
        assert_eq!(PageNumber::FIRST.next(), PageNumber::new(2).ok());
        assert!(PageNumber::new(0).is_err() && PageSize::new(0).is_err());
    }
}
