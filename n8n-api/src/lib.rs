#![doc = include_str!("../README.md")]
//!
//! Every operation of the spec is a method of [`Client`], grouped by tag in extension traits
//! (`ClientWorkflowExt`, `ClientExecutionsExt`, ...) that [`prelude`] brings into scope. Each
//! method returns a request builder; `send()` runs it and returns the decoded response or an
//! [`Error`]. [`OPERATIONS`] lists every operation with the API key scopes it needs.

mod client;
mod error;
#[rustfmt::skip]
#[allow(clippy::all, unused_imports, unused_mut, dead_code, deprecated)]
mod generated;
pub mod multipart;
mod operation;
pub mod packages;
pub mod paginate;
mod retry;
// Which helpers a build calls depends on its tag features.
#[allow(dead_code)]
mod support;

pub use client::{
    ApiKey, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT, MAX_REDIRECTS, redirect_policy,
};
pub use error::{Error, ErrorKind, REQUEST_TARGET};
#[allow(unused_imports)] // empty when no tag feature is on
pub use generated::prelude::*;
pub use generated::{ErrorBody, N8N_VERSION, OPERATIONS, builder, types};
pub use operation::Operation;
pub use progenitor_client::{ByteStream, ResponseValue};
pub use reqwest::StatusCode;
pub use retry::{DEFAULT_RETRY_BUDGET, RetryPolicy};
#[doc(hidden)]
pub use support::{Observed, observe_responses};

/// State the generated client carries for the hand-written layer (auth, retries).
#[doc(hidden)]
pub use client::Inner;

/// `use n8n_api::prelude::*;` brings the client, every tag's extension trait, and the `futures`
/// traits that drive a list's `stream()` (`try_next`, `try_collect`, `next`) into scope.
pub mod prelude {
    pub use futures::{StreamExt as _, TryStreamExt as _};

    #[allow(unused_imports)]
    pub use crate::generated::prelude::*;
    pub use crate::{Client, Error};
}
