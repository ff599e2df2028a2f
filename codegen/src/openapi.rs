//! The OpenAPI toolkit every stage shares: walking a spec document (operations, parameters,
//! schemas, which side of the wire a schema travels), following `$ref`s, JSON pointers, and the
//! names of the extensions and markers the normalization leaves for the generator (one place for
//! every `x-n8n-api-*` name).

use serde_json::{Map, Value};

/// Extension on an operation that carries its error responses, which progenitor must not see:
/// `{ "<status>": { "description": ..., "schema": <$ref or absent> } }`.
pub const ERRORS_EXTENSION: &str = "x-n8n-api-errors";
/// Extension on an operation that carries its multipart/form-data request body, which
/// progenitor cannot generate: `{ "required": bool, "description": ..., "schema": {...} }`.
pub const MULTIPART_EXTENSION: &str = "x-n8n-api-multipart";

/// Marks a string property that some operation sends as a JSON number (n8n's delete-execution
/// answer gives the id as a number, every other execution endpoint as a string). The generator
/// decodes such a field from a string or a number.
pub const LENIENT_EXTENSION: &str = "x-n8n-api-string-or-number";
/// Marks a query parameter that carries the JSON of a component schema (`row-filters`: a
/// data-table row filter): its setter takes a value of that type too.
pub const JSON_OF_EXTENSION: &str = "x-n8n-api-json-of";
/// Where the `string-constraints` rule moves a string's `minLength`, `maxLength` and `pattern`
/// (the `request-bounds` pass checks the lengths before sending).
pub const CONSTRAINTS_EXTENSION: &str = "x-n8n-api-constraints";

/// Markers the `field-markers` and `read-only-properties` rules append to a property's
/// description; typify copies descriptions into doc comments and nothing else, and the
/// generator's `field-markers` pass turns them into Rust (and removes them from the docs).
pub mod markers {
    pub const DEPRECATED: &str = "[[n8n-api:deprecated]]";
    pub const SECRET: &str = "[[n8n-api:secret]]";
    pub const STRING_OR_NUMBER: &str = "[[n8n-api:string-or-number]]";
    /// A read-only property of a schema requests carry: decoded, never serialized.
    pub const READ_ONLY: &str = "[[n8n-api:read-only]]";
}

/// The HTTP methods an OpenAPI 3.0 path item may hold, in the order progenitor visits them.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Calls `f(path, method, operation)` for every operation, in document order.
pub(crate) fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Map<String, Value>)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(op) = op.as_object_mut() {
                f(path, method, op);
            }
        }
    }
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
