//! The fast paths against the general decoders: whatever a fast path returns, the general decoder
//! returns too, on the encoders' output and on generated valid and near-valid bodies (fields in
//! any order, entities, CDATA, comments, blanks, unknown fields, escapes, invalid values,
//! duplicates, truncations, stray bytes). The fuzz targets `fast_diff_json` and `fast_diff_xml`
//! check the same rule on arbitrary bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{by_id, task_page};
use crate::codec::{DecodeError, WireBody, json};
use crate::operations::list_page::DescribeRefreshTasksResponse as Page;
use crate::response::DescribeRefreshTaskByIdResponse as ById;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// A body type's decoders of one format: the fast path, the general decoder, the public decoder.
struct Decoders<T>(
    fn(&[u8]) -> Option<T>,
    fn(&[u8]) -> Result<T, DecodeError>,
    fn(&[u8]) -> Result<T, DecodeError>,
);

const BY_ID_JSON: Decoders<ById> = Decoders(by_id::decode_json, |b| json::decode(b), ById::decode_json);
const BY_ID_XML: Decoders<ById> = Decoders(by_id::decode_xml, ById::decode_xml_general, ById::decode_xml);
const PAGE_JSON: Decoders<Page> = Decoders(
    task_page::decode_json,
    Page::decode_json_general,
    Page::decode_json,
);
const PAGE_XML: Decoders<Page> = Decoders(task_page::decode_xml, Page::decode_xml_general, Page::decode_xml);

impl<T: PartialEq + std::fmt::Debug> Decoders<T> {
    /// The rule on `body`: a fast value is the general decoder's value, and the public decoder
    /// gives what the general decoder gives. Returns whether the fast path took it.
    fn agree(&self, body: &[u8]) -> bool {
        let Decoders(fast, general, public) = self;
        let (fast, general) = (fast(body), general(body));
        if let Some(fast) = &fast {
            assert_eq!(general.as_ref(), Ok(fast), "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(public(body), general);
        fast.is_some()
    }
}

const FIXTURE_JSON: &str = include_str!("../../../tests/fixtures/describe_response.json");
const FIXTURE_XML: &str = include_str!("../../../tests/fixtures/describe_response.xml");

#[test]
fn a_raw_control_character_in_a_string_is_refused_beside_a_blank_newline() {
    // The newline between tokens is a control byte too: the fast path must still look into the
    // strings, whatever the count of control bytes in the body.
    let body = ById::new("R", Vec::new()).encode_json().replacen(
        r#""RequestId":"R""#,
        "\n\"RequestId\":\"a\tb\"",
        1,
    );
    assert!(body.contains('\t') && body.contains('\n'), "{body}");
    assert!(!BY_ID_JSON.agree(body.as_bytes()), "the fast path declines it");
    assert!(matches!(
        ById::decode_json(body.as_bytes()),
        Err(DecodeError::Json { .. })
    ));
}

#[test]
fn a_count_past_u64_is_refused_as_serde_refuses_it() {
    let body = FIXTURE_JSON.replacen(r#""TotalCount":1"#, r#""TotalCount":18446744073709551616"#, 1);
    assert_ne!(body, FIXTURE_JSON, "the fixture has a TotalCount of 1");
    assert!(!BY_ID_JSON.agree(body.as_bytes()));
    assert!(ById::decode_json(body.as_bytes()).is_err());
}

#[test]
fn the_tasks_wrapper_holds_its_one_list_and_nothing_else() {
    let task = r#"{"TaskId":"1","ObjectPath":"http://a.com/x","ObjectType":"file","Status":"Complete","Process":"100%","CreationTime":"2026-11-30T08:00:00Z","Description":""}"#;
    let page = |tasks: &str| {
        format!(r#"{{"RequestId":"R","PageNumber":1,"PageSize":20,"TotalCount":1,"Tasks":{tasks}}}"#)
    };
    let plain = page(&format!(r#"{{"CDNTask":[{task}]}}"#));
    assert!(
        PAGE_JSON.agree(plain.as_bytes()),
        "the plain page takes the fast path"
    );
    assert_eq!(Page::decode_json(plain.as_bytes()).unwrap().tasks.len(), 1);
    // Another key in the wrapper is not the list; the list twice is an error.
    let other = page(&format!(r#"{{"Other":[{task}]}}"#));
    PAGE_JSON.agree(other.as_bytes());
    assert_eq!(Page::decode_json(other.as_bytes()).unwrap().tasks.len(), 0);
    let twice = page(&format!(r#"{{"CDNTask":[{task}],"CDNTask":[{task}]}}"#));
    PAGE_JSON.agree(twice.as_bytes());
    assert!(Page::decode_json(twice.as_bytes()).is_err());
}

#[test]
fn a_prefixed_field_is_read_by_its_local_name() {
    // `<x:TotalCount>` is `TotalCount` to the general decoder: beside another, a duplicate.
    let body = FIXTURE_XML.replacen("<TotalCount>", "<x:TotalCount>0</x:TotalCount><TotalCount>", 1);
    assert_ne!(body, FIXTURE_XML);
    BY_ID_XML.agree(body.as_bytes());
    assert!(matches!(
        ById::decode_xml(body.as_bytes()),
        Err(DecodeError::DuplicateField {
            field: "TotalCount",
            ..
        })
    ));
}

#[test]
fn the_service_bodies_take_the_fast_path() {
    assert!(BY_ID_JSON.agree(FIXTURE_JSON.as_bytes()));
    assert!(BY_ID_XML.agree(FIXTURE_XML.as_bytes()));
    let response = ById::decode_xml(FIXTURE_XML.as_bytes()).unwrap();
    assert_eq!(response.tasks.len(), 2);
    assert_eq!(response.tasks[1].object_path, "http://example.com/dir/?a=1&b=2");
    // The encoders write what the service writes.
    assert!(BY_ID_JSON.agree(response.encode_json().as_bytes()));
    assert!(BY_ID_XML.agree(response.encode_xml().as_bytes()));
}

#[test]
fn odd_bodies_go_to_the_general_decoder() {
    for body in [
        // Comments, CDATA, prefixes, attributes, `<X/>`, another prolog, a DTD, an unknown entity.
        "<R><RequestId>a<!--c--></RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId><![CDATA[a]]></RequestId><TotalCount>0</TotalCount></R>",
        "<R><x:RequestId>a</x:RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId a=\"1\">a</RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId/><TotalCount>0</TotalCount></R>",
        "<?xml version='1.0'?><R><RequestId>a</RequestId><TotalCount>0</TotalCount></R>",
        "<!DOCTYPE R><R><RequestId>a</RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId>a&bogus;</RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId>a</RequestId><RequestId>b</RequestId><TotalCount>0</TotalCount></R>",
        "<R><RequestId>a</RequestId><TotalCount>x</TotalCount></R>",
        "<R><RequestId>a</RequestId><TotalCount>0</TotalCount></R><!--after-->",
        "<R><RequestId>a</RequestId><TotalCount>0</TotalCount><Tasks/></R>",
    ] {
        let body = body
            .replace("<R>", "<DescribeRefreshTaskByIdResponse>")
            .replace("</R>", "</DescribeRefreshTaskByIdResponse>");
        assert!(!BY_ID_XML.agree(body.as_bytes()), "{body}");
    }
    for body in [
        r#"{"RequestId":"a\/b","TotalCount":0}"#,
        r#"{"RequestId":"a","TotalCount":0.0}"#,
        r#"{"RequestId":"a","TotalCount":01}"#,
        r#"{"RequestId":"a","TotalCount":-0}"#,
        r#"{"RequestId":"a","TotalCount":18446744073709551616}"#,
        r#"{"RequestId":"a","TotalCount":"0"}"#,
        r#"{"RequestId":"a","TotalCount":0,"Tasks":null}"#,
        r#"{"RequestId":"a","TotalCount":0,"Extra":{}}"#,
        r#"{"RequestId":"a","RequestId":"b","TotalCount":0}"#,
        r#"{"RequestId":"a","TotalCount":0,}"#,
        r#"{"RequestId":"a","TotalCount":0} x"#,
        "{\"RequestId\":\"a\tb\",\"TotalCount\":0}",
        r#"["a",[],0]"#,
    ] {
        assert!(!BY_ID_JSON.agree(body.as_bytes()), "{body}");
    }
}

#[test]
fn blanks_unknown_fields_and_entities_stay_on_the_fast_path() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeRefreshTaskByIdResponse>\r\n\t<TotalCount>1</TotalCount><Extra>x&y</Extra>\
        <Tasks> <TaskId>7</TaskId><Status>Pending</Status><Process>0%</Process><ObjectType>file</ObjectType>\
        <ObjectPath>a&lt;&#x42;&amp;</ObjectPath><CreationTime>2026-11-28T00:00Z</CreationTime><New>1</New></Tasks>\
        <RequestId>r</RequestId></DescribeRefreshTaskByIdResponse>\n";
    assert!(BY_ID_XML.agree(xml.as_bytes()));
    let response = ById::decode_xml(xml.as_bytes()).unwrap();
    assert_eq!(response.tasks[0].object_path, "a<B&");
    let json = "{ \"TotalCount\" : 1 ,\n \"Extra\": \"x\", \"Tasks\": [ {\"TaskId\":\"7\",\"Status\":\"Pending\",\
        \"Process\":\"0%\",\"ObjectType\":\"file\",\"ObjectPath\":\"路径\",\"CreationTime\":\"2026-11-28T00:00Z\",\"New\":\"1\"} ],\
        \"RequestId\":\"r\" }";
    assert!(BY_ID_JSON.agree(json.as_bytes()));
}

#[test]
fn the_page_shape_reads_the_same_tasks() {
    let response = ById::decode_xml(FIXTURE_XML.as_bytes()).unwrap();
    let tasks: Vec<String> = response
        .tasks
        .iter()
        .map(|task| serde_json::to_string(task).unwrap())
        .collect();
    let json = format!(
        r#"{{"RequestId":"r","PageNumber":2,"PageSize":20,"TotalCount":22,"Tasks":{{"CDNTask":[{}]}}}}"#,
        tasks.join(",")
    );
    assert!(PAGE_JSON.agree(json.as_bytes()));
    // The same tasks as `<CDNTask>`s in the page's wrapper.
    let inner: String = response
        .encode_xml()
        .split("<Tasks>")
        .skip(1)
        .map(|piece| format!("<CDNTask>{}</CDNTask>", piece.split("</Tasks>").next().unwrap()))
        .collect();
    let xml = format!(
        "<DescribeRefreshTasksResponse><RequestId>r</RequestId><PageNumber>2</PageNumber><PageSize>20</PageSize>\
         <TotalCount>22</TotalCount><Tasks>{inner}</Tasks></DescribeRefreshTasksResponse>"
    );
    assert!(PAGE_XML.agree(xml.as_bytes()));
    let page = task_page::decode_xml(xml.as_bytes()).expect("the page shape");
    assert_eq!((page.page_number, page.page_size, page.total_count), (2, 20, 22));
    assert_eq!(page.tasks, response.tasks);
    // The page's encoders write what the fast paths read.
    assert!(PAGE_JSON.agree(page.encode_json().as_bytes()));
    assert!(PAGE_XML.agree(page.encode_xml().as_bytes()));
}

#[test]
fn empty_pages_decode_as_the_general_decoders_decode_them() {
    let head = r#""RequestId":"r","PageNumber":1,"PageSize":20,"TotalCount":0"#;
    // No `Tasks`: an empty page, on the fast path as in the general decoder.
    assert!(PAGE_JSON.agree(format!("{{{head}}}").as_bytes()));
    assert!(PAGE_JSON.agree(format!(r#"{{{head},"Tasks":{{"CDNTask":[]}}}}"#).as_bytes()));
    // The other empty forms are the general decoder's.
    for tasks in [
        r#"{}"#,
        "null",
        r#"{"CDNTask":null}"#,
        r#"{"CDNTask":[],"Other":"x"}"#,
    ] {
        let body = format!(r#"{{{head},"Tasks":{tasks}}}"#);
        assert!(!PAGE_JSON.agree(body.as_bytes()), "{body}");
        assert!(Page::decode_json(body.as_bytes()).is_ok(), "{body}");
    }
    let head =
        "<RequestId>r</RequestId><PageNumber>1</PageNumber><PageSize>20</PageSize><TotalCount>0</TotalCount>";
    let xml =
        |tasks: &str| format!("<DescribeRefreshTasksResponse>{head}{tasks}</DescribeRefreshTasksResponse>");
    assert!(PAGE_XML.agree(xml("").as_bytes()));
    assert!(PAGE_XML.agree(xml("<Tasks></Tasks>").as_bytes()));
    assert!(PAGE_XML.agree(xml("<Tasks>\n  </Tasks>").as_bytes()));
    for tasks in [
        "<Tasks/>",
        "<Tasks><Other>x</Other></Tasks>",
        "<Tasks></Tasks><Tasks></Tasks>",
    ] {
        assert!(!PAGE_XML.agree(xml(tasks).as_bytes()), "{tasks}");
    }
}

// --- generated bodies -------------------------------------------------------------------------

/// A field's text: valid values of every field, and the odd ones.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2026-11-28T08:54:23Z".to_owned()),
        Just("2020-08-03T08:54Z".to_owned()),
        Just("2020-02-30T08:54:23Z".to_owned()),
        Just("100%".to_owned()),
        Just("99.37%".to_owned()),
        Just("101%".to_owned()),
        Just("16620931541".to_owned()),
        Just("123456789012345678901".to_owned()),
        Just("file".to_owned()),
        Just("Complete".to_owned()),
        Just("Origin Timeout".to_owned()),
        Just("0".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("+5".to_owned()),
        "[0-9]{1,4}",
        "[a-z&<>\"' ;#=/:?%.\\]\\[\t\r\n]{0,16}",
        "\\PC{0,12}",
    ]
}

/// Field names: the body's own, and others.
fn name() -> impl Strategy<Value = &'static str> {
    let mut names = vec!["RequestId", "TotalCount", "Unknown", "Tasks"];
    names.extend(super::task_fields::TASK_FIELDS);
    prop::sample::select(names)
}

/// The text of field `name`: mostly a valid value of it, sometimes any [`text`].
fn field_text(name: &str) -> BoxedStrategy<String> {
    let valid: BoxedStrategy<String> = match name {
        "CreationTime" => (0i64..253_402_300_799, any::<bool>())
            .prop_map(|(secs, seconds)| {
                let time = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
                let format = if seconds {
                    "%Y-%m-%dT%H:%M:%SZ"
                } else {
                    "%Y-%m-%dT%H:%MZ"
                };
                time.format(format).to_string()
            })
            .boxed(),
        "Process" => "(100|[0-9]{1,2})(\\.[0-9]{1,2})?%".boxed(),
        "TaskId" => "[0-9]{1,20}".boxed(),
        "TotalCount" => "0|[1-9][0-9]{0,6}".boxed(),
        "Description" => prop_oneof![Just(String::new()), Just("Origin Timeout".to_owned()), text()].boxed(),
        "ObjectType" => prop_oneof![Just("file".to_owned()), Just("regex".to_owned()), text()].boxed(),
        "Status" => prop_oneof![Just("Complete".to_owned()), Just("Failed".to_owned()), text()].boxed(),
        _ => prop_oneof![Just("http://example.com/a?b=1&c=2".to_owned()), text()].boxed(),
    };
    prop_oneof![19 => valid, 1 => text()].boxed()
}

/// How a field is written: mostly plainly (with or without blanks before it: the top three
/// bits), sometimes any of the odd ways (the low bits).
fn style() -> impl Strategy<Value = u8> {
    prop_oneof![12 => (0u8..8).prop_map(|blanks| blanks << 5), 1 => any::<u8>()]
}

/// Now and then a few fields of any name, any text.
fn extra_fields() -> impl Strategy<Value = Vec<(&'static str, String, u8)>> {
    prop_oneof![
        7 => Just(Vec::new()),
        1 => prop::collection::vec((name(), text(), style()), 1..3),
    ]
}

/// One task: the seven fields in some order, sometimes one dropped, sometimes foreign ones added.
fn task_fields() -> impl Strategy<Value = Vec<(&'static str, String, u8)>> {
    let names = super::task_fields::TASK_FIELDS;
    let fields: Vec<_> = names
        .iter()
        .map(|name| (Just(*name), field_text(name), style()))
        .collect();
    (fields, extra_fields(), prop::bool::weighted(0.1), any::<bool>()).prop_flat_map(
        |(mut fields, extra, drop, in_order)| {
            if drop {
                fields.pop();
            }
            fields.extend(extra);
            if in_order {
                Just(fields).boxed()
            } else {
                Just(fields).prop_shuffle().boxed()
            }
        },
    )
}

/// A by-ID body's parts: `RequestId`, `TotalCount`, tasks, unknown fields, in some order.
#[derive(Debug, Clone)]
enum Part {
    Field(&'static str, String, u8),
    Task(Vec<(&'static str, String, u8)>),
}

fn parts() -> impl Strategy<Value = Vec<Part>> {
    (
        field_text("RequestId"),
        field_text("TotalCount"),
        prop::collection::vec(task_fields(), 0..4),
        extra_fields(),
        (style(), style()),
    )
        .prop_map(|(request_id, count, tasks, extra, (s1, s2))| {
            let mut parts = vec![
                Part::Field("RequestId", request_id, s1),
                Part::Field("TotalCount", count, s2),
            ];
            parts.extend(tasks.into_iter().map(Part::Task));
            parts.extend(extra.into_iter().map(|(n, t, s)| Part::Field(n, t, s)));
            parts
        })
        .prop_shuffle()
}

/// Blanks between elements or tokens, chosen by `style`.
fn blank(style: u8) -> &'static str {
    ["", "", "", "", "\n  ", " ", "\t", "\r\n"][usize::from(style >> 5)]
}

/// XML text written one of several ways, chosen by `style`.
fn xml_text(text: &str, style: u8) -> String {
    let minimal = text.replace('&', "&amp;").replace('<', "&lt;");
    match style % 8 {
        0 | 1 => minimal,
        2 => minimal
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;"),
        3 => text.chars().map(|c| format!("&#{};", u32::from(c))).collect(),
        4 if !text.contains("]]>") => format!("<![CDATA[{text}]]>"),
        5 => format!("{minimal}<!--c-->"),
        6 => text.to_owned(),
        _ => format!("{minimal}&bogus;"),
    }
}

fn xml_element(name: &str, text: &str, style: u8) -> String {
    let gap = blank(style);
    match style % 16 {
        15 if text.is_empty() => format!("{gap}<{name}/>"),
        14 => format!("{gap}<x:{name}>{}</x:{name}>", xml_text(text, style)),
        _ => format!("{gap}<{name}>{}</{name}>", xml_text(text, style)),
    }
}

/// A by-ID body: each task a `<Tasks>` element.
fn xml_body(parts: &[Part], prolog: u8) -> String {
    xml_document(parts, prolog, "DescribeRefreshTaskByIdResponse", None)
}

/// A `DescribeRefreshTasks` page of the same parts, `PageNumber` and `PageSize` added: the tasks
/// as `<CDNTask>`s in one `<Tasks>` where the first task was (an empty `<Tasks>` or none at all
/// when there are no tasks).
fn page_xml_body(parts: &[Part], prolog: u8, number: &str) -> String {
    let mut parts = parts.to_vec();
    let at = usize::from(prolog) % (parts.len() + 1);
    parts.insert(at, Part::Field("PageNumber", number.to_owned(), prolog & 0x60));
    parts.insert(parts.len() - at, Part::Field("PageSize", "20".to_owned(), 0));
    xml_document(&parts, prolog, "DescribeRefreshTasksResponse", Some("CDNTask"))
}

/// An XML document of `parts` under `root`: each task a `<Tasks>` element, or, with `wrapped`,
/// all of them `wrapped` elements in one `<Tasks>`.
fn xml_document(parts: &[Part], prolog: u8, root: &str, wrapped: Option<&str>) -> String {
    let mut out = match prolog % 4 {
        0 | 1 => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_owned(),
        2 => String::new(),
        _ => "<?xml version=\"1.0\"?><!--c-->\n".to_owned(),
    };
    out.push_str(&format!("<{root}>"));
    let task_xml = |name: &str, fields: &[(&str, String, u8)]| {
        let inner: String = fields
            .iter()
            .map(|(field, text, style)| xml_element(field, text, *style))
            .collect();
        format!("<{name}>{inner}</{name}>")
    };
    let mut wrapper_written = false;
    for part in parts {
        match (part, wrapped) {
            (Part::Field(name, text, style), _) => out.push_str(&xml_element(name, text, *style)),
            (Part::Task(fields), None) => out.push_str(&task_xml("Tasks", fields)),
            (Part::Task(_), Some(_)) if wrapper_written => {}
            (Part::Task(_), Some(inner)) => {
                wrapper_written = true;
                out.push_str("<Tasks>");
                for part in parts {
                    if let Part::Task(fields) = part {
                        out.push_str(blank(prolog));
                        out.push_str(&task_xml(inner, fields));
                    }
                }
                out.push_str("</Tasks>");
            }
        }
    }
    if wrapped.is_some() && !wrapper_written && prolog & 0x10 != 0 {
        out.push_str("<Tasks></Tasks>");
    }
    out.push_str(&format!("</{root}>"));
    out.push_str(blank(prolog));
    out
}

/// A JSON string written one of several ways, chosen by `style`.
fn json_string(text: &str, style: u8) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    match style % 8 {
        0..=3 => quoted,
        4 => quoted.replace('/', "\\/"),
        5 => {
            text.chars().fold("\"".to_owned(), |out, c| {
                out + &format!("\\u{:04x}", u32::from(c) & 0xffff)
            }) + "\""
        }
        6 => format!("\"{text}\""),
        _ => text.to_owned(),
    }
}

fn json_field(name: &str, text: &str, style: u8, count: bool) -> String {
    let gap = blank(style);
    let value = if count && style % 8 < 6 {
        text.to_owned()
    } else {
        json_string(text, style)
    };
    format!("{gap}\"{name}\"{gap}:{gap}{value}")
}

fn json_body(parts: &[Part], style: u8) -> String {
    let mut fields = Vec::new();
    let mut tasks = Vec::new();
    for part in parts {
        match part {
            Part::Field(name, text, style) => {
                fields.push(json_field(name, text, *style, *name == "TotalCount"))
            }
            Part::Task(task) => tasks.push(format!(
                "{{{}}}",
                task.iter()
                    .map(|(name, text, style)| json_field(name, text, *style, false))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        }
    }
    if style % 4 != 3 {
        let at = usize::from(style) % (fields.len() + 1);
        fields.insert(
            at,
            format!("\"Tasks\":[{}]", tasks.join(&format!(",{}", blank(style)))),
        );
    }
    format!(
        "{}{{{}}}{}",
        blank(style),
        fields.join(","),
        blank(style.rotate_left(3))
    )
}

/// Damage to a body: none (most often), a cut, a byte replaced, inserted or removed.
fn damage(mut body: Vec<u8>, how: (u8, usize, u8)) -> Vec<u8> {
    let (kind, at, byte) = how;
    let at = at % (body.len() + 1);
    match kind % 16 {
        12 => body.truncate(at),
        13 if at < body.len() => body[at] = byte,
        14 => body.insert(at, byte),
        15 if at < body.len() => {
            body.remove(at);
        }
        _ => {}
    }
    body
}

proptest! {
    #![proptest_config(crate::pinned_cases::pinned_cases(2_000))]

    #[test]
    fn xml_fast_path_agrees_with_the_general_decoder(parts in parts(), prolog: u8, how: (u8, usize, u8)) {
        BY_ID_XML.agree(&damage(xml_body(&parts, prolog).into_bytes(), how));
    }

    #[test]
    fn json_fast_path_agrees_with_serde_json(parts in parts(), style: u8, how: (u8, usize, u8)) {
        BY_ID_JSON.agree(&damage(json_body(&parts, style).into_bytes(), how));
    }

    #[test]
    fn json_page_fast_path_agrees_with_serde_json(parts in parts(), style: u8, how: (u8, usize, u8), number in field_text("TotalCount")) {
        PAGE_JSON.agree(&damage(page_json_body(&parts, style, &number).into_bytes(), how));
    }

    #[test]
    fn xml_page_fast_path_agrees_with_the_general_decoder(parts in parts(), prolog: u8, how: (u8, usize, u8), number in field_text("TotalCount")) {
        PAGE_XML.agree(&damage(page_xml_body(&parts, prolog, &number).into_bytes(), how));
    }
}

/// A `DescribeRefreshTasks` page of the same parts: `Tasks` wrapped, page number and size added.
fn page_json_body(parts: &[Part], style: u8, number: &str) -> String {
    let body = json_body(parts, style)
        .replacen("\"Tasks\":[", "\"Tasks\":{\"CDNTask\":[", 1)
        .replacen(
            "\"TotalCount\"",
            &format!("\"PageNumber\":{number},\"PageSize\":20,\"TotalCount\""),
            1,
        );
    if body.contains("{\"CDNTask\":[") {
        close_wrapper(&body)
    } else {
        body
    }
}

/// Inserts the `}` that closes `{"CDNTask":[…]` right after its array.
fn close_wrapper(body: &str) -> String {
    let start = body.find("{\"CDNTask\":[").unwrap_or_default() + "{\"CDNTask\":".len();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in body[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => depth += 1,
            ']' | '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    let end = start + index + 1;
                    return format!("{}}}{}", &body[..end], &body[end..]);
                }
            }
            _ => {}
        }
    }
    body.to_owned()
}

/// How often the generated bodies take the fast path: a property that never reaches it checks
/// nothing. Deterministic (a fixed seed), so the counts do not move between runs.
#[test]
fn generated_bodies_reach_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let (mut xml_hits, mut json_hits, mut page_hits, mut page_xml_hits) = (0, 0, 0, 0);
    for _ in 0..500 {
        let parts = parts().new_tree(&mut runner).unwrap().current();
        let style = any::<u8>().new_tree(&mut runner).unwrap().current();
        xml_hits += usize::from(BY_ID_XML.agree(xml_body(&parts, style).as_bytes()));
        json_hits += usize::from(BY_ID_JSON.agree(json_body(&parts, style).as_bytes()));
        page_hits += usize::from(PAGE_JSON.agree(page_json_body(&parts, style, "1").as_bytes()));
        page_xml_hits += usize::from(PAGE_XML.agree(page_xml_body(&parts, style, "1").as_bytes()));
    }
    assert!(
        xml_hits >= 50,
        "only {xml_hits} of 500 XML bodies took the fast path"
    );
    assert!(
        json_hits >= 50,
        "only {json_hits} of 500 JSON bodies took the fast path"
    );
    assert!(
        page_hits >= 50,
        "only {page_hits} of 500 JSON pages took the fast path"
    );
    assert!(
        page_xml_hits >= 50,
        "only {page_xml_hits} of 500 XML pages took the fast path"
    );
}
