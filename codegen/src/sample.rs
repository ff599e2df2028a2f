//! Minimal instances of schemas: for tests and benchmarks that need a body the spec accepts.

use serde_json::{Map, Value, json};

/// A minimal value of `schema` (resolved against `doc`): required properties only (of every
/// `allOf` member too), the first enum value, the first `oneOf`/`anyOf` alternative, and
/// placeholders (`"x"`, `1`, `false`,
/// a fixed date-time).
pub fn instance(doc: &Value, schema: &Value) -> Value {
    instance_at(doc, schema, 0)
}

fn instance_at(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 32 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => instance_at(doc, target, depth + 1),
            None => Value::Null,
        };
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return e.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        // One member and nothing of its own (`allOf: [$ref]`, to add `nullable` or a
        // description): the member's instance, whatever its type.
        if let [only] = all.as_slice()
            && schema.get("properties").is_none()
        {
            return instance_at(doc, only, depth + 1);
        }
        // Every member's required members, and the schema's own.
        let mut out = Map::new();
        for member in all {
            if let Value::Object(m) = instance_at(doc, member, depth + 1) {
                out.extend(m);
            }
        }
        if let Value::Object(own) = required_members(doc, schema, depth) {
            out.extend(own);
        }
        return Value::Object(out);
    }
    if let Some(alt) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return instance_at(doc, alt, depth + 1);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            json!("2026-01-01T00:00:00Z")
        }
        Some("string") => json!("x"),
        Some("boolean") => json!(false),
        Some("integer") | Some("number") => json!(1),
        Some("array") => json!([]),
        _ => required_members(doc, schema, depth),
    }
}

/// An object of the required properties of `schema`.
fn required_members(doc: &Value, schema: &Value, depth: usize) -> Value {
    let required = crate::openapi::required_names(schema);
    let mut out = Map::new();
    for (k, v) in crate::openapi::properties(schema) {
        if required.contains(&k.as_str()) {
            out.insert(k.clone(), instance_at(doc, v, depth + 1));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::instance;

    #[test]
    fn a_single_all_of_is_its_member() {
        let doc = json!({ "components": { "schemas": { "role": { "type": "string", "enum": ["global:owner"] } } } });
        let schema = json!({ "allOf": [{ "$ref": "#/components/schemas/role" }], "nullable": true });
        assert_eq!(instance(&doc, &schema), json!("global:owner"));
    }

    #[test]
    fn all_of_merges_the_required_members_of_each_part() {
        let doc = json!({ "components": { "schemas": {
            "common": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "x": { "type": "string" } } }
        } } });
        let schema = json!({ "allOf": [
            { "$ref": "#/components/schemas/common" },
            { "type": "object", "required": ["type"], "properties": { "type": { "enum": ["webhook"] } } }
        ] });
        assert_eq!(instance(&doc, &schema), json!({ "id": "x", "type": "webhook" }));
    }
}
