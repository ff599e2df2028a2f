//! Rule `multipart-bodies`. n8n quirk: `POST /n8n-packages/import` takes `multipart/form-data`,
//! which progenitor cannot generate at all ("unexpected content type: multipart/form-data").
//!
//! A multipart request body is moved out of progenitor's sight into the operation's
//! `x-n8n-api-multipart` extension, which the generator's multipart stage turns into a typed
//! form builder. String fields that carry an enum are hoisted into component schemas named
//! `{operationId}-{field}`, so they become Rust enums shared with the rest of the client.
//! If the operation also accepts another media type, that one stays for progenitor.

use serde_json::{Map, Value, json};

use super::{Log, MULTIPART_EXTENSION, Rule, op_label, resolve, rust_type_name};

pub const RULE: Rule = Rule {
    name: "multipart-bodies",
    quirk: "multipart/form-data request bodies (package import) are unsupported by progenitor",
    purpose: super::Purpose::Digest,
    apply,
};

const MULTIPART: &str = "multipart/form-data";

fn apply(doc: &mut Value, log: &mut Log) {
    let root = doc.clone();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    super::for_each_operation(doc, |path, method, op| {
        let Some(body) = op.get("requestBody").and_then(|b| resolve(&root, b)) else {
            return;
        };
        let Some(media) = body.pointer(&format!("/content/{}", super::pointer_escape(MULTIPART))) else {
            return;
        };
        let op_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("operation")
            .to_string();
        let mut schema = media
            .get("schema")
            .and_then(|s| resolve(&root, s))
            .cloned()
            .unwrap_or_else(|| json!({ "type": "object" }));
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (field, prop) in props.iter_mut() {
                let is_enum = prop.get("enum").is_some() && prop.get("type").and_then(Value::as_str) == Some("string");
                if !is_enum {
                    continue;
                }
                let mut name = format!("{op_id}-{field}");
                let taken = |n: &str| {
                    root.pointer("/components/schemas")
                        .and_then(Value::as_object)
                        .is_some_and(|s| s.contains_key(n))
                        || hoisted.iter().any(|(h, _)| h == n)
                };
                while taken(&name) {
                    name.push_str("-field");
                }
                let mut keep = Map::new();
                keep.insert("$ref".into(), Value::String(format!("#/components/schemas/{name}")));
                for k in ["description", "default"] {
                    if let Some(v) = prop.get(k) {
                        keep.insert(k.into(), v.clone());
                    }
                }
                log.change(format!(
                    "{}: form field `{field}` enum -> component `{name}` ({})",
                    op_label(method, path),
                    rust_type_name(&name)
                ));
                hoisted.push((name, std::mem::replace(prop, Value::Object(keep))));
            }
        }
        let mut ext = Map::new();
        ext.insert(
            "required".into(),
            Value::Bool(body.get("required").and_then(Value::as_bool).unwrap_or(false)),
        );
        if let Some(d) = body.get("description") {
            ext.insert("description".into(), d.clone());
        }
        if let Some(e) = media.get("encoding") {
            ext.insert("encoding".into(), e.clone());
        }
        ext.insert("schema".into(), schema);
        // Keep any other media type of the body for progenitor; drop the body if none is left.
        let mut remaining = body.clone();
        if let Some(content) = remaining.get_mut("content").and_then(Value::as_object_mut) {
            content.shift_remove(MULTIPART);
        }
        if remaining
            .get("content")
            .and_then(Value::as_object)
            .is_some_and(|c| c.is_empty())
        {
            op.shift_remove("requestBody");
        } else {
            op.insert("requestBody".into(), remaining);
        }
        op.insert(MULTIPART_EXTENSION.into(), Value::Object(ext));
        log.change(format!(
            "{}: multipart/form-data body -> {MULTIPART_EXTENSION}",
            op_label(method, path)
        ));
    });
    super::add_component_schemas(doc, hoisted);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn multipart_moves_to_the_extension_and_enums_to_components() {
        let mut doc = spec(
            json!({ "/import": { "post": { "operationId": "importPackage",
                "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                    "type": "object", "required": ["package", "policy"],
                    "properties": {
                        "package": { "type": "string", "format": "binary" },
                        "policy": { "type": "string", "enum": ["fail", "skip"], "default": "fail", "description": "On conflict." },
                        "projectId": { "type": "string" }
                    } } } } },
                "responses": { "200": { "description": "ok" } } } } }),
            json!({}),
        );
        let log = run("multipart-bodies", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        POST /import: form field `policy` enum -> component `importPackage-policy` (ImportPackagePolicy)
        POST /import: multipart/form-data body -> x-n8n-api-multipart
        ");
        let op = doc.pointer("/paths/~1import/post").unwrap();
        assert!(op.get("requestBody").is_none());
        insta::assert_json_snapshot!(op["x-n8n-api-multipart"]);
        assert_eq!(
            doc.pointer("/components/schemas/importPackage-policy").unwrap(),
            &json!({ "type": "string", "enum": ["fail", "skip"], "default": "fail", "description": "On conflict." })
        );
    }

    #[test]
    fn another_media_type_stays() {
        let mut doc = spec(
            json!({ "/x": { "post": { "operationId": "x", "requestBody": { "content": {
                "multipart/form-data": { "schema": { "type": "object" } },
                "application/json": { "schema": { "type": "object" } } } }, "responses": {} } } }),
            json!({}),
        );
        run("multipart-bodies", &mut doc);
        let content = doc
            .pointer("/paths/~1x/post/requestBody/content")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
        assert_eq!(
            doc.pointer("/paths/~1x/post/x-n8n-api-multipart/required").unwrap(),
            false
        );
    }
}
