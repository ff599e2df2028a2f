//! Rule `node-parameters` (spec patch). n8n quirk: a workflow node's `parameters` is optional in
//! the spec, but n8n's own node type (`INode.parameters`) requires it, and the server breaks on a
//! node stored without it.
//!
//! Evidence (n8n 2.40.7):
//! - request: `PUT /api/v1/workflows/{id}` with a node `{"id":…,"name":"A","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[0,0]}`
//!   (no `parameters`): `200`, and `GET` shows the node stored without the key.
//! - then `POST /api/v1/n8n-packages/export {"workflowIds":[id]}`: `500 {"message":"Internal server error"}`;
//!   after a `PUT` with `"parameters": {}`, the same export answers `200 application/gzip`.
//! - server code: `n8n-packages/…/workflow.serializer.js` parses nodes with
//!   `serializedWorkflowSchema` (`parameters: z.record(z.unknown())`, required); the editor stores
//!   `"parameters": {}` for nodes without settings.
//!
//! Pattern: an object schema with `type`, `typeVersion`, `position` and a free-form `parameters`
//! (n8n's node) requires `parameters`. The generator's `round-trip` pass lets the field default to
//! `{}` in builders and when an old stored node lacks it, so it is always sent.

use serde_json::Value;

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "node-parameters",
    quirk: "a node's parameters are optional in the spec; a node stored without them breaks export (500)",
    purpose: super::Purpose::Patch,
    apply,
};

const NODE_PROPERTIES: &[&str] = &["type", "typeVersion", "position", "parameters"];

fn apply(doc: &mut Value, log: &mut Log) {
    // Nodes are still written inline where the spec repeats them (`repeated-schemas` runs
    // later): one line for all of them.
    let mut count = 0usize;
    super::for_each_object_schema_mut(doc, |pointer, map, _, _| {
        let is_node = {
            let props = map.get("properties").and_then(Value::as_object);
            props.is_some_and(|p| NODE_PROPERTIES.iter().all(|k| p.contains_key(*k)))
        };
        if !is_node {
            return;
        }
        let required = map.entry("required").or_insert_with(|| Value::Array(Vec::new()));
        match required {
            Value::Array(list) if list.iter().any(|v| v == "parameters") => {
                log.unneeded(format!("{pointer}: parameters already required"));
            }
            Value::Array(list) => {
                list.push(Value::String("parameters".into()));
                count += 1;
            }
            _ => {}
        }
    });
    if count > 0 {
        log.change(format!("{count} node schemas: parameters required"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::{Value, json};

    #[test]
    fn a_nodes_parameters_are_required() {
        let node = |required: Value| {
            json!({ "type": "object", "required": required, "properties": {
                "type": { "type": "string" }, "typeVersion": { "type": "number" },
                "position": { "type": "array", "items": { "type": "number" } },
                "parameters": { "type": "object" }
            } })
        };
        let mut doc = spec(
            json!({}),
            json!({
                "node": node(json!(["type"])),
                "fixed": node(json!(["parameters"])),
                "other": { "type": "object", "properties": { "parameters": { "type": "object" } } }
            }),
        );
        insta::assert_snapshot!(run_all("node-parameters", &mut doc).join("\n"), @r"
        1 node schemas: parameters required
        unneeded: /components/schemas/fixed: parameters already required
        ");
        assert_eq!(
            doc.pointer("/components/schemas/node/required"),
            Some(&json!(["type", "parameters"]))
        );
        assert!(doc.pointer("/components/schemas/other/required").is_none());
    }
}
