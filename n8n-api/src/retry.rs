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

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 250 ms doubling up to 8 s, at most 30 s of waiting in all,
    /// idempotent methods only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            budget: Duration::from_secs(30),
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
    e.is_connect() || e.is_timeout() || e.is_request() && !e.is_builder() && !e.is_body()
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

/// `Retry-After`: delta-seconds or an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.signed_duration_since(chrono::Utc::now());
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

tokio::task_local! {
    /// Attempts made by the request running in this task (read by the error mapping).
    static ATTEMPTS: Cell<u32>;
}

/// Runs `fut` (a generated `send_unmapped()`) with an attempt counter; returns its output and
/// the number of attempts its request took.
pub(crate) async fn counting<F: std::future::Future>(fut: F) -> (F::Output, u32) {
    ATTEMPTS
        .scope(Cell::new(0), async move {
            let out = fut.await;
            (out, ATTEMPTS.with(Cell::get))
        })
        .await
}

fn count_attempt() {
    let _ = ATTEMPTS.try_with(|c| c.set(c.get() + 1));
}

/// Sends `request`, retrying as `policy` allows.
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
        let (wanted, delay, what) = match &result {
            Ok(r) if retryable_status(r.status()) => (
                true,
                retry_after(r).unwrap_or_else(|| policy.delay(attempt)),
                r.status().to_string(),
            ),
            Ok(_) => (false, Duration::ZERO, String::new()),
            Err(e) if retryable_error(e) => (true, policy.delay(attempt), e.to_string()),
            Err(_) => (false, Duration::ZERO, String::new()),
        };
        if !wanted {
            return result;
        }
        if waited + delay > policy.budget {
            tracing::warn!(target: "n8n_api::retry", operation, attempt, cause = %what, "not retrying: the retry budget is spent");
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
    fn only_idempotent_methods_by_default() {
        let p = RetryPolicy::default();
        assert!(p.method_allowed(&Method::GET) && p.method_allowed(&Method::PUT) && p.method_allowed(&Method::DELETE));
        assert!(!p.method_allowed(&Method::POST) && !p.method_allowed(&Method::PATCH));
        assert!(p.clone().retry_non_idempotent(true).method_allowed(&Method::POST));
    }
}
