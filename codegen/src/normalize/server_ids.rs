//! Rule `server-ids` (spec patch). n8n quirk: a component whose `id` is the server's (`readOnly`)
//! leaves it out of `required` (the component is shared with requests, which do not send it),
//! so every answer's id is an `Option` in Rust although n8n always sends it: `user.id`.
//!
//! Evidence (n8n 2.40.7): every user the end-to-end suite reads (`GET /api/v1/users`,
//! `GET /api/v1/users/{id}`, the members of a project) carries its `id`; so does every tag,
//! folder, role, workflow and log-streaming destination (the `resource-types` rule already
//! requires the id of the resources it merges, on the same grounds). OpenAPI 3.0 says a
//! required `readOnly` property is required in responses only.
//!
//! Pattern: a component schema with a `readOnly` `id` property that no request carries requires
//! it. One a request carries (a log-streaming destination is sent back to update it, and n8n
//! refuses a body with its id) keeps the id optional, so that a body built from an answer can
//! leave it out (logged as skipped). A component that already requires it is right (logged as
//! unneeded).

use serde_json::{Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "server-ids",
    quirk: "a component's readOnly id is not required; n8n sends it in every answer",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let sent = crate::openapi::request_components(doc);
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let read_only_id = schema
            .pointer("/properties/id/readOnly")
            .is_some_and(|r| r == &Value::Bool(true));
        if read_only_id && sent.contains(name) {
            log.skipped(format!("{name}: requests carry it; its id stays optional"));
            continue;
        }
        let Some(map) = schema.as_object_mut().filter(|_| read_only_id) else {
            continue;
        };
        match map.entry("required").or_insert_with(|| json!([])) {
            Value::Array(list) if list.iter().any(|v| v == "id") => {
                log.unneeded(format!("{name}: requires its id"));
            }
            Value::Array(list) => {
                list.push(json!("id"));
                log.change(format!("{name}: id required (sent in every answer)"));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn a_server_assigned_id_is_required() {
        let id = json!({ "type": "string", "readOnly": true });
        let mut doc = spec(
            json!({}),
            json!({
                "user": { "type": "object", "required": ["email"], "properties": { "id": id, "email": { "type": "string" } } },
                "tag": { "type": "object", "properties": { "id": id } },
                "done": { "type": "object", "required": ["id"], "properties": { "id": id } },
                "body": { "type": "object", "properties": { "id": { "type": "string" } } },
                "sent": { "type": "object", "properties": { "id": id } }
            }),
        );
        doc["paths"] = json!({ "/d": { "put": { "requestBody": { "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/sent" } } } }, "responses": {} } } });
        insta::assert_snapshot!(run_all("server-ids", &mut doc).join("\n"), @r"
        user: id required (sent in every answer)
        tag: id required (sent in every answer)
        unneeded: done: requires its id
        ");
        assert_eq!(
            doc.pointer("/components/schemas/user/required"),
            Some(&json!(["email", "id"]))
        );
        assert!(
            doc.pointer("/components/schemas/body/required").is_none(),
            "not the server's id"
        );
        assert!(
            doc.pointer("/components/schemas/sent/required").is_none(),
            "a request carries it"
        );
    }
}
