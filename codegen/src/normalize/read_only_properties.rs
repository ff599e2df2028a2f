//! Rule `read-only-properties`. n8n quirk: request bodies list the server's own fields (`id`,
//! `createdAt`, `active`, `versionId`, ...) marked `readOnly`, so the client offers setters for
//! values n8n ignores or refuses, and a body built from a response would send them back.
//!
//! Properties marked `readOnly` are removed from request body schemas written inline (and from
//! their `required` lists). A body that is a component with read-only properties (older specs
//! send the `workflow` resource itself to `PUT /workflows/{id}`) is first replaced by an inline
//! copy, so it loses them too (and is named after its operation, `UpdateWorkflowBody`). Shared
//! components nested in bodies keep them, since answers use them too, but are marked
//! ([`READ_ONLY`](crate::openapi::markers::READ_ONLY)): the generator never serializes such a field,
//! so no request carries it.

use serde_json::{Map, Value};

use super::{Log, Rule, op_label};

pub const RULE: Rule = Rule {
    name: "read-only-properties",
    quirk: "request bodies list server-owned readOnly fields (id, createdAt, active, ...)",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    inline_component_bodies(doc, log);
    strip_inline_bodies(doc, log);
    mark_carried_components(doc, log);
}

/// A request body that is a `$ref` to a component with read-only properties becomes a copy of it.
fn inline_component_bodies(doc: &mut Value, log: &mut Log) {
    let snapshot = doc.clone();
    super::for_each_operation(doc, |path, method, op| {
        let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) else {
            return;
        };
        for (media, body) in content.iter_mut() {
            let Some(schema) = body.get_mut("schema") else { continue };
            let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(super::schema_ref_name)
            else {
                continue;
            };
            let Some(component) = super::resolve(&snapshot, schema) else {
                continue;
            };
            if super::properties(component).any(|(_, p)| read_only(&snapshot, p)) {
                *schema = component.clone();
                log.change(format!(
                    "{} {media}: body `{name}` copied inline (it has read-only properties)",
                    op_label(method, path)
                ));
            }
        }
    });
}

/// Read-only properties of components a request can carry get the read-only marker.
fn mark_carried_components(doc: &mut Value, log: &mut Log) {
    use crate::openapi::markers::READ_ONLY;
    let carried = super::request_components(doc);
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (name, schema) in schemas.iter_mut().filter(|(n, _)| carried.contains(*n)) {
        super::walk_schema_objects_mut(schema, "", &mut |_, map| {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (prop_name, p) in props.iter_mut() {
                    let Some(p) = p.as_object_mut() else { continue };
                    if p.get("readOnly") != Some(&Value::Bool(true)) {
                        continue;
                    }
                    let description = p.get("description").and_then(Value::as_str).unwrap_or_default();
                    if !description.contains(READ_ONLY) {
                        let text = format!("{} {READ_ONLY}", description.trim_end())
                            .trim_start()
                            .to_string();
                        p.insert("description".into(), Value::String(text));
                        log.change(format!("{name}.{prop_name}: read-only, never sent"));
                    }
                }
            }
            super::Walk::Into
        });
    }
}

/// A property is read-only when its schema says so, or the component it refers to does (older
/// specs: `activeVersion: {$ref: activeVersion}` with `activeVersion: {readOnly: true, ..}`).
fn read_only(doc: &Value, prop: &Value) -> bool {
    let flag = |v: &Value| v.get("readOnly") == Some(&Value::Bool(true));
    flag(prop) || super::resolve(doc, prop).is_some_and(flag)
}

fn strip_inline_bodies(doc: &mut Value, log: &mut Log) {
    let snapshot = doc.clone();
    super::for_each_operation(doc, |path, method, op| {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        for (media, body) in content.iter_mut() {
            if let Some(schema) = body.get_mut("schema").and_then(Value::as_object_mut) {
                let mut removed = Vec::new();
                strip(&snapshot, schema, "", &mut removed);
                if !removed.is_empty() {
                    log.change(format!(
                        "{} {media}: removed {}",
                        op_label(method, path),
                        removed.join(", ")
                    ));
                }
            }
        }
    })
}

/// Removes read-only properties of `schema` and of the inline schemas inside it.
fn strip(doc: &Value, schema: &mut Map<String, Value>, at: &str, removed: &mut Vec<String>) {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        let gone: Vec<String> = props
            .iter()
            .filter(|(_, p)| read_only(doc, p))
            .map(|(k, _)| k.clone())
            .collect();
        for name in &gone {
            props.shift_remove(name);
            removed.push(format!("`{at}{name}`"));
        }
        for (name, prop) in props.iter_mut() {
            if let Some(prop) = prop.as_object_mut() {
                strip(doc, prop, &format!("{at}{name}."), removed);
            }
        }
        if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r.as_str().is_none_or(|r| !gone.iter().any(|g| g == r)));
        }
    }
    if let Some(items) = schema.get_mut("items").and_then(Value::as_object_mut) {
        strip(doc, items, &format!("{at}[]."), removed);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn read_only_properties_leave_inline_request_bodies() {
        let body = json!({ "type": "object", "required": ["id", "name"], "properties": {
            "id": { "type": "string", "readOnly": true },
            "name": { "type": "string" },
            "tags": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "string" }, "createdAt": { "type": "string", "readOnly": true } } } },
            "node": { "$ref": "#/components/schemas/node" }
        } });
        let mut doc = spec(
            json!({
                "/w": { "put": {
                    "requestBody": { "content": { "application/json": { "schema": body } } },
                    "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/node" } } } } } } },
                "/old": { "put": {
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/workflow" } } } },
                    "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/workflow" } } } } } } }
            }),
            json!({
                "node": { "type": "object", "properties": { "createdAt": { "type": "string", "readOnly": true } } },
                "workflow": { "type": "object", "required": ["id", "name"], "properties": {
                    "id": { "type": "string", "readOnly": true }, "name": { "type": "string" },
                    "activeVersion": { "$ref": "#/components/schemas/activeVersion" } } },
                "activeVersion": { "type": "object", "readOnly": true, "nullable": true }
            }),
        );
        let log = run("read-only-properties", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        PUT /old application/json: body `workflow` copied inline (it has read-only properties)
        PUT /w application/json: removed `id`, `tags.[].createdAt`
        PUT /old application/json: removed `id`, `activeVersion`
        node.createdAt: read-only, never sent
        ");
        let old = doc
            .pointer("/paths/~1old/put/requestBody/content/application~1json/schema")
            .unwrap();
        assert_eq!(old["required"], json!(["name"]));
        assert!(doc.pointer("/components/schemas/workflow/properties/id").is_some());
        let schema = doc
            .pointer("/paths/~1w/put/requestBody/content/application~1json/schema")
            .unwrap();
        assert_eq!(schema["required"], json!(["name"]));
        assert!(schema.pointer("/properties/tags/items/properties/id").is_some());
        assert!(doc.pointer("/components/schemas/node/properties/createdAt").is_some());
    }
}
