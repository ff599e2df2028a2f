//! Rule `insert-count-result` (spec patch). n8n quirk: the "count" answer of a row insert is
//! `{success, insertedRows}`, the spec says `{count}`. Nothing in the spec's object is required,
//! so the real body still matches it: the client decodes `count: None` and drops the real count.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/data-tables/{id}/rows` `{"data":[{"title":"a","n":1},{"title":"b","n":2}]}`
//!   (and with `"returnType":"count"`, the default).
//! - real response: `200 {"success":true,"insertedRows":2}`
//! - spec (`insert-data-table-rows` 200): `oneOf: [{type: object, properties: {count: integer},
//!   description: "Number of rows inserted (when returnType is 'count')"}, {type: array, items:
//!   integer, …}, {type: array, items: dataTableRow, …}]`.
//! - server code: `DataTableService.insertRows` returns `{ success: true, insertedRows }` for
//!   `returnType: 'count'`; the handler sends it as is.
//!
//! Pattern: an object alternative of a response `oneOf` whose only property is an integer `count`
//! and whose description names the `count` return type. It becomes `{success: boolean,
//! insertedRows: integer}`, both required (so that the union can tell it from the others). An
//! alternative that already has `insertedRows` is right (logged as unneeded).

use serde_json::{Map, Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "insert-count-result",
    quirk: "a row insert's count answer is {success, insertedRows}, the spec says {count}",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_one_of_mut(doc, |pointer, alternatives| {
        for (i, alt) in alternatives.iter_mut().enumerate() {
            let Some(alt) = alt.as_object_mut() else { continue };
            if has_property(alt, "insertedRows") {
                log.unneeded(format!("{pointer}/oneOf/{i}: the count answer has insertedRows"));
            } else if is_count_alternative(alt) {
                alt.insert(
                    "properties".into(),
                    json!({ "success": { "type": "boolean" }, "insertedRows": { "type": "integer" } }),
                );
                alt.insert("required".into(), json!(["success", "insertedRows"]));
                alt.insert("title".into(), json!("count"));
                log.change(format!("{pointer}/oneOf/{i}: {{count}} -> {{success, insertedRows}}"));
            }
        }
    });
}

fn has_property(alt: &Map<String, Value>, name: &str) -> bool {
    alt.get("properties").and_then(|p| p.get(name)).is_some()
}

fn is_count_alternative(alt: &Map<String, Value>) -> bool {
    let Some(Value::Object(props)) = alt.get("properties") else {
        return false;
    };
    let described = alt
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| d.contains("'count'"));
    described
        && props.len() == 1
        && props.get("count").and_then(|c| c.get("type")) == Some(&json!("integer"))
        && !alt.contains_key("required")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn the_count_answer_has_success_and_inserted_rows() {
        let count = json!({ "type": "object", "properties": { "count": { "type": "integer" } },
            "description": "Number of rows inserted (when returnType is 'count')" });
        let fixed = json!({ "type": "object", "properties": { "success": { "type": "boolean" }, "insertedRows": { "type": "integer" } } });
        let ids = json!({ "type": "array", "items": { "type": "integer" } });
        let mut doc = spec(
            json!({
                "/rows": { "post": op_200(json!({ "oneOf": [count, ids] })) },
                "/fixed": { "post": op_200(json!({ "oneOf": [fixed, ids] })) },
                "/other": { "get": op_200(json!({ "oneOf": [{ "type": "object", "properties": { "count": { "type": "integer" } } }] })) }
            }),
            json!({}),
        );
        let log = run_all("insert-count-result", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /paths/~1rows/post/responses/200/content/application~1json/schema/oneOf/0: {count} -> {success, insertedRows}
        unneeded: /paths/~1fixed/post/responses/200/content/application~1json/schema/oneOf/0: the count answer has insertedRows
        ");
        let alt = doc
            .pointer("/paths/~1rows/post/responses/200/content/application~1json/schema/oneOf/0")
            .unwrap();
        assert_eq!(alt["required"], json!(["success", "insertedRows"]));
        assert!(alt["properties"].get("count").is_none());
    }
}
