//! `cargo xtask bench [codegen|runtime|memory|compile|all]`: benchmarks that print ratios against
//! a baseline measured in the same run (this machine is shared and noisy: no absolute targets).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use n8n_api_codegen::{format, normalize, pipeline};

use crate::root;

#[derive(clap::Args)]
pub struct Args {
    /// Which benchmark (default: all but `semver`).
    #[arg(value_enum, default_value = "all")]
    which: Which,
    /// semver: release pairs to check, `OLD:NEW,...` (default: 2.24.0:2.35.0,2.35.0:2.40.7,2.40.7:2.41.3).
    #[arg(long, value_name = "PAIRS", value_delimiter = ',')]
    pairs: Vec<String>,
    /// semver: also write the markdown table to this file.
    #[arg(long, value_name = "FILE")]
    write: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Which {
    /// Generation of the pinned spec per stage (release), vs openapi-generator if installed.
    Codegen,
    /// Request overhead vs reqwest + serde_json, decode throughput, pagination memory.
    Runtime,
    /// Peak memory of a 200 MiB package export and import.
    Memory,
    /// Clean debug build of the crate: default, one tag, full, vs plain progenitor output; and
    /// of the mock crate (n8n-api-mock) next to it.
    Compile,
    /// `cargo xtask diff` on 2.35.0 -> 2.40.7 (release): the spec-level diff vs api-smart-diff
    /// (npm) on the same pair, the full diff with the Rust effect vs one generation.
    Diff,
    /// The Rust verdicts of `cargo xtask diff` against cargo-semver-checks on real release pairs
    /// (slow: minutes per pair; not part of `all`).
    Semver,
    All,
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn bench_bin(name: &str) -> Result<bool> {
    bench_bin_env(name, &[])
}

fn bench_bin_env(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> Result<bool> {
    eprintln!("==> bench {name} (release build of the benchmark first)");
    let mut cmd = cargo();
    cmd.current_dir(root())
        .args(["run", "--release", "--quiet", "-p", "n8n-api-bench", "--bin", name]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd.status()?.success())
}

/// api-smart-diff and js-yaml from the npm registry, into the cache (once); their node_modules.
fn api_smart_diff() -> Result<std::path::PathBuf> {
    let dir = crate::n8n::cache_dir().join("api-smart-diff-1.0.6");
    if dir.join(".complete").exists() {
        return Ok(dir.join("node_modules"));
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("package.json"), r#"{"name":"asd-bench","private":true}"#)?;
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "api-smart-diff@1.0.6",
            "js-yaml@4.1.0",
        ])
        .current_dir(&dir)
        .status()
        .context("npm")?;
    if !status.success() {
        bail!("npm install api-smart-diff failed");
    }
    std::fs::write(dir.join(".complete"), "")?;
    Ok(dir.join("node_modules"))
}

fn diff() -> Result<bool> {
    match api_smart_diff() {
        Ok(modules) => bench_bin_env("diff", &[("N8N_API_ASD_NODE_PATH", modules.as_os_str())]),
        Err(e) => {
            eprintln!("api-smart-diff unavailable ({e:#}); timing ours alone");
            bench_bin("diff")
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut ok = true;
    let all = args.which == Which::All;
    if all || args.which == Which::Codegen {
        ok &= bench_bin("codegen")?;
    }
    if all || args.which == Which::Runtime {
        ok &= bench_bin("runtime")?;
    }
    if all || args.which == Which::Memory {
        ok &= bench_bin("memory")?;
    }
    if all || args.which == Which::Diff {
        ok &= diff()?;
    }
    if all || args.which == Which::Compile {
        ok &= compile()?;
    }
    if args.which == Which::Semver {
        ok &= semver(&args.pairs, args.write.as_deref())?;
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn semver(pairs: &[String], write: Option<&Path>) -> Result<bool> {
    let pairs: Vec<(String, String)> = if pairs.is_empty() {
        crate::semver::PAIRS
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    } else {
        pairs
            .iter()
            .map(|p| match p.split_once(':') {
                Some((a, b)) => Ok((a.to_string(), b.to_string())),
                None => bail!("`{p}`: a pair is OLD:NEW, e.g. 2.35.0:2.40.7"),
            })
            .collect::<Result<_>>()?
    };
    crate::semver::run(&pairs, write)
}

/// Seconds of a clean build of package `pkg` in `dir` (its dependencies already built).
fn clean_build(dir: &Path, target: &Path, pkg: &str, features: &[&str]) -> Result<Duration> {
    let clean = cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["clean", "--quiet", "-p", pkg])
        .status()?;
    if !clean.success() {
        bail!("cargo clean -p {pkg} failed");
    }
    let mut cmd = cargo();
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--quiet"])
        .args(features);
    let t = Instant::now();
    let status = cmd.status()?;
    if !status.success() {
        bail!("building {} failed", dir.display());
    }
    Ok(t.elapsed())
}

/// Progenitor's own output for the pinned spec, normalized only as far as progenitor needs (the
/// rules that shape the Rust surface are ours, like the passes), with its runtime, as a crate.
fn write_progenitor_baseline(baseline: &Path) -> Result<()> {
    let (spec, lock) = n8n_api_codegen::fetch::load_dir(crate::specs().pinned())?;
    let mut doc = spec.document.clone();
    normalize::normalize_for_progenitor(&mut doc);
    let file = n8n_api_codegen::generate::progenitor_baseline(&doc)?;
    let header = format::Header {
        command: "cargo xtask bench compile".into(),
        n8n_version: lock.n8n_version.clone(),
        spec_sha256: spec.sha256.clone(),
    };
    std::fs::create_dir_all(baseline.join("src"))?;
    std::fs::write(
        baseline.join("src/lib.rs"),
        format!("#![allow(warnings)]\n{}", format::format_file(&file, &header)),
    )?;
    std::fs::write(
        baseline.join("Cargo.toml"),
        r#"[package]
name = "progenitor-baseline"
version = "0.1.0"
edition = "2024"

[dependencies]
progenitor-client = "0.15.1"
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query", "stream", "rustls"] }
serde = { version = "1.0.219", features = ["derive"] }
serde_json = "1.0.140"
chrono = { version = "0.4.41", default-features = false, features = ["serde", "std", "clock"] }
regress = "0.12.0"
bytes = "1.10.1"
futures = "0.3.31"

[workspace]
"#,
    )?;
    Ok(())
}

fn compile() -> Result<bool> {
    eprintln!(
        "==> bench compile: clean debug builds of the crate alone (dependencies prebuilt), default cargo profile"
    );
    let root = root();
    let work = root.join("target/bench-compile");
    let target = work.join("target");
    let ours = work.join("n8n-api");
    let mock = work.join("n8n-api-mock");
    // Its own target dir: `cargo clean -p n8n-api` of the client's builds would also remove the
    // client build the mock depends on.
    let mock_target = work.join("target-mock");
    let baseline = work.join("progenitor-baseline");
    std::fs::create_dir_all(&work)?;

    // Ours: the standalone crate `generate --spec --out` writes.
    let output = pipeline::run_dir(crate::specs().pinned(), "cargo xtask bench compile")?;
    let _ = std::fs::remove_dir_all(&ours);
    pipeline::write_standalone(&root.join("n8n-api"), &ours, &output)?;
    // The mock crate, beside it (it depends on `../n8n-api`).
    let _ = std::fs::remove_dir_all(&mock);
    pipeline::write_standalone_mock(&root.join("n8n-api-mock"), &mock, &output)?;

    write_progenitor_baseline(&baseline)?;
    let lines = |p: &Path| std::fs::read_to_string(p).map(|s| s.lines().count()).unwrap_or(0);
    eprintln!(
        "    generated lines: n8n-api {}, n8n-api-mock {}, progenitor baseline {}",
        lines(&ours.join("src/generated.rs")),
        lines(&mock.join("src/generated.rs")),
        lines(&baseline.join("src/lib.rs"))
    );
    let one_tag = vec!["--no-default-features", "--features", "rustls,workflow"];
    let mock_one_tag = vec!["--no-default-features", "--features", "workflow"];
    // (name, crate dir, target dir, package, cargo arguments)
    let configs: [(&str, &Path, &Path, &str, Vec<&str>); 6] = [
        ("progenitor baseline", &baseline, &target, "progenitor-baseline", vec![]),
        ("n8n-api, default features", &ours, &target, "n8n-api", vec![]),
        ("n8n-api, one tag (workflow)", &ours, &target, "n8n-api", one_tag),
        (
            "n8n-api, full",
            &ours,
            &target,
            "n8n-api",
            vec!["--no-default-features", "--features", "rustls,full"],
        ),
        (
            "n8n-api-mock, default (full)",
            &mock,
            &mock_target,
            "n8n-api-mock",
            vec![],
        ),
        (
            "n8n-api-mock, one tag (workflow)",
            &mock,
            &mock_target,
            "n8n-api-mock",
            mock_one_tag,
        ),
    ];
    // Dependencies first (not measured), for every feature set used below.
    for (_, dir, target, _, features) in &configs {
        let status = cargo()
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .args(["build", "--quiet"])
            .args(features)
            .status()
            .context("cargo")?;
        if !status.success() {
            bail!("building {} failed", dir.display());
        }
    }
    // Two rounds, interleaved; the faster of each counts.
    let mut best = [Duration::MAX; 6];
    for _round in 0..2 {
        for (i, (_, dir, target, pkg, features)) in configs.iter().enumerate() {
            best[i] = best[i].min(clean_build(dir, target, pkg, features)?);
        }
    }
    let base = best[0].as_secs_f64();
    for (i, (name, ..)) in configs.iter().enumerate() {
        let s = best[i].as_secs_f64();
        println!("  {name:<34} {s:>6.1} s   ratio to baseline {:.2}", s / base);
    }
    println!(
        "  n8n-api-mock / n8n-api (every tag): {:.2}; one tag: {:.2} (the mock alone, its client prebuilt)",
        best[4].as_secs_f64() / best[3].as_secs_f64(),
        best[5].as_secs_f64() / best[2].as_secs_f64()
    );
    let default = best[1].as_secs_f64();
    let met = default < 25.0;
    println!(
        "  target: default features under 25 s -> {}",
        if met { "met" } else { "MISSED" }
    );
    Ok(met)
}
