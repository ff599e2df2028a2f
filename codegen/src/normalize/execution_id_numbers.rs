//! Rule `execution-id-numbers` (spec patch). n8n quirk: an execution id inside another resource
//! arrives as a JSON number where the spec says string; the client cannot decode the answer.
//!
//! Evidence (n8n 2.40.7):
//! - request: `GET /api/v1/workflows/{id}/test-runs/{runId}/test-cases` after a completed test run.
//! - real response: `200 {"data":[{"id":"ayf5…","status":"success",…,"executionId":10},…],…}`
//!   (`null` for cases that never ran).
//! - spec: `components/schemas/testCaseExecution` `executionId: {type: string, nullable: true}`.
//! - server code: `evaluations.mapper.js` copies `testCase.executionId`, an integer foreign key
//!   to `execution_entity.id` (execution ids are integer keys, which most endpoints stringify).
//!
//! Pattern: a property named `executionId` typed `string` is marked to decode from a string or a
//! number (the marker the `field-markers` rule and pass turn into lenient decoding); it stays a
//! `String` in Rust. One already marked, or typed to allow an integer, is right (logged as
//! unneeded).

use serde_json::{Value, json};

use super::{Log, Rule};
use crate::openapi::LENIENT_EXTENSION;

pub const RULE: Rule = Rule {
    name: "execution-id-numbers",
    quirk: "execution ids inside other resources arrive as numbers, the spec says string (test cases)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::walk_objects_with_pointer_mut(doc, &mut |pointer, map| {
        if pointer.contains("/example") {
            return;
        }
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        let Some(Value::Object(id)) = props.get_mut("executionId") else {
            return;
        };
        let at = format!("{pointer}/properties/executionId");
        let allows_integer = id.get(LENIENT_EXTENSION) == Some(&Value::Bool(true))
            || serde_json::to_string(id).is_ok_and(|s| s.contains("\"integer\"") || s.contains("\"number\""));
        if allows_integer {
            log.unneeded(format!("{at}: already allows a number"));
        } else if id.get("type") == Some(&json!("string")) {
            id.insert(LENIENT_EXTENSION.into(), Value::Bool(true));
            log.change(format!("{at}: a string or a number"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn execution_ids_decode_from_numbers() {
        let mut doc = spec(
            json!({}),
            json!({
                "testCase": { "type": "object", "properties": {
                    "id": { "type": "string" }, "executionId": { "type": "string", "nullable": true } } },
                "fixed": { "type": "object", "properties": {
                    "executionId": { "oneOf": [{ "type": "string" }, { "type": "integer" }] } } }
            }),
        );
        let log = run_all("execution-id-numbers", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/schemas/testCase/properties/executionId: a string or a number
        unneeded: /components/schemas/fixed/properties/executionId: already allows a number
        ");
        assert_eq!(
            doc.pointer("/components/schemas/testCase/properties/executionId/x-n8n-api-string-or-number")
                .unwrap(),
            true
        );
    }
}
