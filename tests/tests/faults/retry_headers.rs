//! `Retry-After` from a hostile server: huge, far-future, garbage, zero, past, control bytes.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{ErrorKind, RetryPolicy};

use super::server::{Reply, Server, assert_clean, assert_traces_clean, bounded, client};

/// What a `Retry-After` value must make the client do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Longer than what is left (retry budget or total timeout): the 429/503 comes back at
    /// once, after one attempt.
    AtOnce,
    /// Not a valid value: the policy's own backoff (here 40-80 ms) applies, 3 attempts.
    Backoff,
    /// Zero or in the past: retried right away (not after the policy's 400 ms backoff).
    Immediate,
}

const GARBAGE_BACKOFF: (Duration, Duration) = (Duration::from_millis(40), Duration::from_millis(80));
const SLOW_BACKOFF: (Duration, Duration) = (Duration::from_millis(400), Duration::from_millis(800));

/// One case: a server answering every GET with `status` and `Retry-After: value`, and a client
/// for it (built before any timing: building loads the system's roots, tens of ms of CPU).
async fn prepare(status: u16, value: &'static [u8], expect: Expect) -> (u16, &'static [u8], Expect, Server, Client) {
    let server = Server::http(move |_, _| {
        Reply::status(
            status,
            &[("Retry-After", value), ("Content-Type", b"application/json")],
            r#"{"message":"slow down"}"#,
        )
    })
    .await;
    let (initial, max) = if expect == Expect::Immediate {
        SLOW_BACKOFF
    } else {
        GARBAGE_BACKOFF
    };
    let c = client(&server.url())
        .total_timeout(Some(Duration::from_secs(3)))
        .retry(RetryPolicy::default().backoff(initial, max))
        .build()
        .unwrap();
    (status, value, expect, server, c)
}

/// Runs a prepared case; returns what went wrong, if anything.
async fn case(status: u16, value: &[u8], expect: Expect, server: &Server, c: &Client) -> Result<(), String> {
    let (result, took) = bounded(Duration::from_secs(6), c.get_tag().tag_id("t1").send()).await;
    let name = format!("{status} Retry-After {:?} ({expect:?})", String::from_utf8_lossy(value));
    let e = match result {
        Ok(_) => return Err(format!("{name}: the call succeeded")),
        Err(e) => e,
    };
    assert_clean(&e);
    let seen = server.count();
    let fail = |why: String| {
        Err(format!(
            "{name}: {why} (attempts {}, server saw {seen}, took {took:?}; {e})",
            e.attempts()
        ))
    };
    if e.attempts() as usize != seen {
        return fail("the error's attempts differ from what the server saw".into());
    }
    if e.status().map(|s| s.as_u16()) != Some(status) || !matches!(e.kind(), ErrorKind::Api { .. }) {
        return fail(format!(
            "expected ErrorKind::Api with status {status}, got {:?}",
            e.kind()
        ));
    }
    if status == 429 && !e.is_rate_limited() {
        return fail("is_rate_limited() is false".into());
    }
    match expect {
        Expect::AtOnce if seen != 1 || took > Duration::from_millis(500) => {
            fail("expected one attempt, returned at once".into())
        }
        // Two waits of 20-40 and 40-80 ms (50% jitter): at least 60 ms.
        Expect::Backoff if seen != 3 || took < Duration::from_millis(55) || took > Duration::from_secs(2) => {
            fail("expected 3 attempts with the policy's 40-80 ms backoff between them".into())
        }
        // The policy's backoff would take at least 200 + 400 ms.
        Expect::Immediate if seen != 3 || took > Duration::from_millis(400) => {
            fail("expected 3 attempts without waiting".into())
        }
        _ => Ok(()),
    }
}

/// `Retry-After` (RFC 9110 §10.2.3: delta-seconds or an HTTP date) on a 429 and a 503 of a
/// GET, as a hostile server may send it, never panics (no overflow in `Duration` or date
/// arithmetic) and never sleeps beyond the retry budget or the total timeout:
/// - `18446744073709551615` (u64::MAX), more digits than a u64, `Fri, 31 Dec 9999 23:59:59 GMT`,
///   or simply `5` (more than the 3 s total timeout): the call returns at once with the 429
///   (`is_rate_limited()`) or 503, after one attempt, as the client documents ("a retry that
///   could not finish in time is not started"); sleeping for a server-chosen eternity is a hang.
/// - garbage (`soon`, `-1`, `1.5`, `1e3`, empty, `NaN`, obs-text bytes, an impossible date,
///   two numbers): ignored, the policy's own backoff applies (RFC 9110 allows only the two
///   forms; anything else says nothing about when to come back, and curl's `--retry` likewise
///   keeps its own schedule when it cannot use the header).
/// - `0` or a past date: retry right away (a date in the past means "now"; urllib3 clamps a
///   past date to 0 s the same way).
///
/// Every case counts the attempts the server saw, which must equal `e.attempts()`.
#[tokio::test]
async fn retry_after_values_never_overflow_nor_overstay() {
    let values: &[(&[u8], Expect)] = &[
        (b"18446744073709551615", Expect::AtOnce),
        (b"99999999999999999999999999999", Expect::AtOnce),
        (b"Fri, 31 Dec 9999 23:59:59 GMT", Expect::AtOnce),
        (b"5", Expect::AtOnce),
        (b"soon", Expect::Backoff),
        (b"-1", Expect::Backoff),
        (b"1.5", Expect::Backoff),
        (b"1e3", Expect::Backoff),
        (b"", Expect::Backoff),
        (b"NaN", Expect::Backoff),
        (b"\xff\xfe\x80", Expect::Backoff),
        (b"Fri, 31 Dec 9999 25:99:99 GMT", Expect::Backoff),
        (b"1, 2", Expect::Backoff),
        (b"0", Expect::Immediate),
        (b"Wed, 21 Oct 2015 07:28:00 GMT", Expect::Immediate),
        (b"Thu, 01 Jan 1970 00:00:00 GMT", Expect::Immediate),
    ];
    let mut cases = Vec::new();
    for status in [429, 503] {
        for (value, expect) in values {
            cases.push(prepare(status, value, *expect).await);
        }
    }
    let runs = cases
        .iter()
        .map(|(status, value, expect, server, c)| case(*status, value, *expect, server, c));
    let failures: Vec<String> = futures::future::join_all(runs)
        .await
        .into_iter()
        .filter_map(Result::err)
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_traces_clean("n8n_api::retry");
}

/// A `Retry-After` within the total timeout but over the policy's retry budget
/// (`RetryPolicy::budget`) is not waited for either: one attempt, the 429 back at once.
#[tokio::test]
async fn retry_after_over_the_budget_returns_at_once() {
    let server = Server::http(|_, _| Reply::status(429, &[("Retry-After", b"2")], "")).await;
    let c = client(&server.url())
        .total_timeout(Some(Duration::from_secs(10)))
        .retry(RetryPolicy::default().budget(Duration::from_secs(1)))
        .build()
        .unwrap();
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    let e = result.unwrap_err();
    assert!(e.is_rate_limited(), "{e}");
    assert_eq!((e.attempts(), server.count()), (1, 1));
    assert!(took < Duration::from_millis(500), "{took:?}");
}

/// Control bytes in `Retry-After` (ESC, NUL, BEL, DEL): HTTP forbids them in a field value
/// (RFC 9110 §5.5), and hyper rejects such a response as malformed, so the answer never
/// reaches the retry logic. What the client must do: no panic, a clean one-line error that does
/// not echo the bytes, and the bounds of the policy (at most 3 attempts, well within the total
/// timeout).
#[tokio::test]
async fn control_bytes_in_retry_after_fail_cleanly() {
    for value in [&b"\x1b[31m5"[..], b"5\x00", b"\x07", b"1\x7f"] {
        let server = Server::http(move |_, _| Reply::status(429, &[("Retry-After", value)], "")).await;
        let c = client(&server.url())
            .total_timeout(Some(Duration::from_secs(3)))
            .retry(RetryPolicy::default().backoff(GARBAGE_BACKOFF.0, GARBAGE_BACKOFF.1))
            .build()
            .unwrap();
        let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
        let e = result.unwrap_err();
        assert_clean(&e);
        assert!(
            server.count() <= 3 && e.attempts() as usize == server.count(),
            "{value:?}: {e:?}"
        );
        assert!(took < Duration::from_secs(2), "{value:?}: {took:?}");
    }
}
