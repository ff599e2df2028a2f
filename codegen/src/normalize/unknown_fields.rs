//! Rule `unknown-fields`. n8n quirk: its answers carry fields its spec does not list (a data
//! table column's `createdAt`, a folder's `workflowCount`, an execution's `customData`), and every
//! release adds more. typify's structs drop whatever they do not name: a value read and written
//! back (a node a newer editor stored with a property this client does not know) silently loses
//! it.
//!
//! Every object schema with `properties` and no `additionalProperties` schema that answers carry
//! gets `additionalProperties: {}`, which typify turns into a `#[serde(flatten)] extra` map:
//! unknown members decode into it and serialize back unchanged. Left alone: schemas only requests
//! carry (nothing is read into them), members of `oneOf`/`anyOf` lists (typify then gives up the
//! tagged enum for an untagged one), and multipart forms.

use serde_json::{Value, json};

use super::{Log, MULTIPART_EXTENSION, Rule};

pub const RULE: Rule = Rule {
    name: "unknown-fields",
    quirk: "answers carry fields the spec does not list; typify's structs drop them on a round trip",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut kept = 0usize;
    let mut variants = Vec::new();
    super::for_each_object_schema_mut(doc, |pointer, map, side, variant| {
        if !side.received()
            || pointer.contains(MULTIPART_EXTENSION)
            || map.get("additionalProperties").is_some_and(|a| a != &Value::Bool(true))
        {
            return;
        }
        if variant {
            variants.push(pointer.to_string());
            return;
        }
        map.insert("additionalProperties".into(), json!({}));
        kept += 1;
    });
    if kept > 0 {
        log.change(format!("{kept} object schemas keep the members they do not name"));
    }
    if let Some(first) = variants.first() {
        log.change(format!(
            "{} union members left closed (their tags would be lost), e.g. {first}",
            variants.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run, spec};
    use serde_json::json;

    #[test]
    fn objects_keep_unknown_members_but_union_members_stay_tagged() {
        let mut doc = spec(
            json!({
                "/nodes": { "get": op_200(json!({ "type": "object", "properties": {
                    "node": { "$ref": "#/components/schemas/node" }, "map": { "$ref": "#/components/schemas/map" },
                    "issue": { "$ref": "#/components/schemas/issue" } } })) },
                "/bodies": { "post": { "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/body" } } } }, "responses": {} } }
            }),
            json!({
                "body": { "type": "object", "properties": { "name": { "type": "string" } } },
                "node": { "type": "object", "properties": { "name": { "type": "string" },
                    "meta": { "type": "object", "properties": { "a": { "type": "string" } } } } },
                "map": { "type": "object", "additionalProperties": { "type": "string" }, "properties": { "x": {} } },
                "issue": { "oneOf": [ { "type": "object", "properties": { "type": { "enum": ["a"] } } } ] }
            }),
        );
        insta::assert_snapshot!(run("unknown-fields", &mut doc).join("\n"), @r"
        3 object schemas keep the members they do not name
        1 union members left closed (their tags would be lost), e.g. /components/schemas/issue/oneOf/0
        ");
        assert_eq!(
            doc.pointer("/components/schemas/node/additionalProperties"),
            Some(&json!({}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/node/properties/meta/additionalProperties"),
            Some(&json!({}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/map/additionalProperties"),
            Some(&json!({"type": "string"}))
        );
        assert!(
            doc.pointer("/components/schemas/issue/oneOf/0/additionalProperties")
                .is_none()
        );
        assert!(doc.pointer("/components/schemas/body/additionalProperties").is_none());
    }
}
