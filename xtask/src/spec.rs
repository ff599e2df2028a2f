//! `cargo xtask spec fetch --n8n VERSION [--from-file PATH | --from-url URL] [--out DIR]`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use n8n_api_codegen::fetch;

use crate::rel;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Fetch a spec and write it with its lock (default: into spec/).
    Fetch(FetchArgs),
}

#[derive(clap::Args)]
pub struct FetchArgs {
    /// The n8n release: fetched from npm as `n8n@VERSION`, or the label of --from-file/--from-url.
    #[arg(long, value_name = "VERSION", required_unless_present_any = ["from_file", "from_url"])]
    n8n: Option<String>,
    /// Take the spec from this file instead of npm.
    #[arg(long, value_name = "PATH", conflicts_with = "from_url")]
    from_file: Option<PathBuf>,
    /// Take the spec from a running instance, e.g. http://127.0.0.1:5678/api/v1/openapi.yml.
    #[arg(long, value_name = "URL")]
    from_url: Option<String>,
    /// Write openapi.yml and openapi.lock.json here instead of spec/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(cmd: Command) -> Result<ExitCode> {
    let Command::Fetch(args) = cmd;
    let version = args.n8n.as_deref();
    let fetched = match (&args.from_file, &args.from_url, version) {
        (Some(path), _, _) => fetch::from_file(path, version)?,
        (_, Some(url), _) => fetch::from_url(url, version)?,
        (None, None, Some(v)) => fetch::from_npm(v)?,
        (None, None, None) => unreachable!("clap requires one of them"),
    };
    let dir = args.out.unwrap_or_else(|| crate::specs().pinned().to_path_buf());
    let (spec, lock) = fetch::write(&fetched, &dir)?;
    println!(
        "n8n {} ({}: {}): wrote {} and {} (sha256 {})",
        fetched.lock.n8n_version.as_deref().unwrap_or("?"),
        fetched.lock.source,
        fetched.lock.origin,
        rel(&spec),
        rel(&lock),
        &fetched.lock.spec_sha256[..12]
    );
    Ok(ExitCode::SUCCESS)
}
