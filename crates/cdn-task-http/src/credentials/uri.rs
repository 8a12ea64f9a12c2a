//! A credentials URI: a sidecar or local service that answers credential documents.

use super::fetch::{FetchRequest, Fetcher, redact_query, status_error};
use super::{CredentialsError, ProvideCredentials, ProvideFuture, ProvidedCredentials};
use cdn_task_core::credentials::CredentialDocument;
use std::fmt;

const PROVIDER: &str = "credentials_uri";

/// Credentials from a URI (provider name `credentials_uri`): `GET` the URI as given, no
/// authentication; the answer must be HTTP 200 with a document whose `Code` is `Success`
/// (CREDENTIALS.md section 6).
///
/// The URI's query is left out of every message and `Debug` output: it may carry a token.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
/// use cdn_task_http::Client;
/// use cdn_task_http::credentials::CredentialsUri;
/// // The mock answers credential documents at /credentials.
/// let uri = format!("{}/credentials", mock.base_url());
/// let client = Client::builder()
///     .endpoint(mock.base_url())
///     .credentials_provider(CredentialsUri::new(uri))
///     .build()?;
/// let provided = client.credentials().await?;
/// assert_eq!(provided.provider(), "credentials_uri");
/// assert!(provided.expiration().is_some()); // fetched again before it expires
/// # Ok(())
/// # }
/// ```
pub struct CredentialsUri {
    uri: String,
    fetcher: Fetcher,
}

impl CredentialsUri {
    /// The provider for `uri`.
    pub fn new(uri: impl Into<String>) -> CredentialsUri {
        CredentialsUri {
            uri: uri.into(),
            fetcher: Fetcher::standard(),
        }
    }
}

impl ProvideCredentials for CredentialsUri {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let shown = redact_query(&self.uri);
            let answer = self
                .fetcher
                .send("CredentialsURI", &FetchRequest::get(&self.uri), Ok)
                .await
                .map_err(|failure| failure.into_credentials_error(PROVIDER, &format!("GET {shown}")))?;
            if answer.status != 200 {
                return Err(CredentialsError::provider(
                    PROVIDER,
                    format!("GET {shown} answered {}", status_error(&answer)),
                ));
            }
            let document = CredentialDocument::decode_json(&answer.body)
                .map_err(|error| CredentialsError::provider(PROVIDER, format!("GET {shown}: {error}")))?;
            let issued = document.credentials();
            Ok(ProvidedCredentials::new(issued.to_credentials(), PROVIDER).expiring(issued.expiration()))
        })
    }

    fn describe(&self) -> String {
        format!("credentials URI {}", redact_query(&self.uri))
    }
}

impl fmt::Debug for CredentialsUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_and_debug_leave_out_the_query() {
        for (uri, expected) in [
            (
                "http://127.0.0.1:8080/credentials?token=s3cr3t",
                "credentials URI http://127.0.0.1:8080/credentials?…",
            ),
            (
                "http://127.0.0.1:8080/credentials",
                "credentials URI http://127.0.0.1:8080/credentials",
            ),
        ] {
            let provider = CredentialsUri::new(uri);
            assert_eq!(provider.describe(), expected);
            assert_eq!(format!("{provider:?}"), expected);
        }
    }
}
