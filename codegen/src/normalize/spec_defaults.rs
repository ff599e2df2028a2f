//! Rule `spec-defaults`. n8n quirk: properties carry `default` values (a data-table update's
//! `returnData: false`, a package export's `includeTags: true`, older workflow settings'
//! `availableInMCP: false`). typify makes such a field a plain value filled with the default
//! when absent, so a body always sends the default (values the user never set and the server
//! never stored: a read-modify-write writes them in), and an answer that left the field out
//! reads as if the server had sent the default.
//!
//! The `default` of every object property moves into its description ("n8n's default: `false`."):
//! the field becomes optional (`None` = not sent, not received) and its docs still say what the
//! server does without it. Parameters and form fields keep theirs (they are sent only when set).

use serde_json::Value;

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "spec-defaults",
    quirk: "property defaults become values the client sends and reads although nobody set them",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    super::for_each_object_schema_mut(doc, |pointer, map, _, _| {
        // A form's fields are sent one by one, only when set; their defaults are documentation
        // already (and tell the multipart pass which strings carry JSON).
        if pointer.contains(super::MULTIPART_EXTENSION) || pointer.contains("multipart~1form-data") {
            return;
        }
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            let Some(prop) = prop.as_object_mut() else { continue };
            let Some(default) = prop.shift_remove("default") else {
                continue;
            };
            let note = format!("n8n's default: `{default}`.");
            let description = match prop.get("description").and_then(Value::as_str) {
                Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
                _ => note,
            };
            prop.insert("description".into(), Value::String(description));
            log.change(format!(
                "{pointer}/properties/{}: default {default} documented, not sent",
                super::pointer_escape(name)
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{op_200, run, spec};
    use serde_json::json;

    #[test]
    fn defaults_become_documentation() {
        let mut doc = spec(
            json!({ "/rows": { "post": {
                "parameters": [ { "name": "limit", "in": "query", "schema": { "type": "integer", "default": 100 } } ],
                "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "returnData": { "type": "boolean", "default": false, "description": "Return the rows." }
                } } } } },
                "responses": op_200(json!({ "$ref": "#/components/schemas/settings" }))["responses"].clone()
            } } }),
            json!({ "settings": { "type": "object", "properties": { "availableInMCP": { "type": "boolean", "default": false } } } }),
        );
        insta::assert_snapshot!(run("spec-defaults", &mut doc).join("\n"), @r"
        /components/schemas/settings/properties/availableInMCP: default false documented, not sent
        /paths/~1rows/post/requestBody/content/application~1json/schema/properties/returnData: default false documented, not sent
        ");
        let body = doc
            .pointer("/paths/~1rows/post/requestBody/content/application~1json/schema/properties/returnData")
            .unwrap();
        assert_eq!(
            body,
            &json!({ "type": "boolean", "description": "Return the rows.\n\nn8n's default: `false`." })
        );
        assert_eq!(
            doc.pointer("/paths/~1rows/post/parameters/0/schema/default"),
            Some(&json!(100))
        );
    }
}
