//! Rule `field-markers`. Three facts of the spec that typify does not carry into Rust fields:
//! - `deprecated: true` on a property (an execution's `finished`: "Use `status` instead");
//! - secrets: `writeOnly` properties (a credential's `data`), `format: password`, and properties
//!   named like one (`password`, `clientSecret`, `privateKey`, `accessToken`, `apiKey`), which a
//!   derived `Debug` would print;
//! - a string some operation sends as a number ([`LENIENT_EXTENSION`](crate::openapi::LENIENT_EXTENSION)).
//!
//! typify copies a property's `description` into the field's doc comment and nothing else. This
//! rule appends a marker (`[[n8n-api:deprecated]]`, ...) to the description of each such property;
//! the generator's `field-markers` pass turns the markers into `#[deprecated]`, a redacting
//! `Debug` and lenient decoding, and removes them from the docs.

use serde_json::{Map, Value};

use super::{Log, Rule, Walk, pointer_escape, walk_schema_objects_mut};
use crate::openapi::LENIENT_EXTENSION;

pub const RULE: Rule = Rule {
    name: "field-markers",
    quirk: "deprecated, secret and number-or-string properties look like any other field in Rust",
    purpose: super::Purpose::Shape,
    apply,
};

use crate::openapi::markers::{DEPRECATED, SECRET, STRING_OR_NUMBER};

/// Property names that hold secrets, lower-cased, matched as suffixes.
const SECRET_NAMES: &[&str] = &["password", "secret", "privatekey", "accesstoken", "apikey", "token"];

fn apply(doc: &mut Value, log: &mut Log) {
    walk_schema_objects_mut(doc, "", &mut |pointer, map| {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (name, prop) in props.iter_mut() {
                if let Some(prop) = prop.as_object_mut() {
                    mark(
                        &format!("{pointer}/properties/{}", pointer_escape(name)),
                        name,
                        prop,
                        log,
                    );
                }
            }
        }
        Walk::Into
    });
}

fn mark(pointer: &str, name: &str, prop: &mut Map<String, Value>, log: &mut Log) {
    let flag = |k: &str| prop.get(k) == Some(&Value::Bool(true));
    let lower = name.to_ascii_lowercase();
    let secret = flag("writeOnly")
        || prop.get("format").and_then(Value::as_str) == Some("password")
        || (SECRET_NAMES.iter().any(|s| lower.ends_with(s)) && is_scalar_or_map(prop));
    let markers: Vec<&str> = [
        (flag("deprecated"), DEPRECATED),
        (secret, SECRET),
        (flag(LENIENT_EXTENSION), STRING_OR_NUMBER),
    ]
    .into_iter()
    .filter_map(|(on, m)| on.then_some(m))
    .collect();
    if markers.is_empty() {
        return;
    }
    let description = prop
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end();
    if markers.iter().all(|m| description.contains(m)) {
        return;
    }
    let text = if description.is_empty() {
        markers.join(" ")
    } else {
        format!("{description}\n\n{}", markers.join(" "))
    };
    prop.insert("description".into(), Value::String(text));
    log.change(format!("{pointer}: {}", markers.join(" ")));
}

/// Secrets are strings or maps of them, not objects with a shape of their own.
fn is_scalar_or_map(prop: &Map<String, Value>) -> bool {
    !prop.contains_key("properties")
        && !prop.contains_key("$ref")
        && prop.get("type").and_then(Value::as_str) != Some("array")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn markers_go_into_descriptions() {
        let mut doc = spec(
            json!({}),
            json!({
                "credential": { "type": "object", "properties": {
                    "data": { "type": "object", "writeOnly": true, "description": "The secrets." },
                    "clientSecret": { "type": "string" },
                    "tokens": { "type": "array", "items": { "type": "string" } },
                    "finished": { "type": "boolean", "deprecated": true, "description": "Use `status` instead." },
                    "id": { "type": "string", "x-n8n-api-string-or-number": true },
                    "name": { "type": "string", "example": { "properties": { "password": {} } } }
                } }
            }),
        );
        let log = run("field-markers", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/schemas/credential/properties/data: [[n8n-api:secret]]
        /components/schemas/credential/properties/clientSecret: [[n8n-api:secret]]
        /components/schemas/credential/properties/finished: [[n8n-api:deprecated]]
        /components/schemas/credential/properties/id: [[n8n-api:string-or-number]]
        ");
        let props = doc.pointer("/components/schemas/credential/properties").unwrap();
        assert_eq!(props["data"]["description"], "The secrets.\n\n[[n8n-api:secret]]");
        assert_eq!(props["clientSecret"]["description"], "[[n8n-api:secret]]");
        // Idempotent: a second run changes nothing.
        assert!(run("field-markers", &mut doc).is_empty());
    }
}
