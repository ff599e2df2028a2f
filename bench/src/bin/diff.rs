//! Diff speed on the largest real pair kept in the repository (n8n 2.35.0 -> 2.40.7): loading
//! both specs, diffing, rendering JSON, in a release build; against api-smart-diff (npm) on the
//! same pair in the same run, when `N8N_API_ASD_NODE_PATH` points at its node_modules.

use std::process::Command;
use std::time::{Duration, Instant};

use n8n_api_bench::{median, root};
use n8n_api_codegen::diff::{self, Format, Input};
use n8n_api_codegen::load;

fn main() {
    let old_path = root().join("spec/history/2.35.0/openapi.yml");
    let new_path = root().join("spec/openapi.yml");
    let run = || {
        let t = Instant::now();
        let old = Input {
            source: "2.35.0".into(),
            n8n_version: Some("2.35.0".into()),
            spec: load::from_path(&old_path).unwrap(),
        };
        let new = Input {
            source: "2.40.7".into(),
            n8n_version: Some("2.40.7".into()),
            spec: load::from_path(&new_path).unwrap(),
        };
        let loaded = t.elapsed();
        let report = diff::diff(&old, &new);
        let json = diff::render(&report, Format::Json);
        std::hint::black_box(json);
        (t.elapsed(), loaded, report)
    };
    let mut totals = Vec::new();
    let mut diffs = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let (total, loaded, report) = run();
        totals.push(total);
        diffs.push(total - loaded);
        last = Some(report);
    }
    let report = last.unwrap();
    let total = median(totals);
    println!(
        "diff n8n 2.35.0 -> 2.40.7 (release, median of 7): {:.0} ms in all ({:.0} ms without loading the YAML); {} changes: {} breaking, {} warning, {} info",
        ms(total),
        ms(median(diffs)),
        report.changes.len(),
        report.summary.breaking,
        report.summary.warning,
        report.summary.info
    );
    let met = total < Duration::from_millis(200);
    println!("  target: < 200 ms -> {}", if met { "met" } else { "MISSED" });
    match std::env::var_os("N8N_API_ASD_NODE_PATH") {
        Some(node_path) => {
            let out = Command::new("node")
                .arg(root().join("bench/js/api-smart-diff.cjs"))
                .arg(&old_path)
                .arg(&new_path)
                .env("NODE_PATH", node_path)
                .output()
                .expect("node runs");
            if !out.status.success() {
                println!("api-smart-diff failed: {}", String::from_utf8_lossy(&out.stderr));
            } else {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let theirs = v["total_ms"].as_f64().unwrap_or(f64::NAN);
                println!(
                    "api-smart-diff 1.0.6 on the same pair: {theirs:.0} ms in all ({:.0} ms diffing); {} changes, {} classified breaking; ours / theirs = {:.3}",
                    v["diff_ms"].as_f64().unwrap_or(f64::NAN),
                    v["changes"],
                    v["counts"]["breaking"],
                    ms(total) / theirs
                );
            }
        }
        None => println!("api-smart-diff: not run (cargo xtask bench diff provisions it)"),
    }
    if !met {
        std::process::exit(1);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
