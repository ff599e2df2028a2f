//! Rule `boolean-parameters`. n8n quirk: yes/no query parameters are string enums of `'true'` and
//! `'false'` (12 of 2.40: `active`, `includeData`, `excludePinnedData`, ...), so a Rust user writes
//! `.include_data(types::GetExecutionIncludeData::True)` where `true` is meant.
//!
//! A query parameter whose schema is a string enum of exactly `true` and `false` becomes
//! `type: boolean` (its default too). `true` and `false` travel as the same query text.

use serde_json::{Map, Value};

use super::{Log, Rule, for_each_parameter_schema_mut};

pub const RULE: Rule = Rule {
    name: "boolean-parameters",
    quirk: "yes/no query parameters typed as the string enum ['true', 'false']",
    purpose: super::Purpose::Shape,
    apply,
};

fn true_false_enum(schema: &Map<String, Value>) -> bool {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return false;
    };
    let mut texts: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    texts.sort_unstable();
    schema.get("type").and_then(Value::as_str) == Some("string") && values.len() == 2 && texts == ["false", "true"]
}

fn apply(doc: &mut Value, log: &mut Log) {
    for_each_parameter_schema_mut(doc, |p| {
        let (pointer, name, schema) = (p.pointer, p.name, p.schema);
        if p.location != "query" || !true_false_enum(schema) {
            return;
        }
        schema.shift_remove("enum");
        schema.insert("type".into(), "boolean".into());
        for k in ["default", "example"] {
            if let Some(v) = schema.get_mut(k) {
                *v = Value::Bool(v.as_str() == Some("true"));
            }
        }
        log.change(format!("{pointer} (`{name}`): ['true', 'false'] -> boolean"));
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn true_false_enums_become_booleans() {
        let mut doc = spec(
            json!({ "/e": { "get": {
                "parameters": [
                    { "name": "includeData", "in": "query", "schema": { "type": "string", "enum": ["true", "false"], "default": "false", "description": "d" } },
                    { "name": "mode", "in": "query", "schema": { "type": "string", "enum": ["true", "false", "auto"] } },
                    { "name": "flag", "in": "path", "required": true, "schema": { "type": "string", "enum": ["false", "true"] } }
                ],
                "responses": { "200": { "description": "ok" } } } } }),
            json!({}),
        );
        let log = run("boolean-parameters", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"/paths/~1e/get/parameters/0 (`includeData`): ['true', 'false'] -> boolean");
        assert_eq!(
            doc.pointer("/paths/~1e/get/parameters/0/schema").unwrap(),
            &json!({ "type": "boolean", "default": false, "description": "d" })
        );
        assert!(doc.pointer("/paths/~1e/get/parameters/1/schema/enum").is_some());
        assert!(doc.pointer("/paths/~1e/get/parameters/2/schema/enum").is_some());
    }
}
