//! The credentials chain with a temporary HOME and an injected environment.

use crate::common::{KEY_ID, SECRET, start};
use cdn_task_http::credentials::{
    CredentialsError, DefaultChain, Environment, IniFileCredentials, ProfileFile, ProvideCredentials,
    ProvidedCredentials,
};
use cdn_task_http::{Client, Error};
use cdn_task_mock::MockConfig;
use std::path::Path;

/// A temporary HOME holding `~/.aliyun/config.json` with `config`.
pub fn home_with(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    std::fs::write(home.path().join(".aliyun").join("config.json"), config).unwrap();
    home
}

/// An environment with only HOME, and the metadata service turned off (nothing else is reached).
pub fn env_at(home: &Path) -> Environment {
    Environment::empty()
        .with_var("HOME", home.to_string_lossy())
        .with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
}

async fn provide(provider: &impl ProvideCredentials) -> Result<ProvidedCredentials, CredentialsError> {
    provider.provide().await
}

const PROFILES: &str = r#"{
  "current": "mock",
  "profiles": [
    {"name": "mock", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret",
     "sts_token": "", "region_id": "cn-hangzhou", "output_format": "json", "language": "en"},
    {"name": "ci", "mode": "StsToken", "access_key_id": "STS.ci", "access_key_secret": "ci-secret",
     "sts_token": "ci-token", "region_id": "cn-hangzhou"},
    {"name": "sso", "mode": "CloudSSO"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "deployer"},
    {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": "acs:ram::1:role/a"},
    {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "c", "ram_role_arn": "acs:ram::1:role/b"},
    {"name": "c", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": "acs:ram::1:role/c"},
    {"name": "self", "mode": "ChainableRamRoleArn", "source_profile": "self", "ram_role_arn": "acs:ram::1:role/s"}
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
    let response = client.describe(&"1".parse().unwrap()).await.unwrap();
    assert_eq!(response.total_count, 0);
    assert!(format!("{client:?}").contains(KEY_ID));
    let received = server.received();
    assert_eq!(received[0].access_key_id.as_deref(), Some(KEY_ID));
    assert_eq!(
        client.credentials().await.unwrap().provider(),
        "cli_profile/static_ak"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_environment_comes_before_the_profile_file() {
    let home = home_with(PROFILES);
    let env = env_at(home.path())
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret");
    let provided = provide(&DefaultChain::new(env)).await.unwrap();
    assert_eq!(
        (provided.credentials().access_key_id(), provided.provider()),
        ("env-id", "environment")
    );
}

#[tokio::test]
async fn alibaba_cloud_profile_chooses_among_profiles() {
    let home = home_with(PROFILES);
    let chain =
        |profile: &str| DefaultChain::new(env_at(home.path()).with_var("ALIBABA_CLOUD_PROFILE", profile));
    let sts = provide(&chain("ci")).await.unwrap();
    assert_eq!(
        (
            sts.credentials().access_key_id(),
            sts.credentials().security_token()
        ),
        ("STS.ci", Some("ci-token"))
    );
    assert_eq!(sts.provider(), "cli_profile/static_sts");
    let current = provide(&DefaultChain::new(env_at(home.path()))).await.unwrap();
    assert_eq!(
        (
            current.credentials().access_key_id(),
            current.credentials().access_key_secret()
        ),
        (KEY_ID, SECRET)
    );

    let error = provide(&chain("sso")).await.unwrap_err();
    assert!(matches!(error, CredentialsError::ProfileFile { .. }), "{error:?}");
    assert!(
        error.to_string().contains("mode `CloudSSO` is not supported"),
        "{error}"
    );
    // The metadata service is disabled in these tests' environment: a profile cannot use it.
    let error = provide(&chain("ecs")).await.unwrap_err().to_string();
    assert!(
        error.contains(
            "profile `ecs`: its mode uses the ECS metadata service, which \
        ALIBABA_CLOUD_ECS_METADATA_DISABLED=true disables"
        ),
        "{error}"
    );
    // A profile that is not there: the chain looks further and says so.
    let error = provide(&chain("nope")).await.unwrap_err();
    assert!(matches!(error, CredentialsError::NotFound { .. }), "{error:?}");
    assert!(error.to_string().contains("no profile named `nope`"), "{error}");
}

#[tokio::test]
async fn source_profile_cycles_are_refused_naming_the_cycle() {
    let home = home_with(PROFILES);
    let file = |profile: &str| ProfileFile::new(env_at(home.path())).with_profile(profile);
    let error = provide(&file("a")).await.unwrap_err().to_string();
    assert!(
        error.contains("`source_profile` makes a cycle: a → b → c → a"),
        "{error}"
    );
    let error = provide(&file("self")).await.unwrap_err().to_string();
    assert!(error.contains("cycle: self → self"), "{error}");
}

#[tokio::test]
async fn nothing_found_names_every_place_looked_at() {
    let home = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .credentials_provider(DefaultChain::new(env_at(home.path())))
        .build()
        .unwrap();
    let error = client.describe(&"1".parse().unwrap()).await.unwrap_err();
    let Error::Credentials {
        error: CredentialsError::NotFound { looked_at },
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(looked_at.len(), 6, "{looked_at:#?}");
    let shown = error.to_string();
    for place in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "OIDC: ALIBABA_CLOUD_ROLE_ARN",
        &home
            .path()
            .join(".aliyun")
            .join("config.json")
            .display()
            .to_string(),
        &home
            .path()
            .join(".alibabacloud")
            .join("credentials.ini")
            .display()
            .to_string(),
        "ECS metadata service: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
        "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
    ] {
        assert!(shown.contains(place), "{place} not in {shown}");
    }
}

#[tokio::test]
async fn a_broken_profile_file_stops_the_chain_without_quoting_it() {
    let home = home_with(r#"{"current":"x","profiles":[{"name":"x","mode":"AK","access_key_id":"i","#);
    let error = provide(&DefaultChain::new(env_at(home.path())))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not valid JSON"), "{error}");
}

#[tokio::test]
async fn the_ini_file_at_each_of_its_paths() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join(".alibabacloud");
    std::fs::create_dir(&folder).unwrap();
    let ini = "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n\
               [other]\ntype = access_key\naccess_key_id = other-id\naccess_key_secret = s\n";
    std::fs::write(folder.join("credentials.ini"), ini).unwrap();
    let provided = provide(&DefaultChain::new(env_at(home.path()))).await.unwrap();
    assert_eq!(
        (provided.credentials().access_key_id(), provided.provider()),
        ("ini-id", "ini_profile/static_ak")
    );
    // `credentials` (Go's name) is read before `credentials.ini`.
    std::fs::write(folder.join("credentials"), ini.replace("ini-id", "go-id")).unwrap();
    let provided = provide(&IniFileCredentials::new(env_at(home.path())))
        .await
        .unwrap();
    assert_eq!(provided.credentials().access_key_id(), "go-id");
    let env = env_at(home.path()).with_var("ALIBABA_CLOUD_PROFILE", "other");
    assert_eq!(
        provide(&IniFileCredentials::new(env))
            .await
            .unwrap()
            .credentials()
            .access_key_id(),
        "other-id"
    );
    // A file named by the variable must exist; a broken one names its line.
    let env = env_at(home.path()).with_var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        folder.join("absent").to_string_lossy(),
    );
    let error = provide(&DefaultChain::new(env)).await.unwrap_err().to_string();
    assert!(
        error.contains("not found (named by ALIBABA_CLOUD_CREDENTIALS_FILE)"),
        "{error}"
    );
    std::fs::write(
        folder.join("broken"),
        "[default]\ntype = access_key\naccess_key_id = x\n",
    )
    .unwrap();
    let env = env_at(home.path()).with_var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        folder.join("broken").to_string_lossy(),
    );
    let error = provide(&DefaultChain::new(env)).await.unwrap_err().to_string();
    assert!(
        error.contains("section `[default]` (line 1): `access_key_secret` is missing"),
        "{error}"
    );
}

#[tokio::test]
async fn config_file_path_comes_from_alibaba_cloud_config_file() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("elsewhere.json");
    std::fs::write(&path, PROFILES).unwrap();
    let env = env_at(home.path()).with_var("ALIBABA_CLOUD_CONFIG_FILE", path.to_string_lossy());
    let provided = provide(&DefaultChain::new(env.clone())).await.unwrap();
    assert_eq!(provided.credentials().access_key_id(), KEY_ID);
    let disabled = env.with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE");
    let error = provide(&DefaultChain::new(disabled))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true"),
        "{error}"
    );
}
