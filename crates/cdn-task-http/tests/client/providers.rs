//! Every provider against the mock's STS, metadata service and credentials URI, in process.

use crate::common::{fast_retries, now, start};
use crate::credentials::{env_at, home_with};
use cdn_task_core::{ErrorCode, RefreshType};
use cdn_task_http::credentials::{
    CachedProvider, CredentialsError, CredentialsUri, DefaultChain, EcsMetadataCredentials, Environment,
    ProvideCredentials,
};
use cdn_task_http::{Client, Credentials, Error, Force, WaitOptions};
use cdn_task_mock::{
    CredentialsConfig, DEFAULT_ACCOUNT_ID, MetadataTokens, MockClock, MockConfig, MockServer, OidcProvider,
    unsigned_jwt,
};
use std::time::Duration;

const ISSUER: &str = "https://oidc.example.com/cluster-1";
const AUDIENCE: &str = "sts.aliyuncs.com";

fn role_arn() -> String {
    format!("acs:ram::{DEFAULT_ACCOUNT_ID}:role/deployer")
}

fn provider_arn() -> String {
    format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/ack-rrsa-1")
}

/// A mock on a manual clock at the current time, with an OIDC provider and this lifetime for the
/// metadata service's and the URI's credentials.
async fn mock(lifetime: Duration, tokens: MetadataTokens) -> MockServer {
    start(
        MockConfig::default()
            .with_clock(MockClock::manual(now()))
            .with_task_duration(Duration::from_secs(150))
            .with_credentials(
                CredentialsConfig::default()
                    .with_oidc_provider(OidcProvider::new(provider_arn(), ISSUER, AUDIENCE))
                    .with_document_lifetime(lifetime)
                    .with_metadata_tokens(tokens),
            ),
    )
    .await
}

/// A client whose credential cache reads the mock's clock.
fn client_with(server: &MockServer, provider: impl ProvideCredentials + 'static) -> Client {
    let clock = server.clock().clone();
    let cache = CachedProvider::new(provider).with_clock(move || clock.now());
    Client::builder()
        .endpoint(server.base_url())
        .credentials_cache(cache)
        .retry_policy(fast_retries(2))
        .build()
        .unwrap()
}

fn oidc_env(server: &MockServer, home: &std::path::Path, audience: &str, expires_in: i64) -> Environment {
    let token_file = home.join("token");
    let expires = server.clock().now().timestamp() + expires_in;
    std::fs::write(
        &token_file,
        unsigned_jwt(ISSUER, audience, "system:serviceaccount:ci:deploy", expires),
    )
    .unwrap();
    env_at(home)
        .with_var("ALIBABA_CLOUD_ROLE_ARN", role_arn())
        .with_var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", provider_arn())
        .with_var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token_file.to_string_lossy())
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", server.base_url())
}

fn actions(server: &MockServer) -> Vec<(String, String)> {
    server
        .received()
        .into_iter()
        .map(|call| {
            (
                call.action.unwrap_or_default(),
                call.access_key_id.unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn oidc_from_the_environment_through_the_mock_sts() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    let home = tempfile::tempdir().unwrap();
    let client = client_with(
        &server,
        DefaultChain::new(oidc_env(&server, home.path(), AUDIENCE, 600)),
    );
    client.describe(&"1".parse().unwrap()).await.unwrap();
    let provided = client.credentials().await.unwrap();
    assert_eq!(provided.provider(), "oidc_role_arn");
    assert!(provided.credentials().access_key_id().starts_with("STS."));
    let expires_in = provided.expiration().unwrap() - server.clock().now();
    // The default DurationSeconds, 3600 (the wire time drops the sub-second part).
    assert!((3599..=3600).contains(&expires_in.num_seconds()), "{expires_in}");
    let calls = actions(&server);
    assert_eq!(calls[0].0, "AssumeRoleWithOIDC");
    assert_eq!(
        calls[1],
        (
            "DescribeRefreshTaskById".into(),
            provided.credentials().access_key_id().into()
        )
    );

    // The mock's STS refuses what the service refuses, and the error names the provider.
    for (audience, expires_in, code) in [
        (
            "someone-else",
            600,
            ErrorCode::AuthenticationFailOidcTokenAudienceNotMatch,
        ),
        (AUDIENCE, -1, ErrorCode::AuthenticationFailOidcTokenExpired),
    ] {
        let home = tempfile::tempdir().unwrap();
        let client = client_with(
            &server,
            DefaultChain::new(oidc_env(&server, home.path(), audience, expires_in)),
        );
        let error = client.credentials().await.unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with("oidc_role_arn: STS AssumeRoleWithOIDC at http://127.0.0.1"),
            "{shown}"
        );
        assert!(shown.contains(code.as_str()), "{shown}");
        assert!(!shown.contains("eyJ"), "the token leaked: {shown}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn ram_role_arn_and_chainable_profiles_with_sts_endpoint_assume_roles_at_the_mock() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    let config = format!(
        r#"{{"current":"deploy","profiles":[
        {{"name":"deploy","mode":"RamRoleArn","access_key_id":"testid","access_key_secret":"testsecret",
          "ram_role_arn":"{role}","ram_session_name":"ci-run","expired_seconds":900,"sts_endpoint":"{url}"}},
        {{"name":"chained","mode":"ChainableRamRoleArn","source_profile":"deploy","ram_role_arn":"{role}",
          "sts_endpoint":"{url}"}},
        {{"name":"bad-role","mode":"RamRoleArn","access_key_id":"testid","access_key_secret":"testsecret",
          "ram_role_arn":"acs:ram::999:role/x","sts_endpoint":"{url}"}}]}}"#,
        role = role_arn(),
        url = server.base_url()
    );
    let home = home_with(&config);
    // Tasks created with the long-term key are seen through the role assumed with it.
    let owner = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new("testid", "testsecret"))
        .build()
        .unwrap();
    let created = owner
        .refresh(["https://example.com/a.js"], RefreshType::File, Force::IfChanged)
        .await
        .unwrap();
    for (profile, expected_calls) in [("deploy", 1), ("chained", 2)] {
        server.clear_received();
        let env = env_at(home.path()).with_var("ALIBABA_CLOUD_PROFILE", profile);
        let client = client_with(&server, DefaultChain::new(env));
        let ids = created.task_ids[0].to_string().parse().unwrap();
        let response = client.describe(&ids).await.unwrap();
        assert_eq!(response.tasks.len(), 1, "{profile}");
        let provided = client.credentials().await.unwrap();
        assert_eq!(provided.provider(), "cli_profile/ram_role_arn");
        let assumed = actions(&server)
            .iter()
            .filter(|(action, _)| action == "AssumeRole")
            .count();
        assert_eq!(assumed, expected_calls, "{profile}: {:?}", actions(&server));
    }
    let env = env_at(home.path()).with_var("ALIBABA_CLOUD_PROFILE", "bad-role");
    let error = DefaultChain::new(env).provide().await.unwrap_err().to_string();
    assert!(error.contains("EntityNotExist.Role"), "{error}");
    server.shutdown().await;
}

#[tokio::test]
async fn ecs_metadata_keeps_its_session_token_across_refreshes() {
    let server = mock(Duration::from_secs(60), MetadataTokens::Required).await;
    let home = tempfile::tempdir().unwrap();
    let env = Environment::empty()
        .with_var("HOME", home.path().to_string_lossy())
        .with_var("CDN_TASK_IMDS_ENDPOINT", server.base_url());
    let client = client_with(&server, DefaultChain::new(env));
    for _ in 0..4 {
        client.describe(&"1".parse().unwrap()).await.unwrap();
        server.clock().advance(Duration::from_secs(50));
    }
    assert_eq!(client.credentials().await.unwrap().provider(), "ecs_ram_role");
    let calls = server.metadata_calls();
    let puts = calls.iter().filter(|call| call.method == "PUT").count();
    let documents = calls
        .iter()
        .filter(|call| call.path.ends_with("/cdn-task-mock-role"))
        .count();
    assert_eq!((puts, documents), (1, 5), "{calls:#?}");
    assert!(
        calls
            .iter()
            .all(|call| call.status == 200 && (call.with_token || call.method == "PUT"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn imdsv1_fallback_on_and_off() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Unsupported).await;
    let provider = |v1_allowed: bool| EcsMetadataCredentials::new(&server.base_url(), None, v1_allowed);
    let provided = provider(true).provide().await.unwrap();
    assert!(provided.credentials().access_key_id().starts_with("STS."));
    assert!(
        server
            .metadata_calls()
            .iter()
            .skip(1)
            .all(|call| !call.with_token)
    );
    // Tokens refused and tokenless requests disabled: declined (a chain moves on), saying why.
    let error = provider(false).provide().await.unwrap_err();
    assert!(matches!(error, CredentialsError::NotFound { .. }), "{error:?}");
    assert!(
        error.to_string().contains("ALIBABA_CLOUD_IMDSV1_DISABLED=true"),
        "{error}"
    );
    // A named role that the instance does not have.
    let error = EcsMetadataCredentials::new(&server.base_url(), Some("other".into()), true)
        .provide()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no RAM role named `other`"), "{error}");
    server.shutdown().await;
}

#[tokio::test]
async fn off_ecs_the_chain_falls_through_to_the_credentials_uri() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    // A port nothing listens on: the metadata service "is not there".
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let home = tempfile::tempdir().unwrap();
    let env = Environment::empty()
        .with_var("HOME", home.path().to_string_lossy())
        .with_var("CDN_TASK_IMDS_ENDPOINT", &closed_url);
    let error = DefaultChain::new(env.clone()).provide().await.unwrap_err();
    assert!(
        matches!(&error, CredentialsError::NotFound { looked_at } if looked_at.len() == 6),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("ECS metadata service at {closed_url}: no answer")),
        "{error}"
    );
    let env = env.with_var(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        format!("{}/credentials?token=SECRET-QUERY", server.base_url()),
    );
    let provided = DefaultChain::new(env.clone()).provide().await.unwrap();
    assert_eq!(provided.provider(), "credentials_uri");
    // OIDC comes before the URI.
    let both = oidc_env(&server, home.path(), AUDIENCE, 600)
        .with_var("CDN_TASK_IMDS_ENDPOINT", &closed_url)
        .with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")
        .with_var(
            "ALIBABA_CLOUD_CREDENTIALS_URI",
            format!("{}/credentials", server.base_url()),
        );
    assert_eq!(
        DefaultChain::new(both).provide().await.unwrap().provider(),
        "oidc_role_arn"
    );
    assert!(!format!("{:?}", DefaultChain::new(env)).contains("SECRET-QUERY"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_wait_with_60_second_credentials_refreshes_ahead_and_never_signs_with_expired_ones() {
    let server = mock(Duration::from_secs(60), MetadataTokens::Optional).await;
    let uri = format!("{}/credentials", server.base_url());
    let clock = server.clock().clone();
    let cache = CachedProvider::new(CredentialsUri::new(uri)).with_clock(move || clock.now());
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials_cache(cache)
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    let created = client
        .refresh(
            ["https://example.com/app.js"],
            RefreshType::File,
            Force::IfChanged,
        )
        .await
        .unwrap();
    let clock = server.clock().clone();
    // Each poll moves the mock's clock 10 s: the 150-s task takes 15 polls, 2.5 lifetimes.
    let options = WaitOptions::with_deadline(Duration::from_secs(60))
        .with_intervals(Duration::from_millis(1), Duration::from_millis(2));
    let report = client
        .wait(created.task_ids.clone(), options, |_| {
            clock.advance(Duration::from_secs(10))
        })
        .await
        .unwrap();
    assert!(report.all_completed(), "{report:?}");
    assert_eq!(report.failed_polls, 0, "{:?}", report.last_poll_error);
    let refused: Vec<_> = server
        .received()
        .into_iter()
        .filter_map(|call| call.error_code)
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
    let fetched = server.metadata_calls().len();
    let polls = usize::try_from(report.polls).unwrap();
    // Refreshed every 45 s of mock time: about a fetch per 4.5 polls, never one per call.
    assert!(
        (3..=6).contains(&fetched) && fetched * 2 < polls,
        "{fetched} fetches, {polls} polls"
    );

    // Many calls at once when a refresh is due: one fetch.
    server.clock().advance(Duration::from_secs(46));
    let before = server.metadata_calls().len();
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.describe(&"1".parse().unwrap()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.metadata_calls().len(), before + 1);
    server.shutdown().await;
}

#[tokio::test]
async fn the_cdn_api_checks_sts_tokens() {
    let server = mock(Duration::from_secs(60), MetadataTokens::Optional).await;
    let issued = server.issue_credentials("testid", Duration::from_secs(60));
    let sts = issued.to_credentials();
    let other = CredentialsUri::new(format!("{}/credentials", server.base_url()))
        .provide()
        .await
        .unwrap();
    let call = |credentials: Credentials| {
        let client = Client::builder()
            .endpoint(server.base_url())
            .credentials(credentials)
            .retry_policy(fast_retries(1))
            .build()
            .unwrap();
        async move { client.describe(&"1".parse().unwrap()).await }
    };
    call(sts.clone()).await.unwrap();
    let code = |result: Result<_, Error>| match result {
        Err(Error::Service(service)) => (service.code().clone(), service.http_status()),
        other => panic!("{other:?}"),
    };
    let plain = Credentials::new(sts.access_key_id(), sts.access_key_secret());
    assert_eq!(
        code(call(plain.clone()).await),
        (ErrorCode::InvalidSecurityTokenMalformed, 400)
    );
    let swapped = plain
        .clone()
        .with_security_token(other.credentials().security_token().unwrap());
    assert_eq!(
        code(call(swapped).await),
        (ErrorCode::InvalidSecurityTokenMismatchWithAccessKey, 400)
    );
    server.clock().advance(Duration::from_secs(60));
    assert_eq!(
        code(call(sts).await),
        (ErrorCode::InvalidSecurityTokenExpired, 400)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn sts_calls_are_retried_on_5xx_and_dropped_connections() {
    use cdn_task_http::credentials::AssumeRoleCredentials;
    use cdn_task_mock::{Fault, FaultConfig};
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    let provider = AssumeRoleCredentials::new(
        Credentials::new("testid", "testsecret"),
        cdn_task_core::credentials::RoleSettings::new(role_arn()),
        cdn_task_http::credentials::StsEndpoint::new(&server.base_url()),
        Environment::empty(),
    );
    server.set_faults(FaultConfig::new(
        0.5,
        vec![
            Fault::ServiceUnavailable,
            Fault::DropConnection,
            Fault::InternalError,
        ],
    ));
    for _ in 0..6 {
        provider.provide().await.unwrap();
    }
    let faulted = server
        .received()
        .iter()
        .filter(|call| call.fault.is_some())
        .count();
    assert!(faulted > 0, "the mock injected no fault: nothing was retried");
    server.shutdown().await;
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_valid_credentials_and_the_token_file_is_read_at_every_refresh() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    let home = tempfile::tempdir().unwrap();
    let env = oidc_env(&server, home.path(), AUDIENCE, 7200);
    let clock = server.clock().clone();
    let cache = CachedProvider::new(DefaultChain::new(env)).with_clock(move || clock.now());
    let first = cache.credentials().await.unwrap();
    // The cluster rotates the token; this one is refused (wrong audience).
    let expires = server.clock().now().timestamp() + 7200;
    std::fs::write(
        home.path().join("token"),
        unsigned_jwt(ISSUER, "other", "x", expires),
    )
    .unwrap();
    server.clock().advance(Duration::from_secs(3600 - 600));
    // Refresh due: it fails, the still-valid credentials stay in use.
    let kept = cache.credentials().await.unwrap();
    assert_eq!(kept, first);
    assert_eq!(cache.fetches(), 2);
    // A good token again: the next attempt (after the backoff) succeeds with new credentials.
    std::fs::write(
        home.path().join("token"),
        unsigned_jwt(ISSUER, AUDIENCE, "x", expires),
    )
    .unwrap();
    server.clock().advance(Duration::from_secs(3));
    let fresh = cache.credentials().await.unwrap();
    assert_ne!(
        fresh.credentials().access_key_id(),
        first.credentials().access_key_id()
    );
    assert_eq!(cache.fetches(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn an_oidc_profile_of_the_cli_config_assumes_its_role_at_the_mock() {
    let server = mock(Duration::from_secs(3600), MetadataTokens::Optional).await;
    let home = tempfile::tempdir().unwrap();
    let token_file = home.path().join("token");
    let expires = server.clock().now().timestamp() + 600;
    std::fs::write(
        &token_file,
        unsigned_jwt(ISSUER, AUDIENCE, "system:serviceaccount:ci:deploy", expires),
    )
    .unwrap();
    let config = serde_json::json!({
        "current": "rrsa",
        "profiles": [{
            "name": "rrsa",
            "mode": "OIDC",
            "oidc_provider_arn": provider_arn(),
            "oidc_token_file": token_file.to_string_lossy(),
            "ram_role_arn": role_arn(),
            "ram_session_name": "ci-run",
            "sts_endpoint": server.base_url(),
        }]
    });
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    std::fs::write(
        home.path().join(".aliyun").join("config.json"),
        config.to_string(),
    )
    .unwrap();
    let provided = DefaultChain::new(env_at(home.path())).provide().await.unwrap();
    assert_eq!(provided.provider(), "cli_profile/oidc_role_arn");
    assert!(provided.credentials().access_key_id().starts_with("STS."));
    assert_eq!(
        actions(&server),
        [("AssumeRoleWithOIDC".to_owned(), String::new())]
    );
    server.shutdown().await;
}
