//! Cursor pagination as a lazy stream of items (the generated `stream()` methods).
//!
//! n8n's list operations take a `cursor` query parameter and answer `{data: [...], nextCursor}`.
//! The stream fetches a page only when the previous one is consumed, so memory holds one page
//! whatever the total; it ends on a null, absent or empty cursor (or one that repeats, which would
//! otherwise loop forever).

use std::future::Future;
use std::pin::Pin;

use futures::{Stream, StreamExt, TryStreamExt, stream};
use progenitor_client::ResponseValue;

use crate::Error;

/// The items of every page, fetched lazily.
pub type Items<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// A boxed `send()` future.
pub type Page<'a, P> = Pin<Box<dyn Future<Output = Result<ResponseValue<P>, Error>> + Send + 'a>>;

/// Streams the items of every page of the list operation `builder` describes.
pub fn items<'a, B, P, T>(
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
    let pages = stream::try_unfold(Some((builder, None::<String>)), move |state| async move {
        let Some((builder, cursor)) = state else {
            return Ok::<_, Error>(None);
        };
        let request = match &cursor {
            Some(c) => with_cursor(builder.clone(), c.clone()),
            None => builder.clone(),
        };
        let (items, next) = split(send(request).await?.into_inner());
        let next_state = match next {
            Some(next) if !next.is_empty() && cursor.as_ref() != Some(&next) => Some((builder, Some(next))),
            _ => None,
        };
        Ok(Some((items, next_state)))
    });
    Box::pin(
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten(),
    )
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
