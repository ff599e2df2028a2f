//! Rule `list-wrappers` (spec patch). n8n quirk: an object that only wraps a list
//! (`{"parameters": [...]}`) does not say the list is required, but the server rejects the object
//! without it; a client that leaves out an empty optional list (as typify's serializer does)
//! cannot send back what it read.
//!
//! Evidence (n8n 2.40.7), found by the end-to-end suite's read-modify-write of a destination:
//! - request: `PUT /api/v1/settings/log-streaming/destinations/{id}`
//!   `{"type":"webhook","url":"http://127.0.0.1:9/events","label":"probe2","subscribedEvents":["n8n.audit"],"headerParameters":{}}`
//!   (also `POST …/destinations` with `"queryParameters":{}`).
//! - real response: `400 {"message":"Required"}`; the same body with
//!   `"headerParameters":{"parameters":[]}` answers `200`. The server itself sends
//!   `"headerParameters":{"parameters":[]}`.
//! - spec: `components/schemas/parameter-list` `{type: object, additionalProperties: true,
//!   properties: {parameters: {type: array, items: {name, value}}}}`, nothing required; used by
//!   `destination.webhook` (request and response body of the destination operations).
//!
//! Pattern: a component schema that a request body reaches, with exactly one declared property,
//! an array, not required: the array becomes required (Rust then always sends it, `[]` included).
//! A wrapper that already requires its list is right (logged as unneeded).

use serde_json::{Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "list-wrappers",
    quirk: "an object wrapping one list does not require it; the server does (destination parameters)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    for name in crate::openapi::request_components(doc) {
        let at = format!("/components/schemas/{}", super::pointer_escape(&name));
        let Some(schema) = doc.pointer_mut(&at) else { continue };
        let props: Vec<(String, bool)> = super::properties(schema)
            .map(|(k, p)| (k.clone(), p.get("type") == Some(&json!("array"))))
            .collect();
        let [(list, true)] = &props[..] else { continue };
        if super::required_names(schema).contains(&list.as_str()) {
            log.unneeded(format!("{at}: already requires `{list}`"));
        } else {
            schema["required"] = json!([list]);
            log.change(format!("{at}: `{list}` required"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn a_list_wrapper_sent_by_requests_requires_its_list() {
        let body = |schema: &str| json!({ "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
        let mut doc = spec(
            json!({
                "/destinations": { "post": { "requestBody": body("destination"), "responses": {} } },
                "/fixed": { "post": { "requestBody": body("fixedList"), "responses": {} } }
            }),
            json!({
                "destination": { "type": "object", "properties": { "headers": { "$ref": "#/components/schemas/parameterList" } } },
                "parameterList": { "type": "object", "additionalProperties": true,
                                   "properties": { "parameters": { "type": "array", "items": { "type": "object" } } } },
                "fixedList": { "type": "object", "required": ["items"], "properties": { "items": { "type": "array" } } },
                "responseList": { "type": "object", "properties": { "data": { "type": "array" } } }
            }),
        );
        let log = run_all("list-wrappers", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/schemas/parameterList: `parameters` required
        unneeded: /components/schemas/fixedList: already requires `items`
        ");
        assert!(doc.pointer("/components/schemas/responseList/required").is_none());
    }
}
