//! Fault injection: the client against hostile or broken servers on `127.0.0.1` (raw HTTP/1.1
//! servers that control every byte, and a TLS one with the fixtures of `tests/fixtures/tls/`).
//! Each module is one class of fault; each test's doc comment says what it expects and why.
//! A test binary of its own: it installs a process-wide `tracing` subscriber that keeps every
//! event, and checks that the API key never appears in one.
//!
//! `cargo test -p n8n-api-tests --test faults` (a few seconds; nothing leaves loopback).

#[path = "faults/server.rs"]
mod server;

#[path = "faults/bodies.rs"]
mod bodies;
#[path = "faults/config.rs"]
mod config;
#[path = "faults/cursors.rs"]
mod cursors;
#[path = "faults/idempotency.rs"]
mod idempotency;
#[path = "faults/ids.rs"]
mod ids;
#[path = "faults/redirects.rs"]
mod redirects;
#[path = "faults/retry_headers.rs"]
mod retry_headers;
#[path = "faults/timeouts.rs"]
mod timeouts;
#[path = "faults/tls.rs"]
mod tls;
