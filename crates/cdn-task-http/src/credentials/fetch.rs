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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_server::{Reply, ScriptedServer};

    /// Retries 1 ms apart.
    fn fast(attempts: u32) -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(attempts)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(1))
    }

    fn fetcher(retry: RetryPolicy) -> Fetcher {
        Fetcher::new(Duration::from_secs(5), Duration::from_secs(5), retry)
    }

    async fn get(fetcher: &Fetcher, server: &ScriptedServer) -> Result<Answer, FetchFailure> {
        fetcher
            .send("Test", &FetchRequest::get(&format!("{}/x", server.url())), Ok)
            .await
    }

    fn status(code: u16) -> Reply {
        Reply::Status(code, format!("status {code}"))
    }

    #[tokio::test]
    async fn answers_5xx_and_429_are_retried_other_answers_are_handed_over() {
        let server = ScriptedServer::start(vec![status(503), status(429), status(500), status(200)]);
        let answer = get(&fetcher(fast(4)), &server).await.unwrap();
        assert_eq!((answer.status, answer.body), (200, b"status 200".to_vec()));
        assert_eq!(server.requests().len(), 4);
        // A 4xx other than 429 is the caller's to judge: no retry.
        let server = ScriptedServer::start(vec![status(404), status(200)]);
        let answer = get(&fetcher(fast(4)), &server).await.unwrap();
        assert_eq!((answer.status, server.requests().len()), (404, 1));
        // Still 5xx when the attempts run out: an error saying so.
        let server = ScriptedServer::start(vec![status(502)]);
        let failure = get(&fetcher(fast(2)), &server).await.unwrap_err();
        assert!(!failure.unreachable);
        assert_eq!(
            DisplayChain(&failure.error).to_string(),
            "transport error: Test answered HTTP 502"
        );
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn with_retry_replaces_the_retry_policy() {
        let server = ScriptedServer::start(vec![status(503)]);
        let retrying = fetcher(fast(3));
        get(&retrying, &server).await.unwrap_err();
        assert_eq!(server.requests().len(), 3);
        let once = retrying.with_retry(RetryPolicy::NONE);
        get(&once, &server).await.unwrap_err();
        assert_eq!(server.requests().len(), 4);
        // The original keeps its own.
        get(&retrying, &server).await.unwrap_err();
        assert_eq!(server.requests().len(), 7);
    }

    #[tokio::test]
    async fn answers_of_up_to_64_kib_are_read() {
        let limit = 64 * 1024;
        let server = ScriptedServer::start(vec![Reply::Status(200, "x".repeat(limit))]);
        let answer = get(&fetcher(RetryPolicy::NONE), &server).await.unwrap();
        assert_eq!(answer.body.len(), limit);
        let server = ScriptedServer::start(vec![Reply::Status(200, "x".repeat(limit + 1))]);
        let failure = get(&fetcher(RetryPolicy::NONE), &server).await.unwrap_err();
        let message = DisplayChain(&failure.error).to_string();
        assert!(message.contains("larger than 65536 bytes"), "{message}");
    }

    #[tokio::test]
    async fn unreachable_only_when_no_connection_could_be_made() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x", closed.local_addr().unwrap());
        drop(closed);
        let failure = fetcher(RetryPolicy::NONE)
            .send("Test", &FetchRequest::get(&url), Ok)
            .await
            .unwrap_err();
        assert!(failure.unreachable, "{failure:?}");
        // Connected, and the connection closed without an answer: something is there.
        let server = ScriptedServer::start(vec![Reply::Drop]);
        let failure = get(&fetcher(RetryPolicy::NONE), &server).await.unwrap_err();
        assert!(!failure.unreachable, "{failure:?}");
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn messages_leave_out_queries_and_bodies() {
        assert_eq!(
            redact_query("http://127.0.0.1:8080/credentials?token=SECRET&x=1"),
            "http://127.0.0.1:8080/credentials?…"
        );
        assert_eq!(
            redact_query("http://100.100.100.200/latest/api/token"),
            "http://100.100.100.200/latest/api/token"
        );
        let answer = Answer {
            status: 403,
            content_type: Some("text/plain".into()),
            request_id: None,
            location: None,
            retry_after: None,
            body: b"you sent SECRET".to_vec(),
        };
        assert_eq!(status_error(&answer), "HTTP 403");
    }
}
