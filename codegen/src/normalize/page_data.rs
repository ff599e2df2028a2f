//! Rule `page-data` (spec patch). n8n quirk: the `data` list of a cursor page is not required in
//! the spec, while every list operation sends it, empty or not.
//!
//! Evidence (n8n 2.40.7): `GET /api/v1/data-tables/{id}/rows?filter=…` matching nothing answers
//! `200 {"data":[],"nextCursor":null}` (the end-to-end suite's lossless check saw `data: []`);
//! `GET /api/v1/users`, `/ldap-sync`, `/workflows/{id}/test-runs` answer `{"data":[…],
//! "nextCursor":…}` alike; the spec's `dataTableRowList`, `ldap-sync-history.list`,
//! `testRunList`, `userList` list `data` without requiring it (`workflowList` requires it).
//!
//! Pattern: an object schema with an array `data` and a `nextCursor` property (n8n's page)
//! requires `data`. A page that already requires it is right (logged as unneeded).

use serde_json::Value;

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "page-data",
    quirk: "a cursor page's data list is optional in the spec; n8n always sends it",
    purpose: super::Purpose::Patch,
    apply,
};

fn apply(doc: &mut Value, log: &mut Log) {
    let mut count = 0usize;
    let mut right = 0usize;
    super::for_each_object_schema_mut(doc, |_, map, _, _| {
        let is_page = map.get("properties").and_then(Value::as_object).is_some_and(|p| {
            p.contains_key("nextCursor")
                && p.get("data")
                    .is_some_and(|d| d.get("type").and_then(Value::as_str) == Some("array") || d.get("$ref").is_some())
        });
        if !is_page {
            return;
        }
        match map.entry("required").or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(list) if list.iter().any(|v| v == "data") => right += 1,
            Value::Array(list) => {
                list.push(Value::String("data".into()));
                count += 1;
            }
            _ => {}
        }
    });
    if count > 0 {
        log.change(format!("{count} pages: data required"));
    }
    if right > 0 {
        log.unneeded(format!("{right} pages already require data"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run_all, spec};
    use serde_json::json;

    #[test]
    fn a_pages_data_is_required() {
        let page = |required: serde_json::Value| {
            json!({ "type": "object", "required": required, "properties": {
                "data": { "type": "array", "items": { "type": "string" } },
                "nextCursor": { "type": "string", "nullable": true }
            } })
        };
        let mut doc = spec(
            json!({}),
            json!({ "rows": page(json!([])), "users": page(json!(["data"])),
            "other": { "type": "object", "properties": { "data": { "type": "array" } } } }),
        );
        insta::assert_snapshot!(run_all("page-data", &mut doc).join("\n"), @r"
        1 pages: data required
        unneeded: 1 pages already require data
        ");
        assert_eq!(doc.pointer("/components/schemas/rows/required"), Some(&json!(["data"])));
        assert!(doc.pointer("/components/schemas/other/required").is_none());
    }
}
