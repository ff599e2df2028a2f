//! Codegen speed: `cargo xtask generate`'s pipeline on the pinned spec, per stage, in a release
//! build; and openapi-generator's time on the same spec when it is installed.

use std::process::Command;
use std::time::{Duration, Instant};

use n8n_api_bench::{median, root};
use n8n_api_codegen::pipeline;

fn main() {
    let specs = n8n_api_codegen::layout::SpecDir::of(&root());
    let spec = specs.spec_file();
    let release = specs
        .pinned_release()
        .expect("the pinned spec's lock names its release");
    let origin = spec.display().to_string();
    let bytes = std::fs::read(&spec).expect("the pinned spec");
    let runs = 7;
    let mut stages: [Vec<Duration>; 5] = Default::default();
    let mut first = None;
    for _ in 0..runs {
        let out = pipeline::run(&bytes, &origin, Some(&release), "bench").expect("the pinned spec generates");
        let t = out.timings;
        for (i, d) in [t.load, t.normalize, t.generate, t.format, t.total()]
            .into_iter()
            .enumerate()
        {
            stages[i].push(d);
        }
        match &first {
            None => first = Some(out.code),
            Some(code) => assert!(code == &out.code, "runs differ"),
        }
    }
    let names = ["load", "normalize", "generate", "format", "total"];
    println!(
        "codegen of n8n {release} ({} KiB spec), median of {runs} release runs:",
        bytes.len() / 1024
    );
    for (name, xs) in names.iter().zip(stages) {
        println!("  {name:<10} {:>8.1} ms", median(xs).as_secs_f64() * 1000.0);
    }
    let total = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                pipeline::run(&bytes, &origin, Some(&release), "bench").unwrap();
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "  target: < 1000 ms -> {}",
        if total < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
    openapi_generator(&spec, total);
}

/// Times openapi-generator's `rust` generator on the same spec, if `openapi-generator-cli` runs.
fn openapi_generator(spec: &std::path::Path, ours: Duration) {
    let out = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let status = Command::new("openapi-generator-cli")
        .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {
            let theirs = t.elapsed();
            println!(
                "openapi-generator (rust): {:.0} ms; ours / theirs = {:.2}",
                theirs.as_secs_f64() * 1000.0,
                ours.as_secs_f64() / theirs.as_secs_f64()
            );
        }
        _ => println!("openapi-generator: not available (pip install openapi-generator-cli; needs Java)"),
    }
}
