//! Pass `round-trip`: what a client reads, it writes back as it was.
//!
//! The normalization rules say what is optional, nullable or open; this pass makes the serde
//! attributes keep that on a decode and re-encode:
//! - a nullable field the server owns (`Option` with typify's `deserialize_with =
//!   Option::deserialize`, which makes it required) also decodes when absent (`default`): answers
//!   that leave it out, and files written by other tools, still decode, and `null` is written
//!   back as `null`;
//! - a required free-form object (a node's `parameters`) decodes as `{}` when absent and is
//!   always sent; typify's builders start such maps (and the `extra` map of unknown members)
//!   empty instead of refusing to build without them;
//! - a list or map of a type only answers carry (no builder: no request sends it) is written back
//!   when empty (`"data": []`), not left out: typify leaves out empty ones, the server does not;
//! - a struct whose fields are all optional (`Option`, lists, maps: its `extra` map of unknown
//!   members included) derives `Default`, as typify's would without that map;
//! - `f64` fields serialize as JavaScript does (`1.0` as `1`): n8n is JavaScript, every integral
//!   number it sends reads back in the same spelling (`"typeVersion": 1`, `"position": [0, 0]`).

use syn::{Field, Fields, Item, parse_quote};

use super::syntax::{first_type_argument, serde_args, serde_value, type_is, types_module};

/// What the pass changed, for its test.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Changed {
    pub absent_is_null: usize,
    pub empty_when_absent: usize,
    pub js_numbers: usize,
    pub builder_defaults: usize,
    pub default_derives: usize,
    pub empties_kept: usize,
}

pub(super) fn apply(file: &mut syn::File) -> Changed {
    let mut changed = Changed::default();
    let Some(types) = types_module(file) else {
        return changed;
    };
    let built = super::syntax::builder_names(types);
    for item in types.iter_mut() {
        match item {
            Item::Struct(s) if matches!(s.fields, Fields::Unnamed(_)) => {
                // A number newtype (`enum: [1]` of `type: number`), `#[serde(transparent)]`.
                if let Fields::Unnamed(fields) = &mut s.fields
                    && fields.unnamed.len() == 1
                    && type_is(&fields.unnamed[0].ty, &["f64"])
                {
                    fields.unnamed[0]
                        .attrs
                        .push(parse_quote!(#[serde(serialize_with = "crate::support::js_number::plain")]));
                    changed.js_numbers += 1;
                }
            }
            Item::Struct(s) => {
                let received_only = !built.contains(&s.ident.to_string());
                if let Fields::Named(fields) = &mut s.fields {
                    for f in fields.named.iter_mut() {
                        field(f, &mut changed);
                        if received_only {
                            changed.empties_kept += super::syntax::drop_serde_arg(f, is_empty_skip);
                        }
                    }
                }
                changed.default_derives += usize::from(derive_default(s));
            }
            Item::Enum(e) => {
                for v in e.variants.iter_mut() {
                    if let Fields::Named(fields) = &mut v.fields {
                        fields.named.iter_mut().for_each(|f| field(f, &mut changed));
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = m.content.as_mut() {
                    changed.builder_defaults += builder_defaults(items);
                }
            }
            _ => {}
        }
    }
    changed
}

/// `skip_serializing_if = "<a list or map>::is_empty"`.
fn is_empty_skip(m: &syn::Meta) -> bool {
    serde_value(std::slice::from_ref(m), "skip_serializing_if").is_some_and(|v| v.ends_with("::is_empty"))
}

/// What the field's serde attributes already say.
struct Serde {
    default: bool,
    option_deserialize: bool,
    serialize_with: bool,
    never_sent: bool,
}

impl Serde {
    fn of(f: &Field) -> Self {
        let args = serde_args(&f.attrs);
        let has = |name: &str| args.iter().any(|m| m.path().is_ident(name));
        Serde {
            default: has("default") || has("flatten"),
            option_deserialize: serde_value(&args, "deserialize_with").as_deref()
                == Some("::std::option::Option::deserialize"),
            serialize_with: has("serialize_with") || has("with"),
            never_sent: has("skip_serializing"),
        }
    }
}

/// `Option<..>` / `Vec<..>` / `serde_json::Map<..>`, and what they hold.
fn is_option(ty: &syn::Type) -> bool {
    type_is(ty, &["std", "option", "Option"])
}

fn is_vec(ty: &syn::Type) -> bool {
    type_is(ty, &["std", "vec", "Vec"])
}

fn is_map(ty: &syn::Type) -> bool {
    type_is(ty, &["serde_json", "Map"])
}

fn holds(ty: &syn::Type, outer: fn(&syn::Type) -> bool, inner: fn(&syn::Type) -> bool) -> bool {
    outer(ty) && first_type_argument(ty).is_some_and(inner)
}

fn is_f64(ty: &syn::Type) -> bool {
    type_is(ty, &["f64"])
}

fn field(f: &mut Field, changed: &mut Changed) {
    let serde = Serde::of(f);
    if serde.option_deserialize && !serde.default {
        f.attrs.push(parse_quote!(#[serde(default)]));
        changed.absent_is_null += 1;
    } else if is_map(&f.ty) && !serde.default {
        f.attrs.push(parse_quote!(#[serde(default)]));
        changed.empty_when_absent += 1;
    }
    let ty = &f.ty;
    let with = if is_f64(ty) {
        "crate::support::js_number::plain"
    } else if holds(ty, is_option, is_f64) {
        "crate::support::js_number::option"
    } else if holds(ty, is_vec, is_f64) {
        "crate::support::js_number::list"
    } else if is_option(ty) && first_type_argument(ty).is_some_and(|t| holds(t, is_vec, is_f64)) {
        "crate::support::js_number::option_list"
    } else {
        return;
    };
    if !serde.serialize_with && !serde.never_sent {
        f.attrs.push(parse_quote!(#[serde(serialize_with = #with)]));
        changed.js_numbers += 1;
    }
}

/// Adds `Default` to the derives of a struct whose every field has an empty value.
fn derive_default(s: &mut syn::ItemStruct) -> bool {
    let Fields::Named(fields) = &s.fields else { return false };
    let empty = |f: &Field| is_option(&f.ty) || is_map(&f.ty) || is_vec(&f.ty);
    let derives_one = |name: &str| super::syntax::derives(&s.attrs, name);
    if fields.named.is_empty()
        || !fields.named.iter().all(empty)
        || derives_one("Default")
        || !derives_one("Deserialize")
    {
        return false;
    }
    s.attrs.push(parse_quote!(#[derive(Default)]));
    true
}

/// In a builder's `Default`, a map field that typify leaves unset (`Err("no value supplied
/// for ..")`) starts empty. Returns how many.
fn builder_defaults(items: &mut [Item]) -> usize {
    use std::collections::BTreeMap;
    // builder -> its fields of type `Result<Map<..>, String>`
    let maps: BTreeMap<String, Vec<String>> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter(|f| holds(&f.ty, |t| type_is(t, &["std", "result", "Result"]), is_map))
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    struct Fix<'a>(usize, &'a [String]);
    impl syn::visit_mut::VisitMut for Fix<'_> {
        fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
            let member = match &fv.member {
                syn::Member::Named(n) => n.to_string(),
                syn::Member::Unnamed(_) => return,
            };
            let unset = matches!(&fv.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err")));
            if self.1.contains(&member) && unset {
                fv.expr = parse_quote!(Ok(Default::default()));
                self.0 += 1;
            }
        }
    }
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let is_default = imp
            .trait_
            .as_ref()
            .is_some_and(|(p, _)| p.segments.last().is_some_and(|s| s.ident == "Default"));
        let Some(fields) = super::syntax::self_ident(&imp.self_ty).and_then(|n| maps.get(&n)) else {
            continue;
        };
        if is_default && !fields.is_empty() {
            let mut fix = Fix(0, fields);
            syn::visit_mut::VisitMut::visit_item_impl_mut(&mut fix, imp);
            count += fix.0;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn fields_keep_nulls_maps_and_integral_numbers() {
        let mut file = super::super::syntax::types_file(quote! {
            pub struct Node {
                pub parameters: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                #[serde(rename = "typeVersion", skip_serializing_if = "::std::option::Option::is_none")]
                pub type_version: ::std::option::Option<f64>,
                pub position: ::std::vec::Vec<f64>,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub notes: ::std::option::Option<::std::string::String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            pub mod builder {
                pub struct Node {
                    parameters: ::std::result::Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, ::std::string::String>,
                    extra: ::std::result::Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, ::std::string::String>,
                    position: ::std::result::Result<::std::vec::Vec<f64>, ::std::string::String>,
                }
                impl ::std::default::Default for Node {
                    fn default() -> Self {
                        Self {
                            parameters: Err("no value supplied for parameters".to_string()),
                            extra: Err("no value supplied for extra".to_string()),
                            position: Err("no value supplied for position".to_string()),
                        }
                    }
                }
            }
        });
        let changed = super::apply(&mut file);
        assert_eq!(
            changed,
            super::Changed {
                absent_is_null: 1,
                empty_when_absent: 1,
                js_numbers: 2,
                builder_defaults: 2,
                default_derives: 0,
                empties_kept: 0,
            }
        );
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
