//! `cdn-task credentials` and `describe` with credentials from each kind of source, the mock
//! playing STS, the metadata service and the credentials URI.

use crate::common::{Run, clean_command, run};
use cdn_task_mock::{
    CredentialsConfig, DEFAULT_ACCOUNT_ID, MockConfig, MockServer, OidcProvider, unsigned_jwt,
};
use std::process::Command;

const ISSUER: &str = "https://token.actions.githubusercontent.com";

async fn mock() -> MockServer {
    let provider = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/github");
    MockServer::start(MockConfig::default().with_credentials(
        CredentialsConfig::default().with_oidc_provider(OidcProvider::new(
            provider,
            ISSUER,
            "sts.aliyuncs.com",
        )),
    ))
    .await
    .unwrap()
}

/// The variables ACK's webhook (or a CI job) sets for OIDC, with the mock as STS.
fn oidc_variables(mock: &MockServer, token: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        ("ALIBABA_CLOUD_ROLE_ARN", role()),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/github"),
        ),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token.to_string_lossy().into_owned(),
        ),
        ("ALIBABA_CLOUD_STS_ENDPOINT", mock.base_url()),
    ]
}

fn role() -> String {
    format!("acs:ram::{DEFAULT_ACCOUNT_ID}:role/deployer")
}

/// `credentials --output json`, then `describe`, both with `configure` applied; returns the
/// parsed credentials report.
async fn both(
    mock: &MockServer,
    home: &std::path::Path,
    configure: impl Fn(&mut Command),
) -> serde_json::Value {
    let command = |args: &[&str]| {
        let mut command = clean_command(home);
        command.arg("--endpoint").arg(mock.base_url()).args(args);
        configure(&mut command);
        command
    };
    let shown: Run = run(command(&["credentials", "--output", "json"])).await;
    shown.expect_code(0);
    let line = shown.stdout.trim_end();
    assert!(
        line.starts_with("{\"Provider\": \"") && !line.contains('\n'),
        "{line}"
    );
    let report = shown.json();
    assert_eq!(report.as_object().unwrap().len(), 3, "{report}");
    run(command(&["describe", "1", "--output", "json"]))
        .await
        .expect_code(0);
    report
}

#[tokio::test]
async fn oidc_variables_and_the_sts_endpoint_alone() {
    let mock = mock().await;
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    let expires = mock.clock().now().timestamp() + 600;
    std::fs::write(
        &token,
        unsigned_jwt(
            ISSUER,
            "sts.aliyuncs.com",
            "repo:org/app:ref:refs/heads/main",
            expires,
        ),
    )
    .unwrap();
    let report = both(&mock, home.path(), |command| {
        command.envs(oidc_variables(&mock, &token));
    })
    .await;
    assert_eq!(report["Provider"], "oidc_role_arn");
    assert!(
        report["AccessKeyId"].as_str().unwrap().starts_with("STS.****"),
        "{report}"
    );
    assert!(report["Expiration"].as_str().unwrap().ends_with('Z'), "{report}");
    mock.shutdown().await;
}

#[tokio::test]
async fn the_metadata_endpoint_or_the_credentials_uri_alone() {
    let mock = mock().await;
    let home = tempfile::tempdir().unwrap();
    let cases = [
        (
            vec![
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false".to_owned()),
                ("CDN_TASK_IMDS_ENDPOINT", mock.base_url()),
            ],
            "ecs_ram_role",
        ),
        (
            vec![(
                "ALIBABA_CLOUD_CREDENTIALS_URI",
                format!("{}/credentials", mock.base_url()),
            )],
            "credentials_uri",
        ),
    ];
    for (variables, provider) in cases {
        let report = both(&mock, home.path(), |command| {
            command.envs(variables.iter().map(|(name, value)| (*name, value)));
        })
        .await;
        assert_eq!(report["Provider"], provider);
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn a_ram_role_arn_profile_whose_sts_endpoint_is_the_mock() {
    let mock = mock().await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    let config = format!(
        r#"{{"current":"deploy","profiles":[{{"name":"deploy","mode":"RamRoleArn","access_key_id":"testid",
        "access_key_secret":"testsecret","ram_role_arn":"{}","ram_session_name":"cli","sts_endpoint":"{}"}}]}}"#,
        role(),
        mock.base_url()
    );
    std::fs::write(home.path().join(".aliyun/config.json"), config).unwrap();
    let report = both(&mock, home.path(), |_| {}).await;
    assert_eq!(report["Provider"], "cli_profile/ram_role_arn");
    // --profile takes the same file, any mode.
    let mut command = clean_command(home.path());
    command.args(["--profile", "deploy", "credentials"]);
    let table = run(command).await;
    table.expect_code(0);
    assert!(table.stdout.contains("STS          yes"), "{table:?}");
    mock.shutdown().await;
}

#[tokio::test]
async fn no_credentials_exit_3_listing_every_place_looked_at() {
    let home = tempfile::tempdir().unwrap();
    let mut command = clean_command(home.path());
    command.arg("credentials");
    let result = run(command).await;
    result.expect_code(3);
    let lines: Vec<&str> = result.stderr.lines().collect();
    assert_eq!(
        lines[0], "cdn-task: error: no Alibaba Cloud credentials found; looked at:",
        "{result:?}"
    );
    assert_eq!(lines.len(), 7, "{result:?}");
    assert!(
        lines[1].contains("ALIBABA_CLOUD_ACCESS_KEY_ID") && lines[5].contains("ECS metadata"),
        "{result:?}"
    );
    assert!(result.stdout.is_empty());
}

#[tokio::test]
async fn no_secret_token_or_oidc_token_in_any_output_at_any_log_level() {
    let mock = mock().await;
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    let jwt = unsigned_jwt(
        ISSUER,
        "sts.aliyuncs.com",
        "repo:org/app:SUBJECT-MARK",
        mock.clock().now().timestamp() + 600,
    );
    std::fs::write(&token, &jwt).unwrap();
    for (args, rust_log) in [(&["-vvv"][..], None), (&["-v"][..], Some("trace"))] {
        for command_args in [&["credentials"][..], &["describe", "1"]] {
            let mut command = clean_command(home.path());
            command
                .arg("--endpoint")
                .arg(mock.base_url())
                .args(args)
                .args(command_args)
                .envs(oidc_variables(&mock, &token));
            if let Some(level) = rust_log {
                command.env("RUST_LOG", level);
            }
            let result = run(command).await;
            result.expect_code(0);
            for text in [&result.stdout, &result.stderr] {
                assert!(
                    !text.contains(&jwt) && !text.contains("SUBJECT-MARK"),
                    "the OIDC token shows: {result:?}"
                );
                assert!(!text.contains("CAIS"), "a security token shows: {result:?}");
            }
        }
    }
    mock.shutdown().await;
}
