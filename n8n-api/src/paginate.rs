//! Cursor pagination as a lazy stream of items (the generated `stream()` methods).
//!
//! n8n's list operations take a `cursor` query parameter and answer `{data: [...], nextCursor}`.
//! The stream fetches a page only when the previous one is consumed, so memory holds one page
//! whatever the total; it ends on a null, absent or empty cursor. A cursor the server already
//! sent in this stream (`a, b, a, ...`: a cycle the stream would follow forever) ends it with an
//! [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error after the items read so far.
//! The cursors seen are kept as 64-bit hashes: 8 bytes a page, whatever their length.

use std::collections::HashSet;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;

use futures::{Stream, StreamExt, TryStreamExt, stream};

use crate::Error;

/// The items of every page, fetched lazily.
pub type Items<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// A boxed `send()` future.
pub type Page<'a, P> = Pin<Box<dyn Future<Output = Result<P, Error>> + Send + 'a>>;

/// Streams the items of every page of the list operation `builder` describes.
pub fn items<'a, B, P, T>(
    operation: &'static str,
    builder: B,
    with_cursor: fn(B, String) -> B,
    send: fn(B) -> Page<'a, P>,
    split: fn(P) -> (Vec<T>, Option<String>),
) -> Items<'a, T>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
{
    struct State<B> {
        builder: B,
        cursor: Option<String>,
        seen: HashSet<u64>,
    }
    enum Step<B> {
        Fetch(State<B>),
        /// The page before had a cursor seen before: its items were yielded, this is the error.
        Cycle(usize),
    }
    let start = State {
        builder,
        cursor: None,
        seen: HashSet::new(),
    };
    let pages = stream::try_unfold(Some(Step::Fetch(start)), move |step| async move {
        let mut state = match step {
            None => return Ok::<_, Error>(None),
            Some(Step::Cycle(pages)) => {
                return Err(Error::pagination(
                    operation,
                    format!(
                        "page {pages} named a cursor the server had sent before in this list: stopped instead of reading the same pages forever"
                    ),
                ));
            }
            Some(Step::Fetch(state)) => state,
        };
        let request = match &state.cursor {
            Some(c) => with_cursor(state.builder.clone(), c.clone()),
            None => state.builder.clone(),
        };
        let (items, next) = split(send(request).await?);
        let next_step = match next {
            Some(next) if !next.is_empty() => {
                if state.seen.insert(fingerprint(&next)) {
                    state.cursor = Some(next);
                    Some(Step::Fetch(state))
                } else {
                    Some(Step::Cycle(state.seen.len() + 1))
                }
            }
            _ => None,
        };
        Ok(Some((items, next_step)))
    });
    Box::pin(
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten(),
    )
}

/// A cursor's hash (`DefaultHasher::new()` hashes alike within a process, which is all a stream
/// needs).
fn fingerprint(cursor: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    cursor.hash(&mut h);
    h.finish()
}

/// Collects every item of every page.
pub async fn collect<T>(items: Items<'_, T>) -> Result<Vec<T>, Error> {
    items.try_collect().await
}

#[allow(dead_code)]
fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
fn _items_is_send(s: Items<'static, u8>) {
    assert_send(&s);
    let _ = s.boxed();
}
