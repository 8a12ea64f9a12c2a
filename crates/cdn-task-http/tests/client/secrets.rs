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
