//! Pass `docs`: each client method's rustdoc says what the spec says beyond its description:
//! the API key scopes it needs (`x-required-scope`), whether it is beta, and its error statuses
//! (with the typed body, where the spec gives one). Each request builder's parameter setter
//! carries the parameter's description (n8n puts some under `schema`). What the spec marks
//! deprecated (operations, parameters) is `#[deprecated]`, with the spec's words.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use syn::{ImplItem, Item, TraitItem, parse_quote};

use super::model::{Operation, type_name};

pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) {
    methods(file, operations);
    setters(file, operations);
}

/// The setters of each operation's request builder: docs and deprecations of its parameters.
fn setters(file: &mut syn::File, operations: &[Operation]) {
    let Some(builders) = super::syntax::module(file, "builder") else {
        return;
    };
    for op in operations {
        let Some(imp) = super::syntax::inherent_impl_mut(builders, &op.builder) else {
            continue;
        };
        for item in imp.items.iter_mut() {
            let ImplItem::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            let Some(param) = op.params.iter().find(|p| p.name.to_snake_case() == name) else {
                continue;
            };
            let doc = param
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` {} parameter.", param.name, param.location));
            f.attrs.insert(0, parse_quote!(#[doc = #doc]));
            if param.deprecated {
                let note = param
                    .description
                    .clone()
                    .unwrap_or_else(|| "deprecated in n8n's API spec".into());
                f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
            }
        }
    }
}

fn methods(file: &mut syn::File, operations: &[Operation]) {
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method_name.as_str(), o)).collect();
    for item in file.items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        if !t.ident.to_string().starts_with("Client") {
            continue;
        }
        for ti in t.items.iter_mut() {
            let TraitItem::Fn(f) = ti else { continue };
            let Some(op) = by_method.get(f.sig.ident.to_string().as_str()) else {
                continue;
            };
            for line in lines(op) {
                let line = format!(" {line}");
                f.attrs.push(parse_quote!(#[doc = #line]));
            }
            if let Some(note) = &op.deprecated {
                f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
            }
        }
    }
}

fn lines(op: &Operation) -> Vec<String> {
    let mut out = vec![String::new()];
    if op.beta {
        out.push("**Beta**: n8n may change this operation in any release.".into());
        out.push(String::new());
    }
    match op.scopes.as_slice() {
        [] => out.push("Required API key scope: none listed by the spec.".into()),
        [one] => out.push(format!("Required API key scope: `{one}`.")),
        many => out.push(format!(
            "Required API key scopes: {}.",
            many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )),
    }
    if !op.errors.is_empty() {
        out.push(String::new());
        out.push("Errors (as [`crate::Error`]):".into());
        for e in &op.errors {
            let typed = e
                .schema
                .as_ref()
                .map(|s| format!(" The body is [`ErrorBody::{0}`](crate::ErrorBody::{0}).", type_name(s)))
                .unwrap_or_default();
            let desc = e.description.lines().next().unwrap_or("").trim();
            out.push(format!("- `{}`: {}{typed}", e.status, escape(desc)));
        }
    }
    out
}

/// Keeps rustdoc from reading spec prose as links or HTML.
fn escape(s: &str) -> String {
    s.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
