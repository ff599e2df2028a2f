//! Old clients, new servers: the end-to-end step also reads the test instance through a client
//! generated from an older kept release, built as users of that release built it.
//!
//! The reader program is `tests/old-client/main.rs`, written against the client of
//! [`RELEASE`]. This step generates that client (`spec/history/<RELEASE>`) as a standalone crate
//! under `target/old-client/`, puts the program beside it with the workspace's lock file, builds
//! both in the target directory the historic-compile test shares (dependencies are warm), and
//! runs it against the instance.

use std::process::Command;

use anyhow::{Context, Result, bail};
use n8n_api_codegen::{fetch, pipeline};

use crate::{n8n, rel, root};

/// The release whose client reads the newer server.
pub const RELEASE: &str = "2.35.0";

/// The reader's manifest: the generated client beside it, and tokio.
const READER_MANIFEST: &str = r#"[package]
name = "n8n-api-old-client"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
n8n-api = { path = "../n8n-api" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
"#;

pub fn run(inst: &n8n::Instance) -> Result<()> {
    eprintln!(
        "    a client generated from n8n {RELEASE} reads the {} server",
        inst.n8n_version
    );
    let root = root();
    let work = root.join("target/old-client");
    let client = work.join("n8n-api");
    let reader = work.join("reader");
    let spec_dir = crate::specs().release(RELEASE);
    let output = pipeline::run_dir(&spec_dir, &format!("cargo xtask generate --spec {}", rel(&spec_dir)))
        .with_context(|| format!("generating the client of n8n {RELEASE}"))?;
    let _ = std::fs::remove_dir_all(&client);
    pipeline::write_standalone(&root.join("n8n-api"), &client, &output)?;
    fetch::write_atomic(&reader.join("Cargo.toml"), READER_MANIFEST.as_bytes())?;
    let program = std::fs::read(root.join("tests/old-client/main.rs"))?;
    fetch::write_atomic(&reader.join("src/main.rs"), &program)?;
    std::fs::copy(root.join("Cargo.lock"), reader.join("Cargo.lock"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(&reader)
        .env("CARGO_TARGET_DIR", root.join("target/historic-target"))
        .args(["run", "--quiet"])
        .env("N8N_API_URL", &inst.url)
        .env("N8N_API_KEY", &inst.api_key)
        .status()?;
    if !status.success() {
        bail!(
            "the client of n8n {RELEASE} failed against the {} server ({status})",
            inst.n8n_version
        );
    }
    Ok(())
}
