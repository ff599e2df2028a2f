//! What the rules that shape the Rust surface decided on the pinned spec, change by change, and
//! that they recognise the same patterns in every release kept in spec/history/.

use n8n_api_codegen::pipeline;

#[test]
fn decisions_on_the_pinned_spec() {
    let output = pipeline::run_dir(n8n_api_tests::specs().pinned(), "test").unwrap();
    insta::assert_snapshot!(output.log.decisions().join("\n"));
}

/// Every kept release returns one `Workflow` type from its workflow operations, takes integer
/// page sizes, and has no public type named after a DTO class.
#[test]
fn every_release_gets_the_same_shape() {
    let mut checked = 0;
    for (_, dir) in n8n_api_tests::specs().kept().unwrap() {
        let output = pipeline::run_dir(&dir, "test").unwrap();
        let release = output.n8n_version.clone().unwrap_or_default();
        let workflow = output
            .surface
            .iter()
            .find(|(tag, _)| tag.starts_with("Workflow"))
            .map(|(_, t)| t);
        let Some(workflow) = workflow else { continue };
        let get = workflow
            .split("\nget_workflow ")
            .nth(1)
            .and_then(|rest| rest.lines().find(|l| l.trim_start().starts_with("->")))
            .unwrap_or_else(|| panic!("{release}: no get_workflow"));
        assert_eq!(get.trim(), "-> Workflow", "{release}");
        assert!(
            !output.code.contains("limit: Result<Option<f64>"),
            "{release}: `limit` is still f64"
        );
        for banned in ["PublicDto", "DtoGenerated"] {
            assert!(!output.code.contains(banned), "{release}: a type carries `{banned}`");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} releases have workflow operations");
}

/// What a request sends is what the user set or read: in every kept release (and the pinned
/// spec), no JSON request body lists a `readOnly` property (inline, or through a component:
/// older specs send the `workflow` resource itself, `id` and `activeVersion` included, which
/// n8n refuses with `400 request/body/id is read-only`), except in components answers share,
/// where the property carries the marker that makes the generator never serialize it; and no
/// body property has a `default` (typify would send it although nobody set it: the 2.10.0
/// client wrote `availableInMCP: false` and a `callerPolicy` into every workflow update).
#[test]
fn request_bodies_carry_nothing_the_user_did_not_set() {
    use serde_json::Value;
    fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).expect("a $ref resolves")),
            None => v,
        }
    }
    fn check(doc: &Value, schema: &Value, at: &str, inline: bool, seen: &mut Vec<String>, found: &mut Vec<String>) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if seen.iter().any(|s| s == r) {
                return;
            }
            seen.push(r.to_string());
            return check(doc, resolve(doc, schema), r, false, seen, found);
        }
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, p) in props {
                let target = resolve(doc, p);
                let read_only = [p, target]
                    .iter()
                    .any(|s| s.get("readOnly") == Some(&Value::Bool(true)));
                let marked = p
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.contains("[[n8n-api:read-only]]"));
                if read_only && (inline || !marked) {
                    found.push(format!("{at}: `{name}` is read-only"));
                }
                if p.get("default").is_some() {
                    found.push(format!("{at}: `{name}` has a default"));
                }
                check(doc, p, &format!("{at}.{name}"), inline, seen, found);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = schema.get(key).filter(|c| c.is_object()) {
                check(doc, child, &format!("{at}[]"), inline, seen, found);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for (i, child) in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                check(doc, child, &format!("{at}/{key}/{i}"), inline, seen, found);
            }
        }
    }
    let mut bodies = 0;
    for dir in n8n_api_tests::specs().all().unwrap() {
        let output = pipeline::run_dir(&dir, "test").unwrap();
        let release = output.n8n_version.clone().unwrap_or_default();
        let doc = &output.normalized;
        let mut found = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
                    continue;
                };
                bodies += 1;
                check(
                    doc,
                    schema,
                    &format!("{} {path}", method.to_uppercase()),
                    true,
                    &mut Vec::new(),
                    &mut found,
                );
            }
        }
        assert!(found.is_empty(), "n8n {release}:\n{}", found.join("\n"));
    }
    assert!(bodies > 100, "only {bodies} request bodies checked");
}
