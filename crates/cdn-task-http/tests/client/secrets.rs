//! Secrets and tokens never show in Debug, Display, errors or tracing output.

use crate::common::{builder, start};
use cdn_task_core::TaskIdList;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_http::{Client, Credentials};
use cdn_task_mock::MockConfig;
use std::io::Write;
use std::sync::{Arc, Mutex};

const SECRET: &str = "S3CR3T-never-shown";
const TOKEN: &str = "T0K3N-never-shown";

/// A writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        output.contains("cdn_task_call"),
        "the client traced nothing: {output}"
    );
    assert!(
        output.contains("retrying") || output.contains("failed"),
        "{output}"
    );
    assert_clean("tracing output", &output);
}

/// The real gateway's `SignatureDoesNotMatch` message quotes its whole string to sign, which for
/// the RPC scheme holds the `SecurityToken`. The mock echoes it unredacted when asked, like the
/// gateway: the client must mask the token before the message reaches an error or a log.
#[tokio::test]
async fn a_service_message_echoing_the_string_to_sign_is_redacted() {
    let server = start(MockConfig {
        echo_unredacted_string_to_sign: true,
        ..MockConfig::default()
    })
    .await;
    let client = builder(&server)
        .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
        .signature_version(SignatureVersion::Rpc)
        .build()
        .unwrap();
    let error = client
        .describe(&"1".parse::<TaskIdList>().unwrap())
        .await
        .unwrap_err();
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
    let client = Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
        .build()
        .unwrap();
    let error = client
        .describe(&"1".parse::<TaskIdList>().unwrap())
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("HTTP 307") && shown.contains("/steal`"), "{shown}");
    assert!(!error.is_retryable());
    assert_clean("the redirect error", &shown);
    let reached = tokio::time::timeout(std::time::Duration::from_millis(200), elsewhere.accept()).await;
    assert!(reached.is_err(), "the redirect was followed");
    redirector.abort();
}
