//! Rule `numeric-ids`. n8n quirk: its specs and its server disagree about which ids are numbers.
//! Execution ids are integer database keys that the server sends as strings (`"id": "1000"`)
//! from every execution endpoint but one; specs up to n8n 2.35 typed them (and an execution's
//! `workflowId`, `retryOf`, `retrySuccessId`) as numbers everywhere, and 2.40's delete-execution
//! answer still does (where the server does send a number). A client generated from such a spec
//! fails to decode what the server sends, and hands out an `f64` for an id.
//!
//! Ids are opaque: a program passes them back, it does not compute with them. An identifier
//! property (`id`, a name ending in `Id`, or a reference named like `retryOf`) that a response
//! schema types `number` or `integer` becomes a string that decodes from a string or a number
//! (the `x-n8n-api-string-or-number` marker, which the `field-markers` rule and pass turn into
//! lenient decoding), so every id of every response is a `String`. Schemas that requests use too
//! are left alone: a request must send what the server validates.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Log, Rule, Walk, collect_refs, pointer_escape, schema_ref_name, walk_schema_objects_mut};
use crate::openapi::LENIENT_EXTENSION;

pub const RULE: Rule = Rule {
    name: "numeric-ids",
    quirk: "ids typed as numbers that the server sends as strings (executions, in specs up to 2.35)",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let (response_only, shared) = components_by_side(doc);
    for name in &shared {
        if has_numeric_id(doc.pointer(&format!("/components/schemas/{}", pointer_escape(name)))) {
            log.change(format!("left `{name}` alone: requests use it too"));
        }
    }
    let mut sites: Vec<String> = response_sites(doc);
    sites.extend(
        response_only
            .iter()
            .map(|n| format!("/components/schemas/{}", pointer_escape(n))),
    );
    for site in sites {
        if let Some(schema) = doc.pointer_mut(&site) {
            walk_schema_objects_mut(schema, &site, &mut |pointer, map| {
                mark_ids(pointer, map, log);
                Walk::Into
            });
        }
    }
}

fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("Id") || (name.len() > 2 && name.ends_with("Of"))
}

fn is_numeric(schema: &Value) -> bool {
    matches!(schema.get("type").and_then(Value::as_str), Some("number" | "integer")) && schema.get("enum").is_none()
}

fn has_numeric_id(schema: Option<&Value>) -> bool {
    schema.is_some_and(|s| super::properties(s).any(|(k, v)| is_id(k) && is_numeric(v)))
}

fn mark_ids(pointer: &str, map: &mut Map<String, Value>, log: &mut Log) {
    let Some(Value::Object(props)) = map.get_mut("properties") else {
        return;
    };
    for (name, prop) in props.iter_mut().filter(|(k, _)| is_id(k)) {
        if !is_numeric(prop) {
            continue;
        }
        let Some(prop) = prop.as_object_mut() else { continue };
        prop.insert("type".into(), "string".into());
        for k in [
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "example",
        ] {
            prop.shift_remove(k);
        }
        prop.insert(LENIENT_EXTENSION.into(), Value::Bool(true));
        log.change(format!(
            "{pointer}/properties/{}: a number id -> a string (or a number)",
            pointer_escape(name)
        ));
    }
}

/// The JSON pointers of the inline success response bodies.
fn response_sites(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, method, op) in super::operations(doc) {
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            for (media, _) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                out.push(format!(
                    "/paths/{}/{method}/responses/{}/content/{}/schema",
                    pointer_escape(path),
                    pointer_escape(status),
                    pointer_escape(media)
                ));
            }
        }
    }
    out
}

/// Component schemas that only responses reach, and those requests (bodies, parameters) reach too.
fn components_by_side(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut from_responses = BTreeSet::new();
    let mut from_requests = BTreeSet::new();
    for (_, _, op) in super::operations(doc) {
        for (key, part) in op {
            let into = if key == "responses" {
                &mut from_responses
            } else {
                &mut from_requests
            };
            reach(doc, part, into);
        }
    }
    let response_only = from_responses.difference(&from_requests).cloned().collect();
    let shared = from_responses.intersection(&from_requests).cloned().collect();
    (response_only, shared)
}

/// Every component schema `v` reaches through `$ref`s.
fn reach(doc: &Value, v: &Value, seen: &mut BTreeSet<String>) {
    let mut found = Vec::new();
    collect_refs(v, &mut |r| found.extend(schema_ref_name(r)));
    for name in found {
        if seen.insert(name.clone())
            && let Some(schema) = doc.pointer(&format!("/components/schemas/{}", pointer_escape(&name)))
        {
            reach(doc, schema, seen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn numeric_ids_of_responses_decode_from_strings() {
        let execution = json!({ "type": "object", "properties": {
            "id": { "type": "number", "example": 1000 },
            "workflowId": { "type": "string" },
            "retryOf": { "type": "number", "nullable": true, "description": "An execution id." },
            "count": { "type": "number" }
        } });
        let ok = |schema: serde_json::Value| json!({ "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } });
        let mut doc = spec(
            json!({
                "/executions/{id}": { "get": { "responses": ok(json!({ "$ref": "#/components/schemas/execution" })) } },
                "/counters": { "post": {
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/counter" } } } },
                    "responses": ok(json!({ "$ref": "#/components/schemas/counter" })) } }
            }),
            json!({ "execution": execution, "counter": { "type": "object", "properties": { "id": { "type": "integer" } } } }),
        );
        let log = run("numeric-ids", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        left `counter` alone: requests use it too
        /components/schemas/execution/properties/id: a number id -> a string (or a number)
        /components/schemas/execution/properties/retryOf: a number id -> a string (or a number)
        ");
        let props = doc.pointer("/components/schemas/execution/properties").unwrap();
        assert_eq!(
            props["id"],
            json!({ "type": "string", "x-n8n-api-string-or-number": true })
        );
        assert_eq!(props["count"]["type"], "number");
        assert_eq!(
            doc.pointer("/components/schemas/counter/properties/id/type").unwrap(),
            "integer"
        );
    }
}
