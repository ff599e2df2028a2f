//! Rule `id-names`. n8n quirk: the same id is named differently across one resource's paths:
//! `/tags/{tagId}` (get) but `/tags/{id}` (update, delete), `/credentials/{credentialId}` but
//! `/credentials/{id}/test`, `/workflows/{workflowId}` but `/workflows/{id}/test-runs`. The
//! client's setter is the parameter's name, so one tag id is `get_tag().tag_id(..)` but
//! `update_tag().id(..)`.
//!
//! A path parameter named `id` right after a collection segment (`/tags/{id}`) takes the name
//! the other paths of that collection give the same position (`tagId`), else the collection's
//! singular with `Id` (`/users/{id}` -> `userId`, as n8n names ids everywhere else). The name is
//! the spec's only: the URL on the wire is the same. Where the renamed path already exists (the
//! spec has `/tags/{id}` and `/tags/{tagId}` at once, which OpenAPI forbids), the two path items
//! merge; a method both declare stays under the old name (logged).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToLowerCamelCase;
use serde_json::{Map, Value};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "id-names",
    quirk: "one resource's id is `{tagId}` in one path and `{id}` in another: two setter names",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let shared = doc.pointer("/components/parameters").cloned();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let names = sibling_names(paths.keys());
    // Rebuilt in the spec's order: a renamed path keeps its place (or joins the one it becomes).
    let mut out = Map::new();
    for (path, mut item) in std::mem::take(paths) {
        let Some((at, collection)) = id_after_collection(&path) else {
            merge_or_insert(&mut out, path, item, log);
            continue;
        };
        let name = names
            .get(&collection_prefix(&path, at))
            .cloned()
            .unwrap_or_else(|| format!("{}Id", singular(collection)).to_lower_camel_case());
        let renamed: Vec<String> = path
            .split('/')
            .enumerate()
            .map(|(i, s)| if i == at { format!("{{{name}}}") } else { s.to_string() })
            .collect();
        let renamed = renamed.join("/");
        rename_parameter(&mut item, shared.as_ref(), &name);
        log.change(format!("{path} -> {renamed}"));
        if let Some(kept) = merge_or_insert(&mut out, renamed.clone(), item, log) {
            log.skipped(format!(
                "{path}: {renamed} declares its methods as well, left under its name"
            ));
            out.insert(path, kept);
        }
    }
    *paths = out;
}

/// Inserts `item` at `path`, or moves its operations into the item already there; answers what
/// could not move (methods both declare).
fn merge_or_insert(out: &mut Map<String, Value>, path: String, item: Value, _log: &mut Log) -> Option<Value> {
    match out.get_mut(&path).and_then(Value::as_object_mut) {
        None => {
            out.insert(path, item);
            None
        }
        Some(existing) => merge(existing, item).1,
    }
}

/// For each collection path prefix (`/tags`), the name its paths give the parameter that follows
/// it, when they give one other than `id` (and only one).
fn sibling_names<'a>(paths: impl Iterator<Item = &'a String>) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in paths {
        let segments: Vec<&str> = path.split('/').collect();
        for (i, s) in segments.iter().enumerate().skip(1) {
            if let Some(param) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                && param != "id"
                && !segments[i - 1].starts_with('{')
            {
                seen.entry(segments[..i].join("/"))
                    .or_default()
                    .insert(param.to_string());
            }
        }
    }
    seen.into_iter()
        .filter(|(_, names)| names.len() == 1)
        .filter_map(|(prefix, names)| Some((prefix, names.into_iter().next()?)))
        .collect()
}

/// The segment index of an `{id}` that follows a collection segment, and the collection.
fn id_after_collection(path: &str) -> Option<(usize, &str)> {
    let segments: Vec<&str> = path.split('/').collect();
    let at = segments.iter().position(|s| *s == "{id}")?;
    let collection = segments.get(at.checked_sub(1)?)?;
    (!collection.is_empty() && !collection.starts_with('{')).then_some((at, *collection))
}

fn collection_prefix(path: &str, at: usize) -> String {
    path.split('/').take(at).collect::<Vec<_>>().join("/")
}

fn singular(word: &str) -> String {
    let word = word.replace('-', "_");
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_string()
    } else {
        word
    }
}

/// The item's `id` path parameter (path-level and per operation, a shared `$ref` copied) gets
/// `name`.
fn rename_parameter(item: &mut Value, shared: Option<&Value>, name: &str) {
    let rename = |list: &mut Value| {
        for p in list.as_array_mut().into_iter().flatten() {
            if let Some(r) = p.get("$ref").and_then(Value::as_str)
                && let Some(target) = r
                    .strip_prefix("#/components/parameters/")
                    .and_then(|n| shared.and_then(|s| s.get(super::decode_pointer_segment(n))))
            {
                *p = target.clone();
            }
            if p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some("id")
            {
                p["name"] = Value::String(name.to_string());
            }
        }
    };
    let Some(item) = item.as_object_mut() else { return };
    for (key, v) in item.iter_mut() {
        if key == "parameters" {
            rename(v);
        } else if super::METHODS.contains(&key.as_str())
            && let Some(list) = v.get_mut("parameters")
        {
            rename(list);
        }
    }
}

/// Moves the operations of `from` into `into` where `into` has none for that method; returns the
/// methods moved and what is left of `from` (when a method was in both).
fn merge(into: &mut Map<String, Value>, from: Value) -> (Vec<String>, Option<Value>) {
    let Value::Object(mut from) = from else {
        return (Vec::new(), None);
    };
    // Path-level parameters of `from` go down into its operations, which move alone.
    let shared: Vec<Value> = from
        .shift_remove("parameters")
        .and_then(|p| p.as_array().cloned())
        .unwrap_or_default();
    let mut moved = Vec::new();
    let mut left = Map::new();
    for (key, mut op) in from {
        if !super::METHODS.contains(&key.as_str()) {
            continue;
        }
        if let Some(op) = op.as_object_mut() {
            let list = op.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for p in &shared {
                    let same = |q: &Value| q.get("name") == p.get("name") && q.get("in") == p.get("in");
                    if !list.iter().any(same) {
                        list.push(p.clone());
                    }
                }
            }
        }
        if into.contains_key(&key) {
            left.insert(key, op);
        } else {
            moved.push(key.to_uppercase());
            into.insert(key, op);
        }
    }
    let kept = (!left.is_empty()).then_some(Value::Object(left));
    (moved, kept)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::spec;
    use serde_json::json;

    #[test]
    fn one_name_per_id_across_a_resource() {
        let p = |name: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } });
        let op = |id: &str, name: &str| json!({ "operationId": id, "parameters": [p(name)], "responses": {} });
        let mut doc = spec(
            json!({
                "/tags/{tagId}": { "get": op("getTag", "tagId") },
                "/tags/{id}": { "put": op("updateTag", "id"), "delete": op("deleteTag", "id") },
                "/users/{id}": { "get": op("getUser", "id") },
                "/users/{id}/role": { "patch": op("changeRole", "id") },
                "/workflows/{id}/{versionId}": { "get": op("getVersion", "id") }
            }),
            json!({}),
        );
        let log = super::super::apply_rule("id-names", &mut doc);
        let lines: Vec<String> = log.changes.into_iter().map(|(_, c)| c).collect();
        insta::assert_snapshot!(lines.join("\n"), @r"
        /tags/{id} -> /tags/{tagId}
        /users/{id} -> /users/{userId}
        /users/{id}/role -> /users/{userId}/role
        /workflows/{id}/{versionId} -> /workflows/{workflowId}/{versionId}
        ");
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(
            paths.keys().collect::<Vec<_>>(),
            [
                "/tags/{tagId}",
                "/users/{userId}",
                "/users/{userId}/role",
                "/workflows/{workflowId}/{versionId}"
            ]
        );
        assert_eq!(
            doc.pointer("/paths/~1tags~1{tagId}/delete/parameters/0/name"),
            Some(&json!("tagId"))
        );
        assert_eq!(
            doc.pointer("/paths/~1users~1{userId}~1role/patch/parameters/0/name"),
            Some(&json!("userId"))
        );
    }
}
