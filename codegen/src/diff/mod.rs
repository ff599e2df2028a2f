//! What changed between two specs, how much it matters, and what it does to the Rust client.
//!
//! n8n keeps `info.version` at 1.1.1 while its API changes: the n8n release is a spec's identity.
//! [`diff`] matches operations ([`operations`]), compares parameters, bodies and responses
//! structurally and by direction ([`schema`]), tags ([`tags`]) and authentication
//! ([`security`]), and classifies every change by a rule of [`rules::ALL`].
//! [`diff_with_rust`] adds the effect on the generated crate, measured on the code generated from
//! both specs ([`rust`], rules of [`rules::RUST`]). [`Report`] renders as text, markdown, JSON,
//! JUnit XML or GitHub annotations; [`ci`] holds the ignore file and the level filter.

pub mod ci;
mod operations;
mod render;
pub mod rules;
pub mod rust;
mod schema;
mod security;
mod tags;

use serde::Serialize;
use serde_json::Value;

pub use rules::{Level, RustEffect, Semver};
pub use rust::{RustChange, RustReport};

use crate::load::Spec;

/// One side of a comparison.
pub struct Input {
    /// Where the spec came from: a path, or `npm:n8n@VERSION`.
    pub source: String,
    /// The n8n release, when known.
    pub n8n_version: Option<String>,
    pub spec: Spec,
}

/// Identity of one side, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    pub source: String,
    pub n8n_version: Option<String>,
    pub spec_version: String,
    pub sha256: String,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub rule: &'static str,
    pub level: Level,
    pub method: Option<String>,
    /// The new spec's path (the old one for removals).
    pub path: Option<String>,
    pub operation_id: Option<String>,
    /// A readable pointer: `response 200 body: data[].id`, `query parameter includeData`.
    pub location: String,
    pub message: String,
}

impl Change {
    /// A change of a property the server ignores in this direction is reported as info.
    fn ignored_by_server(mut self, why: Option<&'static str>) -> Self {
        if let Some(why) = why {
            self.level = Level::Info;
            self.message.push_str(&format!(" ({why})"));
        }
        self
    }

    fn new(rule: &'static rules::Rule, op: Option<&operations::Op>, location: String, message: String) -> Self {
        Change {
            rule: rule.id,
            level: rule.level,
            method: op.map(|o| o.method.to_ascii_uppercase()),
            path: op.map(|o| o.path.clone()),
            operation_id: op.and_then(|o| o.id.clone()),
            location,
            message,
        }
    }
}

/// Counts per level.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
}

/// The full comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: SideInfo,
    pub new: SideInfo,
    pub summary: Summary,
    pub changes: Vec<Change>,
    /// The effect on the generated crate, measured on the code generated from both specs
    /// ([`diff_with_rust`]); `None` for the spec-level comparison alone ([`diff`]).
    pub rust: Option<RustReport>,
    /// Changes an ignore file accepted ([`Report::apply_ignore`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<ci::Ignored>,
    /// Changes below the level shown ([`Report::retain_level`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub hidden: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Report {
    /// Recounts `summary` (and the Rust summary) from the changes left.
    fn recount(&mut self) {
        self.summary = summarize(&self.changes);
        if let Some(r) = &mut self.rust {
            r.summary.major = r.changes.iter().filter(|c| c.semver == Semver::Major).count();
            r.summary.minor = r.changes.iter().filter(|c| c.semver == Semver::Minor).count();
        }
    }
}

fn summarize(changes: &[Change]) -> Summary {
    let mut summary = Summary::default();
    for c in changes {
        match c.level {
            Level::Breaking => summary.breaking += 1,
            Level::Warning => summary.warning += 1,
            Level::Info => summary.info += 1,
        }
    }
    summary
}

fn side_info(i: &Input) -> SideInfo {
    SideInfo {
        source: i.source.clone(),
        n8n_version: i.n8n_version.clone(),
        spec_version: i.spec.info_version().to_string(),
        sha256: i.spec.sha256.clone(),
    }
}

/// Compares `old` with `new`, and the clients generated from them.
pub fn diff_with_rust(old: &Input, new: &Input) -> crate::Result<Report> {
    let mut report = diff(old, new);
    report.rust = Some(rust::compare_specs(old, new)?);
    Ok(report)
}

/// Compares the specs `old` and `new` (no code generated).
pub fn diff(old: &Input, new: &Input) -> Report {
    let (od, nd) = (&old.spec.document, &new.spec.document);
    let old_ops = operations::operations(od);
    let new_ops = operations::operations(nd);
    let (pairs, removed, added) = operations::match_operations(&old_ops, &new_ops);
    let mut changes = Vec::new();
    let mut sd = schema::SchemaDiff::new(od, nd);
    for (i, j) in &pairs {
        operations::compare(&mut sd, od, nd, &old_ops[*i], &new_ops[*j], &mut changes);
    }
    for i in &removed {
        let o = &old_ops[*i];
        changes.push(Change::new(
            &rules::OPERATION_REMOVED,
            Some(o),
            "operation".into(),
            format!("{} {} was removed", o.method.to_ascii_uppercase(), o.path),
        ));
    }
    for j in &added {
        let n = &new_ops[*j];
        changes.push(Change::new(
            &rules::OPERATION_ADDED,
            Some(n),
            "operation".into(),
            format!("{} {} is new", n.method.to_ascii_uppercase(), n.path),
        ));
    }
    tags::compare(od, nd, &old_ops, &new_ops, &pairs, &mut changes);
    security::document(od, nd, &mut changes);
    let names = |d: &Value| -> Vec<String> {
        d.pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (on, nn) = (names(od), names(nd));
    for name in on.iter().filter(|n| !nn.contains(n)) {
        changes.push(Change::new(
            &rules::COMPONENT_SCHEMA_REMOVED,
            None,
            format!("components.schemas.{name}"),
            format!("component schema `{name}` was removed"),
        ));
    }
    for name in nn.iter().filter(|n| !on.contains(n)) {
        changes.push(Change::new(
            &rules::COMPONENT_SCHEMA_ADDED,
            None,
            format!("components.schemas.{name}"),
            format!("component schema `{name}` was added"),
        ));
    }
    dedupe(&mut changes);
    Report {
        old: side_info(old),
        new: side_info(new),
        summary: summarize(&changes),
        changes,
        rust: None,
        ignored: Vec::new(),
        hidden: 0,
    }
}

/// The same change found twice (two alternatives of a union losing the same flag, a parameter
/// deprecated on itself and on its schema) is reported once.
fn dedupe(changes: &mut Vec<Change>) {
    let mut seen = std::collections::HashSet::new();
    changes.retain(|c| {
        seen.insert((
            c.rule,
            c.method.clone(),
            c.path.clone(),
            c.location.clone(),
            c.message.clone(),
        ))
    });
}

pub use render::{Format, render};
