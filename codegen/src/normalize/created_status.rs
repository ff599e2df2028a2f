//! Rule `created-status` (spec patch). n8n quirk: a `POST` declares `200` and the server answers
//! `201` (or the other way round); progenitor matches success statuses exactly, so the client
//! reports an error although n8n did the work.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/users` `[{"email":"member1@example.com","role":"global:member"}]`
//! - real response: `201`, `application/json`,
//!   `[{"user":{"id":"9fda…","email":"member1@example.com","emailSent":false,"role":"global:member","inviteAcceptUrl":"http://…/signup?token=…"},"error":""}]`
//! - spec (`createUser`): responses `200` (a JSON body), `401`, `403`; no `201`.
//! - server code: `users.handler.ee.js` `createUser` ends in `res.status(201).json(...)`.
//!
//! Pattern: a `POST` whose success responses are exactly one of `200` and `201`. Both mean "done,
//! here is the result" to a client, and hand-written handlers pick either, so the other status is
//! added with the same response. A `POST` that declares both is already right (logged as unneeded).

use serde_json::Value;

use super::{Log, Rule, op_label};

pub const RULE: Rule = Rule {
    name: "created-status",
    quirk: "a POST declares 200 and answers 201 (createUser), or the other way round",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_operation(doc, |path, method, op| {
        if method != "post" {
            return;
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let success: Vec<String> = responses.keys().filter(|s| s.starts_with('2')).cloned().collect();
        let label = op_label(method, path);
        match success.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [one @ ("200" | "201")] => {
                let other = if one == "200" { "201" } else { "200" };
                let response = responses[one].clone();
                responses.insert(other.to_string(), response);
                log.change(format!("{label}: {other} accepted like {one}"));
            }
            _ if success.iter().any(|s| s == "200") && success.iter().any(|s| s == "201") => {
                log.unneeded(format!("{label}: declares 200 and 201"));
            }
            _ => {}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn a_post_accepts_200_and_201_alike() {
        let body =
            json!({ "description": "ok", "content": { "application/json": { "schema": { "type": "object" } } } });
        let mut doc = spec(
            json!({
                "/users": { "post": { "responses": { "200": body, "401": { "description": "no" } } } },
                "/tags": { "post": { "responses": { "201": body } } },
                "/both": { "post": { "responses": { "200": body, "201": body } } },
                "/empty": { "post": { "responses": { "204": { "description": "done" } } } },
                "/read": { "get": { "responses": { "200": body } } }
            }),
            json!({}),
        );
        let log = run_all("created-status", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        POST /users: 201 accepted like 200
        POST /tags: 200 accepted like 201
        unneeded: POST /both: declares 200 and 201
        ");
        assert_eq!(doc.pointer("/paths/~1users/post/responses/201").unwrap(), &body);
        assert!(doc.pointer("/paths/~1read/get/responses/201").is_none());
    }
}
