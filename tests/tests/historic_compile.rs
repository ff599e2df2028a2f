//! The clients generated from the oldest and the newest spec in spec/history/ compile (the pinned
//! one is the n8n-api crate itself; which releases those are is read from the directory). Each is written as a standalone crate by
//! `cargo xtask generate --spec FILE --out DIR` and built with cargo.

use std::process::Command;

use n8n_api_tests::root;

fn build(version: &str) {
    let root = root();
    let out = root.join("target/historic").join(version);
    let _ = std::fs::remove_dir_all(&out);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["xtask", "generate", "--spec"])
        .arg(n8n_api_tests::specs().release(version).join("openapi.yml"))
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "cargo xtask generate --spec for {version} failed");
    let output = Command::new(&cargo)
        .current_dir(&out)
        // One target directory for all historic crates: their dependencies build once.
        .env("CARGO_TARGET_DIR", root.join("target/historic-target"))
        .args(["build", "--quiet"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the client of n8n {version} does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The releases in spec/history/, oldest first (by their version numbers).
fn history() -> Vec<String> {
    n8n_api_tests::specs()
        .kept()
        .unwrap()
        .into_iter()
        .map(|(v, _)| v)
        .collect()
}

#[test]
fn oldest_and_newest_historic_clients_compile() {
    let h = history();
    assert!(h.len() >= 2, "spec/history/ holds {h:?}");
    build(&h[0]);
    build(&h[h.len() - 1]);
}
