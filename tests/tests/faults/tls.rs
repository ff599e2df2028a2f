//! TLS: a certificate the client does not trust fails the handshake before any request.

use std::time::Duration;

use n8n_api::ErrorKind;
use n8n_api::prelude::*;
use serde_json::json;

use super::server::{Reply, Server, assert_clean, bounded, client, test_ca};

const LIMIT: Duration = Duration::from_secs(5);

/// The control for the test below: with the fixture CA added (`add_root_certificate`), the
/// TLS server is reachable as `127.0.0.1` and as `localhost` (the leaf names both), and the
/// request arrives with the key. Without this, a failing handshake would prove nothing.
#[tokio::test]
async fn a_trusted_ca_is_accepted() {
    let server = Server::https(|_, _| Reply::json(200, &json!({ "id": "t1", "name": "one" }))).await;
    for base in [server.url(), server.localhost_url()] {
        let c = client(&base).add_root_certificate(test_ca()).build().unwrap();
        let tag = bounded(LIMIT, c.get_tag().tag_id("t1").send()).await.0.unwrap();
        assert_eq!(tag.name, "one", "{base}");
    }
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.has_key()));
}

/// A server whose certificate chains to a CA the client does not trust: the call fails with a
/// `Transport` error (no panic), within its bounds, and the server never reads a request (the
/// handshake fails first, so the key is never sent), with the key in either header. Why: that
/// is what certificate verification is for (RFC 9110 §4.3.4, RFC 6125); curl, reqwest, browsers
/// and every SDK refuse the connection by default.
#[tokio::test]
async fn an_untrusted_certificate_is_a_transport_error() {
    for bearer in [false, true] {
        let server = Server::https(|_, _| Reply::json(200, &json!({ "id": "t1", "name": "one" }))).await;
        for base in [server.url(), server.localhost_url()] {
            let mut builder = client(&base);
            if bearer {
                builder = builder.bearer_auth();
            }
            let c = builder.build().unwrap();
            let (result, _) = bounded(LIMIT, c.get_tag().tag_id("t1").send()).await;
            let e = result.expect_err("an untrusted certificate must fail the call");
            assert!(matches!(e.kind(), ErrorKind::Transport(_)), "{base}: {e:?}");
            assert_eq!(e.status(), None, "{base}");
            assert_clean(&e);
        }
        assert_eq!(server.count(), 0, "the server read a request: {:?}", server.requests());
        assert!(
            server.handshake_failures() >= 2,
            "{} handshakes failed",
            server.handshake_failures()
        );
    }
}
