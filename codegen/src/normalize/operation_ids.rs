//! Rule `operation-ids`. n8n quirk: most operations have no `operationId` (42 of 154 in 2.41; up
//! to 2.0 all but one), which progenitor requires ("path /audit is missing operation ID"). n8n
//! puts the name its router uses in `x-eov-operation-id` instead.
//!
//! Every operation without an `operationId` gets its `x-eov-operation-id`, or, when that is
//! absent too, a name derived from its method and path (`GET /tags/{id}` -> `getTagsById`).

use std::collections::BTreeSet;

use heck::ToLowerCamelCase;
use serde_json::Value;

use super::{Log, Rule, for_each_operation, op_label, operations};

pub const RULE: Rule = Rule {
    name: "operation-ids",
    quirk: "operations without operationId (n8n names them in x-eov-operation-id)",
    purpose: super::Purpose::Digest,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut taken: BTreeSet<String> = operations(doc)
        .iter()
        .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    for_each_operation(doc, |path, method, op| {
        if op
            .get("operationId")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
        {
            return;
        }
        let (id, from) = match op.get("x-eov-operation-id").and_then(Value::as_str) {
            Some(eov) if !eov.is_empty() && !taken.contains(eov) => (eov.to_string(), "x-eov-operation-id"),
            _ => (unused(from_path(method, path), &mut taken), "method and path"),
        };
        taken.insert(id.clone());
        log.change(format!("{}: operationId = {id} (from {from})", op_label(method, path)));
        op.insert("operationId".into(), Value::String(id));
    })
}

/// A lowerCamelCase name from method and path: `DELETE /workflows/{id}/tags` ->
/// `deleteWorkflowsByIdTags`.
pub(crate) fn from_path(method: &str, path: &str) -> String {
    let mut words = vec![method.to_string()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".into());
                words.push(param.into());
            }
            None => words.push(seg.into()),
        }
    }
    words.join("-").to_lower_camel_case()
}

/// `name`, or `name2`, `name3`... whichever is not in `taken`; records the result as taken.
pub(crate) fn unused(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn fills_ids_from_eov_then_from_the_path() {
        let mut doc = spec(
            json!({
                "/audit": { "post": { "x-eov-operation-id": "generateAudit", "responses": {} } },
                "/tags/{id}": {
                    "get": { "responses": {} },
                    "delete": { "operationId": "deleteTag", "responses": {} }
                }
            }),
            json!({}),
        );
        let log = run("operation-ids", &mut doc);
        assert_eq!(doc.pointer("/paths/~1audit/post/operationId").unwrap(), "generateAudit");
        assert_eq!(
            doc.pointer("/paths/~1tags~1{id}/get/operationId").unwrap(),
            "getTagsById"
        );
        assert_eq!(
            doc.pointer("/paths/~1tags~1{id}/delete/operationId").unwrap(),
            "deleteTag"
        );
        insta::assert_snapshot!(log.join("\n"));
    }

    #[test]
    fn a_derived_name_never_takes_an_existing_id() {
        let mut doc = spec(
            json!({
                "/a": { "get": { "operationId": "getB", "responses": {} } },
                "/b": { "get": { "responses": {} } }
            }),
            json!({}),
        );
        run("operation-ids", &mut doc);
        assert_eq!(doc.pointer("/paths/~1b/get/operationId").unwrap(), "getB2");
    }
}
