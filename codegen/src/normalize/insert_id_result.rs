//! Rule `insert-id-result` (spec patch). n8n quirk: the "id" answer of a row insert is a list of
//! `{"id": n}` objects, the spec says a list of integers. The real body then matches the spec's
//! "all rows" alternative instead, and the client silently reads ids as (empty) rows.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/data-tables/{id}/rows` `{"data":[{"title":"a"}],"returnType":"id"}`
//! - real response: `200 [{"id":4}]`
//! - spec (`insert-data-table-rows` 200): second `oneOf` alternative `{type: array, items: {type:
//!   integer}, description: "Array of inserted row IDs (when returnType is 'id')"}`, third
//!   `{type: array, items: dataTableRow}` ("when returnType is 'all'"), whose row schema lists
//!   `id`, `createdAt`, `updatedAt` without requiring any.
//! - server code: `DataTableService.insertRows` maps inserted rows to `{ id }` for `returnType: 'id'`.
//!
//! Pattern: a `oneOf` alternative of integer items described as the `'id'` return type. Its items
//! become `{id: integer}` (required), and it moves after the array-of-rows alternatives; so that
//! the two can be told apart, the row schema those alternatives name requires the columns it
//! declares (a stored row always has its system columns: `id`, `createdAt`, `updatedAt`; rows
//! that may lack them are the dry-run rows of the `dry-run-rows` rule, a schema of their own).
//! Items that are already objects with an `id` are right (logged as unneeded).

use serde_json::{Value, json};

use super::{Log, Rule, schema_ref_name};

pub const RULE: Rule = Rule {
    name: "insert-id-result",
    quirk: "a row insert's id answer is [{id}], the spec says [integer] (decoded as rows)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut rows: Vec<String> = Vec::new();
    super::for_each_one_of_mut(doc, |pointer, alternatives| {
        let Some(i) = alternatives.iter().position(is_id_alternative) else {
            return;
        };
        let at = format!("{pointer}/oneOf/{i}");
        if alternatives[i].pointer("/items/properties/id").is_some() {
            log.unneeded(format!("{at}: the ids are already {{id}} objects"));
            return;
        }
        let mut ids = alternatives.remove(i);
        ids["items"] = json!({ "type": "object", "title": "insertedRowId", "required": ["id"], "properties": { "id": { "type": "integer" } } });
        ids["title"] = json!("ids");
        let row_names: Vec<String> = alternatives.iter().filter_map(row_name).collect();
        super::dry_run_rows::title_rows(alternatives);
        alternatives.push(ids);
        log.change(format!("{at}: [integer] -> [{{id}}], after the row alternatives"));
        rows.extend(row_names);
    });
    rows.sort();
    rows.dedup();
    for name in rows {
        require_declared(doc, &name, log);
    }
}

fn is_id_alternative(alt: &Value) -> bool {
    alt.get("type") == Some(&json!("array"))
        && alt
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains("'id'"))
}

/// The row component an array alternative lists (`items: {$ref: …/dataTableRow}`).
fn row_name(alt: &Value) -> Option<String> {
    (alt.get("type") == Some(&json!("array")))
        .then(|| {
            alt.pointer("/items/$ref")
                .and_then(Value::as_str)
                .and_then(schema_ref_name)
        })
        .flatten()
}

/// The row schema `name` requires every property it declares.
fn require_declared(doc: &mut Value, name: &str, log: &mut Log) {
    let at = format!("/components/schemas/{}", super::pointer_escape(name));
    let Some(schema) = doc.pointer_mut(&at) else { return };
    let declared: Vec<String> = super::properties(schema).map(|(k, _)| k.clone()).collect();
    if declared.is_empty() || super::required_names(schema).len() == declared.len() {
        return;
    }
    schema["required"] = json!(declared);
    log.change(format!("{at}: a stored row has {}: required", declared.join(", ")));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn inserted_ids_are_objects_told_apart_from_rows() {
        let ids = json!({ "type": "array", "items": { "type": "integer" }, "description": "Array of inserted row IDs (when returnType is 'id')" });
        let rows = json!({ "type": "array", "items": { "$ref": "#/components/schemas/row" }, "description": "(when returnType is 'all')" });
        let fixed = json!({ "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" } } }, "description": "(when returnType is 'id')" });
        let mut doc = spec(
            json!({
                "/rows": { "post": op_200(json!({ "oneOf": [{ "type": "object" }, ids, rows] })) },
                "/fixed": { "post": op_200(json!({ "oneOf": [fixed] })) }
            }),
            json!({ "row": { "type": "object", "properties": { "id": { "type": "integer" }, "createdAt": { "type": "string" } },
                             "additionalProperties": true } }),
        );
        let log = run_all("insert-id-result", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /paths/~1rows/post/responses/200/content/application~1json/schema/oneOf/1: [integer] -> [{id}], after the row alternatives
        /components/schemas/row: a stored row has id, createdAt: required
        unneeded: /paths/~1fixed/post/responses/200/content/application~1json/schema/oneOf/0: the ids are already {id} objects
        ");
        let alternatives = doc
            .pointer("/paths/~1rows/post/responses/200/content/application~1json/schema/oneOf")
            .unwrap();
        assert_eq!(alternatives[2]["items"]["required"], json!(["id"]));
        assert_eq!(alternatives[1]["items"]["$ref"], "#/components/schemas/row");
    }
}
