//! Errors the client must not retry: one request each, and a typed error saying why.

use crate::common::{COMBINATIONS, builder, start};
use cdn_task_core::{ErrorCode, RefreshType, TaskIdList};
use cdn_task_http::{Credentials, Error, Force, InvalidInput};
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
        let Error::Service(service) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(
            (service.code(), service.http_status(), service.is_retryable()),
            (&ErrorCode::SignatureDoesNotMatch, 400, false)
        );
        assert_eq!((error.attempts(), error.http_status()), (1, Some(400)));
        let shown = error.to_string();
        for part in [service.code().as_str(), service.message(), service.request_id()] {
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
    assert_eq!(
        (error.code(), error.http_status()),
        (Some(&ErrorCode::InvalidAccessKeyIdNotFound), Some(404)),
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
        .refresh(["ftp://example.com/a"], RefreshType::File, Force::IfChanged)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(InvalidInput::Parameter(_))),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "invalid input");
    let shown = cdn_task_http::DisplayChain(&error).to_string();
    assert_eq!(shown.matches("ftp://example.com/a").count(), 1, "{shown}");
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
        build(client().retry_policy(cdn_task_http::RetryPolicy::default().with_max_attempts(0))).unwrap_err(),
        // Over a call a nanosecond limits nothing: refused rather than silently unlimited (`None`
        // says that).
        build(client().rate_limit(Some(
            cdn_task_core::RateLimit::new(5, std::time::Duration::from_nanos(1)).unwrap(),
        )))
        .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    }
}
