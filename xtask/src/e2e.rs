//! The end-to-end step of `cargo xtask test`: start a real n8n (tied to this process, so it
//! cannot outlive it), run the suite against it, stop it whatever happened.

use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::{n8n, root};

pub fn run() -> Result<()> {
    eprintln!("==> end-to-end tests against a real n8n {}", n8n::N8N_VERSION);
    let t = Instant::now();
    // Ctrl-C: stop n8n before leaving (it has a process group of its own).
    let _ = ctrlc::set_handler(|| {
        let _ = n8n::stop();
        std::process::exit(130);
    });
    let inst = n8n::start(n8n::Lifetime::TiedToParent, n8n::Mode::Licensed)?;
    eprintln!("    n8n ready at {} after {:.0} s", inst.url, t.elapsed().as_secs_f64());
    let result = suite();
    let stopped = n8n::stop();
    result?;
    stopped?;
    eprintln!(
        "    end-to-end tests: ok in {:.0} s (n8n stopped)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn suite() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root())
        .args(["test", "-p", "n8n-api-tests", "--features", "e2e", "--test", "e2e"])
        .env("N8N_API_E2E_INSTANCE", n8n::instance_file())
        .status()?;
    if !status.success() {
        bail!(
            "the end-to-end suite failed ({status}); n8n's log was {}",
            crate::rel(&n8n::state_dir().join("n8n.log"))
        );
    }
    examples()
}

/// Every example of the n8n-api crate runs against the instance, in an order where the first
/// leaves an active workflow and an execution for the others.
fn examples() -> Result<()> {
    let inst: n8n::Instance = serde_json::from_slice(&std::fs::read(n8n::instance_file())?)?;
    let names = [
        "create_and_publish",
        "list_workflows",
        "read_execution",
        "export_import",
    ];
    for e in std::fs::read_dir(root().join("n8n-api/examples"))? {
        let stem = e?
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !names.contains(&stem.as_str()) {
            bail!("example {stem} is not in the end-to-end run list (xtask/src/e2e.rs)");
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for name in names {
        eprintln!("    example {name}");
        let status = Command::new(&cargo)
            .current_dir(root())
            .args(["run", "--quiet", "-p", "n8n-api", "--example", name])
            .env("N8N_API_URL", &inst.url)
            .env("N8N_API_KEY", &inst.api_key)
            .status()?;
        if !status.success() {
            bail!("example {name} failed against the test instance ({status})");
        }
    }
    Ok(())
}
