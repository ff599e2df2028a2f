//! Servers that never answer: every call ends within its total timeout.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{ClientBuilder, ErrorKind, RetryPolicy, types};

use super::server::{After, Reply, Server, assert_clean, assert_traces_clean, bounded, client};

const ATTEMPT: Duration = Duration::from_millis(300);
const TOTAL: Duration = Duration::from_secs(1);
const SLACK: Duration = Duration::from_millis(300);

/// 300 ms per attempt, 1 s in all, the default 3 attempts 5-20 ms apart.
fn short(url: &str) -> ClientBuilder {
    client(url)
        .timeout(Some(ATTEMPT))
        .total_timeout(Some(TOTAL))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(20)))
}

/// A server that accepts, reads the GET and never answers: the call fails with
/// `is_timeout()` within the total timeout (1 s + 300 ms of slack; measured), after the
/// attempts the policy allows: 3 attempts of 300 ms with 5-20 ms between them fit in 1 s
/// (about 930 ms), so the server sees 3 requests and the error says 3 attempts. Why: a hung
/// server must not hang the caller (reqwest's `timeout`, curl's `--max-time`, the AWS SDK for
/// Rust's operation timeout), and a timed-out GET is safe to retry.
#[tokio::test]
async fn a_server_that_never_answers_fails_within_the_total_timeout() {
    let server = Server::http(|_, _| Reply::stall()).await;
    let c = short(&server.url()).build().unwrap();
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    let e = result.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_clean(&e);
    assert!(took < TOTAL + SLACK, "took {took:?}");
    assert!(took >= 3 * ATTEMPT, "3 attempts of 300 ms cannot end in {took:?}");
    assert_eq!((e.attempts(), server.count()), (3, 3), "{e}");
    assert_traces_clean("n8n_api::retry");
}

/// The same against a server that accepts the connection and never even reads it: the same
/// bound and the same 3 attempts (3 connections; no request was read).
#[tokio::test]
async fn a_black_hole_fails_within_the_total_timeout() {
    let server = Server::black_hole().await;
    let c = short(&server.url()).build().unwrap();
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    let e = result.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(took < TOTAL + SLACK, "took {took:?}");
    assert_eq!((e.attempts(), server.connections()), (3, 3), "{e}");
}

/// A single attempt longer than the total timeout (10 s per attempt, 500 ms in all) is cut at
/// the total timeout: `ErrorKind::Timeout(500 ms)`, one attempt, ending at ~500 ms.
#[tokio::test]
async fn the_total_timeout_cuts_a_long_attempt() {
    let server = Server::http(|_, _| Reply::stall()).await;
    let total = Duration::from_millis(500);
    let c = client(&server.url())
        .timeout(Some(Duration::from_secs(10)))
        .total_timeout(Some(total))
        .build()
        .unwrap();
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    let e = result.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Timeout(t) if *t == total), "{e:?}");
    assert!(e.is_timeout());
    assert_eq!((e.attempts(), server.count()), (1, 1));
    assert!(
        took >= total - Duration::from_millis(20) && took < total + SLACK,
        "took {took:?}"
    );
    assert_clean(&e);
}

/// A server that drips its headers one byte every 20 ms forever (slowloris in reverse) is
/// bounded the same way: each attempt's 300 ms timeout, and 1 s in all.
#[tokio::test]
async fn dripped_headers_are_bounded() {
    let mut head = b"HTTP/1.1 200 OK\r\nX-Slow: ".to_vec();
    head.resize(head.len() + 10_000, b'a');
    let reply = Reply::raw(head).dripped(Duration::from_millis(20)).then(After::Stall);
    let server = Server::http(move |_, _| reply.clone()).await;
    let c = short(&server.url()).build().unwrap();
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    let e = result.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(took < TOTAL + SLACK, "took {took:?}");
}

/// A POST that times out is not resent (the server may be processing it; RFC 9110 §9.2.2):
/// one attempt, ending after the attempt's 300 ms.
#[tokio::test]
async fn a_post_that_times_out_is_not_resent() {
    let server = Server::http(|_, _| Reply::stall()).await;
    let c = short(&server.url()).build().unwrap();
    let body = types::CreateTagBody { name: "t".into() };
    let (result, took) = bounded(Duration::from_secs(5), c.create_tag().body(body).send()).await;
    let e = result.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!((e.attempts(), server.count()), (1, 1));
    assert!(took < ATTEMPT + SLACK, "took {took:?}");
}
