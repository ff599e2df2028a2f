//! Pass `open-enums`: enums decode values a newer n8n adds.
//!
//! typify turns a string enum into a closed Rust enum, and a `oneOf` discriminated by a property
//! into an internally tagged enum. Both fail to decode a value the spec did not list, so a client
//! generated today would break on the next n8n release. This pass gives each such enum a last,
//! `#[serde(untagged)]` variant that catches what it does not know:
//! - string enums get `Unknown(String)`: it decodes any other string and serializes it back as is
//!   (`Display`/`FromStr` follow; `Copy` goes, since the variant owns a string);
//! - tagged enums get `Unknown(serde_json::Map)`: the whole object, for a `type` we do not know.
//!
//! Both are `#[non_exhaustive]` too, so a value a newer n8n adds becomes a variant in a later
//! release of this crate without breaking the `match`es of its users.

use quote::quote;
use syn::{Fields, Item, ItemEnum, parse_quote};

/// Applies the pass to every enum of the generated `types` module.
pub(super) fn apply(file: &mut syn::File) -> Vec<String> {
    let Some(types) = super::syntax::types_module(file) else {
        return Vec::new();
    };
    let mut opened: Vec<String> = Vec::new();
    let mut catch_alls: std::collections::BTreeMap<String, syn::Ident> = Default::default();
    for item in types.iter_mut() {
        if let Item::Enum(e) = item {
            if is_string_enum(e) {
                catch_alls.insert(e.ident.to_string(), catch_all_name(e));
                open_string_enum(e);
                e.attrs.push(parse_quote!(#[non_exhaustive]));
                opened.push(e.ident.to_string());
            } else if is_tagged_enum(e) {
                e.attrs.push(parse_quote!(#[non_exhaustive]));
                let name = catch_all_name(e);
                e.variants.push(parse_quote! {
                    /// An object whose tag this client does not know (sent by a newer n8n).
                    #[serde(untagged)]
                    #name(::serde_json::Map<::std::string::String, ::serde_json::Value>)
                });
                opened.push(e.ident.to_string());
            }
        }
    }
    for item in types.iter_mut() {
        if let Item::Impl(imp) = item {
            let Some(self_ty) = super::syntax::self_ident(&imp.self_ty) else {
                continue;
            };
            if !opened.contains(&self_ty) {
                continue;
            }
            let trait_name = imp
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .map(|s| s.ident.to_string());
            let Some(name) = catch_alls.get(&self_ty) else { continue };
            match trait_name.as_deref() {
                Some("Display") => add_display_arm(imp, name),
                Some("FromStr") => accept_unknown_in_from_str(imp, name),
                _ => {}
            }
        }
    }
    opened
}

/// The catch-all variant is `Unrecognized`, or `UnrecognizedValue` if the spec already uses that.
fn catch_all_name(e: &ItemEnum) -> syn::Ident {
    let taken = |n: &str| e.variants.iter().any(|v| v.ident == n);
    let name = if taken(CATCH_ALL) {
        "UnrecognizedValue"
    } else {
        CATCH_ALL
    };
    syn::Ident::new(name, proc_macro2::Span::call_site())
}

const CATCH_ALL: &str = "Unrecognized";

fn derives(e: &ItemEnum, name: &str) -> bool {
    e.attrs.iter().any(|a| {
        a.path().is_ident("derive") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().contains(name))
    })
}

fn serde_container_attr(e: &ItemEnum) -> Option<String> {
    e.attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| a.meta.require_list().ok())
        .map(|l| l.tokens.to_string())
        .next()
}

fn is_string_enum(e: &ItemEnum) -> bool {
    derives(e, "Deserialize")
        && serde_container_attr(e).is_none()
        && !e.variants.is_empty()
        && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

fn is_tagged_enum(e: &ItemEnum) -> bool {
    derives(e, "Deserialize")
        && serde_container_attr(e).is_some_and(|a| a.starts_with("tag =") && !a.contains("content"))
}

fn open_string_enum(e: &mut ItemEnum) {
    let name = catch_all_name(e);
    e.variants.push(parse_quote! {
        /// A value this client does not know (sent by a newer n8n); kept verbatim.
        #[serde(untagged)]
        #name(::std::string::String)
    });
    super::syntax::remove_derive(&mut e.attrs, "Copy");
}

/// `match *self { ... }` in `Display::fmt` gains `Self::Unknown(ref v) => f.write_str(v)`.
fn add_display_arm(imp: &mut syn::ItemImpl, name: &syn::Ident) {
    struct V<'a>(&'a syn::Ident);
    impl syn::visit_mut::VisitMut for V<'_> {
        fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
            let name = self.0;
            m.arms.push(parse_quote!(Self::#name(ref value) => f.write_str(value),));
        }
    }
    syn::visit_mut::VisitMut::visit_item_impl_mut(&mut V(name), imp);
}

/// The `_ => Err("invalid value".into())` arm of `FromStr` keeps the value instead.
fn accept_unknown_in_from_str(imp: &mut syn::ItemImpl, name: &syn::Ident) {
    struct V<'a>(&'a syn::Ident);
    impl syn::visit_mut::VisitMut for V<'_> {
        fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
            if matches!(arm.pat, syn::Pat::Wild(_)) {
                let name = self.0;
                let body = quote!(Ok(Self::#name(value.to_string())));
                *arm.body = syn::parse2(body).expect("valid expression");
            }
        }
    }
    syn::visit_mut::VisitMut::visit_item_impl_mut(&mut V(name), imp);
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
    fn string_enums_gain_a_catch_all() {
        let out = run(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum Policy {
                #[serde(rename = "fail")]
                Fail,
                #[serde(rename = "skip")]
                Skip,
            }
            impl ::std::fmt::Display for Policy {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        Self::Fail => f.write_str("fail"),
                        Self::Skip => f.write_str("skip"),
                    }
                }
            }
            impl ::std::str::FromStr for Policy {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        "fail" => Ok(Self::Fail),
                        "skip" => Ok(Self::Skip),
                        _ => Err("invalid value".into()),
                    }
                }
            }
        });
        insta::assert_snapshot!(out);
    }

    #[test]
    fn tagged_enums_gain_a_catch_all_and_others_do_not() {
        let out = run(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(tag = "type")]
            pub enum Issue {
                #[serde(rename = "workflow-conflict")]
                WorkflowConflict { name: String },
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum StaticData { Variant0(String) }
        });
        assert!(out.contains("Unrecognized(::serde_json::Map<"), "{out}");
        assert_eq!(out.matches("Unrecognized").count(), 1, "{out}");
    }
}
