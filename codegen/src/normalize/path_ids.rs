//! Rule `path-ids`. n8n quirk: an execution's id is a string in every response (`"id": "1000"`)
//! and an integer with `minimum: 1` in every path (`/executions/{executionId}`), so the client
//! returns a `String` and wants a `NonZeroU64` back: an id read from a list cannot be passed to
//! the next call without parsing it.
//!
//! A path parameter typed `integer` (or `number`, as up to n8n 2.35) that addresses the items of a collection whose responses give
//! the item's `id` as a string becomes a string parameter (n8n reads path segments as text; the
//! ids it sends back are the ones to use).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Log, Rule, for_each_parameter_schema_mut, operations, resolve};

pub const RULE: Rule = Rule {
    name: "path-ids",
    quirk: "ids that responses give as strings and paths take as integers (executions)",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let params = string_id_params(doc);
    if params.is_empty() {
        return;
    }
    for_each_parameter_schema_mut(doc, |p| {
        let (pointer, name, schema) = (p.pointer, p.name, p.schema);
        if p.location != "path" || !params.contains(name) {
            return;
        }
        let old = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if old == "integer" || old == "number" {
            schema.insert("type".into(), "string".into());
            for k in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format"] {
                schema.shift_remove(k);
            }
            log.change(format!(
                "{pointer} (`{name}`): {old} -> string, as responses give the id"
            ));
        }
    });
}

/// Names of integer path parameters that follow a collection (`/executions/{executionId}`) whose
/// item responses (`GET /executions/{executionId}`, or the list `GET /executions`) have a
/// string `id`.
fn string_id_params(doc: &Value) -> BTreeSet<String> {
    let ops = operations(doc);
    let mut out = BTreeSet::new();
    for (path, _, op) in &ops {
        for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let Some(param) = resolve(doc, param) else { continue };
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default();
            let integer = matches!(
                param.pointer("/schema/type").and_then(Value::as_str),
                Some("integer" | "number")
            );
            if param.get("in").and_then(Value::as_str) != Some("path") || !integer {
                continue;
            }
            let Some(at) = path.find(&format!("/{{{name}}}")) else {
                continue;
            };
            let item_path = &path[..at + name.len() + 3];
            let list_path = &path[..at];
            let item_id = ops
                .iter()
                .filter(|(p, m, _)| *m == "get" && (*p == item_path || *p == list_path))
                .filter_map(|(_, _, op)| op.get("responses")?.pointer("/200/content/application~1json/schema"))
                .filter_map(|s| item_schema(doc, s))
                .filter_map(|s| s.pointer("/properties/id/type").and_then(Value::as_str))
                .next();
            if item_id == Some("string") {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// The object a response carries: itself or the items of a `{data: [...]}` page.
fn item_schema<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let schema = resolve(doc, schema)?;
    match schema.pointer("/properties/data/items") {
        Some(items) => resolve(doc, items),
        None => Some(schema),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn integer_ids_follow_the_string_ids_of_responses() {
        let page = json!({ "type": "object", "properties": { "data": { "type": "array", "items": {
            "type": "object", "properties": { "id": { "type": "string" } } } } } });
        let counter = json!({ "type": "object", "properties": { "id": { "type": "integer" } } });
        let ok = |schema: serde_json::Value| json!({ "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } });
        let id_param = |name: &str| json!([{ "name": name, "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } }]);
        let mut doc = spec(
            json!({
                "/executions": { "get": { "responses": ok(page) } },
                "/executions/{executionId}/stop": { "post": { "parameters": id_param("executionId"), "responses": ok(json!({})) } },
                "/counters/{counterId}": { "get": { "parameters": id_param("counterId"), "responses": ok(counter) } }
            }),
            json!({}),
        );
        let log = run("path-ids", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"/paths/~1executions~1{executionId}~1stop/post/parameters/0 (`executionId`): integer -> string, as responses give the id");
        assert_eq!(
            doc.pointer("/paths/~1executions~1{executionId}~1stop/post/parameters/0/schema")
                .unwrap(),
            &json!({ "type": "string" })
        );
        assert_eq!(
            doc.pointer("/paths/~1counters~1{counterId}/get/parameters/0/schema/type")
                .unwrap(),
            "integer"
        );
    }
}
