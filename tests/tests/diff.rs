//! `cargo xtask diff` on real release pairs kept in spec/: full reports as snapshots.

use n8n_api_codegen::diff::{self, Format, Input};
use n8n_api_codegen::fetch;
use n8n_api_tests::root;

fn input(dir: &str) -> Input {
    let (spec, lock) = fetch::load_dir(&root().join(dir)).unwrap();
    Input {
        source: dir.to_string(),
        n8n_version: lock.n8n_version,
        spec,
    }
}

fn report(old: &str, new: &str) -> diff::Report {
    diff::diff(&input(old), &input(new))
}

#[test]
fn n8n_0_196_0_to_1_0_0() {
    insta::assert_snapshot!(diff::render(
        &report("spec/history/0.196.0", "spec/history/1.0.0"),
        Format::Text
    ));
}

#[test]
fn n8n_2_24_0_to_2_35_0() {
    insta::assert_snapshot!(diff::render(
        &report("spec/history/2.24.0", "spec/history/2.35.0"),
        Format::Text
    ));
}

#[test]
fn n8n_2_35_0_to_2_40_7() {
    insta::assert_snapshot!(diff::render(&report("spec/history/2.35.0", "spec"), Format::Text));
}

#[test]
fn n8n_2_40_7_to_2_41_3_as_markdown_and_json() {
    let r = report("spec", "spec/history/2.41.3");
    insta::assert_snapshot!(diff::render(&r, Format::Markdown));
    let json: serde_json::Value = serde_json::from_str(&diff::render(&r, Format::Json)).unwrap();
    for key in ["old", "new", "summary", "changes"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["old"]["n8n_version"], "2.40.7");
    assert_eq!(json["old"]["spec_version"], "1.1.1");
    assert_eq!(json["new"]["n8n_version"], "2.41.3");
    let c = &json["changes"][0];
    for key in ["rule", "level", "method", "path", "operation_id", "location", "message"] {
        assert!(c.get(key).is_some(), "change field {key}: {c}");
    }
    let total = json["summary"]["breaking"].as_u64().unwrap()
        + json["summary"]["warning"].as_u64().unwrap()
        + json["summary"]["info"].as_u64().unwrap();
    assert_eq!(total as usize, json["changes"].as_array().unwrap().len());
}

#[test]
fn a_release_compared_with_itself_has_no_changes() {
    for dir in ["spec", "spec/history/2.35.0", "spec/history/0.196.0"] {
        let r = report(dir, dir);
        assert!(r.changes.is_empty(), "{dir}: {:?}", r.changes.first());
        assert_eq!(r.rust.semver, "patch");
    }
}

#[test]
fn fail_on_sets_the_exit_code() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        std::process::Command::new(&cargo)
            .current_dir(root())
            .args(["xtask", "diff"])
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    let breaking = run(&[
        "spec/openapi.yml",
        "spec/history/2.41.3/openapi.yml",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(
        breaking.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&breaking.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&breaking.stdout).unwrap();
    assert!(json["summary"]["breaking"].as_u64().unwrap() > 0);
    let same = run(&["spec/openapi.yml", "spec/openapi.yml", "--fail-on", "warning"]);
    assert_eq!(same.status.code(), Some(0));
    let no_flag = run(&["spec/openapi.yml", "spec/history/2.41.3/openapi.yml"]);
    assert_eq!(no_flag.status.code(), Some(0));
}
