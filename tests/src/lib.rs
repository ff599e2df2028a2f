//! Shared helpers of the n8n-api test suites (see `tests/`).

use std::path::{Path, PathBuf};

pub mod coverage;
pub mod lossless;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The running n8n the end-to-end suite talks to (written by `cargo xtask n8n start`).
pub use n8n_api_codegen::instance::{Instance, Ldap, Peers};

/// Reads the instance file (`$N8N_API_E2E_INSTANCE`, else `target/n8n/instance.json`).
/// Panics with instructions when there is none: an end-to-end test never skips silently.
pub fn instance() -> Instance {
    let path = std::env::var_os("N8N_API_E2E_INSTANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/n8n/instance.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no running n8n for the end-to-end tests: cannot read {} ({e}). Start one with `cargo xtask n8n start`, or run everything with `cargo xtask test`.",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not an instance file ({e})", path.display()))
}

/// A path template with its parameters' names blanked (`/tags/{id}` -> `/tags/{}`): the route
/// on the wire, whatever the spec calls the parameters (the `id-names` rule renames some).
pub fn route(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The workspace's specs (`spec/`, `spec/history/`).
pub fn specs() -> n8n_api_codegen::layout::SpecDir {
    n8n_api_codegen::layout::SpecDir::of(&root())
}

/// The n8n release of the pinned spec (its lock says which).
pub fn pinned_release() -> String {
    specs().pinned_release().unwrap_or_else(|e| panic!("{e}"))
}

/// `(METHOD, path)` of every operation in a raw spec document, counted without the codegen's
/// model (so a test that compares the two checks the model too).
pub fn raw_operations(spec: &serde_json::Value) -> Vec<(String, String)> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            if METHODS.contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// A source file of the workspace without any whitespace, for looking up signatures.
pub fn compact_source(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A name no other test run uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The README's code compiles (its Rust blocks run as doc tests of this crate).
#[doc = include_str!("../../README.md")]
pub struct Readme;
