//! Redirects (`n8n_api::redirect_policy()`): never to another origin, within the instance only
//! as far as a loop or ten hops.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, ErrorKind, types};
use serde_json::{Value, json};

use super::server::{KEY, Reply, Request, Server, assert_clean, assert_traces_clean, bounded, client, test_ca};

const LIMIT: Duration = Duration::from_secs(5);

fn tag(id: &str) -> Value {
    json!({ "id": id, "name": format!("tag {id}") })
}

fn body(name: &str) -> types::CreateTagBody {
    types::CreateTagBody { name: name.into() }
}

/// The call failed with `ErrorKind::Redirect` for this status and target origin.
fn assert_refused(e: &Error, status: u16, to: &str) {
    match e.kind() {
        ErrorKind::Redirect { status: s, to: t, .. } => {
            assert_eq!(s.as_u16(), status, "{e}");
            assert_eq!(t, to, "{e}");
        }
        other => panic!("expected ErrorKind::Redirect({status} to {to}), got {other:?}"),
    }
    assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "e.status() of {e}");
    assert_eq!(e.attempts(), 1, "a refused redirect is not retried: {e}");
    assert_clean(e);
}

/// Sends a GET (`getTag`) or a POST with a body (`createTag`) through `c`.
async fn call(c: &Client, post: bool) -> Result<(), Error> {
    let send = async {
        if post {
            c.create_tag().body(body("new")).send().await.map(drop)
        } else {
            c.get_tag().tag_id("t1").send().await.map(drop)
        }
    };
    bounded(LIMIT, send).await.0
}

/// A 301/302/303/307/308 to another port of 127.0.0.1 is not followed, for a GET and for a
/// POST with a body, with the key in `X-N8N-API-KEY` or as a bearer token: the other server
/// receives no request at all, and the call fails with `ErrorKind::Redirect` naming the status
/// and the origin. Why: an origin is scheme, host and port (RFC 6454 §4), and a credential is
/// the instance's alone. Browsers never send a page's credentials to another origin and the
/// Fetch standard drops `Authorization` on a cross-origin redirect; reqwest drops only
/// `Authorization`/`Cookie` (so `X-N8N-API-KEY` would travel); curl `-L` sends custom headers to
/// every host it is sent to (its manual warns of exactly this). Refusing is the only rule that
/// keeps every header and the body home.
#[tokio::test]
async fn a_redirect_to_another_port_is_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        for bearer in [false, true] {
            for post in [false, true] {
                let other = Server::http(|_, _| Reply::json(200, &tag("t1"))).await;
                let target = format!("{}/api/v1/tags/t1", other.url());
                let instance = Server::http(move |_, _| Reply::redirect(status, &target)).await;
                let mut builder = client(&instance.url());
                if bearer {
                    builder = builder.bearer_auth();
                }
                let c = builder.build().unwrap();
                let e = call(&c, post)
                    .await
                    .expect_err("a cross-origin redirect must fail the call");
                let case = format!("{status} bearer={bearer} post={post}");
                assert_eq!(
                    other.connections(),
                    0,
                    "{case}: the other origin got {:?}",
                    other.requests()
                );
                assert_eq!(instance.count(), 1, "{case}");
                assert_refused(&e, status, &other.origin());
            }
        }
    }
    assert_traces_clean("n8n_api::request");
}

/// `localhost` and `127.0.0.1` are different hosts, so different origins, even on the same port
/// and even though one resolves to the other: not followed, in either direction, and the one
/// server gets exactly one request. Why: origins compare host strings, not addresses (RFC 6454
/// §5, the URL standard's "same origin"); a name and an address can be served by different
/// virtual hosts, and TLS certificates and cookies are scoped by name as well.
#[tokio::test]
async fn localhost_and_127_0_0_1_are_different_origins() {
    for to_localhost in [true, false] {
        let server = Server::http(move |r: &Request, _| {
            let port = r
                .header("host")
                .and_then(|h| h.rsplit(':').next())
                .unwrap_or("0")
                .to_string();
            let host = if to_localhost { "localhost" } else { "127.0.0.1" };
            Reply::redirect(302, &format!("http://{host}:{port}/api/v1/tags/t1"))
        })
        .await;
        let (base, to) = if to_localhost {
            (server.url(), server.localhost_url())
        } else {
            (server.localhost_url(), server.url())
        };
        let c = client(&base).build().unwrap();
        let e = call(&c, false).await.unwrap_err();
        assert_eq!(server.count(), 1, "followed from {base} to {to}");
        assert_refused(&e, 302, &to);
    }
}

/// A same-origin redirect is followed: a 307 or 308 of a PUT or POST is resent with the same
/// method and the same body (RFC 9110 §15.4.8/§15.4.9: the method and content must not change;
/// curl, reqwest and browsers all do so), to an absolute or relative `Location`; a 301, 302 or
/// 303 of a GET is followed as a GET. The key goes along: it is the same instance.
#[tokio::test]
async fn same_origin_redirects_are_followed() {
    for status in [307, 308] {
        for absolute in [false, true] {
            for put in [false, true] {
                let server = Server::http(move |r: &Request, i| match i {
                    0 => {
                        let host = if absolute {
                            format!("http://{}", r.header("host").unwrap_or(""))
                        } else {
                            String::new()
                        };
                        Reply::redirect(status, &format!("{host}/api/v1/tags/t2"))
                    }
                    _ => Reply::json(200, &tag("t2")),
                })
                .await;
                let c = client(&server.url()).build().unwrap();
                let send = async {
                    if put {
                        c.update_tag().tag_id("t1").body(body("renamed")).send().await
                    } else {
                        c.create_tag().body(body("renamed")).send().await
                    }
                };
                let tag = bounded(LIMIT, send)
                    .await
                    .0
                    .expect("a same-origin redirect is followed");
                assert_eq!(tag.id, "t2");
                let case = format!("{status} absolute={absolute} put={put}");
                let seen = server.requests();
                assert_eq!(seen.len(), 2, "{case}");
                let method = if put { "PUT" } else { "POST" };
                assert_eq!(
                    (seen[0].method.as_str(), seen[1].method.as_str()),
                    (method, method),
                    "{case}"
                );
                assert_eq!(seen[1].target, "/api/v1/tags/t2", "{case}");
                assert!(!seen[0].body.is_empty(), "{case}");
                assert_eq!(seen[1].body, seen[0].body, "{case}: the body changed on the way");
                assert!(seen[1].has_key(), "{case}: the instance itself gets the key");
            }
        }
    }
    for status in [301, 302, 303] {
        let server = Server::http(move |_, i| match i {
            0 => Reply::redirect(status, "/api/v1/tags/t2"),
            _ => Reply::json(200, &tag("t2")),
        })
        .await;
        let c = client(&server.url()).build().unwrap();
        let tag = bounded(LIMIT, c.get_tag().tag_id("t1").send()).await.0.unwrap();
        assert_eq!(tag.id, "t2", "{status}");
        let seen = server.requests();
        assert_eq!(seen.len(), 2, "{status}");
        assert_eq!(seen[1].method, "GET", "{status}");
        assert_eq!(seen[1].target, "/api/v1/tags/t2", "{status}");
    }
}

/// A loop within the instance (`/tags/a` -> `/tags/b` -> `/tags/a`) fails at once with
/// `ErrorKind::Redirect` instead of running to the hop limit, for a GET and a 307 PUT, and never
/// hangs: the server sees the two requests of the cycle. Why: a URL already visited in this
/// chain will answer the same (browsers report `ERR_TOO_MANY_REDIRECTS`, curl stops at
/// `--max-redirs`); there is nothing to learn by going round again.
#[tokio::test]
async fn a_redirect_loop_fails_without_hanging() {
    for (status, put) in [(302, false), (307, true)] {
        let server = Server::http(move |r: &Request, _| {
            let next = if r.path().ends_with("/a") { "b" } else { "a" };
            Reply::redirect(status, &format!("/api/v1/tags/{next}"))
        })
        .await;
        let c = client(&server.url()).build().unwrap();
        let send = async {
            if put {
                c.update_tag().tag_id("a").body(body("x")).send().await.map(drop)
            } else {
                c.get_tag().tag_id("a").send().await.map(drop)
            }
        };
        let e = bounded(LIMIT, send).await.0.unwrap_err();
        assert_refused(&e, status, &server.origin());
        assert_eq!(server.count(), 2, "{status}: {:?}", server.requests());
    }
}

/// At most 10 redirects are followed (the documented limit; reqwest's default is 10 as well,
/// curl's `--max-redirs` 50, browsers about 20): a chain of 10 hops ends in the answer (11
/// requests), a chain of 11 fails with `ErrorKind::Redirect` after at most 11 requests, and an
/// endless chain of distinct URLs does not hang.
#[tokio::test]
async fn more_than_ten_hops_fail() {
    for (hops, ok) in [(10, true), (11, false), (usize::MAX, false)] {
        let server = Server::http(move |r: &Request, _| {
            let at: usize = r.path().rsplit('h').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            if at < hops {
                Reply::redirect(302, &format!("/api/v1/tags/h{}", at + 1))
            } else {
                Reply::json(200, &tag("end"))
            }
        })
        .await;
        let c = client(&server.url()).build().unwrap();
        let result = bounded(LIMIT, c.get_tag().tag_id("h0").send()).await.0;
        if ok {
            assert_eq!(result.expect("10 hops are followed").id, "end");
            assert_eq!(server.count(), 11);
        } else {
            let e = result.expect_err("more than 10 hops fail");
            assert_refused(&e, 302, &server.origin());
            assert!(server.count() <= 11, "{hops} hops: {} requests", server.count());
        }
    }
}

/// An https instance redirecting to `http://` is not followed, whether to another server's
/// port or to the instance's own host and port: nothing is sent in the clear (the http server
/// gets no request, the TLS server no second connection). Why: a downgrade exposes the key to
/// anyone on the path; browsers block https -> http for credentials (mixed content, HSTS), the
/// Fetch standard treats the scheme as part of the origin, and curl strips credentials when the
/// scheme changes (`--location-trusted` aside, CVE-2022-27774).
#[tokio::test]
async fn https_to_http_is_not_followed() {
    for status in [301, 302, 307, 308] {
        let plain = Server::http(|_, _| Reply::json(200, &tag("t1"))).await;
        let target = format!("{}/api/v1/tags/t1", plain.url());
        let tls = Server::https(move |_, _| Reply::redirect(status, &target)).await;
        let c = client(&tls.url()).add_root_certificate(test_ca()).build().unwrap();
        let e = call(&c, status >= 307).await.unwrap_err();
        assert_eq!(plain.connections(), 0, "{status}: {:?}", plain.requests());
        assert_eq!(tls.count(), 1, "{status}");
        assert_refused(&e, status, &plain.origin());

        // The same host and port, only the scheme downgraded.
        let tls = Server::https(move |r: &Request, _| {
            let host = r.header("host").unwrap_or("").to_string();
            Reply::redirect(status, &format!("http://{host}/api/v1/tags/t1"))
        })
        .await;
        let c = client(&tls.url()).add_root_certificate(test_ca()).build().unwrap();
        let e = call(&c, false).await.unwrap_err();
        assert_eq!(
            tls.connections(),
            1,
            "{status}: a second (plaintext) connection was made"
        );
        assert_refused(&e, status, &format!("http://127.0.0.1:{}", tls.port()));
    }
    assert_traces_clean("n8n_api::request");
}

/// An http instance redirecting to https on the same host is not followed either (another
/// origin: the key was already offered in the clear, and following would teach the caller
/// nothing); the message says to use the https URL. The https server sees no connection.
#[tokio::test]
async fn http_to_https_is_refused_with_advice() {
    let tls = Server::https(|_, _| Reply::json(200, &tag("t1"))).await;
    let target = format!("{}/api/v1/tags/t1", tls.url());
    let plain = Server::http(move |_, _| Reply::redirect(301, &target)).await;
    let c = client(&plain.url()).add_root_certificate(test_ca()).build().unwrap();
    let e = call(&c, false).await.unwrap_err();
    assert_eq!(tls.connections(), 0);
    assert_refused(&e, 301, &tls.origin());
    assert!(e.to_string().contains("https URL"), "{e}");
}

/// The documented configuration for a caller's own `reqwest::Client`
/// (`.redirect(n8n_api::redirect_policy())`, passed with `.reqwest_client(..)`) holds the same
/// guarantee: another origin gets nothing and the call fails with `ErrorKind::Redirect`, while a
/// same-origin 307 of a PUT is still followed with its body.
#[tokio::test]
async fn a_callers_client_with_the_policy_holds_the_guarantee() {
    let http = || {
        reqwest::Client::builder()
            .redirect(n8n_api::redirect_policy())
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap()
    };
    for bearer in [false, true] {
        let other = Server::http(|_, _| Reply::json(200, &tag("t1"))).await;
        let target = format!("{}/api/v1/tags/t1", other.url());
        let instance = Server::http(move |_, _| Reply::redirect(302, &target)).await;
        let mut builder = client(&instance.url()).reqwest_client(http());
        if bearer {
            builder = builder.bearer_auth();
        }
        let c = builder.build().unwrap();
        let e = call(&c, false).await.unwrap_err();
        assert_eq!(other.connections(), 0, "bearer={bearer}: {:?}", other.requests());
        assert_refused(&e, 302, &other.origin());
    }
    let server = Server::http(|_, i| match i {
        0 => Reply::redirect(307, "/api/v1/tags/t2"),
        _ => Reply::json(200, &tag("t2")),
    })
    .await;
    let c = client(&server.url()).reqwest_client(http()).build().unwrap();
    let send = c.update_tag().tag_id("t1").body(body("renamed")).send();
    bounded(LIMIT, send).await.0.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, "PUT");
    assert_eq!(seen[1].body, seen[0].body);
}

/// The hazard `ClientBuilder::reqwest_client`'s docs warn of is real: a `reqwest::Client` with
/// reqwest's DEFAULT redirect policy follows a 302 to another origin with `X-N8N-API-KEY` still
/// on it (reqwest's `remove_sensitive_headers` strips only `Authorization`, `Cookie`,
/// `Proxy-Authorization` and `WWW-Authenticate`), whereas it does drop a bearer
/// `Authorization`. So a caller's client must be built with `n8n_api::redirect_policy()`.
#[tokio::test]
async fn reqwests_default_policy_would_leak_the_key() {
    for bearer in [false, true] {
        let other = Server::http(|_, _| Reply::json(200, &tag("t1"))).await;
        let target = format!("{}/api/v1/tags/t1", other.url());
        let instance = Server::http(move |_, _| Reply::redirect(302, &target)).await;
        let default_policy = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let mut builder = client(&instance.url()).reqwest_client(default_policy);
        if bearer {
            builder = builder.bearer_auth();
        }
        let c = builder.build().unwrap();
        call(&c, false)
            .await
            .expect("reqwest's default policy follows the redirect");
        let seen = other.requests();
        assert_eq!(seen.len(), 1, "bearer={bearer}");
        if bearer {
            assert_eq!(seen[0].header("authorization"), None, "reqwest strips Authorization");
        } else {
            assert_eq!(
                seen[0].header("x-n8n-api-key"),
                Some(KEY),
                "the documented hazard: the key reached another origin"
            );
        }
    }
}
