//! Rule `variant-types`. n8n quirk: the members of a tagged union each describe a property of the
//! same name with a different inline schema: the package import's blocking issues have a `kind`
//! that is `fail-policy` for a project conflict, `parent-mismatch | id-in-other-project |
//! fail-policy` for a folder, `not_found | unknown_type | source_not_found | type_mismatch` for a
//! credential. typify names an inline type after the union and the property only
//! (`ImportBlockingIssueKind`) and keeps the first schema under that name without comparing: the
//! other members' values are lost (n8n's `"not_found"` decodes as `Unrecognized`), and no error
//! is raised.
//!
//! Where two members of a component's `oneOf`/`anyOf` give one property different inline
//! schemas that become named types (enums, objects, lists of them), each becomes a component of
//! its own named after the union, the member (its tag value, else its position) and the property:
//! `importBlockingIssue-credential-issue-kind` (`ImportBlockingIssueCredentialIssueKind`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "variant-types",
    quirk: "union members give one property different inline types; typify keeps only the first (import issue kind)",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (union, schema) in schemas.iter_mut() {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get_mut(key) else {
                continue;
            };
            for (prop, places) in clashes(members) {
                for i in places {
                    let member = &mut members[i];
                    let name = format!("{union}-{}-{prop}", member_name(member, i));
                    let Some(slot) = member.pointer_mut(&format!("/properties/{}", super::pointer_escape(&prop)))
                    else {
                        continue;
                    };
                    let inline = std::mem::replace(slot, json!({ "$ref": super::schema_ref(&name) }));
                    log.change(format!("{union} {key} member {i} `{prop}` -> {name}"));
                    hoisted.push((name, inline));
                }
            }
        }
    }
    super::add_component_schemas(doc, hoisted);
}

/// The properties that two members describe with different inline named types: property ->
/// the members that describe it.
fn clashes(members: &[Value]) -> BTreeMap<String, Vec<usize>> {
    let mut by_prop: BTreeMap<String, Vec<(usize, &Value)>> = BTreeMap::new();
    let tag = tag_property(members);
    for (i, m) in members.iter().enumerate() {
        for (name, p) in super::properties(m) {
            if Some(name.as_str()) != tag.as_deref() && names_a_type(p) {
                by_prop.entry(name.clone()).or_default().push((i, p));
            }
        }
    }
    by_prop
        .into_iter()
        .filter(|(_, seen)| seen.len() > 1 && seen.iter().any(|(_, p)| *p != seen[0].1))
        .map(|(prop, seen)| (prop, seen.into_iter().map(|(i, _)| i).collect()))
        .collect()
}

/// The property every member gives one value of its own (the union's tag, `type`): typify needs
/// it inline to see the union as tagged.
fn tag_property(members: &[Value]) -> Option<String> {
    let first = members.first()?;
    super::properties(first).map(|(name, _)| name.clone()).find(|name| {
        members.iter().all(|m| {
            m.pointer(&format!("/properties/{}/enum", super::pointer_escape(name)))
                .and_then(Value::as_array)
                .is_some_and(|values| values.len() == 1)
        })
    })
}

/// An inline schema typify turns into a type of its own (and names after its parent).
fn names_a_type(p: &Value) -> bool {
    if p.get("$ref").is_some() {
        return false;
    }
    let enum_ = p.get("enum").is_some_and(Value::is_array);
    let object = p.get("properties").is_some_and(Value::is_object);
    let items = p.get("items").is_some_and(names_a_type);
    enum_ || object || items
}

/// A member's name: the value of its one-value tag property (`type: {enum: [credential-issue]}`),
/// else `variant-<i>`.
fn member_name(member: &Value, i: usize) -> String {
    let one_value = |p: &Value| match p.get("enum").and_then(Value::as_array) {
        Some(values) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    };
    let tag = member
        .pointer("/properties/type")
        .and_then(one_value)
        .or_else(|| super::properties(member).find_map(|(_, p)| one_value(p)));
    tag.unwrap_or_else(|| format!("variant-{i}"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn clashing_member_types_get_names_of_their_own() {
        let member = |tag: &str, kinds: serde_json::Value| {
            json!({ "type": "object", "properties": {
                "type": { "type": "string", "enum": [tag] },
                "kind": { "type": "string", "enum": kinds },
                "name": { "type": "string" }
            } })
        };
        let mut doc = spec(
            json!({}),
            json!({
                "issue": { "oneOf": [
                    member("project-conflict", json!(["fail-policy"])),
                    member("credential-issue", json!(["not_found", "unknown_type"])),
                    { "type": "object", "properties": { "type": { "type": "string", "enum": ["other"] } } }
                ] },
                "same": { "oneOf": [ member("a", json!(["x"])), member("b", json!(["x"])) ] }
            }),
        );
        insta::assert_snapshot!(run("variant-types", &mut doc).join("\n"), @r"
        issue oneOf member 0 `kind` -> issue-project-conflict-kind
        issue oneOf member 1 `kind` -> issue-credential-issue-kind
        ");
        assert_eq!(
            doc.pointer("/components/schemas/issue/oneOf/1/properties/kind"),
            Some(&json!({ "$ref": "#/components/schemas/issue-credential-issue-kind" }))
        );
        assert_eq!(
            doc.pointer("/components/schemas/issue-credential-issue-kind/enum"),
            Some(&json!(["not_found", "unknown_type"]))
        );
        assert!(
            doc.pointer("/components/schemas/same/oneOf/0/properties/kind/$ref")
                .is_none()
        );
    }
}
