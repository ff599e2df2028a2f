//! Rule `unused-components`. n8n quirk: the spec keeps component schemas of older releases that no
//! operation uses any more (2.40 has `workflow`, `workflowList`, `workflowSettings`,
//! `credentialType`, ... beside the DTOs its operations really return). typify generates a type for
//! each: dead code every user compiles, and names (`types::Workflow`) that belong to what the
//! operations do return.
//!
//! Component schemas that no operation reaches (through any chain of `$ref`s, from parameters,
//! request bodies, responses or shared components those use) are removed.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Log, Rule, SCHEMA_PREFIX, collect_refs, decode_pointer_segment};

pub const RULE: Rule = Rule {
    name: "unused-components",
    quirk: "component schemas of older releases that no operation uses any more",
    purpose: super::Purpose::Shape,
    apply,
};

/// Names of the component schemas reachable from `paths`.
pub(crate) fn reachable_schemas(doc: &Value) -> BTreeSet<String> {
    let mut seen_refs: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths") {
        collect_refs(paths, &mut |r| stack.push(r.to_string()));
    }
    while let Some(r) = stack.pop() {
        if !seen_refs.insert(r.clone()) {
            continue;
        }
        if let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            collect_refs(target, &mut |r| stack.push(r.to_string()));
        }
    }
    seen_refs
        .iter()
        .filter_map(|r| r.strip_prefix(SCHEMA_PREFIX))
        // `#/components/schemas/a/properties/b` reaches `a`.
        .map(|r| decode_pointer_segment(r.split('/').next().unwrap_or(r)))
        .collect()
}

fn apply(doc: &mut Value, log: &mut Log) {
    let reachable = reachable_schemas(doc);
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return;
    };
    let unused: Vec<String> = schemas.keys().filter(|k| !reachable.contains(*k)).cloned().collect();
    for name in unused {
        schemas.shift_remove(&name);
        log.change(format!("removed `{name}`: no operation uses it"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn keeps_what_operations_reach_and_removes_the_rest() {
        let mut doc = spec(
            json!({ "/w": { "get": { "responses": { "200": { "description": "ok",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/page" } } } } } } } }),
            json!({
                "page": { "type": "object", "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/item" } } } },
                "item": { "type": "object", "properties": { "self": { "$ref": "#/components/schemas/item" } } },
                "legacy": { "type": "object", "properties": { "x": { "$ref": "#/components/schemas/legacyPart" } } },
                "legacyPart": { "type": "string" },
                "Legacy": { "$ref": "#/components/schemas/legacy" }
            }),
        );
        let log = run("unused-components", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        removed `legacy`: no operation uses it
        removed `legacyPart`: no operation uses it
        removed `Legacy`: no operation uses it
        ");
        let left: Vec<&String> = doc
            .pointer("/components/schemas")
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(left, ["page", "item"]);
    }
}
