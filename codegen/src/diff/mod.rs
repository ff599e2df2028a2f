//! What changed between two specs, how much it matters, and what it does to the Rust client.
//!
//! n8n keeps `info.version` at 1.1.1 while its API changes: the n8n release is a spec's identity.
//! [`diff`] matches operations ([`operations`]), compares parameters, bodies and responses
//! structurally and by direction ([`schema`]), and classifies every change by a rule of
//! [`rules::ALL`]. [`Report`] renders as text, markdown or JSON, with the Rust effect: which
//! generated methods change and whether code that compiles today still does.

mod operations;
mod render;
pub mod rules;
mod schema;
mod security;
mod tags;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use rules::{Level, RustEffect};

use crate::generate::model;
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
    #[serde(skip)]
    pub rust: RustEffect,
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
            rust: rule.rust,
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

/// The effect of the changes on one generated method.
#[derive(Debug, Clone, Serialize)]
pub struct RustOperation {
    pub operation_id: Option<String>,
    pub method: String,
    pub path: String,
    /// The client method in the new client (the old one's, for removals).
    pub client_method: String,
    /// The client method in the old client, when it was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The generated items that change: the method's request builder, and what the change
    /// locations name (request body, response body types).
    pub items: Vec<String>,
    pub effect: RustEffect,
}

/// What the changes do to the generated crate.
#[derive(Debug, Clone, Serialize)]
pub struct RustReport {
    /// `major` when code that compiles today may not, `minor` for additions, else `patch`.
    pub semver: &'static str,
    pub operations: Vec<RustOperation>,
}

/// The full comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: SideInfo,
    pub new: SideInfo,
    pub summary: Summary,
    pub changes: Vec<Change>,
    pub rust: RustReport,
}

fn side_info(i: &Input) -> SideInfo {
    SideInfo {
        source: i.source.clone(),
        n8n_version: i.n8n_version.clone(),
        spec_version: i.spec.info_version().to_string(),
        sha256: i.spec.sha256.clone(),
    }
}

/// Compares `old` with `new`.
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
    let mut summary = Summary::default();
    for c in &changes {
        match c.level {
            Level::Breaking => summary.breaking += 1,
            Level::Warning => summary.warning += 1,
            Level::Info => summary.info += 1,
        }
    }
    let rust = rust_report(old, new, &old_ops, &new_ops, &pairs, &changes);
    Report {
        old: side_info(old),
        new: side_info(new),
        summary,
        changes,
        rust,
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

/// `(method, path)` -> the operation's generated names, from the normalized spec.
fn generated_names(spec: &Spec) -> BTreeMap<(String, String), model::Operation> {
    let mut doc = spec.document.clone();
    if crate::normalize::normalize(&mut doc).is_err() {
        return BTreeMap::new();
    }
    model::operations(&doc)
        .into_iter()
        .map(|o| ((o.method.clone(), o.path.clone()), o))
        .collect()
}

fn rust_report(
    old: &Input,
    new: &Input,
    old_ops: &[operations::Op],
    new_ops: &[operations::Op],
    pairs: &[(usize, usize)],
    changes: &[Change],
) -> RustReport {
    let (on, nn) = (generated_names(&old.spec), generated_names(&new.spec));
    // Changes per operation (method + new path, or old path for removals).
    let mut by_op: BTreeMap<(String, String), Vec<&Change>> = BTreeMap::new();
    for c in changes {
        if let (Some(m), Some(p)) = (&c.method, &c.path) {
            by_op.entry((m.to_ascii_lowercase(), p.clone())).or_default().push(c);
        }
    }
    let old_for_new: BTreeMap<usize, usize> = pairs.iter().map(|(i, j)| (*j, *i)).collect();
    let mut operations = Vec::new();
    for ((method, path), cs) in &by_op {
        let effect = cs.iter().map(|c| c.rust).min().unwrap_or(RustEffect::None);
        let key = (method.clone(), path.clone());
        let new_idx = new_ops.iter().position(|o| o.method == *method && o.path == *path);
        let gen_new = nn.get(&key);
        let gen_old = new_idx
            .and_then(|j| old_for_new.get(&j))
            .map(|i| (old_ops[*i].method.clone(), old_ops[*i].path.clone()))
            .or_else(|| Some(key.clone()))
            .and_then(|k| on.get(&k));
        let Some(g) = gen_new.or(gen_old) else { continue };
        let renamed_from = match (gen_old, gen_new) {
            (Some(a), Some(b)) if a.method_name != b.method_name => Some(a.method_name.clone()),
            _ => None,
        };
        let mut items = vec![format!("builder::{}", g.builder)];
        if cs.iter().any(|c| c.location.starts_with("request body")) {
            items.push(format!("types::{}Body", g.builder));
        }
        if cs.iter().any(|c| c.location.starts_with("response 2")) {
            items.push(format!("types::{}Response (or the component it names)", g.builder));
        }
        operations.push(RustOperation {
            operation_id: cs[0].operation_id.clone(),
            method: method.to_ascii_uppercase(),
            path: path.clone(),
            client_method: g.method_name.clone(),
            renamed_from,
            items,
            effect,
        });
    }
    let overall = changes.iter().map(|c| c.rust).min().unwrap_or(RustEffect::None);
    let semver = match overall {
        RustEffect::Breaking => "major",
        RustEffect::Additive => "minor",
        RustEffect::None => "patch",
    };
    RustReport { semver, operations }
}

pub use render::{Format, render};
