//! Pass `builder-setters`: typify's struct builders take what a person has.
//!
//! typify's setter for a field of type `T` takes `impl TryInto<T>`. For an optional field that
//! is `TryInto<Option<String>>`, which `&str` is not; for a free-form object it is
//! `TryInto<Map<String, Value>>`, which `json!({...})` (a `Value`) is not. So `.project_id("p")`
//! and `.parameters(json!({...}))` did not compile. After this pass:
//! - an optional field's setter takes the value itself (`impl TryInto<String>`: `&str`,
//!   `String`, ...) and stores `Some(value)`; leaving the setter out leaves the field empty;
//! - a free-form object's setter takes anything that is `Into<serde_json::Value>` (a `Map`, a
//!   `json!` value) and records an error, reported when the builder converts, unless the value is
//!   a JSON object; a list of them (data table rows) takes any iterator of such values;
//! - any other list takes any iterator: of `AsRef<str>` for strings (`["a", "b"]`, `&[&str]`,
//!   `vec![&id]`), of what converts into an item otherwise (items, their builders without
//!   `.try_into()?` and a type annotation, `&str` for an enum).

use std::collections::BTreeMap;

use quote::quote;
use syn::{Fields, ImplItem, Item, parse_quote};

use super::syntax::types_module;

/// Returns how many setters changed.
pub(super) fn apply(file: &mut syn::File) -> usize {
    let ids = id_items(file);
    struct_builders(file) + list_bodies(file) + ids
}

/// A request body that is a list (`PUT /workflows/{id}/tags` takes `[{id}]`): its `body` setter
/// takes any iterator of what converts into an item (`["t1", "t2"]`, `&tags` read before).
fn list_bodies(file: &mut syn::File) -> usize {
    let Some(builders) = super::syntax::module(file, "builder") else {
        return 0;
    };
    let lists: BTreeMap<String, syn::Type> = builders
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => {
                let body = s
                    .fields
                    .iter()
                    .find(|f| f.ident.as_ref().is_some_and(|n| n == "body"))?;
                let item = generic_arg(&result_ok_type(&body.ty)?, "Vec")?;
                Some((s.ident.to_string(), item))
            }
            _ => None,
        })
        .collect();
    let mut changed = 0;
    for item in builders.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(list_item) = super::syntax::self_ident(&imp.self_ty).and_then(|n| lists.get(&n)) else {
            continue;
        };
        for f in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = f
                && f.sig.ident == "body"
            {
                let attrs = std::mem::take(&mut f.attrs);
                *f = parse_quote! {
                    pub fn body<I>(mut self, value: I) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::TryInto<#list_item>,
                        <I::Item as ::std::convert::TryInto<#list_item>>::Error: ::std::fmt::Display,
                    {
                        self.body = value
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| v.try_into().map_err(|e| format!("`body[{i}]`: {e}")))
                            .collect();
                        self
                    }
                };
                f.attrs = attrs;
                changed += 1;
            }
        }
    }
    changed
}

/// A struct whose one field is its `id` (`{"id": ..}` items of a list body) converts from the id
/// itself: `"t1"` where a body wants `[{"id": "t1"}]`.
fn id_items(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let only_id: Vec<(syn::Ident, Vec<syn::Attribute>)> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => match &s.fields {
                Fields::Named(f)
                    if f.named.len() == 1
                        && f.named[0].ident.as_ref().is_some_and(|n| n == "id")
                        && super::syntax::type_is(&f.named[0].ty, &["std", "string", "String"]) =>
                {
                    Some((
                        s.ident.clone(),
                        s.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect(),
                    ))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let n = only_id.len();
    for (ident, cfg) in only_id {
        let impls: [Item; 2] = [
            parse_quote! {
                #(#cfg)*
                /// The item naming this id.
                impl ::std::convert::From<&str> for #ident {
                    fn from(id: &str) -> Self {
                        Self { id: id.to_string() }
                    }
                }
            },
            parse_quote! {
                #(#cfg)*
                /// The item naming this id.
                impl ::std::convert::From<::std::string::String> for #ident {
                    fn from(id: ::std::string::String) -> Self {
                        Self { id }
                    }
                }
            },
        ];
        types.extend(impls);
    }
    n
}

/// The setters of typify's struct builders; returns how many changed.
fn struct_builders(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    // struct -> field -> the field's doc comment (each setter says what it sets).
    let docs: BTreeMap<String, BTreeMap<String, Vec<syn::Attribute>>> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter_map(|f| {
                        let doc: Vec<syn::Attribute> =
                            f.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
                        Some((f.ident.as_ref()?.to_string(), doc))
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let Some(builder) = types.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return 0;
    };
    // builder struct -> field -> the field's type in the built struct.
    let mut fields: BTreeMap<String, BTreeMap<String, syn::Type>> = BTreeMap::new();
    for item in builder.iter() {
        if let Item::Struct(s) = item
            && let Fields::Named(named) = &s.fields
        {
            let types = named
                .named
                .iter()
                .filter_map(|f| Some((f.ident.as_ref()?.to_string(), result_ok_type(&f.ty)?)))
                .collect();
            fields.insert(s.ident.to_string(), types);
        }
    }
    let mut changed = 0;
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let owner = super::syntax::self_ident(&imp.self_ty).unwrap_or_default();
        let Some(of) = fields.get(&owner) else { continue };
        for f in imp.items.iter_mut() {
            let ImplItem::Fn(f) = f else { continue };
            let name = f.sig.ident.clone();
            let Some(ty) = of.get(&name.to_string()) else { continue };
            if let Some(setter) = setter(&name, ty) {
                let attrs = std::mem::take(&mut f.attrs);
                *f = setter;
                f.attrs = attrs;
                changed += 1;
            }
            let doc = docs.get(&owner).and_then(|d| d.get(&name.to_string()));
            if let Some(doc) = doc.filter(|_| !f.attrs.iter().any(|a| a.path().is_ident("doc"))) {
                f.attrs.splice(0..0, doc.iter().cloned());
            }
        }
    }
    changed
}

/// `T` of `Result<T, String>`.
fn result_ok_type(ty: &syn::Type) -> Option<syn::Type> {
    generic_arg(ty, "Result")
}

/// The first type argument of `ty` when its last segment is `outer` (`Option<T>` -> `T`).
fn generic_arg(ty: &syn::Type, outer: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last().filter(|s| s.ident == outer)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

fn is_json_map(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p)
        if p.path.segments.len() >= 2
            && p.path.segments.last().is_some_and(|s| s.ident == "Map")
            && p.path.segments.iter().any(|s| s.ident == "serde_json"))
}

/// The new setter for a field of type `ty`, if it needs one.
fn setter(name: &syn::Ident, ty: &syn::Type) -> Option<syn::ImplItemFn> {
    let optional = generic_arg(ty, "Option");
    let inner = optional.clone().unwrap_or_else(|| ty.clone());
    let label = name.to_string();
    if is_json_map(&inner) {
        let ok = if optional.is_some() {
            quote!(Ok(Some(map)))
        } else {
            quote!(Ok(map))
        };
        let msg = format!("`{label}` takes a JSON object, not {{}}");
        return Some(parse_quote! {
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::Into<::serde_json::Value>,
            {
                self.#name = match value.into() {
                    ::serde_json::Value::Object(map) => #ok,
                    other => Err(format!(#msg, crate::support::json_kind(&other))),
                };
                self
            }
        });
    }
    if generic_arg(&inner, "Vec").is_some_and(|item| is_json_map(&item)) {
        let msg = format!("`{label}` takes JSON objects, not {{}}");
        let ok = if optional.is_some() {
            quote!(Ok(Some(maps)))
        } else {
            quote!(Ok(maps))
        };
        return Some(parse_quote! {
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::std::iter::IntoIterator,
                T::Item: ::std::convert::Into<::serde_json::Value>,
            {
                let maps: ::std::result::Result<::std::vec::Vec<_>, ::std::string::String> = value
                    .into_iter()
                    .map(|v| match v.into() {
                        ::serde_json::Value::Object(map) => Ok(map),
                        other => Err(format!(#msg, crate::support::json_kind(&other))),
                    })
                    .collect();
                self.#name = maps.and_then(|maps| #ok);
                self
            }
        });
    }
    if let Some(item) = generic_arg(&inner, "Vec") {
        return Some(list_setter(name, &item, optional.is_some()));
    }
    optional.as_ref()?;
    let msg = format!("error converting supplied value for {label}: {{e}}");
    Some(parse_quote! {
        pub fn #name<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<#inner>,
            T::Error: ::std::fmt::Display,
        {
            self.#name = value.try_into().map(Some).map_err(|e| format!(#msg));
            self
        }
    })
}

/// A list setter that takes any iterator of what converts into an item: strings from anything
/// that is `AsRef<str>` (`["a", "b"]`, `&[&str]`, `vec![&id]`, `ids.iter()`), other items from
/// anything `TryInto` them (the items themselves, their builders, `&str` for string enums), with
/// the index of an item that does not convert in the error.
fn list_setter(name: &syn::Ident, item: &syn::Type, optional: bool) -> syn::ImplItemFn {
    let label = name.to_string();
    let wrap = if optional { quote!(Some(items)) } else { quote!(items) };
    if super::syntax::type_is(item, &["std", "string", "String"]) {
        return parse_quote! {
            pub fn #name<I>(mut self, value: I) -> Self
            where
                I: ::std::iter::IntoIterator,
                I::Item: ::std::convert::AsRef<str>,
            {
                let items: ::std::vec::Vec<::std::string::String> =
                    value.into_iter().map(|v| v.as_ref().to_string()).collect();
                self.#name = Ok(#wrap);
                self
            }
        };
    }
    let msg = format!("`{label}[{{i}}]`: {{e}}");
    parse_quote! {
        pub fn #name<I>(mut self, value: I) -> Self
        where
            I: ::std::iter::IntoIterator,
            I::Item: ::std::convert::TryInto<#item>,
            <I::Item as ::std::convert::TryInto<#item>>::Error: ::std::fmt::Display,
        {
            let items: ::std::result::Result<::std::vec::Vec<#item>, ::std::string::String> = value
                .into_iter()
                .enumerate()
                .map(|(i, v)| v.try_into().map_err(|e| format!(#msg)))
                .collect();
            self.#name = items.map(|items| #wrap);
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn optional_and_free_form_setters_take_plain_values() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub mod builder {
                    pub struct Body {
                        data: ::std::result::Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, ::std::string::String>,
                        project_id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        name: ::std::result::Result<::std::string::String, ::std::string::String>,
                    }
                    impl Body {
                        pub fn data<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<::serde_json::Map<::std::string::String, ::serde_json::Value>>, T::Error: ::std::fmt::Display { self }
                        pub fn project_id<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display { self }
                        /// Kept as it is.
                        pub fn name<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<::std::string::String>, T::Error: ::std::fmt::Display { self }
                    }
                }
            }
        })
        .unwrap();
        assert_eq!(super::apply(&mut file), 2);
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
