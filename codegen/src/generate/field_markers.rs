//! Pass `field-markers`: the markers the `field-markers` normalization rule leaves in property
//! descriptions become Rust:
//! - `deprecated`: `#[deprecated(note = <the spec's words>)]` on the field and its builder setter;
//! - `secret`: the struct (and its typify builder) prints `<redacted>` for the field in `Debug`;
//! - `string-or-number`: the field decodes from a JSON string or number
//!   (`crate::support::string_or_number`);
//! - `read-only`: the field decodes but is never serialized (`#[serde(skip_serializing)]`): a
//!   server-owned property of a type requests carry never reaches a request.
//!
//! Every marker is removed from the docs. The pass runs before `dedupe-types`, so a struct with a
//! redacted field never merges with a look-alike that prints everything.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{Attribute, Field, Fields, ImplItem, Item, ItemStruct, parse_quote};

use super::syntax::{doc_text, doc_value, types_module};
use crate::openapi::markers::{DEPRECATED, READ_ONLY, SECRET, STRING_OR_NUMBER};

/// Markers found on one struct: field name -> its markers (and its doc text, for notes).
#[derive(Default)]
struct Marked {
    deprecated: BTreeMap<String, String>,
    secret: BTreeSet<String>,
}

pub(super) fn apply(file: &mut syn::File) {
    let Some(types) = types_module(file) else { return };
    let mut marked: BTreeMap<String, Marked> = BTreeMap::new();
    for item in types.iter_mut() {
        if let Item::Struct(s) = item {
            let m = mark_struct(s);
            if !m.deprecated.is_empty() || !m.secret.is_empty() {
                marked.insert(s.ident.to_string(), m);
            }
        }
    }
    // Markers also reach the docs of types typify names after a property.
    strip_markers_everywhere(types);
    let mut debug_impls = Vec::new();
    for item in types.iter_mut() {
        match item {
            Item::Struct(s) => {
                if let Some(m) = marked.get(&s.ident.to_string()).filter(|m| !m.secret.is_empty()) {
                    debug_impls.push(redacting_debug(s, &m.secret, false));
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    mark_builder(item, &marked);
                }
                let mut builder_debug = Vec::new();
                for item in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Item::Struct(s) = item
                        && let Some(fields) = marked.get(&s.ident.to_string()).filter(|m| !m.secret.is_empty())
                    {
                        builder_debug.push(redacting_debug(s, &fields.secret, true));
                    }
                }
                if let Some((_, items)) = m.content.as_mut() {
                    items.extend(builder_debug);
                }
            }
            _ => {}
        }
    }
    types.extend(debug_impls);
}

/// Reads and removes the markers of a struct's fields; adds `#[deprecated]` and lenient decoding.
fn mark_struct(s: &mut ItemStruct) -> Marked {
    let mut m = Marked::default();
    let Fields::Named(fields) = &mut s.fields else { return m };
    for field in fields.named.iter_mut() {
        let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
            continue;
        };
        let doc = doc_text(&field.attrs);
        if doc.contains(DEPRECATED) {
            let note = strip(&doc);
            let note = if note.is_empty() {
                "deprecated in n8n's API spec".to_string()
            } else {
                note
            };
            field.attrs.push(parse_quote!(#[deprecated(note = #note)]));
            m.deprecated.insert(name.clone(), note);
        }
        if doc.contains(SECRET) {
            m.secret.insert(name.clone());
        }
        if doc.contains(STRING_OR_NUMBER) {
            lenient(field);
        }
        if doc.contains(READ_ONLY) {
            never_sent(field);
        }
    }
    m
}

/// `#[serde(skip_serializing)]`, in place of any `skip_serializing_if` (serde refuses both).
fn never_sent(field: &mut Field) {
    super::syntax::drop_serde_arg(field, |m| m.path().is_ident("skip_serializing_if"));
    field.attrs.push(parse_quote!(#[serde(skip_serializing)]));
}

/// `#[serde(deserialize_with = ...)]` for a `String` or `Option<String>` field (in place of
/// typify's own, `Option::deserialize` on a required nullable field).
fn lenient(field: &mut Field) {
    super::syntax::drop_serde_arg(field, |m| m.path().is_ident("deserialize_with"));
    let optional = is_option(&field.ty);
    let with = if optional {
        "crate::support::option_string_or_number"
    } else {
        "crate::support::string_or_number"
    };
    field.attrs.push(parse_quote!(#[serde(deserialize_with = #with)]));
    if optional {
        // `deserialize_with` turns off serde's implicit `None` for a missing field.
        field.attrs.push(parse_quote!(#[serde(default)]));
    }
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The builder of a marked struct: deprecated setters say so.
fn mark_builder(item: &mut Item, marked: &BTreeMap<String, Marked>) {
    let Item::Impl(imp) = item else { return };
    if imp.trait_.is_some() {
        return;
    }
    let Some(m) = super::syntax::self_ident(&imp.self_ty).and_then(|n| marked.get(&n)) else {
        return;
    };
    for f in imp.items.iter_mut() {
        if let ImplItem::Fn(f) = f
            && let Some(note) = m.deprecated.get(&f.sig.ident.to_string())
        {
            f.attrs.push(parse_quote!(#[deprecated(note = #note)]));
        }
    }
}

/// A `Debug` impl printing `<redacted>` for `secret` fields (and the struct's derive without
/// `Debug`). Builder fields hold `Result<T, String>`, printed as `<redacted>` whatever they hold.
fn redacting_debug(s: &mut ItemStruct, secret: &BTreeSet<String>, builder: bool) -> Item {
    super::syntax::remove_derive(&mut s.attrs, "Debug");
    let ident = &s.ident;
    let name = ident.to_string();
    let fields: Vec<proc_macro2::TokenStream> = match &s.fields {
        Fields::Named(f) => f
            .named
            .iter()
            .filter_map(|f| {
                let id = f.ident.as_ref()?;
                let label = id.to_string();
                let label = label.strip_prefix("r#").unwrap_or(&label).to_string();
                Some(if !secret.contains(&label) {
                    quote!(.field(#label, &self.#id))
                } else if !builder && is_option(&f.ty) {
                    quote!(.field(#label, &self.#id.as_ref().map(|_| crate::support::Redacted)))
                } else {
                    quote!(.field(#label, &crate::support::Redacted))
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    parse_quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)#(#fields)*.finish()
            }
        }
    }
}

/// `text` without markers, trimmed.
fn strip(text: &str) -> String {
    let mut out = text.to_string();
    for m in [DEPRECATED, SECRET, STRING_OR_NUMBER, READ_ONLY] {
        out = out.replace(m, "");
    }
    out.trim().to_string()
}

/// Removes the markers from every doc attribute under `items` (dropping docs left empty, and
/// the blank doc lines that then end a comment).
fn strip_markers_everywhere(items: &mut [Item]) {
    struct V;
    impl syn::visit_mut::VisitMut for V {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<Attribute>) {
            let before = attrs.len();
            attrs.retain_mut(|a| match doc_value(a) {
                Some(text) if text.contains("[[n8n-api:") => {
                    let text = strip(&text);
                    *a = parse_quote!(#[doc = #text]);
                    !text.is_empty()
                }
                _ => true,
            });
            if attrs.len() < before {
                while let Some(last_doc) = attrs.iter().rposition(|a| doc_value(a).is_some()) {
                    if doc_value(&attrs[last_doc]).is_some_and(|t| t.trim().is_empty()) {
                        attrs.remove(last_doc);
                    } else {
                        break;
                    }
                }
            }
        }
    }
    for item in items {
        syn::visit_mut::VisitMut::visit_item_mut(&mut V, item);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn run(tokens: proc_macro2::TokenStream) -> String {
        let mut file = super::super::syntax::types_file(tokens);
        super::apply(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn markers_become_attributes_and_a_redacting_debug() {
        let out = run(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Body {
                ///The secrets.
                ///
                ///[[n8n-api:secret]]
                pub data: ::serde_json::Map<String, ::serde_json::Value>,
                ///[[n8n-api:secret]]
                pub token: ::std::option::Option<String>,
                ///Use `status` instead.
                ///
                ///[[n8n-api:deprecated]]
                pub finished: bool,
                ///[[n8n-api:string-or-number]]
                pub id: String,
                pub name: String,
            }
            pub mod builder {
                #[derive(Clone, Debug)]
                pub struct Body {
                    data: Result<::serde_json::Map<String, ::serde_json::Value>, String>,
                    finished: Result<bool, String>,
                    name: Result<String, String>,
                }
                impl Body {
                    pub fn finished<T>(mut self, value: T) -> Self { self }
                }
            }
        });
        insta::assert_snapshot!(out);
        assert!(!out.contains("[[n8n-api:"), "{out}");
    }
}
