//! Rule `nullable-siblings` (spec patch). n8n quirk: the same server-owned field of the same
//! resource is `nullable` in one schema and not in another, and the server sends `null`.
//!
//! Evidence (n8n 2.40.7):
//! - request: `GET /api/v1/users` after inviting a user (who has not signed up yet).
//! - real response: `200 {"data":[{"id":"1983…","email":"admin1@example.com","firstName":null,"lastName":null,"isPending":true,…}],…}`
//! - spec: `components/schemas/user` `firstName: {maxLength: 32, type: string, readOnly: true}`
//!   (`lastName` alike), not nullable; the item schema of `GET /projects/{projectId}/users`
//!   (the same users, through the same mapper) says `firstName: {type: string, nullable: true,
//!   maxLength: 32, readOnly: true}`, and a pending user validated there.
//! - server code: `users.mapper.js` picks `firstName`/`lastName`, columns that stay `NULL` until
//!   the invitation is accepted.
//!
//! Pattern: two object schemas describe the same resource when at least four property names are
//! shared and they make up 80% of the smaller schema's. A `readOnly` (server-owned) property that
//! one of them declares `nullable` with the same type becomes nullable in the other. (Only
//! `readOnly` properties: they never reach a request.) A pair that already agrees is logged as
//! unneeded.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "nullable-siblings",
    quirk: "a server-owned field is nullable in one schema of a resource and not in another (user firstName)",
    purpose: super::Purpose::Patch,
    apply,
};

const MIN_SHARED: usize = 4;
const MIN_OVERLAP: f64 = 0.8;

/// An object schema: where it is and its properties.
struct Shape {
    pointer: String,
    props: Map<String, Value>,
}

fn apply(doc: &mut Value, log: &mut Log) {
    let mut shapes = Vec::new();
    super::walk_objects_with_pointer_mut(doc, &mut |pointer, map| {
        if let Some(Value::Object(props)) = map.get("properties")
            && props.len() >= MIN_SHARED
            && !pointer.contains("/example")
        {
            shapes.push(Shape {
                pointer: pointer.to_string(),
                props: props.clone(),
            });
        }
    });
    let mut made_nullable = BTreeSet::new();
    for a in &shapes {
        for b in &shapes {
            if a.pointer != b.pointer && same_resource(a, b) {
                reconcile(doc, (a, b), &mut made_nullable, log);
            }
        }
    }
}

fn same_resource(a: &Shape, b: &Shape) -> bool {
    let names = |s: &Shape| s.props.keys().cloned().collect::<BTreeSet<_>>();
    let (na, nb) = (names(a), names(b));
    let shared = na.intersection(&nb).count();
    shared >= MIN_SHARED && shared as f64 >= MIN_OVERLAP * na.len().min(nb.len()) as f64
}

/// Makes `b`'s read-only properties nullable where `a` says they are (once each: `done`).
fn reconcile(doc: &mut Value, (a, b): (&Shape, &Shape), done: &mut BTreeSet<String>, log: &mut Log) {
    let mut agreed = Vec::new();
    for (name, pa) in &a.props {
        let Some(pb) = b.props.get(name) else { continue };
        let read_only = |p: &Value| p.get("readOnly") == Some(&Value::Bool(true));
        let nullable = |p: &Value| p.get("nullable") == Some(&Value::Bool(true));
        let same_type = pa.get("type").is_some() && pa.get("type") == pb.get("type");
        if !(read_only(pa) && read_only(pb) && same_type && nullable(pa)) {
            continue;
        }
        if nullable(pb) {
            agreed.push(name.as_str());
            continue;
        }
        let at = format!("{}/properties/{}", b.pointer, super::pointer_escape(name));
        if done.contains(&at) {
            continue;
        }
        if let Some(Value::Object(p)) = doc.pointer_mut(&at) {
            p.insert("nullable".into(), Value::Bool(true));
            log.change(format!("{at}: nullable, as in {}", a.pointer));
            done.insert(at);
        }
    }
    if !agreed.is_empty() && a.pointer < b.pointer {
        log.unneeded(format!(
            "{} and {} agree: {} nullable",
            a.pointer,
            b.pointer,
            agreed.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn a_field_null_in_one_schema_of_a_resource_is_null_in_all() {
        let name = |nullable: bool| json!({ "type": "string", "readOnly": true, "nullable": nullable });
        let id = json!({ "type": "string", "readOnly": true });
        let mut doc = spec(
            json!({}),
            json!({
                "user": { "type": "object", "properties": {
                    "id": id, "email": { "type": "string" }, "firstName": name(false), "lastName": name(false),
                    "isPending": { "type": "boolean" }, "createdAt": { "type": "string" }
                } },
                "projectUser": { "type": "object", "properties": {
                    "id": id, "email": { "type": "string" }, "firstName": name(true), "lastName": name(true), "createdAt": { "type": "string" }
                } },
                "member": { "type": "object", "properties": {
                    "id": id, "email": { "type": "string" }, "firstName": name(true), "lastName": name(true), "role": { "type": "string" }
                } },
                "tag": { "type": "object", "properties": {
                    "id": id, "name": { "type": "string" }, "firstName": name(true), "createdAt": { "type": "string" }
                } }
            }),
        );
        let log = run_all("nullable-siblings", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/schemas/user/properties/firstName: nullable, as in /components/schemas/projectUser
        /components/schemas/user/properties/lastName: nullable, as in /components/schemas/projectUser
        unneeded: /components/schemas/member and /components/schemas/projectUser agree: firstName, lastName nullable
        ");
        assert_eq!(
            doc.pointer("/components/schemas/user/properties/firstName/nullable")
                .unwrap(),
            true
        );
    }
}
