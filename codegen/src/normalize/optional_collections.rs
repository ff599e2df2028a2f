//! Rule `optional-collections`. n8n quirk: lists and maps that a body may leave out (a node's
//! `credentials`, a workflow's `tags`, `nodeGroups`) are optional, and typify makes them a plain
//! `Vec`/`Map` that is empty when absent and left out when empty. An empty one and a missing one
//! then read alike, and a round trip drops what the server sent: a node stored with
//! `"credentials": {}` comes back without the key, an empty page without its `data`.
//!
//! Every optional array or free-form object property (not `required`, no `default`) becomes
//! `nullable`, which typify turns into `Option<Vec<_>>` / `Option<Map<_, _>>`: `None` is
//! "absent" and is left out, `Some([])` is sent as `[]`, in requests and answers alike (an answer
//! that has no `tags`, such as a deleted workflow, reads as `None`, not as an empty list). Runs
//! after `present-nulls`, so these do not become required; lists the server always sends are
//! required by a patch (`page-data`) and stay plain `Vec`s.

use serde_json::Value;

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "optional-collections",
    quirk: "optional lists and maps: an empty one and a missing one read alike, and empties are dropped",
    purpose: super::Purpose::Shape,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut count = 0usize;
    let mut referenced = 0usize;
    super::for_each_object_schema_mut(doc, |_, map, _, _| {
        let required: Vec<String> = super::required_names(&Value::Object(map.clone()))
            .into_iter()
            .map(str::to_string)
            .collect();
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            let Some(prop) = prop.as_object_mut() else { continue };
            if required.contains(name) || prop.contains_key("default") {
                continue;
            }
            if prop.contains_key("$ref") {
                // `nullable` beside a `$ref` is ignored (OpenAPI 3.0): such a list stays a `Vec`.
                referenced += 1;
                continue;
            }
            let ty = prop.get("type").and_then(Value::as_str);
            let free_form = ty == Some("object") && !prop.get("properties").is_some_and(Value::is_object);
            if (ty == Some("array") || free_form) && prop.get("nullable") != Some(&Value::Bool(true)) {
                prop.insert("nullable".into(), Value::Bool(true));
                count += 1;
            }
        }
    });
    if count > 0 {
        log.change(format!("{count} optional lists and maps tell absent from empty"));
    }
    if referenced > 0 {
        log.skipped(format!(
            "{referenced} optional properties refer to a component: left as they are"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn optional_lists_and_maps_become_options() {
        let mut doc = spec(
            json!({ "/w": { "put": { "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/node" } } } }, "responses": {} } } }),
            json!({ "node": { "type": "object", "required": ["position"], "properties": {
                "position": { "type": "array", "items": { "type": "number" } },
                "credentials": { "type": "object" },
                "tags": { "type": "array", "items": { "type": "string" } },
                "settings": { "type": "object", "properties": { "a": { "type": "string" } } },
                "ids": { "$ref": "#/components/schemas/ids" }
            } } }),
        );
        insta::assert_snapshot!(run("optional-collections", &mut doc).join("\n"), @"2 optional lists and maps tell absent from empty");
        let p = |k: &str| {
            doc.pointer(&format!("/components/schemas/node/properties/{k}/nullable"))
                .cloned()
        };
        assert_eq!((p("credentials"), p("tags")), (Some(json!(true)), Some(json!(true))));
        assert_eq!((p("position"), p("settings"), p("ids")), (None, None, None));
    }
}
