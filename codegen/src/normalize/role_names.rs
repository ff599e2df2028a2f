//! Rule `role-names`. n8n quirk: roles are plain strings in the spec, with one example each
//! (`role: global:member`, `newRoleName: global:member`, a project member's `role:
//! project:viewer`, a workflow share's `role: workflow:owner`), so Rust sees `String` and a
//! caller types `"global:member"` by hand, or `"global:Member"` and learns of it from a 400.
//!
//! n8n's built-in roles are a closed list per namespace (n8n 2.40.7, `@n8n/permissions`
//! `schemas.ee.js`: `globalRoleSchema` owner|admin|member|chatUser, `personalRoleSchema`
//! personalOwner and `teamRoleSchema` admin|editor|viewer|chatUser, `workflowSharingRoleSchema`
//! owner|editor, `credentialSharingRoleSchema` owner|user, `secretsProviderConnection` owner|user);
//! custom global and project roles add slugs of their own.
//!
//! A string property whose name says it holds a role (`role`, `…Role`, `…RoleName`) and whose
//! example is `<namespace>:<name>` of a known namespace becomes that namespace's role component
//! (`globalRole`, `projectRole`, ...): an enum of the built-in roles that the generator keeps open,
//! so a custom role's slug decodes (and is sent) as `Unrecognized("...")`. A role property without
//! such an example says nothing of its namespace and stays a string (logged as skipped).

use serde_json::{Map, Value, json};

use super::{Log, Rule};
use crate::openapi::schema_ref;

pub const RULE: Rule = Rule {
    name: "role-names",
    quirk: "roles are bare strings with one example; n8n's built-in roles have names",
    purpose: super::Purpose::Shape,
    apply,
};

/// Namespace -> its built-in roles (see the module docs for where they come from).
const NAMESPACES: &[(&str, &[&str])] = &[
    ("global", &["owner", "admin", "member", "chatUser"]),
    ("project", &["personalOwner", "admin", "editor", "viewer", "chatUser"]),
    ("workflow", &["owner", "editor"]),
    ("credential", &["owner", "user"]),
    ("secretsProviderConnection", &["owner", "user"]),
];

/// Whether a property's name says it holds a role.
fn names_a_role(name: &str) -> bool {
    name == "role" || name.ends_with("Role") || name.ends_with("RoleName")
}

/// The known namespace of a role example (`global:member` -> `global`).
fn namespace_of(example: &str) -> Option<&'static str> {
    let (ns, role) = example.split_once(':')?;
    let valid = !role.is_empty() && role.chars().all(|c| c.is_ascii_alphanumeric());
    NAMESPACES.iter().map(|(n, _)| *n).find(|n| *n == ns && valid)
}

fn component_name(namespace: &str) -> String {
    format!("{namespace}Role")
}

fn component(namespace: &str) -> Value {
    let roles = NAMESPACES
        .iter()
        .find(|(n, _)| *n == namespace)
        .map_or(&[][..], |(_, r)| *r);
    let values: Vec<String> = roles.iter().map(|r| format!("{namespace}:{r}")).collect();
    json!({
        "type": "string",
        "description": format!(
            "A {namespace} role: n8n's built-in ones by name; a custom role's slug is kept as it is."
        ),
        "enum": values,
    })
}

/// The property's replacement: the role component, nullable where the property was.
fn reference(prop: &Map<String, Value>, namespace: &str) -> Map<String, Value> {
    let target = json!({ "$ref": schema_ref(&component_name(namespace)) });
    let mut out = if prop.get("nullable") == Some(&Value::Bool(true)) {
        json!({ "allOf": [target], "nullable": true })
    } else {
        target
    };
    if let (Some(d), Some(m)) = (prop.get("description"), out.as_object_mut()) {
        // A `$ref`'s siblings are ignored by OpenAPI 3.0; the doc stays for readers.
        m.insert("description".into(), d.clone());
    }
    out.as_object().cloned().unwrap_or_default()
}

fn apply(doc: &mut Value, log: &mut Log) {
    let mut used = std::collections::BTreeSet::new();
    let existing: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut changes = Vec::new();
    let mut skipped = Vec::new();
    super::for_each_object_schema_mut(doc, |pointer, map, _, _| {
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            let Some(p) = prop.as_object() else { continue };
            let plain_string = p.get("type").and_then(Value::as_str) == Some("string") && p.get("enum").is_none();
            if !names_a_role(name) || !plain_string {
                continue;
            }
            let example = p.get("example").and_then(Value::as_str);
            let Some(ns) = example.and_then(namespace_of) else {
                skipped.push(format!("{pointer}/properties/{name}"));
                continue;
            };
            if existing.contains(&component_name(ns)) {
                skipped.push(format!("{pointer}/properties/{name}: {} exists", component_name(ns)));
                continue;
            }
            *prop = Value::Object(reference(p, ns));
            used.insert(ns);
            changes.push(format!("{pointer}/properties/{name} -> {}", component_name(ns)));
        }
    });
    for c in changes {
        log.change(c);
    }
    if !skipped.is_empty() {
        log.skipped(format!(
            "{} role properties without a `namespace:role` example left as strings",
            skipped.len()
        ));
    }
    crate::openapi::add_component_schemas(
        doc,
        used.into_iter().map(|ns| (component_name(ns), component(ns))).collect(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn role_properties_with_a_namespaced_example_name_their_roles() {
        let mut doc = spec(
            json!({}),
            json!({
                "user": { "type": "object", "properties": {
                    "role": { "type": "string", "example": "global:owner" },
                    "name": { "type": "string", "example": "global:owner" } } },
                "member": { "type": "object", "properties": {
                    "role": { "type": "string", "nullable": true, "example": "project:viewer", "description": "In the project." } } },
                "change": { "type": "object", "properties": {
                    "newRoleName": { "type": "string", "example": "global:member" } } },
                "other": { "type": "object", "properties": {
                    "role": { "type": "string" },
                    "roleType": { "type": "string", "enum": ["global", "project"] },
                    "ownRole": { "type": "string", "example": "team:lead" } } }
            }),
        );
        insta::assert_snapshot!(run("role-names", &mut doc).join("\n"), @r"
        /components/schemas/user/properties/role -> globalRole
        /components/schemas/member/properties/role -> projectRole
        /components/schemas/change/properties/newRoleName -> globalRole
        ");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["user"]["properties"]["role"],
            json!({ "$ref": "#/components/schemas/globalRole" })
        );
        assert_eq!(
            schemas["user"]["properties"]["name"]["type"], "string",
            "not a role by its name"
        );
        assert_eq!(
            schemas["member"]["properties"]["role"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/projectRole" }], "nullable": true, "description": "In the project." })
        );
        assert_eq!(
            schemas["globalRole"]["enum"],
            json!(["global:owner", "global:admin", "global:member", "global:chatUser"])
        );
        assert_eq!(schemas["projectRole"]["enum"][0], "project:personalOwner");
        assert!(schemas.get("workflowRole").is_none(), "only the namespaces in use");
        assert_eq!(schemas["other"]["properties"]["role"], json!({ "type": "string" }));
        assert_eq!(schemas["other"]["properties"]["ownRole"]["example"], "team:lead");
    }
}
