//! `cargo xtask generate [--check] [--spec FILE --out DIR]`: the client (`n8n-api`) and the mock
//! crate (`n8n-api-mock`) from the pinned spec, or a standalone client from any spec.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use n8n_api_codegen::{fetch, pipeline};

use crate::{rel, root};

#[derive(clap::Args)]
pub struct Args {
    /// Exit 1, with a short diff, when the committed client or mock crate differs from what the
    /// spec generates.
    #[arg(long)]
    check: bool,
    /// Generate from this spec file instead of spec/openapi.yml (needs --out).
    #[arg(long, value_name = "FILE", requires = "out")]
    spec: Option<PathBuf>,
    /// Write a complete standalone crate here (with --spec).
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    /// Print every change the normalization rules made.
    #[arg(long)]
    log: bool,
    /// Also write the normalized spec (what progenitor sees) to this file, as JSON.
    #[arg(long, value_name = "FILE")]
    normalized: Option<PathBuf>,
    /// The n8n release the --spec file belongs to (default: from an openapi.lock.json beside it).
    #[arg(long, value_name = "VERSION", requires = "spec")]
    n8n: Option<String>,
}

const COMMAND: &str = "cargo xtask generate";

pub fn run(args: Args) -> Result<ExitCode> {
    match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => standalone(&args, spec, out),
        _ => main_crate(&args),
    }
}

/// What `--log` and `--normalized` ask for.
fn inspect(args: &Args, output: &pipeline::Output) -> Result<()> {
    if args.log {
        for (rule, change) in &output.log.changes {
            println!("{rule}: {change}");
        }
        for (rule, place) in &output.log.unneeded {
            println!("{rule}: (not needed) {place}");
        }
        for (rule, what) in &output.log.skipped {
            println!("{rule}: (skipped) {what}");
        }
        for (pass, did) in &output.passes {
            println!("pass {pass}: {did}");
        }
    }
    if let Some(path) = &args.normalized {
        let json = serde_json::to_vec_pretty(&output.normalized)?;
        fetch::write_atomic(path, &json)?;
    }
    Ok(())
}

fn main_crate(args: &Args) -> Result<ExitCode> {
    let check = args.check;
    let root = root();
    let output = pipeline::run_dir(crate::specs().pinned(), COMMAND)?;
    inspect(args, &output)?;
    let summary = |state: &str| {
        format!(
            "n8n {}: {} operations, {} types, {:.2} s, {state}",
            output.n8n_version.as_deref().unwrap_or("?"),
            output.operations.len(),
            output.types,
            output.timings.total().as_secs_f64()
        )
    };
    if check {
        let stale = pipeline::check(&root, &output)?;
        if stale.is_empty() {
            println!("{}", summary("up to date"));
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            eprintln!("{} is stale:", rel(&s.path));
            eprintln!("{}", short_diff(&s.actual, &s.expected, 40));
        }
        eprintln!("run `cargo xtask generate` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    let written = pipeline::write(&root, &output)?;
    let state = if written.is_empty() {
        "unchanged".to_string()
    } else {
        format!(
            "changed: {}",
            written.iter().map(|p| rel(p)).collect::<Vec<_>>().join(", ")
        )
    };
    println!("{}", summary(&state));
    Ok(ExitCode::SUCCESS)
}

fn standalone(args: &Args, spec: &std::path::Path, out: &std::path::Path) -> Result<ExitCode> {
    let command = format!("{COMMAND} --spec {}", spec.display());
    let output = pipeline::run_file(spec, args.n8n.as_deref(), &command)?;
    let version = output.n8n_version.clone();
    inspect(args, &output)?;
    if out.exists() && out.join("Cargo.toml").exists() && !out.join(pipeline::GENERATED_FILE).exists() {
        bail!(
            "{}: holds a crate this command did not generate; choose an empty directory",
            out.display()
        );
    }
    pipeline::write_standalone(&root().join("n8n-api"), out, &output)?;
    println!(
        "n8n {}: {} operations, {} types, {:.2} s, crate written to {}",
        version.as_deref().unwrap_or("?"),
        output.operations.len(),
        output.types,
        output.timings.total().as_secs_f64(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A unified diff of at most `max_lines` lines.
fn short_diff(old: &str, new: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("committed", "generated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines.iter().take(max_lines).copied().collect::<Vec<_>>().join("\n");
    if lines.len() > max_lines {
        out.push_str(&format!("\n... ({} more diff lines)", lines.len() - max_lines));
    }
    out
}
