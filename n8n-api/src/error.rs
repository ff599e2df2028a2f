//! The one error type of the client.

use std::fmt;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use crate::generated::{ErrorBody, decode_error_body};

/// Longest part of a response body an error keeps (for messages and debugging).
const BODY_EXCERPT: usize = 2048;

/// Everything that can go wrong with a request: what operation, and what happened.
///
/// `Display` gives one readable line, e.g.
/// `getWorkflow: 404 Not Found: Workflow not found`. What it quotes of a response (n8n's
/// message, the start of a body) is bounded and escaped: control characters (CR, LF, ESC, ...)
/// and bidirectional overrides print as `\u{..}` escapes, so a server cannot forge log lines or
/// terminal output through an error. Secrets (the API key, credential data) never appear.
pub struct Error {
    operation: &'static str,
    attempts: u32,
    kind: Box<ErrorKind>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// n8n answered with a status the operation does not succeed with.
    #[non_exhaustive]
    Api {
        status: StatusCode,
        /// n8n's `message`, when the body had one.
        message: Option<String>,
        /// n8n's `code`, when the body had one.
        code: Option<String>,
        /// The body, decoded into the type the spec gives for this status, if it gives one.
        body: Option<ErrorBody>,
        /// The start of the raw body (at most 2 KiB).
        raw: String,
        /// Why the body could not be read whole (cut, stalled, too large), when it could not:
        /// the status is still the server's.
        body_unreadable: Option<String>,
    },
    /// A success response whose body does not match the spec.
    #[non_exhaustive]
    Decode {
        /// The part of the body around the point where decoding failed.
        excerpt: String,
        source: serde_json::Error,
    },
    /// No response: connection refused, TLS, timeout of an attempt, or the body could not be read.
    Transport(reqwest::Error),
    /// The server redirected the request somewhere the client does not follow: another origin
    /// (the API key stays with the instance), a loop, or more than 10 hops.
    #[non_exhaustive]
    Redirect {
        /// The redirect's status (`301`, `302`, `307`, ...).
        status: StatusCode,
        /// The origin it pointed to (`scheme://host:port`; never the path or query).
        to: String,
        /// Why it was not followed, in words.
        reason: String,
    },
    /// The call ran out of its total timeout ([`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)).
    Timeout(std::time::Duration),
    /// A list's pages do not end: the server sent a cursor it had sent before in this stream.
    Pagination(String),
    /// The request could not be built (a required parameter is missing, a value is invalid, an
    /// id that would change the route).
    InvalidRequest(String),
    /// The client is misconfigured (base URL, API key, environment).
    Config(String),
    /// Anything else (e.g. reported by a hook, or a body over the client's size limit).
    Other(String),
}

impl Error {
    pub(crate) fn new(operation: &'static str, kind: ErrorKind) -> Self {
        Error {
            operation,
            attempts: 0,
            kind: Box::new(kind),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new("", ErrorKind::Config(message.into()))
    }

    /// The operation id (`getWorkflow`), or `""` for errors before any request.
    pub fn operation(&self) -> &str {
        self.operation
    }

    /// How many times the request was sent (0 if it never was; more than 1 after retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The kind in one word, for logs: `api`, `decode`, `transport`, `redirect`, `timeout`,
    /// `pagination`, `invalid_request`, `config`, `other`.
    pub fn kind_name(&self) -> &'static str {
        match &*self.kind {
            ErrorKind::Api { .. } => "api",
            ErrorKind::Decode { .. } => "decode",
            ErrorKind::Transport(_) => "transport",
            ErrorKind::Redirect { .. } => "redirect",
            ErrorKind::Timeout(_) => "timeout",
            ErrorKind::Pagination(_) => "pagination",
            ErrorKind::InvalidRequest(_) => "invalid_request",
            ErrorKind::Config(_) => "config",
            ErrorKind::Other(_) => "other",
        }
    }

    /// The HTTP status, when n8n answered (also when its body could not be read, and for a
    /// redirect the client did not follow).
    pub fn status(&self) -> Option<StatusCode> {
        match &*self.kind {
            ErrorKind::Api { status, .. } | ErrorKind::Redirect { status, .. } => Some(*status),
            ErrorKind::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// n8n answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// n8n answered 409 Conflict (a name in use, a workflow being published, an import conflict).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// n8n answered 401 Unauthorized: the API key is missing, wrong or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// n8n answered 403 Forbidden: the key lacks a scope, or the instance's license lacks a feature.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// n8n answered 422 Unprocessable Entity: the request is well-formed but n8n cannot act on it
    /// (a package import blocked by unresolved credentials or variables: see
    /// [`ErrorBody`](crate::ErrorBody) and `issues()`).
    pub fn is_unprocessable(&self) -> bool {
        self.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// n8n answered 429 Too Many Requests (after the retries the policy allows).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The call took too long: an attempt timed out, or the call ran out of its total timeout.
    pub fn is_timeout(&self) -> bool {
        match &*self.kind {
            ErrorKind::Timeout(_) => true,
            ErrorKind::Transport(e) => e.is_timeout(),
            _ => false,
        }
    }

    /// n8n's error message, when the server sent one.
    pub fn message(&self) -> Option<&str> {
        match &*self.kind {
            ErrorKind::Api { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The typed error body, when the spec gives a schema for this operation and status.
    pub fn body(&self) -> Option<&ErrorBody> {
        match &*self.kind {
            ErrorKind::Api { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn timeout(operation: &'static str, after: std::time::Duration) -> Self {
        Error::new(operation, ErrorKind::Timeout(after))
    }

    pub(crate) fn pagination(operation: &'static str, message: String) -> Self {
        Error::new(operation, ErrorKind::Pagination(message))
    }

    /// Turns progenitor's error into ours, reading and decoding the body of an error status.
    pub(crate) async fn from_progenitor(operation: &'static str, e: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as P;
        let kind = match e {
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let (bytes, unreadable) = read_error_body(response).await;
                api_error(operation, status, &bytes, unreadable)
            }
            P::ErrorResponse(rv) => api_error(operation, rv.status(), &[], None),
            P::InvalidResponsePayload(bytes, source) => ErrorKind::Decode {
                excerpt: excerpt_at(&bytes, &source),
                source,
            },
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => transport(e),
            P::InvalidRequest(s) => ErrorKind::InvalidRequest(s),
            P::Custom(s) => ErrorKind::Other(s),
        };
        Error::new(operation, kind)
    }
}

/// A transport error, unless it is a redirect the client's policy refused.
fn transport(e: reqwest::Error) -> ErrorKind {
    if e.is_redirect() {
        let refused = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<crate::client::RedirectRefused>());
        if let Some(r) = refused {
            return ErrorKind::Redirect {
                status: r.status,
                to: r.to.clone(),
                reason: r.to_string(),
            };
        }
    }
    ErrorKind::Transport(e)
}

/// The most of an error body the client reads: error bodies are small JSON objects; a larger one
/// is cut here (its status and start are kept).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Reads an error body, bounded in size and in time (what is left of the call's total timeout):
/// a body that is cut, stalls or is too large still leaves the status and what arrived.
async fn read_error_body(mut response: reqwest::Response) -> (Vec<u8>, Option<String>) {
    let mut bytes = Vec::new();
    let read = async {
        while let Some(chunk) = response.chunk().await? {
            let room = MAX_ERROR_BODY - bytes.len();
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() >= room {
                return Ok(Some(format!("over {} KiB, cut", MAX_ERROR_BODY / 1024)));
            }
        }
        Ok::<_, reqwest::Error>(None)
    };
    let outcome = match crate::retry::remaining() {
        Some(left) => tokio::time::timeout(left, read).await.ok(),
        None => Some(read.await),
    };
    let unreadable = match outcome {
        None => Some("the call's total timeout passed while reading it".to_string()),
        Some(Ok(cut)) => cut,
        Some(Err(e)) => Some(error_chain(&e)),
    };
    (bytes, unreadable)
}

/// `e` and its sources, one after the other.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Maps the result of a generated `send_unmapped()` into the crate's result, within the call's
/// total timeout.
///
/// Every finished request emits one `tracing` event with target [`REQUEST_TARGET`](crate::REQUEST_TARGET) (level
/// `DEBUG`): `operation` (the operation id), `status` (the HTTP status, when n8n answered),
/// `outcome` (`"ok"` once the body decoded into its type, else `"error"`), `error_kind` (for
/// errors: `api`, `decode`, `transport`, ...) and `attempts`. It carries no URL, header or body.
pub(crate) async fn finish<T, F>(
    inner: &crate::Inner,
    operation: &'static str,
    send: F,
) -> Result<ResponseValue<T>, Error>
where
    F: std::future::Future<Output = Result<ResponseValue<T>, progenitor_client::Error<()>>>,
{
    let limit = inner.total_timeout();
    let deadline = limit.and_then(|d| std::time::Instant::now().checked_add(d));
    // On the heap: a request's future (reqwest's, the retry loop's, the decoding's) is tens of
    // KiB in a debug build; inline, a caller's future that awaits a few calls holds them all
    // and can overflow a thread's stack. One allocation a call keeps `send()`'s future small.
    let call = Box::pin(async move {
        match send.await {
            Ok(value) => Ok(value),
            Err(e) => Err(Error::from_progenitor(operation, e).await),
        }
    });
    let bounded = async {
        match (limit, deadline) {
            (Some(limit), Some(_)) => tokio::time::timeout(limit, call)
                .await
                .unwrap_or_else(|_| Err(Error::timeout(operation, limit))),
            _ => call.await,
        }
    };
    let (result, attempts) = crate::retry::counting(deadline, bounded).await;
    match result {
        Ok(value) => {
            record(operation, Some(value.status()), None, attempts);
            Ok(value)
        }
        Err(mut e) => {
            e.attempts = attempts;
            record(operation, e.status(), Some(e.kind_name()), attempts);
            Err(e)
        }
    }
}

/// The `tracing` target of the event each finished request emits (level `DEBUG`; fields
/// `operation`, `status`, `outcome` (`ok` or `error`), `error_kind`, `attempts`).
pub const REQUEST_TARGET: &str = "n8n_api::request";

fn record(operation: &str, status: Option<StatusCode>, error_kind: Option<&str>, attempts: u32) {
    let outcome = if error_kind.is_none() { "ok" } else { "error" };
    match status {
        Some(status) => tracing::debug!(
            target: "n8n_api::request",
            operation,
            status = status.as_u16(),
            outcome,
            error_kind,
            attempts
        ),
        None => tracing::debug!(target: "n8n_api::request", operation, outcome, error_kind, attempts),
    }
}

fn api_error(operation: &str, status: StatusCode, bytes: &[u8], body_unreadable: Option<String>) -> ErrorKind {
    let json: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
    let field = |k: &str| {
        json.as_ref().and_then(|j| j.get(k)).and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let body = decode_error_body(operation, status.as_u16(), bytes).and_then(Result::ok);
    ErrorKind::Api {
        status,
        message: field("message"),
        code: field("code"),
        body,
        raw: excerpt(bytes, 0),
        body_unreadable,
    }
}

/// At most [`BODY_EXCERPT`] bytes of `bytes` starting near `from`, as lossy UTF-8.
fn excerpt(bytes: &[u8], from: usize) -> String {
    let start = from.min(bytes.len());
    let end = (start + BODY_EXCERPT).min(bytes.len());
    let mut s = String::from_utf8_lossy(&bytes[start..end]).into_owned();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < bytes.len() {
        s.push('…');
    }
    s
}

/// The part of the body around where serde_json stopped.
fn excerpt_at(bytes: &Bytes, e: &serde_json::Error) -> String {
    let mut offset = 0;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i + 1 == e.line() {
            offset += e.column().saturating_sub(1);
            break;
        }
        offset += line.len() + 1;
    }
    let from = offset.saturating_sub(120);
    let s = excerpt(bytes, from);
    s.chars().take(400).collect()
}

/// The most characters `Display` quotes of a server's message or body.
const QUOTED: usize = 300;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::support::escape_line;
        if !self.operation.is_empty() {
            write!(f, "{}: ", self.operation)?;
        }
        match &*self.kind {
            ErrorKind::Api {
                status,
                message,
                raw,
                body_unreadable,
                ..
            } => {
                write!(f, "{status}")?;
                match message {
                    Some(m) => write!(f, ": {}", escape_line(m, QUOTED))?,
                    None if raw.is_empty() => {}
                    None => write!(f, ": {}", escape_line(raw, QUOTED))?,
                }
                if let Some(why) = body_unreadable {
                    write!(f, " (body unreadable: {})", escape_line(why, QUOTED))?;
                }
                Ok(())
            }
            ErrorKind::Decode { excerpt, source } => {
                write!(
                    f,
                    "the response does not match the spec: {}; near: {}",
                    escape_line(&source.to_string(), QUOTED),
                    escape_line(excerpt, QUOTED)
                )
            }
            ErrorKind::Transport(e) => write!(f, "request failed: {}", escape_line(&error_chain(e), 2 * QUOTED)),
            ErrorKind::Redirect { reason, .. } => write!(f, "{}", escape_line(reason, QUOTED)),
            ErrorKind::Timeout(after) => write!(
                f,
                "no answer within {} s (the call's total timeout)",
                after.as_secs_f64()
            ),
            ErrorKind::Pagination(s) => write!(f, "{}", escape_line(s, QUOTED)),
            ErrorKind::InvalidRequest(s) => write!(f, "invalid request: {}", escape_line(s, 2 * QUOTED)),
            ErrorKind::Config(s) => write!(f, "{}", escape_line(s, 2 * QUOTED)),
            ErrorKind::Other(s) => write!(f, "{}", escape_line(s, 2 * QUOTED)),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field("kind", &self.kind)
            .finish()
    }
}

/// A request body that its builder could not build (`types::Node::builder()...try_into()?`).
impl From<crate::types::error::ConversionError> for Error {
    fn from(e: crate::types::error::ConversionError) -> Self {
        Error::new("", ErrorKind::InvalidRequest(e.to_string()))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            ErrorKind::Transport(e) => Some(e),
            ErrorKind::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}
