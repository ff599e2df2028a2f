//! Rule `closed-objects`. n8n quirk: ~118 schemas say `additionalProperties: false`, which typify
//! turns into `#[serde(deny_unknown_fields)]`. A response carrying one field the spec does not
//! list (any newer n8n) would then fail to decode: today's client would break on the next release.
//!
//! `additionalProperties: false` is removed from every object schema. (The client never needs it:
//! it serializes requests from typed fields, and must accept what newer servers add.)

use serde_json::{Map, Value};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "closed-objects",
    quirk: "additionalProperties: false (typify: deny_unknown_fields) breaks on newer servers",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::walk_objects_with_pointer_mut(doc, &mut |pointer, map| {
        if map.get("additionalProperties") == Some(&Value::Bool(false)) && is_object_schema(map) {
            map.shift_remove("additionalProperties");
            log.change(format!("opened {pointer}"));
        }
    });
}

fn is_object_schema(m: &Map<String, Value>) -> bool {
    m.get("type").and_then(Value::as_str) == Some("object") || m.get("properties").is_some_and(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn opens_closed_objects_only() {
        let mut doc = spec(
            json!({}),
            json!({
                "tag": { "type": "object", "additionalProperties": false, "properties": {
                    "inner": { "properties": { "a": {"type": "string"} }, "additionalProperties": false }
                } },
                "map": { "type": "object", "additionalProperties": { "type": "string" } },
                "example-holder": { "type": "string", "example": { "additionalProperties": false } }
            }),
        );
        let log = run("closed-objects", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        opened /components/schemas/tag
        opened /components/schemas/tag/properties/inner
        ");
        assert!(doc.pointer("/components/schemas/tag/additionalProperties").is_none());
        assert_eq!(
            doc.pointer("/components/schemas/map/additionalProperties").unwrap(),
            &json!({"type": "string"})
        );
        assert_eq!(
            doc.pointer("/components/schemas/example-holder/example/additionalProperties")
                .unwrap(),
            &json!(false)
        );
    }
}
