//! Rule `row-filters`. n8n quirk: a data-table row filter (`{type: and|or, filters: [{columnName,
//! condition, value}]}`) is written inline in each body that takes one (update, upsert: two Rust
//! types of the same shape), and the row list and the row delete take it as a query parameter
//! holding its JSON text (`filter`: a plain `String` a caller builds by hand).
//!
//! Every inline schema of that shape becomes the component `dataTableRowFilter` (its condition
//! `dataTableRowCondition`, the comparison `dataTableRowComparison`, the join `dataTableRowJoin`):
//! one `types::DataTableRowFilter` for every operation that filters rows. A query parameter whose
//! `format` is `jsonString` and whose example is such a filter is marked
//! ([`JSON_OF_EXTENSION`](crate::openapi::JSON_OF_EXTENSION)): the generator lets its setter take
//! a `&DataTableRowFilter`, sent as its JSON.

use serde_json::{Value, json};

use super::{Log, Rule};
use crate::openapi::{JSON_OF_EXTENSION, walk_schema_objects_mut};

pub const RULE: Rule = Rule {
    name: "row-filters",
    quirk: "one row filter, three forms: two inline body types and a JSON string in queries",
    purpose: super::Purpose::Shape,
    apply,
};

const FILTER: &str = "dataTableRowFilter";

/// The filter's shape: `filters` of `{columnName, condition, value}` and a `type` join.
fn is_row_filter(schema: &Value) -> bool {
    let item = schema.pointer("/properties/filters/items/properties");
    item.is_some_and(|p| ["columnName", "condition", "value"].iter().all(|k| p.get(*k).is_some()))
        && schema.pointer("/properties/type/enum").is_some()
}

/// The filter split into its components (condition, comparison, join), from the first one met.
fn components(filter: &Value) -> Vec<(String, Value)> {
    let mut filter = filter.clone();
    let mut out = Vec::new();
    if let Some(cmp) = filter.pointer_mut("/properties/filters/items/properties/condition") {
        out.push((
            "dataTableRowComparison".to_string(),
            std::mem::replace(cmp, json!({ "$ref": "#/components/schemas/dataTableRowComparison" })),
        ));
    }
    if let Some(join) = filter.pointer_mut("/properties/type") {
        let mut join_schema = std::mem::replace(join, json!({ "$ref": "#/components/schemas/dataTableRowJoin" }));
        if let Some(m) = join_schema.as_object_mut() {
            m.shift_remove("description");
        }
        out.push(("dataTableRowJoin".to_string(), join_schema));
    }
    if let Some(item) = filter.pointer_mut("/properties/filters/items") {
        out.push((
            "dataTableRowCondition".to_string(),
            std::mem::replace(item, json!({ "$ref": "#/components/schemas/dataTableRowCondition" })),
        ));
    }
    if let Some(m) = filter.as_object_mut() {
        m.insert(
            "description".into(),
            json!("Which rows: conditions on their columns, joined by `and` (every one holds, n8n's default) or `or`."),
        );
    }
    out.push((FILTER.to_string(), filter));
    out
}

fn apply(doc: &mut Value, log: &mut Log) {
    let mut first: Option<Value> = None;
    let mut replaced = Vec::new();
    let reference = json!({ "$ref": format!("#/components/schemas/{FILTER}") });
    for root in ["/paths", "/components/schemas"] {
        let Some(v) = doc.pointer_mut(root) else { continue };
        walk_schema_objects_mut(v, root, &mut |pointer, map| {
            let schema = Value::Object(map.clone());
            if !is_row_filter(&schema) {
                return crate::openapi::Walk::Into;
            }
            let description = map.get("description").cloned();
            first.get_or_insert(schema);
            *map = reference.as_object().cloned().unwrap_or_default();
            if let Some(d) = description {
                // A `$ref`'s siblings are ignored by OpenAPI 3.0; the doc stays for readers.
                map.insert("description".into(), d);
            }
            replaced.push(pointer.to_string());
            crate::openapi::Walk::Skip
        });
    }
    let Some(filter) = first else { return };
    for p in &replaced {
        log.change(format!("{p} -> {FILTER}"));
    }
    crate::openapi::add_component_schemas(doc, components(&filter));
    mark_query_parameters(doc, log);
}

/// `filter` query parameters holding a row filter's JSON (by their example).
fn mark_query_parameters(doc: &mut Value, log: &mut Log) {
    crate::openapi::for_each_parameter_mut(doc, |pointer, p| {
        let schema = p.get("schema");
        let json_text = schema.and_then(|s| s.get("format")).and_then(Value::as_str) == Some("jsonString");
        let example = p
            .get("example")
            .or_else(|| schema.and_then(|s| s.get("example")))
            .and_then(Value::as_str)
            .and_then(|e| serde_json::from_str::<Value>(e).ok());
        let holds_filter = example.is_some_and(|e| e.get("filters").is_some_and(Value::is_array));
        if json_text
            && holds_filter
            && let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut)
        {
            schema.insert(JSON_OF_EXTENSION.into(), json!(FILTER));
            log.change(format!("{pointer}: the JSON of a {FILTER}"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn one_row_filter_for_bodies_and_queries() {
        let filter = |d: &str| {
            json!({ "type": "object", "description": d, "required": ["filters"], "properties": {
                "type": { "type": "string", "enum": ["and", "or"] },
                "filters": { "type": "array", "items": { "type": "object", "required": ["columnName", "condition", "value"], "properties": {
                    "columnName": { "type": "string" }, "condition": { "type": "string", "enum": ["eq", "gt"] }, "value": {} } } }
            } })
        };
        let mut doc = spec(
            json!({ "/rows": { "get": { "parameters": [
                { "name": "filter", "in": "query", "schema": { "type": "string", "format": "jsonString" },
                  "example": "{\"type\":\"and\",\"filters\":[{\"columnName\":\"a\",\"condition\":\"eq\",\"value\":1}]}" },
                { "name": "filter2", "in": "query", "schema": { "type": "string", "format": "jsonString" }, "example": "{\"name\":\"x\"}" }
            ], "responses": {} } } }),
            json!({
                "updateRows": { "type": "object", "properties": { "filter": filter("for update") } },
                "upsertRow": { "type": "object", "properties": { "filter": filter("for upsert") } }
            }),
        );
        insta::assert_snapshot!(run("row-filters", &mut doc).join("\n"), @r"
        /components/schemas/updateRows/properties/filter -> dataTableRowFilter
        /components/schemas/upsertRow/properties/filter -> dataTableRowFilter
        /paths/~1rows/get/parameters/0: the JSON of a dataTableRowFilter
        ");
        assert_eq!(
            doc.pointer("/components/schemas/upsertRow/properties/filter/$ref"),
            Some(&json!("#/components/schemas/dataTableRowFilter"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/dataTableRowComparison/enum"),
            Some(&json!(["eq", "gt"]))
        );
        assert_eq!(
            doc.pointer("/paths/~1rows/get/parameters/0/schema/x-n8n-api-json-of"),
            Some(&json!("dataTableRowFilter"))
        );
        assert!(
            doc.pointer("/paths/~1rows/get/parameters/1/schema/x-n8n-api-json-of")
                .is_none()
        );
    }
}
