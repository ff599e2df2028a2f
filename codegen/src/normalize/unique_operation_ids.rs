//! Rule `unique-operation-ids`. n8n quirk: two operations can carry the same id. In 2.40 both
//! `GET /workflows/{id}/{versionId}` (only `x-eov-operation-id`) and
//! `GET /workflows/{workflowId}/versions/{workflowVersionId}` (`operationId`) say
//! `getWorkflowVersion`, and progenitor would emit two methods of one name.
//!
//! Among operations sharing an effective id (`operationId`, else `x-eov-operation-id`), the one
//! that declares a real `operationId` keeps it (else the first in document order); every other
//! one gets a real `operationId` derived from its method and path. Runs before `operation-ids`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Log, Rule, for_each_operation, op_label, operations};

pub const RULE: Rule = Rule {
    name: "unique-operation-ids",
    quirk: "two operations share an operation id (e.g. getWorkflowVersion in 2.40)",
    purpose: super::Purpose::Digest,
    apply,
};

fn effective_id(op: &serde_json::Map<String, Value>) -> Option<(&str, bool)> {
    let real = op.get("operationId").and_then(Value::as_str).filter(|s| !s.is_empty());
    match real {
        Some(id) => Some((id, true)),
        None => op
            .get("x-eov-operation-id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|id| (id, false)),
    }
}

fn apply(doc: &mut Value, log: &mut Log) {
    // id -> [(index, declared)]
    let mut by_id: BTreeMap<String, Vec<(usize, bool)>> = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (i, (_, _, op)) in operations(doc).into_iter().enumerate() {
        if let Some((id, declared)) = effective_id(op) {
            by_id.entry(id.to_string()).or_default().push((i, declared));
            taken.insert(id.to_string());
        }
    }
    let mut rename = BTreeSet::new();
    for group in by_id.values().filter(|g| g.len() > 1) {
        let keeper = group.iter().find(|(_, d)| *d).unwrap_or(&group[0]).0;
        rename.extend(group.iter().map(|(i, _)| *i).filter(|i| *i != keeper));
    }
    let mut index = 0;
    for_each_operation(doc, |path, method, op| {
        if rename.contains(&index) {
            let old = effective_id(op).map(|(id, _)| id.to_string()).unwrap_or_default();
            let new = super::operation_ids::unused(super::operation_ids::from_path(method, path), &mut taken);
            log.change(format!(
                "{}: `{old}` is used by another operation; operationId = {new}",
                op_label(method, path)
            ));
            op.insert("operationId".into(), Value::String(new));
        }
        index += 1;
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn the_declared_id_wins_and_the_other_is_named_from_its_path() {
        let mut doc = spec(
            json!({
                "/w/{id}/{v}": { "get": { "x-eov-operation-id": "getVersion", "responses": {} } },
                "/w/{wid}/versions/{vid}": { "get": { "operationId": "getVersion", "responses": {} } }
            }),
            json!({}),
        );
        let log = run("unique-operation-ids", &mut doc);
        assert_eq!(
            doc.pointer("/paths/~1w~1{id}~1{v}/get/operationId").unwrap(),
            "getWByIdByV"
        );
        assert_eq!(
            doc.pointer("/paths/~1w~1{wid}~1versions~1{vid}/get/operationId")
                .unwrap(),
            "getVersion"
        );
        insta::assert_snapshot!(log.join("\n"));
    }

    #[test]
    fn without_a_declared_id_the_first_keeps_it() {
        let mut doc = spec(
            json!({
                "/a": { "get": { "x-eov-operation-id": "same", "responses": {} } },
                "/b": { "get": { "x-eov-operation-id": "same", "responses": {} } }
            }),
            json!({}),
        );
        run("unique-operation-ids", &mut doc);
        assert!(doc.pointer("/paths/~1a/get/operationId").is_none());
        assert_eq!(doc.pointer("/paths/~1b/get/operationId").unwrap(), "getB");
    }

    #[test]
    fn unique_ids_are_left_alone() {
        let mut doc = spec(
            json!({ "/a": { "get": { "operationId": "a", "responses": {} }, "post": { "x-eov-operation-id": "b", "responses": {} } } }),
            json!({}),
        );
        let before = doc.clone();
        assert!(run("unique-operation-ids", &mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
