//! Rule `disjoint-any-of`. n8n quirk: `staticData` (and 2 more) is `anyOf: [string, object]` (a
//! JSON string or an object). typify models an `anyOf` as a struct of optional flattened parts,
//! so the string form fails to decode.
//!
//! An `anyOf` whose alternatives have pairwise different JSON types can match only one of them at
//! a time, so it means exactly what `oneOf` means; it is rewritten to `oneOf`, which typify turns
//! into an untagged enum that decodes every form. An alternative that only says `nullable: true`
//! (n8n writes `anyOf: [string, object, {nullable: true}]`) becomes `nullable: true` on the union.

use serde_json::{Map, Value};

use super::{Log, Rule, resolve};

pub const RULE: Rule = Rule {
    name: "disjoint-any-of",
    quirk: "anyOf [string, object] (staticData) decodes only the object form",
    purpose: super::Purpose::Digest,
    apply,
};

/// The JSON type an alternative admits, with integer folded into number.
fn json_type(doc: &Value, alt: &Value) -> Option<String> {
    let alt = resolve(doc, alt)?;
    let t = alt.get("type").and_then(Value::as_str).or_else(|| {
        // An object schema often omits `type`.
        alt.get("properties").map(|_| "object")
    })?;
    Some(if t == "integer" { "number".into() } else { t.into() })
}

fn apply(doc: &mut Value, log: &mut Log) {
    let snapshot = doc.clone();
    let mut pointer = String::new();
    visit(&snapshot, doc, &mut pointer, log);
}

/// `{nullable: true}` (maybe with a description): an alternative that only admits null.
fn null_only(alt: &Value) -> bool {
    alt.as_object().is_some_and(|o| {
        o.get("nullable") == Some(&Value::Bool(true)) && o.keys().all(|k| k == "nullable" || k == "description")
    })
}

fn disjoint(root: &Value, map: &Map<String, Value>) -> bool {
    let Some(alts) = map.get("anyOf").and_then(Value::as_array) else {
        return false;
    };
    let typed: Vec<&Value> = alts.iter().filter(|a| !null_only(a)).collect();
    if typed.len() < 2 {
        return false;
    }
    let mut seen = Vec::new();
    for alt in typed {
        match json_type(root, alt) {
            Some(t) if !seen.contains(&t) => seen.push(t),
            _ => return false,
        }
    }
    true
}

fn visit(root: &Value, v: &mut Value, pointer: &mut String, log: &mut Log) {
    match v {
        Value::Object(map) => {
            if !map.contains_key("oneOf") && disjoint(root, map) {
                let alts = map.shift_remove("anyOf").unwrap();
                let (nulls, typed): (Vec<Value>, Vec<Value>) =
                    alts.as_array().unwrap().iter().cloned().partition(null_only);
                let idx = map.len();
                map.shift_insert(idx, "oneOf".into(), Value::Array(typed));
                if !nulls.is_empty() {
                    map.insert("nullable".into(), Value::Bool(true));
                }
                log.change(format!(
                    "{}: anyOf of disjoint types -> oneOf",
                    if pointer.is_empty() { "/" } else { pointer.as_str() }
                ));
            }
            for (k, child) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&super::pointer_escape(k));
                visit(root, child, pointer, log);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                visit(root, child, pointer, log);
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
    fn string_or_object_becomes_one_of() {
        let mut doc = spec(
            json!({}),
            json!({
                "wf": { "type": "object", "properties": {
                    "staticData": { "anyOf": [ { "type": "string", "format": "jsonString" }, { "$ref": "#/components/schemas/obj" } ] },
                    "overlap": { "anyOf": [ { "type": "integer" }, { "type": "number" } ] },
                    "partial": { "anyOf": [ { "type": "string" }, { "description": "anything" } ] },
                    "withNull": { "anyOf": [ { "type": "string" }, { "type": "object" }, { "nullable": true } ] }
                } },
                "obj": { "type": "object" }
            }),
        );
        let log = run("disjoint-any-of", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/schemas/wf/properties/staticData: anyOf of disjoint types -> oneOf
        /components/schemas/wf/properties/withNull: anyOf of disjoint types -> oneOf
        ");
        assert_eq!(
            doc.pointer("/components/schemas/wf/properties/withNull").unwrap(),
            &json!({ "oneOf": [ { "type": "string" }, { "type": "object" } ], "nullable": true })
        );
        assert!(
            doc.pointer("/components/schemas/wf/properties/staticData/oneOf/1/$ref")
                .is_some()
        );
        assert!(doc.pointer("/components/schemas/wf/properties/overlap/anyOf").is_some());
        assert!(doc.pointer("/components/schemas/wf/properties/partial/anyOf").is_some());
    }
}
