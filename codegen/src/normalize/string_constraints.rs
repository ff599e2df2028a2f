//! Rule `string-constraints`. n8n quirk: ids and names carry `minLength: 1` (and some a
//! `maxLength` or `pattern`) in ~80 places. typify makes each such string a newtype that only
//! `TryFrom` builds: an id read from one response (`String`) cannot be passed where another body
//! wants `Vec<ExportPackageRequestWorkflowIdsItem>`, a response whose string breaks the
//! constraint fails to decode although the server sent it, and the newtypes of identical shape
//! collapse into one misleadingly named type (`ChangeUserRoleInProjectBodyRole` for workflow ids
//! and passwords alike).
//!
//! `minLength`, `maxLength` and `pattern` of a string schema move into the `x-n8n-api-constraints`
//! extension, so typify generates a plain `String`. The server still enforces them, and the
//! generator checks the lengths of top-level request body fields before sending.

use serde_json::{Map, Value};

use super::{Log, Rule, Walk, walk_schema_objects_mut};

pub const RULE: Rule = Rule {
    name: "string-constraints",
    quirk: "length/pattern-constrained strings become newtypes (ids that do not pass from one call to the next)",
    purpose: super::Purpose::Shape,
    apply,
};

/// Extension holding the constraints moved out of a string schema.
use crate::openapi::CONSTRAINTS_EXTENSION;

const MOVED: &[&str] = &["minLength", "maxLength", "pattern"];

fn apply(doc: &mut Value, log: &mut Log) {
    walk_schema_objects_mut(doc, "", &mut |pointer, map| {
        if map.get("type").and_then(Value::as_str) != Some("string") || map.contains_key("enum") {
            return Walk::Into;
        }
        let mut constraints = Map::new();
        for key in MOVED {
            if let Some(v) = map.shift_remove(*key) {
                constraints.insert((*key).to_string(), v);
            }
        }
        if !constraints.is_empty() {
            let what: Vec<&String> = constraints.keys().collect();
            log.change(format!("{pointer}: {what:?} -> {CONSTRAINTS_EXTENSION}"));
            map.insert(CONSTRAINTS_EXTENSION.into(), Value::Object(constraints));
        }
        Walk::Into
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn constrained_strings_become_plain_strings() {
        let mut doc = spec(
            json!({}),
            json!({
                "export": { "type": "object", "properties": {
                    "workflowIds": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 } },
                    "slug": { "type": "string", "pattern": "^[a-z]+$", "maxLength": 20 },
                    "mode": { "type": "string", "enum": ["a"], "minLength": 1 },
                    "plain": { "type": "string" }
                }, "example": { "type": "string", "minLength": 1 } }
            }),
        );
        let log = run("string-constraints", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r#"
        /components/schemas/export/properties/workflowIds/items: ["minLength"] -> x-n8n-api-constraints
        /components/schemas/export/properties/slug: ["maxLength", "pattern"] -> x-n8n-api-constraints
        "#);
        assert_eq!(
            doc.pointer("/components/schemas/export/properties/slug").unwrap(),
            &json!({ "type": "string", "x-n8n-api-constraints": { "pattern": "^[a-z]+$", "maxLength": 20 } })
        );
        assert_eq!(
            doc.pointer("/components/schemas/export/properties/workflowIds/minItems")
                .unwrap(),
            1
        );
        assert!(
            doc.pointer("/components/schemas/export/properties/mode/minLength")
                .is_some()
        );
        assert!(doc.pointer("/components/schemas/export/example/minLength").is_some());
    }
}
