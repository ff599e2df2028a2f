//! The end-to-end step of `cargo xtask test`, also `cargo xtask e2e`: start n8n in licensed test
//! mode (tied to this process, so it cannot outlive it), run the suite against it, run the
//! examples, print the operation coverage, stop n8n whatever happened.
//!
//! The suite runs in two phases: every test but those of `exclusive::`, concurrently, then the
//! exclusive ones (they change the whole instance) one at a time. Each request the suite makes
//! and each effect a test checked is recorded in `target/n8n/coverage.jsonl`; the report test
//! turns it into `operations proven against n8n <release>: N/M`.

use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{n8n, root};

#[derive(clap::Args)]
pub struct Args {
    /// Use the instance `cargo xtask n8n start --licensed` started (and leave it running)
    /// instead of starting one; e.g. to run the suite twice against one instance.
    #[arg(long)]
    running: bool,
}

/// How many tests of the first phase run at once (they mostly wait for n8n).
const CONCURRENT_TESTS: &str = "16";

pub fn run(args: Args) -> Result<std::process::ExitCode> {
    if args.running {
        let t = Instant::now();
        let inst = n8n::running_instance()?;
        if !inst.licensed {
            bail!("the running n8n is not in licensed test mode: `cargo xtask n8n start --licensed`");
        }
        phases()?;
        eprintln!("    end-to-end step: ok in {:.0} s", t.elapsed().as_secs_f64());
    } else {
        run_with_own_instance()?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Starts a licensed n8n, runs every phase, stops n8n.
pub fn run_with_own_instance() -> Result<()> {
    eprintln!(
        "==> end-to-end tests against a real n8n {} (licensed test mode)",
        n8n::n8n_version()?
    );
    let t = Instant::now();
    // Ctrl-C: stop n8n before leaving (it has a process group of its own).
    let _ = ctrlc::set_handler(|| {
        let _ = n8n::stop();
        std::process::exit(130);
    });
    let inst = n8n::start(n8n::Lifetime::TiedToParent, n8n::Mode::Licensed)?;
    eprintln!("    n8n ready at {} after {:.0} s", inst.url, t.elapsed().as_secs_f64());
    let result = phases();
    let stopped = n8n::stop();
    result?;
    stopped?;
    eprintln!(
        "    end-to-end step: ok in {:.0} s (n8n stopped)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn coverage_file() -> std::path::PathBuf {
    n8n::state_dir().join("coverage.jsonl")
}

/// The suite (both phases), the examples, the coverage report.
fn phases() -> Result<()> {
    let coverage = coverage_file();
    let _ = std::fs::remove_file(&coverage);
    let t = Instant::now();
    suite(
        "concurrent tests",
        &["--skip", "exclusive::", "--test-threads", CONCURRENT_TESTS],
    )?;
    suite("exclusive tests", &["exclusive::", "--test-threads", "1"])?;
    eprintln!("    suite: {:.0} s", t.elapsed().as_secs_f64());
    examples()?;
    suite(
        "coverage report",
        &["--ignored", "--exact", "coverage::coverage_report", "--nocapture"],
    )?;
    suite(
        "lossless decoding report",
        &["--ignored", "--exact", "coverage::lossless_report", "--nocapture"],
    )
}

/// `cargo test -p n8n-api-tests --features e2e --test e2e -- <args>` against the instance.
fn suite(what: &str, args: &[&str]) -> Result<()> {
    eprintln!("    {what}");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root())
        .args([
            "test",
            "--quiet",
            "-p",
            "n8n-api-tests",
            "--features",
            "e2e",
            "--test",
            "e2e",
            "--",
        ])
        .args(args)
        .env("N8N_API_E2E_INSTANCE", n8n::instance_file())
        .env("N8N_API_E2E_COVERAGE", coverage_file())
        // A failed test's message says what went wrong; set N8N_API_E2E_BACKTRACE=1 for more.
        .env(
            "RUST_BACKTRACE",
            std::env::var("N8N_API_E2E_BACKTRACE").unwrap_or_else(|_| "0".into()),
        )
        .status()
        .context("cannot run cargo test")?;
    if !status.success() {
        bail!(
            "the end-to-end suite failed ({what}, {status}); n8n's log is {}",
            crate::rel(&n8n::state_dir().join("n8n.log"))
        );
    }
    Ok(())
}

/// Every example of the n8n-api crate runs against the instance, in an order where the first
/// leaves an active workflow and an execution for the others.
fn examples() -> Result<()> {
    let inst = n8n::running_instance()?;
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
    crate::old_client::run(&inst)
}
