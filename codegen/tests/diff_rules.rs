//! One minimal fixture pair per diff rule, asserting exactly the changes expected, no others.

use std::collections::BTreeSet;

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
    // An enum dropped from a property (`role: enum [...]` -> plain `string`).
    expect(
        e(json!(["a", "b"])),
        b(json!({ "mode": { "type": "string" } }), json!([])),
        &[("request-enum-dropped", "request body: mode")],
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
    let dropped = with_item(item(json!({ "status": { "type": "string" } }), json!([])));
    expect(
        status(json!(["new", "paused"])),
        dropped.clone(),
        &[("response-enum-dropped", "response 200 body: status")],
    );
    let report = diff::diff(&input(status(json!(["new", "paused"]))), &input(dropped));
    assert_eq!(
        report.changes[0].level,
        diff::Level::Warning,
        "{}",
        report.changes[0].message
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
fn required_and_nullable_in_both_directions() {
    expect(
        with_item(item(
            json!({ "id": { "type": "string" }, "name": { "type": "string" } }),
            json!(["name"]),
        )),
        with_item(base_item()),
        &[("response-property-became-required", "response 200 body: id")],
    );
    expect(
        with_item(item(
            json!({ "id": { "type": "string", "nullable": true }, "name": { "type": "string" } }),
            json!(["id", "name"]),
        )),
        with_item(base_item()),
        &[("response-property-became-not-nullable", "response 200 body: id")],
    );
    let b = |req: Value| with_body(json_body(true, obj(json!({ "name": { "type": "string" } }), req)));
    expect(
        b(json!(["name"])),
        b(json!([])),
        &[("request-property-became-optional", "request body: name")],
    );
    let body = |r| with_body(json_body(r, obj(json!({ "name": { "type": "string" } }), json!([]))));
    expect(
        body(true),
        body(false),
        &[("request-body-became-optional", "request body")],
    );
}

#[test]
fn read_only_and_write_only_set_the_level() {
    let b = |name: Value, req: Value| {
        with_body(json_body(
            true,
            obj(
                json!({ "id": { "type": "string", "readOnly": true }, "name": name }),
                req,
            ),
        ))
    };
    let s = json!({ "type": "string" });
    // A readOnly property of a request: the server ignores it, so any change is info.
    let report = diff::diff(
        &input(with_body(json_body(true, obj(json!({ "name": s }), json!([]))))),
        &input(b(s.clone(), json!(["id"]))),
    );
    let c = &report.changes[0];
    assert_eq!(
        (c.rule, c.location.as_str()),
        ("request-property-added-required", "request body: id")
    );
    assert_eq!(c.level, diff::Level::Info, "{}", c.message);
    assert!(c.message.contains("readOnly"), "{}", c.message);
    expect(
        b(s.clone(), json!([])),
        b(json!({ "type": "string", "readOnly": true }), json!([])),
        &[("request-property-became-read-only", "request body: name")],
    );
    let w = |name: Value| with_item(item(json!({ "id": { "type": "string" }, "name": name }), json!(["id"])));
    expect(
        w(s.clone()),
        w(json!({ "type": "string", "writeOnly": true })),
        &[("response-property-became-write-only", "response 200 body: name")],
    );
    // A writeOnly property of a response is never sent: its removal is info.
    let report = diff::diff(
        &input(w(json!({ "type": "string", "writeOnly": true }))),
        &input(with_item(item(json!({ "id": { "type": "string" } }), json!(["id"])))),
    );
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].rule, "response-property-removed");
    assert_eq!(report.changes[0].level, diff::Level::Info);
    // A property that stops being readOnly is settable: its new validators are judged by the
    // new spec, not muted by the old one's readOnly.
    let settable = with_body(json_body(
        true,
        obj(
            json!({ "id": { "type": "string", "minLength": 1 }, "name": s }),
            json!([]),
        ),
    ));
    expect(
        b(s.clone(), json!([])),
        settable.clone(),
        &[
            ("request-constraint-tightened", "request body: id"),
            ("request-property-no-longer-read-only", "request body: id"),
        ],
    );
    let report = diff::diff(&input(b(s.clone(), json!([]))), &input(settable));
    for c in &report.changes {
        assert!(
            !c.message.contains("ignores"),
            "not muted by the old readOnly: {}",
            c.message
        );
    }
    let tightened = report
        .changes
        .iter()
        .find(|c| c.rule == "request-constraint-tightened")
        .unwrap();
    assert_eq!(tightened.level, diff::Level::Breaking);
    // Without the flags the same changes keep their levels.
    let report = diff::diff(
        &input(with_item(base_item())),
        &input(with_item(item(json!({ "id": { "type": "string" } }), json!(["id"])))),
    );
    assert_eq!(report.changes[0].level, diff::Level::Breaking);
}

#[test]
fn deprecations_and_defaults() {
    let q = |extra: Value| {
        let mut p = json!({ "name": "q", "in": "query", "required": false, "schema": { "type": "string" } });
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        with_query(p)
    };
    expect(
        q(json!({})),
        q(json!({ "deprecated": true })),
        &[("parameter-deprecated", "query parameter q")],
    );
    expect(
        q(json!({})),
        q(json!({ "schema": { "type": "string", "default": "a" } })),
        &[("parameter-default-added", "query parameter q")],
    );
    expect(
        q(json!({ "schema": { "type": "string", "default": "a" } })),
        q(json!({ "schema": { "type": "string", "default": "b" } })),
        &[("parameter-default-changed", "query parameter q")],
    );
    let p = |name: Value| with_item(item(json!({ "id": { "type": "string" }, "name": name }), json!(["id"])));
    expect(
        p(json!({ "type": "string" })),
        p(json!({ "type": "string", "deprecated": true })),
        &[("property-deprecated", "response 200 body: name")],
    );
    expect(
        p(json!({ "type": "string" })),
        p(json!({ "type": "string", "default": "" })),
        &[("property-default-added", "response 200 body: name")],
    );
    let b = |d: Value| {
        with_body(json_body(
            true,
            obj(json!({ "limit": { "type": "number", "default": d } }), json!([])),
        ))
    };
    expect(
        b(json!(100)),
        b(json!(250)),
        &[("property-default-changed", "request body: limit")],
    );
}

#[test]
fn error_statuses_and_response_headers() {
    let err = |extra: Value| {
        let mut responses = json!({ "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/item" } } } } });
        for (k, v) in extra.as_object().unwrap() {
            responses[k] = v.clone();
        }
        simple(op(json!({ "responses": responses })), base_item())
    };
    let conflict = json!({ "409": { "description": "conflict", "content": { "application/json": { "schema": { "type": "object" } } } } });
    expect(
        err(json!({})),
        err(conflict.clone()),
        &[("error-status-added", "response 409")],
    );
    expect(
        err(conflict),
        err(json!({})),
        &[("error-status-removed", "response 409")],
    );
    let limited = json!({ "200": { "description": "ok", "headers": { "X-RateLimit-Remaining": { "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/item" } } } } });
    expect(
        err(json!({})),
        err(limited.clone()),
        &[("response-header-added", "response 200 header x-ratelimit-remaining")],
    );
    expect(
        err(limited),
        err(json!({})),
        &[("response-header-removed", "response 200 header x-ratelimit-remaining")],
    );
}

fn secured(global: Value, op_security: Option<Value>, schemes: Value) -> Value {
    let mut o = op(json!({}));
    if let Some(s) = op_security {
        o["security"] = s;
    }
    let mut s = simple(o, base_item());
    s["security"] = global;
    s["components"]["securitySchemes"] = schemes;
    s
}

#[test]
fn security_schemes_and_requirements() {
    let key = json!({ "type": "apiKey", "in": "header", "name": "X-N8N-API-KEY" });
    let bearer = json!({ "type": "http", "scheme": "bearer" });
    let both = json!({ "ApiKeyAuth": key, "BearerAuth": bearer });
    let one = json!([{ "ApiKeyAuth": [] }]);
    let two = json!([{ "ApiKeyAuth": [] }, { "BearerAuth": [] }]);
    // The document's requirement: reported once, not per operation.
    expect(
        secured(one.clone(), None, both.clone()),
        secured(two.clone(), None, both.clone()),
        &[("security-requirement-added", "security: BearerAuth")],
    );
    expect(
        secured(two.clone(), None, both.clone()),
        secured(one.clone(), None, both.clone()),
        &[("security-requirement-removed", "security: BearerAuth")],
    );
    // An operation's own requirement: anonymous before, the document's requirement now.
    let report = diff::diff(
        &input(secured(one.clone(), Some(json!([])), both.clone())),
        &input(secured(one.clone(), None, both.clone())),
    );
    let got: Vec<_> = report
        .changes
        .iter()
        .map(|c| (c.rule, c.location.as_str(), c.method.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("security-requirement-removed", "security: anonymous", Some("GET")),
            ("security-requirement-added", "security: ApiKeyAuth", Some("GET"))
        ]
    );
    expect(
        secured(one.clone(), Some(json!([{ "OAuth": ["read"] }])), both.clone()),
        secured(one.clone(), Some(json!([{ "OAuth": ["read", "write"] }])), both.clone()),
        &[("security-scopes-changed", "security: OAuth")],
    );
    // The schemes themselves.
    expect(
        secured(one.clone(), None, json!({ "ApiKeyAuth": key })),
        secured(one.clone(), None, both.clone()),
        &[("security-scheme-added", "components.securitySchemes.BearerAuth")],
    );
    expect(
        secured(one.clone(), None, both.clone()),
        secured(one.clone(), None, json!({ "ApiKeyAuth": key })),
        &[("security-scheme-removed", "components.securitySchemes.BearerAuth")],
    );
    expect(
        secured(one.clone(), None, json!({ "ApiKeyAuth": key })),
        secured(
            one.clone(),
            None,
            json!({ "ApiKeyAuth": { "type": "apiKey", "in": "header", "name": "X-API-KEY" } }),
        ),
        &[("security-scheme-changed", "components.securitySchemes.ApiKeyAuth")],
    );
    // Header names are case-insensitive.
    expect(
        secured(one.clone(), None, json!({ "ApiKeyAuth": key })),
        secured(
            one,
            None,
            json!({ "ApiKeyAuth": { "type": "apiKey", "in": "header", "name": "x-n8n-api-key" } }),
        ),
        &[],
    );
}

/// Operations `a` and `b` under `tag_a`, `c` under `tag_c`.
fn tagged(tag_a: &str, tag_b: &str, tag_c: &str) -> Value {
    let o = |id: &str, tag: &str| json!({ "operationId": id, "tags": [tag], "responses": { "204": { "description": "" } } });
    spec(
        json!({ "/a": { "get": o("a", tag_a) }, "/b": { "get": o("b", tag_b) }, "/c": { "get": o("c", tag_c) } }),
        json!({}),
    )
}

#[test]
fn tags_added_removed_renamed_and_moved() {
    expect(
        tagged("Execution", "Execution", "Workflow"),
        tagged("Executions", "Executions", "Workflow"),
        &[("tag-renamed", "tags.Execution")],
    );
    let report = diff::diff(
        &input(tagged("Execution", "Execution", "Workflow")),
        &input(tagged("Executions", "Executions", "Workflow")),
    );
    assert!(
        report.changes[0]
            .message
            .contains("cargo feature `execution` -> `executions`"),
        "{}",
        report.changes[0].message
    );
    expect(
        tagged("Workflow", "Workflow", "Workflow"),
        tagged("Workflow", "Workflow", "Tags"),
        &[("tag-added", "tags.Tags"), ("operation-tag-changed", "tags")],
    );
    expect(
        tagged("Workflow", "Workflow", "Tags"),
        tagged("Workflow", "Workflow", "Workflow"),
        &[("tag-removed", "tags.Tags"), ("operation-tag-changed", "tags")],
    );
    // Split in two: not a rename.
    expect(
        tagged("Execution", "Execution", "Workflow"),
        tagged("Executions", "Runs", "Workflow"),
        &[
            ("tag-removed", "tags.Execution"),
            ("tag-added", "tags.Executions"),
            ("tag-added", "tags.Runs"),
            ("operation-tag-changed", "tags"),
            ("operation-tag-changed", "tags"),
        ],
    );
}

#[test]
fn every_rule_has_a_fixture() {
    assert_fixtures_cover(&["expect"], rules::ALL.iter().map(|r| r.id), |id| {
        rules::by_id(id).is_some()
    });
}

/// The fixture helpers of this file (`names`) are called, in its tests, with every rule of
/// `ids`, and with no other rule (`known`). Panics naming the rules without a fixture.
fn assert_fixtures_cover<'r>(names: &[&str], ids: impl Iterator<Item = &'r str>, known: impl Fn(&str) -> bool) {
    let found = fixture_rules(names);
    let missing: Vec<&str> = ids.filter(|id| !found.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture (no `{}` call in a test expects them): {}",
        names.join("`/`"),
        missing.join(", ")
    );
    let unknown: Vec<&String> = found.iter().filter(|id| !known(id)).collect();
    assert!(unknown.is_empty(), "fixtures expect unknown rules: {unknown:?}");
}

/// The rules the `#[test]` functions of this file call the fixture helpers `names` with: the
/// first element of each `(rule, location)` pair in a call's last argument (the changes it
/// expects). Read from the syntax tree: comments, strings and uncalled code do not count.
fn fixture_rules(names: &[&str]) -> BTreeSet<String> {
    let file = syn::parse_file(include_str!("diff_rules.rs")).expect("diff_rules.rs parses");
    let mut calls = FixtureCalls {
        names,
        test: String::new(),
        rules: BTreeSet::new(),
    };
    for item in &file.items {
        if let syn::Item::Fn(f) = item
            && f.attrs.iter().any(|a| a.path().is_ident("test"))
        {
            calls.test = f.sig.ident.to_string();
            syn::visit::Visit::visit_block(&mut calls, &f.block);
        }
    }
    calls.rules
}

struct FixtureCalls<'n> {
    names: &'n [&'n str],
    /// The test being read.
    test: String,
    rules: BTreeSet<String>,
}

impl<'ast> syn::visit::Visit<'ast> for FixtureCalls<'_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(f) = &*call.func
            && let Some(name) = f.path.get_ident()
            && self.names.iter().any(|n| name == n)
        {
            let rules = call.args.last().and_then(expected_rules).unwrap_or_else(|| {
                panic!(
                    "{}: a call of `{name}` whose last argument is not a literal `&[(rule, location), ..]`",
                    self.test
                )
            });
            self.rules.extend(rules);
        }
        syn::visit::visit_expr_call(self, call);
    }
}

/// The rules of `&[("rule", "location"), ..]`; `None` for any other expression.
fn expected_rules(want: &syn::Expr) -> Option<Vec<String>> {
    let syn::Expr::Reference(r) = want else {
        return None;
    };
    let syn::Expr::Array(pairs) = &*r.expr else {
        return None;
    };
    pairs
        .elems
        .iter()
        .map(|pair| match pair {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => match &t.elems[0] {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id), ..
                }) => Some(id.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

// The generated-code comparison: one fixture per rule of `rules::RUST`, on a miniature of
// what the generator writes (the same modules, the same shapes).

const CLIENT: &str = r#"
pub mod types {
    #[cfg(feature = "workflow")]
    #[derive(Clone, Debug, Default)]
    pub struct Workflow {
        pub id: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
        pub status: Status,
    }
    #[cfg(feature = "workflow")]
    impl Workflow {
        pub fn builder() -> builder::Workflow {
            Default::default()
        }
    }
    #[derive(Clone, Debug)]
    pub enum Status {
        Active,
        Paused,
        Unrecognized(::std::string::String),
    }
    pub type WorkflowStatus = Status;
    pub type ExecutionStatus = Status;
    pub mod builder {
        #[derive(Clone, Debug, Default)]
        pub struct Workflow {
            id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
        }
        impl Workflow {
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
            {
                self
            }
        }
    }
}
pub struct Client {
    pub(crate) baseurl: String,
}
#[cfg(feature = "workflow")]
pub trait ClientWorkflowExt {
    fn get_workflow(&self) -> builder::GetWorkflow<'_>;
}
#[cfg(feature = "workflow")]
impl ClientWorkflowExt for Client {
    fn get_workflow(&self) -> builder::GetWorkflow<'_> {
        builder::GetWorkflow::new(self)
    }
}
pub mod builder {
    use super::types;
    #[cfg(feature = "workflow")]
    pub struct GetWorkflow<'a> {
        client: &'a super::Client,
    }
    #[cfg(feature = "workflow")]
    impl<'a> GetWorkflow<'a> {
        pub fn workflow_id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self
        }
        pub async fn send(self) -> ::std::result::Result<ResponseValue<types::Workflow>, crate::Error> {
            todo!()
        }
    }
}
pub static OPERATIONS: [crate::Operation; 1usize] = [];
#[non_exhaustive]
pub enum ErrorBody {
    #[cfg(feature = "workflow")]
    GetWorkflowConflict(types::Workflow),
}
"#;

/// The client with each `(from, to)` replacement applied (each must apply).
fn client(edits: &[(&str, &str)]) -> String {
    let mut s = CLIENT.to_string();
    for (from, to) in edits {
        assert!(s.contains(from), "fixture has no `{from}`");
        s = s.replacen(from, to, 1);
    }
    s
}

fn features(list: &[&str]) -> std::collections::BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The (rule, path) pairs of the generated-code comparison, sorted.
fn rust_changes(old: &str, new: &str, old_features: &[&str], new_features: &[&str]) -> Vec<(String, String)> {
    let (a, b) = (syn::parse_file(old).unwrap(), syn::parse_file(new).unwrap());
    let report = diff::rust::compare_files((&a, features(old_features), &[]), (&b, features(new_features), &[]));
    let mut out: Vec<(String, String)> = report
        .changes
        .iter()
        .map(|c| (c.rule.to_string(), c.path.clone()))
        .collect();
    out.sort();
    for (r, _) in &out {
        assert!(rules::rust_by_id(r).is_some(), "unknown rule {r}");
    }
    out
}

/// The features of every fixture client unless a test says otherwise.
const FEATURES: [&str; 2] = ["full", "workflow"];

/// `CLIENT` against `CLIENT` with `edits`: exactly the changes `want`.
fn expect_rust(edits: &[(&str, &str)], want: &[(&str, &str)]) {
    expect_rust_between(CLIENT, &client(edits), &FEATURES, &FEATURES, want);
}

/// `old` (with `old_features`) against `new` (with `new_features`): exactly the changes `want`.
fn expect_rust_between(old: &str, new: &str, old_features: &[&str], new_features: &[&str], want: &[(&str, &str)]) {
    let got = rust_changes(old, new, old_features, new_features);
    assert_eq!(got, sorted(want));
}

/// `old` against `new`, both with the default features: of the changes whose rule starts with
/// `prefix`, exactly `want`.
fn expect_rust_only(prefix: &str, old: &str, new: &str, want: &[(&str, &str)]) {
    let mut got = rust_changes(old, new, &FEATURES, &FEATURES);
    got.retain(|(r, _)| r.starts_with(prefix));
    assert_eq!(got, sorted(want));
}

fn sorted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pairs.iter().map(|(r, l)| (r.to_string(), l.to_string())).collect();
    out.sort();
    out
}

#[test]
fn rust_identical_clients_have_no_changes() {
    let report = diff::rust::compare_files(
        (&syn::parse_file(CLIENT).unwrap(), features(&["full"]), &[]),
        (&syn::parse_file(CLIENT).unwrap(), features(&["full"]), &[]),
    );
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert_eq!(report.semver, "patch");
}

#[test]
fn rust_fields() {
    let id = "pub id: ::std::option::Option<::std::string::String>,";
    expect_rust(
        &[(id, "pub id: ::std::string::String,")],
        &[("rust-field-became-required", "types::Workflow.id")],
    );
    expect_rust(
        &[(
            "pub name: ::std::string::String,",
            "pub name: ::std::option::Option<::std::string::String>,",
        )],
        &[("rust-field-became-optional", "types::Workflow.name")],
    );
    expect_rust(
        &[(id, "pub id: ::std::option::Option<i64>,")],
        &[("rust-field-type-changed", "types::Workflow.id")],
    );
    expect_rust(&[(id, "")], &[("rust-field-removed", "types::Workflow.id")]);
    expect_rust(
        &[(
            id,
            "pub id: ::std::option::Option<::std::string::String>, pub tags: Vec<String>,",
        )],
        &[("rust-field-added", "types::Workflow.tags")],
    );
    // A struct with a private field cannot be built with a literal: a new field is minor.
    expect_rust(
        &[(
            "pub(crate) baseurl: String,",
            "pub(crate) baseurl: String, pub timeout: u64,",
        )],
        &[("rust-field-added-opaque", "Client.timeout")],
    );
    // Through an alias the type is the same: no change.
    expect_rust(&[("pub status: Status,", "pub status: WorkflowStatus,")], &[]);
}

#[test]
fn rust_variants_and_exhaustiveness() {
    expect_rust(&[("Paused,", "")], &[("rust-variant-removed", "types::Status::Paused")]);
    expect_rust(
        &[("Paused,", "Paused, Archived,")],
        &[("rust-variant-added", "types::Status::Archived")],
    );
    expect_rust(
        &[(
            "Unrecognized(::std::string::String),",
            "Unrecognized(::serde_json::Value),",
        )],
        &[("rust-variant-changed", "types::Status::Unrecognized")],
    );
    expect_rust(
        &[(
            "GetWorkflowConflict(types::Workflow),",
            "GetWorkflowConflict(types::Workflow), Gone(types::Status),",
        )],
        &[("rust-variant-added-non-exhaustive", "ErrorBody::Gone")],
    );
    expect_rust(
        &[(
            "#[derive(Clone, Debug)]\n    pub enum Status",
            "#[derive(Clone, Debug)]\n    #[non_exhaustive]\n    pub enum Status",
        )],
        &[("rust-non-exhaustive-added", "types::Status")],
    );
    expect_rust(
        &[("#[non_exhaustive]\npub enum ErrorBody", "pub enum ErrorBody")],
        &[("rust-non-exhaustive-removed", "ErrorBody")],
    );
    // Derived orderings follow the declaration order.
    let ordered = client(&[(
        "#[derive(Clone, Debug)]\n    pub enum Status",
        "#[derive(Clone, Debug, PartialOrd)]\n    pub enum Status",
    )]);
    let inserted = ordered.replace(
        "Active,\n        Paused,",
        "Active,\n        Archived,\n        Paused,",
    );
    expect_rust_between(
        &ordered,
        &inserted,
        &FEATURES,
        &FEATURES,
        &[
            ("rust-variant-added", "types::Status::Archived"),
            ("rust-variant-order-changed", "types::Status"),
        ],
    );
    // Appended at the end: nothing moved.
    let appended = ordered.replace(
        "Unrecognized(::std::string::String),\n    }",
        "Unrecognized(::std::string::String),\n        Archived,\n    }",
    );
    expect_rust_between(
        &ordered,
        &appended,
        &FEATURES,
        &FEATURES,
        &[("rust-variant-added", "types::Status::Archived")],
    );
}

#[test]
fn rust_types_by_name_and_identity() {
    expect_rust(
        &[("pub type ExecutionStatus = Status;", "")],
        &[("rust-type-removed", "types::ExecutionStatus")],
    );
    expect_rust(
        &[(
            "pub type ExecutionStatus = Status;",
            "pub type ExecutionStatus = Status; pub type RunStatus = Status;",
        )],
        &[("rust-type-added", "types::RunStatus")],
    );
    expect_rust(
        &[(
            "pub struct Workflow {\n        pub id",
            "pub struct Workflow<T> {\n        pub t: T,\n        pub id",
        )],
        &[
            ("rust-type-kind-changed", "types::Workflow"),
            ("rust-field-added", "types::Workflow.t"),
        ],
    );
    // Two names of one type become distinct types, and back.
    let split = client(&[(
        "pub type ExecutionStatus = Status;",
        "#[derive(Clone, Debug)] pub enum ExecutionStatus { Active, Paused, Unrecognized(::std::string::String) }",
    )]);
    expect_rust_between(
        CLIENT,
        &split,
        &FEATURES,
        &FEATURES,
        &[("rust-type-split", "types::Status")],
    );
    expect_rust_between(
        &split,
        CLIENT,
        &FEATURES,
        &FEATURES,
        &[("rust-types-merged", "types::Status")],
    );
    // The canonical name flips between the two names of one type: nothing changes.
    let flipped = client(&[
        ("pub enum Status {", "pub enum ExecutionStatus {"),
        (
            "pub type ExecutionStatus = Status;",
            "pub type Status = ExecutionStatus;",
        ),
    ]);
    expect_rust_between(CLIENT, &flipped, &FEATURES, &FEATURES, &[]);
}

#[test]
fn rust_methods_setters_and_responses() {
    expect_rust(
        &[(
            "V: std::convert::TryInto<::std::string::String>,",
            "V: std::convert::TryInto<i64>,",
        )],
        &[("rust-setter-changed", "builder::GetWorkflow::workflow_id")],
    );
    expect_rust(
        &[("pub fn workflow_id<V>", "pub fn id<V>")],
        &[
            ("rust-setter-removed", "builder::GetWorkflow::workflow_id"),
            ("rust-setter-added", "builder::GetWorkflow::id"),
        ],
    );
    expect_rust(
        &[(
            "ResponseValue<types::Workflow>, crate::Error",
            "ResponseValue<types::Status>, crate::Error",
        )],
        &[
            ("rust-response-type-changed", "builder::GetWorkflow::send"),
            // What `send` returns went from a struct to an enum.
            ("rust-via-kind-changed", "types::Status"),
        ],
    );
    expect_rust(
        &[(
            "pub fn builder() -> builder::Workflow {\n            Default::default()\n        }",
            "",
        )],
        &[("rust-fn-removed", "types::Workflow::builder")],
    );
    expect_rust(
        &[(
            "pub fn builder() -> builder::Workflow {",
            "pub fn new() -> Self { todo!() } pub fn builder() -> builder::Workflow {",
        )],
        &[("rust-fn-added", "types::Workflow::new")],
    );
    expect_rust(
        &[("[crate::Operation; 1usize]", "[crate::Operation; 2usize]")],
        &[("rust-fn-changed", "OPERATIONS")],
    );
}

#[test]
fn rust_traits_and_client_methods() {
    let m = "fn get_workflow(&self) -> builder::GetWorkflow<'_>;";
    expect_rust(
        &[(
            m,
            "fn get_workflow(&self) -> builder::GetWorkflow<'_>; fn list(&self) -> builder::GetWorkflow<'_>;",
        )],
        &[("rust-method-added", "ClientWorkflowExt::list")],
    );
    // A sealed trait (the generated tag traits are): a new method breaks nobody.
    expect_rust(
        &[
            (
                "pub trait ClientWorkflowExt {",
                "pub trait ClientWorkflowExt: sealed::Sealed {",
            ),
            (
                m,
                "fn get_workflow(&self) -> builder::GetWorkflow<'_>; fn list(&self) -> builder::GetWorkflow<'_>;",
            ),
        ],
        &[
            ("rust-trait-changed", "ClientWorkflowExt"),
            ("rust-sealed-method-added", "ClientWorkflowExt::list"),
        ],
    );
    expect_rust(
        &[(m, "fn get_workflow(&self, id: &str) -> builder::GetWorkflow<'_>;")],
        &[("rust-method-changed", "ClientWorkflowExt::get_workflow")],
    );
    expect_rust(
        &[(m, "fn fetch_workflow(&self) -> builder::GetWorkflow<'_>;")],
        &[
            ("rust-method-removed", "ClientWorkflowExt::get_workflow"),
            ("rust-method-added", "ClientWorkflowExt::fetch_workflow"),
        ],
    );
    expect_rust(
        &[("pub trait ClientWorkflowExt {", "pub trait ClientWorkflowExt: Send {")],
        &[("rust-trait-changed", "ClientWorkflowExt")],
    );
    expect_rust(
        &[
            ("pub trait ClientWorkflowExt {", "pub trait ClientFlowsExt {"),
            ("impl ClientWorkflowExt for Client", "impl ClientFlowsExt for Client"),
        ],
        &[("rust-trait-renamed", "ClientWorkflowExt")],
    );
    expect_rust(
        &[("pub struct Client {", "pub trait Marker {} pub struct Client {")],
        &[("rust-trait-added", "Marker")],
    );
    let with_marker = client(&[("pub struct Client {", "pub trait Marker {} pub struct Client {")]);
    expect_rust_between(
        &with_marker,
        CLIENT,
        &FEATURES,
        &FEATURES,
        &[("rust-trait-removed", "Marker")],
    );
    expect_rust(
        &[(
            "#[cfg(feature = \"workflow\")]\npub trait ClientWorkflowExt {",
            "#[cfg(feature = \"workflow\")]\n#[deprecated]\npub trait ClientWorkflowExt {",
        )],
        &[("rust-deprecated", "ClientWorkflowExt")],
    );
}

#[test]
fn rust_impls_and_derives() {
    expect_rust(
        &[(
            "#[derive(Clone, Debug)]\n    pub enum Status",
            "#[derive(Debug)]\n    pub enum Status",
        )],
        &[("rust-impl-removed", "impl Clone for types::Status")],
    );
    expect_rust(
        &[(
            "#[derive(Clone, Debug)]\n    pub enum Status",
            "#[derive(Clone, Copy, Debug)]\n    pub enum Status",
        )],
        &[("rust-impl-added", "impl Copy for types::Status")],
    );
}

#[test]
fn rust_features_and_cfg() {
    let all = ["full", "workflow", "executions"];
    // The trait, builder and types move from `workflow` to `workflows`: one rename.
    let renamed = CLIENT.replace("feature = \"workflow\"", "feature = \"workflows\"");
    expect_rust_between(
        CLIENT,
        &renamed,
        &all,
        &["full", "workflows", "executions"],
        &[("rust-feature-renamed", "feature workflow")],
    );
    expect_rust_between(
        CLIENT,
        CLIENT,
        &all,
        &FEATURES,
        &[("rust-feature-removed", "feature executions")],
    );
    expect_rust_between(
        CLIENT,
        CLIENT,
        &FEATURES,
        &all,
        &[("rust-feature-added", "feature executions")],
    );
    let gated = CLIENT.replace(
        "#[derive(Clone, Debug)]\n    pub enum Status",
        "#[cfg(feature = \"workflow\")]\n    #[derive(Clone, Debug)]\n    pub enum Status",
    );
    expect_rust_between(CLIENT, &gated, &all, &all, &[("rust-cfg-narrowed", "types::Status")]);
    let either = gated.replace(
        "#[cfg(feature = \"workflow\")]\n    #[derive(Clone, Debug)]\n    pub enum Status",
        "#[cfg(any(feature = \"workflow\", feature = \"executions\"))]\n    #[derive(Clone, Debug)]\n    pub enum Status",
    );
    expect_rust_between(&gated, &either, &all, &all, &[("rust-cfg-widened", "types::Status")]);
}

/// The response type was renamed: what code using the value sees is compared field by field.
#[test]
fn rust_follows_renamed_types_from_each_method() {
    let renamed = client(&[
        (
            "ResponseValue<types::Workflow>, crate::Error",
            "ResponseValue<types::GetWorkflowResponse>, crate::Error",
        ),
        (
            "pub type WorkflowStatus = Status;",
            "pub type WorkflowStatus = Status;\n    #[derive(Clone, Debug)] pub struct GetWorkflowResponse { pub id: ::std::string::String, pub status: GetWorkflowResponseStatus, pub version: i64 }\n    #[derive(Clone, Debug)] pub enum GetWorkflowResponseStatus { Active, Archived }\n    #[derive(Clone, Debug)] pub struct Wrapper { pub status: GetWorkflowResponseStatus }",
        ),
    ]);
    expect_rust_only(
        "rust-via-",
        CLIENT,
        &renamed,
        &[
            ("rust-via-field-added", "types::GetWorkflowResponse.version"),
            ("rust-via-field-removed", "types::Workflow.name"),
            ("rust-via-field-type-changed", "types::GetWorkflowResponse.id"),
            ("rust-via-variant-added", "types::GetWorkflowResponseStatus::Archived"),
            ("rust-via-variant-removed", "types::Status::Paused"),
            ("rust-via-variant-removed", "types::Status::Unrecognized"),
        ],
    );
    let kind = client(&[
        (
            "ResponseValue<types::Workflow>, crate::Error",
            "ResponseValue<types::Item>, crate::Error",
        ),
        (
            "pub type WorkflowStatus = Status;",
            "pub type WorkflowStatus = Status; pub enum Item { A }",
        ),
    ]);
    expect_rust_only(
        "rust-via-kind-",
        CLIENT,
        &kind,
        &[("rust-via-kind-changed", "types::Item")],
    );
}

#[test]
fn every_rust_rule_has_a_fixture() {
    assert_fixtures_cover(
        &["expect_rust", "expect_rust_between", "expect_rust_only"],
        rules::RUST.iter().map(|r| r.id),
        |id| rules::rust_by_id(id).is_some(),
    );
}

/// The spec-level fixtures, generated for real: the Rust section names the generated items.
#[test]
fn rust_effect_is_measured_on_the_generated_code() {
    let optional_id = with_item(item(
        json!({ "id": { "type": "string" }, "name": { "type": "string" } }),
        json!(["name"]),
    ));
    let report = diff::diff_with_rust(&input(optional_id), &input(with_item(base_item()))).unwrap();
    let rust = report.rust.unwrap();
    let c = rust
        .changes
        .iter()
        .find(|c| c.rule == "rust-field-became-required")
        .unwrap_or_else(|| panic!("{:#?}", rust.changes));
    assert_eq!(c.path, "types::Item.id");
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("Option<String>"), Some("String"))
    );
    assert_eq!(c.methods, ["get_item"]);
    assert_eq!(rust.semver, "major");

    let renamed = diff::diff_with_rust(
        &input(tagged("Execution", "Execution", "Workflow")),
        &input(tagged("Executions", "Executions", "Workflow")),
    )
    .unwrap()
    .rust
    .unwrap();
    let rules: Vec<(&str, &str)> = renamed
        .changes
        .iter()
        .filter(|c| c.semver == diff::Semver::Major)
        .map(|c| (c.rule, c.path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("rust-trait-renamed", "ClientExecutionExt"),
            ("rust-feature-renamed", "feature execution")
        ]
    );

    // Nothing the compiler sees: a description.
    let mut described = with_item(base_item());
    described["components"]["schemas"]["item"]["description"] = json!("An item.");
    let same = diff::diff_with_rust(&input(with_item(base_item())), &input(described)).unwrap();
    let doc_only: Vec<_> = same.rust.unwrap().changes.into_iter().map(|c| c.rule).collect();
    assert!(doc_only.is_empty(), "{doc_only:?}");
}
