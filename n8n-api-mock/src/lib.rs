//! A mock n8n for testing code that uses [`n8n_api`], without an n8n.
//!
//! [`MockN8n::start`] starts a local HTTP server (wiremock) and [`MockN8n::client`] gives an
//! `n8n_api::Client` pointed at it. Every operation of the API has a typed mock, generated from
//! the same spec as the client: a method of [`MockN8n`] named as the client's method
//! (`mock.get_workflow()`), parameter matchers named and typed as the client's setters, and
//! `responds(...)` taking the very type the client's `send()` returns. A mock written against one
//! n8n release stops compiling, rather than failing at run time, when a release changes a type.
//!
//! ```
//! use n8n_api::prelude::*;
//! use n8n_api::types;
//! use n8n_api_mock::{MockN8n, Sample};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = MockN8n::start().await;
//! let mut workflow = types::Workflow::sample();
//! workflow.name = "Nightly report".into();
//! mock.get_workflow().workflow_id("w1").times(1).responds(&workflow).await;
//! mock.get_workflow()
//!     .workflow_id("gone")
//!     .responds_with_status(404, &serde_json::json!({ "message": "Not Found" }))
//!     .await;
//!
//! let client = mock.client();
//! let found = client.get_workflow().workflow_id("w1").send().await.unwrap();
//! assert_eq!(found.name, "Nightly report");
//! assert!(client.get_workflow().workflow_id("gone").send().await.unwrap_err().is_not_found());
//! # }
//! ```
//!
//! - Narrow a mock with its matchers: path and query parameters, `body(...)` (exactly what the
//!   client sends for a value of the client's body type), [`OperationMock::body_partial_json`],
//!   multipart form fields (package import), [`OperationMock::header`].
//! - Answer with `responds(...)`; `responds_paginated(items, page_size)` on every list the client
//!   streams (cursor pages as n8n cuts them); `responds_conflict(...)` and the like where the
//!   client decodes an error into a typed [`n8n_api::ErrorBody`];
//!   [`OperationMock::responds_with_status`] or [`OperationMock::responds_with`] for anything
//!   else.
//! - [`OperationMock::times`] sets how many requests a mock must answer. When the [`MockN8n`]
//!   drops it panics if an expectation is unmet, a mock was set up wrongly, or a request matched
//!   no mock (those are answered 404 meanwhile); the message names the operation and lists the
//!   requests the server received.
//!
//! Cargo features mirror the client's: one per API tag (`workflow`, `executions`, ...), each
//! turning on the client's, and `full` (default) with all of them.

// The generated code calls the runtime's helpers per tag; with only some tags on, some go unused.
// With every tag on (`full`, the default) unused code is reported as usual.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

mod answer;
#[rustfmt::skip]
#[allow(clippy::all, deprecated, unused_imports)]
mod generated;
mod journal;
mod matcher;
mod multipart;
mod operation_mock;
mod sample;

use std::sync::Arc;
use std::time::Duration;

use n8n_api::{Client, RetryPolicy};
use wiremock::{Mock, MockServer};

pub use generated::{OPERATIONS, operation};
pub use operation_mock::{AnyOperation, MockedOperation, Mounted, OperationMock};
pub use sample::Sample;
/// The mock server's library: [`wiremock::ResponseTemplate`] for
/// [`OperationMock::responds_with`], [`wiremock::Request`] for what was received.
pub use wiremock;

use answer::{Answer, Responder};
use journal::{Answered, Journal};
pub(crate) use operation_mock::Route;

/// The API key of [`MockN8n::client`]; the mock accepts any key.
const API_KEY: &str = "n8n-api-mock";

/// A running mock n8n. Its expectations are checked when it drops (see the crate docs).
pub struct MockN8n {
    server: MockServer,
    journal: Arc<Journal>,
    /// The instance URL (`http://127.0.0.1:port` or with the base path).
    url: String,
    /// The path of the API base (`/api/v1`, `/n8n/api/v1`).
    api_path: String,
    client: Client,
}

impl std::fmt::Debug for MockN8n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockN8n")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl MockN8n {
    /// Starts a mock n8n at the root of a local address (`http://127.0.0.1:<port>`).
    ///
    /// # Panics
    ///
    /// If the HTTP client cannot be built (which `Client::new` would refuse for any URL).
    pub async fn start() -> MockN8n {
        match Self::start_with_base_path("").await {
            Ok(mock) => mock,
            Err(e) => panic!("n8n-api-mock: cannot build a client for the mock server: {e}"),
        }
    }

    /// Starts a mock n8n served below `base_path`, as an instance behind a reverse proxy
    /// (`/n8n`: the API is at `http://127.0.0.1:<port>/n8n/api/v1`). Fails as `Client::new`
    /// does on what cannot be part of a base URL (a query, a fragment).
    pub async fn start_with_base_path(base_path: &str) -> Result<MockN8n, n8n_api::Error> {
        let server = MockServer::builder().disable_request_recording().start().await;
        let base_path = base_path.trim().trim_matches('/');
        let url = match base_path {
            "" => server.uri(),
            path => format!("{}/{path}", server.uri()),
        };
        let client = Client::builder(&url, API_KEY).retry(fast_retries()).build()?;
        let api_path = wiremock::http::Url::parse(client.base_url())
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| "/api/v1".to_string());
        let journal = Arc::new(Journal::default());
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder {
                journal: Arc::clone(&journal),
                answered: Answered::Unmatched,
                answer: Answer::NoMock,
            })
            .with_priority(u8::MAX)
            .mount(&server)
            .await;
        Ok(MockN8n {
            server,
            journal,
            url,
            api_path,
            client,
        })
    }

    /// A client for this mock (any API key works). It retries as the client does by default
    /// (3 attempts on 429/502/503/504 for idempotent methods) but waits milliseconds, not
    /// seconds; build your own from [`url`](Self::url) for other settings.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The instance URL, to give the code under test as it would get `N8N_API_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request the server received, in arrival order.
    pub fn received_requests(&self) -> Vec<wiremock::Request> {
        self.journal.requests()
    }

    pub(crate) fn api_path(&self) -> &str {
        &self.api_path
    }

    pub(crate) fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    pub(crate) fn server(&self) -> &MockServer {
        &self.server
    }
}

impl Drop for MockN8n {
    fn drop(&mut self) {
        let Some(report) = self.journal.failures() else {
            return;
        };
        if std::thread::panicking() {
            // The test already fails; a second panic would abort. Show why, too.
            eprintln!("{report}");
        } else {
            panic!("{report}");
        }
    }
}

/// The client's default retries, with millisecond waits.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(10))
}
