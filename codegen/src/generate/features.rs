//! Pass `features`: one cargo feature per spec tag, so a user builds only the tags they use.
//!
//! A tag's extension trait, its request builders and the arms of error decoding for its
//! operations compile under `feature = "<tag>"` (kebab-case: `N8nPackage` -> `n8n-package`).
//! Types compile when any feature whose operations reach them is on; types every tag reaches,
//! and the runtime, always compile. `full` turns every tag on (the default). The feature list
//! itself is written into the crate manifest by the pipeline ([`cargo_features`]).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use quote::ToTokens;
use syn::{Item, parse_quote};

use super::model::{Operation, type_name};
use super::prune_builders::{closure, idents};
use super::syntax::types_module;

/// The feature of an operation's first tag.
pub fn feature_of(op: &Operation) -> String {
    op.tags
        .first()
        .map(|t| t.to_kebab_case())
        .unwrap_or_else(|| "untagged".into())
}

/// Every tag feature, sorted.
pub fn tag_features(operations: &[Operation]) -> Vec<String> {
    operations
        .iter()
        .map(feature_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The `[features]` entries for the manifest: one per tag, and `full` with all of them.
pub fn cargo_features(operations: &[Operation]) -> String {
    features_block(operations, None)
}

/// The `[features]` entries of a crate built on the client (the mock): one per tag, each
/// turning on the client's feature of the same name, and `full` with all of them.
pub fn cargo_features_enabling(operations: &[Operation], dependency: &str) -> String {
    features_block(operations, Some(dependency))
}

fn features_block(operations: &[Operation], dependency: Option<&str>) -> String {
    let tags = tag_features(operations);
    let mut out = String::new();
    out.push_str(&format!(
        "full = [{}]\n",
        tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
    ));
    for t in &tags {
        match dependency {
            Some(dep) => out.push_str(&format!("{t} = [\"{dep}/{t}\"]\n")),
            None => out.push_str(&format!("{t} = []\n")),
        }
    }
    out
}

/// The `#[cfg(...)]` an item of operation `op` compiles under (none when the spec has one tag).
pub(super) fn operation_cfg(op: &Operation, operations: &[Operation]) -> Option<syn::Attribute> {
    let n = tag_features(operations).len();
    predicate(&[feature_of(op)].into_iter().collect(), n).map(|p| parse_quote!(#[cfg(#p)]))
}

/// `cfg` predicate for a set of features (`None`: always on).
fn predicate(features: &BTreeSet<String>, all: usize) -> Option<syn::Meta> {
    if features.len() == all {
        return None;
    }
    let list: Vec<String> = features.iter().map(|f| format!("feature = \"{f}\"")).collect();
    let text = match list.len() {
        0 => "feature = \"full\"".to_string(),
        1 => list[0].clone(),
        _ => format!("any({})", list.join(", ")),
    };
    Some(syn::parse_str(&text).expect("a cfg predicate"))
}

fn gate(attrs: &mut Vec<syn::Attribute>, pred: Option<syn::Meta>) {
    if let Some(p) = pred {
        attrs.insert(0, parse_quote!(#[cfg(#p)]));
    }
}

fn item_attrs(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Fn(f) => Some(&mut f.attrs),
        Item::Trait(t) => Some(&mut t.attrs),
        Item::Use(u) => Some(&mut u.attrs),
        _ => None,
    }
}

pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) {
    let all_tags = tag_features(operations);
    let n = all_tags.len();
    let by_builder: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.builder.as_str(), o)).collect();
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method_name.as_str(), o)).collect();

    // Types each feature reaches: from its builders (fields, setters, send) and error bodies.
    // Type name -> type names its definition mentions (structs, enums and aliases).
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut type_names = BTreeSet::new();
    if let Some(types) = types_module(file) {
        let defs: Vec<(String, proc_macro2::TokenStream)> = types
            .iter()
            .filter_map(|item| match item {
                Item::Struct(s) => Some((s.ident.to_string(), s.fields.to_token_stream())),
                Item::Enum(e) => Some((e.ident.to_string(), e.variants.to_token_stream())),
                Item::Type(t) => Some((t.ident.to_string(), t.ty.to_token_stream())),
                _ => None,
            })
            .collect();
        type_names = defs.iter().map(|(n, _)| n.clone()).collect();
        // typify's builder of a type (`types::builder::X`) mentions types of its own.
        let builders: Vec<(String, proc_macro2::TokenStream)> = types
            .iter()
            .filter_map(|item| match item {
                Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
                _ => None,
            })
            .flat_map(|(_, items)| items.iter())
            .filter_map(|item| match item {
                Item::Struct(s) => Some((s.ident.to_string(), s.fields.to_token_stream())),
                _ => None,
            })
            .collect();
        for (name, tokens) in defs.into_iter().chain(builders) {
            let mut refs = BTreeSet::new();
            idents(tokens, &mut refs);
            refs.retain(|r| type_names.contains(r) && *r != name);
            graph.entry(name).or_default().extend(refs);
        }
    }
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(builder) = super::syntax::module(file, "builder") {
        for item in builder.iter() {
            let name = match item {
                Item::Struct(s) => s.ident.to_string(),
                Item::Impl(i) => super::syntax::self_ident(&i.self_ty).unwrap_or_default(),
                _ => continue,
            };
            let Some(op) = by_builder.get(name.as_str()) else {
                continue;
            };
            let mut refs = BTreeSet::new();
            idents(item.to_token_stream(), &mut refs);
            roots
                .entry(feature_of(op))
                .or_default()
                .extend(refs.into_iter().filter(|r| type_names.contains(r)));
        }
    }
    for op in operations {
        for e in &op.errors {
            if let Some(s) = &e.schema {
                roots.entry(feature_of(op)).or_default().insert(type_name(s));
            }
        }
    }
    let mut features_of_type: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (feature, r) in &roots {
        for t in closure(&graph, r.iter().cloned()) {
            features_of_type.entry(t).or_default().insert(feature.clone());
        }
    }
    let type_pred = |name: &str| -> Option<syn::Meta> {
        let set = features_of_type.get(name).cloned().unwrap_or_default();
        predicate(&set, n)
    };
    // Predicate for an item mentioning several types: all of their predicates.
    let combined = |tokens: proc_macro2::TokenStream| -> Option<syn::Meta> {
        let mut refs = BTreeSet::new();
        idents(tokens, &mut refs);
        let preds: Vec<syn::Meta> = refs
            .iter()
            .filter(|r| type_names.contains(*r))
            .filter_map(|r| type_pred(r))
            .collect();
        let mut unique: Vec<syn::Meta> = Vec::new();
        for p in preds {
            if !unique
                .iter()
                .any(|u| u.to_token_stream().to_string() == p.to_token_stream().to_string())
            {
                unique.push(p);
            }
        }
        match unique.len() {
            0 => None,
            1 => unique.pop(),
            _ => Some(parse_quote!(all(#(#unique),*))),
        }
    };

    // Types module (and its builder and defaults submodules).
    if let Some(types) = types_module(file) {
        for item in types.iter_mut() {
            match item {
                Item::Struct(_) | Item::Enum(_) | Item::Type(_) => {
                    let name = match item {
                        Item::Struct(s) => s.ident.to_string(),
                        Item::Enum(e) => e.ident.to_string(),
                        Item::Type(t) => t.ident.to_string(),
                        _ => unreachable!(),
                    };
                    let p = type_pred(&name);
                    gate(item_attrs(item).unwrap(), p);
                }
                Item::Impl(imp) => {
                    let self_ty = &imp.self_ty;
                    let tr = imp.trait_.as_ref().map(|(p, _)| p.to_token_stream());
                    let p = combined(quote::quote!(#tr #self_ty));
                    gate(&mut imp.attrs, p);
                }
                Item::Mod(m) if m.ident == "builder" || m.ident == "defaults" => {
                    let Some((_, items)) = m.content.as_mut() else { continue };
                    for it in items.iter_mut() {
                        let p = match it {
                            Item::Struct(s) => type_pred(&s.ident.to_string()),
                            // A deduplicated builder is an alias, under its type's name.
                            Item::Type(t) => type_pred(&t.ident.to_string()),
                            Item::Impl(imp) => {
                                let self_ty = &imp.self_ty;
                                let tr = imp.trait_.as_ref().map(|(p, _)| p.to_token_stream());
                                combined(quote::quote!(#tr #self_ty))
                            }
                            Item::Fn(f) => combined(f.sig.output.to_token_stream()),
                            _ => None,
                        };
                        if let Some(a) = item_attrs(it) {
                            gate(a, p);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // Request builders.
    if let Some(builder) = super::syntax::module(file, "builder") {
        for item in builder.iter_mut() {
            let name = match item {
                Item::Struct(s) => s.ident.to_string(),
                Item::Impl(i) => super::syntax::self_ident(&i.self_ty).unwrap_or_default(),
                _ => continue,
            };
            if let Some(op) = by_builder.get(name.as_str()) {
                let p = predicate(&[feature_of(op)].into_iter().collect(), n);
                gate(item_attrs(item).unwrap(), p);
            }
        }
    }
    // Tag traits, their impls, their prelude re-exports, and error decoding.
    let trait_feature: BTreeMap<String, String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Trait(t) => t.items.iter().find_map(|ti| match ti {
                syn::TraitItem::Fn(f) => by_method
                    .get(f.sig.ident.to_string().as_str())
                    .map(|op| (t.ident.to_string(), feature_of(op))),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    let one = |f: &str| predicate(&[f.to_string()].into_iter().collect(), n);
    for item in file.items.iter_mut() {
        match item {
            Item::Trait(t) => {
                if let Some(f) = trait_feature.get(&t.ident.to_string()) {
                    let p = one(f);
                    gate(&mut t.attrs, p);
                }
            }
            Item::Impl(imp) => {
                let tr = imp
                    .trait_
                    .as_ref()
                    .and_then(|(p, _)| p.segments.last())
                    .map(|s| s.ident.to_string());
                if let Some(f) = tr.and_then(|t| trait_feature.get(&t)) {
                    let p = one(f);
                    gate(&mut imp.attrs, p);
                }
            }
            Item::Mod(m) if m.ident == "prelude" => {
                let Some((_, items)) = m.content.as_mut() else { continue };
                for it in items.iter_mut() {
                    if let Item::Use(u) = it {
                        let mut refs = BTreeSet::new();
                        idents(u.tree.to_token_stream(), &mut refs);
                        if let Some(f) = refs.iter().find_map(|r| trait_feature.get(r)) {
                            let p = one(f);
                            gate(&mut u.attrs, p);
                        }
                    }
                }
            }
            Item::Enum(e) if e.ident == "ErrorBody" => {
                for v in e.variants.iter_mut() {
                    if let Some(p) = type_pred(&v.ident.to_string()) {
                        v.attrs.insert(0, parse_quote!(#[cfg(#p)]));
                    }
                }
            }
            Item::Fn(f) if f.sig.ident == "decode_error_body" => {
                struct V<'a>(&'a dyn Fn(&str) -> Option<syn::Meta>);
                impl syn::visit_mut::VisitMut for V<'_> {
                    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
                        let body = arm.body.to_token_stream().to_string();
                        if let Some(variant) = body
                            .split("ErrorBody :: ")
                            .nth(1)
                            .and_then(|s| s.split(|c: char| !c.is_alphanumeric() && c != '_').next())
                            && let Some(p) = (self.0)(variant)
                        {
                            arm.attrs.insert(0, parse_quote!(#[cfg(#p)]));
                        }
                    }
                }
                syn::visit_mut::VisitMut::visit_item_fn_mut(&mut V(&type_pred), f);
            }
            _ => {}
        }
    }
}
