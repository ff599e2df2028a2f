//! Diff speed on the largest real pair kept in the repository (n8n 2.35.0 -> 2.40.7), in a
//! release build, against two baselines measured in the same run:
//! - the spec-level diff (loading both specs, diffing, rendering JSON) against api-smart-diff
//!   (npm) on the same pair, when `N8N_API_ASD_NODE_PATH` points at its node_modules: target
//!   under 0.1 of its time;
//! - the full diff with the Rust effect (both clients generated and compared) against one
//!   generation of the new spec: target at most 3x.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use n8n_api_bench::{median, root};
use n8n_api_codegen::diff::{self, Format, Input};
use n8n_api_codegen::{fetch, load, pipeline};

const OLD: &str = "2.35.0";
const NEW: &str = "2.40.7";

/// The spec of n8n `version`: spec/ when it is the pinned release, else spec/history/.
fn spec_path(version: &str) -> PathBuf {
    let specs = n8n_api_codegen::layout::SpecDir::of(&root());
    specs
        .find(version)
        .unwrap_or_else(|| panic!("n8n {version} is neither pinned nor kept in spec/history/"))
        .join(fetch::SPEC_FILE)
}

fn load_input(version: &str) -> Input {
    Input {
        source: version.into(),
        n8n_version: Some(version.into()),
        spec: load::from_path(&spec_path(version)).unwrap(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The spec-level diff: (total, without loading), and the last report.
fn spec_level(runs: usize) -> (Duration, Duration, diff::Report) {
    let mut totals = Vec::new();
    let mut diffs = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let (old, new) = (load_input(OLD), load_input(NEW));
        let loaded = t.elapsed();
        let report = diff::diff(&old, &new);
        std::hint::black_box(diff::render(&report, Format::Json));
        totals.push(t.elapsed());
        diffs.push(t.elapsed() - loaded);
        last = Some(report);
    }
    (median(totals), median(diffs), last.unwrap())
}

/// api-smart-diff on the same pair: its total milliseconds.
fn api_smart_diff(node_path: std::ffi::OsString) -> Option<f64> {
    let out = Command::new("node")
        .arg(root().join("bench/js/api-smart-diff.cjs"))
        .arg(spec_path(OLD))
        .arg(spec_path(NEW))
        .env("NODE_PATH", node_path)
        .output()
        .expect("node runs");
    if !out.status.success() {
        println!("api-smart-diff failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!(
        "  api-smart-diff 1.0.6: {:.0} ms in all ({:.0} ms diffing); {} changes, {} classified breaking",
        v["total_ms"].as_f64().unwrap_or(f64::NAN),
        v["diff_ms"].as_f64().unwrap_or(f64::NAN),
        v["changes"],
        v["counts"]["breaking"]
    );
    v["total_ms"].as_f64()
}

/// One generation of the new spec (load, normalize, generate, format).
fn generation(runs: usize) -> Duration {
    let bytes = std::fs::read(spec_path(NEW)).unwrap();
    let times = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = pipeline::run(&bytes, "bench", Some(NEW), "bench").unwrap();
            std::hint::black_box(out.code.len());
            t.elapsed()
        })
        .collect();
    median(times)
}

/// The full diff (loading, the spec-level diff, both clients generated and compared, JSON):
/// medians of its total, of generating and comparing the clients, of comparing alone.
fn full(runs: usize) -> ([Duration; 3], diff::Report) {
    let (mut total, mut clients, mut compare) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let report = diff::diff_with_rust(&load_input(OLD), &load_input(NEW)).unwrap();
        std::hint::black_box(diff::render(&report, Format::Json));
        total.push(t.elapsed());
        let rust = report.rust.as_ref().expect("the full diff compares the clients");
        clients.push(rust.elapsed);
        compare.push(rust.compare_elapsed);
        last = Some(report);
    }
    ([median(total), median(clients), median(compare)], last.unwrap())
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn main() {
    let mut ok = true;
    let (total, diffing, report) = spec_level(7);
    println!(
        "spec-level diff n8n {OLD} -> {NEW} (release, median of 7): {:.0} ms in all ({:.0} ms without loading the YAML); {} changes: {} breaking, {} warning, {} info",
        ms(total),
        ms(diffing),
        report.changes.len(),
        report.summary.breaking,
        report.summary.warning,
        report.summary.info
    );
    match std::env::var_os("N8N_API_ASD_NODE_PATH").map(api_smart_diff) {
        Some(Some(theirs)) => {
            let ratio = ms(total) / theirs;
            let met = ratio < 0.1;
            println!(
                "  ours / api-smart-diff = {ratio:.3} (target: under 0.1) -> {}",
                verdict(met)
            );
            ok &= met;
        }
        Some(None) => ok = false,
        None => println!("  api-smart-diff: not run (cargo xtask bench diff provisions it)"),
    }

    let one = generation(3);
    let ([full_time, clients, comparing], report) = full(3);
    let rust = report.rust.as_ref().expect("the full diff compares the clients");
    let ratio = full_time.as_secs_f64() / one.as_secs_f64();
    let met = ratio <= 3.0;
    println!(
        "full diff with the Rust effect (release, median of 3): {:.0} ms ({:.0} ms generating and comparing the clients, of which {:.0} ms comparing); one generation of n8n {NEW}: {:.0} ms; ratio {ratio:.2} (target: at most 3) -> {}",
        ms(full_time),
        ms(clients),
        ms(comparing),
        ms(one),
        verdict(met)
    );
    println!(
        "  Rust client: semver {}, {} major and {} minor changes",
        rust.semver, rust.summary.major, rust.summary.minor
    );
    ok &= met;
    if !ok {
        std::process::exit(1);
    }
}
