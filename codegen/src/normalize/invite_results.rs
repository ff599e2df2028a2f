//! Rule `invite-results` (spec patch). n8n quirk: the answer to an invitation lists every field as
//! optional (`user`, `user.id`, `user.email`, `user.emailSent`, `error`), so the new user's id is
//! an `Option` in Rust although the server always sends it; and it leaves out the `role` the
//! server sends with each invitee.
//!
//! Evidence (n8n 2.40.7):
//! - request: `POST /api/v1/users` `[{"email":"member1@example.com","role":"global:member"}]`
//! - real response: `201`
//!   `[{"user":{"id":"9fda…","email":"member1@example.com","emailSent":false,"role":"global:member"},"error":""}]`
//! - server code: `UserService.sendEmails` builds every element as `{ user: { id, email,
//!   emailSent: false, role }, error: '' }` and adds `user.inviteAcceptUrl` only when no email was
//!   sent (and invite links are not email-only), `error` only when sending failed.
//! - spec (`createUser` 200): `{user: {id, email, inviteAcceptUrl, emailSent}, error}`, nothing
//!   required.
//!
//! Pattern: an object whose properties are an object `user` (with `id` and `email`) and a string
//! `error` is an invitation's result: `user` and `error` are required, the user's `id`, `email`
//! and `emailSent` too, and the user gets the `role` it was invited with. A result that already
//! requires them is right (logged as unneeded).

use serde_json::{Map, Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "invite-results",
    quirk: "an invitation's result has every field optional; n8n always sends the user's id, email and role",
    purpose: super::Purpose::Patch,
    apply,
};

const USER_FIELDS: &[&str] = &["id", "email", "emailSent"];

fn is_invite_result(map: &Map<String, Value>) -> bool {
    let props = map.get("properties").and_then(Value::as_object);
    let user_props = props
        .and_then(|p| p.get("user"))
        .and_then(|u| u.get("properties"))
        .and_then(Value::as_object);
    let error_is_text = props
        .and_then(|p| p.get("error"))
        .and_then(|e| e.get("type"))
        .and_then(Value::as_str)
        == Some("string");
    error_is_text && user_props.is_some_and(|u| u.contains_key("id") && u.contains_key("email"))
}

/// Adds `names` to the object's `required` list; answers whether anything was missing.
fn require(map: &mut Map<String, Value>, names: &[&str]) -> bool {
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| map.get("properties").and_then(|p| p.get(*n)).is_some())
        .collect();
    let Value::Array(list) = map.entry("required").or_insert_with(|| json!([])) else {
        return false;
    };
    let mut added = false;
    for n in present {
        if !list.iter().any(|v| v == n) {
            list.push(json!(n));
            added = true;
        }
    }
    added
}

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_object_schema_mut(doc, |pointer, map, _, _| {
        if !is_invite_result(map) {
            return;
        }
        let mut changed = require(map, &["user", "error"]);
        if let Some(error) = map
            .get_mut("properties")
            .and_then(|p| p.get_mut("error"))
            .and_then(Value::as_object_mut)
        {
            error
                .entry("description")
                .or_insert_with(|| json!("Why the invitation email failed; empty when it went out (or none was due)."));
        }
        if let Some(user) = map
            .get_mut("properties")
            .and_then(|p| p.get_mut("user"))
            .and_then(Value::as_object_mut)
        {
            changed |= require(user, USER_FIELDS);
            if let Some(props) = user.get_mut("properties").and_then(Value::as_object_mut)
                && !props.contains_key("role")
            {
                props.insert(
                    "role".into(),
                    json!({ "type": "string", "example": "global:member", "description": "The role the user was invited with." }),
                );
                changed |= require(user, &["role"]);
            }
        }
        if changed {
            log.change(format!(
                "{pointer}: user, its id, email, emailSent and role, and error required"
            ));
        } else {
            log.unneeded(format!("{pointer}: already requires what n8n sends"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run_all, spec};
    use serde_json::json;

    #[test]
    fn an_invitations_result_requires_what_n8n_always_sends() {
        let result = || {
            json!({ "type": "object", "properties": {
                "user": { "type": "object", "properties": {
                    "id": { "type": "string" }, "email": { "type": "string" },
                    "inviteAcceptUrl": { "type": "string" }, "emailSent": { "type": "boolean" } } },
                "error": { "type": "string" } } })
        };
        let mut fixed = result();
        fixed["required"] = json!(["user", "error"]);
        fixed["properties"]["user"]["required"] = json!(["id", "email", "emailSent", "role"]);
        fixed["properties"]["user"]["properties"]["role"] = json!({ "type": "string" });
        let mut doc = spec(
            json!({ "/users": { "post": op_200(json!({ "type": "array", "items": result() })) } }),
            json!({ "fixed": fixed,
                    "other": { "type": "object", "properties": { "user": { "type": "string" }, "error": { "type": "string" } } } }),
        );
        insta::assert_snapshot!(run_all("invite-results", &mut doc).join("\n"), @r"
        /paths/~1users/post/responses/200/content/application~1json/schema/items: user, its id, email, emailSent and role, and error required
        unneeded: /components/schemas/fixed: already requires what n8n sends
        ");
        let user = doc
            .pointer("/paths/~1users/post/responses/200/content/application~1json/schema/items")
            .unwrap();
        assert_eq!(user["required"], json!(["user", "error"]));
        assert_eq!(
            user["properties"]["user"]["required"],
            json!(["id", "email", "emailSent", "role"])
        );
        assert_eq!(
            user["properties"]["user"]["properties"]["role"]["example"],
            "global:member"
        );
        assert!(
            !user["properties"]["user"]["required"]
                .as_array()
                .unwrap()
                .contains(&json!("inviteAcceptUrl")),
            "sent only when no email went out"
        );
        assert!(doc.pointer("/components/schemas/other/required").is_none());
    }
}
