//! Wire bodies: the round-trip property every body must hold, and `arbitrary` builders of valid
//! responses, error bodies, create-tasks responses and quotas.

use arbitrary::Arbitrary;
use cdn_task_core::{
    CreateTasksResponse, CreatedTaskKind, DescribeRefreshTaskByIdResponse, ErrorCode, Format, Process, Quota,
    RefreshQuota, ServiceErrorBody, Task, TaskId, WireBody,
};
use chrono::{DateTime, Utc};
use std::fmt::Debug;
use std::str::FromStr;

/// Both wire formats, for properties that must hold in each.
pub const FORMATS: [Format; 2] = [Format::Json, Format::Xml];

/// The round-trip property of a decoded (or built) body: in each format, encoding and decoding
/// gives the value back, and encoding the decoded value gives the same bytes (encodings are
/// canonical, so a second pass changes nothing).
///
/// Panics (which is how a fuzz target reports) with the format, the value and the encoding.
pub fn assert_round_trips<T: WireBody + PartialEq + Debug>(value: &T) {
    for format in FORMATS {
        let encoded = value.encode(format);
        match T::decode(format, encoded.as_bytes()) {
            Ok(decoded) => {
                assert_eq!(
                    &decoded, value,
                    "{format} round trip changed the value; encoded: {encoded:?}"
                );
                assert_eq!(
                    decoded.encode(format),
                    encoded,
                    "{format} encoding is not canonical"
                );
            }
            Err(error) => {
                panic!("{format} encoding does not decode: {error}\nvalue: {value:?}\nencoded: {encoded:?}")
            }
        }
    }
}

/// A word from a closed vocabulary, or free text: lets the fuzzer reach every known spelling
/// without having to guess it, and still try unknown ones.
#[derive(Debug, Arbitrary)]
pub enum Word {
    /// The `n`th known spelling (modulo how many there are).
    Known(u8),
    /// Any text.
    Free(String),
}

impl Word {
    /// The text this word stands for, given the vocabulary's known spellings.
    pub fn text<'a>(&'a self, known: &[&'a str]) -> &'a str {
        match self {
            Word::Known(n) if !known.is_empty() => known[usize::from(*n) % known.len()],
            Word::Known(_) => "",
            Word::Free(text) => text,
        }
    }

    /// Parses the word as a vocabulary type (whose parsing never fails).
    pub fn parse<T: FromStr<Err = std::convert::Infallible>>(&self, known: &[&str]) -> T {
        match self.text(known).parse() {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }
}

/// A valid task ID: digits of `number`, after up to 19 leading zeros, at most 20 characters.
#[derive(Debug, Arbitrary)]
pub struct ArbTaskId {
    number: u64,
    leading_zeros: u8,
}

impl ArbTaskId {
    /// The task ID.
    pub fn build(&self) -> TaskId {
        let digits = self.number.to_string();
        let zeros = usize::from(self.leading_zeros % 20).min(20 - digits.len());
        let text = format!("{}{digits}", "0".repeat(zeros));
        text.parse()
            .unwrap_or_else(|error| panic!("built an invalid task ID {text:?}: {error}"))
    }
}

/// Seconds from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z: the four-digit years the wire
/// form can carry.
const FIRST_WIRE_SECOND: i64 = -62_167_219_200;
const WIRE_SECONDS: u64 = 315_537_897_600;

/// A wire-representable UTC time (whole seconds, four-digit year).
pub fn wire_time(seconds: u64) -> DateTime<Utc> {
    let offset = i64::try_from(seconds % WIRE_SECONDS).unwrap_or_default();
    DateTime::from_timestamp(FIRST_WIRE_SECOND + offset, 0).unwrap_or_default()
}

/// A task with arbitrary content.
#[derive(Debug, Arbitrary)]
pub struct ArbTask {
    task_id: ArbTaskId,
    object_path: String,
    object_type: Word,
    status: Word,
    process: u16,
    created: u64,
    description: Word,
}

impl ArbTask {
    /// The task.
    pub fn build(&self) -> Task {
        Task::new(
            self.task_id.build(),
            self.object_path.clone(),
            wire_time(self.created),
        )
        .with_object_type(self.object_type.parse(&["file", "directory", "preload", "regex"]))
        .with_status(
            self.status
                .parse(&["Complete", "Pending", "Refreshing", "Failed"]),
        )
        .with_process(Process::from_basis_points(self.process % 10_001).unwrap_or(Process::ZERO))
        .with_description(
            // The wire form of "no reason" is the empty string, which is `None`.
            Some(self.description.text(&[
                "",
                "Internal Error",
                "InternalError",
                "Origin Timeout",
                "OriginTimeout",
                "Origin Return StatusCode 5XX",
            ]))
            .filter(|text| !text.is_empty())
            .map(|text| match text.parse() {
                Ok(reason) => reason,
                Err(never) => match never {},
            }),
        )
    }
}

/// A `DescribeRefreshTaskById` response with arbitrary content.
#[derive(Debug, Arbitrary)]
pub struct ArbResponse {
    request_id: String,
    tasks: Vec<ArbTask>,
    total_count: u64,
}

impl ArbResponse {
    /// The response.
    pub fn build(&self) -> DescribeRefreshTaskByIdResponse {
        let mut response = DescribeRefreshTaskByIdResponse::new(
            self.request_id.clone(),
            self.tasks.iter().map(ArbTask::build).collect(),
        );
        response.total_count = self.total_count;
        response
    }
}

/// One of the other bodies the service sends, with arbitrary content.
#[derive(Debug, Arbitrary)]
pub enum ArbSibling {
    /// An error body.
    Error {
        /// `RequestId`.
        request_id: String,
        /// `HostId`.
        host_id: String,
        /// `Code`.
        code: Word,
        /// `Message`.
        message: String,
        /// `Recommend`.
        recommend: Option<String>,
    },
    /// What `RefreshObjectCaches` (or `PushObjectCache`, when `push`) answers.
    CreateTasks {
        /// `RequestId`.
        request_id: String,
        /// `PushObjectCache` rather than `RefreshObjectCaches`.
        push: bool,
        /// The first task ID (there is always one).
        first: ArbTaskId,
        /// More task IDs.
        more: Vec<ArbTaskId>,
    },
    /// What `DescribeRefreshQuota` answers.
    Quota {
        /// `RequestId`.
        request_id: String,
        /// Quota and remainder of URLs, directories, prefetches, regexes.
        numbers: [(u64, u64); 4],
    },
}

impl ArbSibling {
    /// Checks the round-trip property of the built body.
    pub fn assert_round_trips(&self) {
        match self {
            ArbSibling::Error {
                request_id,
                host_id,
                code,
                message,
                recommend,
            } => {
                let known: Vec<&str> = ErrorCode::KNOWN.iter().map(ErrorCode::as_str).collect();
                let mut body =
                    ServiceErrorBody::with_message(code.parse(&known), message.clone(), request_id.clone());
                body.host_id = host_id.clone();
                body.recommend = recommend.clone();
                assert_round_trips(&body);
            }
            ArbSibling::CreateTasks {
                request_id,
                push,
                first,
                more,
            } => {
                let kind = if *push {
                    CreatedTaskKind::Push
                } else {
                    CreatedTaskKind::Refresh
                };
                let task_ids = std::iter::once(first).chain(more).map(ArbTaskId::build).collect();
                let response = CreateTasksResponse::new(request_id.clone(), kind, task_ids);
                assert_round_trips(&response);
            }
            ArbSibling::Quota { request_id, numbers } => {
                let [url, directory, preload, regex] =
                    numbers.map(|(quota, remain)| Quota::new(quota, remain));
                let mut answer = RefreshQuota::new(request_id.clone());
                answer.url = url;
                answer.directory = directory;
                answer.preload = preload;
                answer.regex = regex;
                assert_round_trips(&answer);
            }
        }
    }
}
