//! Every error row of API.md that applies to the mock, in both formats where it matters.

use crate::common::*;
use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::{ApiRequest, Format, PushObjectCache, RefreshType};
use chrono::TimeDelta;
use std::time::Duration;

fn describe_with(format: Format, task_ids: Option<&str>) -> ApiRequest {
    ApiRequest::from_parts(
        "DescribeRefreshTaskById",
        "2018-05-10",
        format,
        task_ids
            .map(|ids| vec![("TaskId", ids.to_owned())])
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn task_id_validation_errors() {
    let mock = Mock::start(config()).await;
    let eleven = (1..=11).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    for format in BOTH_FORMATS {
        for scheme in BOTH_SCHEMES {
            let missing = mock.call(&describe_with(format, None), scheme).await;
            let body = missing.expect_error("MissingParameter", 400, format);
            assert_eq!(
                body.message,
                "The input parameter \"TaskId\" that is mandatory for processing this request is not supplied."
            );
            let empty = mock.call(&describe_with(format, Some("")), scheme).await;
            empty.expect_error("MissingParameter", 400, format);
            let malformed = mock.call(&describe_with(format, Some("123,abc")), scheme).await;
            let body = malformed.expect_error("InvalidTaskId.Malformed", 400, format);
            assert_eq!(body.message, "The specified TaskId is invalid.");
            let too_many = mock.call(&describe_with(format, Some(&eleven)), scheme).await;
            let body = too_many.expect_error("InvalidTaskId", 400, format);
            assert_eq!(body.message, "The maximum number of taskIds is 10.");
        }
    }
    // Ten is fine.
    let ten = (1..=10).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    assert!(mock.tasks(&ten).await.is_empty());
}

#[tokio::test]
async fn unknown_key_and_bad_signature() {
    let mock = Mock::start(config()).await;
    let request = describe_with(Format::Json, Some("1"));
    for scheme in BOTH_SCHEMES {
        let stranger = mock.sign_as(&request, scheme, &Credentials::new("nobody", "x"));
        mock.send(&stranger)
            .await
            .expect_error("InvalidAccessKeyId.NotFound", 404, Format::Json);

        let wrong_secret = mock.sign_as(&request, scheme, &Credentials::new(ID, "not-the-secret"));
        let body = mock
            .send(&wrong_secret)
            .await
            .expect_error("SignatureDoesNotMatch", 400, Format::Json);
        assert!(
            body.message.contains("server string to sign is:"),
            "{}",
            body.message
        );
        assert!(!body.message.contains(SECRET));

        // A parameter changed after signing.
        let mut tampered = mock.sign(&request, scheme);
        tampered.query = tampered.query.replace("TaskId=1", "TaskId=2");
        mock.send(&tampered)
            .await
            .expect_error("SignatureDoesNotMatch", 400, Format::Json);
    }
    let calls = mock.server.received();
    assert!(calls.iter().all(|c| c.access_key_id.is_none()), "{calls:?}");
}

#[tokio::test]
async fn incomplete_signatures() {
    let mock = Mock::start(config()).await;
    let request = describe_with(Format::Json, Some("1"));

    // RPC without its Signature.
    let mut rpc = mock.sign(&request, SignatureVersion::Rpc);
    rpc.query = rpc
        .query
        .split('&')
        .filter(|pair| !pair.starts_with("Signature="))
        .collect::<Vec<_>>()
        .join("&");
    mock.send(&rpc)
        .await
        .expect_error("IncompleteSignature", 400, Format::Json);

    // ACS3 with a mangled Authorization header.
    let mut acs3 = mock.sign(&request, SignatureVersion::Acs3);
    for (name, value) in &mut acs3.headers {
        if name == "authorization" {
            *value = "ACS3-HMAC-SHA256 Credential=testid".to_owned();
        }
    }
    mock.send(&acs3)
        .await
        .expect_error("IncompleteSignature", 400, Format::Json);

    // No signature at all.
    mock.send_raw(
        "GET",
        "Action=DescribeRefreshTaskById&Version=2018-05-10&Format=JSON&TaskId=1",
        &[],
        Vec::new(),
    )
    .await
    .expect_error("IncompleteSignature", 400, Format::Json);
}

#[tokio::test]
async fn malformed_timestamp() {
    let mock = Mock::start(config()).await;
    let mut rpc = mock.sign(&describe_with(Format::Xml, Some("1")), SignatureVersion::Rpc);
    let stamp = rpc
        .query
        .split('&')
        .find(|pair| pair.starts_with("Timestamp="))
        .unwrap()
        .to_owned();
    rpc.query = rpc.query.replace(&stamp, "Timestamp=yesterday");
    mock.send(&rpc)
        .await
        .expect_error("InvalidTimeStamp.Format", 400, Format::Xml);

    let mut acs3 = mock.sign(&describe_with(Format::Xml, Some("1")), SignatureVersion::Acs3);
    for (name, value) in &mut acs3.headers {
        if name == "x-acs-date" {
            *value = "2026-06-01 00:00:00".to_owned();
        }
    }
    mock.send(&acs3)
        .await
        .expect_error("InvalidTimeStamp.Format", 400, Format::Xml);
}

#[tokio::test]
async fn timestamps_more_than_15_minutes_off_are_expired() {
    let mock = Mock::start(config()).await;
    let request = describe_with(Format::Json, Some("1"));
    let credentials = Credentials::new(ID, SECRET);
    for scheme in BOTH_SCHEMES {
        for (offset, accepted) in [
            (TimeDelta::minutes(-15), true),
            (TimeDelta::minutes(15), true),
            (TimeDelta::minutes(-16), false),
            (TimeDelta::minutes(16), false),
        ] {
            let signed = request.sign(
                scheme,
                &mock.host(),
                &credentials,
                mock.now() + offset,
                &mock.nonce(),
            );
            let answer = mock.send(&signed).await;
            if accepted {
                assert_eq!(answer.status, 200, "{scheme:?} {offset}: {}", answer.text());
            } else {
                answer.expect_error("InvalidTimeStamp.Expired", 400, Format::Json);
            }
        }
    }
}

#[tokio::test]
async fn replayed_nonces_are_refused_for_15_minutes() {
    let mock = Mock::start(config()).await;
    let request = describe_with(Format::Json, Some("1"));
    let credentials = Credentials::new(ID, SECRET);
    for scheme in BOTH_SCHEMES {
        let nonce = format!("replayed-{scheme:?}");
        let signed = request.sign(scheme, &mock.host(), &credentials, mock.now(), &nonce);
        assert_eq!(mock.send(&signed).await.status, 200);
        mock.send(&signed)
            .await
            .expect_error("SignatureNonceUsed", 400, Format::Json);
        // Another key may use the same nonce.
        let other = request.sign(
            scheme,
            &mock.host(),
            &Credentials::new(OTHER_ID, OTHER_SECRET),
            mock.now(),
            &nonce,
        );
        assert_eq!(mock.send(&other).await.status, 200);
    }
    // After 15 minutes the nonce is forgotten: a fresh signature with it passes.
    mock.server.clock().advance(Duration::from_secs(15 * 60 + 1));
    let again = request.sign(
        SignatureVersion::Rpc,
        &mock.host(),
        &credentials,
        mock.now(),
        "replayed-Rpc",
    );
    assert_eq!(mock.send(&again).await.status, 200);
}

#[tokio::test]
async fn unknown_action_and_wrong_version() {
    let mock = Mock::start(config()).await;
    for scheme in BOTH_SCHEMES {
        for format in BOTH_FORMATS {
            let mut unknown = describe_with(format, Some("1"));
            unknown.action = "DescribeEverything";
            let body = mock
                .call(&unknown, scheme)
                .await
                .expect_error("InvalidAction.NotFound", 404, format);
            assert_eq!(
                body.message,
                "Specified api is not found, please check your url and method."
            );
            let mut old = describe_with(format, Some("1"));
            old.version = "2014-11-11";
            mock.call(&old, scheme)
                .await
                .expect_error("InvalidVersion", 400, format);
        }
    }
    // No Action or Version at all (RPC, signed).
    let no_version = mock.sign_parts(
        SignatureVersion::Rpc,
        "GET",
        &[("Action", "DescribeRefreshTaskById"), ("TaskId", "1")],
        b"",
        None,
        ("", ""),
    );
    let body = mock
        .send(&no_version)
        .await
        .expect_error("MissingParameter", 400, Format::Xml);
    assert!(body.message.contains("\"Version\""), "{}", body.message);
    let no_action = mock.sign_parts(
        SignatureVersion::Rpc,
        "GET",
        &[("Version", "2018-05-10")],
        b"",
        None,
        ("", ""),
    );
    let body = mock
        .send(&no_action)
        .await
        .expect_error("MissingParameter", 400, Format::Xml);
    assert!(body.message.contains("\"Action\""), "{}", body.message);
    // Other paths and methods are APIs that do not exist.
    let elsewhere = mock.send_raw("PUT", "Format=JSON", &[], Vec::new()).await;
    elsewhere.expect_error("InvalidAction.NotFound", 404, Format::Json);
}

#[tokio::test]
async fn creation_errors_and_quota_exhaustion() {
    let mock = Mock::start(config()).await;
    let bad_type = ApiRequest::from_parts(
        "RefreshObjectCaches",
        "2018-05-10",
        Format::Json,
        vec![
            ("ObjectPath", "http://a.com/".into()),
            ("ObjectType", "Blob".into()),
        ],
    );
    mock.call(&bad_type, SignatureVersion::Rpc).await.expect_error(
        "InvalidObjectType.Malformed",
        400,
        Format::Json,
    );
    let mut bad_path = bad_type.clone();
    bad_path.operation_parameters = vec![("ObjectPath", "ftp://a.com/".into())];
    mock.call(&bad_path, SignatureVersion::Acs3).await.expect_error(
        "InvalidObjectPath.Malformed",
        400,
        Format::Json,
    );
    let mut no_path = bad_type.clone();
    no_path.operation_parameters = vec![];
    let body =
        mock.call(&no_path, SignatureVersion::Acs3)
            .await
            .expect_error("MissingParameter", 400, Format::Json);
    assert!(body.message.contains("\"ObjectPath\""), "{}", body.message);

    // 20 regex refreshes a day; the 21st is refused and creates nothing.
    for n in 0..20 {
        let path = format!("http://a.com/{n}/.*");
        assert_eq!(mock.refresh(&[&path], RefreshType::Regex).await.len(), 1);
    }
    let over = ApiRequest::new(
        &refresh_op(&["http://a.com/x/.*"], RefreshType::Regex),
        Format::Xml,
    );
    let body =
        mock.call(&over, SignatureVersion::Rpc)
            .await
            .expect_error("QuotaExceeded.Refresh", 400, Format::Xml);
    assert!(body.message.contains("0 remaining"), "{}", body.message);
    // Other quotas and other keys are unaffected.
    assert_eq!(
        mock.refresh(&["http://a.com/f"], RefreshType::File).await.len(),
        1
    );
    let other = Credentials::new(OTHER_ID, OTHER_SECRET);
    let signed = mock.sign_as(&over, SignatureVersion::Rpc, &other);
    assert_eq!(mock.send(&signed).await.status, 200);

    // A prefetch over its daily quota (1,000) is refused whole.
    let urls: Vec<String> = (0..1000).map(|n| format!("http://a.com/p{n}")).collect();
    let batch = |urls: &[String]| PushObjectCache::new(urls.to_vec()).unwrap();
    // A hundred URLs a call: 999 of the 1,000 in ten calls.
    for chunk in urls[..999].chunks(100) {
        let first = ApiRequest::new(&batch(chunk), Format::Json);
        assert_eq!(mock.call(&first, SignatureVersion::Rpc).await.status, 200);
    }
    let second = ApiRequest::new(&batch(&urls[..2]), Format::Json);
    mock.call(&second, SignatureVersion::Rpc)
        .await
        .expect_error("QuotaExceeded.Refresh", 400, Format::Json);
}
