//! Fault injection, observed with a raw TCP client.

use crate::common::*;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{ApiRequest, DescribeRefreshTaskById, Format, RefreshType};
use cdn_task_mock::{Fault, FaultConfig};
use std::time::{Duration, Instant};

fn describe_request(mock: &Mock, format: Format) -> Vec<u8> {
    let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), format);
    raw_request(&mock.host(), &mock.sign(&request, SignatureVersion::Rpc))
}

fn split_response(bytes: &[u8]) -> (String, Vec<u8>) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    (
        String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase(),
        bytes[end + 4..].to_vec(),
    )
}

#[tokio::test]
async fn internal_error_and_service_unavailable_answer_in_the_format_asked() {
    let mock = Mock::start(config()).await;
    for (fault, status, code) in [
        (Fault::InternalError, 500, "InternalError"),
        (Fault::ServiceUnavailable, 503, "ServiceUnavailable"),
    ] {
        mock.server.set_faults(FaultConfig::always(fault.clone()));
        for format in BOTH_FORMATS {
            let request = ApiRequest::new(&DescribeRefreshTaskById::new("1".parse().unwrap()), format);
            let answer = mock.call(&request, SignatureVersion::Acs3).await;
            answer.expect_error(code, status, format);
        }
        // The request is not processed: no task is created.
        let refresh = ApiRequest::new(&refresh_op(&["http://a.com/"], RefreshType::File), Format::Json);
        assert_eq!(mock.call(&refresh, SignatureVersion::Rpc).await.status, status);
        assert_eq!(mock.server.received().last().unwrap().fault, Some(fault));
    }
    mock.server.set_faults(FaultConfig::default());
    // The refreshes above created nothing: the first real one gets the first ID.
    let ids = mock.refresh(&["http://a.com/"], RefreshType::File).await;
    assert_eq!(ids[0].as_str(), "100000001");
}

#[tokio::test]
async fn delay_answers_normally_after_the_delay() {
    let mock =
        Mock::start(config().with_faults(FaultConfig::always(Fault::Delay(Duration::from_millis(300)))))
            .await;
    let started = Instant::now();
    let (received, _) = raw_exchange(&mock.server, &describe_request(&mock, Format::Json)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    let (head, body) = split_response(&received);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("\"TotalCount\":0"));
}

#[tokio::test]
async fn drop_connection_closes_without_a_byte() {
    let mock = Mock::start(config().with_faults(FaultConfig::always(Fault::DropConnection))).await;
    let (received, _) = raw_exchange(&mock.server, &describe_request(&mock, Format::Xml)).await;
    assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received));
    let calls = mock.server.received();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].status, calls[0].fault.clone()),
        (None, Some(Fault::DropConnection))
    );
    // An HTTP client sees a transport error.
    let url = format!("{}/?Format=JSON", mock.server.base_url());
    let error = reqwest::get(url).await.unwrap_err();
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    // The server itself is fine.
    mock.server.set_faults(FaultConfig::default());
    assert!(mock.tasks("1").await.is_empty());
}

#[tokio::test]
async fn truncated_body_declares_more_than_it_sends() {
    let mock = Mock::start(config()).await;
    let ids = mock
        .refresh(
            &["http://example.com/a-long-enough-path/file.js"],
            RefreshType::File,
        )
        .await;
    mock.server.set_faults(FaultConfig::always(Fault::TruncatedBody));
    let request = ApiRequest::new(
        &DescribeRefreshTaskById::new(joined(&ids).parse().unwrap()),
        Format::Json,
    );
    let (received, _) = raw_exchange(
        &mock.server,
        &raw_request(&mock.host(), &mock.sign(&request, SignatureVersion::Rpc)),
    )
    .await;
    let (head, body) = split_response(&received);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
    assert_eq!(body.len(), declared / 2);
    // An HTTP client cannot read the body.
    let answer = reqwest::Client::new()
        .post(mock.url("/", &mock.sign(&request, SignatureVersion::Rpc).query))
        .send()
        .await
        .unwrap();
    assert!(answer.bytes().await.is_err());
}

#[tokio::test]
async fn a_share_of_requests_gets_faults_deterministically_per_seed() {
    let pattern = |seed: u64| async move {
        let mock = Mock::start(config().with_rng_seed(seed).with_faults(FaultConfig::new(
            0.5,
            vec![Fault::InternalError, Fault::ServiceUnavailable],
        )))
        .await;
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(
                mock.describe("1", Format::Json, SignatureVersion::Rpc)
                    .await
                    .status,
            );
        }
        statuses
    };
    let first = pattern(9).await;
    assert_eq!(first, pattern(9).await);
    for status in [200, 500, 503] {
        assert!(first.contains(&status), "{first:?}");
    }
}
