//! Rule `present-nulls`. n8n quirk: a nullable property of an answer is listed as optional,
//! while the server sends it with `null` (n8n serializes its entities whole: an unset column is
//! `null`, not left out). Typed as an optional `Option`, the `null` and the absence read the same
//! and re-encode as "absent": a value read and written back (or saved to a file) is not what the
//! server sent.
//!
//! Evidence (n8n 2.40.7): `GET /api/v1/workflows/{id}` answers `"description": null,
//! "activeVersionId": null, "sourceWorkflowId": null, "staticData": null, "pinData": null,
//! "meta": null` for a new workflow; `GET /api/v1/executions/{id}` answers `"waitTill": null,
//! "retrySuccessId": null`; the spec lists them as optional (`workflow`, `execution`).
//!
//! Every nullable property of a schema only answers carry becomes required: typify keeps it an
//! `Option` and writes `null` for `None`, and the generator's `round-trip` pass lets an absent
//! one decode as `None` (answers that leave it out, such as list items, still decode). Request
//! schemas keep optional nullables: there `None` must mean "not sent".

use serde_json::Value;

use super::{Log, Rule, Side};

pub const RULE: Rule = Rule {
    name: "present-nulls",
    quirk: "nullable answer fields listed as optional: a null and an absence read alike (workflow description)",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_object_schema_mut(doc, |pointer, map, side, _| {
        if side != Side::Response {
            return;
        }
        let required = super::required_names(&Value::Object(map.clone()))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        let nullable: Vec<String> = super::properties(&Value::Object(map.clone()))
            .filter(|(name, p)| p.get("nullable") == Some(&Value::Bool(true)) && !required.contains(name))
            .map(|(name, _)| name.clone())
            .collect();
        if nullable.is_empty() {
            return;
        }
        let list = map.entry("required").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            list.extend(nullable.iter().cloned().map(Value::String));
        }
        log.change(format!("{pointer}: {} present, null when unset", nullable.join(", ")));
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run, spec};
    use serde_json::json;

    #[test]
    fn answer_nullables_are_present_request_ones_stay_optional() {
        let mut doc = spec(
            json!({
                "/workflows": {
                    "get": op_200(json!({ "$ref": "#/components/schemas/workflow" })),
                    "post": {
                        "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/body" } } } },
                        "responses": {}
                    }
                }
            }),
            json!({
                "workflow": { "type": "object", "required": ["id"], "properties": {
                    "id": { "type": "string" },
                    "description": { "type": "string", "nullable": true },
                    "name": { "type": "string" }
                } },
                "body": { "type": "object", "properties": { "parentFolderId": { "type": "string", "nullable": true } } }
            }),
        );
        insta::assert_snapshot!(run("present-nulls", &mut doc).join("\n"), @"/components/schemas/workflow: description present, null when unset");
        assert_eq!(
            doc.pointer("/components/schemas/workflow/required"),
            Some(&json!(["id", "description"]))
        );
        assert!(doc.pointer("/components/schemas/body/required").is_none());
    }
}
