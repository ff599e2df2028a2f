//! Rule `batch-responses` (spec patch). n8n quirk: an operation takes an array of items and the
//! spec says it answers one object, while the server answers one object per item, in an array;
//! the client cannot decode the answer.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/users`
//!   `[{"email":"member1@example.com","role":"global:member"},{"email":"admin1@example.com","role":"global:admin"}]`
//! - real response: `201`
//!   `[{"user":{"id":"9fda…","email":"member1@example.com","emailSent":false,…},"error":""},{"user":{…},"error":""}]`
//!   (one element per invited user, in request order).
//! - spec (`createUser`): request body `type: array, items: {email, role}`; response `200`
//!   `type: object, properties: {user: {id, email, inviteAcceptUrl, emailSent}, error: string}`.
//! - server code: `UserService.inviteUsers` returns an array, which the handler sends as is.
//!
//! Pattern: the JSON request body is an array of objects and a JSON success response is a single
//! object: the response becomes an array of that object. A success response that is already an
//! array is right (logged as unneeded).

use serde_json::{Value, json};

use super::{Log, Rule, op_label, resolve};

pub const RULE: Rule = Rule {
    name: "batch-responses",
    quirk: "an array request body is answered with an array, the spec says one object (createUser)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    super::for_each_operation(doc, |path, method, op| {
        let takes_array = op
            .get("requestBody")
            .and_then(|b| resolve(&root, b))
            .and_then(|b| b.pointer("/content/application~1json/schema"))
            .and_then(|s| resolve(&root, s))
            .is_some_and(|s| {
                is_type(s, "array")
                    && s.get("items")
                        .and_then(|i| resolve(&root, i))
                        .is_some_and(|i| is_type(i, "object"))
            });
        if !takes_array {
            return;
        }
        let label = op_label(method, path);
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for (status, response) in responses.iter_mut().filter(|(s, _)| s.starts_with('2')) {
            let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
                continue;
            };
            let resolved = resolve(&root, schema).cloned().unwrap_or(Value::Null);
            if is_type(&resolved, "object") {
                *schema = json!({ "type": "array", "items": schema.clone() });
                log.change(format!(
                    "{label}: {status} is an array of the declared object, one per item sent"
                ));
            } else if is_type(&resolved, "array") {
                log.unneeded(format!("{label}: {status} is already an array"));
            }
        }
    })
}

fn is_type(schema: &Value, ty: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(ty)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    fn json_body(schema: serde_json::Value) -> serde_json::Value {
        json!({ "content": { "application/json": { "schema": schema } } })
    }

    #[test]
    fn an_array_sent_is_answered_with_an_array() {
        let invite =
            json!({ "type": "array", "items": { "type": "object", "properties": { "email": { "type": "string" } } } });
        let result =
            json!({ "type": "object", "properties": { "user": { "type": "object" }, "error": { "type": "string" } } });
        let mut ok = json_body(result.clone());
        ok["description"] = json!("ok");
        let mut ok_array = json_body(json!({ "type": "array", "items": result }));
        ok_array["description"] = json!("ok");
        let mut doc = spec(
            json!({
                "/users": { "post": { "requestBody": json_body(invite.clone()), "responses": { "200": ok.clone(), "201": ok.clone() } } },
                "/fixed": { "post": { "requestBody": json_body(invite), "responses": { "201": ok_array } } },
                "/one": { "post": { "requestBody": json_body(json!({ "type": "object" })), "responses": { "200": ok } } }
            }),
            json!({}),
        );
        let log = run_all("batch-responses", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        POST /users: 200 is an array of the declared object, one per item sent
        POST /users: 201 is an array of the declared object, one per item sent
        unneeded: POST /fixed: 201 is already an array
        ");
        let schema = doc
            .pointer("/paths/~1users/post/responses/201/content/application~1json/schema")
            .unwrap();
        assert_eq!(schema["type"], "array");
        assert_eq!(schema["items"]["properties"]["error"]["type"], "string");
        assert_eq!(
            doc.pointer("/paths/~1one/post/responses/200/content/application~1json/schema/type")
                .unwrap(),
            "object"
        );
    }
}
