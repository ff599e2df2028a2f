//! Which methods are resent after a failure: idempotent ones, and POST only when asked.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, RetryPolicy, types};
use serde_json::json;

use super::server::{After, Reply, Server, assert_clean, assert_traces_clean, bounded, client, fast_retries};

/// How the server fails every request, once it has read it whole.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// `503 Service Unavailable`.
    Unavailable,
    /// A TCP reset.
    Reset,
    /// The connection closed without a byte of answer.
    Closed,
}

fn failing(fault: Fault) -> Reply {
    match fault {
        Fault::Unavailable => Reply::json(503, &json!({ "message": "unavailable" })),
        Fault::Reset => Reply::reset(),
        Fault::Closed => Reply::raw(Vec::new()).then(After::Close),
    }
}

const FAULTS: [Fault; 3] = [Fault::Unavailable, Fault::Reset, Fault::Closed];

#[derive(Clone, Copy, Debug)]
enum Op {
    Get,
    Put,
    Delete,
    Post,
}

impl Op {
    fn method(self) -> &'static str {
        match self {
            Op::Get => "GET",
            Op::Put => "PUT",
            Op::Delete => "DELETE",
            Op::Post => "POST",
        }
    }

    async fn send(self, c: &Client) -> Result<(), Error> {
        let name = types::CreateTagBody { name: "t".into() };
        let send = async {
            match self {
                Op::Get => c.get_tag().tag_id("t1").send().await.map(drop),
                Op::Put => c.update_tag().tag_id("t1").body(name).send().await.map(drop),
                Op::Delete => c.delete_tag().tag_id("t1").send().await.map(drop),
                Op::Post => c.create_tag().body(name).send().await.map(drop),
            }
        };
        bounded(Duration::from_secs(5), send).await.0
    }
}

/// Runs `op` against a server failing with `fault`, under `policy`; returns the requests the
/// server saw and the error.
async fn run(op: Op, fault: Fault, policy: RetryPolicy) -> (Vec<super::server::Request>, Error) {
    let server = Server::http(move |_, _| failing(fault)).await;
    let c = client(&server.url()).retry(policy).build().unwrap();
    let e = op.send(&c).await.expect_err("every attempt fails");
    assert_clean(&e);
    (server.requests(), e)
}

/// A POST (`createTag`) that got a 503, a reset or a closed connection after the server read
/// it is NOT resent by default: the server counts 1 request and the error says 1 attempt. Why:
/// POST is not idempotent (RFC 9110 §9.2.2); the server may have created the tag before
/// failing, and a resend would create it twice. RFC 9112 §9.3.1: a client "MUST NOT
/// automatically retry a request with a non-idempotent method" unless it knows it is safe;
/// urllib3's `Retry` leaves POST out of its default methods, and Stripe's SDKs retry a POST
/// only with an `Idempotency-Key` they add, which n8n's API has no equivalent of.
#[tokio::test]
async fn a_post_is_not_resent_by_default() {
    for fault in FAULTS {
        let (seen, e) = run(Op::Post, fault, fast_retries()).await;
        assert_eq!(seen.len(), 1, "{fault:?}: the POST was resent");
        assert_eq!(e.attempts(), 1, "{fault:?}: {e}");
        assert_eq!(seen[0].method, "POST");
        if matches!(fault, Fault::Unavailable) {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
        }
    }
}

/// GET, PUT and DELETE (idempotent, RFC 9110 §9.2.2) are retried after a 503, a reset or a
/// closed connection, up to the default 3 attempts (the server counts 3, each the same request:
/// method, path and body), and then the last failure is returned: the retry RFC 9110 §9.2.2
/// allows ("a request method is idempotent ... can be repeated"), as the AWS SDKs' standard
/// mode makes it (3 attempts by default).
#[tokio::test]
async fn idempotent_methods_are_retried_up_to_three_attempts() {
    let mut failures = Vec::new();
    for op in [Op::Get, Op::Put, Op::Delete] {
        for fault in FAULTS {
            let (seen, e) = run(op, fault, fast_retries()).await;
            let case = format!("{op:?} after {fault:?}");
            if seen.len() != 3 || e.attempts() != 3 {
                failures.push(format!(
                    "{case}: server saw {} requests, error says {} attempts: {e}",
                    seen.len(),
                    e.attempts()
                ));
                continue;
            }
            assert!(seen.iter().all(|r| r.method == op.method()), "{case}");
            assert!(
                seen.iter()
                    .all(|r| r.target == seen[0].target && r.body == seen[0].body),
                "{case}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_traces_clean("n8n_api::retry");
}

/// With `RetryPolicy::default().retry_non_idempotent(true)` the caller vouches that the POST
/// is safe to repeat, and it is retried like a GET: 3 attempts after a 503, a reset or a closed
/// connection, each with the same body; and a POST that succeeds on its third attempt returns
/// the created tag.
#[tokio::test]
async fn a_post_is_retried_when_the_policy_allows() {
    let policy = || fast_retries().retry_non_idempotent(true);
    for fault in FAULTS {
        let (seen, e) = run(Op::Post, fault, policy()).await;
        assert_eq!((seen.len(), e.attempts()), (3, 3), "{fault:?}: {e}");
        assert!(seen.iter().all(|r| r.method == "POST" && r.body == seen[0].body));
    }
    let server = Server::http(|_, i| match i {
        0 | 1 => failing(Fault::Unavailable),
        _ => Reply::json(201, &json!({ "id": "t9", "name": "t" })),
    })
    .await;
    let c = client(&server.url()).retry(policy()).build().unwrap();
    let name = types::CreateTagBody { name: "t".into() };
    let tag = bounded(Duration::from_secs(5), c.create_tag().body(name).send())
        .await
        .0
        .unwrap();
    assert_eq!((tag.id.as_str(), server.count()), ("t9", 3));
}
