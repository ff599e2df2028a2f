//! Rule `repeated-schemas`. n8n quirk: request and response bodies spell out a shared schema
//! inline instead of referring to its component: a workflow's nodes are the `node` component,
//! repeated in a dozen bodies with only documentation, `readOnly` flags and the spelling of
//! "any other property" (`additionalProperties: true`, `{nullable: true}`, or nothing) changed.
//! Each copy becomes its own Rust type (`CreateWorkflowBodyNodesItem`, `WorkflowNodesItem`), so a
//! node read from a workflow cannot be put into a request, and `types::Node` has no builder.
//!
//! An inline object schema equal to a component object schema up to those differences is
//! replaced by a reference to the component. (Components themselves stay, even when two are
//! equal: their names are the spec's.)

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Log, Rule, Walk, schema_ref, walk_schema_objects_mut};

pub const RULE: Rule = Rule {
    name: "repeated-schemas",
    quirk: "component schemas repeated inline (a workflow's nodes): one Rust type per copy",
    purpose: super::Purpose::Shape,
    apply,
};

/// Keys whose values are data or documentation, not part of a schema's shape.
const IGNORED: &[&str] = &[
    "description",
    "example",
    "examples",
    "title",
    "readOnly",
    "writeOnly",
    "default",
];

fn apply(doc: &mut Value, log: &mut Log) {
    let mut by_shape: BTreeMap<String, String> = BTreeMap::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if super::properties(schema).next().is_some() {
            by_shape.entry(canonical(schema)).or_insert_with(|| name.clone());
        }
    }
    if by_shape.is_empty() {
        return;
    }
    // A replaced object is not searched further.
    let mut replace = |pointer: &str, map: &mut Map<String, Value>| {
        let has_properties = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if !has_properties {
            return Walk::Into;
        }
        let Some(name) = by_shape.get(&canonical_map(map).to_string()) else {
            return Walk::Into;
        };
        // Components keep their own names: only inline copies go.
        let component_root = pointer
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        if component_root {
            return Walk::Into;
        }
        log.change(format!("{pointer} -> `{name}`"));
        *map = json!({ "$ref": schema_ref(name) })
            .as_object()
            .cloned()
            .unwrap_or_default();
        Walk::Skip
    };
    if let Some(paths) = doc.get_mut("paths") {
        walk_schema_objects_mut(paths, "/paths", &mut replace);
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        walk_schema_objects_mut(schemas, "/components/schemas", &mut replace);
    }
}

/// The shape of a schema as comparable text: documentation and direction flags dropped,
/// `required` sorted, and the spellings of "any other property" of a property-less object made
/// one.
fn canonical(schema: &Value) -> String {
    go(schema).to_string()
}

fn canonical_map(map: &Map<String, Value>) -> Value {
    let mut out: BTreeMap<&str, Value> = BTreeMap::new();
    for (k, v) in map.iter().filter(|(k, _)| !IGNORED.contains(&k.as_str())) {
        let mut value = match (k.as_str(), v) {
            // Property names are data: a property may be called `description`.
            ("properties", Value::Object(props)) => {
                Value::Object(props.iter().map(|(name, schema)| (name.clone(), go(schema))).collect())
            }
            _ => go(v),
        };
        if k == "required"
            && let Value::Array(items) = &mut value
        {
            items.sort_by_key(|i| i.as_str().map(str::to_string));
        }
        out.insert(k, value);
    }
    if !out.contains_key("properties") && out.get("type") == Some(&json!("object")) {
        let free = match out.get("additionalProperties") {
            None | Some(Value::Bool(true)) => true,
            Some(Value::Object(o)) => o.keys().all(|k| k == "nullable"),
            _ => false,
        };
        if free {
            out.insert("additionalProperties", json!({}));
        }
    }
    Value::Object(out.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn go(v: &Value) -> Value {
    match v {
        Value::Object(map) => canonical_map(map),
        Value::Array(items) => Value::Array(items.iter().map(go).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn inline_copies_of_a_component_refer_to_it() {
        let node = json!({ "type": "object", "properties": {
            "name": { "type": "string" },
            "parameters": { "type": "object", "additionalProperties": true },
            "createdAt": { "type": "string", "readOnly": true }
        } });
        let copy = json!({ "type": "object", "description": "a node", "properties": {
            "name": { "type": "string", "example": "Jira" },
            "parameters": { "type": "object", "additionalProperties": { "nullable": true } },
            "createdAt": { "type": "string" }
        } });
        let mut different = copy.clone();
        different["properties"]["name"] = json!({ "type": "integer" });
        let body = json!({ "type": "object", "properties": {
            "nodes": { "type": "array", "items": copy },
            "other": { "type": "array", "items": different }
        } });
        let mut doc = spec(
            json!({ "/w": { "put": {
                "requestBody": { "content": { "application/json": { "schema": body } } },
                "responses": { "200": { "description": "ok" } } } } }),
            json!({ "node": node, "holder": { "type": "object", "properties": { "n": copy } } }),
        );
        let log = run("repeated-schemas", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /paths/~1w/put/requestBody/content/application~1json/schema/properties/nodes/items -> `node`
        /components/schemas/holder/properties/n -> `node`
        ");
        assert_eq!(
            doc.pointer("/components/schemas/node/properties/name/type").unwrap(),
            "string"
        );
        assert!(
            doc.pointer(
                "/paths/~1w/put/requestBody/content/application~1json/schema/properties/other/items/properties"
            )
            .is_some()
        );
    }
}
