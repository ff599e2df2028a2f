//! `cargo xtask test`: everything CI checks, in order, stopping at the first failure.
//!
//! format -> lint -> generated-code freshness -> each tag feature alone -> docs -> unit, snapshot,
//! mock-server and compile tests -> end-to-end tests and examples against a real n8n started for
//! the run (and stopped after it).

use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Result, bail};

use crate::root;

#[derive(clap::Args)]
pub struct Args {
    /// Skip the end-to-end suite (for offline machines; CI never sets this).
    /// `N8N_API_SKIP_E2E` takes 1/true/yes/on (and 0/false/no/off).
    #[arg(
        long,
        env = "N8N_API_SKIP_E2E",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    skip_e2e: bool,
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn step(name: &str, mut cmd: Command) -> Result<()> {
    eprintln!("==> {name}");
    let t = Instant::now();
    let status = cmd.status()?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    eprintln!("    {name}: ok in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Each tag feature alone must build (`cargo check`: the whole crate is built by the tests). The
/// mock crate's tag feature turns on the client's, so checking the mock with one tag checks the
/// client with that tag too (its dependency) and the mock's own gates: one check per tag.
fn features() -> Result<()> {
    let manifest = std::fs::read_to_string(root().join("n8n-api/Cargo.toml"))?;
    let full = manifest
        .lines()
        .find_map(|l| l.strip_prefix("full = ["))
        .ok_or_else(|| anyhow::anyhow!("n8n-api/Cargo.toml has no `full` feature"))?;
    let tags: Vec<String> = full
        .trim_end_matches(']')
        .split(',')
        .map(|t| t.trim().trim_matches('"').to_string())
        .filter(|t| !t.is_empty())
        .collect();
    eprintln!(
        "==> each of the {} tag features alone builds, in n8n-api-mock and so in n8n-api (cargo check)",
        tags.len()
    );
    let t = Instant::now();
    for tag in &tags {
        let mut c = cargo();
        c.args([
            "check",
            "--quiet",
            "-p",
            "n8n-api-mock",
            "--no-default-features",
            "--features",
        ])
        .arg(tag)
        .env("RUSTFLAGS", "-D warnings");
        let status = c.status()?;
        if !status.success() {
            bail!("n8n-api or n8n-api-mock with only the `{tag}` feature does not build");
        }
    }
    eprintln!("    tag features: ok in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}

pub fn run(args: Args) -> Result<ExitCode> {
    let t = Instant::now();
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    step("format (cargo fmt --check)", fmt)?;

    let mut clippy = cargo();
    clippy.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    step("lint (cargo clippy -D warnings)", clippy)?;

    let mut fresh = cargo();
    fresh.args(["xtask", "generate", "--check"]);
    step("generated code is fresh (cargo xtask generate --check)", fresh)?;

    features()?;

    let mut doc = cargo();
    doc.args(["doc", "--quiet", "-p", "n8n-api", "-p", "n8n-api-mock", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    step(
        "docs build without warnings (cargo doc -p n8n-api -p n8n-api-mock)",
        doc,
    )?;

    let mut tests = cargo();
    tests
        .args(["test", "--workspace"])
        .env("INSTA_UPDATE", "no")
        .env("INSTA_FORCE_PASS", "0");
    step(
        "unit, snapshot, mock-server and compile tests (cargo test --workspace)",
        tests,
    )?;

    if args.skip_e2e {
        eprintln!(
            "==> end-to-end tests SKIPPED (N8N_API_SKIP_E2E is set): the client was NOT checked against a real n8n"
        );
    } else {
        crate::e2e::run_with_own_instance()?;
    }
    eprintln!("all checks passed in {:.0} s", t.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: super::Args,
    }

    fn skip(env: Option<&str>, argv: &[&str]) -> Result<bool, String> {
        // The variable is read by clap while parsing; tests in this module run one at a time.
        // SAFETY: no other thread of this test binary reads or writes the environment meanwhile.
        unsafe {
            match env {
                Some(v) => std::env::set_var("N8N_API_SKIP_E2E", v),
                None => std::env::remove_var("N8N_API_SKIP_E2E"),
            }
        }
        let r = Cli::try_parse_from(std::iter::once("test").chain(argv.iter().copied()))
            .map(|c| c.args.skip_e2e)
            .map_err(|e| e.to_string());
        unsafe { std::env::remove_var("N8N_API_SKIP_E2E") };
        r
    }

    #[test]
    fn skip_e2e_reads_the_usual_spellings() {
        for yes in ["1", "true", "yes", "on", "TRUE"] {
            assert_eq!(skip(Some(yes), &[]), Ok(true), "{yes}");
        }
        for no in ["0", "false", "no", "off"] {
            assert_eq!(skip(Some(no), &[]), Ok(false), "{no}");
        }
        assert_eq!(skip(None, &[]), Ok(false));
        assert_eq!(skip(None, &["--skip-e2e"]), Ok(true));
        assert!(skip(Some("maybe"), &[]).is_err());
    }
}
