//! `cargo xtask diff OLD NEW [--format F] [--fail-on L] [--level L] [--ignore FILE] [--spec-only]`
//! and `cargo xtask diff --rules`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use n8n_api_codegen::diff::{self, Format, Input, Level, ci::Ignore};
use n8n_api_codegen::{fetch, load};

#[derive(clap::Args)]
pub struct Args {
    /// The old spec: a file, or an n8n version (spec/, spec/history/, else fetched with npm once).
    #[arg(required_unless_present = "rules")]
    old: Option<String>,
    /// The new spec: a file, or an n8n version.
    #[arg(required_unless_present = "rules")]
    new: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Exit 1 when a change at this level or above remains (after --ignore). A semver-major
    /// change of the Rust client counts as breaking, a minor one as info.
    #[arg(long, value_enum)]
    fail_on: Option<LevelArg>,
    /// Show only changes at this level or above (the exit status still counts all of them).
    #[arg(long, value_enum)]
    level: Option<LevelArg>,
    /// Accepted changes: lines of `RULE LOCATION # REASON` (LOCATION may end with `*`).
    #[arg(long, value_name = "FILE")]
    ignore: Option<PathBuf>,
    /// Compare the specs only: do not generate both clients (no Rust section, much faster).
    #[arg(long)]
    spec_only: bool,
    /// List the rules (id, level, effect on Rust code, doc) and exit.
    #[arg(long)]
    rules: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Markdown,
    Json,
    /// JUnit XML: a test case per change, failing at --fail-on (default: breaking).
    Junit,
    /// GitHub Actions annotations (::error, ::warning, ::notice).
    Github,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LevelArg {
    Breaking,
    Warning,
    Info,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Breaking => Level::Breaking,
            LevelArg::Warning => Level::Warning,
            LevelArg::Info => Level::Info,
        }
    }
}

fn print_rules() {
    println!("{:<40} {:<9} {:<9} doc", "rule", "level", "rust");
    for r in diff::rules::ALL {
        let rust = match r.rust {
            diff::RustEffect::Breaking => "breaking",
            diff::RustEffect::Additive => "additive",
            diff::RustEffect::None => "none",
        };
        println!("{:<40} {:<9} {:<9} {}", r.id, r.level.as_str(), rust, r.doc);
    }
    println!(
        "\nmeasured on the generated clients:\n{:<40} {:<9} doc",
        "rule", "semver"
    );
    for r in diff::rules::RUST {
        println!("{:<40} {:<9} {}", r.id, r.semver.as_str(), r.doc);
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
fn emit(text: &str) -> Result<()> {
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.rules {
        print_rules();
        return Ok(ExitCode::SUCCESS);
    }
    // Read the ignore file first: a bad line fails before any work.
    let ignore = args.ignore.as_deref().map(Ignore::read).transpose()?;
    let old = input(args.old.as_deref().expect("clap requires OLD"))?;
    let new = input(args.new.as_deref().expect("clap requires NEW"))?;
    let mut report = if args.spec_only {
        diff::diff(&old, &new)
    } else {
        diff::diff_with_rust(&old, &new)
            .context("generating both clients to compare them (--spec-only compares the specs alone)")?
    };
    if let Some(ignore) = &ignore {
        report.apply_ignore(ignore);
        for stale in ignore.unused(&report) {
            eprintln!("warning: ignore entry {stale} matched no change");
        }
    }
    let fail_on: Option<Level> = args.fail_on.map(Level::from);
    let failed = fail_on.is_some_and(|l| report.fails_at(l));
    if let Some(l) = args.level {
        report.retain_level(l.into());
    }
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
        FormatArg::Junit => Format::Junit(fail_on.unwrap_or(Level::Breaking)),
        FormatArg::Github => Format::Github,
    };
    emit(&diff::render(&report, format))?;
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

/// The directory holding the spec of n8n `version`: spec/ or spec/history/VERSION when they
/// hold it (by their lock), else the spec cache.
pub fn spec_dir_for(version: &str) -> Result<PathBuf> {
    if let Some(dir) = crate::specs().find(version) {
        return Ok(dir);
    }
    let cache = crate::n8n::cache_dir().join("specs").join(version);
    if fetch::Lock::read(&cache).is_err() {
        eprintln!("fetching the spec of n8n {version} (npm pack) into {}", cache.display());
        let fetched = fetch::from_npm(version)?;
        fetch::write(&fetched, &cache)?;
    }
    Ok(cache)
}
