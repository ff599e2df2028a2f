//! Rule `error-bodies` (spec patch). n8n quirk: almost every error response is declared without a
//! body, while the server always answers errors with JSON `{"message": …}`; the spec even has the
//! schema (`components/schemas/error`) but no response uses it.
//!
//! Evidence (n8n 2.40.7; every error seen, dozens of operations):
//! - `GET /api/v1/workflows` with a wrong key → `401 {"message":"Unauthorized"}`;
//!   `GET /api/v1/variables` unlicensed → `403 {"message":"Your license does not allow for feat:variables. …"}`;
//!   `GET /api/v1/tags/unknown` → `404 {"message":"Not Found"}`; `POST /api/v1/tags` with a used
//!   name → `409 {"message":"Tag already exists"}`; all `application/json; charset=utf-8`.
//! - spec: of 554 error responses 546 have no `content` (`components/responses/notFound` is just
//!   `{description}`); `components/schemas/error` is `{code?, message (required), description?}`.
//! - server code: `public-api-error-response.js` `sendPublicApiErrorResponse` →
//!   `res.status(status).json(body)`; the request validator's errors likewise.
//!
//! Pattern: a `4xx`/`5xx` response without `content` (inline, or the shared component it refers
//! to) gets `application/json` with the spec's `error` schema (added, with a required `message`,
//! when the spec has none). The client then decodes every error body into `types::Error`. Error
//! responses that already have a body are counted in the log as unneeded.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Log, Rule, op_label};

pub const RULE: Rule = Rule {
    name: "error-bodies",
    quirk: "error responses are declared without a body; n8n always sends {message}",
    purpose: super::Purpose::Patch,
    apply,
};

const RESPONSE_PREFIX: &str = "#/components/responses/";

fn apply(doc: &mut Value, log: &mut Log) {
    let error = error_schema(doc, log);
    let body = json!({ "application/json": { "schema": { "$ref": error } } });
    let mut shared = BTreeSet::new();
    let mut with_body = 0;
    super::for_each_operation(doc, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for (status, response) in responses.iter_mut() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            if let Some(name) = response
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(RESPONSE_PREFIX))
            {
                shared.insert(name.to_string());
            } else if response.get("content").is_some() {
                with_body += 1;
            } else if let Some(r) = response.as_object_mut() {
                r.insert("content".into(), body.clone());
                log.change(format!(
                    "{}: {status} has n8n's JSON error body",
                    op_label(method, path)
                ));
            }
        }
    });
    for name in shared {
        let Some(response) = doc.pointer_mut(&format!("/components/responses/{name}")) else {
            continue;
        };
        if response.get("content").is_some() {
            with_body += 1;
        } else if let Some(r) = response.as_object_mut() {
            r.insert("content".into(), body.clone());
            log.change(format!("components/responses/{name}: n8n's JSON error body"));
        }
    }
    if with_body > 0 {
        log.unneeded(format!("{with_body} error responses already declare a body"));
    }
}

/// The `$ref` of the spec's error schema (`{message, ...}`), adding one if it has none.
fn error_schema(doc: &mut Value, log: &mut Log) -> String {
    let has_message = |name: &str| {
        doc.pointer(&format!("/components/schemas/{name}/properties/message"))
            .is_some()
    };
    let name = ["error", "n8n-error"]
        .into_iter()
        .find(|n| has_message(n) || doc.pointer(&format!("/components/schemas/{n}")).is_none())
        .unwrap_or("n8n-error");
    if !has_message(name) {
        let schema = json!({ "type": "object", "required": ["message"], "properties": {
            "message": { "type": "string" }, "code": { "type": "string" }, "description": { "type": "string" } } });
        super::add_component_schemas(doc, vec![(name.to_string(), schema)]);
        log.change(format!("components/schemas/{name}: n8n's error body"));
    }
    super::schema_ref(name)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn error_responses_carry_the_error_body() {
        let mut doc = spec(
            json!({ "/tags/{id}": { "get": { "responses": {
                "200": { "description": "ok" },
                "404": { "$ref": "#/components/responses/notFound" },
                "409": { "description": "Conflict", "content": { "application/json": { "schema": { "type": "array" } } } },
                "500": { "description": "Internal server error." }
            } } } }),
            json!({ "error": { "type": "object", "required": ["message"], "properties": { "message": { "type": "string" } } } }),
        );
        doc["components"]["responses"] = json!({ "notFound": { "description": "The resource was not found." } });
        let log = run_all("error-bodies", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        GET /tags/{id}: 500 has n8n's JSON error body
        components/responses/notFound: n8n's JSON error body
        unneeded: 1 error responses already declare a body
        ");
        let schema = doc
            .pointer("/components/responses/notFound/content/application~1json/schema/$ref")
            .unwrap();
        assert_eq!(schema, "#/components/schemas/error");
        assert!(doc.pointer("/paths/~1tags~1{id}/get/responses/200/content").is_none());
    }

    #[test]
    fn a_spec_without_an_error_schema_gets_one() {
        let mut doc = spec(
            json!({ "/a": { "get": { "responses": { "401": { "description": "no" } } } } }),
            json!({}),
        );
        let log = run_all("error-bodies", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        components/schemas/error: n8n's error body
        GET /a: 401 has n8n's JSON error body
        ");
        assert_eq!(
            doc.pointer("/components/schemas/error/required").unwrap(),
            &json!(["message"])
        );
    }
}
