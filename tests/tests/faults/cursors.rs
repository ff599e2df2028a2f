//! Cursor pagination against a server whose cursors never end.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{Error, ErrorKind, types};
use n8n_api_mock::Sample;
use serde_json::{Value, json};

use super::server::{Reply, Request, Server, assert_clean, bounded, client};

/// The page `cursor` names in `pages` (`(cursor sent, ids, nextCursor)`), as n8n shapes it;
/// `item` makes an item from an id.
fn page(r: &Request, pages: &[(Option<&str>, &[&str], Value)], item: fn(&str) -> Value) -> Reply {
    match pages.iter().find(|(c, _, _)| *c == r.query("cursor")) {
        Some((_, ids, next)) => {
            let data: Vec<Value> = ids.iter().map(|id| item(id)).collect();
            Reply::json(200, &json!({ "data": data, "nextCursor": next }))
        }
        None => Reply::json(
            400,
            &json!({ "message": format!("unknown cursor {:?}", r.query("cursor")) }),
        ),
    }
}

fn tag(id: &str) -> Value {
    json!({ "id": id, "name": format!("tag {id}") })
}

fn workflow(id: &str) -> Value {
    let mut w = types::Workflow::sample();
    w.id = id.into();
    serde_json::to_value(w).unwrap()
}

/// Drains `stream`: the ids of the items before the first error, the error, and whether the
/// stream ended after it (a stream that goes on after its error would keep requesting).
async fn drain<T>(
    mut stream: n8n_api::paginate::Items<'_, T>,
    id: fn(&T) -> String,
) -> (Vec<String>, Option<Error>, bool) {
    let mut ids = Vec::new();
    let run = async {
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => ids.push(id(&item)),
                Err(e) => return (Some(e), stream.next().await.is_none()),
            }
        }
        (None, true)
    };
    let ((error, ended), _) = bounded(Duration::from_secs(5), run).await;
    (ids, error, ended)
}

fn assert_pagination_error(e: Option<Error>) {
    let e = e.expect("the stream must end with an error");
    assert!(matches!(e.kind(), ErrorKind::Pagination(_)), "{e:?}");
    assert_eq!(e.status(), None);
    assert_clean(&e);
}

/// Cursors `a, b, a, ...` (a cycle) end the stream with an `ErrorKind::Pagination` error after
/// yielding every item read (the three pages' items, in order), after 3 requests, and the
/// stream ends there. Why: following a cycle is an endless loop of requests and items; a client
/// cannot tell a buggy server from a hostile one, and stopping at the first repeat is the only
/// bound that loses nothing (botocore's paginators raise `PaginationError` when a token comes
/// back, the AWS SDK for Rust's paginators stop with an error likewise; this client detects
/// any repeat, not only consecutive ones). The second cursor also carries `&limit=999#x y`:
/// it must travel as the value of `cursor` alone (no `limit` parameter appears).
#[tokio::test]
async fn a_cursor_cycle_ends_with_a_pagination_error() {
    const B: &str = "b&limit=999#x y";
    const B_SENT: &str = "b%26limit%3D999%23x+y";
    let pages: &'static [(Option<&str>, &[&str], Value)] = Box::leak(Box::new([
        (None, &["t1"][..], json!("a")),
        (Some("a"), &["t2"][..], json!(B)),
        (Some(B_SENT), &["t3"][..], json!("a")),
    ]));
    let server = Server::http(move |r, _| page(r, pages, tag)).await;
    let c = client(&server.url()).build().unwrap();
    let (ids, error, ended) = drain(c.get_tags().limit(1).stream(), |t: &types::Tag| t.id.clone()).await;
    assert_eq!(ids, ["t1", "t2", "t3"]);
    assert_pagination_error(error);
    assert!(ended, "the stream went on after its error");
    let seen = server.requests();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|r| r.query("limit") == Some("1")), "{seen:?}");

    // The same with workflows.
    let pages: &'static [(Option<&str>, &[&str], Value)] = Box::leak(Box::new([
        (None, &["w1", "w2"][..], json!("a")),
        (Some("a"), &["w3"][..], json!("b")),
        (Some("b"), &["w4"][..], json!("a")),
    ]));
    let server = Server::http(move |r, _| page(r, pages, workflow)).await;
    let c = client(&server.url()).build().unwrap();
    let (ids, error, ended) = drain(c.get_workflows().stream(), |w: &types::Workflow| w.id.clone()).await;
    assert_eq!(ids, ["w1", "w2", "w3", "w4"]);
    assert_pagination_error(error);
    assert!(ended);
    assert_eq!(server.count(), 3);
}

/// A server that answers every page with the same cursor ends the stream after its second page
/// (the first repeat) with `ErrorKind::Pagination`, having yielded both pages' items: 2 requests,
/// not an endless loop.
#[tokio::test]
async fn the_same_cursor_forever_ends_with_a_pagination_error() {
    let pages: &'static [(Option<&str>, &[&str], Value)] = Box::leak(Box::new([
        (None, &["t1"][..], json!("same")),
        (Some("same"), &["t2"][..], json!("same")),
    ]));
    let server = Server::http(move |r, _| page(r, pages, tag)).await;
    let c = client(&server.url()).build().unwrap();
    let (ids, error, ended) = drain(c.get_tags().stream(), |t: &types::Tag| t.id.clone()).await;
    assert_eq!(ids, ["t1", "t2"]);
    assert_pagination_error(error);
    assert!(ended);
    assert_eq!(server.count(), 2);
}

/// An empty-string `nextCursor` ends the stream normally, as `null` does (n8n's last page):
/// there is no page "after" an empty cursor, and requesting `?cursor=` would restart the list
/// from its first page (a silent cycle).
#[tokio::test]
async fn an_empty_cursor_ends_the_stream() {
    for last in [json!(""), json!(null)] {
        let pages: &'static [(Option<&str>, &[&str], Value)] = Box::leak(Box::new([
            (None, &["t1"][..], json!("a")),
            (Some("a"), &["t2"][..], last.clone()),
        ]));
        let server = Server::http(move |r, _| page(r, pages, tag)).await;
        let c = client(&server.url()).build().unwrap();
        let (ids, error, ended) = drain(c.get_tags().stream(), |t: &types::Tag| t.id.clone()).await;
        assert!(error.is_none(), "{last}: {error:?}");
        assert!(ended);
        assert_eq!(ids, ["t1", "t2"], "{last}");
        assert_eq!(server.count(), 2, "{last}");
    }
}
