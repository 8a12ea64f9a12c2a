//! Hostile input to every decoder and parser of the core: huge bodies, deep or unterminated
//! nesting, entity and DTD tricks, invalid UTF-8, floods of parameters and headers.
//!
//! Each input must give a typed error (or, where the input is valid however odd, the right
//! value), finish (each case runs on its own thread and fails the test if it has not returned
//! within [`BOUND`]; no timing is asserted), stay within a default 2 MiB thread stack, and give an
//! error whose message is bounded (errors get logged: an error that echoes a megabyte of input is
//! a megabyte log line).
//!
//! `properties.rs` feeds random and mutated bodies to the decoders; this file is the deliberate
//! worst cases, at sizes random generation never reaches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::signing::{
    Credentials, MAX_PARAMETERS, ReceivedRequest, SignatureVersion, VerifiedRequest, VerifyError,
    borrow_pairs, parse_authorization, parse_parameters, verify,
};
use cdn_task_core::{
    ApiRequest, CreateTasksResponse, DecodeError, DescribeRefreshTaskById, DescribeRefreshTaskByIdResponse,
    Format, JsonErrorKind, Operation, Process, RefreshObjectCaches, RefreshQuota, RefreshType,
    ServiceErrorBody, TaskId, TaskIdList, WireBody, parse_utc_timestamp,
};
use chrono::{TimeZone, Utc};
use std::fmt::Display;
use std::sync::mpsc;
use std::time::Duration;

/// How long one case may run before the test calls it a hang. Generous: a loaded 2-core CI box
/// must never trip it; a quadratic or unbounded loop on these sizes would.
const BOUND: Duration = Duration::from_secs(20);

/// Longest error message accepted, in bytes.
const MAX_ERROR_BYTES: usize = 2048;

const MIB: usize = 1 << 20;

/// Runs `case` on a fresh thread (default stack) and returns its result, failing if it panics,
/// or does not return within [`BOUND`].
fn bounded<T: Send + 'static>(what: &str, case: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_owned())
        .spawn(move || {
            let _ = sender.send(case());
        })
        .unwrap();
    match receiver.recv_timeout(BOUND) {
        Ok(value) => {
            handle.join().unwrap();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the case panicked"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no result within {BOUND:?}"),
    }
}

/// Asserts an error's message is short, and returns the error.
#[track_caller]
fn short<E: Display>(what: &str, error: E) -> E {
    let message = error.to_string();
    assert!(
        message.len() <= MAX_ERROR_BYTES,
        "{what}: the error message is {} bytes: {}…",
        message.len(),
        message.chars().take(200).collect::<String>()
    );
    error
}

/// The error of `result`; a success fails the test without printing the (possibly huge) value.
#[track_caller]
fn err<T, E>(what: &str, result: Result<T, E>) -> E {
    match result {
        Ok(_) => panic!("{what}: accepted"),
        Err(error) => error,
    }
}

/// One decoder: a name, the XML root it expects, and the decoding function (result reduced to
/// "which error, if any").
#[derive(Clone, Copy)]
struct Decoder {
    name: &'static str,
    format: Format,
    root: &'static str,
    decode: fn(&[u8]) -> Result<(), DecodeError>,
}

fn run<B: WireBody>(format: Format) -> fn(&[u8]) -> Result<(), DecodeError> {
    match format {
        Format::Json => |body| B::decode_json(body).map(drop),
        Format::Xml => |body| B::decode_xml(body).map(drop),
    }
}

/// Every decoder of every body type, in both formats.
fn decoders() -> Vec<Decoder> {
    let mut all = Vec::new();
    for format in [Format::Json, Format::Xml] {
        all.extend([
            Decoder {
                name: "DescribeRefreshTaskByIdResponse",
                format,
                root: "DescribeRefreshTaskByIdResponse",
                decode: run::<DescribeRefreshTaskByIdResponse>(format),
            },
            Decoder {
                name: "ServiceErrorBody",
                format,
                root: "Error",
                decode: run::<ServiceErrorBody>(format),
            },
            Decoder {
                name: "CreateTasksResponse",
                format,
                root: "RefreshObjectCachesResponse",
                decode: run::<CreateTasksResponse>(format),
            },
            Decoder {
                name: "RefreshQuota",
                format,
                root: "DescribeRefreshQuotaResponse",
                decode: run::<RefreshQuota>(format),
            },
        ]);
    }
    all
}

fn xml_decoders() -> Vec<Decoder> {
    decoders()
        .into_iter()
        .filter(|d| d.format == Format::Xml)
        .collect()
}

fn json_decoders() -> Vec<Decoder> {
    decoders()
        .into_iter()
        .filter(|d| d.format == Format::Json)
        .collect()
}

/// Feeds `body` to `decoder` under the bound; returns the typed result, error message checked.
fn feed(decoder: Decoder, case: &str, body: Vec<u8>) -> Result<(), DecodeError> {
    let what = format!("{} {} {case}", decoder.name, decoder.format);
    let result = bounded(&what, move || (decoder.decode)(&body));
    result.map_err(|error| short(&what, error))
}

/// Feeds `body` to `decoder` and asserts it is refused.
#[track_caller]
fn refused(decoder: Decoder, case: &str, body: Vec<u8>) -> DecodeError {
    match feed(decoder, case, body) {
        Ok(()) => panic!("{} {} {case}: decoded", decoder.name, decoder.format),
        Err(error) => error,
    }
}

/// Feeds `body` to `decoder` and asserts it is refused with an error that `expected` accepts
/// (named in messages as `kind`).
#[track_caller]
fn refused_as(
    decoder: Decoder,
    case: &str,
    body: Vec<u8>,
    kind: &str,
    expected: fn(&DecodeError) -> bool,
) -> DecodeError {
    let error = refused(decoder, case, body);
    assert!(
        expected(&error),
        "{} {} {case}: expected {kind}, got {error:?}",
        decoder.name,
        decoder.format
    );
    error
}

fn repeat(piece: &str, times: usize) -> String {
    piece.repeat(times)
}

/// A valid task, as XML child elements.
const XML_TASK_FIELDS: &str = "<CreationTime>2026-01-01T00:00:00Z</CreationTime><Description></Description>\
    <ObjectPath>http://example.com/a</ObjectPath><ObjectType>file</ObjectType><Process>100%</Process>\
    <Status>Complete</Status><TaskId>1</TaskId>";

// ---------------------------------------------------------------------------------------------
// XML: nesting

#[test]
fn a_hundred_thousand_nested_unknown_elements_are_skipped_without_recursion() {
    let depth = 100_000;
    for (name, nested) in [
        (
            "same names",
            format!("{}{}", repeat("<u>", depth), repeat("</u>", depth)),
        ),
        (
            "distinct names",
            (0..depth).map(|n| format!("<u{n}>")).collect::<String>()
                + &(0..depth).rev().map(|n| format!("</u{n}>")).collect::<String>(),
        ),
    ] {
        // Inside the root of a complete, valid response: skipped, the response decodes.
        let body = format!(
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>{nested}<Tasks>{XML_TASK_FIELDS}</Tasks>\
             <TotalCount>1</TotalCount></DescribeRefreshTaskByIdResponse>"
        );
        let response = bounded(name, move || {
            DescribeRefreshTaskByIdResponse::decode_xml(body.as_bytes())
        })
        .unwrap();
        assert_eq!(response.tasks.len(), 1, "{name}");
        // Inside <Tasks>: skipped too.
        let body = format!(
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><Tasks>{nested}{XML_TASK_FIELDS}</Tasks>\
             <TotalCount>1</TotalCount></DescribeRefreshTaskByIdResponse>"
        );
        let response = bounded(name, move || {
            DescribeRefreshTaskByIdResponse::decode_xml(body.as_bytes())
        })
        .unwrap();
        assert_eq!(response.tasks[0].object_path, "http://example.com/a", "{name}");
        // Inside the root of every other body: a typed result either way, never a crash.
        for decoder in xml_decoders() {
            let body = format!(
                "<{root}><RequestId>R</RequestId>{nested}</{root}>",
                root = decoder.root
            );
            match feed(decoder, name, body.into_bytes()) {
                Ok(()) => {}
                Err(DecodeError::MissingField { .. }) => {}
                Err(other) => panic!("{} {name}: {other:?}", decoder.name),
            }
        }
    }
}

#[test]
fn nested_tasks_and_nested_known_fields_are_refused_or_skipped_never_recursed() {
    let depth = 100_000;
    // <Tasks> inside <Tasks> inside …: an unknown child of a task, skipped; the outer task still
    // lacks its fields.
    let body = format!(
        "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId>{}{}<TotalCount>0</TotalCount>\
         </DescribeRefreshTaskByIdResponse>",
        repeat("<Tasks>", depth),
        repeat("</Tasks>", depth)
    );
    let error = refused(xml_decoders()[0], "nested <Tasks>", body.into_bytes());
    assert!(
        matches!(error, DecodeError::MissingField { field: "TaskId", .. }),
        "{error:?}"
    );
    // A text field holding elements: refused where the markup starts.
    let body = format!(
        "<DescribeRefreshTaskByIdResponse><RequestId>{}R{}</RequestId></DescribeRefreshTaskByIdResponse>",
        repeat("<RequestId>", depth),
        repeat("</RequestId>", depth)
    );
    let error = refused(xml_decoders()[0], "nested <RequestId>", body.into_bytes());
    assert!(
        matches!(error, DecodeError::XmlUnexpectedMarkup { .. }),
        "{error:?}"
    );
}

#[test]
fn unterminated_documents_are_syntax_errors() {
    let depth = 100_000;
    for decoder in xml_decoders() {
        let root = decoder.root;
        let cases = [
            ("open elements", format!("<{root}>{}", repeat("<u>", depth))),
            ("open text", format!("<{root}><RequestId>{}", "a".repeat(MIB))),
            ("open comment", format!("<{root}><!--{}", "-".repeat(MIB))),
            (
                "open CDATA",
                format!("<{root}><RequestId><![CDATA[{}", "]".repeat(MIB)),
            ),
            ("open attribute", format!("<{root} a=\"{}", "x".repeat(MIB))),
            ("open tag", format!("<{root}{}", " ".repeat(MIB))),
            (
                "open processing instruction",
                format!("<{root}><?pi {}", "?".repeat(MIB)),
            ),
            ("a megabyte of <", "<".repeat(MIB)),
            ("only the root's start", format!("<{root}>")),
            (
                "mismatched end tags",
                format!("<{root}>{}{}", repeat("<a>", depth), repeat("</b>", depth)),
            ),
        ];
        for (case, body) in cases {
            refused_as(decoder, case, body.into_bytes(), "XmlSyntax", |e| {
                matches!(e, DecodeError::XmlSyntax { .. })
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// XML: entities and DTDs

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"#;

/// DTD tricks, each followed by a document of `root` that uses the entity in `RequestId`.
fn dtd_tricks(root: &str) -> Vec<(&'static str, String)> {
    let doc = |entity: &str| format!("<{root}><RequestId>&{entity};</RequestId></{root}>");
    vec![
        ("billion laughs", format!("{BILLION_LAUGHS}{}", doc("lol9"))),
        (
            "external entity file:///etc/passwd",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
                doc("xxe")
            ),
        ),
        (
            "external DTD",
            format!(
                "<!DOCTYPE {root} SYSTEM \"http://127.0.0.1:9/evil.dtd\">{}",
                doc("amp")
            ),
        ),
        (
            "parameter entity",
            format!(
                "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>{}",
                doc("amp")
            ),
        ),
        (
            "quadratic blowup",
            format!(
                "<!DOCTYPE r [<!ENTITY a \"{}\">]><{root}><RequestId>{}</RequestId></{root}>",
                "x".repeat(100_000),
                repeat("&a;", 10_000)
            ),
        ),
        (
            "DOCTYPE inside the root",
            format!("<{root}><!DOCTYPE r [<!ENTITY a \"b\">]><RequestId>&a;</RequestId></{root}>"),
        ),
        (
            "DOCTYPE inside a text field",
            format!("<{root}><RequestId><!DOCTYPE r [<!ENTITY a \"b\">]>&a;</RequestId></{root}>"),
        ),
    ]
}

#[test]
fn dtds_are_refused_so_no_entity_is_ever_expanded() {
    for decoder in xml_decoders() {
        for (case, body) in dtd_tricks(decoder.root) {
            let error = refused_as(decoder, case, body.into_bytes(), "XmlDtd", |e| {
                matches!(e, DecodeError::XmlDtd { .. })
            });
            let message = error.to_string();
            // Nothing of the file or the expansion leaks into the error.
            assert!(
                !message.contains("root:") && !message.contains("lollol"),
                "{message}"
            );
        }
    }
}

#[test]
fn a_dtd_after_the_root_is_content_after_the_root() {
    let body = format!(
        "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><TotalCount>0</TotalCount>\
         </DescribeRefreshTaskByIdResponse>{BILLION_LAUGHS}"
    );
    let error = refused(xml_decoders()[0], "trailing DTD", body.into_bytes());
    assert!(matches!(error, DecodeError::XmlSyntax { .. }), "{error:?}");
}

#[test]
fn undeclared_and_invalid_entity_references_are_syntax_errors() {
    for decoder in xml_decoders() {
        let root = decoder.root;
        for reference in [
            "&lol9;",
            "&xxe;",
            "&;",
            "&#;",
            "&#x;",
            "&#xD800;",
            "&#1114112;",
            "&#xFFFFFFFFFF;",
            "&amp",
        ] {
            let body = format!("<{root}><RequestId>a{reference}b</RequestId></{root}>");
            refused_as(decoder, reference, body.into_bytes(), "XmlSyntax", |e| {
                matches!(e, DecodeError::XmlSyntax { .. })
            });
        }
    }
}

#[test]
fn a_million_predefined_entities_decode_linearly() {
    let body = format!(
        "<DescribeRefreshTaskByIdResponse><RequestId>{}</RequestId><TotalCount>0</TotalCount>\
         </DescribeRefreshTaskByIdResponse>",
        repeat("&amp;&#60;&#x3E;", MIB / 4)
    );
    let response = bounded("entities", move || {
        DescribeRefreshTaskByIdResponse::decode_xml(body.as_bytes())
    })
    .unwrap();
    assert!(
        response.request_id == repeat("&<>", MIB / 4),
        "entities decoded wrong"
    );
}

// ---------------------------------------------------------------------------------------------
// XML and JSON: invalid UTF-8

#[test]
fn invalid_utf8_is_a_typed_error_in_every_position() {
    for decoder in xml_decoders() {
        let root = decoder.root;
        // `bytes` as the text of <RequestId>, or as its CDATA.
        let in_text = |bytes: &[u8]| {
            [
                format!("<{root}><RequestId>").as_bytes(),
                bytes,
                format!("</RequestId></{root}>").as_bytes(),
            ]
            .concat()
        };
        let in_cdata = |bytes: &[u8]| in_text(&[b"<![CDATA[", bytes, b"]]>"].concat());
        let cases: [(&str, Vec<u8>); 5] = [
            ("in text", in_text(b"\xff\xfe")),
            ("in CDATA", in_cdata(b"a\xc3\x28")),
            ("a cut multi-byte character", in_text(b"\xe2\x82")),
            ("overlong encoding", in_text(b"\xc0\xaf")),
            (
                "UTF-16 with a BOM",
                "\u{feff}<Error/>"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect(),
            ),
        ];
        for (case, body) in cases {
            refused_as(decoder, case, body, "XmlSyntax | XmlWrongRoot", |e| {
                matches!(
                    e,
                    DecodeError::XmlSyntax { .. } | DecodeError::XmlWrongRoot { .. }
                )
            });
        }
    }
    for decoder in json_decoders() {
        for (case, body) in [
            ("in a string", b"{\"RequestId\":\"\xff\xfe\"}".to_vec()),
            ("in a key", b"{\"Request\xc3\x28Id\":\"R\"}".to_vec()),
            ("a lone surrogate escape", br#"{"RequestId":"\ud800"}"#.to_vec()),
            ("a NUL in a string", b"{\"RequestId\":\"a\x00b\"}".to_vec()),
        ] {
            refused_as(
                decoder,
                case,
                body,
                "Json { kind: JsonErrorKind::Syntax, .. }",
                |e| {
                    matches!(
                        e,
                        DecodeError::Json {
                            kind: JsonErrorKind::Syntax,
                            ..
                        }
                    )
                },
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON: nesting and sizes

#[test]
fn a_megabyte_of_open_brackets_is_a_typed_json_error() {
    for decoder in json_decoders() {
        for (case, body) in [
            ("a megabyte of [", "[".repeat(MIB)),
            ("a megabyte of {\"a\":", repeat("{\"a\":", MIB / 5)),
            (
                "a megabyte of [ inside Tasks",
                format!("{{\"RequestId\":\"R\",\"Tasks\":{}", "[".repeat(MIB)),
            ),
            (
                "a megabyte of [ in an unknown field",
                format!("{{\"RequestId\":\"R\",\"X\":{}", "[".repeat(MIB)),
            ),
        ] {
            refused_as(decoder, case, body.into_bytes(), "Json", |e| {
                matches!(e, DecodeError::Json { .. })
            });
        }
    }
}

#[test]
fn deep_but_closed_nesting_in_an_unknown_field_is_skipped_or_refused_never_a_crash() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // The response type skips unknown fields: it decodes.
    let body = format!(r#"{{"RequestId":"R","Unknown":{nested},"Tasks":[],"TotalCount":0}}"#);
    let response = bounded("deep unknown field", move || {
        DescribeRefreshTaskByIdResponse::decode_json(body.as_bytes())
    });
    // serde_json skips an ignored value without recursing: 100,000 levels are skipped.
    assert_eq!(response.unwrap().request_id, "R");
    // Decoders that keep unknown values (the quota body reads a map of JSON values) stop at
    // serde_json's recursion limit instead; the others lack required fields. Typed either way.
    for decoder in json_decoders() {
        let body = format!(r#"{{"RequestId":"R","Unknown":{nested}}}"#);
        match feed(decoder, "deep unknown field", body.into_bytes()) {
            Ok(()) | Err(DecodeError::Json { .. } | DecodeError::MissingField { .. }) => {}
            Err(other) => panic!("{}: {other:?}", decoder.name),
        }
    }
}

#[test]
fn json_oddities_are_typed_errors() {
    let huge_number = "9".repeat(MIB);
    for decoder in json_decoders() {
        for (case, body) in [
            (
                "duplicate field",
                r#"{"RequestId":"a","RequestId":"b","TotalCount":0}"#.to_owned(),
            ),
            ("NaN", r#"{"RequestId":"R","TotalCount":NaN}"#.to_owned()),
            (
                "a megabyte number",
                format!(r#"{{"RequestId":"R","TotalCount":{huge_number}}}"#),
            ),
            ("a megabyte of whitespace", " ".repeat(MIB)),
            (
                "a megabyte of nulls in an array",
                format!("[{}null]", "null,".repeat(MIB / 5)),
            ),
            (
                "trailing garbage",
                r#"{"RequestId":"R","TotalCount":0} x"#.to_owned(),
            ),
            (
                "two documents",
                r#"{"RequestId":"R","TotalCount":0}{"RequestId":"R","TotalCount":0}"#.to_owned(),
            ),
            (
                "a comment",
                r#"{"RequestId":"R", /* x */ "TotalCount":0}"#.to_owned(),
            ),
        ] {
            refused(decoder, case, body.into_bytes());
        }
    }
}

/// A JSON string of `len` bytes where a number or a task ID is expected: the decoder names the
/// field; its message must not carry the megabyte.
#[test]
fn a_megabyte_string_where_a_number_is_expected_gives_a_short_error() {
    let huge = "a".repeat(MIB);
    let body = format!(r#"{{"RequestId":"R","Tasks":[],"TotalCount":"{huge}"}}"#);
    refused(
        json_decoders()[0],
        "a megabyte string as TotalCount",
        body.into_bytes(),
    );
}

#[test]
fn megabyte_strings_in_fields_that_parse_them_give_short_errors() {
    let huge = "a".repeat(MIB);
    let digits = "1".repeat(MIB);
    let task = |field: &str, value: &str| {
        let mut fields = serde_json::json!({
            "CreationTime": "2026-01-01T00:00:00Z", "Description": "", "ObjectPath": "http://e.com/a",
            "ObjectType": "file", "Process": "100%", "Status": "Complete", "TaskId": "1"
        });
        fields[field] = serde_json::Value::String(value.to_owned());
        serde_json::json!({"RequestId": "R", "Tasks": [fields], "TotalCount": 1}).to_string()
    };
    for (field, value) in [
        ("TaskId", &digits),
        ("TaskId", &huge),
        ("Process", &huge),
        ("CreationTime", &huge),
    ] {
        let error = refused(json_decoders()[0], field, task(field, value).into_bytes());
        assert!(error.to_string().contains(field), "{error}");
    }
    // The same in XML.
    for (field, value) in [("TaskId", &digits), ("Process", &huge), ("CreationTime", &huge)] {
        let fields = XML_TASK_FIELDS.replace(
            &XML_TASK_FIELDS[XML_TASK_FIELDS.find(&format!("<{field}>")).unwrap()
                ..XML_TASK_FIELDS.find(&format!("</{field}>")).unwrap()],
            &format!("<{field}>{value}"),
        );
        let body = format!(
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><Tasks>{fields}</Tasks>\
             <TotalCount>1</TotalCount></DescribeRefreshTaskByIdResponse>"
        );
        let error = refused(xml_decoders()[0], field, body.into_bytes());
        assert!(matches!(error, DecodeError::InvalidField { .. }), "{error:?}");
    }
    let body = format!(
        "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><TotalCount>{digits}</TotalCount></DescribeRefreshTaskByIdResponse>"
    );
    refused(xml_decoders()[0], "a megabyte TotalCount", body.into_bytes());
}

// ---------------------------------------------------------------------------------------------
// Huge but valid bodies

#[test]
fn huge_valid_bodies_decode_exactly() {
    // A 16 MiB object path, and 20,000 tasks, in both formats.
    let path = format!("http://example.com/{}", "p".repeat(16 * MIB));
    let base = DescribeRefreshTaskByIdResponse::decode_xml(
        format!(
            "<DescribeRefreshTaskByIdResponse><RequestId>R</RequestId><Tasks>{XML_TASK_FIELDS}</Tasks>\
             <TotalCount>1</TotalCount></DescribeRefreshTaskByIdResponse>"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut long = base.clone();
    long.tasks[0].object_path = path;
    let mut many = base.clone();
    many.tasks = (1..=20_000u64)
        .map(|n| {
            let mut task = base.tasks[0].clone();
            task.task_id = TaskId::try_from(n).unwrap();
            task
        })
        .collect();
    many.total_count = 20_000;
    for expected in [long, many] {
        for format in [Format::Json, Format::Xml] {
            let body = expected.encode(format);
            let decoded = bounded("huge body", move || {
                DescribeRefreshTaskByIdResponse::decode(format, body.as_bytes())
            })
            .unwrap();
            assert!(decoded == expected, "{format}: the decoded body differs");
        }
    }
}

#[test]
fn huge_junk_is_refused_in_every_decoder() {
    for decoder in decoders() {
        for (case, body) in [
            ("16 MiB of a", vec![b'a'; 16 * MIB]),
            ("16 MiB of NUL", vec![0u8; 16 * MIB]),
            ("16 MiB of 0xff", vec![0xffu8; 16 * MIB]),
        ] {
            refused(decoder, case, body);
        }
    }
}

#[test]
fn floods_of_skippable_markup_decode() {
    let body = format!(
        "<DescribeRefreshTaskByIdResponse {}><RequestId>R</RequestId>{}{}<TotalCount>0</TotalCount>\
         </DescribeRefreshTaskByIdResponse>",
        (0..100_000).map(|n| format!("a{n}=\"v\" ")).collect::<String>(),
        repeat("<?pi x?><!-- c -->", 100_000),
        repeat("<Unknown a=\"1\"/>", 100_000),
    );
    let response = bounded("skippable floods", move || {
        DescribeRefreshTaskByIdResponse::decode_xml(body.as_bytes())
    })
    .unwrap();
    assert_eq!(response.request_id, "R");
    let body = format!(
        r#"{{{}"RequestId":"R","Tasks":[],"TotalCount":0}}"#,
        (0..100_000)
            .map(|n| format!(r#""k{n}":{n},"#))
            .collect::<String>()
    );
    let response = bounded("a hundred thousand unknown keys", move || {
        DescribeRefreshTaskByIdResponse::decode_json(body.as_bytes())
    })
    .unwrap();
    assert_eq!(response.total_count, 0);
}

/// Regression: `CreateTasksResponse::decode_xml` once picked its root by searching the whole body
/// for the text `PushObjectCacheResponse`, refusing a refresh answer whose text held those bytes.
#[test]
fn a_refresh_answer_mentioning_the_push_root_in_its_text_decodes() {
    let body = "<RefreshObjectCachesResponse><RequestId>PushObjectCacheResponse</RequestId>\
                <RefreshTaskId>1</RefreshTaskId></RefreshObjectCachesResponse>";
    let decoded = CreateTasksResponse::decode_xml(body.as_bytes()).unwrap();
    assert_eq!(decoded.task_ids, [TaskId::try_from(1u64).unwrap()]);
}

// ---------------------------------------------------------------------------------------------
// Text parsers

#[test]
fn text_parsers_give_short_typed_errors_on_megabyte_inputs() {
    let digits = "1".repeat(MIB);
    let accents = "é".repeat(MIB / 2);
    let commas = ",".repeat(MIB);
    for text in [&digits, &accents, &commas] {
        let owned = text.clone();
        let error = err("TaskId", bounded("TaskId", move || owned.parse::<TaskId>()));
        short("TaskId", error);
        let owned = text.clone();
        let error = err(
            "TaskIdList",
            bounded("TaskIdList", move || owned.parse::<TaskIdList>()),
        );
        short("TaskIdList", error);
        let owned = format!("{text}%");
        let error = err("Process", bounded("Process", move || owned.parse::<Process>()));
        short("Process", error);
        let owned = text.clone();
        let error = err(
            "timestamp",
            bounded("timestamp", move || parse_utc_timestamp(&owned)),
        );
        short("timestamp", error);
    }
    // Two hundred thousand distinct IDs in one list: too many, counted, without quadratic work.
    let many: String = (1..=200_000).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let error = err(
        "200,000 IDs",
        bounded("200,000 IDs", move || many.parse::<TaskIdList>()),
    );
    assert!(short("200,000 IDs", error).to_string().contains("200000"));
    // The same ID a million times is one ID.
    let same = repeat("7,", MIB / 2) + "7";
    assert_eq!(
        bounded("one ID repeated", move || same.parse::<TaskIdList>())
            .unwrap()
            .len(),
        1
    );
    // An operation rebuilt from a megabyte parameter.
    let error = err(
        "from_parameters",
        bounded("from_parameters", move || {
            DescribeRefreshTaskById::from_parameters(|_| Some(digits.as_str()))
        }),
    );
    short("from_parameters", error);
    // A hundred thousand object paths, or one of a megabyte.
    let paths: Vec<String> = (0..100_000).map(|n| format!("http://e.com/{n}")).collect();
    short(
        "RefreshObjectCaches",
        err(
            "paths",
            bounded("paths", move || {
                RefreshObjectCaches::new(paths, RefreshType::File)
            }),
        ),
    );
    let path = vec![format!("http://e.com/ {}", "x".repeat(MIB))];
    short(
        "RefreshObjectCaches",
        err(
            "path",
            bounded("path", move || RefreshObjectCaches::new(path, RefreshType::File)),
        ),
    );
}

#[test]
fn query_parser_handles_floods_and_garbage() {
    let flood: String = (0..10_000)
        .map(|n| format!("P{n}=v{n}"))
        .collect::<Vec<_>>()
        .join("&");
    let pairs = bounded("10,000 parameters", move || parse_parameters(&flood)).unwrap();
    assert_eq!(pairs.len(), 10_000);
    assert_eq!(pairs[9_999], ("P9999".to_owned(), "v9999".to_owned()));
    let percents = "%".repeat(MIB);
    short(
        "a megabyte of %",
        err("%", bounded("%", move || parse_parameters(&percents))),
    );
    let ampersands = "&".repeat(MIB);
    assert!(
        bounded("&", move || parse_parameters(&ampersands))
            .unwrap()
            .is_empty()
    );
    let bad_utf8 = repeat("%FF", MIB / 3);
    short(
        "%FF",
        err("%FF", bounded("%FF", move || parse_parameters(&bad_utf8))),
    );
}

#[test]
fn authorization_parser_refuses_megabyte_headers() {
    let signature = "0".repeat(64);
    for header in [
        format!("ACS3-HMAC-SHA256 {}", ",".repeat(MIB)),
        format!(
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature={}",
            "0".repeat(MIB)
        ),
        format!(
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders={},Signature={signature}",
            repeat("a;", MIB / 2)
        ),
        format!("ACS3-HMAC-SHA256 {}", repeat("Credential=a,", MIB / 13)),
        format!(
            "ACS3-HMAC-SHA256 Credential=a b{},SignedHeaders=host,Signature={signature}",
            "c".repeat(MIB)
        ),
    ] {
        short(
            "authorization",
            err(
                "authorization",
                bounded("authorization", move || parse_authorization(&header)),
            ),
        );
    }
    // A megabyte Credential is one word: it parses, and the key lookup refuses it with a short
    // error (the ID is quoted shortened).
    let mut received = Received::signed(SignatureVersion::Acs3);
    received
        .edit_authorization(|h| h.replace("Credential=testid", &format!("Credential={}", "a".repeat(MIB))));
    let error = received.refused("a megabyte Credential");
    assert!(matches!(error, VerifyError::AccessKeyNotFound { .. }), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Verification under floods

/// A signed describe as the verifier receives it, every part owned so a case can move it to its
/// thread and change it first.
#[derive(Clone)]
struct Received {
    method: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    /// `DescribeRefreshTaskById` for task 1, signed by `testid` for host `h`.
    fn signed(scheme: SignatureVersion) -> Received {
        let credentials = Credentials::new("testid", "testsecret");
        let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), Format::Json);
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let signed = request.sign(scheme, "h", &credentials, now, "n");
        let mut headers = signed.headers;
        headers.push(("host".into(), "h".into()));
        Received {
            method: signed.method,
            query: signed.query,
            headers,
            body: signed.body,
        }
    }

    fn edit_authorization(&mut self, edit: impl Fn(&str) -> String) {
        for (name, value) in &mut self.headers {
            if name == "authorization" {
                *value = edit(value);
            }
        }
    }

    /// Verifies under the bound.
    fn verify(self, what: &str) -> Result<VerifiedRequest, VerifyError> {
        bounded(what, move || {
            let headers: Vec<(&str, &str)> = borrow_pairs(&self.headers);
            let received = ReceivedRequest {
                method: &self.method,
                path: "/",
                query: &self.query,
                headers: &headers,
                body: &self.body,
            };
            verify(&received, |id| (id == "testid").then(|| "testsecret".to_owned()))
        })
    }

    /// Verifies under the bound, expecting a refusal with a short message.
    fn refused(self, what: &str) -> VerifyError {
        short(what, err(what, self.verify(what)))
    }
}

#[test]
fn verification_survives_header_and_parameter_floods() {
    let base = Received::signed(SignatureVersion::Acs3);

    // Ten thousand unsigned headers added: still verifies (they do not matter).
    let mut flood = base.clone();
    flood
        .headers
        .extend((0..10_000).map(|n| (format!("x-junk-{n}"), "v".to_owned())));
    let verified = flood.verify("10,000 unsigned headers");
    assert!(verified.is_ok(), "{verified:?}");

    // Ten thousand copies of a signed header: refused as sent more than once.
    let mut copies = base.clone();
    copies
        .headers
        .extend((0..10_000).map(|_| ("x-acs-version".to_owned(), "2018-05-10".to_owned())));
    let error = copies.refused("10,000 copies of a signed header");
    assert!(matches!(error, VerifyError::Incomplete { .. }), "{error}");

    // Ten thousand signed header names, none sent: refused at the first missing one.
    let mut listed = base.clone();
    let names: Vec<String> = (0..10_000).map(|n| format!("h{n:05}")).collect();
    listed
        .edit_authorization(|h| h.replace("SignedHeaders=", &format!("SignedHeaders={};", names.join(";"))));
    let error = listed.refused("10,000 signed header names");
    assert!(matches!(error, VerifyError::Incomplete { .. }), "{error}");

    // A megabyte header value (a second nonce): refused with a short error.
    let mut huge = base.clone();
    huge.headers
        .push(("x-acs-signature-nonce".into(), "n".repeat(MIB)));
    huge.refused("a megabyte header");

    // Ten thousand parameters added to the query: refused by count before any is decoded. A
    // megabyte of body: a mismatch.
    let mut parameters = base.clone();
    parameters.query.push('&');
    parameters.query.push_str(
        &(0..10_000)
            .map(|n| format!("P{n}=v"))
            .collect::<Vec<_>>()
            .join("&"),
    );
    let error = parameters.refused("10,000 parameters");
    assert_eq!(
        error,
        VerifyError::TooManyParameters {
            limit: MAX_PARAMETERS
        },
        "{error}"
    );
    let mut body = base;
    body.body = vec![b'a'; MIB];
    let error = body.refused("a megabyte body");
    assert!(matches!(error, VerifyError::SignatureMismatch { .. }), "{error}");

    // RPC with a megabyte signature: a mismatch. (Its message carries the string to sign, as
    // the service's does, so it grows with the query; the query is what the transport bounds.)
    let mut rpc = Received::signed(SignatureVersion::Rpc);
    let signature_at = rpc.query.find("&Signature=").unwrap();
    rpc.query.truncate(signature_at);
    rpc.query.push_str(&format!("&Signature={}", "A".repeat(MIB)));
    let error = err("RPC megabyte signature", rpc.verify("RPC megabyte signature"));
    assert!(matches!(error, VerifyError::SignatureMismatch { .. }), "{error}");
}
