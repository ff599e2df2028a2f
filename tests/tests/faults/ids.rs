//! Hostile ids in path parameters: one segment of the operation's own route, or nothing sent.

use std::fmt::Write as _;
use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, ErrorKind};
use serde_json::json;

use super::server::{Reply, Server, assert_clean, bounded, client};

/// Values a caller might pass on from an untrusted source (a webhook, a form, a file name).
const HOSTILE: &[&str] = &[
    "..",
    ".",
    "%2e%2e",
    ".%2E",
    "",
    "..\\..\\credentials\\c1",
    "../c1",
    "a/b",
    "a?b=c",
    "a#b",
    "a b",
    "é",
    "\u{0}",
    "%2F..%2Fc1",
    "...",
    "a%00b",
];

/// Values that must not be sent at all: empty, or a dot segment in any spelling.
fn refused(value: &str) -> bool {
    matches!(value, "" | "." | ".." | "%2e%2e" | ".%2E")
}

/// `value` as one path segment: every byte but RFC 3986's unreserved ones percent-encoded
/// (upper-case hex, RFC 3986 §2.1).
fn segment(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One operation with one of its path parameters set to the hostile value.
#[derive(Clone, Copy, Debug)]
enum Op {
    DeleteWorkflow,
    DeleteUserFromProjectUser,
    DeleteUserFromProjectProject,
    GetTag,
}

impl Op {
    /// The parameter's setter name, the method, and the path the server must see.
    fn expect(self, value: &str) -> (&'static str, &'static str, String) {
        let s = segment(value);
        match self {
            Op::DeleteWorkflow => ("workflow_id", "DELETE", format!("/api/v1/workflows/{s}")),
            Op::DeleteUserFromProjectUser => ("user_id", "DELETE", format!("/api/v1/projects/p1/users/{s}")),
            Op::DeleteUserFromProjectProject => ("project_id", "DELETE", format!("/api/v1/projects/{s}/users/u1")),
            Op::GetTag => ("tag_id", "GET", format!("/api/v1/tags/{s}")),
        }
    }

    async fn send(self, c: &Client, value: &str) -> Result<(), Error> {
        let send = async {
            match self {
                Op::DeleteWorkflow => c.delete_workflow().workflow_id(value).send().await.map(drop),
                Op::DeleteUserFromProjectUser => c
                    .delete_user_from_project()
                    .project_id("p1")
                    .user_id(value)
                    .send()
                    .await
                    .map(drop),
                Op::DeleteUserFromProjectProject => c
                    .delete_user_from_project()
                    .project_id(value)
                    .user_id("u1")
                    .send()
                    .await
                    .map(drop),
                Op::GetTag => c.get_tag().tag_id(value).send().await.map(drop),
            }
        };
        bounded(Duration::from_secs(5), send).await.0
    }
}

/// For `deleteWorkflow` (`workflow_id`), `deleteUserFromProject` (`user_id`, and `project_id`)
/// and `getTag` (`tag_id`), a local server records every request line. Each hostile value
/// either is refused before anything is sent, with `ErrorKind::InvalidRequest` naming the
/// parameter (the empty value and the dot segments `.`, `..`, `%2e%2e`, `.%2E`: every URL parser
/// and many servers resolve these to another route, RFC 3986 §5.2.4, and `%2e` is a dot to
/// servers that decode before routing, CVE-2021-41773), or produces exactly one request with
/// the operation's method whose raw path is the operation's template with the value as one
/// percent-encoded segment (`/api/v1/workflows/..%5C..%5Ccredentials%5Cc1`): `/`, `\`, `?`,
/// `#`, `%`, spaces, NUL and non-ASCII never add a segment, end the path or start a query.
/// Never another route. (reqwest and the `url` crate take a URL as given: they resolve `..`
/// and treat `?` and `#` as delimiters, so encoding is the client's job; Octokit and stripe-node
/// percent-encode path parameters with `encodeURIComponent` to the same effect.)
#[tokio::test]
async fn hostile_ids_stay_in_their_segment() {
    let server = Server::http(|_, _| Reply::json(404, &json!({ "message": "Not Found" }))).await;
    let c = client(&server.url()).build().unwrap();
    let mut failures = Vec::new();
    for op in [
        Op::DeleteWorkflow,
        Op::DeleteUserFromProjectUser,
        Op::DeleteUserFromProjectProject,
        Op::GetTag,
    ] {
        for &value in HOSTILE {
            let before = server.count();
            let e = op.send(&c, value).await.expect_err("the server answers 404");
            assert_clean(&e);
            let (param, method, path) = op.expect(value);
            let seen: Vec<String> = server.requests()[before..]
                .iter()
                .map(|r| format!("{} {}", r.method, r.target))
                .collect();
            let case = format!("{op:?} {param}={value:?}");
            if refused(value) {
                let named = matches!(e.kind(), ErrorKind::InvalidRequest(m) if m.contains(&format!("`{param}`")));
                if !named || !seen.is_empty() || e.attempts() != 0 {
                    failures.push(format!(
                        "{case}: expected InvalidRequest naming `{param}` and nothing sent; got {e:?}, sent {seen:?}"
                    ));
                }
            } else if seen != [format!("{method} {path}")] || !e.is_not_found() {
                failures.push(format!(
                    "{case}: expected exactly `{method} {path}`, sent {seen:?} ({e})"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        Op::DeleteWorkflow.expect("..\\..\\credentials\\c1").2,
        "/api/v1/workflows/..%5C..%5Ccredentials%5Cc1"
    );
}
