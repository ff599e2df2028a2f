//! Small lookups in the generated syntax tree, shared by the passes.

use syn::Item;

/// The items of the top-level module `name` (`builder`, `types`, ...).
pub(super) fn module<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of the top-level module `name` (read-only).
pub(super) fn module_ref<'a>(file: &'a syn::File, name: &str) -> Option<&'a Vec<Item>> {
    file.items.iter().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of typify's `types` module.
pub(super) fn types_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    module(file, "types")
}

/// The last path segment of a type (`super::X<'a>` -> `X`).
pub(super) fn self_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The inherent `impl` block of the type named `name` among `items`.
pub(super) fn inherent_impl_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut syn::ItemImpl> {
    items.iter_mut().find_map(|i| match i {
        Item::Impl(imp) if imp.trait_.is_none() && self_ident(&imp.self_ty).as_deref() == Some(name) => Some(imp),
        _ => None,
    })
}

/// The inherent `impl` block of the type named `name` among `items` (read-only).
pub(super) fn inherent_impl<'a>(items: &'a [Item], name: &str) -> Option<&'a syn::ItemImpl> {
    items.iter().find_map(|i| match i {
        Item::Impl(imp) if imp.trait_.is_none() && self_ident(&imp.self_ty).as_deref() == Some(name) => Some(imp),
        _ => None,
    })
}

/// Drops `name` (`Copy`, `Debug`) from the `#[derive(...)]` attributes in `attrs`.
/// Whether `attrs` derive `name` (`Default`, `serde::Deserialize`: the last segment counts).
pub(super) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
}

pub(super) fn remove_derive(attrs: &mut [syn::Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(list) = attr.meta.require_list() else { continue };
        let kept: Vec<syn::Path> = list
            .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .map(|p| p.into_iter().filter(|p| !p.is_ident(name)).collect())
            .unwrap_or_default();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// Removes the arguments `drop` matches (`deserialize_with = ..`) from a field's `#[serde(..)]`
/// attributes, keeping the others (`rename`), and the attributes left empty. Returns how many
/// arguments went.
pub(super) fn drop_serde_arg(field: &mut syn::Field, drop: impl Fn(&syn::Meta) -> bool) -> usize {
    let mut dropped = 0;
    field.attrs.retain_mut(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        let Ok(list) = attr.meta.require_list() else {
            return true;
        };
        let Ok(args) = list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            return true;
        };
        let before = args.len();
        let kept: Vec<syn::Meta> = args.into_iter().filter(|m| !drop(m)).collect();
        dropped += before - kept.len();
        *attr = syn::parse_quote!(#[serde(#(#kept),*)]);
        !kept.is_empty()
    });
    dropped
}

/// The text of a `#[doc = "..."]` attribute.
pub(super) fn doc_value(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// The text of all `#[doc]` attributes in `attrs`, one line each.
pub(super) fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs.iter().filter_map(doc_value).collect::<Vec<_>>().join("\n")
}

/// A file holding `tokens` as its `types` module, as progenitor lays it out (for the passes' tests).
#[cfg(test)]
pub(super) fn types_file(tokens: proc_macro2::TokenStream) -> syn::File {
    syn::parse2(quote::quote!(pub mod types { #tokens })).expect("test tokens parse")
}

/// The path a type names, its segments' idents (`::std::option::Option<T>` -> `std option
/// Option`), without generic arguments; `None` for references, tuples and the like.
pub(super) fn type_path(ty: &syn::Type) -> Option<Vec<String>> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(p.path.segments.iter().map(|s| s.ident.to_string()).collect()),
        _ => None,
    }
}

/// The type names the path `want` (its last segments: `["serde_json", "Map"]`).
pub(super) fn type_is(ty: &syn::Type, want: &[&str]) -> bool {
    type_path(ty).is_some_and(|p| p.len() >= want.len() && p[p.len() - want.len()..].iter().eq(want))
}

/// The first generic type argument of a path type (`Option<T>` -> `T`).
pub(super) fn first_type_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The arguments of a field's `#[serde(..)]` attributes, parsed (`rename = ".."`, `default`,
/// `flatten`, ...); attributes that do not parse as a meta list are skipped.
pub(super) fn serde_args(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.meta
                .require_list()
                .ok()?
                .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// The string value of a `name = "value"` serde argument, if `args` has one.
pub(super) fn serde_value(args: &[syn::Meta], name: &str) -> Option<String> {
    args.iter().find_map(|m| match m {
        syn::Meta::NameValue(nv) if nv.path.is_ident(name) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The names `types::builder` defines (typify's struct builders, and the aliases `dedupe-types`
/// makes of them), given the items of the `types` module: the types a request can carry.
pub(super) fn builder_names(types: &[Item]) -> std::collections::BTreeSet<String> {
    types
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            items
                .iter()
                .filter_map(|i| match i {
                    Item::Struct(s) => Some(s.ident.to_string()),
                    Item::Type(t) => Some(t.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The words of a PascalCase name (`CreateTagBody` -> `Create`, `Tag`, `Body`).
pub(super) fn pascal_words(name: &str) -> Vec<String> {
    use heck::{ToSnakeCase, ToUpperCamelCase};
    name.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_upper_camel_case())
        .collect()
}

/// The method names of the inherent impl of `name` in a file's `builder` module (pass tests).
#[cfg(test)]
pub(super) fn builder_methods(file: &syn::File, name: &str) -> Vec<String> {
    let builder = module_ref(file, "builder").expect("a builder module");
    inherent_impl(builder, name)
        .expect("the builder's impl")
        .items
        .iter()
        .filter_map(|i| match i {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}
