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

use serde_json::{Map, Value};

use crate::Result;

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
mod insert_count_result;
mod insert_id_result;
mod integer_parameters;
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
mod row_array_results;
mod spec_defaults;
pub mod string_constraints;
mod undeclared_path_parameters;
mod union_parameters;
mod unique_operation_ids;
mod unknown_fields;
mod unused_components;
mod variant_types;

/// Extension on an operation that carries its error responses, which progenitor must not see:
/// `{ "<status>": { "description": ..., "schema": <$ref or absent> } }`.
pub const ERRORS_EXTENSION: &str = "x-n8n-api-errors";
/// Extension on an operation that carries its multipart/form-data request body, which
/// progenitor cannot generate: `{ "required": bool, "description": ..., "schema": {...} }`.
pub const MULTIPART_EXTENSION: &str = "x-n8n-api-multipart";

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
    pub apply: fn(&mut Value, &mut Log) -> Result<()>,
}

/// All rules, in the order they run.
pub const RULES: &[Rule] = &[
    created_status::RULE,
    no_content_status::RULE,
    batch_responses::RULE,
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

    /// How many changes each rule made, in rule order (rules that changed nothing included).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        RULES
            .iter()
            .map(|r| (r.name, self.changes.iter().filter(|(n, _)| *n == r.name).count()))
            .collect()
    }

    /// Every decision worth reading in review, one line each: the changes of the spec patches
    /// and of the rules that shape the Rust surface (not the mechanical `string-constraints`,
    /// which is only counted), then the places where a patch found the spec right already.
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
        changes
            .map(|(rule, change)| format!("{rule}: {change}"))
            .chain(unneeded.map(|(rule, text)| format!("{rule}: {text}")))
            .collect()
    }
}

/// Runs every rule on `doc`.
pub fn normalize(doc: &mut Value) -> Result<Log> {
    run_rules(doc, |_| true)
}

/// Runs only the rules progenitor needs to digest the spec and decode what n8n sends
/// ([`Purpose::Patch`] and [`Purpose::Digest`]): plain progenitor output, the baseline the
/// generated client's compile time is measured against.
pub fn normalize_for_progenitor(doc: &mut Value) -> Result<Log> {
    run_rules(doc, |r| r.purpose != Purpose::Shape)
}

fn run_rules(doc: &mut Value, keep: impl Fn(&Rule) -> bool) -> Result<Log> {
    let mut log = Log::default();
    for rule in RULES.iter().filter(|r| keep(r)) {
        log.rule = rule.name;
        (rule.apply)(doc, &mut log)?;
    }
    Ok(log)
}

/// Runs the rules named in `names` only (for tests of one rule).
pub fn apply_rule(name: &str, doc: &mut Value) -> Result<Log> {
    let mut log = Log::default();
    let rule = RULES
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule named {name}"));
    log.rule = rule.name;
    (rule.apply)(doc, &mut log)?;
    Ok(log)
}

// ---- helpers shared by the rules ------------------------------------------------------------

/// The HTTP methods an OpenAPI 3.0 path item may hold, in the order progenitor visits them.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Calls `f(path, method, operation)` for every operation, in document order.
pub(crate) fn for_each_operation(
    doc: &mut Value,
    mut f: impl FnMut(&str, &str, &mut Map<String, Value>) -> Result<()>,
) -> Result<()> {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(op) = op.as_object_mut() {
                f(path, method, op)?;
            }
        }
    }
    Ok(())
}

/// Calls `f(pointer, parameter)` for every parameter defined in the document (shared ones in
/// `components/parameters`, path-level and operation-level ones; `$ref`s are not followed, so each
/// definition is visited once).
pub(crate) fn for_each_parameter_mut(doc: &mut Value, mut f: impl FnMut(&str, &mut Map<String, Value>)) {
    let visit_list = |pointer: String, list: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)| {
        for (i, p) in list.as_array_mut().into_iter().flatten().enumerate() {
            if let Some(p) = p.as_object_mut().filter(|p| !p.contains_key("$ref")) {
                f(&format!("{pointer}/{i}"), p);
            }
        }
    };
    if let Some(shared) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        for (name, p) in shared.iter_mut() {
            if let Some(p) = p.as_object_mut().filter(|p| !p.contains_key("$ref")) {
                f(&format!("/components/parameters/{}", pointer_escape(name)), p);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let at = format!("/paths/{}", pointer_escape(path));
        for (key, v) in item.iter_mut() {
            if key == "parameters" {
                visit_list(format!("{at}/parameters"), v, &mut f);
            } else if METHODS.contains(&key.as_str())
                && let Some(list) = v.get_mut("parameters")
            {
                visit_list(format!("{at}/{key}/parameters"), list, &mut f);
            }
        }
    }
}

/// One parameter, as the rules that retype parameters see it.
pub(crate) struct ParamSchema<'a> {
    /// JSON pointer of the parameter, for the log.
    pub pointer: &'a str,
    /// `query`, `path`, `header` or `cookie`.
    pub location: &'a str,
    pub name: &'a str,
    pub schema: &'a mut Map<String, Value>,
}

/// Calls `f` with every parameter defined in the document that has an inline schema (see
/// [`for_each_parameter_mut`]).
pub(crate) fn for_each_parameter_schema_mut(doc: &mut Value, mut f: impl FnMut(ParamSchema<'_>)) {
    for_each_parameter_mut(doc, |pointer, param| {
        let text = |k: &str| param.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let (location, name) = (text("in"), text("name"));
        if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) {
            f(ParamSchema {
                pointer,
                location: &location,
                name: &name,
                schema,
            });
        }
    });
}

/// `(path, method, operation)` for every operation, in document order (read-only).
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                if let (true, Some(op)) = (METHODS.contains(&method.as_str()), op.as_object()) {
                    out.push((path.as_str(), method.as_str(), op));
                }
            }
        }
    }
    out
}

/// Follows local `$ref`s (`#/...`) until a non-reference value; `None` if one dangles.
pub(crate) fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => v = doc.pointer(r.strip_prefix('#')?)?,
            None => return Some(v),
        }
    }
    None
}

/// Calls `f` on every JSON object in `v`, depth first, parents before children.
pub(crate) fn walk_objects_mut(v: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            f(map);
            for child in map.values_mut() {
                walk_objects_mut(child, f);
            }
        }
        Value::Array(items) => {
            for child in items {
                walk_objects_mut(child, f);
            }
        }
        _ => {}
    }
}

/// Calls `f(pointer, object)` on every JSON object in `v`, parents before children, with the
/// object's JSON pointer (`/` for the root).
pub(crate) fn walk_objects_with_pointer_mut(v: &mut Value, f: &mut impl FnMut(&str, &mut Map<String, Value>)) {
    walk_mut(v, "", &|_| true, &mut |pointer, map| {
        f(if pointer.is_empty() { "/" } else { pointer }, map);
        Walk::Into
    });
}

/// Keys whose values are data (examples, defaults, enum values), not schemas.
pub(crate) const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum"];

/// What a schema walk does after visiting an object.
#[derive(PartialEq, Eq)]
pub(crate) enum Walk {
    /// Go on into the object's children.
    Into,
    /// Leave its children out (it was replaced, say).
    Skip,
}

/// Calls `f(pointer, object)` on every JSON object under `v` that is not data (the values of
/// [`DATA_KEYS`] are not entered), parents first. `at` is `v`'s own pointer (`""` for the root).
pub(crate) fn walk_schema_objects_mut(
    v: &mut Value,
    at: &str,
    f: &mut impl FnMut(&str, &mut Map<String, Value>) -> Walk,
) {
    walk_mut(v, at, &|k| !DATA_KEYS.contains(&k), f);
}

/// Calls `f(pointer, alternatives)` for every `oneOf` list under `paths`, with the pointer of the
/// object holding it (the spec patches of data-table row answers rewrite those lists).
pub(crate) fn for_each_one_of_mut(doc: &mut Value, mut f: impl FnMut(&str, &mut Vec<Value>)) {
    let Some(paths) = doc.get_mut("paths") else { return };
    walk_mut(paths, "/paths", &|_| true, &mut |pointer, map| {
        if let Some(Value::Array(alternatives)) = map.get_mut("oneOf") {
            f(pointer, alternatives);
        }
        Walk::Into
    });
}

/// The one walker: depth first, parents before children, entering only keys `enter` accepts.
fn walk_mut(
    v: &mut Value,
    at: &str,
    enter: &dyn Fn(&str) -> bool,
    f: &mut impl FnMut(&str, &mut Map<String, Value>) -> Walk,
) {
    fn go(
        v: &mut Value,
        pointer: &mut String,
        enter: &dyn Fn(&str) -> bool,
        f: &mut impl FnMut(&str, &mut Map<String, Value>) -> Walk,
    ) {
        match v {
            Value::Object(map) => {
                if f(pointer, map) == Walk::Skip {
                    return;
                }
                for (k, child) in map.iter_mut().filter(|(k, _)| enter(k)) {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&pointer_escape(k));
                    go(child, pointer, enter, f);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    go(child, pointer, enter, f);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    go(v, &mut at.to_string(), enter, f);
}

/// Adds `schemas` to `components.schemas`, creating the sections as needed.
pub(crate) fn add_component_schemas(doc: &mut Value, schemas: Vec<(String, Value)>) {
    if schemas.is_empty() {
        return;
    }
    let root = doc.as_object_mut().expect("an OpenAPI document is an object");
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let section = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
    if let Some(section) = section.as_object_mut() {
        section.extend(schemas);
    }
}

/// The Rust type name typify gives a component schema name (PascalCase of its words).
pub fn rust_type_name(name: &str) -> String {
    use heck::ToPascalCase;
    name.replace('\'', "")
        .replace(|c: char| !c.is_alphanumeric() && c != '_', "-")
        .to_pascal_case()
}

/// The names an object schema lists as `required`.
pub(crate) fn required_names(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The `properties` of an object schema, in spec order (none if it has none).
pub(crate) fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// The component schemas a request can carry: those a request body, a multipart form or a
/// parameter refers to, and everything they refer to in turn.
pub(crate) fn request_components(doc: &Value) -> std::collections::BTreeSet<String> {
    let mut roots = Vec::new();
    for (_, _, op) in operations(doc) {
        for key in ["requestBody", "parameters", MULTIPART_EXTENSION] {
            roots.extend(op.get(key));
        }
    }
    roots.extend(doc.pointer("/components/parameters"));
    reachable_components(doc, &roots)
}

/// The component schemas an answer can carry (success or error bodies, and what they refer to).
pub(crate) fn response_components(doc: &Value) -> std::collections::BTreeSet<String> {
    let mut roots = Vec::new();
    for (_, _, op) in operations(doc) {
        roots.extend(op.get("responses"));
        roots.extend(op.get(ERRORS_EXTENSION));
    }
    roots.extend(doc.pointer("/components/responses"));
    reachable_components(doc, &roots)
}

/// The component schemas `roots` refer to, directly or through other components.
fn reachable_components(doc: &Value, roots: &[&Value]) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let mut todo: Vec<String> = Vec::new();
    let take = |v: &Value, todo: &mut Vec<String>| {
        collect_refs(v, &mut |r| {
            if let Some(name) = schema_ref_name(r) {
                todo.push(name);
            }
        })
    };
    for root in roots {
        take(root, &mut todo);
    }
    while let Some(name) = todo.pop() {
        if found.insert(name.clone())
            && let Some(schema) = doc.pointer(&format!("/components/schemas/{}", pointer_escape(&name)))
        {
            take(schema, &mut todo);
        }
    }
    found
}

/// Which way a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// Only requests carry it (a body, a form, a parameter).
    Request,
    /// Only answers carry it (and components nothing refers to).
    Response,
    /// Both: a request sends what an answer gave (a workflow's nodes).
    Both,
}

impl Side {
    /// An answer can carry it.
    pub(crate) fn received(self) -> bool {
        self != Side::Request
    }
}

/// Calls `f(pointer, schema, side)` for every root schema of the document: each component
/// schema (on the side of what refers to it), each inline request body, form and parameter
/// schema, and each inline answer schema (success and error bodies).
pub(crate) fn for_each_schema_root_mut(doc: &mut Value, mut f: impl FnMut(&str, &mut Value, Side)) {
    let (sent, received) = (request_components(doc), response_components(doc));
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            let side = match (sent.contains(name), received.contains(name)) {
                (true, true) => Side::Both,
                (true, false) => Side::Request,
                (false, _) => Side::Response,
            };
            f(&format!("/components/schemas/{}", pointer_escape(name)), schema, side);
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let at = format!("/paths/{}/{method}", pointer_escape(path));
            let Some(op) = op.as_object_mut() else { continue };
            if let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) {
                for (media, body) in content.iter_mut() {
                    if let Some(schema) = body.get_mut("schema") {
                        f(
                            &format!("{at}/requestBody/content/{}/schema", pointer_escape(media)),
                            schema,
                            Side::Request,
                        );
                    }
                }
            }
            if let Some(schema) = op.get_mut(MULTIPART_EXTENSION).and_then(|m| m.get_mut("schema")) {
                f(&format!("{at}/{MULTIPART_EXTENSION}/schema"), schema, Side::Request);
            }
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                for (i, p) in params.iter_mut().enumerate() {
                    if let Some(schema) = p.get_mut("schema") {
                        f(&format!("{at}/parameters/{i}/schema"), schema, Side::Request);
                    }
                }
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (status, r) in responses.iter_mut() {
                    if let Some(Value::Object(content)) = r.get_mut("content") {
                        for (media, body) in content.iter_mut() {
                            if let Some(schema) = body.get_mut("schema") {
                                let p = format!("{at}/responses/{status}/content/{}/schema", pointer_escape(media));
                                f(&p, schema, Side::Response);
                            }
                        }
                    }
                }
            }
            if let Some(Value::Object(errors)) = op.get_mut(ERRORS_EXTENSION) {
                for (status, e) in errors.iter_mut() {
                    if let Some(schema) = e.get_mut("schema") {
                        f(
                            &format!("{at}/{ERRORS_EXTENSION}/{status}/schema"),
                            schema,
                            Side::Response,
                        );
                    }
                }
            }
        }
    }
}

/// Calls `f(pointer, object schema, side)` for every object schema with `properties`, under
/// every root of [`for_each_schema_root_mut`] (data such as examples and defaults not entered).
/// `variant` says whether the object is a member of a `oneOf`/`anyOf`/`allOf` list.
pub(crate) fn for_each_object_schema_mut(
    doc: &mut Value,
    mut f: impl FnMut(&str, &mut Map<String, Value>, Side, bool),
) {
    for_each_schema_root_mut(doc, |at, root, side| {
        walk_schema_objects_mut(root, at, &mut |pointer, map| {
            if map.get("properties").is_some_and(Value::is_object) {
                let variant = ["/oneOf/", "/anyOf/", "/allOf/"]
                    .iter()
                    .any(|k| pointer.rfind(k).is_some_and(|i| !pointer[i + k.len()..].contains('/')));
                f(pointer, map, side, variant);
            }
            Walk::Into
        });
    });
}

/// Where component schemas live, as a `$ref` prefix.
pub(crate) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Calls `f` with every `$ref` string in `v`.
pub(crate) fn collect_refs(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                f(r);
            }
            map.values().for_each(|c| collect_refs(c, f));
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(c, f)),
        _ => {}
    }
}

/// The component schema a `$ref` names (`#/components/schemas/a~1b` -> `a/b`), if it names one.
pub(crate) fn schema_ref_name(r: &str) -> Option<String> {
    r.strip_prefix(SCHEMA_PREFIX)
        .filter(|rest| !rest.contains('/'))
        .map(decode_pointer_segment)
}

/// The `$ref` of the component schema `name`.
pub(crate) fn schema_ref(name: &str) -> String {
    format!("{SCHEMA_PREFIX}{}", pointer_escape(name))
}

/// Points every `$ref` to a component schema named in `renamed` (old -> new) at its new name.
pub(crate) fn rename_schema_refs(doc: &mut Value, renamed: &std::collections::BTreeMap<String, String>) {
    if renamed.is_empty() {
        return;
    }
    walk_objects_mut(doc, &mut |obj| {
        if let Some(Value::String(r)) = obj.get_mut("$ref")
            && let Some(new) = schema_ref_name(r).and_then(|n| renamed.get(&n))
        {
            *r = schema_ref(new);
        }
    });
}

/// Unescapes one segment of a JSON pointer.
pub(crate) fn decode_pointer_segment(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// Escapes a key for use in a JSON pointer.
pub(crate) fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `METHOD /path` for logs and errors.
pub(crate) fn op_label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

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
            .unwrap()
            .changes
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    /// Runs one rule; returns its changes and then, prefixed `unneeded: `, the places where it
    /// found the spec already right.
    pub fn run_all(rule: &str, doc: &mut Value) -> Vec<String> {
        let log = super::apply_rule(rule, doc).unwrap();
        let changes = log.changes.into_iter().map(|(_, c)| c);
        let unneeded = log.unneeded.into_iter().map(|(_, c)| format!("unneeded: {c}"));
        changes.chain(unneeded).collect()
    }

    /// An operation answering `200` with a JSON `schema`.
    pub fn op_200(schema: Value) -> Value {
        serde_json::json!({ "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } } })
    }
}
