//! Hostile input: oversized bodies, bad escapes, invalid UTF-8, floods of parameters, garbage.
//! Each gets a clear 4xx; the server stays up and its state intact.

use crate::common::*;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{Format, RefreshType};

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let mock = Mock::start(config().with_max_body_bytes(1024)).await;
    let big = format!("Format=JSON&Junk={}", "a".repeat(4096)).into_bytes();
    let answer = mock.send_raw("POST", "", &[FORM], big).await;
    let body = answer.expect_error("InvalidParameter", 400, Format::Xml);
    assert!(body.message.contains("exceeds 1024 bytes"), "{}", body.message);

    // Chunked, with no Content-Length to go by; the format still comes from the query.
    let mut chunked = b"POST /?Format=JSON HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
        content-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n"
        .to_vec();
    for _ in 0..4 {
        chunked.extend_from_slice(format!("400\r\n{}\r\n", "b".repeat(1024)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (received, _) = raw_exchange(&mock.server, &chunked).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("\"Code\":\"InvalidParameter\""), "{text}");

    // A body within the limit is fine.
    assert_eq!(mock.refresh(&["http://a.com/"], RefreshType::File).await.len(), 1);
}

#[tokio::test]
async fn bad_escapes_and_invalid_utf8_are_invalid_parameters() {
    let mock = Mock::start(config()).await;
    for (query, headers, body, location) in [
        ("Format=JSON&Action=%zz", &[][..], Vec::new(), "query string"),
        ("Format=JSON&Action=%4", &[][..], Vec::new(), "query string"),
        ("Format=JSON", &[FORM][..], b"TaskId=%G0".to_vec(), "form body"),
    ] {
        let answer = mock.send_raw("POST", query, headers, body).await;
        let error = answer.expect_error("InvalidParameter", 400, Format::Json);
        assert!(error.message.contains(location), "{}", error.message);
    }
    // Escapes that decode to invalid UTF-8.
    let answer = mock
        .send_raw("GET", "Format=XML&Action=%FF%FE", &[], Vec::new())
        .await;
    answer.expect_error("InvalidParameter", 400, Format::Xml);
    // A form body that is not UTF-8 at all.
    let answer = mock
        .send_raw("POST", "Format=JSON", &[FORM], b"TaskId=\xff\xfe".to_vec())
        .await;
    let error = answer.expect_error("InvalidParameter", 400, Format::Json);
    assert!(
        error.message.contains("form body")
            && error.message.contains("0xFF at byte 7 is not percent-encoded"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn ten_thousand_parameters_are_refused_by_count_and_a_few_extra_are_ignored() {
    let mock = Mock::start(config()).await;
    let ids = mock.refresh(&["http://a.com/"], RefreshType::File).await;
    let id = ids[0].to_string();
    let names: Vec<String> = (0..10_000).map(|n| format!("P{n}")).collect();
    let mut query: Vec<(&str, &str)> = vec![
        ("Action", "DescribeRefreshTaskById"),
        ("Version", "2018-05-10"),
        ("Format", "JSON"),
        ("TaskId", &id),
    ];
    query.extend(names.iter().map(|name| (name.as_str(), "v")));
    // Signed, in a form body: extra parameters are ignored.
    let form: String = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let signed = mock.sign_parts(
        SignatureVersion::Rpc,
        "POST",
        &[],
        form.as_bytes(),
        Some(FORM.1),
        ("", ""),
    );
    // Signed or not, more parameters than any call of the API has are refused by count, before
    // any is decoded: in a form body and in a query (as long as URLs go).
    mock.send(&signed)
        .await
        .expect_error("InvalidParameter", 400, Format::Json);
    let answer = mock
        .send_raw("POST", "", &[FORM], form.clone().into_bytes())
        .await;
    answer.expect_error("InvalidParameter", 400, Format::Json);
    let half: String = form.split('&').take(5_000).collect::<Vec<_>>().join("&");
    let answer = mock.send_raw("GET", &half, &[], Vec::new()).await;
    answer.expect_error("InvalidParameter", 400, Format::Json);
    // Extra parameters under the bound are signed and ignored.
    let few: String = form.split('&').take(60).collect::<Vec<_>>().join("&");
    let signed = mock.sign_parts(
        SignatureVersion::Rpc,
        "POST",
        &[],
        few.as_bytes(),
        Some(FORM.1),
        ("", ""),
    );
    let response: cdn_task_core::DescribeRefreshTaskByIdResponse =
        mock.send(&signed).await.decode(Format::Json);
    assert_eq!(response.tasks.len(), 1);
}

#[tokio::test]
async fn garbage_does_not_take_the_server_down_or_corrupt_it() {
    let mock = Mock::start(config()).await;
    let ids = mock.refresh(&["http://a.com/keep"], RefreshType::File).await;
    // Not HTTP at all.
    let (received, _) = raw_exchange(&mock.server, b"\x00\x01\x02 hello\r\n\r\n").await;
    assert!(received.is_empty() || received.starts_with(b"HTTP/1.1 400"));
    // Header values that are not UTF-8, a Content-Length that lies short, a huge lying one.
    for request in [
        &b"GET /?Format=JSON HTTP/1.1\r\nhost: x\r\nx-acs-signature-nonce: \xff\xfe\r\nconnection: close\r\n\r\n"[..],
        &b"POST /?Format=JSON HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\nabcdef"[..],
        &b"POST /?Format=JSON HTTP/1.1\r\nhost: x\r\ncontent-length: 99999999999\r\nconnection: close\r\n\r\nab"[..],
        &b"POST /?Format=JSON HTTP/1.1\r\nhost: x\r\nauthorization: ACS3-HMAC-SHA256 \xe2\x82\r\nconnection: close\r\n\r\n"[..],
    ] {
        let (received, _) = raw_exchange(&mock.server, request).await;
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 4"), "{text}");
    }
    // Still up, and the task created before is intact.
    let tasks = mock.tasks(&joined(&ids)).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].object_path, "http://a.com/keep");
}

#[tokio::test]
async fn concurrent_creations_keep_ids_unique_and_quotas_exact() {
    let mock = std::sync::Arc::new(Mock::start(config().with_rate_limit(None)).await);
    let mut calls = tokio::task::JoinSet::new();
    for n in 0..20 {
        let mock = std::sync::Arc::clone(&mock);
        calls.spawn(async move {
            let paths: Vec<String> = (0..5).map(|i| format!("http://a.com/{n}/{i}")).collect();
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            mock.refresh(&paths, RefreshType::File).await
        });
    }
    let mut ids: Vec<String> = calls
        .join_all()
        .await
        .concat()
        .iter()
        .map(ToString::to_string)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    let quota: cdn_task_core::RefreshQuota = mock
        .call(
            &cdn_task_core::ApiRequest::new(&cdn_task_core::DescribeRefreshQuota, Format::Json),
            SignatureVersion::Rpc,
        )
        .await
        .decode(Format::Json);
    assert_eq!(quota.url.remain, 10_000 - 100);
}
