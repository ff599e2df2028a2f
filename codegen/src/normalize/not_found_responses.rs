//! Rule `not-found-responses` (spec patch). n8n quirk: an operation that addresses one resource by
//! a path parameter does not list `404`, and the server answers `404` for an unknown id.
//!
//! Evidence (n8n 2.40.7):
//! - request: `GET /api/v1/users/00000000-0000-0000-0000-000000000000`
//! - real response: `404 {"message":"Could not find user with id: 00000000-0000-0000-0000-000000000000"}`
//! - spec (`getUser`): responses `200` and `401` only.
//! - server code: `users.handler.ee.js` `getUser` throws `NotFoundError` for an unknown user.
//!
//! Pattern: an operation whose path has a parameter (`/users/{id}`) and that lists no `404` gets
//! one (its body is given by the `error-bodies` rule). The client already turns any status into an
//! error; with the patch the method's docs list it and its body decodes as n8n's error. The
//! operations that already list `404` are counted in the log as unneeded.

use serde_json::{Value, json};

use super::{Log, Rule, op_label};

pub const RULE: Rule = Rule {
    name: "not-found-responses",
    quirk: "an operation addressing a resource by id answers 404 without listing it (getUser)",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut listed = 0;
    super::for_each_operation(doc, |path, method, op| {
        if !path.contains('{') {
            return;
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        if responses.contains_key("404") || responses.contains_key("4XX") {
            listed += 1;
        } else {
            responses.insert("404".into(), json!({ "description": "The resource was not found." }));
            log.change(format!("{}: 404 listed", op_label(method, path)));
        }
    });
    if listed > 0 {
        log.unneeded(format!("{listed} operations with a path parameter already list 404"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn operations_on_one_resource_can_answer_404() {
        let ok = json!({ "description": "ok" });
        let mut doc = spec(
            json!({
                "/users/{id}": {
                    "get": { "responses": { "200": ok, "401": ok } },
                    "delete": { "responses": { "204": ok, "404": ok } }
                },
                "/users": { "get": { "responses": { "200": ok } } }
            }),
            json!({}),
        );
        let log = run_all("not-found-responses", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        GET /users/{id}: 404 listed
        unneeded: 1 operations with a path parameter already list 404
        ");
        assert!(doc.pointer("/paths/~1users~1{id}/get/responses/404").is_some());
        assert!(doc.pointer("/paths/~1users/get/responses/404").is_none());
    }
}
