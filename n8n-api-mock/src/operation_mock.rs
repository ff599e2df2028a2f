//! The mock of one operation: what it matches, how often it must be called, how it answers.
//!
//! The generic half lives here; each operation's typed half (parameter matchers, `body`,
//! `responds` with the client's types) is generated into `generated.rs` as methods of
//! `OperationMock<'_, operation::X>`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};
use wiremock::http::HeaderName;
use wiremock::{Request, ResponseTemplate};

use crate::MockN8n;
use crate::answer::{Answer, Pages, Responder};
use crate::journal::{Answered, Journal, Registered};
use crate::matcher::{BodyMatch, FormMatch, QueryValue, RequestMatcher, RouteMatcher, json_text};

/// What the generated code says about an operation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    /// The spec's operation id.
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template below the API base.
    pub path: &'static str,
    /// The success status the client expects.
    pub status: u16,
}

/// The operation type of an [`OperationMock`] that went through [`OPERATIONS`](crate::OPERATIONS)
/// (`MockedOperation::mock`): only the methods every operation has.
#[derive(Debug)]
pub enum AnyOperation {}

/// The mock of one operation, made by the operation's method of [`MockN8n`]
/// (`mock.get_workflow()`); `O` is its marker type in [`operation`](crate::operation).
///
/// Narrow it (typed parameter matchers such as `.workflow_id("abc")`, `.body(...)`, or
/// [`body_partial_json`](Self::body_partial_json), [`header`](Self::header)), say how often it
/// must be called ([`times`](Self::times)) or may answer ([`up_to_n_times`](Self::up_to_n_times)),
/// then mount it with an answer: `responds(...)` (typed as the client's `send()`),
/// `responds_paginated`, a typed error such as `responds_conflict`, or
/// [`responds_with_status`](Self::responds_with_status) / [`responds_with`](Self::responds_with).
///
/// When several mocks match a request, the one whose path has more literal segments answers,
/// then the one narrowed by more matchers, then the one mounted first.
#[must_use = "a mock does nothing until one of its `responds` methods mounts it"]
pub struct OperationMock<'m, O> {
    mock: &'m MockN8n,
    route: Route,
    matcher: RequestMatcher,
    times: Option<u64>,
    up_to: Option<u64>,
    response_headers: Vec<(String, String)>,
    problems: Vec<String>,
    operation: PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for OperationMock<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description())
    }
}

impl<'m, O> OperationMock<'m, O> {
    pub(crate) fn new(mock: &'m MockN8n, route: Route) -> Self {
        let mut problems = Vec::new();
        let route_matcher = RouteMatcher::new(route.method, mock.api_path(), route.path).unwrap_or_else(|| {
            problems.push(format!("`{}` is not an HTTP method", route.method));
            RouteMatcher::new("GET", mock.api_path(), route.path).expect("GET is an HTTP method")
        });
        OperationMock {
            mock,
            route,
            matcher: RequestMatcher::new(route_matcher),
            times: None,
            up_to: None,
            response_headers: Vec::new(),
            problems,
            operation: PhantomData,
        }
    }

    /// Expects exactly `n` requests to be answered by this mock; checked when the [`MockN8n`]
    /// drops, which then panics naming the operation and showing the requests it received.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers at most `n` requests; later ones go to the next matching mock (a sequence: two
    /// 503s, then a success).
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.up_to = Some(n);
        self
    }

    /// Matches only requests that carry header `name` with `value`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => self.matcher.headers.push((n, value.to_string())),
            Err(_) => self.problems.push(format!("`{name}` is not an HTTP header name")),
        }
        self
    }

    /// Matches only requests whose JSON body is `value`, exactly.
    pub fn body_json(mut self, value: Value) -> Self {
        self.matcher.body.push(BodyMatch::Exact(value));
        self
    }

    /// Matches only requests whose JSON body has every member `value` names, recursively
    /// (`json!({"name": "x"})` matches any body whose `name` is `"x"`; arrays match element by
    /// element and must have the same length).
    pub fn body_partial_json(mut self, value: Value) -> Self {
        self.matcher.body.push(BodyMatch::Partial(value));
        self
    }

    /// Adds a header to the response.
    pub fn response_header(mut self, name: &str, value: &str) -> Self {
        self.response_headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Mounts the mock: it answers `status` with `body` as JSON. n8n's errors look like
    /// `json!({"message": "Not Found"})`.
    pub async fn responds_with_status<B: Serialize + ?Sized>(self, status: u16, body: &B) -> Mounted {
        self.respond_status_json(status, body).await
    }

    /// Mounts the mock: it answers with `template` as it is (no body, a delay, raw bytes, ...).
    pub async fn responds_with(self, template: ResponseTemplate) -> Mounted {
        self.mount(Answer::Fixed(template)).await
    }

    // ---- used by the generated, typed half --------------------------------------------------

    /// Only for [`MockedOperation`]: the operation type is forgotten.
    pub(crate) fn untyped(self) -> OperationMock<'m, AnyOperation> {
        OperationMock {
            mock: self.mock,
            route: self.route,
            matcher: self.matcher,
            times: self.times,
            up_to: self.up_to,
            response_headers: self.response_headers,
            problems: self.problems,
            operation: PhantomData,
        }
    }

    pub(crate) fn path_param(mut self, name: &'static str, value: String) -> Self {
        self.matcher.path_params.push((name, value));
        self
    }

    /// A mistake in the mock (a value that does not convert), reported when the mock drops.
    pub(crate) fn problem(mut self, what: String) -> Self {
        self.problems.push(what);
        self
    }

    pub(crate) fn query_param<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.matcher.query.push((name, QueryValue::from_json(&v))),
            Err(e) => self.problems.push(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    pub(crate) fn body_typed<T: Serialize>(mut self, value: Result<T, String>) -> Self {
        match value.and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())) {
            Ok(v) => self.matcher.body.push(BodyMatch::Exact(v)),
            Err(e) => self.problems.push(format!("body: {e}")),
        }
        self
    }

    pub(crate) async fn respond_empty(self) -> Mounted {
        let status = self.route.status;
        self.respond_status(status, |t| t).await
    }

    pub(crate) async fn respond_json<T: Serialize + ?Sized>(self, value: &T) -> Mounted {
        let status = self.route.status;
        self.respond_status_json(status, value).await
    }

    pub(crate) async fn respond_status_json<T: Serialize + ?Sized>(mut self, status: u16, value: &T) -> Mounted {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.respond_status(status, |t| t.set_body_raw(body, "application/json"))
                    .await
            }
            Err(e) => {
                self.problems.push(format!("the response body does not serialize: {e}"));
                self.respond_status(status, |t| t).await
            }
        }
    }

    pub(crate) async fn respond_paginated<T, P>(
        mut self,
        items: &[T],
        page_size: usize,
        page: fn(Vec<T>, Option<String>) -> P,
    ) -> Mounted
    where
        T: Clone + Send + Sync + 'static,
        P: Serialize + 'static,
    {
        if page_size == 0 {
            self.problems.push("the page size must be at least 1".into());
        }
        let items = items.to_vec();
        let pages = Pages {
            len: items.len(),
            default_size: page_size.max(1),
            write: Box::new(move |range, next| {
                serde_json::to_vec(&page(items[range].to_vec(), next)).map_err(|e| e.to_string())
            }),
        };
        self.mount(Answer::Pages(pages)).await
    }

    async fn respond_status(mut self, status: u16, body: impl FnOnce(ResponseTemplate) -> ResponseTemplate) -> Mounted {
        if !(100..=999).contains(&status) {
            self.problems.push(format!("{status} is not an HTTP status"));
            return self.mount(Answer::Fixed(ResponseTemplate::new(500))).await;
        }
        let mut template = body(ResponseTemplate::new(status));
        for (name, value) in &self.response_headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        self.mount(Answer::Fixed(template)).await
    }

    /// `getWorkflow (GET /workflows/{workflowId}) where workflowId = "abc"`.
    fn description(&self) -> String {
        let mut out = format!(
            "{} ({} {}){}",
            self.route.id,
            self.route.method,
            self.route.path,
            self.matcher.describe()
        );
        if let Some(n) = self.up_to {
            out.push_str(&format!(" (up to {n} times)"));
        }
        out
    }

    /// Registers the mock in the journal and on the server. A mock with mistakes answers 500
    /// with them, and they are reported when the server drops.
    async fn mount(self, answer: Answer) -> Mounted {
        let journal = Arc::clone(self.mock.journal());
        let index = journal.register(Registered {
            description: self.description(),
            route: self.matcher.route.clone(),
            expected: self.times,
            problems: self.problems.clone(),
        });
        let answer = if self.problems.is_empty() {
            answer
        } else {
            let message = format!("n8n-api-mock: {}: {}", self.route.id, self.problems.join("; "));
            Answer::Fixed(ResponseTemplate::new(500).set_body_json(json!({ "message": message })))
        };
        let priority = priority(self.matcher.route.literal_segments(), self.matcher.narrowing());
        let mut mock = wiremock::Mock::given(self.matcher)
            .respond_with(Responder {
                journal: Arc::clone(&journal),
                answered: Answered::By(index),
                answer,
            })
            .with_priority(priority);
        if let Some(n) = self.up_to {
            mock = mock.up_to_n_times(n);
        }
        self.mock.server().register(mock).await;
        Mounted { journal, index }
    }
}

/// What only the package endpoints use: the import's form fields, the export's bytes.
impl<O> OperationMock<'_, O> {
    pub(crate) fn form_text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.matcher.form.push((name, FormMatch::Text(value.into())));
        self
    }

    /// A field the client writes with `Form::json_text` (an enum: its string, unquoted).
    pub(crate) fn form_json_text<T: Serialize>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.matcher.form.push((name, FormMatch::Text(json_text(&v)))),
            Err(e) => self.problems.push(format!("form field `{name}`: {e}")),
        }
        self
    }

    /// A field that carries JSON (compared as JSON, not as text).
    pub(crate) fn form_json<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.matcher.form.push((name, FormMatch::Json(v))),
            Err(e) => self.problems.push(format!("form field `{name}`: {e}")),
        }
        self
    }

    pub(crate) fn form_file(mut self, name: &'static str, content: &[u8]) -> Self {
        self.matcher.form.push((name, FormMatch::File(content.to_vec())));
        self
    }

    pub(crate) async fn respond_bytes(self, body: Vec<u8>, content_type: &str) -> Mounted {
        let status = self.route.status;
        self.respond_status(status, |t| t.set_body_raw(body, content_type))
            .await
    }
}

/// wiremock's priority (1 first, 255 last, the fallback's): literal path segments count most,
/// then the matchers a test added.
fn priority(literal_segments: usize, narrowing: usize) -> u8 {
    let score = literal_segments.min(14) * 16 + narrowing.min(15);
    (250 - score.min(249)) as u8
}

/// A mounted mock: what it answered so far.
#[derive(Clone)]
pub struct Mounted {
    journal: Arc<Journal>,
    index: usize,
}

impl fmt::Debug for Mounted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mounted")
            .field("mock", &self.index)
            .field("requests", &self.requests().len())
            .finish()
    }
}

impl Mounted {
    /// The requests this mock answered, in arrival order (to look at what the code under test
    /// sent).
    pub fn requests(&self) -> Vec<Request> {
        self.journal.answered_by(self.index)
    }
}

/// One operation's mock in [`OPERATIONS`](crate::OPERATIONS), for tests that go over all of them.
#[derive(Debug, Clone, Copy)]
pub struct MockedOperation {
    /// The spec's operation id (`getWorkflow`), as in `n8n_api::OPERATIONS`.
    pub id: &'static str,
    /// The [`MockN8n`] method that mocks it (`get_workflow`), named as the client's method.
    pub mock_method: &'static str,
    pub(crate) start: for<'m> fn(&'m MockN8n) -> OperationMock<'m, AnyOperation>,
}

impl MockedOperation {
    /// The operation's mock on `mock` (what its method returns, without the typed methods).
    pub fn mock<'m>(&self, mock: &'m MockN8n) -> OperationMock<'m, AnyOperation> {
        (self.start)(mock)
    }
}

#[cfg(test)]
mod tests {
    use super::priority;

    #[test]
    fn literal_segments_then_matchers_then_order() {
        assert!(
            priority(2, 0) < priority(1, 15),
            "a literal segment beats any number of matchers"
        );
        assert!(priority(1, 2) < priority(1, 1));
        assert!(priority(100, 100) >= 1);
        assert!(priority(0, 0) < 255, "the fallback answers last");
    }
}
