//! The HTTP calls of the credential providers (STS, the metadata service, a credentials URI):
//! bounded bodies, timeouts, and retries on transport errors, 5xx and throttling by the same
//! policy as the CDN calls.

use super::CredentialsError;
use crate::config::RetryPolicy;
use crate::error::{Error, InvalidInput};
use crate::retry::{RetryRule, with_retries};
use crate::transport::{Answer, read_answer};
use cdn_task_core::DisplayChain;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Largest credential answer read: documents are under a kilobyte, STS answers a few.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// One request.
pub(crate) struct FetchRequest<'a> {
    pub(crate) method: reqwest::Method,
    pub(crate) url: &'a str,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// A form body (`application/x-www-form-urlencoded`).
    pub(crate) form: Option<String>,
}

impl<'a> FetchRequest<'a> {
    pub(crate) fn get(url: &'a str) -> FetchRequest<'a> {
        FetchRequest {
            method: reqwest::Method::GET,
            url,
            headers: Vec::new(),
            form: None,
        }
    }
}

/// Why a fetch failed.
#[derive(Debug)]
pub(crate) struct FetchFailure {
    pub(crate) error: Error,
    /// Nothing answered at all: no connection could be made (or made in time).
    pub(crate) unreachable: bool,
}

impl FetchFailure {
    /// The provider's error for this failure (never holds a URL's query: it could hold a token).
    pub(crate) fn into_credentials_error(self, provider: &str, what: &str) -> CredentialsError {
        CredentialsError::provider(provider, format!("{what}: {}", DisplayChain(&self.error)))
    }
}

/// An HTTP client for credential calls.
#[derive(Debug, Clone)]
pub(crate) struct Fetcher {
    /// The client, or why none could be built (TLS set-up failed): every call then fails.
    http: Result<reqwest::Client, String>,
    timeout: Duration,
    retry: RetryPolicy,
}

impl Fetcher {
    /// A client with these timeouts and retries.
    pub(crate) fn new(connect_timeout: Duration, timeout: Duration, retry: RetryPolicy) -> Fetcher {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .user_agent(crate::config::DEFAULT_USER_AGENT)
            // As for the API: a redirect would carry signed requests and tokens elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| format!("no HTTP client: {error}"));
        Fetcher { http, timeout, retry }
    }

    /// The same client with another retry policy.
    pub(crate) fn with_retry(&self, retry: RetryPolicy) -> Fetcher {
        Fetcher {
            retry,
            ..self.clone()
        }
    }

    /// Sends `request` until `accept` takes the answer, an error is not retryable, or the policy
    /// gives up. An answer with status 5xx or 429 is retried before `accept` sees it.
    pub(crate) async fn send<T>(
        &self,
        action: &'static str,
        request: &FetchRequest<'_>,
        accept: impl Fn(Answer) -> Result<T, Error>,
    ) -> Result<T, FetchFailure> {
        let unreachable = AtomicBool::new(false);
        let result = with_retries(&self.retry, RetryRule::Retryable, action, |_| async {
            unreachable.store(false, Ordering::Relaxed);
            let answer = match self.once(request).await {
                Err(Unreached(error)) => {
                    unreachable.store(true, Ordering::Relaxed);
                    return Err(error);
                }
                Ok(Err(error)) => return Err(error),
                Ok(Ok(answer)) => answer,
            };
            if answer.status >= 500 || answer.status == 429 {
                return Err(Error::transport(format!(
                    "{action} answered HTTP {}",
                    answer.status
                )));
            }
            accept(answer)
        })
        .await;
        result.map_err(|error| FetchFailure {
            error,
            unreachable: unreachable.load(Ordering::Relaxed),
        })
    }

    /// One attempt. The outer error is "could not connect".
    async fn once(&self, request: &FetchRequest<'_>) -> Result<Result<Answer, Error>, Unreached> {
        let url = match reqwest::Url::parse(request.url) {
            Ok(url) => url,
            Err(error) => {
                return Ok(Err(Error::InvalidInput(InvalidInput::endpoint(
                    redact_query(request.url),
                    error.to_string(),
                ))));
            }
        };
        let http = match &self.http {
            Ok(http) => http,
            Err(detail) => {
                return Ok(Err(Error::transport(detail.clone())));
            }
        };
        let mut builder = http.request(request.method.clone(), url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(form) = &request.form {
            builder = builder
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.clone());
        }
        match builder.send().await {
            Ok(response) => Ok(read_answer(response, MAX_BODY_BYTES, self.timeout).await),
            Err(error) if error.is_connect() => Err(Unreached(Error::from_reqwest(error, self.timeout))),
            Err(error) => Ok(Err(Error::from_reqwest(error, self.timeout))),
        }
    }
}

/// A connection could not be made.
struct Unreached(Error);

/// `url` without its query (which may hold a token), for messages.
pub(crate) fn redact_query(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

/// A short description of an answer that is not a success, never quoting its body (a credential
/// service's error page could echo what it was sent).
pub(crate) fn status_error(answer: &Answer) -> String {
    format!("HTTP {}", answer.status)
}

impl Fetcher {
    /// For STS and credentials URIs: connect within 5 s, answer within 10 s (the official
    /// libraries' timeouts), the client's default retries.
    pub(crate) fn standard() -> Fetcher {
        Fetcher::new(
            Duration::from_secs(5),
            Duration::from_secs(10),
            RetryPolicy::default(),
        )
    }
}
