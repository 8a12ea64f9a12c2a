//! The record of requests received, for tests to read back.

use crate::fault::Fault;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{ErrorCode, Format};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// Most calls kept; older ones are dropped first (a long-running mock stays bounded).
pub const MAX_RECORDED_CALLS: usize = 10_000;

/// Most characters kept of any client-supplied text the mock records or logs (an action name,
/// a method); the API's longest action name has 27.
pub(crate) const MAX_CLIENT_TEXT_CHARS: usize = 64;

/// Client-supplied `text` as the mock records and logs it: at most
/// [`MAX_CLIENT_TEXT_CHARS`] characters (then `…`), control and other unprintable characters
/// escaped, so neither memory nor a log line grows with what a client sends, and a log line
/// cannot be forged with a newline.
pub(crate) fn client_text(text: &str) -> String {
    let mut kept: String = text
        .chars()
        .take(MAX_CLIENT_TEXT_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(MAX_CLIENT_TEXT_CHARS).is_some() {
        kept.push('…');
    }
    kept
}

/// One request the mock received, and how it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedCall {
    /// When it arrived, by the time requests are judged by
    /// ([`MockClock::request_time`](crate::MockClock::request_time)).
    pub time: DateTime<Utc>,
    /// The HTTP method.
    pub method: String,
    /// The action named (`Action` or `x-acs-action`), verified or not; at most 64 characters,
    /// control characters escaped (a client's text is never kept whole).
    pub action: Option<String>,
    /// The AccessKeyId, once the signature is verified; `None` when verification failed or did
    /// not happen.
    pub access_key_id: Option<String>,
    /// The signature scheme: as verified, or as the request's headers claim when verification
    /// failed.
    pub scheme: SignatureVersion,
    /// The format answered in.
    pub format: Format,
    /// The HTTP status answered; `None` when the connection was dropped (injected fault).
    pub status: Option<u16>,
    /// The error code answered, if any.
    pub error_code: Option<ErrorCode>,
    /// The request ID answered; `None` when the connection was dropped.
    pub request_id: Option<String>,
    /// The injected fault, if any.
    pub fault: Option<Fault>,
    /// The API parameters of a verified request (no signing parameters, no secrets), in order,
    /// bounded in size (see `recorded.rs`); empty when verification failed or did not happen.
    pub parameters: Vec<(String, String)>,
    /// The request's headers, names in lower case, in order, bounded like the parameters;
    /// without those that carry credentials or signatures (`Authorization`,
    /// `x-acs-security-token`, `x-acs-signature-*`, `Cookie`, `Proxy-Authorization`). What a
    /// test checks to see a client's own headers (a `User-Agent`, a tracing header) arrive.
    pub headers: Vec<(String, String)>,
}

/// The most recent calls, oldest first.
#[derive(Debug, Default)]
pub(crate) struct CallLog {
    calls: VecDeque<ReceivedCall>,
}

impl CallLog {
    pub(crate) fn record(&mut self, call: ReceivedCall) {
        if self.calls.len() == MAX_RECORDED_CALLS {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
    }

    pub(crate) fn snapshot(&self) -> Vec<ReceivedCall> {
        self.calls.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.calls.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(n: u16) -> ReceivedCall {
        ReceivedCall {
            time: DateTime::UNIX_EPOCH,
            parameters: Vec::new(),
            headers: Vec::new(),
            method: "GET".into(),
            action: None,
            access_key_id: None,
            scheme: SignatureVersion::Rpc,
            format: Format::Xml,
            status: Some(n),
            error_code: None,
            request_id: None,
            fault: None,
        }
    }

    #[test]
    fn client_text_is_bounded_and_escaped() {
        assert_eq!(client_text("DescribeRefreshTaskById"), "DescribeRefreshTaskById");
        assert_eq!(client_text("a\nb\u{0}"), "a\\nb\\0");
        let long = client_text(&"é".repeat(2 << 20));
        assert_eq!(long.chars().count(), MAX_CLIENT_TEXT_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(
            client_text(&"x".repeat(MAX_CLIENT_TEXT_CHARS)).len(),
            MAX_CLIENT_TEXT_CHARS
        );
    }

    #[test]
    fn keeps_the_most_recent_calls() {
        let mut log = CallLog::default();
        for n in 0..=MAX_RECORDED_CALLS {
            log.record(call((n % 60_000) as u16));
        }
        let calls = log.snapshot();
        assert_eq!(calls.len(), MAX_RECORDED_CALLS);
        assert_eq!(calls[0].status, Some(1));
        log.clear();
        assert!(log.snapshot().is_empty());
    }
}
