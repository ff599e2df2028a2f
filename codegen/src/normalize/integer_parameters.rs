//! Rule `integer-parameters`. n8n quirk: page sizes and offsets are `type: number` (19 query
//! parameters of 2.40: `limit`, `offset`), so the client takes an `f64` (`.limit(50.0)`) and sends
//! `limit=50.0`. Every value the spec gives them (default, example, bounds) is a whole number.
//!
//! A query or path parameter of `type: number` whose `default`, `example`, `minimum` and
//! `maximum` (at least one of them given) are all integral becomes `type: integer`; one with no
//! `minimum` gets `minimum: 0` when its values are not negative (a page size, like an offset, is
//! a count), and a `maximum` moves into the description (typify makes a bounded integer an `i64`
//! but an unbounded non-negative one a `u64`): `limit` and `offset` are then both `u64`, not
//! `i64` and `u64`. n8n still enforces its maximum; the docs say it.

use serde_json::{Map, Value};

use super::{Log, Rule, for_each_parameter_schema_mut};

pub const RULE: Rule = Rule {
    name: "integer-parameters",
    quirk: "page sizes typed `number` (`.limit(50.0)`, sent as `limit=50.0`)",
    purpose: super::Purpose::Shape,
    apply,
};

fn integral(v: &Value) -> bool {
    v.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
}

fn whole_number_schema(schema: &Map<String, Value>) -> bool {
    let given: Vec<&Value> = ["default", "example", "minimum", "maximum"]
        .iter()
        .filter_map(|k| schema.get(*k))
        .collect();
    schema.get("type").and_then(Value::as_str) == Some("number")
        && schema.get("format").is_none()
        && !given.is_empty()
        && given.into_iter().all(integral)
}

fn apply(doc: &mut Value, log: &mut Log) {
    for_each_parameter_schema_mut(doc, |p| {
        let (pointer, name, schema) = (p.pointer, p.name, p.schema);
        if p.location != "query" && p.location != "path" {
            return;
        }
        if whole_number_schema(schema) {
            schema.insert("type".into(), "integer".into());
            for k in ["default", "example", "minimum", "maximum"] {
                if let Some(v) = schema.get_mut(k)
                    && let Some(f) = v.as_f64()
                {
                    *v = Value::from(f as i64);
                }
            }
            let never_negative = ["default", "example", "maximum"]
                .iter()
                .filter_map(|k| schema.get(*k).and_then(Value::as_i64))
                .all(|v| v >= 0);
            if !schema.contains_key("minimum") && never_negative {
                schema.insert("minimum".into(), Value::from(0));
            }
            if schema.get("minimum").and_then(Value::as_i64).is_some_and(|m| m >= 0)
                && let Some(max) = schema.shift_remove("maximum")
            {
                let note = format!("At most {max}.");
                let text = match schema.get("description").and_then(Value::as_str) {
                    Some(d) => format!("{} {note}", d.trim_end()),
                    None => note,
                };
                schema.insert("description".into(), Value::String(text));
            }
            log.change(format!("{pointer} (`{name}`): number -> integer"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{run, spec};
    use serde_json::json;

    #[test]
    fn whole_number_parameters_become_integers() {
        let mut doc = spec(
            json!({ "/w": { "get": {
                "parameters": [
                    { "$ref": "#/components/parameters/limit" },
                    { "name": "offset", "in": "query", "schema": { "type": "number", "default": 0, "minimum": 0 } },
                    { "name": "ratio", "in": "query", "schema": { "type": "number", "default": 0.5 } },
                    { "name": "size", "in": "query", "schema": { "type": "number" } },
                    { "name": "weight", "in": "header", "schema": { "type": "number", "default": 1 } }
                ],
                "responses": { "200": { "description": "ok" } } } } }),
            json!({}),
        );
        doc["components"]["parameters"] = json!({
            "limit": { "name": "limit", "in": "query", "schema": { "type": "number", "example": 100, "default": 100, "maximum": 250 } }
        });
        let log = run("integer-parameters", &mut doc);
        insta::assert_snapshot!(log.join("\n"), @r"
        /components/parameters/limit (`limit`): number -> integer
        /paths/~1w/get/parameters/1 (`offset`): number -> integer
        ");
        assert_eq!(
            doc.pointer("/components/parameters/limit/schema").unwrap(),
            // Never negative: `minimum: 0` (a `u64`); the maximum n8n enforces moves into the docs.
            &json!({ "type": "integer", "example": 100, "default": 100, "minimum": 0, "description": "At most 250." })
        );
        assert_eq!(
            doc.pointer("/paths/~1w/get/parameters/2/schema/type").unwrap(),
            "number"
        );
        assert_eq!(
            doc.pointer("/paths/~1w/get/parameters/3/schema/type").unwrap(),
            "number"
        );
        assert_eq!(
            doc.pointer("/paths/~1w/get/parameters/4/schema/type").unwrap(),
            "number"
        );
    }
}
