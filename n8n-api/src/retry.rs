//! Retries with exponential backoff and jitter, run from progenitor's `exec` hook.
//!
//! Retried: 429, 502, 503 and 504 answers and connection failures (refused, reset, timed out),
//! for GET, HEAD, PUT, DELETE and OPTIONS; POST and PATCH only when the policy says so. A
//! `Retry-After` header (seconds or HTTP date) sets the delay. Every retry is logged with
//! `tracing` (target `n8n_api::retry`), and the number of attempts is reported in errors.

use std::cell::Cell;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    non_idempotent: bool,
}

/// The most time the default policy spends waiting between the attempts of one call.
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(30);

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 250 ms doubling up to 8 s, at most [`DEFAULT_RETRY_BUDGET`] of
    /// waiting in all, idempotent methods only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            budget: DEFAULT_RETRY_BUDGET,
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// Attempts in all, the first included (1 = no retries).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The delay before the first retry; it doubles per retry, up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The most time spent waiting between attempts of one request.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Also retry POST and PATCH (only if you know the operation is safe to repeat).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    fn method_allowed(&self, method: &Method) -> bool {
        self.non_idempotent
            || matches!(
                *method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
            )
    }

    /// The delay before retry number `retry` (1-based), with up to 50% jitter taken off.
    fn delay(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << (retry - 1).min(20));
        let capped = exp.min(self.max_backoff);
        let jitter = capped.mul_f64(0.5 * random_unit());
        capped - jitter
    }
}

/// Statuses worth another attempt.
pub fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retryable_error(e: &reqwest::Error) -> bool {
    (e.is_connect() || e.is_timeout() || e.is_request() && !e.is_builder() && !e.is_body()) && !is_tls_refusal(e)
}

/// A TLS handshake the client refused (an untrusted or invalid certificate): the same again on
/// every attempt, so never retried. rustls reports it as an `InvalidData` I/O error.
fn is_tls_refusal(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// A number in [0, 1) that differs between calls (jitter needs no cryptographic randomness).
fn random_unit() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` (RFC 9110 10.2.3): delta-seconds or an HTTP date, as the wait from now. A
/// value that is neither (garbage, negative, a date that does not parse) is ignored: the
/// policy's own backoff applies. Huge values are kept huge (saturating, never overflowing): the
/// caller compares them with what is left of its budget and gives up instead of waiting.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, chrono::Utc::now())
}

fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits beyond u64 are still "a very long time".
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.signed_duration_since(now);
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// What one call keeps while it runs: how often its request was sent, and by when it must end.
struct CallState {
    attempts: Cell<u32>,
    deadline: Option<Instant>,
}

tokio::task_local! {
    /// The state of the call running in this task (read by the retry loop and the error mapping).
    static CALL: CallState;
}

/// Runs `fut` (a generated `send_unmapped()` and the mapping of its error) as one call that must
/// end by `deadline`; returns its output and the number of attempts its request took.
pub(crate) async fn counting<F: std::future::Future>(deadline: Option<Instant>, fut: F) -> (F::Output, u32) {
    let state = CallState {
        attempts: Cell::new(0),
        deadline,
    };
    CALL.scope(state, async move {
        let out = fut.await;
        (out, CALL.with(|c| c.attempts.get()))
    })
    .await
}

fn count_attempt() {
    let _ = CALL.try_with(|c| c.attempts.set(c.attempts.get() + 1));
}

/// The time left to the running call, if it has a deadline.
pub(crate) fn remaining() -> Option<Duration> {
    CALL.try_with(|c| c.deadline)
        .ok()
        .flatten()
        .map(|d| d.saturating_duration_since(Instant::now()))
}

/// Sends `request`, retrying as `policy` allows.
///
/// Every wait is bounded: a retry happens only when its delay fits both the policy's budget and
/// what is left of the call's total timeout; otherwise the last answer (a `429` or `503` with its
/// status) or error is returned at once.
pub(crate) async fn execute(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    operation: &str,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let started = Instant::now();
    let mut waited = Duration::ZERO;
    let mut attempt = 1u32;
    loop {
        let allowed = attempt < policy.max_attempts && policy.method_allowed(request.method());
        let retry_copy = if allowed { request.try_clone() } else { None };
        count_attempt();
        let result = http.execute(request).await;
        let Some(next) = retry_copy else { return result };
        let (delay, what) = match &result {
            Ok(r) if retryable_status(r.status()) => (
                retry_after(r).unwrap_or_else(|| policy.delay(attempt)),
                r.status().to_string(),
            ),
            Err(e) if retryable_error(e) => (policy.delay(attempt), e.to_string()),
            _ => return result,
        };
        let over_budget = waited.saturating_add(delay) > policy.budget;
        // A retry must leave its attempt some time: one that would start at the deadline is
        // no retry.
        let over_deadline = remaining().is_some_and(|left| delay.saturating_add(MIN_ATTEMPT) > left);
        if over_budget || over_deadline {
            let why = if over_budget {
                "the retry budget is spent"
            } else {
                "the call's total timeout would pass"
            };
            tracing::warn!(
                target: "n8n_api::retry",
                operation,
                attempt,
                cause = %what,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "not retrying: {why}"
            );
            return result;
        }
        tracing::warn!(
            target: "n8n_api::retry",
            operation,
            attempt,
            cause = %what,
            delay_ms = delay.as_millis() as u64,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(delay).await;
        waited += delay;
        attempt += 1;
        request = next;
    }
}

/// The least time a retry is worth starting with.
const MIN_ATTEMPT: Duration = Duration::from_millis(100);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..100 {
            let d1 = p.delay(1);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = p.delay(3);
            assert!(
                d3 >= Duration::from_millis(175) && d3 <= Duration::from_millis(350),
                "{d3:?}"
            );
        }
    }

    #[test]
    fn retry_after_never_overflows_and_ignores_garbage() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let p = |v: &str| parse_retry_after(v, now);
        assert_eq!(p("120"), Some(Duration::from_secs(120)));
        assert_eq!(p(" 0 "), Some(Duration::ZERO));
        assert_eq!(p("18446744073709551615"), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(p("99999999999999999999999999"), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(p("Thu, 01 Jan 2026 00:00:30 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(
            p("Wed, 31 Dec 2025 23:00:00 GMT"),
            Some(Duration::ZERO),
            "a past date: now"
        );
        assert_eq!(
            p("Fri, 31 Dec 9999 23:59:59 GMT").map(|d| d > Duration::from_secs(1 << 32)),
            Some(true)
        );
        for garbage in ["", "-5", "1.5", "soon", "NaN", "\u{1b}[31m", "1e9"] {
            assert_eq!(p(garbage), None, "{garbage:?}");
        }
        // What the retry loop does with the largest of them cannot overflow.
        let huge = p("18446744073709551615").unwrap();
        assert!(Duration::from_secs(5).saturating_add(huge) > RetryPolicy::default().budget);
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let p = RetryPolicy::default();
        assert!(p.method_allowed(&Method::GET) && p.method_allowed(&Method::PUT) && p.method_allowed(&Method::DELETE));
        assert!(!p.method_allowed(&Method::POST) && !p.method_allowed(&Method::PATCH));
        assert!(p.clone().retry_non_idempotent(true).method_allowed(&Method::POST));
    }
}
