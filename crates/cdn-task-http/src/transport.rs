//! One call on the wire: wait for the rate limit, sign, send, read the answer, and interpret it;
//! repeated under the retry policy.

use crate::config::{ClientBuilder, RetryPolicy};
use crate::credentials::{CachedProvider, CredentialsError, ProvidedCredentials};
use crate::error::{Error, InvalidInput, ServiceError};
use crate::limiter::Limiters;
use crate::retry::{RetryRule, with_retries};
use cdn_task_core::answer::{self as core_answer, AnswerError, HttpAnswer, parse_retry_after};
use cdn_task_core::signing::{SignatureVersion, SignedRequest};
use cdn_task_core::{ApiRequest, Format, Operation, WireBody};
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// Largest answer body read; the service's answers are a few kilobytes.
const MAX_BODY_BYTES: usize = 4 << 20;

/// The header the service puts its request ID in.
const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// The header a throttled answer says how long to wait in, in milliseconds.
const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// Everything needed to make calls: the HTTP client, where, as whom, and how.
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: reqwest::Url,
    host: String,
    user_agent: HeaderValue,
    credentials: Arc<CachedProvider>,
    signature_version: SignatureVersion,
    format: Format,
    timeout: Duration,
    retry: RetryPolicy,
    limiters: Limiters,
}

impl Transport {
    /// Checks the endpoint and builds the HTTP client.
    pub(crate) fn new(
        settings: &ClientBuilder,
        credentials: Arc<CachedProvider>,
    ) -> Result<Transport, Error> {
        let (base_url, host) = parse_endpoint(&settings.endpoint)?;
        let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|_| {
            Error::InvalidInput(InvalidInput::Setting {
                setting: "user_agent",
                reason: "must be visible ASCII",
            })
        })?;
        let http = match &settings.http_client {
            Some(http) => http.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout)
                // The API never redirects; following one would send the signed request, and under
                // STS its security token, to wherever the answer points ([`Error::Redirect`]).
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| Error::from_reqwest(error, settings.timeout))?,
        };
        Ok(Transport {
            http,
            base_url,
            host,
            user_agent,
            credentials,
            signature_version: settings.signature_version,
            format: settings.format,
            timeout: settings.timeout,
            retry: settings.retry,
            limiters: Limiters::new(settings.rate_limit),
        })
    }

    /// The per-attempt timeout.
    pub(crate) fn attempt_timeout(&self) -> Duration {
        self.timeout
    }

    /// Calls `operation`, retrying as the policy allows; a call that creates tasks only when it
    /// provably was not processed ([`RetryRule::NotProcessed`]).
    pub(crate) async fn call<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        let request = ApiRequest::new(operation, self.format);
        let rule = if O::CREATES_TASKS {
            RetryRule::NotProcessed
        } else {
            RetryRule::Retryable
        };
        with_retries(&self.retry, rule, O::ACTION, |attempt| {
            let span = tracing::debug_span!("cdn_task_call", action = O::ACTION, attempt);
            self.attempt::<O>(&request).instrument(span)
        })
        .await
    }

    /// The credentials to sign with now, through the cache.
    pub(crate) async fn credentials(&self) -> Result<ProvidedCredentials, CredentialsError> {
        self.credentials.credentials().await
    }

    /// One attempt. Credentials are taken afresh for each (a retry after a long backoff must
    /// not sign with credentials that expired meanwhile).
    async fn attempt<O: Operation>(&self, request: &ApiRequest) -> Result<O::Response, Error> {
        let provided = self.credentials().await?;
        let credentials = provided.credentials();
        self.limiters
            .until_ready(O::ACTION, O::RATE_LIMIT, credentials.access_key_id())
            .await;
        let timestamp = DateTime::<Utc>::from(SystemTime::now());
        let nonce = format!("{:032x}", rand::random::<u128>());
        let signed = request.sign(self.signature_version, &self.host, credentials, timestamp, &nonce);
        // What the caller must never see echoed back: a gateway's message may quote the string
        // it signed, which under RPC holds the security token.
        let secrets = [
            credentials.security_token().unwrap_or_default().to_owned(),
            credentials.access_key_secret().to_owned(),
            signed.signature.clone(),
        ];
        let answer = self.send(signed).await?;
        let result = interpret::<O::Response>(&answer, request.format).map_err(|error| {
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            error.without_secrets(&secrets)
        });
        match &result {
            Ok(_) => tracing::debug!(
                status = answer.status,
                request_id = answer.request_id.as_deref().unwrap_or(""),
                "answered"
            ),
            Err(error) => {
                tracing::debug!(status = answer.status, request_id = error.request_id().unwrap_or(""), %error, "failed")
            }
        }
        result
    }

    /// Sends a signed request and reads the whole answer.
    async fn send(&self, signed: SignedRequest) -> Result<Answer, Error> {
        let reqwest_error = |error| Error::from_reqwest(error, self.timeout);
        let mut url = self.base_url.clone();
        url.set_path(&signed.path);
        url.set_query(
            Some(&signed.query)
                .filter(|query| !query.is_empty())
                .map(String::as_str),
        );
        let method = reqwest::Method::from_bytes(signed.method.as_bytes()).map_err(|_| {
            Error::transport(format!("the signer chose an unknown method `{}`", signed.method))
        })?;
        let response = self
            .http
            .request(method, url.clone())
            .headers(header_map(&signed.headers)?)
            // Per request, so that they hold for a client given by the caller too.
            .header(reqwest::header::USER_AGENT, self.user_agent.clone())
            .timeout(self.timeout)
            .body(signed.body)
            .send()
            .await
            .map_err(reqwest_error)?;
        if response.url() != &url {
            // A caller's client followed a redirect: the answer is from elsewhere.
            return Err(Error::redirect(
                response.status().as_u16(),
                Some(without_query(response.url().as_str())),
                true,
            ));
        }
        read_answer(response, MAX_BODY_BYTES, self.timeout).await
    }
}

/// Reads a whole answer, at most `limit` bytes of body; `timeout` is the per-attempt timeout.
pub(crate) async fn read_answer(
    mut response: reqwest::Response,
    limit: usize,
    timeout: Duration,
) -> Result<Answer, Error> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, request_id) = (header("content-type"), header(REQUEST_ID_HEADER));
    let location = header("location");
    let retry_after = header(RETRY_AFTER_HEADER).as_deref().and_then(parse_retry_after);
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| Error::from_reqwest(error, timeout))?
    {
        if body.len() + chunk.len() > limit {
            return Err(Error::transport(format!(
                "the answer's body is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        content_type,
        request_id,
        location,
        retry_after,
        body,
    })
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("endpoint", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("limiters", &self.limiters)
            .finish_non_exhaustive()
    }
}

/// An answer as read off the wire.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) request_id: Option<String>,
    /// The `Location` header (of a redirect).
    pub(crate) location: Option<String>,
    /// `x-acs-retry-after`, when it held a positive number of milliseconds.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

fn parse_endpoint(endpoint: &str) -> Result<(reqwest::Url, String), Error> {
    let invalid = |reason: &str| Error::InvalidInput(InvalidInput::endpoint(endpoint, reason));
    let url = reqwest::Url::parse(endpoint).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the endpoint takes no path, query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("the endpoint takes no user information"));
    }
    let host = url.host_str().ok_or_else(|| invalid("no host"))?;
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok((url, host))
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, Error> {
    headers
        .iter()
        .map(|(raw_name, raw_value)| {
            let name = HeaderName::from_bytes(raw_name.as_bytes());
            let value = HeaderValue::from_str(raw_value);
            match (name, value) {
                (Ok(name), Ok(value)) => Ok((name, value)),
                // Values are never quoted: a header may carry the security token.
                _ => Err(Error::transport(format!(
                    "the signer produced a header `{raw_name}` that HTTP cannot carry"
                ))),
            }
        })
        .collect()
}

/// What an answer means ([`cdn_task_core::answer::interpret`]), as this crate's [`Error`]: a
/// redirect names where it pointed, without its query.
pub(crate) fn interpret<R: WireBody>(answer: &Answer, asked: Format) -> Result<R, Error> {
    let mut wire = HttpAnswer::new(answer.status, &answer.body).with_retry_after(answer.retry_after);
    wire.content_type = answer.content_type.as_deref();
    wire.request_id = answer.request_id.as_deref();
    core_answer::interpret(&wire, asked).map_err(|error| match error {
        AnswerError::Redirect { http_status } => {
            Error::redirect(http_status, answer.location.as_deref().map(without_query), false)
        }
        AnswerError::Service(service) => Error::Service(ServiceError::from_answer(*service)),
        AnswerError::Decode(undecodable) => Error::undecodable(*undecodable),
    })
}

/// A redirect's location without its query and fragment (which may echo the signed query,
/// security token included) or user information.
fn without_query(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => location.split(['?', '#']).next().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::{DescribeRefreshTaskByIdResponse, ErrorCode, ServiceErrorBody};

    fn answer(status: u16, content_type: Option<&str>, body: &str) -> Answer {
        Answer {
            status,
            content_type: content_type.map(str::to_owned),
            request_id: Some("HDR".into()),
            location: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn redirects_are_errors_naming_where_without_the_query() {
        let redirect = Answer {
            location: Some("https://u:p@elsewhere.example/x?SecurityToken=abc#f".into()),
            ..answer(307, None, "")
        };
        let error = interpret::<DescribeRefreshTaskByIdResponse>(&redirect, Format::Json).unwrap_err();
        assert!(
            matches!(&error, Error::Redirect { http_status: 307, location: Some(location), .. }
                if location == "https://elsewhere.example/x"),
            "{error:?}"
        );
        assert!(!error.is_retryable());
        assert_eq!(without_query("/relative?Signature=x"), "/relative");
    }

    #[test]
    fn endpoints() {
        let (url, host) = parse_endpoint("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (url.as_str(), host.as_str()),
            ("http://127.0.0.1:8080/", "127.0.0.1:8080")
        );
        assert_eq!(
            parse_endpoint("https://cdn.aliyuncs.com/").unwrap().1,
            "cdn.aliyuncs.com"
        );
        assert_eq!(
            parse_endpoint("https://cdn.aliyuncs.com:443").unwrap().1,
            "cdn.aliyuncs.com"
        );
        for bad in [
            "ftp://x",
            "cdn.aliyuncs.com",
            "https://x/api",
            "https://x/?a=1",
            "https://u:p@x",
        ] {
            assert!(
                matches!(parse_endpoint(bad), Err(Error::InvalidInput(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_bodies_decode_by_content_type_or_sniffing() {
        let json = ServiceErrorBody::for_code(ErrorCode::InvalidTaskIdMalformed, "R1").encode_json();
        let xml = ServiceErrorBody::for_code(ErrorCode::ThrottlingUser, "R2").encode_xml();
        let cases = [
            (
                Some("application/json;charset=utf-8"),
                json.as_str(),
                "InvalidTaskId.Malformed",
                false,
            ),
            (
                Some("text/xml;charset=utf-8"),
                xml.as_str(),
                "Throttling.User",
                true,
            ),
            (None, json.as_str(), "InvalidTaskId.Malformed", false),
            (Some("text/plain"), xml.as_str(), "Throttling.User", true),
        ];
        for (content_type, body, expected, expected_retryable) in cases {
            let error =
                interpret::<DescribeRefreshTaskByIdResponse>(&answer(400, content_type, body), Format::Json)
                    .unwrap_err();
            let Error::Service(service) = &error else {
                panic!("{error:?}");
            };
            assert_eq!(
                (service.code().as_str(), service.is_retryable()),
                (expected, expected_retryable)
            );
            assert!(service.request_id().starts_with('R'));
        }
    }

    #[test]
    fn a_retry_after_header_makes_any_error_throttling() {
        for (value, expected) in [
            ("1500", Some(1_500)),
            (" 7 ", Some(7)),
            ("0", None),
            ("-5", None),
            ("soon", None),
        ] {
            assert_eq!(
                parse_retry_after(value),
                expected.map(Duration::from_millis),
                "{value}"
            );
        }
        let body = ServiceErrorBody::for_code("Busy".parse::<ErrorCode>().unwrap(), "R").encode_json();
        let mut busy = answer(400, Some("application/json"), &body);
        busy.retry_after = Some(Duration::from_millis(250));
        let error = interpret::<DescribeRefreshTaskByIdResponse>(&busy, Format::Json).unwrap_err();
        assert!(error.is_retryable());
        assert_eq!(error.retry_after(), Some(Duration::from_millis(250)));
    }

    #[test]
    fn undecodable_answers_are_decode_errors_retryable_by_status() {
        let gateway = answer(502, Some("text/html"), "<html>Bad gateway</html>");
        let error = interpret::<DescribeRefreshTaskByIdResponse>(&gateway, Format::Json).unwrap_err();
        assert!(
            matches!(&error, Error::Decode { http_status: 502, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable());
        assert_eq!(error.request_id(), Some("HDR"));
        let garbage = answer(200, Some("application/json"), "{\"RequestId\":\"R\"}");
        let error = interpret::<DescribeRefreshTaskByIdResponse>(&garbage, Format::Json).unwrap_err();
        assert!(!error.is_retryable());
    }

    #[test]
    fn success_in_either_format() {
        let response = DescribeRefreshTaskByIdResponse::new("R", Vec::new());
        for format in [Format::Json, Format::Xml] {
            let ok = answer(200, Some(format.content_type()), &response.encode(format));
            assert_eq!(
                interpret::<DescribeRefreshTaskByIdResponse>(&ok, Format::Json).unwrap(),
                response
            );
        }
    }
}
