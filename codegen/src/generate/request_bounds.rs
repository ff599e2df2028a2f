//! Pass `request-bounds`: item-count limits of request arrays are checked before sending.
//!
//! typify enforces string constraints (`minLength`, `pattern`) when values are built, but not
//! `minItems`/`maxItems` of arrays. n8n rejects such a request (e.g. more than 300 workflow ids in
//! a package export); the client says so before any byte is sent. For every top-level array
//! property of a JSON request body with `maxItems` (or `minItems`, when the property is
//! required), `send()` checks the length right after the body is built.

use heck::ToSnakeCase;
use serde_json::Value;
use syn::{ImplItem, parse_quote};

use super::model::Operation;
use super::syntax::module;
use crate::normalize::{operations as raw_operations, resolve};

struct Bound {
    field: syn::Ident,
    name: String,
    min: Option<u64>,
    max: Option<u64>,
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
    let required = crate::normalize::required_names(schema);
    let mut out = Vec::new();
    for (name, prop) in crate::normalize::properties(schema) {
        let Some(prop) = resolve(doc, prop) else { continue };
        if prop.get("type").and_then(Value::as_str) != Some("array") {
            continue;
        }
        let max = prop.get("maxItems").and_then(Value::as_u64);
        let min = prop
            .get("minItems")
            .and_then(Value::as_u64)
            .filter(|m| *m > 0 && required.contains(&name.as_str()));
        if max.is_none() && min.is_none() {
            continue;
        }
        let snake = name.to_snake_case();
        let Ok(field) = syn::parse_str::<syn::Ident>(&snake) else {
            continue;
        };
        out.push(Bound {
            field,
            name: name.clone(),
            min,
            max,
        });
    }
    out
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
            let field = &b.field;
            let min = b.min.unwrap_or(0) as usize;
            let max = b.max.map_or(usize::MAX, |m| m as usize);
            let msg = match (b.min, b.max) {
                (Some(lo), Some(hi)) => format!("`{}` takes {lo} to {hi} items, not {{}}", b.name),
                (None, Some(hi)) => format!("`{}` takes at most {hi} items, not {{}}", b.name),
                (Some(lo), None) => format!("`{}` takes at least {lo} items, not {{}}", b.name),
                (None, None) => unreachable!(),
            };
            let stmt: syn::Stmt = parse_quote! {
                if !(#min..=#max).contains(&body.#field.len()) {
                    return Err(Error::InvalidRequest(format!(#msg, body.#field.len())));
                }
            };
            send.block.stmts.insert(at + 1 + i, stmt);
            added += 1;
        }
    }
    added
}
