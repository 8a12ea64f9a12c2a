//! Errors the client must not retry: one request each, and a typed error saying why.

use crate::common::{COMBINATIONS, builder, start};
use cdn_task_core::{ErrorCode, RefreshType, TaskIdList};
use cdn_task_http::{Credentials, Error, InvalidInput};
use cdn_task_mock::MockConfig;

fn ids() -> TaskIdList {
    "1,2".parse().unwrap()
}

#[tokio::test]
async fn a_wrong_secret_is_reported_once_in_every_scheme_and_format() {
    for (scheme, format) in COMBINATIONS {
        let server = start(MockConfig::default()).await;
        let client = builder(&server)
            .credentials(Credentials::new("testid", "not-the-secret"))
            .signature_version(scheme)
            .format(format)
            .build()
            .unwrap();
        let error = client.describe(&ids()).await.unwrap_err();
        let Error::Service {
            code,
            http_status,
            retryable,
            request_id,
            message,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(
            (code, *http_status, *retryable),
            (&ErrorCode::SignatureDoesNotMatch, 400, false)
        );
        let shown = error.to_string();
        for part in [code.as_str(), message.as_str(), request_id.as_str()] {
            assert!(!part.is_empty() && shown.contains(part), "{shown}");
        }
        assert!(!shown.contains("not-the-secret"));
        assert_eq!(server.received().len(), 1, "{scheme:?}/{format:?}: not retried");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn an_unknown_access_key_is_not_retried() {
    let server = start(MockConfig::default()).await;
    let client = builder(&server)
        .credentials(Credentials::new("nobody", "x"))
        .build()
        .unwrap();
    let error = client.describe(&ids()).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Service {
                code: ErrorCode::InvalidAccessKeyIdNotFound,
                http_status: 404,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = start(MockConfig::default()).await;
    let client = builder(&server).build().unwrap();
    let error = client
        .refresh(
            ["ftp://example.com/a"],
            RefreshType::File,
            cdn_task_core::Force::IfChanged,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(InvalidInput::Parameter(_))),
        "{error:?}"
    );
    assert!(error.to_string().contains("ftp://example.com/a"), "{error}");
    let none: [&str; 0] = [];
    assert!(client.preload(none, None).await.is_err());
    assert!(server.received().is_empty());
    server.shutdown().await;
}

#[test]
fn bad_settings_are_refused_by_build() {
    let credentials = || Credentials::new("id", "secret");
    let build = |builder: cdn_task_http::ClientBuilder| builder.credentials(credentials()).build();
    let client = cdn_task_http::Client::builder;
    for error in [
        build(client().endpoint("ftp://cdn.aliyuncs.com")).unwrap_err(),
        build(client().endpoint("https://cdn.aliyuncs.com/some/path")).unwrap_err(),
        build(client().max_concurrency(0)).unwrap_err(),
        build(client().retry_policy(cdn_task_http::RetryPolicy {
            max_attempts: 0,
            ..Default::default()
        }))
        .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    }
}
