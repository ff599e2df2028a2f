//! `cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on breaking|warning]`
//! and `cargo xtask diff --rules`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use n8n_api_codegen::diff::{self, Format, Input, Level};
use n8n_api_codegen::{fetch, load};

use crate::root;

#[derive(clap::Args)]
pub struct Args {
    /// The old spec: a file, or an n8n version (fetched with npm once, then cached).
    #[arg(required_unless_present = "rules")]
    old: Option<String>,
    /// The new spec: a file, or an n8n version.
    #[arg(required_unless_present = "rules")]
    new: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Exit 1 when a change at this level (or above) is found.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// List the rules (id, level, effect on Rust code, doc) and exit.
    #[arg(long)]
    rules: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.rules {
        println!("{:<40} {:<9} {:<9} doc", "rule", "level", "rust");
        for r in diff::rules::ALL {
            let rust = match r.rust {
                diff::RustEffect::Breaking => "breaking",
                diff::RustEffect::Additive => "additive",
                diff::RustEffect::None => "none",
            };
            println!("{:<40} {:<9} {:<9} {}", r.id, r.level.as_str(), rust, r.doc);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let old = input(args.old.as_deref().expect("clap requires OLD"))?;
    let new = input(args.new.as_deref().expect("clap requires NEW"))?;
    let report = diff::diff(&old, &new);
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
    };
    print!("{}", diff::render(&report, format));
    let failed = match args.fail_on {
        Some(FailOn::Breaking) => report.changes.iter().any(|c| c.level == Level::Breaking),
        Some(FailOn::Warning) => report.changes.iter().any(|c| c.level <= Level::Warning),
        None => false,
    };
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A spec file, or an n8n version: spec/ or spec/history/ when they hold it, else the spec cache
/// (filled through `npm pack`).
pub fn input(arg: &str) -> Result<Input> {
    let path = Path::new(arg);
    if path.exists() {
        let spec = load::from_path(path)?;
        let n8n_version = path
            .parent()
            .and_then(|d| fetch::Lock::read(d).ok())
            .filter(|l| l.spec_sha256 == spec.sha256)
            .and_then(|l| l.n8n_version);
        return Ok(Input {
            source: arg.to_string(),
            n8n_version,
            spec,
        });
    }
    if fetch::check_version(arg).is_err() {
        bail!("`{arg}` is neither a spec file nor an n8n version");
    }
    let dir = spec_dir_for(arg)?;
    let (spec, lock) = fetch::load_dir(&dir)?;
    Ok(Input {
        source: format!("npm:n8n@{arg}"),
        n8n_version: lock.n8n_version,
        spec,
    })
}

fn spec_dir_for(version: &str) -> Result<PathBuf> {
    let root = root();
    for dir in [root.join("spec"), root.join("spec/history").join(version)] {
        if fetch::Lock::read(&dir).is_ok_and(|l| l.n8n_version.as_deref() == Some(version)) {
            return Ok(dir);
        }
    }
    let cache = crate::n8n::cache_dir().join("specs").join(version);
    if fetch::Lock::read(&cache).is_err() {
        eprintln!("fetching the spec of n8n {version} (npm pack) into {}", cache.display());
        let fetched = fetch::from_npm(version)?;
        fetch::write(&fetched, &cache)?;
    }
    Ok(cache)
}
