//! Rule `empty-collections` (spec patch). n8n quirk: an answer that is an object keyed by titles
//! (one entry per report found) is an empty *array* when there is nothing to report; the client
//! cannot decode `[]` as the object.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/audit {"additionalOptions":{"categories":["filesystem"]}}` on an
//!   instance without such risks.
//! - real response: `200 []`; with findings `200 {"Database Risk Report":{…},"Instance Risk Report":{…}}`.
//! - spec (`generateAudit` 200): `$ref: audit`, `type: object, properties: {"Credentials Risk
//!   Report": object, "Database Risk Report": …, "Instance Risk Report": …}`, nothing required.
//! - server code: `security-audit.service.js` `run()`: `if (reports.length === 0) return [];`,
//!   otherwise an object keyed by report title.
//!
//! Pattern: a success response whose schema is an object with at least two properties, none
//! required, all objects, all named by titles (names with spaces: a keyed collection, not a
//! record). It becomes `oneOf: [<an empty array>, <that object>]`, the array first: serde reads
//! `[]` as an object whose fields are all missing (all are optional), so in Rust the empty answer
//! would otherwise pass for a report with nothing in it. A response that is already a
//! `oneOf`/`anyOf` with an array alternative is right (logged as unneeded).

use serde_json::{Value, json};

use super::{Log, Rule, op_label, resolve};

pub const RULE: Rule = Rule {
    name: "empty-collections",
    quirk: "an object keyed by titles is sent as [] when empty (generateAudit)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    super::for_each_operation(doc, |path, method, op| {
        let label = op_label(method, path);
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for (status, response) in responses.iter_mut().filter(|(s, _)| s.starts_with('2')) {
            let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
                continue;
            };
            let union = schema
                .get("oneOf")
                .or_else(|| schema.get("anyOf"))
                .and_then(Value::as_array);
            if let Some(alternatives) = union {
                let keyed = alternatives
                    .iter()
                    .any(|a| resolve(&root, a).is_some_and(is_keyed_collection));
                let array = alternatives.iter().any(|a| a.get("type") == Some(&json!("array")));
                if keyed && array {
                    log.unneeded(format!("{label}: {status} already allows an empty array"));
                }
            } else if resolve(&root, schema).is_some_and(is_keyed_collection) {
                *schema = json!({ "oneOf": [
                    { "type": "array", "maxItems": 0, "items": {}, "title": "empty", "description": "Nothing to report" },
                    schema.clone()
                ] });
                log.change(format!("{label}: {status} may be an empty array"));
            }
        }
    })
}

fn is_keyed_collection(schema: &Value) -> bool {
    let props: Vec<(&String, &Value)> = super::properties(schema).collect();
    schema.get("type") == Some(&json!("object"))
        && props.len() >= 2
        && super::required_names(schema).is_empty()
        && props
            .iter()
            .all(|(name, p)| name.contains(' ') && p.get("type") == Some(&json!("object")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn a_collection_keyed_by_titles_may_be_an_empty_array() {
        let audit = json!({ "$ref": "#/components/schemas/audit" });
        let mut doc = spec(
            json!({
                "/audit": { "post": op_200(audit.clone()) },
                "/fixed": { "post": op_200(json!({ "oneOf": [audit, { "type": "array", "maxItems": 0 }] })) },
                "/user": { "get": op_200(json!({ "type": "object", "properties": {
                    "first name": { "type": "string" }, "last name": { "type": "string" } } })) }
            }),
            json!({ "audit": { "type": "object", "properties": {
                "Credentials Risk Report": { "type": "object" }, "Database Risk Report": { "type": "object" } } } }),
        );
        let log = run_all("empty-collections", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        POST /audit: 200 may be an empty array
        unneeded: POST /fixed: 200 already allows an empty array
        ");
        let schema = doc
            .pointer("/paths/~1audit/post/responses/200/content/application~1json/schema")
            .unwrap();
        assert_eq!(schema["oneOf"][0]["maxItems"], 0);
        assert_eq!(schema["oneOf"][1]["$ref"], "#/components/schemas/audit");
    }
}
