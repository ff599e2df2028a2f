//! The effect of a spec change on the generated crate, measured: both clients are generated with
//! the real pipeline, parsed, and their public surfaces ([`surface`]) compared item by item
//! ([`compare`]) and, behind renamed types, from each client method down ([`follow`]). Every
//! difference is classified by Rust's semver rules ([`super::rules::RUST`]); the crate's verdict
//! is the strongest of them.

mod compare;
mod follow;
mod reach;
pub mod surface;
mod syntax;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::rules::{RustRule, Semver};
use crate::generate::{features, model};
use crate::load::Spec;
use crate::{Error, Result, pipeline};

/// One difference between the two generated clients.
#[derive(Debug, Clone, Serialize)]
pub struct RustChange {
    pub rule: &'static str,
    pub semver: Semver,
    /// The item: `types::Workflow.id`, `builder::GetWorkflows::limit`, `feature executions`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    pub message: String,
    /// The client methods whose use it affects (what reaches the item, in either client).
    pub methods: Vec<String>,
}

impl RustChange {
    pub(crate) fn new(rule: &RustRule, path: impl Into<String>, message: impl Into<String>) -> Self {
        RustChange {
            rule: rule.id,
            semver: rule.semver,
            path: path.into(),
            old: None,
            new: None,
            message: message.into(),
            methods: Vec::new(),
        }
    }

    pub(crate) fn sides(mut self, old: Option<&str>, new: Option<&str>) -> Self {
        self.old = old.map(str::to_string);
        self.new = new.map(str::to_string);
        self
    }
}

/// Counts per semver class.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct RustSummary {
    pub major: usize,
    pub minor: usize,
}

/// What the spec change does to the generated crate.
#[derive(Debug, Clone, Serialize)]
pub struct RustReport {
    /// `major` when code that compiles against the old client may not compile against the new
    /// one, `minor` when something was only added, else `patch`.
    pub semver: &'static str,
    pub summary: RustSummary,
    /// Operations (methods) of each client.
    pub old_operations: usize,
    pub new_operations: usize,
    pub changes: Vec<RustChange>,
    /// Time spent generating both clients and comparing them.
    #[serde(skip)]
    pub elapsed: Duration,
    /// Of which: reading both surfaces and comparing them.
    #[serde(skip)]
    pub compare_elapsed: Duration,
}

/// The generated client of one spec, ready to compare.
pub struct Generated {
    pub file: syn::File,
    pub operations: Vec<model::Operation>,
    /// What the pipeline produced (the formatted code, the surface per tag, the log).
    pub output: pipeline::Output,
}

/// Runs the pipeline on `spec` (normalize, generate, format) and parses what it wrote;
/// `n8n_version` and `command` go into the `@generated` header.
pub fn generate(spec: &Spec, n8n_version: Option<&str>, command: &str) -> Result<Generated> {
    let output = pipeline::run_loaded(spec.clone(), Duration::ZERO, n8n_version, command)?;
    let what = n8n_version
        .map(|v| format!("n8n {v}"))
        .unwrap_or_else(|| "the spec".into());
    let file = syn::parse_file(&output.code)
        .map_err(|e| Error::Format(format!("the client generated from {what} does not parse: {e}")))?;
    Ok(Generated {
        file,
        operations: output.operations.clone(),
        output,
    })
}

fn feature_set(ops: &[model::Operation]) -> BTreeSet<String> {
    let mut f: BTreeSet<String> = features::tag_features(ops).into_iter().collect();
    f.insert("full".into());
    f
}

/// Compares two generated clients.
pub fn compare_generated(old: &Generated, new: &Generated) -> RustReport {
    let mut report = compare_files(
        (&old.file, feature_set(&old.operations), &old.operations),
        (&new.file, feature_set(&new.operations), &new.operations),
    );
    report.old_operations = old.operations.len();
    report.new_operations = new.operations.len();
    report
}

/// One side of [`compare_files`]: the generated file, its cargo features, its operations.
pub type Side<'a> = (&'a syn::File, BTreeSet<String>, &'a [model::Operation]);

/// Compares two generated files, each with its cargo features and operations (the operations
/// only name the error bodies each method decodes).
pub fn compare_files(old: Side, new: Side) -> RustReport {
    let t = Instant::now();
    let a = surface::read(old.0, old.1);
    let b = surface::read(new.0, new.1);
    let mut changes = compare::compare(&a, &b);
    follow::follow(&a, &b, &mut changes);
    reach::attach(&a, old.2, &b, new.2, &mut changes);
    changes.sort_by(|x, y| (x.semver, &x.path, x.rule).cmp(&(y.semver, &y.path, y.rule)));
    let summary = RustSummary {
        major: changes.iter().filter(|c| c.semver == Semver::Major).count(),
        minor: changes.iter().filter(|c| c.semver == Semver::Minor).count(),
    };
    let semver = changes.iter().map(|c| c.semver).min().unwrap_or(Semver::Patch).as_str();
    RustReport {
        semver,
        summary,
        old_operations: a.methods.len(),
        new_operations: b.methods.len(),
        changes,
        elapsed: t.elapsed(),
        compare_elapsed: t.elapsed(),
    }
}

/// Generates both clients and compares them.
pub fn compare_specs(old: &super::Input, new: &super::Input) -> Result<RustReport> {
    let t = Instant::now();
    let a = generate(&old.spec, old.n8n_version.as_deref(), "cargo xtask diff")?;
    let b = generate(&new.spec, new.n8n_version.as_deref(), "cargo xtask diff")?;
    let mut report = compare_generated(&a, &b);
    report.elapsed = t.elapsed();
    Ok(report)
}
