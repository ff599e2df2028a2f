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
use crate::Result;

pub const RULE: Rule = Rule {
    name: "extra-properties",
    quirk: "additionalProperties: true beside properties: typify drops the extra fields (execution data)",
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) -> Result<()> {
    visit(doc, &mut String::new(), log);
    Ok(())
}

fn applies(m: &Map<String, Value>) -> bool {
    m.get("additionalProperties") == Some(&Value::Bool(true)) && m.get("properties").is_some_and(Value::is_object)
}

fn visit(v: &mut Value, pointer: &mut String, log: &mut Log) {
    match v {
        Value::Object(map) => {
            if applies(map) {
                map.insert("additionalProperties".into(), json!({}));
                log.change(format!(
                    "{}: extra properties kept",
                    if pointer.is_empty() { "/" } else { pointer.as_str() }
                ));
            }
            for (k, child) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&super::pointer_escape(k));
                visit(child, pointer, log);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                visit(child, pointer, log);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
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
