//! Response bodies from a hostile server: cut, stalled, huge, nested, not UTF-8, not JSON,
//! empty, and messages that try to forge log lines.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, ErrorKind, types};
use n8n_api_mock::Sample;
use serde_json::json;

use super::server::{After, Reply, Server, assert_clean, bounded, client};

/// The total timeout of the stalling cases.
const TOTAL: Duration = Duration::from_millis(800);
/// What a call may take beyond its total timeout (scheduling, two cores, a loaded machine).
const SLACK: Duration = Duration::from_millis(700);

/// A server answering every request with `reply`, and a client for it (800 ms in all; built
/// before any timing starts: building a client loads the system's roots, tens of ms of CPU).
async fn serve(reply: Reply, max_response: Option<u64>) -> (Server, Client) {
    let server = Server::http(move |_, _| reply.clone()).await;
    let mut builder = client(&server.url())
        .timeout(Some(Duration::from_secs(5)))
        .total_timeout(Some(TOTAL));
    if let Some(limit) = max_response {
        builder = builder.max_response_bytes(limit);
    }
    let c = builder.build().unwrap();
    (server, c)
}

/// `getTag` through `c`: the result and how long it took.
async fn fetch(c: &Client) -> (Result<types::Tag, Error>, Duration) {
    let (result, took) = bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send()).await;
    (result, took)
}

/// `getTag` against a server answering `reply`.
async fn get_tag(reply: Reply, max_response: Option<u64>) -> (Result<types::Tag, Error>, Duration) {
    let (_server, c) = serve(reply, max_response).await;
    fetch(&c).await
}

/// Each case's `getTag` against its own server, all at once; `(name, extra, result, time)`.
async fn run_all<X: Copy>(
    cases: Vec<(&'static str, Reply, X, Option<u64>)>,
) -> Vec<(&'static str, X, Result<types::Tag, Error>, Duration)> {
    let mut ready = Vec::new();
    for (name, reply, extra, limit) in cases {
        ready.push((name, extra, serve(reply, limit).await));
    }
    let runs = ready.iter().map(|(name, extra, (_, c))| async move {
        let (result, took) = fetch(c).await;
        (*name, *extra, result, took)
    });
    futures::future::join_all(runs).await
}

fn huge_message(bytes: usize) -> Vec<u8> {
    let mut body = br#"{"message":""#.to_vec();
    body.resize(body.len() + bytes, b'x');
    body.extend_from_slice(br#""}"#);
    body
}

/// A close-delimited response: no `Content-Length`, the body ends when the connection does.
fn close_delimited(status: u16, body: &[u8]) -> Reply {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut bytes = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n\r\n").into_bytes();
    bytes.extend_from_slice(body);
    Reply::raw(bytes)
}

const HTML: &[u8] =
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\x1b[2J<center>nginx</center></body>\n</html>\n";

/// An error status (404) whose body is cut (a `Content-Length` larger than what is sent, then
/// close), stalls forever after part of it (or before any of it), is huge (10 MB, with and
/// without a `Content-Length`), is not UTF-8, is an HTML page with CR/LF and ESC, or is empty:
/// the answer is still the server's 404 (`e.status() == Some(404)`, `is_not_found()`), within
/// the total timeout, and `Display` stays one bounded line. Why: the status line is the
/// server's answer; the body of an error is decoration, and a proxy's HTML page, a cut
/// connection or a 10 MB dump must not turn "not found" into "request failed" (RFC 9110 §15:
/// the status code gives the result of the request, the content only explains it; reqwest's
/// `Response::status()` is known before a byte of the body).
#[tokio::test]
async fn an_error_status_survives_its_body() {
    let cases: Vec<(&str, Reply)> = vec![
        ("cut", Reply::cut(404, 1000, br#"{"message":"Not fo"#, After::Close)),
        (
            "stalls after part",
            Reply::cut(404, 1000, br#"{"message":"#, After::Stall),
        ),
        ("stalls before any", Reply::cut(404, 100, b"", After::Stall)),
        (
            "10 MB",
            Reply::status(404, &[("Content-Type", b"application/json")], huge_message(10 << 20)),
        ),
        ("10 MB close-delimited", close_delimited(404, &huge_message(10 << 20))),
        (
            "10 MB of lines",
            Reply::status(404, &[], b"line\r\n".repeat((10 << 20) / 6)),
        ),
        (
            "not UTF-8",
            Reply::status(404, &[("Content-Type", b"application/json")], b"\xff\xfe\x00{\x80\xc3"),
        ),
        ("HTML", Reply::status(404, &[("Content-Type", b"text/html")], HTML)),
        ("empty", Reply::status(404, &[], b"")),
        ("JSON null", Reply::json(404, &json!(null))),
        (
            "a message that is not a string",
            Reply::json(404, &json!({ "message": { "nested": [1, 2] } })),
        ),
    ];
    let cases = cases.into_iter().map(|(name, reply)| (name, reply, (), None)).collect();
    let mut failures = Vec::new();
    for (name, (), result, took) in run_all(cases).await {
        let e = match result {
            Ok(tag) => {
                failures.push(format!("{name}: decoded {tag:?}"));
                continue;
            }
            Err(e) => e,
        };
        assert_clean(&e);
        if e.status().map(|s| s.as_u16()) != Some(404) || !e.is_not_found() {
            failures.push(format!("{name}: status {:?}, kind {}: {e}", e.status(), e.kind_name()));
        }
        if took > TOTAL + SLACK {
            failures.push(format!("{name}: took {took:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What a failed success-body must be: an error of one of `kinds`, clean, within the bounds.
fn check(name: &str, result: Result<types::Tag, Error>, took: Duration, kinds: &[&str], failures: &mut Vec<String>) {
    match result {
        Ok(tag) => failures.push(format!("{name}: decoded {tag:?}")),
        Err(e) => {
            assert_clean(&e);
            if !kinds.contains(&e.kind_name()) {
                failures.push(format!(
                    "{name}: expected one of {kinds:?}, got {}: {e:?}",
                    e.kind_name()
                ));
            }
            if e.is_not_found() {
                failures.push(format!("{name}: a 200 reported as not found"));
            }
        }
    }
    if took > TOTAL + SLACK {
        failures.push(format!("{name}: took {took:?}"));
    }
}

/// A success (200) body that is cut (transport error: the body could not be read), not UTF-8,
/// HTML, empty, or nested 100 000 arrays deep (`[[[[...`: serde_json's recursion limit of 128
/// stops it, no stack overflow on a test thread's 2 MiB stack) fails with a clean error
/// (`decode` for what arrived whole but is not the type), quickly. Why: the spec promises a
/// `Tag`; anything else is the server's fault and must surface as an error the caller can
/// handle, never a panic or a crash of the process (serde_json's own guidance for untrusted
/// input keeps the recursion limit on).
#[tokio::test]
async fn a_bad_success_body_is_a_clean_error() {
    let json = |body: &[u8]| Reply::status(200, &[("Content-Type", b"application/json")], body);
    let cases: Vec<(&str, Reply, &[&str])> = vec![
        (
            "cut",
            Reply::cut(200, 1000, br#"{"id":"t1","na"#, After::Close),
            &["transport", "decode"],
        ),
        ("not UTF-8", json(b"{\"id\":\"t1\",\"name\":\"\xff\xfe\"}"), &["decode"]),
        (
            "HTML",
            Reply::status(200, &[("Content-Type", b"text/html")], HTML),
            &["decode"],
        ),
        ("empty", json(b""), &["decode"]),
        ("100k [", json(&b"[".repeat(100_000)), &["decode"]),
        ("100k {\"a\":", json(&br#"{"a":"#.repeat(100_000)), &["decode"]),
        ("a number", json(b"1e999999"), &["decode"]),
        ("the wrong type", json(br#"{"id":["t1"],"name":7}"#), &["decode"]),
    ];
    let cases = cases
        .into_iter()
        .map(|(name, reply, kinds)| (name, reply, kinds, None))
        .collect();
    let mut failures = Vec::new();
    for (name, kinds, result, took) in run_all(cases).await {
        check(name, result, took, kinds, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Deep nesting where the types hold free-form JSON (a workflow's `connections` is a
/// `serde_json::Value` map): 100 000 nested arrays, closed, fail with a `decode` error
/// (serde_json's recursion limit), no stack overflow. The same nesting in a field the type does
/// not know (skipped by serde without recursion) may decode or fail, but never overflows.
#[tokio::test]
async fn deep_nesting_never_overflows_the_stack() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut workflow = serde_json::to_value(types::Workflow::sample()).unwrap();
    workflow["connections"] = json!({ "deep": "DEEP" });
    let body = workflow.to_string().replace(r#""DEEP""#, &deep);
    let server = Server::http(move |_, _| Reply::status(200, &[("Content-Type", b"application/json")], &body)).await;
    let c = client(&server.url()).build().unwrap();
    let (result, _) = bounded(Duration::from_secs(5), c.get_workflow().workflow_id("w1").send()).await;
    let e = result.expect_err("100k nested arrays exceed serde_json's recursion limit");
    assert!(matches!(e.kind(), ErrorKind::Decode { .. }), "{e:?}");
    assert_clean(&e);

    let body = format!(r#"{{"id":"t1","name":"n","unknown":{deep}}}"#);
    let (result, took) = get_tag(Reply::status(200, &[], body), None).await;
    match result {
        Ok(tag) => assert_eq!(tag.id, "t1"),
        Err(e) => {
            assert!(matches!(e.kind(), ErrorKind::Decode { .. }), "{e:?}");
            assert_clean(&e);
        }
    }
    assert!(took < TOTAL + SLACK, "{took:?}");
}

/// A success body that stalls (after part of it, or before any of it) ends when the call's
/// total timeout (800 ms) passes, with an error for which `is_timeout()` holds
/// (`ErrorKind::Timeout`, or the attempt's own timeout as a transport error). Why: a call must
/// have an upper bound whatever the server does (reqwest's `timeout` runs "until the response
/// body has finished", curl's `--max-time` bounds the whole transfer).
#[tokio::test]
async fn a_stalled_success_body_times_out() {
    let cases = [
        ("after part", Reply::cut(200, 1000, br#"{"id":"#, After::Stall)),
        ("before any", Reply::cut(200, 100, b"", After::Stall)),
        (
            "dripped forever",
            Reply::cut(
                200,
                1 << 20,
                br#"{"id":"t1","name":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"#,
                After::Stall,
            )
            .dripped(Duration::from_millis(50)),
        ),
    ];
    let cases = cases.into_iter().map(|(name, reply)| (name, reply, (), None)).collect();
    for (name, (), result, took) in run_all(cases).await {
        let e = result.expect_err(name);
        assert!(e.is_timeout(), "{name}: {e:?}");
        assert_clean(&e);
        assert!(
            took >= TOTAL - Duration::from_millis(50),
            "{name}: ended early, {took:?}"
        );
        assert!(took < TOTAL + SLACK, "{name}: {took:?}");
    }
}

/// A success body larger than `.max_response_bytes(..)` fails the call with a clean error,
/// whether the server announces it (`Content-Length`, refused before reading) or not (a
/// close-delimited body, cut at the limit), and a 10 MB body against a 64 KiB limit is refused
/// without reading it all. Why: the limit is the caller's bound on memory a server can make it
/// allocate (curl's `--max-filesize` refuses an announced size over it up front and stops a
/// transfer that grows past it, as here).
#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let big = {
        let mut b = br#"{"id":"t1","name":""#.to_vec();
        b.resize(4096, b'x');
        b.extend_from_slice(br#""}"#);
        b
    };
    let cases = vec![
        ("announced", Reply::status(200, &[], &big), 1024),
        ("close-delimited", close_delimited(200, &big), 1024),
        (
            "announced, none sent",
            Reply::cut(200, 10 << 30, b"", After::Stall),
            1024,
        ),
        ("10 MB", Reply::status(200, &[], huge_message(10 << 20)), 64 * 1024),
        (
            "10 MB close-delimited",
            close_delimited(200, &huge_message(10 << 20)),
            64 * 1024,
        ),
    ];
    let cases = cases
        .into_iter()
        .map(|(name, reply, limit)| (name, reply, (), Some(limit)))
        .collect();
    let mut failures = Vec::new();
    for (name, (), result, took) in run_all(cases).await {
        check(name, result, took, &["other"], &mut failures);
        if took > Duration::from_millis(500) {
            failures.push(format!("{name}: took {took:?} to refuse"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Just under the limit still decodes.
    let (result, _) = get_tag(Reply::status(200, &[], &big), Some(big.len() as u64)).await;
    assert_eq!(result.unwrap().id, "t1");
}

/// CR, LF, ESC, U+2028 and U+202E (right-to-left override) in n8n's `message`, in a body
/// without one, and in a success body that does not decode are escaped in `Display`
/// (`\r`, `\n`, `\u{1b}`, ...): a server cannot forge a log line (CWE-117) or rewrite a
/// terminal through an error. `message()` still returns what the server sent.
#[tokio::test]
async fn display_escapes_what_forges_logs() {
    let forged = "denied\r\n2026-01-01 INFO user=admin login ok\u{1b}[2J\u{202e}txt.exe\u{2028}x";
    let (result, _) = get_tag(Reply::json(404, &json!({ "message": forged })), None).await;
    let e = result.unwrap_err();
    assert_clean(&e);
    assert_eq!(e.message(), Some(forged));
    let shown = e.to_string();
    for escaped in ["\\r\\n", "\\u{1b}[2J", "\\u{202e}", "\\u{2028}"] {
        assert!(shown.contains(escaped), "{escaped} not in {shown}");
    }

    let raw = "first\r\nFAKE: line\u{1b}]0;title\u{7}\u{202e}";
    let (result, _) = get_tag(Reply::status(404, &[], raw), None).await;
    let e = result.unwrap_err();
    assert_clean(&e);
    assert!(e.to_string().contains("first\\r\\nFAKE: line\\u{1b}"), "{e}");

    let (result, _) = get_tag(Reply::status(200, &[], raw), None).await;
    let e = result.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Decode { .. }), "{e:?}");
    assert_clean(&e);
}
