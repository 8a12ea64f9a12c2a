//! Retries with jittered exponential backoff (backon), bounded in attempts and total time.

use crate::config::RetryPolicy;
use crate::error::Error;
use backon::{ExponentialBuilder, Retryable};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
// tokio's clock, so that tests with paused time control the total-time bound.
use tokio::time::Instant;

tokio::task_local! {
    /// A deadline set around a group of calls (a wait's poll): no retry is scheduled past it.
    static RETRY_DEADLINE: Instant;
}

/// Runs `future` so that no retry loop inside it schedules an attempt after `deadline` (the
/// attempt in flight then is the last, and its error is returned as usual).
pub(crate) async fn retrying_until<F: Future>(deadline: Instant, future: F) -> F::Output {
    RETRY_DEADLINE.scope(deadline, future).await
}

/// Whether a retry `delay` from now still starts before the enclosing [`retrying_until`]
/// deadline, if there is one.
fn before_deadline(delay: std::time::Duration) -> bool {
    RETRY_DEADLINE
        .try_with(|deadline| Instant::now() + delay <= *deadline)
        .unwrap_or(true)
}

/// The longest wait an `x-acs-retry-after` header is honoured for (the official SDKs' cap,
/// darabonba's `MAX_DELAY_TIME`).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Which errors a call is retried on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryRule {
    /// Every retryable error ([`Error::is_retryable`]): for calls that change nothing.
    Retryable,
    /// Only retryable errors after which the call provably was not processed: for calls that
    /// create tasks.
    NotProcessed,
}

impl RetryRule {
    fn allows(self, error: &Error) -> bool {
        match self {
            RetryRule::Retryable => error.is_retryable(),
            RetryRule::NotProcessed => error.is_retryable() && !error.may_have_been_processed(),
        }
    }
}

/// Runs `attempt` (given the 1-based attempt number) until it succeeds, fails with an error the
/// rule does not retry, runs out of attempts, or the next delay would pass the policy's total
/// time (or an enclosing [`retrying_until`] deadline). The delay is the backoff's, or the
/// `x-acs-retry-after` of the error when that is longer
/// (up to [`MAX_RETRY_AFTER`]). The last error is returned.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    rule: RetryRule,
    action: &'static str,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let attempts = AtomicU32::new(0);
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_backoff())
        .with_max_delay(policy.max_backoff())
        .with_factor(2.0)
        .with_max_times(policy.max_attempts().saturating_sub(1) as usize)
        .with_jitter()
        // backon without its `std` feature seeds jitter with a constant: give it a random seed.
        .with_jitter_seed(rand::random());
    let max_total_time = policy.max_total_time();
    let result = (|| attempt(attempts.fetch_add(1, Ordering::Relaxed) + 1))
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|error| rule.allows(error))
        .adjust(|error, delay| {
            let asked = error.retry_after().map(|wait| wait.min(MAX_RETRY_AFTER));
            delay
                .map(|delay| asked.map_or(delay, |asked| delay.max(asked)))
                .filter(|delay| started.elapsed() + *delay <= max_total_time && before_deadline(*delay))
        })
        .notify(|error, delay| {
            tracing::warn!(
                action,
                attempt = attempts.load(Ordering::Relaxed),
                retry_in_ms = delay.as_millis() as u64,
                request_id = error.request_id().unwrap_or(""),
                %error,
                "retrying"
            );
        })
        .await;
    result.map_err(|error| error.after_attempts(attempts.load(Ordering::Relaxed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_core::ErrorCode;

    fn policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(max_attempts)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
            .with_max_total_time(Duration::from_secs(5))
    }

    fn service(code: ErrorCode, http_status: u16) -> Error {
        Error::service_for_test(code, http_status)
    }

    async fn run(
        policy: RetryPolicy,
        fail_times: u32,
        error: impl Fn() -> Error,
    ) -> (Result<u32, Error>, u32) {
        run_with(policy, RetryRule::Retryable, fail_times, error).await
    }

    async fn run_with(
        policy: RetryPolicy,
        rule: RetryRule,
        fail_times: u32,
        error: impl Fn() -> Error,
    ) -> (Result<u32, Error>, u32) {
        let mut calls = 0;
        let result = with_retries(&policy, rule, "Test", |n| {
            calls += 1;
            let outcome = if n <= fail_times { Err(error()) } else { Ok(n) };
            async move { outcome }
        })
        .await;
        (result, calls)
    }

    #[tokio::test]
    async fn retryable_errors_are_retried_until_success() {
        let (result, calls) = run(policy(5), 3, || service(ErrorCode::ThrottlingUser, 400)).await;
        assert_eq!(result.unwrap(), 4);
        assert_eq!(calls, 4);
    }

    #[tokio::test]
    async fn attempts_are_bounded() {
        let (result, calls) = run(policy(3), 10, || Error::timeout(Duration::ZERO)).await;
        let error = result.unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }));
        assert_eq!((calls, error.attempts()), (3, 3));
    }

    #[tokio::test]
    async fn validation_and_signature_errors_are_never_retried() {
        for code in [
            ErrorCode::SignatureDoesNotMatch,
            ErrorCode::InvalidTaskIdMalformed,
        ] {
            let error = move || service(code.clone(), 400);
            let (result, calls) = run(policy(5), 10, error).await;
            assert!(result.is_err());
            assert_eq!(calls, 1);
        }
    }

    #[tokio::test]
    async fn create_calls_are_retried_only_when_provably_not_processed() {
        let throttled = || service(ErrorCode::ThrottlingUser, 400);
        let (result, calls) = run_with(policy(5), RetryRule::NotProcessed, 2, throttled).await;
        assert_eq!((result.unwrap(), calls), (3, 3));
        let timeout = || Error::timeout(Duration::ZERO);
        let (result, calls) = run_with(policy(5), RetryRule::NotProcessed, 2, timeout).await;
        assert!(matches!(result, Err(Error::Timeout { .. })));
        assert_eq!(calls, 1);
        let internal = || service(ErrorCode::InternalError, 500);
        let (_, calls) = run_with(policy(5), RetryRule::NotProcessed, 2, internal).await;
        assert_eq!(calls, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_header_is_waited_out_and_capped() {
        // The service's code is not retryable; the header alone makes the error retryable (see
        // `interpret`), as the official SDKs treat it.
        let retryable = |wait: Duration| {
            move || {
                let body = cdn_task_core::ServiceErrorBody::with_message(
                    "Busy".parse::<ErrorCode>().unwrap(),
                    "",
                    "R",
                );
                Error::Service(crate::error::ServiceError::from_body(body, 400, true, Some(wait)))
            }
        };
        let policy = policy(2).with_max_total_time(Duration::from_secs(600));
        let start = Instant::now();
        let (result, calls) = run(policy, 1, retryable(Duration::from_millis(1_500))).await;
        assert_eq!((result.unwrap(), calls), (2, 2));
        assert!(
            start.elapsed() >= Duration::from_millis(1_500),
            "{:?}",
            start.elapsed()
        );
        let start = Instant::now();
        let (_, calls) = run(policy, 1, retryable(Duration::from_secs(3_600))).await;
        assert_eq!(calls, 2);
        let waited = start.elapsed();
        assert!(
            waited >= MAX_RETRY_AFTER && waited < Duration::from_secs(3_600),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_is_scheduled_past_an_enclosing_deadline() {
        let throttled = || service(ErrorCode::ThrottlingUser, 400);
        // The backoff's first delay is at least 1 ms: a deadline 0 s away leaves no room for it.
        let (result, calls) = retrying_until(Instant::now(), run(policy(5), 3, throttled)).await;
        assert!(result.is_err());
        assert_eq!(calls, 1);
        let (result, calls) = retrying_until(
            Instant::now() + Duration::from_secs(60),
            run(policy(5), 3, throttled),
        )
        .await;
        assert_eq!(
            (result.unwrap(), calls),
            (4, 4),
            "a deadline far enough away lets every retry run"
        );
    }

    #[tokio::test]
    async fn total_time_is_bounded() {
        let policy = policy(10).with_max_total_time(Duration::ZERO);
        let (result, calls) = run(policy, 10, || service(ErrorCode::InternalError, 500)).await;
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }
}
