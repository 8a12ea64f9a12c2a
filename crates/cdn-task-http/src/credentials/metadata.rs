//! The ECS instance metadata service: the RAM role of the instance (CREDENTIALS.md section 4).

use super::fetch::{FetchFailure, FetchRequest, Fetcher, status_error};
use super::{
    CredentialsError, ENV_ECS_METADATA, ENV_IMDS_ENDPOINT, ENV_IMDSV1_DISABLED, Environment,
    ProvideCredentials, ProvideFuture, ProvidedCredentials,
};
use crate::config::RetryPolicy;
use crate::transport::Answer;
use cdn_task_core::DisplayChain;
use cdn_task_core::credentials::CredentialDocument;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
// tokio's clock, so that tests with paused time control the token's lifetime.
use tokio::time::Instant;

/// The metadata service's address on every ECS instance.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://100.100.100.200";

/// The session token's lifetime asked for: 6 hours, the documented maximum (and what every
/// official library asks for).
const TOKEN_TTL_SECONDS: u64 = 21_600;
/// A token is not used in its last minutes, so it never expires between check and use.
const TOKEN_MARGIN: Duration = Duration::from_secs(300);
const TOKEN_PATH: &str = "/latest/api/token";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const PROVIDER: &str = "ecs_ram_role";

/// Credentials of the ECS instance's RAM role, from the metadata service (provider name
/// `ecs_ram_role`).
///
/// - Hardened mode: a session token from `PUT /latest/api/token`, kept for its 6-hour TTL (the
///   official libraries fetch one before every request).
/// - Tokenless fallback (IMDSv1), when the token cannot be had or is refused, only while
///   `ALIBABA_CLOUD_IMDSV1_DISABLED` is not `true`.
/// - The role from `ALIBABA_CLOUD_ECS_METADATA`, else asked of the service.
/// - 1-second timeouts. Off ECS, where nothing answers at the address, the provider declines
///   after one attempt at the token (about 1 s; the official libraries then try a tokenless
///   request too, about 2 s), so a chain moves on quickly.
/// - The address is `http://100.100.100.200` unless `CDN_TASK_IMDS_ENDPOINT` names another
///   (emulators and tests; no official library has such an override).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = cdn_task_mock::MockServer::start(Default::default()).await?;
/// use cdn_task_http::credentials::{EcsMetadataCredentials, Environment, ProvideCredentials};
/// // On ECS: `EcsMetadataCredentials::from_env(&Environment::from_process())`. Here the mock
/// // plays the metadata service.
/// let env = Environment::empty().with_var("CDN_TASK_IMDS_ENDPOINT", mock.base_url());
/// let provided = EcsMetadataCredentials::from_env(&env).provide().await?;
/// assert_eq!(provided.provider(), "ecs_ram_role");
/// # Ok(())
/// # }
/// ```
pub struct EcsMetadataCredentials {
    endpoint: String,
    role_name: Option<String>,
    imdsv1_allowed: bool,
    fetcher: Fetcher,
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
    worked: AtomicBool,
}

impl EcsMetadataCredentials {
    /// The provider for `env`: its endpoint, role and IMDSv1 setting.
    pub fn from_env(env: &Environment) -> EcsMetadataCredentials {
        EcsMetadataCredentials::new(
            env.var(ENV_IMDS_ENDPOINT).unwrap_or(DEFAULT_IMDS_ENDPOINT),
            env.var(ENV_ECS_METADATA).map(str::to_owned),
            !env.is_true(ENV_IMDSV1_DISABLED),
        )
    }

    /// The service at `endpoint` (a base URL), for `role_name` (`None`: ask the service), with or
    /// without the tokenless fallback.
    pub fn new(endpoint: &str, role_name: Option<String>, imdsv1_allowed: bool) -> EcsMetadataCredentials {
        let retry = RetryPolicy::default()
            .with_max_attempts(3)
            .with_backoff(Duration::from_millis(100), Duration::from_secs(1))
            .with_max_total_time(Duration::from_secs(5));
        EcsMetadataCredentials {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            role_name,
            imdsv1_allowed,
            fetcher: Fetcher::new(Duration::from_secs(1), Duration::from_secs(1), retry),
            token: tokio::sync::Mutex::new(None),
            worked: AtomicBool::new(false),
        }
    }

    /// The same, for `role_name` (`None`: ask the service).
    pub fn with_role_name(mut self, role_name: Option<String>) -> EcsMetadataCredentials {
        self.role_name = role_name;
        self
    }

    fn fail(&self, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::provider(PROVIDER, reason)
    }

    fn unreachable(&self) -> CredentialsError {
        CredentialsError::not_found(format!(
            "ECS metadata service at {}: no answer within 1 s (not on ECS?)",
            self.endpoint
        ))
    }

    /// The session token: kept, or fetched; `None` when the tokenless fallback is to be used.
    async fn token(&self) -> Result<Option<String>, CredentialsError> {
        let mut cached = self.token.lock().await;
        if let Some((token, valid_until)) = cached.as_ref() {
            if Instant::now() < *valid_until {
                return Ok(Some(token.clone()));
            }
        }
        let url = format!("{}{TOKEN_PATH}", self.endpoint);
        let mut request = FetchRequest::get(&url);
        request.method = reqwest::Method::PUT;
        request
            .headers
            .push((TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string()));
        // Until the service has answered once, one attempt: off ECS, retries only delay the chain.
        let fetcher = if self.worked.load(Ordering::Relaxed) {
            self.fetcher.clone()
        } else {
            self.fetcher.with_retry(RetryPolicy::NONE)
        };
        let refused = match fetcher.send("MetadataToken", &request, Ok).await {
            Ok(answer) if answer.status == 200 => {
                let token = String::from_utf8_lossy(&answer.body).trim().to_owned();
                let lifetime = Duration::from_secs(TOKEN_TTL_SECONDS).saturating_sub(TOKEN_MARGIN);
                *cached = Some((token.clone(), Instant::now() + lifetime));
                return Ok(Some(token));
            }
            Err(FetchFailure {
                unreachable: true, ..
            }) => return Err(self.unreachable()),
            Ok(answer) => status_error(&answer),
            Err(failure) => DisplayChain(&failure.error).to_string(),
        };
        if self.imdsv1_allowed {
            tracing::debug!(reason = %refused, "no metadata token; asking without one (IMDSv1)");
            return Ok(None);
        }
        let reason = format!(
            "no metadata session token ({refused}), and the tokenless fallback is disabled \
             ({ENV_IMDSV1_DISABLED}=true)"
        );
        // Until the service has answered once, whatever refuses tokens is not taken for a metadata
        // service: the chain moves on (and lists why).
        if self.worked.load(Ordering::Relaxed) {
            Err(self.fail(reason))
        } else {
            Err(CredentialsError::not_found(format!(
                "ECS metadata service at {}: {reason}",
                self.endpoint
            )))
        }
    }

    /// GET `path` with `token`; when the token is refused, drops it and (IMDSv1 allowed) asks
    /// again without one.
    async fn get(&self, path: &str, token: Option<String>) -> Result<Answer, CredentialsError> {
        let url = format!("{}{path}", self.endpoint);
        let mut request = FetchRequest::get(&url);
        if let Some(token) = &token {
            request.headers.push((TOKEN_HEADER, token.clone()));
        }
        let answer = match self.fetcher.send("Metadata", &request, Ok).await {
            Ok(answer) => answer,
            Err(FetchFailure {
                unreachable: true, ..
            }) if !self.worked.load(Ordering::Relaxed) => {
                return Err(self.unreachable());
            }
            Err(failure) => return Err(failure.into_credentials_error(PROVIDER, &format!("GET {url}"))),
        };
        if token.is_some() && matches!(answer.status, 401 | 403) {
            *self.token.lock().await = None;
            if self.imdsv1_allowed {
                request.headers.clear();
                return self
                    .fetcher
                    .send("Metadata", &request, Ok)
                    .await
                    .map_err(|failure| failure.into_credentials_error(PROVIDER, &format!("GET {url}")));
            }
        }
        Ok(answer)
    }

    async fn role(&self, token: Option<String>) -> Result<String, CredentialsError> {
        if let Some(role) = &self.role_name {
            return Ok(role.clone());
        }
        let answer = self.get(ROLES_PATH, token).await?;
        match answer.status {
            200 => {}
            404 => {
                return Err(CredentialsError::not_found(format!(
                    "ECS metadata service at {}: no RAM role is attached to this instance",
                    self.endpoint
                )));
            }
            _ => {
                return Err(self.fail(format!(
                    "listing the instance's RAM role: {}",
                    status_error(&answer)
                )));
            }
        }
        String::from_utf8_lossy(&answer.body)
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                CredentialsError::not_found(format!(
                    "ECS metadata service at {}: no RAM role is attached to this instance",
                    self.endpoint
                ))
            })
    }
}

impl ProvideCredentials for EcsMetadataCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let token = self.token().await?;
            let role = self.role(token.clone()).await?;
            let answer = self.get(&format!("{ROLES_PATH}{role}"), token).await?;
            match answer.status {
                200 => {}
                404 => return Err(self.fail(format!("the instance has no RAM role named `{role}`"))),
                _ => {
                    return Err(self.fail(format!("credentials of role `{role}`: {}", status_error(&answer))));
                }
            }
            let document = CredentialDocument::decode_json(&answer.body)
                .map_err(|error| self.fail(format!("credentials of role `{role}`: {error}")))?;
            self.worked.store(true, Ordering::Relaxed);
            let issued = document.credentials();
            Ok(ProvidedCredentials::new(issued.to_credentials(), PROVIDER).expiring(issued.expiration()))
        })
    }

    fn describe(&self) -> String {
        format!("ECS metadata service at {}", self.endpoint)
    }
}

impl fmt::Debug for EcsMetadataCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsMetadataCredentials")
            .field("endpoint", &self.endpoint)
            .field("role_name", &self.role_name)
            .field("imdsv1_allowed", &self.imdsv1_allowed)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_server::{Reply, ScriptedServer};

    const DOCUMENT: &str = r#"{"Code":"Success","AccessKeyId":"STS.m","AccessKeySecret":"SECRET-m","SecurityToken":"TOKEN-m","Expiration":"2099-01-01T00:00:00Z","LastUpdated":"2026-01-01T00:00:00Z"}"#;

    fn ok(body: &str) -> Reply {
        Reply::Status(200, body.to_owned())
    }

    #[test]
    fn from_env_allows_the_tokenless_fallback_unless_disabled() {
        let env = Environment::empty().with_var(ENV_IMDS_ENDPOINT, "http://127.0.0.1:9/");
        assert_eq!(
            format!("{:?}", EcsMetadataCredentials::from_env(&env)),
            r#"EcsMetadataCredentials { endpoint: "http://127.0.0.1:9", role_name: None, imdsv1_allowed: true, .. }"#
        );
        let env = env
            .with_var(ENV_IMDSV1_DISABLED, "TRUE")
            .with_var(ENV_ECS_METADATA, "deployer");
        assert_eq!(
            format!("{:?}", EcsMetadataCredentials::from_env(&env)),
            r#"EcsMetadataCredentials { endpoint: "http://127.0.0.1:9", role_name: Some("deployer"), imdsv1_allowed: false, .. }"#
        );
        assert_eq!(
            EcsMetadataCredentials::from_env(&Environment::empty()).describe(),
            "ECS metadata service at http://100.100.100.200"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_kept_token_is_used_until_its_validity_ends() {
        // No such address: asking for a token fails at once, without a connection (and without
        // timers), so IMDSv1 is used.
        let provider = EcsMetadataCredentials::new("no such service", None, true);
        let until = Instant::now() + Duration::from_secs(60);
        *provider.token.lock().await = Some(("kept".to_owned(), until));
        assert_eq!(provider.token().await.unwrap().as_deref(), Some("kept"));
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(provider.token().await.unwrap().as_deref(), Some("kept"));
        tokio::time::advance(until - Instant::now()).await;
        assert_eq!(Instant::now(), until);
        assert_eq!(provider.token().await.unwrap(), None);
    }

    #[tokio::test]
    async fn until_it_has_answered_once_the_token_is_asked_for_once() {
        let server = ScriptedServer::start(vec![Reply::Status(503, String::new())]);
        let provider = EcsMetadataCredentials::new(server.url(), None, false);
        let error = provider.provide().await.unwrap_err();
        assert!(matches!(error, CredentialsError::NotFound { .. }), "{error:?}");
        assert_eq!(server.requests(), ["PUT /latest/api/token"]);
    }

    #[tokio::test]
    async fn a_service_never_seen_working_that_stops_answering_is_declined() {
        // A token, and then nothing listens any more.
        let server = ScriptedServer::start(vec![Reply::Last(200, "tok".to_owned())]);
        let provider = EcsMetadataCredentials::new(server.url(), None, true);
        let error = provider.provide().await.unwrap_err();
        assert_eq!(
            error,
            CredentialsError::not_found(format!(
                "ECS metadata service at {}: no answer within 1 s (not on ECS?)",
                server.url()
            ))
        );
        assert_eq!(server.requests(), ["PUT /latest/api/token"]);
    }

    #[tokio::test]
    async fn a_service_that_delivered_and_stops_answering_is_an_error() {
        let server = ScriptedServer::start(vec![
            ok("tok"),
            ok("deployer\n"),
            Reply::Last(200, DOCUMENT.to_owned()),
        ]);
        let provider = EcsMetadataCredentials::new(server.url(), None, true);
        let provided = provider.provide().await.unwrap();
        assert_eq!(provided.credentials().access_key_id(), "STS.m");
        assert_eq!(
            server.requests(),
            [
                "PUT /latest/api/token",
                "GET /latest/meta-data/ram/security-credentials/",
                "GET /latest/meta-data/ram/security-credentials/deployer",
            ]
        );
        // The token is kept; the role listing finds nothing listening.
        let error = provider.provide().await.unwrap_err();
        let prefix = format!(
            "ecs_ram_role: GET {}/latest/meta-data/ram/security-credentials/: ",
            server.url()
        );
        assert!(
            matches!(error, CredentialsError::Provider { .. }) && error.to_string().starts_with(&prefix),
            "{error:?}"
        );
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test]
    async fn an_instance_without_a_ram_role_is_not_there() {
        let server = ScriptedServer::start(vec![ok("tok"), Reply::Status(404, "Not Found".to_owned())]);
        let error = EcsMetadataCredentials::new(server.url(), None, true)
            .provide()
            .await
            .unwrap_err();
        assert_eq!(
            error,
            CredentialsError::not_found(format!(
                "ECS metadata service at {}: no RAM role is attached to this instance",
                server.url()
            ))
        );
        assert_eq!(
            server.requests(),
            [
                "PUT /latest/api/token",
                "GET /latest/meta-data/ram/security-credentials/"
            ]
        );
    }
}
