//! One minimal fixture pair per diff rule, asserting exactly the changes expected, no others.

use n8n_api_codegen::diff::{self, Input, rules};
use n8n_api_codegen::load;
use serde_json::{Value, json};

fn input(doc: Value) -> Input {
    let bytes = serde_json::to_vec(&doc).unwrap();
    Input {
        source: "fixture".into(),
        n8n_version: None,
        spec: load::from_bytes(&bytes, "fixture").unwrap(),
    }
}

/// A spec with the given paths and component schemas.
fn spec(paths: Value, schemas: Value) -> Value {
    json!({ "openapi": "3.0.0", "info": { "title": "t", "version": "1.1.1" }, "paths": paths, "components": { "schemas": schemas } })
}

/// `GET /items/{id}` with extra fields merged into the operation.
fn op(extra: Value) -> Value {
    let mut o = json!({
        "operationId": "getItem",
        "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
        "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/item" } } } } }
    });
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn item(props: Value, required: Value) -> Value {
    json!({ "item": { "type": "object", "required": required, "properties": props } })
}

fn base_item() -> Value {
    item(
        json!({ "id": { "type": "string" }, "name": { "type": "string" } }),
        json!(["id", "name"]),
    )
}

/// The (rule, location) pairs of the diff, sorted.
fn changes(old: Value, new: Value) -> Vec<(String, String)> {
    let report = diff::diff(&input(old), &input(new));
    let mut out: Vec<(String, String)> = report
        .changes
        .iter()
        .map(|c| (c.rule.to_string(), c.location.clone()))
        .collect();
    out.sort();
    out
}

fn expect(old: Value, new: Value, want: &[(&str, &str)]) {
    let got = changes(old, new);
    let mut want: Vec<(String, String)> = want.iter().map(|(r, l)| (r.to_string(), l.to_string())).collect();
    want.sort();
    assert_eq!(got, want);
    for (r, _) in &want {
        assert!(rules::by_id(r).is_some(), "unknown rule {r}");
    }
}

fn simple(o: Value, schemas: Value) -> Value {
    spec(json!({ "/items/{id}": { "get": o } }), schemas)
}

#[test]
fn identical_specs_have_no_changes() {
    let s = simple(op(json!({})), base_item());
    expect(s.clone(), s, &[]);
}

#[test]
fn operations_removed_added_deprecated_moved() {
    let old = simple(op(json!({})), base_item());
    let two = spec(
        json!({ "/items/{id}": { "get": op(json!({})) }, "/other": { "post": { "operationId": "other", "responses": { "204": { "description": "" } } } } }),
        base_item(),
    );
    expect(old.clone(), two.clone(), &[("operation-added", "operation")]);
    expect(two, old.clone(), &[("operation-removed", "operation")]);
    expect(
        old.clone(),
        simple(op(json!({ "deprecated": true })), base_item()),
        &[("operation-deprecated", "operation")],
    );
    let moved = spec(json!({ "/things/{id}": { "get": op(json!({})) } }), base_item());
    expect(old, moved, &[("operation-path-changed", "path")]);
}

#[test]
fn renames_are_not_removals() {
    let old = simple(op(json!({})), base_item());
    let renamed_param = spec(
        json!({ "/items/{itemId}": { "get": op(json!({ "parameters": [ { "name": "itemId", "in": "path", "required": true, "schema": { "type": "string" } } ] })) } }),
        base_item(),
    );
    expect(old.clone(), renamed_param, &[("path-parameter-renamed", "path")]);
    expect(
        old,
        simple(op(json!({ "operationId": "fetchItem" })), base_item()),
        &[("operation-id-renamed", "operationId")],
    );
}

#[test]
fn two_paths_differing_only_in_parameter_names_match_by_exact_path() {
    let paths = json!({
        "/tags/{id}": { "delete": { "operationId": "deleteTag", "responses": { "204": { "description": "" } } } },
        "/tags/{tagId}": { "get": { "operationId": "getTag", "responses": { "204": { "description": "" } } },
                           "delete": { "x-eov-operation-id": "deleteTag2", "responses": { "204": { "description": "" } } } }
    });
    let s = spec(paths.clone(), json!({}));
    expect(s.clone(), s.clone(), &[]);
    let mut fewer = paths.clone();
    fewer["/tags/{tagId}"].as_object_mut().unwrap().remove("delete");
    expect(s, spec(fewer, json!({})), &[("operation-removed", "operation")]);
}

#[test]
fn success_status_content_type_and_scope() {
    let old = simple(op(json!({ "x-required-scope": "item:read" })), base_item());
    let no_200 = simple(
        op(json!({ "x-required-scope": "item:read", "responses": { "204": { "description": "" } } })),
        base_item(),
    );
    expect(old.clone(), no_200, &[("success-status-removed", "response 200")]);
    let gzip = simple(
        op(
            json!({ "x-required-scope": "item:read", "responses": { "200": { "description": "", "content": { "application/gzip": { "schema": { "type": "string", "format": "binary" } } } } } }),
        ),
        base_item(),
    );
    expect(old.clone(), gzip, &[("success-content-type-changed", "response 200")]);
    expect(
        old,
        simple(op(json!({ "x-required-scope": "item:read,item:list" })), base_item()),
        &[("required-scope-changed", "x-required-scope")],
    );
}

fn with_query(q: Value) -> Value {
    simple(
        op(
            json!({ "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, q ] }),
        ),
        base_item(),
    )
}

#[test]
fn parameters() {
    let base = simple(op(json!({})), base_item());
    let q =
        |required: bool, schema: Value| json!({ "name": "q", "in": "query", "required": required, "schema": schema });
    let s = json!({ "type": "string" });
    expect(
        base.clone(),
        with_query(q(true, s.clone())),
        &[("parameter-added-required", "query parameter q")],
    );
    expect(
        base.clone(),
        with_query(q(false, s.clone())),
        &[("parameter-added-optional", "query parameter q")],
    );
    expect(
        with_query(q(false, s.clone())),
        base,
        &[("parameter-removed", "query parameter q")],
    );
    expect(
        with_query(q(false, s.clone())),
        with_query(q(true, s.clone())),
        &[("parameter-became-required", "query parameter q")],
    );
    expect(
        with_query(q(true, s.clone())),
        with_query(q(false, s.clone())),
        &[("parameter-became-optional", "query parameter q")],
    );
    expect(
        with_query(q(false, json!({ "type": "boolean" }))),
        with_query(q(false, json!({ "type": "string", "enum": ["true", "false"] }))),
        &[("parameter-type-changed", "query parameter q")],
    );
    expect(
        with_query(q(false, s.clone())),
        with_query(q(false, json!({ "type": "string", "format": "date-time" }))),
        &[("parameter-format-changed", "query parameter q")],
    );
    expect(
        with_query(q(false, s.clone())),
        with_query(json!({ "name": "q", "in": "header", "required": false, "schema": s })),
        &[("parameter-location-changed", "query parameter q")],
    );
    let e = |v: Value| with_query(q(false, json!({ "type": "string", "enum": v })));
    expect(
        e(json!(["a", "b"])),
        e(json!(["a"])),
        &[("parameter-enum-value-removed", "query parameter q")],
    );
    expect(
        e(json!(["a"])),
        e(json!(["a", "b"])),
        &[("parameter-enum-value-added", "query parameter q")],
    );
    let n = |v: Value| with_query(q(false, v));
    expect(
        n(json!({ "type": "number", "maximum": 250 })),
        n(json!({ "type": "number", "maximum": 100 })),
        &[("parameter-constraint-tightened", "query parameter q")],
    );
    expect(
        n(json!({ "type": "string", "maxLength": 10 })),
        n(json!({ "type": "string", "maxLength": 20 })),
        &[("parameter-constraint-loosened", "query parameter q")],
    );
}

fn with_body(body: Value) -> Value {
    spec(
        json!({ "/items": { "post": { "operationId": "createItem", "requestBody": body, "responses": { "204": { "description": "" } } } } }),
        json!({}),
    )
}

fn json_body(required: bool, schema: Value) -> Value {
    json!({ "required": required, "content": { "application/json": { "schema": schema } } })
}

fn obj(props: Value, required: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props })
}

#[test]
fn request_bodies() {
    let none = spec(
        json!({ "/items": { "post": { "operationId": "createItem", "responses": { "204": { "description": "" } } } } }),
        json!({}),
    );
    let body = |r| with_body(json_body(r, obj(json!({ "name": { "type": "string" } }), json!([]))));
    expect(
        none.clone(),
        body(true),
        &[("request-body-added-required", "request body")],
    );
    expect(
        none.clone(),
        body(false),
        &[("request-body-added-optional", "request body")],
    );
    expect(body(false), none, &[("request-body-removed", "request body")]);
    expect(
        body(false),
        body(true),
        &[("request-body-became-required", "request body")],
    );
    let form = with_body(
        json!({ "required": true, "content": { "multipart/form-data": { "schema": obj(json!({ "name": { "type": "string" } }), json!([])) } } }),
    );
    expect(body(true), form, &[("request-content-type-changed", "request body")]);

    let b = |props: Value, req: Value| with_body(json_body(true, obj(props, req)));
    let name = json!({ "name": { "type": "string" } });
    let two = json!({ "name": { "type": "string" }, "tag": { "type": "string" } });
    expect(
        b(name.clone(), json!([])),
        b(two.clone(), json!(["tag"])),
        &[("request-property-added-required", "request body: tag")],
    );
    expect(
        b(name.clone(), json!([])),
        b(two.clone(), json!([])),
        &[("request-property-added-optional", "request body: tag")],
    );
    expect(
        b(two.clone(), json!([])),
        b(name.clone(), json!([])),
        &[("request-property-removed", "request body: tag")],
    );
    expect(
        b(name.clone(), json!([])),
        b(name.clone(), json!(["name"])),
        &[("request-property-became-required", "request body: name")],
    );
    expect(
        b(name.clone(), json!([])),
        b(json!({ "name": { "type": "integer" } }), json!([])),
        &[("request-property-type-changed", "request body: name")],
    );
    expect(
        b(name.clone(), json!([])),
        b(json!({ "name": { "type": "string", "format": "uuid" } }), json!([])),
        &[("request-property-format-changed", "request body: name")],
    );
    expect(
        b(json!({ "name": { "type": "string", "nullable": true } }), json!([])),
        b(name.clone(), json!([])),
        &[("request-property-became-not-nullable", "request body: name")],
    );
    let e = |v: Value| b(json!({ "mode": { "type": "string", "enum": v } }), json!([]));
    expect(
        e(json!(["a", "b"])),
        e(json!(["a"])),
        &[("request-enum-value-removed", "request body: mode")],
    );
    expect(
        e(json!(["a"])),
        e(json!(["a", "b"])),
        &[("request-enum-value-added", "request body: mode")],
    );
    let ids = |v: Value| b(json!({ "ids": v }), json!([]));
    expect(
        ids(json!({ "type": "array", "items": { "type": "string" } })),
        ids(json!({ "type": "array", "maxItems": 300, "items": { "type": "string", "minLength": 1 } })),
        &[
            ("request-constraint-tightened", "request body: ids"),
            ("request-constraint-tightened", "request body: ids[]"),
        ],
    );
    expect(
        ids(json!({ "type": "string", "pattern": "^a" })),
        ids(json!({ "type": "string" })),
        &[("request-constraint-loosened", "request body: ids")],
    );
    expect(
        with_body(json_body(true, obj(name.clone(), json!([])))),
        with_body(json_body(
            true,
            json!({ "type": "object", "additionalProperties": false, "properties": name }),
        )),
        &[("request-additional-properties-closed", "request body")],
    );
    let u = |alts: Value| b(json!({ "v": { "oneOf": alts } }), json!([]));
    expect(
        u(json!([{ "type": "string" }, { "type": "object" }])),
        u(json!([{ "type": "string" }])),
        &[("request-union-narrowed", "request body: v")],
    );
    expect(
        u(json!([{ "type": "string" }])),
        u(json!([{ "type": "string" }, { "type": "object" }])),
        &[("request-union-widened", "request body: v")],
    );
}

#[test]
fn multipart_fields_are_request_properties() {
    let form = |props: Value, req: Value| {
        with_body(json!({ "required": true, "content": { "multipart/form-data": { "schema": obj(props, req) } } }))
    };
    let base = json!({ "package": { "type": "string", "format": "binary" } });
    let more = json!({ "package": { "type": "string", "format": "binary" }, "policy": { "type": "string", "enum": ["fail"] } });
    expect(
        form(base, json!(["package"])),
        form(more, json!(["package", "policy"])),
        &[(
            "request-property-added-required",
            "request body (multipart/form-data): policy",
        )],
    );
}

fn with_item(schemas: Value) -> Value {
    simple(op(json!({})), schemas)
}

#[test]
fn responses() {
    let base = with_item(base_item());
    let add = with_item(item(
        json!({ "id": { "type": "string" }, "name": { "type": "string" }, "tags": { "type": "array", "items": { "type": "string" } } }),
        json!(["id", "name"]),
    ));
    expect(
        base.clone(),
        add.clone(),
        &[("response-property-added", "response 200 body: tags")],
    );
    expect(
        add,
        base.clone(),
        &[("response-property-removed", "response 200 body: tags")],
    );
    expect(
        base.clone(),
        with_item(item(
            json!({ "id": { "type": "number" }, "name": { "type": "string" } }),
            json!(["id", "name"]),
        )),
        &[("response-property-type-changed", "response 200 body: id")],
    );
    expect(
        base.clone(),
        with_item(item(
            json!({ "id": { "type": "string", "format": "uuid" }, "name": { "type": "string" } }),
            json!(["id", "name"]),
        )),
        &[("response-property-format-changed", "response 200 body: id")],
    );
    expect(
        base.clone(),
        with_item(item(
            json!({ "id": { "type": "string" }, "name": { "type": "string", "nullable": true } }),
            json!(["id", "name"]),
        )),
        &[("response-property-became-nullable", "response 200 body: name")],
    );
    expect(
        base.clone(),
        with_item(item(
            json!({ "id": { "type": "string" }, "name": { "type": "string" } }),
            json!(["id"]),
        )),
        &[("response-property-became-optional", "response 200 body: name")],
    );
    let tags = |t: Value| with_item(item(json!({ "id": { "type": "string" }, "tags": t }), json!(["id"])));
    expect(
        tags(json!({ "type": "object", "properties": { "a": { "type": "string" } } })),
        tags(json!({ "type": "array", "items": { "type": "string" } })),
        &[("response-object-array-changed", "response 200 body: tags")],
    );
    expect(
        tags(json!({ "type": "object", "properties": { "a": { "type": "string" } } })),
        tags(json!({ "type": "object" })),
        &[("response-loosened-to-free-form", "response 200 body: tags")],
    );
    let status = |v: Value| with_item(item(json!({ "status": { "type": "string", "enum": v } }), json!([])));
    expect(
        status(json!(["new"])),
        status(json!(["new", "paused"])),
        &[("response-enum-value-added", "response 200 body: status")],
    );
    expect(
        status(json!(["new", "paused"])),
        status(json!(["new"])),
        &[("response-enum-value-removed", "response 200 body: status")],
    );
    let flag = |v: Value| with_item(item(json!({ "active": v }), json!([])));
    expect(
        flag(json!({ "type": "boolean" })),
        flag(json!({ "oneOf": [ { "type": "boolean" }, { "type": "string", "enum": ["partial"] } ] })),
        &[("response-union-widened", "response 200 body: active")],
    );
    expect(
        flag(json!({ "oneOf": [ { "type": "boolean" }, { "type": "string" } ] })),
        flag(json!({ "type": "boolean" })),
        &[("response-union-narrowed", "response 200 body: active")],
    );
}

#[test]
fn components_and_recursion() {
    let node = |extra: Value| {
        let mut s = json!({ "node": { "type": "object", "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/components/schemas/node" } } } } });
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    };
    let tree = |schemas: Value| {
        spec(
            json!({ "/tree": { "get": { "operationId": "tree", "responses": { "200": { "description": "", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/node" } } } } } } } }),
            schemas,
        )
    };
    expect(tree(node(json!({}))), tree(node(json!({}))), &[]);
    expect(
        tree(node(json!({}))),
        tree(node(json!({ "extra": { "type": "string" } }))),
        &[("component-schema-added", "components.schemas.extra")],
    );
    expect(
        tree(node(json!({ "extra": { "type": "string" } }))),
        tree(node(json!({}))),
        &[("component-schema-removed", "components.schemas.extra")],
    );
    let mut deeper = node(json!({}));
    deeper["node"]["properties"]["id"] = json!({ "type": "string" });
    expect(
        tree(node(json!({}))),
        tree(deeper),
        &[("response-property-added", "response 200 body: id")],
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let source = include_str!("diff_rules.rs");
    for r in rules::ALL {
        assert!(
            source.contains(&format!("(\"{}\"", r.id)),
            "rule {} has no fixture",
            r.id
        );
    }
}
