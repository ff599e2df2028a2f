//! Rule `row-array-results` (spec patch). n8n quirk: with `returnData: true` the row upsert
//! answers an array of rows (one per affected row), the spec says a single row; the client cannot
//! decode the answer.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/data-tables/{id}/rows/upsert`
//!   `{"filter":{"type":"and","filters":[{"columnName":"title","condition":"eq","value":"z"}]},"data":{"title":"z","n":101},"returnData":true}`
//! - real response: `200 [{"title":"z","n":101,"ok":null,"at":null,"id":6,"createdAt":"…","updatedAt":"…"}]`
//!   (an array whether the row was inserted or updated).
//! - spec (`upsert-data-table-row` 200): `oneOf: [{type: boolean}, {allOf: [dataTableRow],
//!   description: "Upserted row when returnData is true"}]`; the update and delete operations of
//!   the same rows describe the same switch as "array of dataTableRow".
//! - server code: `DataTableService.upsertRow` returns the rows of its update-or-insert.
//!
//! Pattern: a `oneOf` alternative described as returned "when returnData is true" that is a single
//! object (inline, `$ref`, or a one-member `allOf`) becomes an array of that object. One that is
//! already an array is right (logged as unneeded).

use serde_json::{Map, Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "row-array-results",
    quirk: "a row upsert with returnData answers an array of rows, the spec says one row",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_one_of_mut(doc, |pointer, alternatives| {
        for (i, alt) in alternatives.iter_mut().enumerate() {
            let Some(obj) = alt.as_object() else { continue };
            if !returned_with_return_data(obj) {
                continue;
            }
            let at = format!("{pointer}/oneOf/{i}");
            if obj.get("type") == Some(&json!("array")) {
                log.unneeded(format!("{at}: already an array"));
                continue;
            }
            let description = obj.get("description").cloned().unwrap_or(Value::Null);
            *alt = json!({ "type": "array", "items": single(obj), "description": description, "title": "rows" });
            log.change(format!("{at}: one row -> an array of rows"));
        }
    });
}

fn returned_with_return_data(alt: &Map<String, Value>) -> bool {
    alt.get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| d.contains("when returnData is true"))
}

/// The object an alternative describes, without its description (and without a one-member
/// `allOf` around a `$ref`).
fn single(alt: &Map<String, Value>) -> Value {
    if let Some(Value::Array(all)) = alt.get("allOf")
        && let [only] = &all[..]
    {
        return only.clone();
    }
    let mut out = alt.clone();
    out.shift_remove("description");
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn rows_returned_with_return_data_are_an_array() {
        let row = json!({ "$ref": "#/components/schemas/row" });
        let mut doc = spec(
            json!({
                "/upsert": { "post": op_200(json!({ "oneOf": [
                    { "type": "boolean", "description": "True when returnData is false" },
                    { "allOf": [row], "description": "Upserted row when returnData is true" }
                ] })) },
                "/update": { "patch": op_200(json!({ "oneOf": [
                    { "type": "array", "items": row, "description": "Updated rows when returnData is true" }
                ] })) }
            }),
            json!({ "row": { "type": "object" } }),
        );
        let log = run_all("row-array-results", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /paths/~1upsert/post/responses/200/content/application~1json/schema/oneOf/1: one row -> an array of rows
        unneeded: /paths/~1update/patch/responses/200/content/application~1json/schema/oneOf/0: already an array
        ");
        let alt = doc
            .pointer("/paths/~1upsert/post/responses/200/content/application~1json/schema/oneOf/1")
            .unwrap();
        assert_eq!(alt["type"], "array");
        assert_eq!(alt["items"], row);
    }
}
