//! Stage 2: rewrite the spec into a shape progenitor turns into compiling, correct Rust.
//!
//! n8n's spec breaks progenitor in several ways (see ARCHITECTURE.md). Each way is one rule, in
//! one file, named after the quirk it fixes. A rule recognises a *pattern* in any spec; none of
//! them knows n8n versions or names specific operations. Rules run in the order of [`RULES`] and
//! log every change they make, so a spec update shows up as a readable list.
//!
//! The first rules ([`Purpose::Patch`]) correct what the spec says where a real n8n answers
//! otherwise; each carries its evidence (request, real response, spec text) in its doc comment,
//! and logs, through [`Log::unneeded`], the places where the spec already says what the server
//! does: when a later release fixes its spec, the log shows that the patch is no longer needed.

use serde_json::Value;

mod batch_responses;
mod boolean_parameters;
mod case_clash_schemas;
mod closed_objects;
mod created_status;
mod disjoint_any_of;
mod dry_run_rows;
mod dto_names;
mod empty_collections;
mod error_bodies;
mod error_responses;
mod execution_id_numbers;
mod extra_properties;
pub mod field_markers;
mod id_names;
mod insert_count_result;
mod insert_id_result;
mod integer_parameters;
mod integral_counts;
mod invite_results;
mod list_wrappers;
mod multipart_bodies;
mod no_content_status;
mod node_parameters;
mod not_found_responses;
mod nullable_siblings;
mod numeric_ids;
mod operation_ids;
mod optional_collections;
mod page_data;
mod path_ids;
mod present_nulls;
mod read_only_properties;
mod repeated_schemas;
pub mod resource_types;
mod role_names;
mod row_array_results;
mod row_filters;
mod server_ids;
mod spec_defaults;
pub mod string_constraints;
mod undeclared_path_parameters;
mod union_parameters;
mod unique_operation_ids;
mod unknown_fields;
mod unused_components;
mod variant_types;

/// What a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The spec says what the server really does (statuses, bodies, nullability), as observed on
    /// a real n8n by the end-to-end suite.
    Patch,
    /// progenitor's output compiles, and decodes what n8n sends.
    Digest,
    /// The client reads like hand-written Rust (one type per resource, integers, booleans, ...).
    /// The compile-time benchmark's baseline (plain progenitor output) runs without these.
    Shape,
}

/// One normalization rule.
pub struct Rule {
    /// Stable kebab-case name, used in logs and snapshots.
    pub name: &'static str,
    /// The n8n quirk the rule fixes, in one line.
    pub quirk: &'static str,
    pub purpose: Purpose,
    /// Rewrites the document in place and logs each change it makes.
    pub apply: fn(&mut Value, &mut Log),
}

/// All rules, in the order they run.
pub const RULES: &[Rule] = &[
    created_status::RULE,
    no_content_status::RULE,
    batch_responses::RULE,
    invite_results::RULE,
    server_ids::RULE,
    nullable_siblings::RULE,
    not_found_responses::RULE,
    insert_count_result::RULE,
    row_array_results::RULE,
    dry_run_rows::RULE,
    insert_id_result::RULE,
    execution_id_numbers::RULE,
    empty_collections::RULE,
    list_wrappers::RULE,
    node_parameters::RULE,
    page_data::RULE,
    error_bodies::RULE,
    unique_operation_ids::RULE,
    operation_ids::RULE,
    undeclared_path_parameters::RULE,
    unused_components::RULE,
    case_clash_schemas::RULE,
    dto_names::RULE,
    closed_objects::RULE,
    extra_properties::RULE,
    disjoint_any_of::RULE,
    variant_types::RULE,
    numeric_ids::RULE,
    string_constraints::RULE,
    integer_parameters::RULE,
    boolean_parameters::RULE,
    path_ids::RULE,
    id_names::RULE,
    integral_counts::RULE,
    row_filters::RULE,
    role_names::RULE,
    resource_types::RULE,
    repeated_schemas::RULE,
    read_only_properties::RULE,
    spec_defaults::RULE,
    present_nulls::RULE,
    optional_collections::RULE,
    unknown_fields::RULE,
    field_markers::RULE,
    union_parameters::RULE,
    multipart_bodies::RULE,
    error_responses::RULE,
];

/// What the rules changed: `(rule name, change)` in order.
#[derive(Debug, Default, Clone)]
pub struct Log {
    rule: &'static str,
    pub changes: Vec<(&'static str, String)>,
    /// Where a patch rule found its pattern already right in the spec: `(rule name, where)`.
    pub unneeded: Vec<(&'static str, String)>,
    /// Shapes a rule recognised but could not handle, left as the spec has them: `(rule, what)`.
    pub skipped: Vec<(&'static str, String)>,
}

impl Log {
    /// Records one change made by the running rule.
    pub fn change(&mut self, what: impl Into<String>) {
        self.changes.push((self.rule, what.into()));
    }

    /// Records that the running (patch) rule found nothing to do at a place because the spec
    /// already says what the server does there.
    pub fn unneeded(&mut self, what: impl Into<String>) {
        self.unneeded.push((self.rule, what.into()));
    }

    /// Records a shape the running rule recognised but leaves as it is (and why).
    pub fn skipped(&mut self, what: impl Into<String>) {
        self.skipped.push((self.rule, what.into()));
    }

    /// How many changes each rule made, in rule order (rules that changed nothing included).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        RULES
            .iter()
            .map(|r| (r.name, self.changes.iter().filter(|(n, _)| *n == r.name).count()))
            .collect()
    }

    /// Every decision worth reading in review, one line each: the changes of the spec patches
    /// and of the rules that shape the Rust surface (not the mechanical `string-constraints`,
    /// which is only counted), then the places where a patch found the spec right already, then
    /// the shapes a rule left alone.
    pub fn decisions(&self) -> Vec<String> {
        let reviewed = |rule: &str| {
            RULES
                .iter()
                .any(|r| r.name == rule && r.purpose != Purpose::Digest && r.name != string_constraints::RULE.name)
        };
        let changes = self.changes.iter().filter(|(rule, _)| reviewed(rule));
        let unneeded = self
            .unneeded
            .iter()
            .map(|(rule, place)| (rule, format!("(not needed) {place}")));
        let skipped = self
            .skipped
            .iter()
            .map(|(rule, what)| format!("{rule}: (skipped) {what}"));
        changes
            .map(|(rule, change)| format!("{rule}: {change}"))
            .chain(unneeded.map(|(rule, text)| format!("{rule}: {text}")))
            .chain(skipped)
            .collect()
    }
}

/// Runs every rule on `doc`.
pub fn normalize(doc: &mut Value) -> Log {
    run_rules(doc, |_| true)
}

/// Runs only the rules progenitor needs to digest the spec and decode what n8n sends
/// ([`Purpose::Patch`] and [`Purpose::Digest`]): plain progenitor output, the baseline the
/// generated client's compile time is measured against.
pub fn normalize_for_progenitor(doc: &mut Value) -> Log {
    run_rules(doc, |r| r.purpose != Purpose::Shape)
}

fn run_rules(doc: &mut Value, keep: impl Fn(&Rule) -> bool) -> Log {
    let mut log = Log::default();
    for rule in RULES.iter().filter(|r| keep(r)) {
        log.rule = rule.name;
        (rule.apply)(doc, &mut log);
    }
    log
}

/// Runs the rules named in `names` only (for tests of one rule).
pub fn apply_rule(name: &str, doc: &mut Value) -> Log {
    let mut log = Log::default();
    let rule = RULES
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule named {name}"));
    log.rule = rule.name;
    (rule.apply)(doc, &mut log);
    log
}

// The rules' OpenAPI toolkit is `crate::openapi`; its items are in scope for every rule as
// `super::name`.
#[allow(unused_imports)]
use crate::openapi::*;

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::{Value, json};

    /// A minimal OpenAPI 3.0 document around `paths` and `schemas`.
    pub fn spec(paths: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.0.0",
            "info": { "title": "t", "version": "1.0.0" },
            "paths": paths,
            "components": { "schemas": schemas }
        })
    }

    /// Runs one rule; returns the log lines (`rule: change`) for assertions and snapshots.
    pub fn run(rule: &str, doc: &mut Value) -> Vec<String> {
        super::apply_rule(rule, doc)
            .changes
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    /// Runs one rule; returns its changes and then, prefixed `unneeded: `, the places where it
    /// found the spec already right.
    pub fn run_all(rule: &str, doc: &mut Value) -> Vec<String> {
        let log = super::apply_rule(rule, doc);
        let changes = log.changes.into_iter().map(|(_, c)| c);
        let unneeded = log.unneeded.into_iter().map(|(_, c)| format!("unneeded: {c}"));
        changes.chain(unneeded).collect()
    }

    /// An operation answering `200` with a JSON `schema`.
    pub fn op_200(schema: Value) -> Value {
        serde_json::json!({ "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } } })
    }
}
