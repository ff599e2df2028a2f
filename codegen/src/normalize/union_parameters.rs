//! Rule `union-parameters`. n8n quirk: the optional query parameter `reassignRoleSlug` of
//! `DELETE /roles/{roleSlug}` is an `anyOf` of a string enum and a free string; progenitor's
//! builder reaches `unreachable!()` on a union-typed parameter.
//!
//! A parameter whose schema is an `anyOf`/`oneOf` of string schemas becomes one string schema:
//! a string enum of all values when every alternative is an enum, else a plain string whose
//! known values are listed in the parameter's description.

use serde_json::{Value, json};

use super::{Log, Rule, resolve};

pub const RULE: Rule = Rule {
    name: "union-parameters",
    quirk: "a parameter typed as anyOf of strings (reassignRoleSlug) panics progenitor",
    purpose: super::Purpose::Digest,
    apply,
};

/// `Some((enum values, all alternatives are enums))` when every alternative is a string schema.
fn string_union(doc: &Value, schema: &Value) -> Option<(Vec<Value>, bool)> {
    let alts = schema.get("anyOf").or_else(|| schema.get("oneOf"))?.as_array()?;
    let mut values: Vec<Value> = Vec::new();
    let mut all_enums = true;
    for alt in alts {
        let alt = resolve(doc, alt)?;
        if alt.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        match alt.get("enum").and_then(Value::as_array) {
            Some(e) => {
                for v in e {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
            }
            None => all_enums = false,
        }
    }
    Some((values, all_enums))
}

fn apply(doc: &mut Value, log: &mut Log) {
    // Pointers of every parameter object: components, path items, operations.
    let mut pointers = Vec::new();
    if let Some(params) = doc.pointer("/components/parameters").and_then(Value::as_object) {
        pointers.extend(
            params
                .keys()
                .map(|k| format!("/components/parameters/{}", super::pointer_escape(k))),
        );
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let base = format!("/paths/{}", super::pointer_escape(path));
            let mut lists = vec![(base.clone(), item.get("parameters"))];
            for m in super::METHODS {
                if let Some(op) = item.get(*m) {
                    lists.push((format!("{base}/{m}"), op.get("parameters")));
                }
            }
            for (at, list) in lists {
                if let Some(list) = list.and_then(Value::as_array) {
                    pointers.extend((0..list.len()).map(|i| format!("{at}/parameters/{i}")));
                }
            }
        }
    }
    for p in pointers {
        let Some(param) = doc.pointer(&p) else { continue };
        if param.get("$ref").is_some() {
            continue;
        }
        let Some(schema) = param.get("schema") else { continue };
        let Some((values, all_enums)) = string_union(doc, schema) else {
            continue;
        };
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
        let param = doc.pointer_mut(&p).unwrap();
        if all_enums {
            param["schema"] = json!({ "type": "string", "enum": values });
            log.change(format!("{p} (`{name}`): union of string enums -> one string enum"));
        } else {
            param["schema"] = json!({ "type": "string" });
            if !values.is_empty() {
                let known = values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let desc = param
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim_end()
                    .to_string();
                let sep = if desc.is_empty() { "" } else { "\n\n" };
                param["description"] = Value::String(format!("{desc}{sep}Known values: {known}."));
            }
            log.change(format!("{p} (`{name}`): union of strings -> string"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn string_unions_become_strings() {
        let mut doc = spec(
            json!({ "/roles/{slug}": { "delete": { "operationId": "d", "parameters": [
                { "name": "slug", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "reassign", "in": "query", "description": "Role to reassign to.", "schema": { "anyOf": [
                    { "type": "string", "enum": ["global:admin", "global:member"] }, { "type": "string", "minLength": 1 } ] } },
                { "name": "mode", "in": "query", "schema": { "oneOf": [ { "type": "string", "enum": ["a"] }, { "type": "string", "enum": ["b", "a"] } ] } },
                { "name": "mixed", "in": "query", "schema": { "anyOf": [ { "type": "string" }, { "type": "integer" } ] } }
            ], "responses": {} } } }),
            json!({}),
        );
        let log = run("union-parameters", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /paths/~1roles~1{slug}/delete/parameters/1 (`reassign`): union of strings -> string
        /paths/~1roles~1{slug}/delete/parameters/2 (`mode`): union of string enums -> one string enum
        ");
        let params = doc.pointer("/paths/~1roles~1{slug}/delete/parameters").unwrap();
        assert_eq!(params[1]["schema"], json!({ "type": "string" }));
        assert_eq!(
            params[1]["description"],
            "Role to reassign to.\n\nKnown values: `global:admin`, `global:member`."
        );
        assert_eq!(params[2]["schema"], json!({ "type": "string", "enum": ["a", "b"] }));
        assert!(params[3]["schema"]["anyOf"].is_array());
    }
}
