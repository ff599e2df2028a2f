//! `cargo xtask diff` on real release pairs kept in spec/ (pinned or history, whichever holds the
//! release): full reports, with the generated-code comparison, as snapshots.

use std::path::PathBuf;

use n8n_api_codegen::diff::{self, Format, Input, Level};
use n8n_api_codegen::fetch;
use n8n_api_tests::root;

/// The directory holding the spec of n8n `version`: spec/ when it is the pinned release.
fn dir_of(version: &str) -> PathBuf {
    n8n_api_tests::specs()
        .find(version)
        .unwrap_or_else(|| panic!("n8n {version} is neither pinned nor kept"))
}

fn input(version: &str) -> Input {
    let (spec, lock) = fetch::load_dir(&dir_of(version)).unwrap();
    Input {
        source: format!("n8n {version}"),
        n8n_version: lock.n8n_version,
        spec,
    }
}

fn report(old: &str, new: &str) -> diff::Report {
    diff::diff_with_rust(&input(old), &input(new)).unwrap()
}

#[test]
fn n8n_0_196_0_to_1_0_0() {
    insta::assert_snapshot!(diff::render(&report("0.196.0", "1.0.0"), Format::Text));
}

#[test]
fn n8n_2_24_0_to_2_35_0() {
    insta::assert_snapshot!(diff::render(&report("2.24.0", "2.35.0"), Format::Text));
}

#[test]
fn n8n_2_35_0_to_2_40_7() {
    let r = report("2.35.0", "2.40.7");
    let rust = r.rust.as_ref().unwrap();
    // A credential's `createdAt` in GET /credentials items is always present now: `DateTime`,
    // no longer `Option<DateTime>`, for code that reads it. (The workflow `id` that changed the
    // same way for the generator of 2.35.0's time is `String` in both clients now: the
    // `resource-types` rule already makes 2.35.0's read-only workflow id required.)
    let created = rust
        .changes
        .iter()
        .find(|c| c.message.contains("`get_credentials` response `.data[].created_at`"))
        .expect("the createdAt of GET /credentials items");
    assert_eq!(
        (created.old.as_deref(), created.new.as_deref()),
        (Some("Option<DateTime<Utc>>"), Some("DateTime<Utc>"))
    );
    assert_eq!(created.semver, diff::Semver::Major);
    let feature = rust.changes.iter().find(|c| c.rule == "rust-feature-renamed").unwrap();
    assert_eq!(
        (feature.old.as_deref(), feature.new.as_deref()),
        (Some("execution"), Some("executions"))
    );
    assert_eq!(rust.semver, "major");
    insta::assert_snapshot!(diff::render(&r, Format::Text));
}

#[test]
fn n8n_2_40_7_to_2_41_3_as_markdown_and_json() {
    let r = report("2.40.7", "2.41.3");
    insta::assert_snapshot!(diff::render(&r, Format::Markdown));
    let json: serde_json::Value = serde_json::from_str(&diff::render(&r, Format::Json)).unwrap();
    for key in ["old", "new", "summary", "changes", "rust"] {
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
    let rust = &json["rust"];
    let major = rust["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["semver"] == "major")
        .count();
    assert_eq!(rust["summary"]["major"].as_u64().unwrap() as usize, major);
    assert_eq!(rust["semver"], if major > 0 { "major" } else { "minor" });
}

#[test]
fn a_release_compared_with_itself_has_no_changes() {
    let pinned = n8n_api_tests::pinned_release();
    for version in [pinned.as_str(), "2.35.0", "0.196.0"] {
        let r = report(version, version);
        assert!(r.changes.is_empty(), "{version}: {:?}", r.changes.first());
        let rust = r.rust.unwrap();
        assert!(rust.changes.is_empty(), "{version}: {:?}", rust.changes.first());
        assert_eq!(rust.semver, "patch");
    }
}

fn xtask_diff(args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    std::process::Command::new(&cargo)
        .current_dir(root())
        .args(["xtask", "diff"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn fail_on_sets_the_exit_code() {
    let breaking = xtask_diff(&[
        "2.40.7",
        "2.41.3",
        "--spec-only",
        "--format",
        "json",
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
    let same = xtask_diff(&["2.40.7", "2.40.7", "--spec-only", "--fail-on", "info"]);
    assert_eq!(same.status.code(), Some(0));
    let no_flag = xtask_diff(&["2.40.7", "2.41.3", "--spec-only"]);
    assert_eq!(no_flag.status.code(), Some(0));
}

#[test]
fn ignore_file_level_filter_and_ci_formats() {
    let dir = tempfile::tempdir().unwrap();
    let r = diff::diff(&input("2.40.7"), &input("2.41.3"));
    let breaking: Vec<_> = r.changes.iter().filter(|c| c.level == Level::Breaking).collect();
    assert!(!breaking.is_empty());
    // Every breaking change accepted: `--fail-on breaking` passes, the rest is still shown.
    let lines: Vec<String> = breaking
        .iter()
        .map(|c| format!("{} {} # accepted in review", c.rule, diff::ci::change_location(c)))
        .collect();
    let ignore = dir.path().join("diff-ignore");
    std::fs::write(&ignore, lines.join("\n")).unwrap();
    let ignore = ignore.to_str().unwrap();
    let out = xtask_diff(&[
        "2.40.7",
        "2.41.3",
        "--spec-only",
        "--ignore",
        ignore,
        "--fail-on",
        "breaking",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["breaking"], 0);
    assert_eq!(json["ignored"].as_array().unwrap().len(), breaking.len());
    // A bad line is one error naming the file and line, before any work.
    let bad = dir.path().join("bad-ignore");
    std::fs::write(&bad, "# ok\nresponse-property-removed GET /x body\n").unwrap();
    let out = xtask_diff(&["2.40.7", "2.41.3", "--ignore", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:2: no reason", bad.display())), "{stderr}");
    // Level filter: only breaking changes are shown.
    let out = xtask_diff(&[
        "2.40.7",
        "2.41.3",
        "--spec-only",
        "--level",
        "breaking",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["level"] == "breaking")
    );
    assert_eq!(json["summary"]["info"], 0);
    assert!(json["hidden"].as_u64().unwrap() > 0);
    // JUnit: one test case per change, breaking ones fail.
    let out = xtask_diff(&["2.40.7", "2.41.3", "--spec-only", "--format", "junit"]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(xml.matches("<testcase ").count(), r.changes.len());
    assert_eq!(xml.matches("<failure ").count(), breaking.len());
    assert!(xml.contains(&format!("failures=\"{}\"", breaking.len())));
    // GitHub annotations: one command per change, by level.
    let out = xtask_diff(&["2.40.7", "2.41.3", "--spec-only", "--format", "github"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        breaking.len()
    );
    assert_eq!(text.lines().count(), r.changes.len());
    assert!(text.lines().all(|l| l.starts_with("::") && l.contains("::")));
}
