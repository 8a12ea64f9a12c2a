//! Property tests: encode→decode is identity, parse→render round-trips, and no decoder or parser
//! panics on any input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly

use cdn_task_core::{
    CreateTasksResponse, DescribeRefreshTaskByIdResponse, FailureReason, Format, ObjectType, Process,
    RefreshQuota, ServiceErrorBody, Task, TaskId, TaskIdList, TaskStatus, WireBody, parse_utc_timestamp,
};
use chrono::{DateTime, Utc};
use proptest::prelude::*;

/// Text the codecs must carry: markup characters, quotes, entities, non-ASCII, blanks and CR/LF/tab.
fn wire_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[a-z&<>\"' ;#=/:?%.\\]\\[\t\r\n]{0,30}",
        Just("http://example.com/a?b=1&c=<2>&d=\"3\"&e='4'".to_owned()),
        Just("]]>&amp;&#x26;".to_owned()),
        Just("  leading and trailing  ".to_owned()),
        Just("路径/视频.mp4".to_owned()),
    ]
}

/// An `Unknown` value for a vocabulary: any text but the known spellings (which decode to variants).
fn unknown_value(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    wire_text().prop_filter("not a known spelling", move |text| {
        !text.is_empty() && !known.contains(&text.as_str())
    })
}

fn object_type() -> impl Strategy<Value = ObjectType> {
    prop_oneof![
        Just(ObjectType::File),
        Just(ObjectType::Directory),
        Just(ObjectType::Preload),
        Just(ObjectType::Regex),
        unknown_value(&["file", "directory", "preload", "regex"])
            .prop_map(|text| text.parse::<ObjectType>().unwrap()),
    ]
}

fn status() -> impl Strategy<Value = TaskStatus> {
    prop_oneof![
        Just(TaskStatus::Complete),
        Just(TaskStatus::Pending),
        Just(TaskStatus::Refreshing),
        Just(TaskStatus::Failed),
        unknown_value(&["Complete", "Pending", "Refreshing", "Failed"])
            .prop_map(|text| text.parse::<TaskStatus>().unwrap()),
    ]
}

fn description() -> impl Strategy<Value = Option<FailureReason>> {
    prop_oneof![
        Just(None),
        Just(Some(FailureReason::InternalError)),
        Just(Some(FailureReason::OriginTimeout)),
        Just(Some(FailureReason::OriginReturnStatusCode5xx)),
        unknown_value(&[
            "Internal Error",
            "InternalError",
            "Origin Timeout",
            "OriginTimeout",
            "Origin Return StatusCode 5XX"
        ])
        .prop_map(|text| text.parse::<FailureReason>().ok()),
    ]
}

fn creation_time() -> impl Strategy<Value = DateTime<Utc>> {
    // 1970-01-01 to 9999-12-31, whole seconds: what the wire form carries.
    (0i64..253_402_300_799).prop_map(|secs| DateTime::from_timestamp(secs, 0).unwrap())
}

fn task_id() -> impl Strategy<Value = TaskId> {
    "[0-9]{1,20}".prop_map(|digits| digits.parse().unwrap())
}

fn task() -> impl Strategy<Value = Task> {
    (
        task_id(),
        wire_text(),
        object_type(),
        status(),
        0u16..=10_000,
        creation_time(),
        description(),
    )
        .prop_map(|(id, path, kind, status, bp, created, description)| {
            Task::new(id, path, created)
                .with_object_type(kind)
                .with_status(status)
                .with_process(Process::from_basis_points(bp).unwrap())
                .with_description(description)
        })
}

fn response() -> impl Strategy<Value = DescribeRefreshTaskByIdResponse> {
    (wire_text(), prop::collection::vec(task(), 0..12), any::<u64>()).prop_map(
        |(request_id, tasks, total_count)| {
            let mut response = DescribeRefreshTaskByIdResponse::new(request_id, tasks);
            response.total_count = total_count;
            response
        },
    )
}

fn error_body() -> impl Strategy<Value = ServiceErrorBody> {
    (
        wire_text(),
        wire_text(),
        "[A-Za-z.]{1,30}",
        wire_text(),
        prop::option::of(wire_text()),
    )
        .prop_map(|(request_id, host_id, code, message, recommend)| {
            let mut body = ServiceErrorBody::with_message(code.parse().unwrap(), message, request_id);
            body.host_id = host_id;
            body.recommend = recommend;
            body
        })
}

/// Arbitrary bytes, plus valid bodies cut short or with a byte replaced: reaches deeper than noise.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let valid = || {
        (response(), any::<bool>()).prop_map(|(r, json)| if json { r.encode_json() } else { r.encode_xml() })
    };
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        (valid(), any::<prop::sample::Index>())
            .prop_map(|(body, cut)| body.as_bytes()[..cut.index(body.len() + 1)].to_vec()),
        (valid(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(body, at, byte)| {
            let mut bytes = body.into_bytes();
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes
        }),
    ]
}

proptest! {
    #[test]
    fn response_round_trips_in_both_formats(response in response()) {
        for format in [Format::Json, Format::Xml] {
            let body = response.encode(format);
            prop_assert_eq!(DescribeRefreshTaskByIdResponse::decode(format, body.as_bytes()), Ok(response.clone()), "{}", body);
        }
    }

    #[test]
    fn error_body_round_trips_in_both_formats(body in error_body()) {
        for format in [Format::Json, Format::Xml] {
            let encoded = body.encode(format);
            prop_assert_eq!(ServiceErrorBody::decode(format, encoded.as_bytes()), Ok(body.clone()), "{}", encoded);
        }
    }

    #[test]
    fn task_id_list_renders_and_reparses(ids in prop::collection::vec(task_id(), 1..=10), spaces in prop::collection::vec(0usize..3, 20)) {
        let list = TaskIdList::new(ids.clone()).unwrap();
        prop_assert_eq!(list.to_string().parse::<TaskIdList>(), Ok(list.clone()));
        // The same IDs written sloppily (spaces around each) parse to the same list.
        let sloppy: Vec<String> = ids.iter().zip(spaces.iter().cycle()).map(|(id, n)| format!("{pad}{id}{pad}", pad = " ".repeat(*n))).collect();
        prop_assert_eq!(sloppy.join(",").parse::<TaskIdList>(), Ok(list));
    }

    #[test]
    fn process_renders_and_reparses(bp in 0u16..=10_000) {
        let process = Process::from_basis_points(bp).unwrap();
        prop_assert_eq!(process.to_string().parse::<Process>(), Ok(process));
    }

    #[test]
    fn creation_time_renders_and_reparses(time in creation_time()) {
        let text = cdn_task_core::format_utc_timestamp(time).to_string();
        prop_assert_eq!(parse_utc_timestamp(&text), Ok(time));
    }

    #[test]
    fn no_decoder_panics_on_hostile_bytes(bytes in hostile_bytes()) {
        for format in [Format::Json, Format::Xml] {
            let _ = DescribeRefreshTaskByIdResponse::decode(format, &bytes);
            let _ = ServiceErrorBody::decode(format, &bytes);
            let _ = CreateTasksResponse::decode(format, &bytes);
            let _ = RefreshQuota::decode(format, &bytes);
        }
    }

    #[test]
    fn no_text_parser_panics(text in "\\PC{0,64}|[0-9,% .:TZ-]{0,40}") {
        let _ = text.parse::<TaskIdList>();
        let _ = text.parse::<TaskId>();
        let _ = text.parse::<Process>();
        let _ = parse_utc_timestamp(&text);
    }
}

#[test]
fn every_truncation_of_a_valid_body_is_a_typed_error() {
    let response = DescribeRefreshTaskByIdResponse::decode_xml(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/describe_response.xml"
        ))
        .unwrap(),
    )
    .unwrap();
    for format in [Format::Json, Format::Xml] {
        let body = response.encode(format);
        for cut in 0..body.len() {
            assert!(
                DescribeRefreshTaskByIdResponse::decode(format, &body.as_bytes()[..cut]).is_err(),
                "{format} body cut at {cut} decoded"
            );
        }
    }
}
