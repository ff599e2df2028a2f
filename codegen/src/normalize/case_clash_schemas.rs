//! Rule `case-clash-schemas`. n8n quirk: 11 component schemas of 2.40 are unreferenced PascalCase
//! `$ref` aliases of camelCase ones (`Workflow` -> `workflow`, `User`, `Tag`, `Role`, `Error`...).
//! Both names become one Rust type name: generation succeeds, compilation fails (~210 errors).
//!
//! Among component schemas whose Rust names coincide, a schema that is only a `$ref` to another
//! member of its group is removed and every reference to it is pointed at its target. Distinct
//! schemas that still coincide are renamed (`name2`, `name3`, ...) and their references follow.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Log, Rule, rename_schema_refs, rust_type_name};

pub const RULE: Rule = Rule {
    name: "case-clash-schemas",
    quirk: "component schemas whose names differ only in case (Workflow / workflow)",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in schemas.keys() {
        groups.entry(rust_type_name(name)).or_default().push(name.clone());
    }
    let all_rust_names: std::collections::BTreeSet<String> = groups.keys().cloned().collect();
    // old schema name -> new name (None: removed alias, references go to `target`).
    let mut redirect: BTreeMap<String, String> = BTreeMap::new();
    let mut removed = Vec::new();
    let mut renamed = Vec::new();
    for (rust, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let mut real = Vec::new();
        for m in members {
            let target = schemas[m]
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(super::SCHEMA_PREFIX))
                .filter(|t| members.iter().any(|x| x == t) && *t != m.as_str());
            match target {
                Some(t) => {
                    redirect.insert(m.clone(), t.to_string());
                    removed.push((m.clone(), t.to_string()));
                }
                None => real.push(m.clone()),
            }
        }
        for (n, m) in real.iter().enumerate().skip(1) {
            let mut k = n + 1;
            let new = loop {
                let candidate = format!("{m}{k}");
                if !all_rust_names.contains(&rust_type_name(&candidate)) && !schemas.contains_key(&candidate) {
                    break candidate;
                }
                k += 1;
            };
            redirect.insert(m.clone(), new.clone());
            renamed.push((m.clone(), new, rust.clone()));
        }
    }
    if redirect.is_empty() {
        return;
    }
    // Chains (an alias of an alias) resolve to their final name.
    let final_name = |mut n: String| {
        for _ in 0..16 {
            match redirect.get(&n) {
                Some(next) if next != &n => n = next.clone(),
                _ => break,
            }
        }
        n
    };
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .unwrap();
    for (alias, target) in &removed {
        schemas.shift_remove(alias);
        log.change(format!(
            "removed `{alias}`, an alias of `{target}` with the same Rust name"
        ));
    }
    for (old, new, rust) in &renamed {
        let v = schemas.shift_remove(old).unwrap();
        schemas.insert(new.clone(), v);
        log.change(format!(
            "renamed `{old}` to `{new}`: another schema is also named `{rust}` in Rust"
        ));
    }
    let finals: BTreeMap<String, String> = redirect.keys().map(|k| (k.clone(), final_name(k.clone()))).collect();
    rename_schema_refs(doc, &finals);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn aliases_are_dropped_and_references_follow() {
        let mut doc = spec(
            json!({ "/w": { "get": { "operationId": "w", "responses": { "200": { "description": "", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Workflow" } } } } } } } }),
            json!({
                "workflow": { "type": "object", "properties": { "tags": { "$ref": "#/components/schemas/Tag" } } },
                "tag": { "type": "object" },
                "Workflow": { "$ref": "#/components/schemas/workflow" },
                "Tag": { "$ref": "#/components/schemas/tag" },
                "ldap-config": { "type": "object" },
                "LdapConfig": { "type": "string" }
            }),
        );
        let log = run("case-clash-schemas", &mut doc);
        insta::assert_snapshot!(log.join("\n"));
        let names: Vec<_> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(names, ["workflow", "tag", "ldap-config", "LdapConfig2"]);
        assert_eq!(
            doc.pointer("/paths/~1w/get/responses/200/content/application~1json/schema/$ref")
                .unwrap(),
            "#/components/schemas/workflow"
        );
        assert_eq!(
            doc.pointer("/components/schemas/workflow/properties/tags/$ref")
                .unwrap(),
            "#/components/schemas/tag"
        );
    }

    #[test]
    fn distinct_rust_names_are_left_alone() {
        let mut doc = spec(
            json!({}),
            json!({ "a": {"type": "object"}, "b": {"$ref": "#/components/schemas/a"} }),
        );
        let before = doc.clone();
        assert!(run("case-clash-schemas", &mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
