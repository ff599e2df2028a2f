//! `cargo xtask`: the project's commands. A thin shell over the `n8n-api-codegen` library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod changelog;
mod diff;
mod e2e;
mod generate;
mod n8n;
mod old_client;
mod semver;
mod spec;
mod test;
mod update;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "n8n-api project tasks", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the n8n-api client from spec/ (or any spec into any directory).
    Generate(generate::Args),
    /// Obtain a spec: from npm (`n8n@VERSION`), a file or a running instance.
    #[command(subcommand)]
    Spec(spec::Command),
    /// A real n8n on loopback: start (installing it once), stop, status.
    #[command(subcommand)]
    N8n(n8n::NCommand),
    /// What changed between two n8n releases (or spec files), and does it break clients.
    Diff(diff::Args),
    /// Benchmarks, each printing a ratio against a baseline measured in the same run.
    Bench(bench::Args),
    /// Run every check CI runs: format, lint, freshness, tests, end-to-end against a real n8n.
    Test(test::Args),
    /// Move to a new n8n release: spec, client, snapshots, crate version, CHANGELOG.md.
    Update(update::Args),
    /// The end-to-end step alone: the suite, the examples and the coverage report against a
    /// licensed n8n (started for the run, or `--running`).
    E2e(e2e::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Spec(cmd) => spec::run(cmd),
        Command::Test(args) => test::run(args),
        Command::E2e(args) => e2e::run(args),
        Command::N8n(cmd) => n8n::run(cmd),
        Command::Bench(args) => bench::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Update(args) => update::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// The workspace's specs (`spec/`, `spec/history/`).
pub fn specs() -> n8n_api_codegen::layout::SpecDir {
    n8n_api_codegen::layout::SpecDir::of(&root())
}

/// `path` relative to the workspace root, for messages.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
