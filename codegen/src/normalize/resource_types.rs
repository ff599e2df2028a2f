//! Rule `resource-types`. n8n quirk: the operations of one resource describe it again and again,
//! each slightly differently: a workflow comes back as a list item, `workflowPublicDto.generated`,
//! `workflowPublishPublicDto.generated` and four inline schemas (create, update, delete, ...), so
//! the client has six unrelated structs for one workflow; a function cannot take "a workflow".
//!
//! The resource an operation returns is read off its path (see [`Collections::resource_of`]):
//! `/workflows/{workflowId}/archive` is about a `workflow`, `/projects/{projectId}/folders` about a
//! `folder`. The object each success response carries (itself, the items of an array, or the
//! items of a `{data: [...]}` page) is a candidate for that resource when it has the identifier
//! (`id`) of the resource's anchor (what the shallowest `GET` on the item path, else on the list,
//! returns) and shares at least 60% of their properties with it, none of the shared ones
//! referring to a different component. The candidates of a resource
//! merge into one component schema, named after the member component whose name ends with the
//! resource's name (`tag`, `dataTableColumn`), else after the resource (`execution`):
//! - its properties are all the members' properties; one is required when every member has it
//!   and requires it (so list items, which omit some fields, make those fields optional), a
//!   `readOnly` `id` counting as required (the server assigns it and sends it in every
//!   representation of the resource; n8n's older
//!   components leave the server-assigned id out of `required` because requests share them);
//! - a property is nullable when any member allows null; members that disagree on its type keep
//!   the anchor's, and a string that some member sends as a number is marked to decode from both
//!   (see [`LENIENT_EXTENSION`]).
//!
//! Every candidate then refers to the merged schema; a member component that a request body also
//! uses is first copied inline into that body, so requests keep their own shape. An
//! array-of-resource component used as a response body is inlined (the operation returns
//! `Vec<Tag>`, not a `WorkflowTags` wrapper).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};

use super::{
    Log, METHODS, Rule, op_label, pointer_escape, rename_schema_refs, resolve, rust_type_name, schema_ref,
    schema_ref_name,
};

pub const RULE: Rule = Rule {
    name: "resource-types",
    quirk: "one resource described by up to six unrelated response schemas",
    purpose: super::Purpose::Shape,
    apply,
};

use crate::openapi::LENIENT_EXTENSION;

/// Share of a candidate's properties that the anchor must have too.
const MIN_OVERLAP: f64 = 0.6;

/// One object schema an operation returns, and where it sits.
#[derive(Debug, Clone)]
struct Candidate {
    /// `GET /workflows/{workflowId}`, for the log.
    label: String,
    /// The component it is, if it is one (all references to it move to the resource).
    component: Option<String>,
    /// JSON pointer of the inline schema (if not a component), to be replaced by a `$ref`.
    site: Option<String>,
    /// The schema (references resolved at the top).
    schema: Value,
    /// Lower is a better anchor: (collection depth, 0 for `GET` item / 1 for `GET` list / 2).
    rank: (usize, u8),
}

/// A resource's merged schema and what refers to it.
struct Merged {
    name: String,
    schema: Value,
    members: Vec<Candidate>,
}

fn apply(doc: &mut Value, log: &mut Log) {
    let collections = Collections::of(doc);
    let mut by_resource: BTreeMap<String, (bool, Vec<Candidate>)> = BTreeMap::new();
    for (path, method, op) in super::operations(doc) {
        let Some(at) = collections.resource_of(path) else {
            continue;
        };
        let label = op_label(method, path);
        let kind = match (method, at.item_path) {
            ("get", true) => 0,
            ("get", false) => 1,
            _ => 2,
        };
        for (pointer, schema) in success_schemas(path, method, op) {
            if let Some(c) = candidate(doc, &label, &pointer, schema, (at.depth, kind)) {
                let entry = by_resource.entry(at.name.clone()).or_default();
                entry.0 |= at.addressable;
                entry.1.push(c);
            }
        }
    }
    let mut merged: Vec<Merged> = Vec::new();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    for (resource, (addressable, mut members)) in by_resource {
        members.sort_by_key(|c| c.rank);
        let anchor = members[0].schema.clone();
        members.retain(|c| fits(&anchor, &c.schema));
        let components: BTreeSet<Option<&str>> = members.iter().map(|m| m.component.as_deref()).collect();
        let one_component = components.len() == 1 && components.iter().all(Option::is_some);
        if one_component || (members.len() < 2 && !addressable) {
            continue; // nothing to unify, and no better name than the one it has
        }
        let Some(name) = choose_name(doc, &resource, &mut members, &anchor, &claimed) else {
            log.change(format!("`{resource}`: left alone, its name is taken by another schema"));
            continue;
        };
        claimed.insert(rust_type_name(&name));
        let schemas: Vec<&Value> = members.iter().map(|m| &m.schema).collect();
        let mut schema = merge(doc, &schemas);
        let labels: BTreeSet<&str> = members.iter().map(|m| m.label.as_str()).collect();
        describe(&mut schema, &resource, &labels);
        log.change(format!(
            "`{name}`: {} schemas of {} operations ({})",
            members.len(),
            labels.len(),
            labels.into_iter().collect::<Vec<_>>().join(", ")
        ));
        merged.push(Merged { name, schema, members });
    }
    write_back(doc, merged);
    inline_resource_arrays(doc, log);
}

/// The merged schema's description says what it is and where it comes from (the members'
/// descriptions each spoke of one operation).
fn describe(schema: &mut Value, resource: &str, labels: &BTreeSet<&str>) {
    let operations: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| !l.starts_with("component "))
        .collect();
    if operations.len() < 2 {
        return;
    }
    let text = format!(
        "A {} as n8n's operations return it ({}). A field that some of them leave out is optional.",
        heck::ToTitleCase::to_title_case(resource).to_lowercase(),
        operations.join(", ")
    );
    if let Some(o) = schema.as_object_mut() {
        o.insert("description".into(), Value::String(text));
    }
}

/// The collection segments of a spec's paths.
struct Collections {
    /// Literal segments that some path follows with a parameter (`workflows` in
    /// `/workflows/{workflowId}`), with those parameters; and the last segments of paths whose
    /// `GET` returns a list (`history` in `/workflows/{workflowId}/history`), with none.
    params: BTreeMap<String, BTreeSet<String>>,
    /// Segments that begin a path (`tags` in `/tags/{tagId}`).
    top_level: BTreeSet<String>,
}

/// Where a path's resource sits.
struct ResourceAt {
    name: String,
    /// How deep its collection segment is (1 for `/workflows`).
    depth: usize,
    /// The path is the resource's item path (`/x/{xId}`).
    item_path: bool,
    /// Its collection has items addressed by a parameter (a true collection, not a sub-list).
    addressable: bool,
}

impl Collections {
    fn of(doc: &Value) -> Self {
        let mut params: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut top_level = BTreeSet::new();
        for (path, method, op) in super::operations(doc) {
            let segments = segments(path);
            if let Some(first) = segments.first() {
                top_level.insert(first.to_string());
            }
            for pair in segments.windows(2) {
                if let (None, Some(param)) = (param_name(pair[0]), param_name(pair[1])) {
                    params.entry(pair[0].to_string()).or_default().insert(param.to_string());
                }
            }
            let returns_list = success_schemas(path, method, op)
                .iter()
                .any(|(_, s)| resolve(doc, s).is_some_and(|s| is_type(s, "array") || page_items(s).is_some()));
            if method == "get"
                && returns_list
                && let Some(last) = segments.last().filter(|s| param_name(s).is_none())
            {
                params.entry(last.to_string()).or_default();
            }
        }
        Collections { params, top_level }
    }

    /// The resource a path is about: its nearest collection segment, named by the parameter that
    /// follows it or by the segment's singular (the longer, when one ends with the other:
    /// `test-runs` + `{runId}` -> `testRun`, `versions` + `{workflowVersionId}` ->
    /// `workflowVersion`). A nested collection with no parameter of its own that does not also
    /// begin a path takes its parent's name as a prefix
    /// (`/promotions/connections/{promotionConnectionId}/configs/apply` ->
    /// `promotionConnectionConfig`).
    fn resource_of(&self, path: &str) -> Option<ResourceAt> {
        let segments = segments(path);
        let at = self.collection_index(&segments, segments.len())?;
        let segment = segments[at];
        let params = &self.params[segment];
        let next = segments.get(at + 1).and_then(|s| param_name(s));
        // The parameter this path uses, else the most telling one the spec uses after the segment.
        let param = next.or_else(|| params.iter().map(String::as_str).find(|p| *p != "id"));
        let from_segment = singular(segment).to_lower_camel_case();
        let name = match param.and_then(resource_from_param) {
            Some(p) if from_segment.to_ascii_lowercase().ends_with(&p.to_ascii_lowercase()) => from_segment,
            Some(p) => p,
            None => match self.parent(&segments, at) {
                Some(parent) => format!("{parent}{}", from_segment.to_upper_camel_case()),
                None => from_segment,
            },
        };
        Some(ResourceAt {
            name,
            depth: at + 1,
            item_path: next.is_some() && at + 2 == segments.len(),
            addressable: !params.is_empty(),
        })
    }

    /// The index of the last collection segment before `end`.
    fn collection_index(&self, segments: &[&str], end: usize) -> Option<usize> {
        (0..end)
            .rev()
            .find(|&i| param_name(segments[i]).is_none() && self.params.contains_key(segments[i]))
    }

    /// The resource name of the collection that holds the one at `at`, when that one needs it.
    fn parent(&self, segments: &[&str], at: usize) -> Option<String> {
        if self.top_level.contains(segments[at]) {
            return None;
        }
        let parent = self.collection_index(segments, at)?;
        let parent_path = format!("/{}", segments[..(parent + 2).min(at)].join("/"));
        self.resource_of(&parent_path).map(|r| r.name)
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// `workflowId` -> `workflow`, `roleSlug` -> `role`; `id` names nothing.
fn resource_from_param(param: &str) -> Option<String> {
    ["Id", "Slug"]
        .iter()
        .find_map(|s| param.strip_suffix(s))
        .filter(|stem| !stem.is_empty())
        .map(str::to_string)
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") {
        word[..word.len() - 2].to_string()
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_string()
    } else {
        word.to_string()
    }
}

/// `(pointer, schema)` of the JSON body of each success response of an operation.
fn success_schemas<'a>(path: &str, method: &str, op: &'a Map<String, Value>) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        if !status.starts_with('2') {
            continue;
        }
        if let Some(schema) = response.pointer("/content/application~1json/schema") {
            let pointer = format!(
                "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
                pointer_escape(path)
            );
            out.push((pointer, schema));
        }
    }
    out
}

/// The resource object a response schema carries: the schema itself, an array's items, or the
/// items of a `{data: [...]}` page; following references into components.
fn candidate(doc: &Value, label: &str, pointer: &str, schema: &Value, rank: (usize, u8)) -> Option<Candidate> {
    let (mut pointer, mut schema) = (pointer.to_string(), schema);
    for _ in 0..4 {
        let component = schema.get("$ref").and_then(Value::as_str).and_then(schema_ref_name);
        let resolved = resolve(doc, schema)?;
        let inner = |rest: &str| match &component {
            Some(c) => format!("/components/schemas/{}/{rest}", pointer_escape(c)),
            None => format!("{pointer}/{rest}"),
        };
        if let Some(items) = resolved.get("items").filter(|_| is_type(resolved, "array")) {
            pointer = inner("items");
            schema = items;
        } else if let Some(items) = page_items(resolved) {
            pointer = inner("properties/data/items");
            schema = items;
        } else if super::properties(resolved).next().is_some() {
            return Some(Candidate {
                label: label.to_string(),
                site: component.is_none().then_some(pointer),
                component,
                schema: resolved.clone(),
                rank,
            });
        } else {
            return None;
        }
    }
    None
}

fn is_type(schema: &Value, t: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(t)
}

/// The items of a page: an object whose `data` is an array, with at most two other properties
/// (`nextCursor`, a count).
fn page_items(schema: &Value) -> Option<&Value> {
    let props = schema.get("properties")?.as_object()?;
    let data = props.get("data")?;
    (is_type(data, "array") && props.len() <= 3).then(|| data.get("items"))?
}

fn property_names(schema: &Value) -> BTreeSet<&str> {
    super::properties(schema).map(|(k, _)| k.as_str()).collect()
}

/// The component a property refers to (`$ref`, or the one member of an `allOf`).
fn referred(property: &Value) -> Option<&str> {
    property
        .get("$ref")
        .or_else(|| property.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
}

/// See the module docs: the anchor's identifier, and most properties in common; and no property
/// of both that refers to different components (a project member's `role` is a project role, a
/// user's a global one: two things, whatever else they share).
fn fits(anchor: &Value, candidate: &Value) -> bool {
    let a = property_names(anchor);
    let c = property_names(candidate);
    if c.is_empty() || (a.contains("id") && !c.contains("id")) {
        return false;
    }
    let anchor_props: BTreeMap<&String, &Value> = super::properties(anchor).collect();
    let disagree = super::properties(candidate).any(|(k, v)| {
        anchor_props
            .get(k)
            .is_some_and(|w| matches!((referred(v), referred(w)), (Some(x), Some(y)) if x != y))
    });
    if disagree {
        return false;
    }
    let shared = c.intersection(&a).count();
    shared as f64 / c.len() as f64 >= MIN_OVERLAP
}

/// The component name the merged resource takes. A component already named like the resource
/// joins the group when its shape fits; a name taken by a schema that does not fit is refused.
fn choose_name(
    doc: &Value,
    resource: &str,
    members: &mut Vec<Candidate>,
    anchor: &Value,
    claimed: &BTreeSet<String>,
) -> Option<String> {
    let lower = resource.to_ascii_lowercase();
    let name = members
        .iter()
        .filter_map(|m| m.component.as_deref())
        .filter(|c| c.to_ascii_lowercase().ends_with(&lower))
        .min_by_key(|c| (c.len(), c.to_string()))
        .map_or_else(|| resource.to_string(), str::to_string);
    let rust = rust_type_name(&name);
    if claimed.contains(&rust) {
        return None;
    }
    if members.iter().any(|m| m.component.as_deref() == Some(name.as_str())) {
        return Some(name);
    }
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    let Some((existing, schema)) = schemas.into_iter().flatten().find(|(k, _)| rust_type_name(k) == rust) else {
        return Some(name);
    };
    let schema = resolve(doc, schema)?;
    (existing == &name && fits(anchor, schema)).then(|| {
        members.push(Candidate {
            label: format!("component `{existing}`"),
            component: Some(existing.clone()),
            site: None,
            schema: schema.clone(),
            rank: (usize::MAX, 0),
        });
        name
    })
}

/// Merges schemas of one thing (the first is the anchor): see the module docs.
fn merge(doc: &Value, parts: &[&Value]) -> Value {
    let first = parts[0];
    if parts.iter().all(|p| same_shape(p, first)) {
        return first.clone();
    }
    let resolved: Vec<&Value> = parts.iter().filter_map(|p| resolve(doc, p)).collect();
    if resolved.len() != parts.len() {
        return first.clone();
    }
    let nullable = resolved.iter().any(|p| p.get("nullable") == Some(&Value::Bool(true)));
    let mut out = if resolved.iter().all(|p| p.get("properties").is_some()) {
        merge_objects(doc, &resolved)
    } else if resolved.iter().all(|p| is_type(p, "array")) {
        let items: Vec<&Value> = resolved.iter().filter_map(|p| p.get("items")).collect();
        let mut out = resolved[0].clone();
        if items.len() == resolved.len() {
            out["items"] = merge(doc, &items);
        }
        out
    } else {
        let mut out = resolved[0].clone();
        let lenient = |p: &&Value| {
            is_type(p, "number") || is_type(p, "integer") || p.get(LENIENT_EXTENSION) == Some(&Value::Bool(true))
        };
        if is_type(&out, "string") && resolved.iter().any(lenient) {
            out[LENIENT_EXTENSION] = Value::Bool(true);
        }
        out
    };
    if nullable && let Some(o) = out.as_object_mut() {
        o.insert("nullable".into(), Value::Bool(true));
    }
    out
}

fn merge_objects(doc: &Value, parts: &[&Value]) -> Value {
    let mut names: Vec<&str> = Vec::new();
    for p in parts {
        for (k, _) in super::properties(p) {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
    }
    let property = |p: &Value, name: &str| p.pointer(&format!("/properties/{}", pointer_escape(name))).cloned();
    // A server-assigned identifier is in every representation the server sends, even where an
    // older component shared with requests leaves it out of `required` (`tag`). Other read-only
    // fields are not: n8n's tag update answers without `createdAt`.
    let required_in = |p: &Value, name: &str| {
        super::required_names(p).contains(&name)
            || (name == "id" && property(p, name).is_some_and(|s| s.get("readOnly") == Some(&Value::Bool(true))))
    };
    let mut properties = Map::new();
    for name in &names {
        let variants: Vec<Value> = parts.iter().filter_map(|p| property(p, name)).collect();
        let variants: Vec<&Value> = variants.iter().collect();
        properties.insert(name.to_string(), merge(doc, &variants));
    }
    let required: Vec<Value> = names
        .iter()
        .filter(|n| parts.iter().all(|p| required_in(p, n)))
        .map(|n| Value::String(n.to_string()))
        .collect();
    let mut out = parts[0].as_object().cloned().unwrap_or_default();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(properties));
    out.shift_remove("required");
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    if let Some(extra) = parts
        .iter()
        .find_map(|p| p.get("additionalProperties").filter(|a| **a != Value::Bool(false)))
    {
        out.insert("additionalProperties".into(), extra.clone());
    }
    Value::Object(out)
}

/// Equal up to documentation (descriptions, examples).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &Map<String, Value>| m.keys().filter(|k| !is_doc_key(k)).cloned().collect::<BTreeSet<_>>();
            keys(x) == keys(y)
                && x.iter()
                    .filter(|(k, _)| !is_doc_key(k))
                    .all(|(k, v)| same_shape(v, &y[k]))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_shape(a, b)),
        _ => a == b,
    }
}

fn is_doc_key(k: &str) -> bool {
    matches!(k, "description" | "example" | "examples" | "title")
}

/// Writes the merged components and points every member at them.
fn write_back(doc: &mut Value, merged: Vec<Merged>) {
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut member_components: BTreeSet<String> = BTreeSet::new();
    for m in &merged {
        for c in m.members.iter().filter_map(|c| c.component.as_ref()) {
            member_components.insert(c.clone());
            if *c != m.name {
                renamed.insert(c.clone(), m.name.clone());
            }
        }
    }
    copy_into_request_bodies(doc, &member_components);
    // Inline members first: their pointers may lie inside components that go.
    for m in &merged {
        for site in m.members.iter().filter_map(|c| c.site.as_ref()) {
            if let Some(slot) = doc.pointer_mut(site) {
                *slot = json!({ "$ref": schema_ref(&m.name) });
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for old in renamed.keys() {
            schemas.shift_remove(old);
        }
    }
    let components = merged.into_iter().map(|m| (m.name, m.schema)).collect();
    super::add_component_schemas(doc, components);
    rename_schema_refs(doc, &renamed);
}

/// Request bodies that use a member component get a copy of it (before it becomes the merged
/// response shape, with response-only required fields).
fn copy_into_request_bodies(doc: &mut Value, members: &BTreeSet<String>) {
    let originals: BTreeMap<String, Value> = members
        .iter()
        .filter_map(|m| {
            Some((
                m.clone(),
                doc.pointer(&format!("/components/schemas/{}", pointer_escape(m)))?
                    .clone(),
            ))
        })
        .collect();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(body) = op.get_mut("requestBody") {
                super::walk_objects_mut(body, &mut |obj| {
                    let name = obj.get("$ref").and_then(Value::as_str).and_then(schema_ref_name);
                    if let Some(original) = name.and_then(|n| originals.get(&n)) {
                        *obj = original.as_object().cloned().unwrap_or_default();
                    }
                });
            }
        }
    }
}

/// A response body that is a `$ref` to a component holding only `array of $ref` becomes that
/// array inline; the wrapper goes when nothing else refers to it.
fn inline_resource_arrays(doc: &mut Value, log: &mut Log) {
    let wrappers: BTreeMap<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| {
            is_type(s, "array")
                && s.get("items").and_then(|i| i.get("$ref")).is_some()
                && s.as_object()
                    .is_some_and(|o| o.keys().all(|k| k == "type" || k == "items" || is_doc_key(k)))
        })
        .map(|(k, s)| (k.clone(), json!({ "type": "array", "items": s["items"].clone() })))
        .collect();
    let mut inlined: BTreeSet<String> = BTreeSet::new();
    for item in doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
    {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let responses = op.get_mut("responses").and_then(Value::as_object_mut);
            for (_, response) in responses.into_iter().flatten().filter(|(s, _)| s.starts_with('2')) {
                let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
                    continue;
                };
                let name = schema.get("$ref").and_then(Value::as_str).and_then(schema_ref_name);
                if let Some((name, array)) = name.and_then(|n| wrappers.get(&n).map(|a| (n, a))) {
                    *schema = array.clone();
                    inlined.insert(name);
                }
            }
        }
    }
    let still_used = super::unused_components::reachable_schemas(doc);
    for name in &inlined {
        log.change(format!("`{name}`: an array of a resource, inlined into the responses"));
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.retain(|k, _| still_used.contains(k) || !inlined.contains(k));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::{Value, json};

    fn ok(schema: Value) -> Value {
        json!({ "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } })
    }

    #[test]
    fn one_resource_one_schema() {
        let object = |props: &[(&str, &str)], required: &[&str]| {
            let properties: serde_json::Map<String, Value> = props
                .iter()
                .map(|(k, t)| (k.to_string(), json!({ "type": t })))
                .collect();
            json!({ "type": "object", "properties": properties, "required": required })
        };
        let page = json!({ "type": "object", "properties": {
            "data": { "type": "array", "items": object(&[("id", "string"), ("name", "string")], &["id", "name"]) },
            "nextCursor": { "type": "string", "nullable": true } } });
        let archived = object(
            &[("id", "string"), ("name", "string"), ("color", "string")],
            &["id", "name", "color"],
        );
        let deleted = object(&[("id", "number"), ("name", "string")], &["id", "name"]);
        let history = json!({ "type": "array", "items": object(&[("versionId", "string"), ("name", "string")], &[]) });
        let mut doc = spec(
            json!({
                "/widgets": { "get": { "responses": ok(page) } },
                "/widgets/{widgetId}": {
                    "get": { "responses": ok(json!({ "$ref": "#/components/schemas/widgetDetail" })) },
                    "delete": { "responses": ok(deleted) }
                },
                "/widgets/{widgetId}/archive": { "post": { "responses": ok(archived) } },
                "/widgets/{widgetId}/history": { "get": { "responses": ok(history) } }
            }),
            json!({ "widgetDetail": object(
                &[("id", "string"), ("name", "string"), ("color", "string"), ("createdAt", "string")],
                &["id", "name", "color", "createdAt"]) }),
        );
        let log = run("resource-types", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"`widget`: 4 schemas of 4 operations (DELETE /widgets/{widgetId}, GET /widgets, GET /widgets/{widgetId}, POST /widgets/{widgetId}/archive)");
        let widget = doc.pointer("/components/schemas/widget").unwrap();
        assert_eq!(
            widget["required"],
            json!(["id", "name"]),
            "list items lack color and createdAt"
        );
        assert_eq!(
            widget["properties"]["id"],
            json!({ "type": "string", "x-n8n-api-string-or-number": true })
        );
        assert!(
            doc.pointer("/components/schemas/widgetDetail").is_none(),
            "the detail component merged in"
        );
        let reference = json!({ "$ref": "#/components/schemas/widget" });
        for at in [
            "/paths/~1widgets/get/responses/200/content/application~1json/schema/properties/data/items",
            "/paths/~1widgets~1{widgetId}/get/responses/200/content/application~1json/schema",
            "/paths/~1widgets~1{widgetId}~1archive/post/responses/200/content/application~1json/schema",
            "/paths/~1widgets~1{widgetId}/delete/responses/200/content/application~1json/schema",
        ] {
            assert_eq!(doc.pointer(at).unwrap(), &reference, "{at}");
        }
        let history = doc
            .pointer("/paths/~1widgets~1{widgetId}~1history/get/responses/200/content/application~1json/schema/items");
        assert!(
            history.unwrap().get("properties").is_some(),
            "versions without an id are not widgets"
        );
    }

    #[test]
    fn a_component_shared_with_a_request_keeps_its_shape_there() {
        let tag = json!({ "type": "object", "required": ["name"], "properties": {
            "id": { "type": "string", "readOnly": true }, "name": { "type": "string" } } });
        let full = json!({ "type": "object", "required": ["id", "name"], "properties": {
            "id": { "type": "string" }, "name": { "type": "string" } } });
        let mut doc = spec(
            json!({
                "/tags/{tagId}": {
                    "get": { "responses": ok(full) },
                    "put": {
                        "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/tag" } } } },
                        "responses": ok(json!({ "$ref": "#/components/schemas/tag" }))
                    }
                }
            }),
            json!({ "tag": tag.clone() }),
        );
        run("resource-types", &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/tag/required").unwrap(),
            &json!(["id", "name"]),
            "a read-only id counts as required where another member requires it"
        );
        assert_eq!(
            doc.pointer("/paths/~1tags~1{tagId}/put/requestBody/content/application~1json/schema")
                .unwrap(),
            &tag,
            "the request keeps the component's own shape"
        );
    }
}
