//! The n8n-api code generator: n8n's public OpenAPI spec in, a Rust client out.
//!
//! The pipeline has one module per stage; each stage's output is the next one's input:
//!
//! 1. [`load`]: bytes (YAML 1.2 or JSON) into a [`load::Spec`] (a JSON document plus its sha256).
//! 2. [`normalize`]: named rewrite rules that fix the n8n quirks progenitor cannot digest.
//! 3. [`generate`]: progenitor (types, request builders) plus our own passes and extras
//!    (typed errors, open enums, multipart bodies, pagination, scope table).
//! 4. [`format`]: prettyplease, and the `@generated` header.
//!
//! [`fetch`] obtains a spec (npm package, file, running instance) and its lock;
//! [`pipeline`] strings the stages together for `cargo xtask generate`.

pub mod architecture;
pub mod diff;
pub mod error;
pub mod fetch;
pub mod format;
pub mod generate;
pub mod instance;
pub mod layout;
pub mod load;
pub mod normalize;
pub(crate) mod openapi;
pub mod pipeline;
pub mod sample;

pub use error::{Error, Result};
