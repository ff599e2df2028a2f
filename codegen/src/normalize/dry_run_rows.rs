//! Rule `dry-run-rows` (spec patch). n8n quirk: with `dryRun: true`, the row operations answer a
//! list of `before`/`after` pairs, marked `dryRunState`, where a side that does not exist has
//! every column `null` (`id`, `createdAt` and `updatedAt` too); and they do so even when
//! `returnData` is false. The spec knows neither the marker nor the nulls.
//!
//! Evidence (n8n 2.40.7), all `200`:
//! - `PATCH /api/v1/data-tables/{id}/rows/update {"filter":…,"data":{"n":12},"dryRun":true}` →
//!   `[{…row…,"dryRunState":"before"},{…row with n=12…,"dryRunState":"after"}]`
//! - `POST …/rows/upsert` that would insert, with `dryRun` →
//!   `[{"id":null,"createdAt":null,"updatedAt":null,"title":null,"n":null,"dryRunState":"before"},{"id":0,…,"dryRunState":"after"}]`
//! - `DELETE …/rows/delete?filter=…&dryRun=true` →
//!   `[{…row…,"dryRunState":"before"},{"id":null,"createdAt":null,"updatedAt":null,…,"dryRunState":"after"}]`
//! - spec: the row items (`dataTableRow`) declare `id: integer`, `createdAt`/`updatedAt: date-time`,
//!   none nullable, no `dryRunState`; the array alternative is described "when returnData is true".
//!
//! Pattern: an operation with a `dryRun` switch (query parameter or body property) whose success
//! `oneOf` has an array-of-rows alternative gets a first alternative: an array of the row schema
//! with every property nullable and a required `dryRunState: before | after` (a component named
//! after the row, `<row>-dry-run`). A `oneOf` that already mentions `dryRunState` is right (logged
//! as unneeded).

use serde_json::{Map, Value, json};

use super::{Log, Rule, op_label, resolve, schema_ref, schema_ref_name};

pub const RULE: Rule = Rule {
    name: "dry-run-rows",
    quirk: "dry-run row answers are before/after pairs with null columns and a dryRunState marker",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    let mut added: Vec<(String, Value)> = Vec::new();
    super::for_each_operation(doc, |path, method, op| {
        if !has_dry_run_switch(&root, op) {
            return;
        }
        let label = op_label(method, path);
        let answer = op
            .get_mut("responses")
            .and_then(|r| r.pointer_mut("/200/content/application~1json/schema/oneOf"));
        let Some(Value::Array(alternatives)) = answer else {
            return;
        };
        if serde_json::to_string(&*alternatives).is_ok_and(|s| s.contains("dryRunState")) {
            log.unneeded(format!("{label}: the answer already describes dry-run rows"));
            return;
        }
        let Some(row) = alternatives.iter().find_map(row_ref) else {
            return;
        };
        let name = format!("{row}-dry-run");
        if !added.iter().any(|(n, _)| *n == name)
            && let Some(schema) = root.pointer(&format!("/components/schemas/{}", super::pointer_escape(&row)))
        {
            added.push((name.clone(), dry_run_row(schema)));
        }
        title_rows(alternatives);
        alternatives.insert(
            0,
            json!({ "type": "array", "items": { "$ref": schema_ref(&name) }, "title": "dryRun",
                    "description": "Each affected row before and after the change, when dryRun is true (nothing is written)" }),
        );
        log.change(format!(
            "{label}: dry-run answer `{name}` (before/after pairs, null columns)"
        ));
    });
    super::add_component_schemas(doc, added);
}

fn has_dry_run_switch(root: &Value, op: &Map<String, Value>) -> bool {
    let in_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(root, p))
        .any(|p| p.get("name") == Some(&json!("dryRun")));
    let in_body = op
        .get("requestBody")
        .and_then(|b| resolve(root, b))
        .and_then(|b| b.pointer("/content/application~1json/schema"))
        .and_then(|s| resolve(root, s))
        .is_some_and(|s| s.pointer("/properties/dryRun").is_some());
    in_query || in_body
}

/// The component named by an array alternative's items (`items: {$ref: …/dataTableRow}`).
fn row_ref(alternative: &Value) -> Option<String> {
    if alternative.get("type") != Some(&json!("array")) {
        return None;
    }
    schema_ref_name(alternative.pointer("/items/$ref")?.as_str()?)
}

/// Names the untitled array-of-rows alternatives `rows` (Rust: the union's `Rows` variant, beside
/// `DryRun`, `Ids`, ... instead of `Variant1`).
pub(super) fn title_rows(alternatives: &mut [Value]) {
    for alt in alternatives.iter_mut() {
        if row_ref(alt).is_some()
            && let Some(alt) = alt.as_object_mut()
        {
            alt.entry("title").or_insert_with(|| json!("rows"));
        }
    }
}

/// The row schema with every property nullable and the `dryRunState` marker.
fn dry_run_row(row: &Value) -> Value {
    let mut out = row.clone();
    if let Some(Value::Object(props)) = out.get_mut("properties") {
        for p in props.values_mut().filter_map(Value::as_object_mut) {
            p.insert("nullable".into(), Value::Bool(true));
        }
        props.insert(
            "dryRunState".into(),
            json!({ "type": "string", "enum": ["before", "after"],
                    "description": "Whether this is the row before or after the change" }),
        );
    }
    out["required"] = json!(["dryRunState"]);
    out["description"] = json!(
        "A row as it would be before or after a change (dry run); a side that does not exist has every column null"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn dry_runs_answer_before_and_after_rows() {
        let answer = json!({ "oneOf": [
            { "type": "boolean" },
            { "type": "array", "items": { "$ref": "#/components/schemas/row" } }
        ] });
        let mut update = op_200(answer.clone());
        update["requestBody"] = json!({ "content": { "application/json": { "schema": {
            "type": "object", "properties": { "dryRun": { "type": "boolean" } } } } } });
        let mut delete = op_200(answer.clone());
        delete["parameters"] = json!([{ "name": "dryRun", "in": "query", "schema": { "type": "boolean" } }]);
        let mut fixed = op_200(
            json!({ "oneOf": [{ "type": "array", "items": { "type": "object", "properties": { "dryRunState": {} } } }] }),
        );
        fixed["parameters"] = delete["parameters"].clone();
        let mut doc = spec(
            json!({
                "/rows/update": { "patch": update },
                "/rows/delete": { "delete": delete },
                "/rows/fixed": { "delete": fixed },
                "/rows": { "get": op_200(answer) }
            }),
            json!({ "row": { "type": "object", "properties": { "id": { "type": "integer" } }, "additionalProperties": true } }),
        );
        let log = run_all("dry-run-rows", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        PATCH /rows/update: dry-run answer `row-dry-run` (before/after pairs, null columns)
        DELETE /rows/delete: dry-run answer `row-dry-run` (before/after pairs, null columns)
        unneeded: DELETE /rows/fixed: the answer already describes dry-run rows
        ");
        let row = doc.pointer("/components/schemas/row-dry-run").unwrap();
        assert_eq!(row["properties"]["id"]["nullable"], true);
        assert_eq!(row["required"], json!(["dryRunState"]));
        assert_eq!(row["additionalProperties"], true);
        let alternatives = doc
            .pointer("/paths/~1rows~1update/patch/responses/200/content/application~1json/schema/oneOf")
            .unwrap();
        assert_eq!(alternatives[0]["items"]["$ref"], "#/components/schemas/row-dry-run");
        assert_eq!(
            doc.pointer("/paths/~1rows/get/responses/200/content/application~1json/schema/oneOf")
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
}
