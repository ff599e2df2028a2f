//! How a mock answers: a fixed response, or cursor pages cut from a list of items the way n8n
//! cuts them. Every answer is written into the server's journal first.

use std::ops::Range;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;
use wiremock::{Request, Respond, ResponseTemplate};

use crate::journal::{Answered, Journal};
use crate::matcher::show;

/// Answers a mounted mock's requests (or, as the fallback, the unmatched ones).
pub(crate) struct Responder {
    pub journal: Arc<Journal>,
    pub answered: Answered,
    pub answer: Answer,
}

pub(crate) enum Answer {
    Fixed(ResponseTemplate),
    Pages(Pages),
    /// The fallback for requests no mock matches: a 404 whose message shows the request.
    NoMock,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.journal.record(request, self.answered);
        match &self.answer {
            Answer::Fixed(t) => t.clone(),
            Answer::Pages(p) => p.respond(request),
            Answer::NoMock => ResponseTemplate::new(404)
                .set_body_json(json!({ "message": format!("n8n-api-mock: no mock matches {}", show(request)) })),
        }
    }
}

/// Writes the page of items `range`, with the cursor of the next page, as a JSON body.
pub(crate) type PageWriter = Box<dyn Fn(Range<usize>, Option<String>) -> Result<Vec<u8>, String> + Send + Sync>;

/// n8n's cursor pagination over `len` items: a request without `cursor` gets the first `limit`
/// items (the request's `limit`, else `default_size`); `nextCursor` carries the next offset and
/// the same limit (base64 JSON `{"limit","offset"}`, as n8n writes it) until the items end.
pub(crate) struct Pages {
    pub len: usize,
    pub default_size: usize,
    pub write: PageWriter,
}

impl Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let window = match (query("cursor"), query("limit")) {
            (Some(cursor), _) => decode_cursor(&cursor).ok_or("An invalid cursor was provided".to_string()),
            (None, Some(limit)) => match limit.parse::<usize>() {
                Ok(n) if n > 0 => Ok((0, n)),
                _ => Err(format!("request/query/limit must be a positive integer, not {limit:?}")),
            },
            (None, None) => Ok((0, self.default_size)),
        };
        let (offset, limit) = match window {
            Ok(w) => w,
            Err(message) => return ResponseTemplate::new(400).set_body_json(json!({ "message": message })),
        };
        let start = offset.min(self.len);
        let end = offset.saturating_add(limit).min(self.len);
        let next = (end < self.len).then(|| encode_cursor(end, limit));
        match (self.write)(start..end, next) {
            Ok(body) => ResponseTemplate::new(200).set_body_raw(body, "application/json"),
            Err(e) => ResponseTemplate::new(500)
                .set_body_json(json!({ "message": format!("n8n-api-mock: cannot write the page: {e}") })),
        }
    }
}

pub(crate) fn encode_cursor(offset: usize, limit: usize) -> String {
    BASE64.encode(json!({ "limit": limit, "offset": offset }).to_string())
}

/// `(offset, limit)` of a cursor [`encode_cursor`] wrote.
fn decode_cursor(cursor: &str) -> Option<(usize, usize)> {
    let bytes = BASE64.decode(cursor).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let field = |k: &str| value.get(k)?.as_u64().and_then(|n| usize::try_from(n).ok());
    let limit = field("limit").filter(|l| *l > 0)?;
    Some((field("offset")?, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let c = encode_cursor(4, 2);
        assert_eq!(BASE64.decode(&c).unwrap(), br#"{"limit":2,"offset":4}"#);
        assert_eq!(decode_cursor(&c), Some((4, 2)));
        assert_eq!(decode_cursor("not base64!"), None);
        assert_eq!(decode_cursor(&BASE64.encode("{\"offset\":1}")), None);
        assert_eq!(decode_cursor(&BASE64.encode("{\"offset\":1,\"limit\":0}")), None);
    }
}
