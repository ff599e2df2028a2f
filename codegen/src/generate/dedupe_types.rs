//! Pass `dedupe-types`: one definition per distinct type shape; the other names become aliases.
//!
//! n8n's spec repeats the same inline schemas across operations (a workflow's nodes appear in a
//! dozen request and response bodies; an id string with `minLength: 1` in 80 places). typify names
//! each occurrence after where it sits and emits a separate struct or enum with its own serde
//! impls: 895 types for 2.40, of only ~360 distinct shapes. That costs every user compile time.
//!
//! Types whose definitions and impls are identical up to their own name (docs aside) collapse to
//! one definition; every other name stays, as `pub type Name = Canonical;`, so no name of the API
//! goes away. Merging repeats until nothing changes (parents of merged types become identical in
//! turn). The canonical name is a component schema's when the group has one, else the shortest.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Item, parse_quote};

use super::syntax::types_module;

/// Returns how many definitions became aliases.
pub(super) fn apply(file: &mut syn::File, components: &BTreeSet<String>) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let defined: BTreeSet<String> = types.iter().filter_map(def_name).collect();
    // name -> canonical name, for merged names only.
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let resolve = |n: &str| alias.get(n).cloned().unwrap_or_else(|| n.to_string());
        // Impl headers mention the types they belong to.
        let mut impls_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for item in types.iter() {
            if let Item::Impl(imp) = item {
                let header = impl_header(imp);
                let mut names = BTreeSet::new();
                idents_in(header.clone(), &mut |i| {
                    if defined.contains(i) && !alias.contains_key(i) {
                        names.insert(i.to_string());
                    }
                });
                for n in names {
                    impls_of
                        .entry(n.clone())
                        .or_default()
                        .push(form(imp.to_token_stream(), &n, &defined, &resolve));
                }
            }
        }
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for item in types.iter() {
            let Some(name) = def_name(item) else { continue };
            if alias.contains_key(&name) {
                continue;
            }
            let mut key = form(strip_docs(item), &name, &defined, &resolve);
            let mut impls = impls_of.remove(&name).unwrap_or_default();
            impls.sort();
            for i in impls {
                key.push('\n');
                key.push_str(&i);
            }
            groups.entry(key).or_default().push(name);
        }
        let mut merged = false;
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let canonical = members
                .iter()
                .min_by_key(|n| (!components.contains(*n), n.len(), (*n).clone()))
                .cloned()
                .expect("a group has members");
            for m in members.into_iter().filter(|m| *m != canonical) {
                alias.insert(m, canonical.clone());
                merged = true;
            }
        }
        if !merged {
            break;
        }
        // Chains: point every alias at its final canonical name.
        let snapshot = alias.clone();
        for target in alias.values_mut() {
            while let Some(next) = snapshot.get(target.as_str()) {
                *target = next.clone();
            }
        }
    }
    if alias.is_empty() {
        return 0;
    }
    // Rewrite: definitions of aliased names become `pub type`, their impls go.
    let mut out = Vec::with_capacity(types.len());
    for item in types.drain(..) {
        match &item {
            Item::Impl(imp) => {
                let mut mentions_alias = false;
                idents_in(impl_header(imp), &mut |i| mentions_alias |= alias.contains_key(i));
                if !mentions_alias {
                    out.push(item);
                }
            }
            _ => match def_name(&item).and_then(|n| alias.get(&n).map(|c| (n, c.clone()))) {
                Some((name, canonical)) => {
                    let docs: Vec<&syn::Attribute> = attrs(&item).iter().filter(|a| a.path().is_ident("doc")).collect();
                    let ident = Ident::new(&name, proc_macro2::Span::call_site());
                    let target = Ident::new(&canonical, proc_macro2::Span::call_site());
                    let note = format!(" The same type as [`{canonical}`] (the spec repeats this schema).");
                    let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
                    out.push(parse_quote! {
                        #(#docs)*
                        #gap
                        #[doc = #note]
                        pub type #ident = #target;
                    });
                }
                None => out.push(item),
            },
        }
    }
    *types = out;
    alias.len()
}

fn def_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

fn attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Struct(s) => &s.attrs,
        Item::Enum(e) => &e.attrs,
        _ => &[],
    }
}

/// The item without any doc attribute (on it, its fields or its variants).
fn strip_docs(item: &Item) -> TokenStream {
    let mut item = item.clone();
    struct V;
    impl syn::visit_mut::VisitMut for V {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
    syn::visit_mut::VisitMut::visit_item_mut(&mut V, &mut item);
    item.to_token_stream()
}

/// `impl<..> Trait<..> for Type` without the body.
fn impl_header(imp: &syn::ItemImpl) -> TokenStream {
    let self_ty = &imp.self_ty;
    let tr = imp.trait_.as_ref().map(|(p, _)| quote!(#p for));
    quote!(#tr #self_ty)
}

fn idents_in(tokens: TokenStream, f: &mut impl FnMut(&str)) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => f(&i.to_string()),
            TokenTree::Group(g) => idents_in(g.stream(), f),
            _ => {}
        }
    }
}

/// A comparable text of `tokens`: `own` becomes `Self_`, other type names their canonical name,
/// and doc comments are dropped.
fn form(tokens: TokenStream, own: &str, defined: &BTreeSet<String>, resolve: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    write_form(tokens, own, defined, resolve, &mut out);
    out
}

fn write_form(
    tokens: TokenStream,
    own: &str,
    defined: &BTreeSet<String>,
    resolve: &impl Fn(&str) -> String,
    out: &mut String,
) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if s == own {
                    out.push_str("Self_");
                } else if defined.contains(&s) {
                    let r = resolve(&s);
                    out.push_str(if r == own { "Self_" } else { &r });
                } else {
                    out.push_str(&s);
                }
                out.push(' ');
            }
            TokenTree::Group(g) => {
                // Skip `#[doc = ...]` attributes.
                if g.delimiter() == proc_macro2::Delimiter::Bracket
                    && g.stream()
                        .into_iter()
                        .next()
                        .is_some_and(|f| matches!(f, TokenTree::Ident(ref i) if i == "doc"))
                    && out.ends_with("# ")
                {
                    out.truncate(out.len() - 2);
                    continue;
                }
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_form(g.stream(), own, defined, resolve, out);
                out.push_str(close);
            }
            TokenTree::Punct(p) => out.push(p.as_char()),
            TokenTree::Literal(l) => {
                out.push_str(&l.to_string());
                out.push(' ');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn run(tokens: proc_macro2::TokenStream) -> String {
        let mut file: syn::File = syn::parse2(quote!(pub mod types { #tokens })).unwrap();
        let components = ["Node".to_string()].into_iter().collect();
        super::apply(&mut file, &components);
        prettyplease::unparse(&file)
    }

    #[test]
    fn identical_shapes_collapse_to_aliases_and_parents_follow() {
        let out = run(quote! {
            /// A node in a request.
            pub struct CreateBodyNodesItem { pub name: String, pub tag: CreateBodyNodesItemTag }
            pub struct CreateBodyNodesItemTag { pub id: String }
            impl ::std::convert::From<&CreateBodyNodesItem> for CreateBodyNodesItem { fn from(v: &CreateBodyNodesItem) -> Self { todo!() } }
            /// A node.
            pub struct Node { pub name: String, pub tag: NodeTag }
            pub struct NodeTag { pub id: String }
            impl ::std::convert::From<&Node> for Node { fn from(v: &Node) -> Self { todo!() } }
            pub struct Different { pub name: u32 }
        });
        insta::assert_snapshot!(out);
        assert!(out.contains("pub type CreateBodyNodesItem = Node;"), "{out}");
        assert!(out.contains("pub type CreateBodyNodesItemTag = NodeTag;"), "{out}");
        assert_eq!(out.matches("impl ::std::convert::From").count(), 1, "{out}");
        assert!(out.contains("pub struct Different"));
    }
}
