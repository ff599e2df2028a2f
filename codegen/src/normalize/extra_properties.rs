//! Rule `extra-properties`. n8n quirk: an execution's `data` is an object that lists only
//! `redactionInfo` and says `additionalProperties: true` for everything else (the run data
//! itself). typify reads `true` as "ignore the rest": the generated struct silently drops the
//! execution data. With `additionalProperties: {}` (the same meaning in JSON Schema) typify keeps
//! the rest in an `extra` map.
//!
//! Every object schema with `properties` and `additionalProperties: true` gets
//! `additionalProperties: {}`.

use serde_json::{Map, Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "extra-properties",
    quirk: "additionalProperties: true beside properties: typify drops the extra fields (execution data)",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::walk_objects_with_pointer_mut(doc, &mut |pointer, map| {
        if applies(map) {
            map.insert("additionalProperties".into(), json!({}));
            log.change(format!("{pointer}: extra properties kept"));
        }
    });
}

fn applies(m: &Map<String, Value>) -> bool {
    m.get("additionalProperties") == Some(&Value::Bool(true)) && m.get("properties").is_some_and(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn declared_extras_are_kept() {
        let mut doc = spec(
            json!({}),
            json!({
                "execution": { "type": "object", "properties": { "data": {
                    "type": "object", "additionalProperties": true, "properties": { "redactionInfo": { "type": "object" } }
                } } },
                "freeForm": { "type": "object", "additionalProperties": true }
            }),
        );
        let log = run("extra-properties", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"/components/schemas/execution/properties/data: extra properties kept");
        assert_eq!(
            doc.pointer("/components/schemas/execution/properties/data/additionalProperties")
                .unwrap(),
            &json!({})
        );
        assert_eq!(
            doc.pointer("/components/schemas/freeForm/additionalProperties")
                .unwrap(),
            &json!(true)
        );
    }
}
