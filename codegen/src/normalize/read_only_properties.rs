//! Rule `read-only-properties`. n8n quirk: request bodies list the server's own fields (`id`,
//! `createdAt`, `active`, `versionId`, ...) marked `readOnly`, so the client offers setters for
//! values n8n ignores or refuses, and a body built from a response would send them back.
//!
//! Properties marked `readOnly` are removed from request body schemas written inline (and from
//! their `required` lists). Shared components keep them: responses use them too.

use serde_json::{Map, Value};

use super::{Log, Rule, op_label};
use crate::Result;

pub const RULE: Rule = Rule {
    name: "read-only-properties",
    quirk: "request bodies list server-owned readOnly fields (id, createdAt, active, ...)",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) -> Result<()> {
    super::for_each_operation(doc, |path, method, op| {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            return Ok(());
        };
        for (media, body) in content.iter_mut() {
            if let Some(schema) = body.get_mut("schema").and_then(Value::as_object_mut) {
                let mut removed = Vec::new();
                strip(schema, "", &mut removed);
                if !removed.is_empty() {
                    log.change(format!(
                        "{} {media}: removed {}",
                        op_label(method, path),
                        removed.join(", ")
                    ));
                }
            }
        }
        Ok(())
    })
}

/// Removes read-only properties of `schema` and of the inline schemas inside it.
fn strip(schema: &mut Map<String, Value>, at: &str, removed: &mut Vec<String>) {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        let gone: Vec<String> = props
            .iter()
            .filter(|(_, p)| p.get("readOnly") == Some(&Value::Bool(true)))
            .map(|(k, _)| k.clone())
            .collect();
        for name in &gone {
            props.shift_remove(name);
            removed.push(format!("`{at}{name}`"));
        }
        for (name, prop) in props.iter_mut() {
            if let Some(prop) = prop.as_object_mut() {
                strip(prop, &format!("{at}{name}."), removed);
            }
        }
        if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r.as_str().is_none_or(|r| !gone.iter().any(|g| g == r)));
        }
    }
    if let Some(items) = schema.get_mut("items").and_then(Value::as_object_mut) {
        strip(items, &format!("{at}[]."), removed);
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
            json!({ "/w": { "put": {
                "requestBody": { "content": { "application/json": { "schema": body } } },
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/node" } } } } } } } }),
            json!({ "node": { "type": "object", "properties": { "createdAt": { "type": "string", "readOnly": true } } } }),
        );
        let log = run("read-only-properties", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"PUT /w application/json: removed `id`, `tags.[].createdAt`");
        let schema = doc
            .pointer("/paths/~1w/put/requestBody/content/application~1json/schema")
            .unwrap();
        assert_eq!(schema["required"], json!(["name"]));
        assert!(schema.pointer("/properties/tags/items/properties/id").is_some());
        assert!(doc.pointer("/components/schemas/node/properties/createdAt").is_some());
    }
}
