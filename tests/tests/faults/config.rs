//! Hostile configuration: base URLs with passwords, API keys that are not header-safe; no
//! secret in any `Debug` or `Display`.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, ErrorKind};
use serde_json::json;

use super::server::{KEY, PASSWORD, Reply, Server, assert_clean, assert_no_secret, bounded};

fn assert_config(e: &Error, what: &str) {
    assert!(
        matches!(e.kind(), ErrorKind::Config(_)),
        "{what}: expected a Config error, got {e:?}"
    );
    assert_eq!(e.attempts(), 0, "{what}");
    assert_clean(e);
}

/// Base URLs carrying credentials (`https://user:hunter2@host`), parsable or not
/// (`https://u:hunter2@exa mple.com`, a bad port, no host, a bad IPv6 literal, another scheme,
/// no scheme, a query, whitespace, a password holding `/`, `#` or `?`, which ends the
/// authority early and leaves the URL unparsable) are refused with a `Config` error, and no
/// error `Display` or `Debug` contains `hunter2`. Why: RFC 9110 §4.2.4 says a recipient should
/// treat userinfo in an http(s) URI as an error, the client authenticates with the key only,
/// and RFC 3986 §7.5: "applications should not render as clear text any data after the first
/// colon" of userinfo; an error message is logged, so it must not carry the password (an
/// unparsable URL included: where its authority ends is exactly what cannot be known).
#[tokio::test]
async fn base_urls_with_a_password_fail_without_showing_it() {
    let urls = [
        "https://user:hunter2@host",
        "https://user:hunter2@n8n.example.com/api/v1",
        "https://:hunter2@host",
        "http://u:hunter2@127.0.0.1:5678/n8n",
        "https://u:hunter2@host@evil.example",
        "https://u:hunter2@exa mple.com",
        "https://u:hunter2@host:99999",
        "https://u:hunter2@",
        "https://u:hunter2@[::1",
        "ftp://u:hunter2@host",
        "u:hunter2@host",
        "https://u:hunter2@host/?q=1",
        "  https://u:hunter2@host\n",
        "https://u:hunter2/x@host",
        "https://u:hunter2#@host",
        "https://u:hunter2?@host",
    ];
    let mut leaks = Vec::new();
    for url in urls {
        match Client::new(url, KEY) {
            Ok(c) => leaks.push(format!("{url:?}: accepted, base {}", c.base_url())),
            Err(e) => {
                if !matches!(e.kind(), ErrorKind::Config(_)) {
                    leaks.push(format!("{url:?}: not a Config error: {e:?}"));
                }
                let (shown, debug) = (e.to_string(), format!("{e:?}"));
                if shown.contains(PASSWORD) || debug.contains(PASSWORD) || shown.contains(KEY) || debug.contains(KEY) {
                    leaks.push(format!("{url:?}: the error shows the secret: {shown}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{} URL(s):\n{}", leaks.len(), leaks.join("\n"));
}

/// `ClientBuilder`'s `Debug` (something a caller may log before `build()`) shows neither the
/// key nor the password of a base URL given with credentials.
#[test]
fn the_builders_debug_hides_the_secrets() {
    let builder = Client::builder("https://user:hunter2@host", KEY);
    assert_no_secret(&format!("{builder:?}"));
    assert_no_secret(&format!("{:?}", Client::builder("https://host", KEY).bearer_auth()));
}

/// An API key with a non-ASCII character, a space, a tab, a newline (header injection), CR,
/// NUL, BEL, ESC or DEL inside, or nothing but whitespace, is refused by `Client::new` and by
/// `Client::builder(..).build()` with a `Config` error that does not contain the key (nor any
/// half of it), and `ClientBuilder`'s `Debug` does not either. Why: n8n's keys are visible
/// ASCII; such a key was mis-pasted, would be refused by the HTTP stack (RFC 9110 §5.5) or
/// would split a header (CRLF injection, CWE-113), and an error that quoted it would log a
/// credential.
#[test]
fn bad_api_keys_are_refused_without_being_shown() {
    let tail = &KEY[KEY.len() - 12..];
    let bad = [
        format!("{KEY}é"),
        format!("ключ{KEY}"),
        format!("n8n-faults KEY-{tail}"),
        format!("n8n-faults-KEY-\t{tail}"),
        format!("n8n-faults-KEY-\n{tail}"),
        format!("{KEY}\r\nX-Injected: yes"),
        format!("n8n\u{0}{KEY}"),
        format!("{KEY}\u{7}"),
        format!("{KEY}\u{1b}[2J"),
        format!("{KEY}\u{7f}"),
        format!("{KEY}\u{202e}"),
        "   \n\t ".to_string(),
        String::new(),
    ];
    for key in &bad {
        let what = format!("key {:?}", key.replace(KEY, "<KEY>").replace(tail, "<TAIL>"));
        let e = Client::new("http://127.0.0.1:1", key).expect_err(&what);
        assert_config(&e, &what);
        let builder = Client::builder("http://127.0.0.1:1", key).bearer_auth();
        assert_no_secret(&format!("{builder:?}"));
        let e = builder.build().expect_err(&what);
        assert_config(&e, &what);
    }
}

/// The control for the test above: surrounding whitespace is ignored (documented), and the key
/// arrives trimmed; `Client`'s `Debug` (plain and pretty, header and bearer auth) never shows
/// the key.
#[tokio::test]
async fn the_clients_debug_never_shows_the_key() {
    let server = Server::http(|_, _| Reply::json(200, &json!({ "id": "t1", "name": "one" }))).await;
    super::server::capture_traces();
    let padded = format!("  {KEY}\n");
    for bearer in [false, true] {
        let mut builder = Client::builder(&server.url(), &padded).retry(n8n_api::RetryPolicy::none());
        if bearer {
            builder = builder.bearer_auth();
        }
        let c = builder.build().unwrap();
        assert_no_secret(&format!("{c:?}"));
        assert_no_secret(&format!("{c:#?}"));
        bounded(Duration::from_secs(5), c.get_tag().tag_id("t1").send())
            .await
            .0
            .unwrap();
    }
    let seen = server.requests();
    assert_eq!(seen[0].header("x-n8n-api-key"), Some(KEY));
    assert_eq!(seen[1].header("authorization"), Some(format!("Bearer {KEY}").as_str()));
}
