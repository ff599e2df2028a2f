//! Pass `request-bounds`: the size limits of request fields are checked before sending.
//!
//! n8n rejects a request whose array has too many items (more than 300 workflow ids in a package
//! export) or whose string is too short or too long (an empty id, a name over its limit); the
//! client says so before any byte is sent. typify checks none of these: it ignores
//! `minItems`/`maxItems`, and the `string-constraints` rule keeps strings plain `String`s (with
//! their `minLength`/`maxLength` moved into `x-n8n-api-constraints`). For every top-level property
//! of a JSON request body, `send()` checks right after the body is built:
//! - an array's item count (`maxItems`, and `minItems` when the property is required);
//! - a string's length in characters, and that of each string item of an array.
//!
//! Patterns are left to the server, which reports them with its own message.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{ImplItem, parse_quote};

use super::model::Operation;
use super::syntax::module;
use crate::openapi::{CONSTRAINTS_EXTENSION, operations as raw_operations, resolve};

/// One check on one top-level body property.
enum Check {
    Items {
        min: Option<u64>,
        max: Option<u64>,
        optional: bool,
    },
    Length {
        min: Option<u64>,
        max: Option<u64>,
        optional: bool,
    },
    ItemLength {
        min: Option<u64>,
        max: Option<u64>,
        optional: bool,
    },
}

struct Bound {
    field: syn::Ident,
    name: String,
    check: Check,
}

fn length_limits(schema: &Value) -> (Option<u64>, Option<u64>) {
    let get = |k: &str| {
        schema
            .get(CONSTRAINTS_EXTENSION)
            .and_then(|c| c.get(k))
            .or_else(|| schema.get(k))
            .and_then(Value::as_u64)
    };
    (get("minLength").filter(|m| *m > 0), get("maxLength"))
}

fn is_type(schema: &Value, t: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(t)
}

fn bounds(doc: &Value, op: &Operation) -> Vec<Bound> {
    let Some((_, _, raw)) = raw_operations(doc)
        .into_iter()
        .find(|(p, m, _)| *p == op.path && *m == op.method)
    else {
        return Vec::new();
    };
    let Some(schema) = raw
        .get("requestBody")
        .and_then(|b| resolve(doc, b))
        .and_then(|b| b.pointer("/content/application~1json/schema"))
        .and_then(|s| resolve(doc, s))
    else {
        return Vec::new();
    };
    // typify does not make a plain struct of a body that combines alternatives.
    if ["anyOf", "oneOf", "allOf"].iter().any(|k| schema.get(*k).is_some()) {
        return Vec::new();
    }
    let required = crate::openapi::required_names(schema);
    let mut out = Vec::new();
    for (name, prop) in crate::openapi::properties(schema) {
        let Some(prop) = resolve(doc, prop) else { continue };
        let Ok(field) = syn::parse_str::<syn::Ident>(&name.to_snake_case()) else {
            continue;
        };
        let is_required = required.contains(&name.as_str());
        let mut push = |check| {
            out.push(Bound {
                field: field.clone(),
                name: name.clone(),
                check,
            })
        };
        // An optional list is an `Option<Vec<_>>` (see the `optional-collections` rule): checked
        // when sent.
        let optional = !is_required || prop.get("nullable") == Some(&Value::Bool(true));
        if is_type(prop, "array") {
            let max = prop.get("maxItems").and_then(Value::as_u64);
            let min = prop.get("minItems").and_then(Value::as_u64).filter(|m| *m > 0);
            if max.is_some() || min.is_some() {
                push(Check::Items { min, max, optional });
            }
            if let Some(items) = prop
                .get("items")
                .and_then(|i| resolve(doc, i))
                .filter(|i| is_type(i, "string"))
            {
                let (min, max) = length_limits(items);
                if min.is_some() || max.is_some() {
                    push(Check::ItemLength { min, max, optional });
                }
            }
        } else if is_type(prop, "string") && prop.get("enum").is_none() && prop.get("format").is_none() {
            let (min, max) = length_limits(prop);
            if min.is_some() || max.is_some() {
                push(Check::Length { min, max, optional });
            }
        }
    }
    out
}

/// "takes 1 to 300 items", "takes at most 155 characters", "takes at least 1 character".
fn range_text(min: Option<u64>, max: Option<u64>, unit: &str) -> String {
    let units = |n: u64| {
        if n == 1 {
            unit.trim_end_matches('s').to_string()
        } else {
            unit.to_string()
        }
    };
    match (min, max) {
        (Some(lo), Some(hi)) => format!("takes {lo} to {hi} {}", units(hi)),
        (None, Some(hi)) => format!("takes at most {hi} {}", units(hi)),
        (Some(lo), None) => format!("takes at least {lo} {}", units(lo)),
        (None, None) => unreachable!("a bound has a limit"),
    }
}

fn statement(b: &Bound) -> TokenStream {
    let field = &b.field;
    let range = |min: Option<u64>, max: Option<u64>| {
        let (lo, hi) = (min.unwrap_or(0) as usize, max.map_or(usize::MAX, |m| m as usize));
        quote!((#lo..=#hi))
    };
    let list = |optional: bool| {
        if optional {
            quote!(body.#field.as_deref())
        } else {
            quote!(Some(body.#field.as_slice()))
        }
    };
    match b.check {
        Check::Items { min, max, optional } => {
            let (r, msg, list) = (
                range(min, max),
                format!("`{}` {}, not {{}}", b.name, range_text(min, max, "items")),
                list(optional),
            );
            quote! {
                if let Some(list) = #list && !#r.contains(&list.len()) {
                    return Err(Error::InvalidRequest(format!(#msg, list.len())));
                }
            }
        }
        Check::Length { min, max, optional } => {
            let (r, msg) = (
                range(min, max),
                format!("`{}` {}, not {{}}", b.name, range_text(min, max, "characters")),
            );
            let value = if optional {
                quote!(body.#field.as_deref())
            } else {
                quote!(Some(body.#field.as_str()))
            };
            quote! {
                if let Some(n) = #value.map(|v| v.chars().count()) && !#r.contains(&n) {
                    return Err(Error::InvalidRequest(format!(#msg, n)));
                }
            }
        }
        Check::ItemLength { min, max, optional } => {
            let (r, msg, list) = (
                range(min, max),
                format!("`{}[{{}}]` {}, not {{}}", b.name, range_text(min, max, "characters")),
                list(optional),
            );
            quote! {
                for (i, v) in #list.unwrap_or_default().iter().enumerate() {
                    let n = v.chars().count();
                    if !#r.contains(&n) {
                        return Err(Error::InvalidRequest(format!(#msg, i, n)));
                    }
                }
            }
        }
    }
}

pub(super) fn apply(file: &mut syn::File, doc: &Value, operations: &[Operation]) -> usize {
    let Some(builder) = module(file, "builder") else {
        return 0;
    };
    let mut added = 0;
    for op in operations {
        let checks = bounds(doc, op);
        if checks.is_empty() {
            continue;
        }
        let Some(imp) = super::syntax::inherent_impl_mut(builder, &op.builder) else {
            continue;
        };
        let Some(send) = imp.items.iter_mut().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send_unmapped" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        let Some(at) = send.block.stmts.iter().position(
            |s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p) if p.ident == "body")),
        ) else {
            continue;
        };
        for (i, b) in checks.iter().enumerate() {
            let stmt = statement(b);
            send.block.stmts.insert(at + 1 + i, parse_quote!(#stmt));
            added += 1;
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use serde_json::json;

    use super::super::model::Operation;

    /// An export body with every kind of bound, and one that combines alternatives.
    fn spec() -> serde_json::Value {
        json!({
            "paths": {
                "/export": { "post": { "requestBody": { "$ref": "#/components/requestBodies/export" } } },
                "/either": { "post": { "requestBody": { "content": { "application/json": { "schema": {
                    "anyOf": [{ "$ref": "#/components/schemas/exportBody" }, { "type": "object" }]
                } } } } } },
            },
            "components": {
                "requestBodies": { "export": { "content": { "application/json": { "schema": {
                    "$ref": "#/components/schemas/exportBody"
                } } } } },
                "schemas": {
                    "id": { "type": "string", "minLength": 1 },
                    "exportBody": {
                        "type": "object",
                        "required": ["workflowIds", "name", "nickname", "mode"],
                        "properties": {
                            // Required: the list's count, each item's length.
                            "workflowIds": {
                                "type": "array", "minItems": 1, "maxItems": 300,
                                "items": { "$ref": "#/components/schemas/id" }
                            },
                            // Optional (an `Option<Vec<_>>`): checked when sent; no minimum 0.
                            "folderIds": { "type": "array", "minItems": 0, "maxItems": 10, "items": { "type": "string" } },
                            // The `string-constraints` rule's extension, or the schema's own.
                            "name": { "type": "string", "x-n8n-api-constraints": { "minLength": 1, "maxLength": 128 } },
                            "description": { "type": "string", "maxLength": 500 },
                            // Required but nullable: an `Option` too.
                            "nickname": { "type": "string", "nullable": true, "maxLength": 20 },
                            // Enums, formats, numbers and unbounded lists: nothing to check.
                            "mode": { "type": "string", "enum": ["a", "b"], "maxLength": 1 },
                            "since": { "type": "string", "format": "date-time", "maxLength": 30 },
                            "count": { "type": "integer", "maximum": 5 },
                            "tags": { "type": "array", "items": { "type": "string" } }
                        }
                    }
                }
            }
        })
    }

    #[test]
    fn sizes_are_checked_right_after_the_body_is_built() {
        let doc = spec();
        let builder = |name: &str| {
            let name = quote::format_ident!("{name}");
            quote! {
                impl<'a> #name<'a> {
                    async fn send_unmapped(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client, body } = self;
                        let body = body
                            .and_then(|v| types::ExportBody::try_from(v).map_err(|e| e.to_string()))
                            .map_err(Error::InvalidRequest)?;
                        let url = format!("{}/export", client.baseurl);
                        todo!()
                    }
                }
            }
        };
        let builders = ["Export", "Either"].map(builder);
        let mut file: syn::File = syn::parse2(quote!(pub mod builder { #(#builders)* })).unwrap();
        let ops = [
            Operation::sample("export", "post", "/export"),
            Operation::sample("either", "post", "/either"),
        ];
        assert_eq!(super::apply(&mut file, &doc, &ops), 6);
        let builder = super::super::syntax::module_ref(&file, "builder").unwrap();
        let statements = |name: &str| {
            super::super::syntax::inherent_impl(builder, name).map(|imp| {
                let syn::ImplItem::Fn(f) = &imp.items[0] else { panic!() };
                f.block.stmts.len()
            })
        };
        assert_eq!(statements("Export"), Some(4 + 6));
        assert_eq!(
            statements("Either"),
            Some(4),
            "a body of alternatives is not a plain struct"
        );
        let out = prettyplease::unparse(&file);
        for expected in [
            // Required list: checked as a slice; item lengths without an upper bound.
            "if let Some(list) = Some(body.workflow_ids.as_slice())",
            "(1usize..=300usize).contains(&list.len())",
            "\"`workflowIds` takes 1 to 300 items, not {}\"",
            "\"`workflowIds[{}]` takes at least 1 character, not {}\"",
            // Optional list: only when there is one.
            "if let Some(list) = body.folder_ids.as_deref()",
            "\"`folderIds` takes at most 10 items, not {}\"",
            "Some(body.name.as_str()).map(|v| v.chars().count())",
            "\"`name` takes 1 to 128 characters, not {}\"",
            "body.description.as_deref().map(|v| v.chars().count())",
            "body.nickname.as_deref()",
        ] {
            assert!(out.contains(expected), "no {expected:?} in\n{out}");
        }
        for unchecked in ["mode", "since", "count", "tags"] {
            assert!(
                !out.contains(&format!("body.{unchecked}")),
                "{unchecked} checked:\n{out}"
            );
        }
        insta::assert_snapshot!(out);
    }
}
