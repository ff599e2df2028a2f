//! Rule `undeclared-path-parameters`. n8n quirk: older specs use a path template parameter that
//! the operation never declares (a later release added the declaration), and progenitor cannot
//! build the URL of such an operation.
//!
//! Every `{name}` of a path template that neither the operation nor its path item declares
//! `in: path` gets a required string path parameter.

use serde_json::{Value, json};

use super::{Log, METHODS, Rule, op_label, resolve};

pub const RULE: Rule = Rule {
    name: "undeclared-path-parameters",
    quirk: "a path template parameter the operation does not declare (older specs)",
    purpose: super::Purpose::Digest,
    apply,
};

fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

fn declared_path_params(doc: &Value, params: Option<&Value>) -> Vec<String> {
    params
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn apply(doc: &mut Value, log: &mut Log) {
    // Collect first (resolution needs the whole document), then insert.
    let mut missing: Vec<(String, String, Vec<String>)> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let names = template_names(path);
            if names.is_empty() {
                continue;
            }
            let at_path = declared_path_params(doc, item.get("parameters"));
            for method in METHODS {
                let Some(op) = item.get(*method) else { continue };
                let declared = declared_path_params(doc, op.get("parameters"));
                let absent: Vec<String> = names
                    .iter()
                    .filter(|n| !declared.iter().chain(&at_path).any(|d| d == *n))
                    .map(|n| n.to_string())
                    .collect();
                if !absent.is_empty() {
                    missing.push((path.clone(), method.to_string(), absent));
                }
            }
        }
    }
    for (path, method, names) in missing {
        let op = &mut doc["paths"][&path][&method];
        let params = op
            .as_object_mut()
            .expect("operation is an object")
            .entry("parameters")
            .or_insert_with(|| json!([]));
        if !params.is_array() {
            *params = json!([]);
        }
        for name in names {
            log.change(format!(
                "{}: declared path parameter `{name}` (string)",
                op_label(&method, &path)
            ));
            params.as_array_mut().unwrap().push(json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" }
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn declares_what_the_template_uses() {
        let mut doc = spec(
            json!({
                "/w/{id}/tags/{tagId}": {
                    "parameters": [ { "$ref": "#/components/parameters/Id" } ],
                    "get": { "operationId": "a", "responses": {} },
                    "put": { "operationId": "b", "parameters": [ { "name": "tagId", "in": "path", "required": true, "schema": {"type": "string"} } ], "responses": {} }
                }
            }),
            json!({}),
        );
        doc["components"]["parameters"] =
            json!({ "Id": { "name": "id", "in": "path", "required": true, "schema": {"type": "string"} } });
        let log = run("undeclared-path-parameters", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @"GET /w/{id}/tags/{tagId}: declared path parameter `tagId` (string)");
        assert_eq!(
            doc.pointer("/paths/~1w~1{id}~1tags~1{tagId}/get/parameters/0").unwrap(),
            &json!({ "name": "tagId", "in": "path", "required": true, "schema": { "type": "string" } })
        );
        assert!(
            doc.pointer("/paths/~1w~1{id}~1tags~1{tagId}/put/parameters/1")
                .is_none()
        );
    }
}
