//! End-to-end: the client against a real n8n 2.40.7 in licensed test mode on loopback, through the
//! public client only (webhook triggers aside, which are plain HTTP by nature, and the few things
//! only n8n's internal REST API does, see `support::Owner`). Every response goes through the
//! generated types; where n8n disagrees with its own spec, the fix is a spec patch in codegen.
//!
//! Each test states what it proved (`proved(operation, effect)`) after checking the effect; the
//! client's request events and those statements make the coverage report (`coverage.rs`).
//! Tests create what they need under unique names and remove it, so the suite can run twice
//! against one instance; the tests of `exclusive` must run alone.
//!
//! Run with `cargo xtask test` (starts and stops n8n), or `cargo xtask n8n start --licensed` then
//! `cargo xtask e2e --running`.

mod coverage;
mod credentials;
mod data_tables;
mod evaluations;
mod exclusive;
mod executions;
mod instance;
mod log_streaming;
mod node_type_policies;
mod packages;
mod projects;
mod promotions;
mod roles;
mod settings;
mod support;
mod tags;
mod users;
mod workflows;
