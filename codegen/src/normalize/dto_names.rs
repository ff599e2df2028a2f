//! Rule `dto-names`. n8n quirk: schemas n8n generates from its TypeScript DTOs are named after the
//! DTO class and the generator (`workflowPublicDto.generated`, `credentialPublicDto.generated`):
//! Rust users would write `types::WorkflowPublicDtoGenerated` for what is a workflow.
//!
//! A component schema whose name ends in `.generated` (or `PublicDto`, or `Dto`) is renamed to
//! its stem (`workflow`, `credential`) when no other schema has that Rust name; references follow.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Log, Rule, rename_schema_refs, rust_type_name};

pub const RULE: Rule = Rule {
    name: "dto-names",
    quirk: "schemas named after n8n's DTO classes (`workflowPublicDto.generated`)",
    purpose: super::Purpose::Shape,
    apply,
};

/// `workflowPublicDto.generated` -> `workflow`; `None` if the name has none of the suffixes.
fn stem(name: &str) -> Option<&str> {
    let mut s = name.strip_suffix(".generated").unwrap_or(name);
    for suffix in ["PublicDto", "Dto"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest;
            break;
        }
    }
    (s != name && !s.is_empty()).then_some(s)
}

fn apply(doc: &mut Value, log: &mut Log) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| rust_type_name(k)).collect();
    let mut renamed = BTreeMap::new();
    for name in schemas.keys() {
        let Some(stem) = stem(name) else { continue };
        let rust = rust_type_name(stem);
        if taken.contains(&rust) {
            log.change(format!("kept `{name}`: `{rust}` is taken"));
            continue;
        }
        taken.insert(rust);
        renamed.insert(name.clone(), stem.to_string());
    }
    // Rebuilt in order, so each renamed schema keeps its place.
    *schemas = std::mem::take(schemas)
        .into_iter()
        .map(|(k, v)| match renamed.get(&k) {
            Some(new) => (new.clone(), v),
            None => (k, v),
        })
        .collect();
    for (old, new) in &renamed {
        log.change(format!("renamed `{old}` to `{new}`"));
    }
    rename_schema_refs(doc, &renamed);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn dto_names_lose_their_suffixes_unless_the_stem_is_taken() {
        let mut doc = spec(
            json!({ "/t": { "get": { "responses": { "200": { "description": "ok",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/tagPublicDto.generated" } } } } } } } }),
            json!({
                "tagPublicDto.generated": { "type": "object" },
                "projectDto": { "type": "object", "properties": { "tags": { "$ref": "#/components/schemas/tagPublicDto.generated" } } },
                "user": { "type": "object" },
                "userPublicDto.generated": { "type": "object" },
                "generated": { "type": "string" }
            }),
        );
        let log = run("dto-names", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        kept `userPublicDto.generated`: `User` is taken
        renamed `projectDto` to `project`
        renamed `tagPublicDto.generated` to `tag`
        ");
        let names: Vec<&String> = doc
            .pointer("/components/schemas")
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            names,
            ["tag", "project", "user", "userPublicDto.generated", "generated"]
        );
        assert_eq!(
            doc.pointer("/components/schemas/project/properties/tags/$ref").unwrap(),
            "#/components/schemas/tag"
        );
        assert_eq!(
            doc.pointer("/paths/~1t/get/responses/200/content/application~1json/schema/$ref")
                .unwrap(),
            "#/components/schemas/tag"
        );
    }
}
