//! Rule `no-content-status` (spec patch). n8n quirk: an operation declares a bodiless `200` and
//! the server answers `204 No Content` (or the other way round); progenitor matches success
//! statuses exactly, so the client reports an error although n8n did the work.
//!
//! Evidence (n8n 2.40.7):
//! - request: `PATCH /api/v1/users/{id}/role` `{"newRoleName":"global:admin"}`
//! - real response: `204`, no content type, empty body; `GET /users/{id}?includeRole=true` then
//!   says `"role":"global:admin"`.
//! - spec (`changeRole`): `200: description: Operation successful.` (no content), 401, 403, 404.
//! - server code: `users.handler.ee.js` `changeRole` ends in `res.status(204).send()`.
//!
//! Pattern: an operation whose only success response is `200` or `204` and carries no body. Both
//! say "done, nothing to read", so the other status is added, bodiless too. An operation that
//! declares both is already right (logged as unneeded).

use serde_json::{Value, json};

use super::{Log, Rule, op_label, resolve};

pub const RULE: Rule = Rule {
    name: "no-content-status",
    quirk: "a bodiless 200 is answered with 204 (changeRole), or the other way round",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    super::for_each_operation(doc, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let success: Vec<String> = responses.keys().filter(|s| s.starts_with('2')).cloned().collect();
        let success: Vec<&str> = success.iter().map(String::as_str).collect();
        let label = op_label(method, path);
        let bodiless = |status: &str| {
            resolve(&root, &responses[status])
                .and_then(|r| r.get("content"))
                .and_then(Value::as_object)
                .is_none_or(|c| c.is_empty())
        };
        match success[..] {
            [one @ ("200" | "204")] if bodiless(one) => {
                let other = if one == "200" { "204" } else { "200" };
                responses.insert(other.into(), json!({ "description": "Operation successful." }));
                log.change(format!("{label}: {other} accepted like the bodiless {one}"));
            }
            ["200", "204"] | ["204", "200"] if bodiless("200") && bodiless("204") => {
                log.unneeded(format!("{label}: declares 200 and 204 without a body"));
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
    fn bodiless_200_and_204_are_alike() {
        let done = json!({ "description": "done" });
        let mut doc = spec(
            json!({
                "/role": { "patch": { "responses": { "200": done, "404": done } } },
                "/project": { "put": { "responses": { "204": done } } },
                "/both": { "delete": { "responses": { "200": done, "204": done } } },
                "/body": { "get": { "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {} } } } } } }
            }),
            json!({}),
        );
        let log = run_all("no-content-status", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        PATCH /role: 204 accepted like the bodiless 200
        PUT /project: 200 accepted like the bodiless 204
        unneeded: DELETE /both: declares 200 and 204 without a body
        ");
        assert!(doc.pointer("/paths/~1body/get/responses/204").is_none());
    }
}
