//! Pass `prune-builders`: typify's struct builders only for types a request can carry.
//!
//! progenitor's builder interface makes typify emit a builder (`types::builder::X`) for every
//! struct: 453 of them for 2.40, half of the generated client's lines and compile time. Request
//! builders need them only for request bodies (`body_map`), and users only for what they send.
//! This pass keeps the builders of request body types and of every type reachable from them, and
//! removes the rest (response-only types), with their `X::builder()` constructors.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{ImplItem, Item};

use super::syntax::module;
use super::syntax::types_module;

/// Every identifier in a token stream (recursively).
pub(super) fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Type name -> the type names its definition mentions (structs and enums of `types`).
pub(super) fn type_graph(types: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut graph = BTreeMap::new();
    for item in types {
        let (name, tokens) = match item {
            Item::Struct(s) => (s.ident.to_string(), s.fields.to_token_stream()),
            // Variant names are not types (a variant `Workflow` is not the struct `Workflow`).
            Item::Enum(e) => (
                e.ident.to_string(),
                e.variants.iter().map(|v| v.fields.to_token_stream()).collect(),
            ),
            _ => continue,
        };
        let mut refs = BTreeSet::new();
        idents(tokens, &mut refs);
        refs.retain(|r| names.contains(r) && *r != name);
        graph.insert(name, refs);
    }
    graph
}

/// `roots` and everything they reach in `graph`.
pub(super) fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone())
            && let Some(next) = graph.get(&n)
        {
            stack.extend(next.iter().cloned());
        }
    }
    seen
}

/// Returns how many builders were removed.
pub(super) fn apply(file: &mut syn::File) -> usize {
    // Roots: every `types::builder::X` the request builders mention.
    let roots: BTreeSet<String> = match module(file, "builder") {
        Some(items) => {
            let text = items
                .iter()
                .map(|i| i.to_token_stream().to_string())
                .collect::<Vec<_>>()
                .join(" ");
            text.split("types :: builder :: ")
                .skip(1)
                .filter_map(|s| s.split(|c: char| !c.is_alphanumeric() && c != '_').next())
                .map(str::to_string)
                .collect()
        }
        None => return 0,
    };
    let Some(types) = types_module(file) else { return 0 };
    let keep = closure(&type_graph(types), roots);
    let mut removed = 0;
    types.retain(|item| match item {
        // `impl X { pub fn builder() -> builder::X }`
        Item::Impl(imp)
            if imp.trait_.is_none()
                && imp.items.len() == 1
                && matches!(&imp.items[0], ImplItem::Fn(f) if f.sig.ident == "builder") =>
        {
            super::syntax::self_ident(&imp.self_ty).is_some_and(|n| keep.contains(&n))
        }
        _ => true,
    });
    for item in types.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, items)) = m.content.as_mut() else { continue };
        let before = items.len();
        items.retain(|i| {
            let name = match i {
                Item::Struct(s) => Some(s.ident.to_string()),
                Item::Impl(imp) => super::syntax::self_ident(&imp.self_ty),
                _ => None,
            };
            name.is_none_or(|n| keep.contains(&n))
        });
        removed += before - items.len();
    }
    removed
}
