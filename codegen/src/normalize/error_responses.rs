//! Rule `error-responses`. n8n quirks, two of them:
//! - Mixed error bodies: an operation whose error statuses carry different bodies (a JSON schema
//!   for 409, none for 404) makes progenitor panic (`assertion failed: response_types.len() <= 1`);
//!   6 operations of 2.40 (importPackage, pushSourceControl, updateWorkflow, ...).
//! - Silent wrong error types: progenitor names every inline response schema `{op}-response`,
//!   whatever the status, and typify reuses the name: a 409 body silently becomes the success type.
//!
//! Every inline JSON error body is hoisted into a component schema named after its operation and
//! status (`importPackage` 409 -> `importPackage-conflict`, Rust `ImportPackageConflict`). Then all
//! error responses (4xx, 5xx) move out of progenitor's sight into the operation's
//! `x-n8n-api-errors` extension; the generator's error stage decodes each status into its own type,
//! and a status without a body still comes back as an error carrying its status.

use serde_json::{Map, Value, json};

use super::{ERRORS_EXTENSION, Log, Rule, op_label, resolve};

pub const RULE: Rule = Rule {
    name: "error-responses",
    quirk: "mixed error bodies panic progenitor; inline error bodies reuse the success type's name",
    purpose: super::Purpose::Digest,
    apply,
};

/// Words for a status, used in the names of hoisted error bodies.
pub(crate) fn status_words(status: &str) -> String {
    let w = match status {
        "400" => "bad-request",
        "401" => "unauthorized",
        "402" => "payment-required",
        "403" => "forbidden",
        "404" => "not-found",
        "405" => "method-not-allowed",
        "409" => "conflict",
        "410" => "gone",
        "413" => "payload-too-large",
        "415" => "unsupported-media-type",
        "422" => "unprocessable-entity",
        "429" => "too-many-requests",
        "500" => "internal-server-error",
        "501" => "not-implemented",
        "502" => "bad-gateway",
        "503" => "service-unavailable",
        "504" => "gateway-timeout",
        "default" => "default-error",
        other => return format!("status-{}", other.to_ascii_lowercase()),
    };
    w.to_string()
}

fn is_error_status(status: &str, has_success: bool) -> bool {
    status.starts_with('4') || status.starts_with('5') || (status == "default" && has_success)
}

fn json_schema(response: &Value) -> Option<&Value> {
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(mt, _)| *mt == "application/json" || mt.starts_with("application/json;"))
        .and_then(|(_, m)| m.get("schema"))
}

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    let existing: Vec<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    super::for_each_operation(doc, |path, method, op| {
        let op_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("operation")
            .to_string();
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let has_success = responses.keys().any(|s| s.starts_with('2'));
        let statuses: Vec<String> = responses
            .keys()
            .filter(|s| is_error_status(s, has_success))
            .cloned()
            .collect();
        if statuses.is_empty() {
            return;
        }
        let mut errors = Map::new();
        for status in statuses {
            let raw = responses.shift_remove(&status).unwrap();
            let response = resolve(&root, &raw).cloned().unwrap_or(Value::Null);
            let mut entry = Map::new();
            entry.insert(
                "description".into(),
                response.get("description").cloned().unwrap_or(json!("")),
            );
            if let Some(schema) = json_schema(&response) {
                let reference = if schema.get("$ref").is_some() {
                    schema.clone()
                } else {
                    let mut name = format!("{op_id}-{}", status_words(&status));
                    while existing.contains(&name) || hoisted.iter().any(|(h, _)| h == &name) {
                        name.push_str("-body");
                    }
                    log.change(format!(
                        "{}: {status} body -> component `{name}`",
                        op_label(method, path)
                    ));
                    hoisted.push((name.clone(), schema.clone()));
                    json!({ "$ref": format!("#/components/schemas/{name}") })
                };
                entry.insert("schema".into(), reference);
            }
            errors.insert(status, Value::Object(entry));
        }
        log.change(format!(
            "{}: error responses {} -> {ERRORS_EXTENSION}",
            op_label(method, path),
            errors.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
        op.insert(ERRORS_EXTENSION.into(), Value::Object(errors));
    });
    super::add_component_schemas(doc, hoisted);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn error_bodies_get_their_own_types_and_leave_progenitors_view() {
        let mut doc = spec(
            json!({ "/import": { "post": { "operationId": "importPackage", "responses": {
                "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": { "$ref": "#/components/responses/badRequest" },
                "409": { "description": "Conflict", "content": { "application/json": { "schema": {
                    "type": "object", "properties": { "message": { "type": "string" } } } } } },
                "422": { "description": "Unprocessable", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/issues" } } } }
            } } } }),
            json!({ "issues": { "type": "object" } }),
        );
        doc["components"]["responses"] = json!({ "badRequest": { "description": "The request is invalid." } });
        let log = run("error-responses", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        POST /import: 409 body -> component `importPackage-conflict`
        POST /import: error responses 400, 409, 422 -> x-n8n-api-errors
        ");
        let op = doc.pointer("/paths/~1import/post").unwrap();
        assert_eq!(op["responses"].as_object().unwrap().keys().collect::<Vec<_>>(), ["200"]);
        insta::assert_json_snapshot!(op["x-n8n-api-errors"]);
        assert!(
            doc.pointer("/components/schemas/importPackage-conflict/properties/message")
                .is_some()
        );
    }

    #[test]
    fn operations_without_error_responses_are_left_alone() {
        let mut doc = spec(
            json!({ "/a": { "get": { "operationId": "a", "responses": { "204": { "description": "" } } } } }),
            json!({}),
        );
        let before = doc.clone();
        assert!(run("error-responses", &mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
