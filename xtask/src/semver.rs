//! `cargo xtask bench semver`: the generated-code comparison of `cargo xtask diff` against
//! cargo-semver-checks on real release pairs. For each pair both clients are written as
//! standalone crates, cargo-semver-checks compares them (default features, every lint as if
//! the release were a patch), and every one of its findings must match an entry of our report
//! (same item, a rule that says the same thing); our verdict must never be weaker.
//!
//! Slow (cargo-semver-checks builds rustdoc JSON of both 50k-line crates, minutes per pair) and
//! not part of `cargo xtask test`. Needs `cargo install cargo-semver-checks`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use n8n_api_codegen::diff::{self, RustChange};
use n8n_api_codegen::{fetch, pipeline};

use crate::root;

/// The release pairs the issue names; `--pairs` overrides them.
pub const PAIRS: &[(&str, &str)] = &[("2.24.0", "2.35.0"), ("2.35.0", "2.40.7"), ("2.40.7", "2.41.3")];

/// One finding of cargo-semver-checks.
#[derive(Debug, Clone)]
pub struct Finding {
    pub lint: String,
    /// Its "Failed in" line, without the file position.
    pub item: String,
}

/// One pair's outcome.
pub struct Outcome {
    pub old: String,
    pub new: String,
    pub findings: Vec<(Finding, Option<String>)>,
    pub theirs: String,
    pub ours: String,
    pub our_major: usize,
    pub our_minor: usize,
}

impl Outcome {
    pub fn unmatched(&self) -> usize {
        self.findings.iter().filter(|(_, m)| m.is_none()).count()
    }

    /// Ours is at least as strong as theirs (major > minor > patch).
    pub fn never_weaker(&self) -> bool {
        let rank = |v: &str| match v {
            "major" => 0,
            "minor" => 1,
            _ => 2,
        };
        rank(&self.ours) <= rank(&self.theirs)
    }
}

/// Cuts the file position off a "Failed in" line.
fn strip_position(line: &str) -> String {
    let line = line.trim();
    for cut in [
        ", previously in file ",
        " in file ",
        ", previously at ",
        ", in ",
        " in /",
        " in the package's",
    ] {
        if let Some(i) = line.find(cut) {
            return line[..i].to_string();
        }
    }
    line.to_string()
}

/// The findings of cargo-semver-checks' text output (failures and warnings alike).
pub fn parse_findings(stdout: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut lint: Option<String> = None;
    let mut listing = false;
    for line in stdout.lines() {
        if let Some(rest) = line
            .strip_prefix("--- failure ")
            .or_else(|| line.strip_prefix("--- warning "))
        {
            lint = rest.split(':').next().map(str::to_string);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = true;
        } else if line.trim().is_empty() {
            listing = false;
        } else if listing && let Some(l) = &lint {
            out.push(Finding {
                lint: l.clone(),
                item: strip_position(line),
            });
        }
    }
    out
}

/// The verdict in cargo-semver-checks' summary line.
pub fn parse_verdict(stderr: &str) -> String {
    if stderr.contains("requires new major version") {
        "major".into()
    } else if stderr.contains("requires new minor version") {
        "minor".into()
    } else {
        "patch".into()
    }
}

/// `n8n_api::prelude::X::y` -> `X::y`.
fn crate_path(p: &str) -> String {
    let p = p.trim();
    let p = p.strip_prefix("n8n_api::").unwrap_or(p);
    p.strip_prefix("prelude::").unwrap_or(p).to_string()
}

/// Our rules that state what a lint states, and the item path (or path suffix) it names.
fn expectation(f: &Finding) -> Option<(&'static [&'static str], String)> {
    let item = f.item.as_str();
    let word = |i: usize| item.split_whitespace().nth(i).unwrap_or_default().to_string();
    let (rules, path): (&'static [&'static str], String) = match f.lint.as_str() {
        "struct_missing" | "enum_missing" | "union_missing" => (&["rust-type-removed"], crate_path(&word(1))),
        "trait_missing" => (&["rust-trait-removed", "rust-trait-renamed"], crate_path(&word(1))),
        "function_missing" | "pub_static_missing" | "pub_module_level_const_missing" => {
            (&["rust-fn-removed"], crate_path(&word(1)))
        }
        "feature_missing" => (
            &["rust-feature-removed", "rust-feature-renamed"],
            format!("feature {}", word(1)),
        ),
        // `field S.f`
        "constructible_struct_adds_field" => (&["rust-field-added"], word(1)),
        // `field f of struct S`
        "struct_pub_field_missing" => (&["rust-field-removed"], format!("{}.{}", word(4), word(1))),
        // `variant E:V`
        "enum_variant_added" => (
            &["rust-variant-added", "rust-via-variant-added"],
            word(1).replacen(':', "::", 1),
        ),
        "enum_variant_missing" => (&["rust-variant-removed", "rust-via-variant-removed"], word(1)),
        "enum_struct_variant_field_added"
        | "enum_tuple_variant_field_added"
        | "enum_struct_variant_field_missing"
        | "enum_tuple_variant_field_missing"
        | "enum_tuple_variant_changed_kind"
        | "enum_struct_variant_changed_kind"
        | "enum_unit_variant_changed_kind" => (&["rust-variant-changed"], last_word(item)),
        "enum_marked_non_exhaustive" | "struct_marked_non_exhaustive" => (&["rust-non-exhaustive-added"], word(1)),
        "inherent_method_missing" => (&["rust-setter-removed", "rust-fn-removed"], word(0)),
        "method_parameter_count_changed" | "inherent_method_now_returns_unit" => (
            &["rust-setter-changed", "rust-fn-changed", "rust-response-type-changed"],
            crate_path(&word(0)),
        ),
        "trait_method_added" => (&["rust-method-added", "rust-sealed-method-added"], crate_path(&word(2))),
        // `method m in trait T`
        "trait_method_marked_deprecated" => (&["rust-deprecated"], format!("{}::{}", crate_path(&word(4)), word(1))),
        // `field S.f`
        "struct_field_marked_deprecated" => (&["rust-deprecated"], word(1)),
        "struct_marked_deprecated" | "enum_marked_deprecated" | "trait_marked_deprecated" => {
            (&["rust-deprecated"], crate_path(&word(1)))
        }
        // `method m of trait T`
        "trait_method_missing" => (&["rust-method-removed"], format!("{}::{}", word(4), word(1))),
        "trait_method_parameter_count_changed" => (&["rust-method-changed"], word(0)),
        // `type T no longer derives Tr`
        "derive_trait_impl_removed" => (&["rust-impl-removed"], format!("impl {} for", word(5))),
        "auto_trait_impl_removed" => (
            &["rust-impl-removed", "rust-type-kind-changed", "rust-field-type-changed"],
            word(1),
        ),
        // `E::V moved from position 3 to 4`
        "partial_ord_enum_variants_reordered" => (
            &["rust-variant-order-changed"],
            word(0)
                .rsplit_once("::")
                .map(|(e, _)| e.to_string())
                .unwrap_or_default(),
        ),
        "struct_with_pub_fields_changed_type"
        | "struct_with_no_pub_fields_changed_type"
        | "constructible_struct_changed_type"
        | "enum_changed_kind"
        | "tuple_struct_to_plain_struct"
        | "unit_struct_changed_kind" => (
            &["rust-type-kind-changed", "rust-via-kind-changed"],
            crate_path(&word(1)),
        ),
        _ => return None,
    };
    Some((rules, path))
}

fn last_word(s: &str) -> String {
    s.split_whitespace().last().unwrap_or_default().to_string()
}

/// Whether our `path` names the item `want` (a full path, or its tail: `Workflow.id` matches
/// `types::Workflow.id`; `impl Clone for` matches `impl Clone for types::X`), or the same member
/// of a type that is the same under another of its names (`types::WorkflowSharedItemProjectIcon.color`
/// for `ProjectIcon.color`: both name one type of the new client).
fn names(path: &str, want: &str, same: &Identity) -> bool {
    let exact = path == want
        || path.ends_with(&format!("::{want}"))
        || (want.ends_with(" for") && path.starts_with(want))
        || path.strip_prefix("types::").is_some_and(|p| p == want);
    exact || {
        let (ours, member) = split_member(path);
        let (theirs, wanted) = split_member(want);
        member == wanted && !member.is_empty() && same.same(&ours, &theirs)
    }
}

/// `types::X.f` -> (`types::X`, `.f`); `types::X::V` -> (`types::X`, `::V`); `types::X` -> (`types::X`, ``).
fn split_member(path: &str) -> (String, String) {
    if let Some((t, f)) = path.rsplit_once('.') {
        return (t.to_string(), format!(".{f}"));
    }
    let segments: Vec<&str> = path.split("::").collect();
    // A type is the segment that starts upper-case after its modules; a member follows it.
    match segments.iter().position(|s| s.starts_with(char::is_uppercase)) {
        Some(i) if i + 1 < segments.len() => (segments[..=i].join("::"), format!("::{}", segments[i + 1..].join("::"))),
        _ => (path.to_string(), String::new()),
    }
}

/// Which type names of the two clients denote one type: names both clients have connect what
/// they denote in the old client with what they denote in the new one (a union-find).
#[derive(Default)]
pub struct Identity {
    parent: BTreeMap<String, String>,
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
}

impl Identity {
    /// From both clients' generated code.
    pub fn of(old: &pipeline::Output, new: &pipeline::Output) -> Result<Self> {
        use n8n_api_codegen::diff::rust::surface;
        use n8n_api_codegen::generate::features::tag_features;
        let read = |o: &pipeline::Output| -> Result<surface::Surface> {
            let file = syn::parse_file(&o.code).context("the generated client does not parse")?;
            let mut features: std::collections::BTreeSet<String> = tag_features(&o.operations).into_iter().collect();
            features.insert("full".into());
            Ok(surface::read(&file, features))
        };
        let (a, b) = (read(old)?, read(new)?);
        let mut id = Identity::default();
        let names = |s: &surface::Surface| s.types.keys().chain(s.aliases.keys()).cloned().collect::<Vec<_>>();
        for n in names(&a) {
            id.old.insert(n.clone(), format!("old:{}", a.resolve(&n)));
        }
        for n in names(&b) {
            id.new.insert(n.clone(), format!("new:{}", b.resolve(&n)));
        }
        let common: Vec<String> = id.old.keys().filter(|n| id.new.contains_key(*n)).cloned().collect();
        for n in common {
            let (x, y) = (id.old[&n].clone(), id.new[&n].clone());
            id.union(&x, &y);
        }
        Ok(id)
    }

    fn find(&self, x: &str) -> String {
        let mut x = x.to_string();
        while let Some(p) = self.parent.get(&x).filter(|p| **p != x) {
            x = p.clone();
        }
        x
    }

    fn union(&mut self, a: &str, b: &str) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent.insert(ra, rb);
        }
    }

    /// The identity of a type name (qualified or not) in either client.
    fn node(&self, name: &str) -> Option<String> {
        let qualified = [name.to_string(), format!("types::{name}")];
        qualified
            .iter()
            .find_map(|n| self.new.get(n).or_else(|| self.old.get(n)))
            .map(|n| self.find(n))
    }

    fn same(&self, a: &str, b: &str) -> bool {
        matches!((self.node(a), self.node(b)), (Some(x), Some(y)) if x == y)
    }
}

/// The entry of ours that matches `f`, as `rule path`.
pub fn match_finding(f: &Finding, ours: &[RustChange], same: &Identity) -> Option<String> {
    let (rules, want) = expectation(f)?;
    let type_name = |item: &str| item.split_whitespace().nth(1).unwrap_or_default().to_string();
    ours.iter()
        .find(|c| {
            rules.contains(&c.rule)
                && (names(&c.path, &want, same)
                    // `type T no longer derives Tr`: the impl of Tr for T.
                    || (f.lint == "derive_trait_impl_removed" && c.path.starts_with(&want) && c.path.ends_with(&type_name(&f.item))))
        })
        .map(|c| format!("{} {}", c.rule, c.path))
}

/// Writes the standalone crate of n8n `version` to `dir`; returns what generated it.
fn write_crate(version: &str, dir: &Path) -> Result<pipeline::Output> {
    let spec_dir = crate::diff::spec_dir_for(version)?;
    let output = pipeline::run_dir(&spec_dir, "cargo xtask bench semver")?;
    pipeline::write_standalone(&root().join("n8n-api"), dir, &output)?;
    Ok(output)
}

fn cargo_semver_checks(old: &Path, new: &Path, target: &Path) -> Result<(String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["semver-checks", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .args(["--default-features", "--release-type", "patch", "--color", "never"])
        .env("CARGO_TARGET_DIR", target)
        .output()
        .context("running cargo semver-checks")?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() && !stderr.contains("Summary semver requires") {
        bail!(
            "cargo semver-checks failed (is it installed? `cargo install cargo-semver-checks`):\n{}",
            stderr
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), stderr))
}

/// Compares one pair.
pub fn validate(old: &str, new: &str) -> Result<Outcome> {
    let work: PathBuf = root().join("target/semver-validation");
    let (a, b) = (work.join(old), work.join(new));
    eprintln!("==> {old} -> {new}: writing both crates, running cargo-semver-checks (minutes)");
    let old_output = write_crate(old, &a)?;
    let new_output = write_crate(new, &b)?;
    let same = Identity::of(&old_output, &new_output)?;
    let (stdout, stderr) = cargo_semver_checks(&a, &b, &work.join("target"))?;
    std::fs::write(work.join(format!("cargo-semver-checks-{old}-{new}.txt")), &stdout)?;
    let report = diff::diff_with_rust(&crate::diff::input(old)?, &crate::diff::input(new)?)?;
    let rust = report.rust.expect("diff_with_rust compares the clients");
    let findings = parse_findings(&stdout)
        .into_iter()
        .map(|f| {
            let m = match_finding(&f, &rust.changes, &same);
            (f, m)
        })
        .collect();
    Ok(Outcome {
        old: old.into(),
        new: new.into(),
        findings,
        theirs: parse_verdict(&stderr),
        ours: rust.semver.into(),
        our_major: rust.summary.major,
        our_minor: rust.summary.minor,
    })
}

/// `cargo-semver-checks X.Y.Z`, as it names itself.
fn tool_version() -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(["semver-checks", "--version"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "cargo-semver-checks (version unknown)".into())
}

/// The markdown table and, per pair, each finding with the entry it matched.
pub fn markdown(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# `cargo xtask diff` Rust verdicts vs {}\n\nBoth clients of each pair generated as standalone crates (`cargo xtask generate --spec --out`), compared by cargo-semver-checks with default features and every lint as for a patch release; each finding matched to an entry of `cargo xtask diff OLD NEW --format json` (same item, a rule saying the same thing). `cargo xtask bench semver` reproduces this file.\n",
        tool_version()
    );
    let _ = writeln!(
        out,
        "| pair | cargo-semver-checks findings | matched by ours | unmatched | their verdict | our verdict (major / minor entries) | never weaker |\n|---|---|---|---|---|---|---|"
    );
    for o in outcomes {
        let mut lints: BTreeMap<&str, usize> = BTreeMap::new();
        for (f, _) in &o.findings {
            *lints.entry(f.lint.as_str()).or_default() += 1;
        }
        let by_lint: Vec<String> = lints.iter().map(|(l, n)| format!("{l} {n}")).collect();
        let _ = writeln!(
            out,
            "| {} -> {} | {} ({}) | {} | {} | {} | {} ({} / {}) | {} |",
            o.old,
            o.new,
            o.findings.len(),
            by_lint.join(", "),
            o.findings.len() - o.unmatched(),
            o.unmatched(),
            o.theirs,
            o.ours,
            o.our_major,
            o.our_minor,
            if o.never_weaker() { "yes" } else { "**no**" }
        );
    }
    for o in outcomes {
        let _ = writeln!(out, "\n### {} -> {}: each finding and our entry\n", o.old, o.new);
        let _ = writeln!(out, "| cargo-semver-checks | ours |\n|---|---|");
        for (f, m) in &o.findings {
            let ours = m
                .as_deref()
                .map(|m| format!("`{m}`"))
                .unwrap_or_else(|| "**none**".into());
            let _ = writeln!(out, "| `{}`: {} | {ours} |", f.lint, f.item.replace('|', "\\|"));
        }
    }
    out
}

/// Runs every pair; fails when a finding is unmatched or a verdict of ours is weaker.
pub fn run(pairs: &[(String, String)], write: Option<&Path>) -> Result<bool> {
    let mut outcomes = Vec::new();
    for (old, new) in pairs {
        fetch::check_version(old)?;
        fetch::check_version(new)?;
        outcomes.push(validate(old, new)?);
    }
    let table = markdown(&outcomes);
    println!("{table}");
    if let Some(path) = write {
        fetch::write_atomic(path, table.as_bytes())?;
        eprintln!("wrote {}", crate::rel(path));
    }
    Ok(outcomes.iter().all(|o| o.unmatched() == 0 && o.never_weaker()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "--- failure struct_missing: pub struct removed or renamed ---

Description:
A publicly-visible struct cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  struct n8n_api::types::Pull, previously in file /x/2.35.0/src/generated.rs:6866
  struct n8n_api::builder::Pull, previously in file /x/2.35.0/src/generated.rs:26723

--- failure trait_method_missing: pub trait method removed or renamed ---

Failed in:
  method pull of trait ClientSourceControlExt, previously in file /x/generated.rs:20377

--- warning partial_ord_enum_variants_reordered: enum variants reordered ---

Failed in:
  ImportPackageFolderConflictPolicy::Unrecognized moved from position 3 to 4, in /x/generated.rs:9323
";

    fn change(rule: &'static str, path: &str) -> RustChange {
        RustChange {
            rule,
            semver: diff::Semver::Major,
            path: path.into(),
            old: None,
            new: None,
            message: String::new(),
            methods: vec![],
        }
    }

    #[test]
    fn findings_are_parsed_and_matched_by_item_and_meaning() {
        let f = parse_findings(OUTPUT);
        let items: Vec<(&str, &str)> = f.iter().map(|f| (f.lint.as_str(), f.item.as_str())).collect();
        assert_eq!(
            items,
            [
                ("struct_missing", "struct n8n_api::types::Pull"),
                ("struct_missing", "struct n8n_api::builder::Pull"),
                ("trait_method_missing", "method pull of trait ClientSourceControlExt"),
                (
                    "partial_ord_enum_variants_reordered",
                    "ImportPackageFolderConflictPolicy::Unrecognized moved from position 3 to 4"
                ),
            ]
        );
        let ours = [
            change("rust-type-removed", "types::Pull"),
            change("rust-method-removed", "ClientSourceControlExt::pull"),
            change("rust-variant-order-changed", "types::ImportPackageFolderConflictPolicy"),
        ];
        let none = Identity::default();
        let matched: Vec<Option<String>> = f.iter().map(|f| match_finding(f, &ours, &none)).collect();
        assert_eq!(
            matched,
            [
                Some("rust-type-removed types::Pull".to_string()),
                None, // builder::Pull: no entry of ours names it
                Some("rust-method-removed ClientSourceControlExt::pull".to_string()),
                Some("rust-variant-order-changed types::ImportPackageFolderConflictPolicy".to_string()),
            ]
        );
        // The right item under the wrong rule is no match.
        assert_eq!(
            match_finding(&f[0], &[change("rust-type-added", "types::Pull")], &none),
            None
        );
        assert_eq!(
            parse_verdict("     Summary semver requires new major version: 10 major"),
            "major"
        );
    }
}
