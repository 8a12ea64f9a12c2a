//! Secrets and tokens never show in Debug, Display, errors or tracing output.

use crate::capture::capture;
use crate::common::{builder, start};
use cdn_task_core::TaskIdList;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_http::{Client, ClientBuilder, Credentials};
use cdn_task_mock::MockConfig;

const SECRET: &str = "S3CR3T-never-shown";
const TOKEN: &str = "T0K3N-never-shown";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
}

#[test]
fn debug_of_credentials_builder_and_client_hides_secrets() {
    let credentials = Credentials::new("id", SECRET).with_security_token(TOKEN);
    assert_clean("Credentials", &format!("{credentials:?}"));
    let builder = Client::builder().credentials(credentials);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("\"id\""), "{debug}");
    assert_clean("Client", &debug);
}

#[tokio::test]
async fn errors_and_tracing_output_hide_secrets() {
    let (captured, _guard) = capture();

    let server = start(MockConfig::default()).await;
    let ids: TaskIdList = "1".parse().unwrap();
    for scheme in [SignatureVersion::Acs3, SignatureVersion::Rpc] {
        // The wrong secret, with a token: the service refuses, the client reports it.
        let client = builder(&server)
            .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
            .signature_version(scheme)
            .build()
            .unwrap();
        let error = client.describe(&ids).await.unwrap_err();
        assert_clean("Display of the error", &error.to_string());
        assert_clean("Debug of the error", &format!("{error:?}"));
    }
    server.shutdown().await;

    let output = captured.text();
    assert!(
        captured.calls() > 0 && output.contains("cdn_task_call"),
        "the client traced nothing: {output}"
    );
    assert!(
        output.contains("retrying") || output.contains("failed"),
        "{output}"
    );
    assert_clean("tracing output", &output);
}

/// The error of describing task 1 through `builder` as `testid` with the secret and token that
/// must never show.
async fn describe_with_a_token(builder: ClientBuilder) -> cdn_task_http::Error {
    let client = builder
        .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
        .build()
        .unwrap();
    client
        .describe(&"1".parse::<TaskIdList>().unwrap())
        .await
        .unwrap_err()
}

/// The real gateway's `SignatureDoesNotMatch` message quotes its whole string to sign, which for
/// the RPC scheme holds the `SecurityToken`. The mock echoes it unredacted when asked, like the
/// gateway: the client must mask the token before the message reaches an error or a log.
#[tokio::test]
async fn a_service_message_echoing_the_string_to_sign_is_redacted() {
    let server = start(MockConfig::default().with_echo_unredacted_string_to_sign(true)).await;
    let error = describe_with_a_token(builder(&server).signature_version(SignatureVersion::Rpc)).await;
    let shown = error.to_string();
    // The echo happened (so the test can fail), and the token in it is masked.
    assert!(
        shown.contains("server string to sign is:") && shown.contains("SecurityToken%3D<redacted>"),
        "{shown}"
    );
    assert_clean("Display of the error", &shown);
    assert_clean("Debug of the error", &format!("{error:?}"));
    server.shutdown().await;
}

/// A 307 to another origin must not carry the signed request (and its `x-acs-security-token`)
/// there: redirects are not followed, and the error names where it pointed, query removed.
#[tokio::test]
async fn redirects_are_not_followed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!(
        "http://{}/steal?SecurityToken={TOKEN}",
        elsewhere.local_addr().unwrap()
    );
    let redirecting = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", redirecting.local_addr().unwrap());
    let answer =
        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}\r\ncontent-length: 0\r\n\r\n");
    let redirector = tokio::spawn(async move {
        loop {
            let (mut stream, _) = redirecting.accept().await.unwrap();
            let mut request = vec![0; 64 * 1024];
            let _ = stream.read(&mut request).await;
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    let error = describe_with_a_token(Client::builder().endpoint(endpoint)).await;
    let shown = error.to_string();
    assert!(shown.contains("HTTP 307") && shown.contains("/steal`"), "{shown}");
    assert!(!error.is_retryable());
    assert_clean("the redirect error", &shown);
    let reached = tokio::time::timeout(std::time::Duration::from_millis(200), elsewhere.accept()).await;
    assert!(reached.is_err(), "the redirect was followed");
    redirector.abort();
}

/// Every credential provider and document: `Debug`, errors and tracing output never show a
/// secret, a security token or an OIDC token, whatever goes wrong.
#[tokio::test]
async fn every_credential_path_hides_secrets_and_tokens() {
    use cdn_task_core::credentials::{CliConfig, CredentialDocument, IniFile, ProcessOutput};
    use cdn_task_core::sts::{AssumeRoleWithOidc, StsCredentials};
    use cdn_task_http::credentials::{
        AssumeRoleCredentials, CachedProvider, CredentialsUri, DefaultChain, EcsMetadataCredentials,
        Environment, ExternalProcess, OidcCredentials, ProfileFile, ProvideCredentials, StsEndpoint,
    };
    use cdn_task_mock::{CredentialsConfig, DEFAULT_ACCOUNT_ID, OidcProvider, unsigned_jwt};

    let (captured, _guard) = capture();

    let provider_arn = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/p");
    let role_arn = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:role/r");
    let server = start(MockConfig::default().with_credentials(
        CredentialsConfig::default().with_oidc_provider(OidcProvider::new(&provider_arn, "https://i", "aud")),
    ))
    .await;
    let home = tempfile::tempdir().unwrap();
    // An OIDC token with the wrong audience: STS refuses it, and the refusal must not quote it.
    let jwt = unsigned_jwt("https://i", "wrong-audience", TOKEN, 4_000_000_000);
    let token_file = home.path().join("token");
    std::fs::write(&token_file, &jwt).unwrap();
    let config = format!(
        r#"{{"current":"role","profiles":[
        {{"name":"role","mode":"RamRoleArn","access_key_id":"testid","access_key_secret":"{SECRET}",
          "ram_role_arn":"{role_arn}","sts_endpoint":"{url}"}},
        {{"name":"typo","mode":"AK","access_key_id":"i","access_key_secret":["{SECRET}"]}},
        {{"name":"ext","mode":"External","process_command":"false {SECRET}"}}]}}"#,
        url = server.base_url()
    );
    std::fs::create_dir(home.path().join(".aliyun")).unwrap();
    std::fs::write(home.path().join(".aliyun/config.json"), &config).unwrap();
    let env = Environment::empty()
        .with_var("HOME", home.path().to_string_lossy())
        .with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    let oidc = OidcCredentials::new(
        &provider_arn,
        &token_file,
        cdn_task_core::credentials::RoleSettings::new(&role_arn),
        StsEndpoint::new(&server.base_url()),
        env.clone(),
    );
    let assume = AssumeRoleCredentials::new(
        Credentials::new("testid", SECRET).with_security_token(TOKEN),
        cdn_task_core::credentials::RoleSettings::new(&role_arn),
        StsEndpoint::new(&server.base_url()),
        env.clone(),
    );
    let uri = CredentialsUri::new(format!("{}/nowhere?token={TOKEN}", server.base_url()));
    let external = ExternalProcess::new(format!("false --secret {SECRET}"));
    let metadata = EcsMetadataCredentials::new(&server.base_url(), Some("other-role".into()), true);
    let providers: Vec<Box<dyn ProvideCredentials>> = vec![
        Box::new(oidc),
        Box::new(assume),
        Box::new(uri),
        Box::new(external),
        Box::new(metadata),
        Box::new(ProfileFile::new(env.clone())),
        Box::new(ProfileFile::new(env.clone()).with_profile("typo")),
        Box::new(ProfileFile::new(env.clone()).with_profile("ext")),
        Box::new(DefaultChain::new(
            env.clone().with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
        )),
    ];
    let mut failures = 0;
    for provider in &providers {
        assert_clean("describe()", &provider.describe());
        let cache = CachedProvider::new(Credentials::new("x", SECRET));
        assert_clean("Debug of a cache", &format!("{cache:?}"));
        match provider.provide().await {
            Ok(provided) => assert_clean(
                "Debug of provided credentials",
                &format!("{provided:?} {provided:#?}"),
            ),
            Err(error) => {
                failures += 1;
                assert_clean("Display of a credentials error", &error.to_string());
                assert_clean("Debug of a credentials error", &format!("{error:?}"));
            }
        }
    }
    // The wrong audience, the role assumed with a wrong secret, the missing URI, the failing
    // process, the unknown role, the profile's wrong secret, the mistyped secret, the failing
    // process profile, the half-set environment: every one failed, and said so cleanly.
    assert_eq!(failures, providers.len());
    let provided = cdn_task_http::credentials::ProvidedCredentials::new(
        Credentials::new("id", SECRET).with_security_token(TOKEN),
        "test",
    );
    assert_clean(
        "Debug of provided credentials",
        &format!("{provided:?} {provided:#?}"),
    );

    // The core's documents and files.
    let sts = StsCredentials::new("STS.x", SECRET, TOKEN, chrono::DateTime::UNIX_EPOCH);
    let document = CredentialDocument::new(sts.clone(), None);
    let oidc_op = AssumeRoleWithOidc::new(&role_arn, &provider_arn, &jwt, "session").unwrap();
    let printed = ProcessOutput::decode_json(
        format!(r#"{{"mode":"StsToken","access_key_id":"a","access_key_secret":"{SECRET}","sts_token":"{TOKEN}"}}"#)
            .as_bytes(),
    )
    .unwrap();
    let cli = CliConfig::parse(&config).unwrap();
    let ini = IniFile::parse(&format!(
        "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = {SECRET}\n"
    ))
    .unwrap();
    assert_clean(
        "Debug of the core's credential types",
        &format!(
            "{sts:?} {document:?} {oidc_op:?} {printed:?} {cli:?} {:?} {ini:?} {:?}",
            cli.profile("role"),
            ini.profile("default")
        ),
    );
    assert!(!format!("{oidc_op:?}").contains(&jwt));
    server.shutdown().await;
    let output = captured.text();
    assert_clean("tracing output", &output);
    assert!(!output.contains(&jwt), "the OIDC token is in the tracing output");
}
