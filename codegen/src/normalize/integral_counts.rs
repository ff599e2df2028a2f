//! Rule `integral-counts`. n8n quirk: counts and sizes are typed `number` (a workflow's
//! `triggerCount` and `versionCounter`, an execution's `jsonSizeBytes`), so Rust reads them as
//! `f64`: `workflow.trigger_count == 1.0`, and `as usize` casts everywhere. n8n's counters are
//! integer columns (`versionCounter`, `triggerCount`) or byte lengths: never fractional, never
//! negative.
//!
//! A `number` property whose name says it counts (`…Count`, `…Counter`) or measures bytes
//! (`…Bytes`, `…Size`) becomes an integer with `minimum: 0` (`u64`).

use serde_json::{Value, json};

use super::{Log, Rule};

pub const RULE: Rule = Rule {
    name: "integral-counts",
    quirk: "counts and sizes typed `number` (triggerCount, versionCounter, jsonSizeBytes) read as f64",
    purpose: super::Purpose::Shape,
    apply,
};

const SUFFIXES: &[&str] = &["Count", "Counter", "Bytes", "Size"];

fn counts(name: &str) -> bool {
    SUFFIXES.iter().any(|s| name.ends_with(s) && name.len() > s.len())
}

fn apply(doc: &mut Value, log: &mut Log) {
    let mut changed = std::collections::BTreeSet::new();
    super::for_each_object_schema_mut(doc, |_, map, _, _| {
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            let Some(prop) = prop.as_object_mut() else { continue };
            if counts(name) && prop.get("type").and_then(Value::as_str) == Some("number") {
                prop.insert("type".into(), json!("integer"));
                prop.entry("minimum").or_insert(json!(0));
                changed.insert(name.clone());
            }
        }
    });
    if !changed.is_empty() {
        log.change(format!(
            "{} count and size properties are integers: {}",
            changed.len(),
            changed.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn counts_and_sizes_are_integers() {
        let mut doc = spec(
            json!({}),
            json!({ "workflow": { "type": "object", "properties": {
                "triggerCount": { "type": "number" },
                "jsonSizeBytes": { "type": "number" },
                "typeVersion": { "type": "number" },
                "count": { "type": "number" },
                "failureCount": { "type": "string" }
            } } }),
        );
        insta::assert_snapshot!(run("integral-counts", &mut doc).join("\n"), @"2 count and size properties are integers: jsonSizeBytes, triggerCount");
        assert_eq!(
            doc.pointer("/components/schemas/workflow/properties/triggerCount"),
            Some(&json!({ "type": "integer", "minimum": 0 }))
        );
        assert_eq!(
            doc.pointer("/components/schemas/workflow/properties/typeVersion/type"),
            Some(&json!("number"))
        );
    }
}
