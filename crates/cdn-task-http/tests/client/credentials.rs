//! The credentials chain with a temporary HOME and an injected environment.

use crate::common::{KEY_ID, SECRET, start};
use cdn_task_http::credentials::{CredentialsError, DefaultChain, Environment, ProvideCredentials};
use cdn_task_http::{Client, Error};
use cdn_task_mock::MockConfig;
use std::path::Path;

/// A temporary HOME holding `~/.aliyun/config.json` with `config`.
fn home_with(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    std::fs::write(home.path().join(".aliyun").join("config.json"), config).unwrap();
    home
}

fn env_at(home: &Path) -> Environment {
    Environment::empty().with_var("HOME", home.to_string_lossy())
}

const PROFILES: &str = r#"{
  "current": "mock",
  "profiles": [
    {"name": "mock", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret",
     "sts_token": "", "region_id": "cn-hangzhou", "output_format": "json", "language": "en"},
    {"name": "ci", "mode": "StsToken", "access_key_id": "STS.ci", "access_key_secret": "ci-secret",
     "sts_token": "ci-token", "region_id": "cn-hangzhou"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "deployer"}
  ],
  "meta_path": ""
}"#;

#[tokio::test]
async fn a_client_built_from_the_profile_file_talks_to_the_mock() {
    let home = home_with(PROFILES);
    let server = start(MockConfig::default()).await;
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials_provider(DefaultChain::new(env_at(home.path())))
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains(KEY_ID));
    let response = client.describe(&"1".parse().unwrap()).await.unwrap();
    assert_eq!(response.total_count, 0);
    let received = server.received();
    assert_eq!(received[0].access_key_id.as_deref(), Some(KEY_ID));
    server.shutdown().await;
}

#[test]
fn the_environment_comes_before_the_profile_file() {
    let home = home_with(PROFILES);
    let env = env_at(home.path())
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret");
    assert_eq!(
        DefaultChain::new(env).provide().unwrap().access_key_id(),
        "env-id"
    );
}

#[test]
fn alibaba_cloud_profile_chooses_among_profiles() {
    let home = home_with(PROFILES);
    let chain =
        |profile: &str| DefaultChain::new(env_at(home.path()).with_var("ALIBABA_CLOUD_PROFILE", profile));
    let sts = chain("ci").provide().unwrap();
    assert_eq!(
        (sts.access_key_id(), sts.security_token()),
        ("STS.ci", Some("ci-token"))
    );
    let current = DefaultChain::new(env_at(home.path())).provide().unwrap();
    assert_eq!(
        (current.access_key_id(), current.access_key_secret()),
        (KEY_ID, SECRET)
    );

    let error = chain("ecs").provide().unwrap_err();
    assert!(matches!(error, CredentialsError::ProfileFile { .. }), "{error:?}");
    assert!(
        error.to_string().contains("mode `EcsRamRole` is not supported"),
        "{error}"
    );
    assert!(
        chain("nope")
            .provide()
            .unwrap_err()
            .to_string()
            .contains("no profile named `nope`")
    );
}

#[test]
fn nothing_found_names_every_place_looked_at() {
    let home = tempfile::tempdir().unwrap();
    let error = Client::builder()
        .credentials_provider(DefaultChain::new(env_at(home.path())))
        .build()
        .unwrap_err();
    let Error::Credentials(CredentialsError::NotFound { looked_at }) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(looked_at.len(), 2, "{looked_at:?}");
    let shown = error.to_string();
    assert!(shown.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{shown}");
    let file = home.path().join(".aliyun").join("config.json");
    assert!(shown.contains(&file.display().to_string()), "{shown}");
}

#[test]
fn a_broken_profile_file_stops_the_chain_without_quoting_it() {
    let home = home_with(r#"{"current":"x","profiles":[{"name":"x","mode":"AK","access_key_id":"i","#);
    let error = DefaultChain::new(env_at(home.path())).provide().unwrap_err();
    assert!(error.to_string().contains("not valid JSON"), "{error}");
}
