//! Reading the finished client: what the mock needs of each operation's request builder, and the
//! typed error bodies and deprecations of the whole client.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::visit::Visit;
use syn::{Expr, ImplItem, ImplItemFn, Item, ItemImpl, Type};

use super::fail;
use crate::Result;
use crate::generate::model::Operation;
use crate::generate::syntax::inherent_impl;

/// What the mock needs of one operation's request builder.
pub(super) struct OperationSyntax {
    /// Path and query parameters, in the builder's field order.
    pub(super) params: Vec<Param>,
    /// `T` of the client's `body<V: TryInto<T>>` setter.
    pub(super) body: Option<Type>,
    /// Whether that setter takes any iterator of `T`s (a list body), not one `T`.
    pub(super) body_is_list: bool,
    /// The multipart form setters.
    pub(super) form: Vec<FormField>,
    /// `T` of `send() -> Result<ResponseValue<T>, crate::Error>`.
    pub(super) success: Type,
    /// The success status the client expects.
    pub(super) status: u16,
}

pub(super) struct Param {
    pub(super) setter: syn::Ident,
    /// The name on the wire (`workflowId`).
    pub(super) wire: String,
    pub(super) ty: Type,
    pub(super) in_path: bool,
    /// `#[deprecated]` of the client's setter.
    pub(super) deprecated: Vec<syn::Attribute>,
}

pub(super) struct FormField {
    /// The client's setter, whose signature the matcher copies.
    pub(super) setter: ImplItemFn,
    /// `text`, `json_text`, `json` or `file` (the `crate::multipart::Form` method it calls).
    pub(super) kind: String,
    pub(super) name: String,
    /// The value expression the client passes to the form.
    pub(super) value: Expr,
}

pub(super) fn read_operation(builders: &[Item], op: &Operation) -> Result<OperationSyntax> {
    let fields = builder_fields(builders, &op.builder).ok_or_else(|| fail(&op.id, "no builder struct"))?;
    let imp = inherent_impl(builders, &op.builder).ok_or_else(|| fail(&op.id, "no builder impl"))?;
    let send = method(imp, "send_with_response").ok_or_else(|| fail(&op.id, "no `send_with_response`"))?;
    let unmapped = method(imp, "send_unmapped").ok_or_else(|| fail(&op.id, "no `send_unmapped`"))?;
    let mut params = Vec::new();
    let mut body = None;
    let mut body_is_list = false;
    for (name, ty) in fields {
        let setter = format_ident!("{}", name);
        let deprecated = method(imp, &name)
            .map(|f| {
                f.attrs
                    .iter()
                    .filter(|a| a.path().is_ident("deprecated"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if let Some(p) = op.params.iter().find(|p| p.setter == name) {
            params.push(Param {
                setter,
                wire: p.name.clone(),
                ty: value_type(&ty),
                in_path: p.location == "path",
                deprecated,
            });
        } else if name == "body" {
            let setter = method(imp, "body").ok_or_else(|| fail(&op.id, "a body field without a `body` setter"))?;
            body = Some(try_into_target(setter).ok_or_else(|| fail(&op.id, "`body` takes no `V: TryInto<T>`"))?);
            body_is_list = takes_iterator(setter);
        } else if name != "client" && name != "form" {
            return Err(fail(
                &op.id,
                &format!("builder field `{name}` is no parameter the mock knows"),
            ));
        }
    }
    if let Some(missing) = op.params.iter().find(|p| !params.iter().any(|q| q.setter == p.setter)) {
        return Err(fail(
            &op.id,
            &format!("parameter `{}` has no builder field `{}`", missing.name, missing.setter),
        ));
    }
    let success = success_type(send).ok_or_else(|| fail(&op.id, "`send` returns no `Result<ResponseValue<T>, _>`"))?;
    let status = success_status(unmapped).ok_or_else(|| fail(&op.id, "`send` accepts no 2xx status"))?;
    Ok(OperationSyntax {
        params,
        body,
        body_is_list,
        form: form_fields(imp),
        success,
        status,
    })
}

/// `(name, type)` of each field of builder struct `name`.
fn builder_fields(builders: &[Item], name: &str) -> Option<Vec<(String, Type)>> {
    builders.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == name => Some(
            s.fields
                .iter()
                .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                .collect(),
        ),
        _ => None,
    })
}

fn method<'a>(imp: &'a ItemImpl, name: &str) -> Option<&'a ImplItemFn> {
    imp.items.iter().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// The first generic argument of the last segment of a path type (`X<T, ..>` -> `T`).
pub(super) fn first_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    match &p.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

pub(super) fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The value a parameter field holds: `T` of `Result<Option<T>, String>` or `Result<T, String>`.
fn value_type(field: &Type) -> Type {
    let inner = first_argument(field).unwrap_or(field);
    match last_ident(inner).as_deref() {
        Some("Option") => first_argument(inner).unwrap_or(inner).clone(),
        _ => inner.clone(),
    }
}

/// Whether a setter's `where` clause bounds a parameter by `IntoIterator`.
fn takes_iterator(setter: &ImplItemFn) -> bool {
    setter.sig.generics.where_clause.as_ref().is_some_and(|w| {
        w.predicates.iter().any(|p| match p {
            syn::WherePredicate::Type(t) => t.bounds.iter().any(|b| match b {
                syn::TypeParamBound::Trait(tr) => tr.path.segments.last().is_some_and(|l| l.ident == "IntoIterator"),
                _ => false,
            }),
            _ => false,
        })
    })
}

/// `T` of a setter's `where V: TryInto<T>` (or `I::Item: TryInto<T>`).
fn try_into_target(setter: &ImplItemFn) -> Option<Type> {
    setter
        .sig
        .generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .find_map(|p| match p {
            syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                syn::TypeParamBound::Trait(tr) => {
                    let last = tr.path.segments.last()?;
                    if last.ident != "TryInto" {
                        return None;
                    }
                    match &last.arguments {
                        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                            syn::GenericArgument::Type(t) => Some(t.clone()),
                            _ => None,
                        }),
                        _ => None,
                    }
                }
                _ => None,
            }),
            _ => None,
        })
}

/// `T` of `send(self) -> Result<ResponseValue<T>, crate::Error>`.
fn success_type(send: &ImplItemFn) -> Option<Type> {
    let syn::ReturnType::Type(_, ret) = &send.sig.output else {
        return None;
    };
    let response_value = first_argument(ret)?;
    (last_ident(response_value).as_deref() == Some("ResponseValue"))
        .then(|| first_argument(response_value).cloned())
        .flatten()
}

/// The first 2xx status of the `match` on the response status in `send_unmapped`.
fn success_status(unmapped: &ImplItemFn) -> Option<u16> {
    struct Find(Option<u16>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_arm(&mut self, arm: &'ast syn::Arm) {
            if let syn::Pat::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i), ..
            }) = &arm.pat
                && let Ok(code) = i.base10_parse::<u16>()
                && (200..300).contains(&code)
                && self.0.is_none()
            {
                self.0 = Some(code);
            }
            syn::visit::visit_arm(self, arm);
        }
    }
    let mut find = Find(None);
    find.visit_impl_item_fn(unmapped);
    find.0
}

/// The setters of a multipart builder: those that call `self.form.<kind>("name", value, ..)`.
fn form_fields(imp: &ItemImpl) -> Vec<FormField> {
    struct Find(Option<(String, String, Expr)>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            let on_form = matches!(&*call.receiver, Expr::Field(f)
                if matches!(&f.member, syn::Member::Named(n) if n == "form")
                    && matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self")));
            if on_form
                && let (Some(Expr::Lit(l)), Some(value)) = (call.args.first(), call.args.iter().nth(1))
                && let syn::Lit::Str(name) = &l.lit
            {
                self.0 = Some((call.method.to_string(), name.value(), value.clone()));
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    imp.items
        .iter()
        .filter_map(|i| match i {
            ImplItem::Fn(f) => {
                let mut find = Find(None);
                find.visit_block(&f.block);
                let (kind, name, value) = find.0?;
                Some(FormField {
                    setter: f.clone(),
                    kind,
                    name,
                    value,
                })
            }
            _ => None,
        })
        .collect()
}

/// The deprecation attributes of each client method, by method name.
pub(super) fn operation_deprecations(client: &syn::File) -> BTreeMap<String, Vec<syn::Attribute>> {
    client
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Trait(t) => Some(t.items.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|ti| match ti {
            syn::TraitItem::Fn(f) => Some((
                f.sig.ident.to_string(),
                f.attrs
                    .iter()
                    .filter(|a| a.path().is_ident("deprecated"))
                    .cloned()
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The status pattern of an error arm of `decode_error_body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ErrorStatus {
    Code(u16),
    Range(u16, u16),
    Any,
}

/// Per operation id: the error statuses the client decodes into a typed `ErrorBody`, and the
/// type of each (read from `decode_error_body` and the `ErrorBody` enum).
pub(super) fn error_bodies(client: &syn::File) -> Result<BTreeMap<String, Vec<(ErrorStatus, Type)>>> {
    let variants: BTreeMap<String, Type> = client
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Enum(e) if e.ident == "ErrorBody" => Some(e.variants.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|v| Some((v.ident.to_string(), v.fields.iter().next()?.ty.clone())))
        .collect();
    let Some(decode) = client.items.iter().find_map(|i| match i {
        Item::Fn(f) if f.sig.ident == "decode_error_body" => Some(f),
        _ => None,
    }) else {
        return Ok(BTreeMap::new());
    };
    struct Arms(Vec<(String, ErrorStatus, String)>);
    impl<'ast> Visit<'ast> for Arms {
        fn visit_arm(&mut self, arm: &'ast syn::Arm) {
            let body = {
                let b = &arm.body;
                quote!(#b).to_string()
            };
            if let syn::Pat::Tuple(t) = &arm.pat
                && let (Some(syn::Pat::Lit(id)), Some(status)) = (t.elems.first(), t.elems.iter().nth(1))
                && let syn::Lit::Str(id) = &id.lit
                && let Some(variant) = body
                    .split("ErrorBody :: ")
                    .nth(1)
                    .and_then(|s| s.split(|c: char| !c.is_alphanumeric() && c != '_').next())
            {
                self.0.push((id.value(), status_pattern(status), variant.to_string()));
            }
        }
    }
    let mut arms = Arms(Vec::new());
    arms.visit_item_fn(decode);
    let mut out: BTreeMap<String, Vec<(ErrorStatus, Type)>> = BTreeMap::new();
    for (id, status, variant) in arms.0 {
        let ty = variants
            .get(&variant)
            .ok_or_else(|| fail(&id, &format!("`ErrorBody::{variant}` has no type")))?;
        out.entry(id).or_default().push((status, ty.clone()));
    }
    Ok(out)
}

fn status_pattern(pat: &syn::Pat) -> ErrorStatus {
    let int = |e: &Expr| match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i), ..
        }) => i.base10_parse::<u16>().ok(),
        _ => None,
    };
    match pat {
        syn::Pat::Lit(l) => int(&Expr::Lit(l.clone())).map_or(ErrorStatus::Any, ErrorStatus::Code),
        syn::Pat::Range(r) => match (r.start.as_deref().and_then(int), r.end.as_deref().and_then(int)) {
            (Some(lo), Some(hi)) => ErrorStatus::Range(lo, hi),
            _ => ErrorStatus::Any,
        },
        _ => ErrorStatus::Any,
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    use super::*;

    #[test]
    fn reads_the_success_status() {
        let f: ImplItemFn = parse_quote! {
            async fn send_unmapped(self) -> Result<ResponseValue<types::Workflow>, Error<()>> {
                let url = format!("{}/workflows/{}/x/{}", client.baseurl, encode_path(&workflow_id.to_string()), encode_path(&version.to_string()),);
                let request = client.client.get(url)
                    .query(&progenitor_client::QueryParam::new("excludePinnedData", &exclude_pinned_data))
                    .build()?;
                match response.status().as_u16() {
                    204u16 => Ok(ResponseValue::empty(response)),
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        assert_eq!(success_status(&f), Some(204));
    }

    #[test]
    fn parameter_values_unwrap_the_builder_field() {
        let ty: Type = parse_quote!(Result<Option<i64>, String>);
        let v = value_type(&ty);
        assert_eq!(quote!(#v).to_string(), "i64");
        let ty: Type = parse_quote!(Result<::std::string::String, String>);
        let v = value_type(&ty);
        assert_eq!(quote!(#v).to_string(), ":: std :: string :: String");
    }

    fn op(builder: &str, path: &str) -> Operation {
        let params = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}'))
            .map(|(name, _)| super::super::super::model::Param {
                name: name.into(),
                setter: super::super::super::model::setter_name(name),
                location: "path".into(),
                description: None,
                deprecated: false,
            })
            .collect();
        Operation {
            id: "getTag".into(),
            method_name: "get_tag".into(),
            builder: builder.into(),
            method: "get".into(),
            path: path.into(),
            tags: vec!["Tags".into()],
            summary: None,
            scopes: vec![],
            beta: false,
            errors: vec![],
            multipart: false,
            deprecated: None,
            params,
        }
    }

    fn builders(field: TokenStream) -> Vec<Item> {
        let file: syn::File = parse_quote! {
            pub struct GetTag<'a> { client: &'a super::Client, tag_id: Result<::std::string::String, String>, #field }
            impl<'a> GetTag<'a> {
                pub async fn send_with_response(self) -> ::std::result::Result<ResponseValue<types::Tag>, crate::Error> { todo!() }
                async fn send_unmapped(self) -> Result<ResponseValue<types::Tag>, Error<()>> {
                    let url = format!("{}/tags/{}", client.baseurl, encode_path(&tag_id.to_string()),);
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        };
        file.items
    }

    #[test]
    fn reads_an_operation_from_its_builder() {
        let read = read_operation(&builders(quote!()), &op("GetTag", "/tags/{tagId}")).unwrap();
        assert_eq!(read.params.len(), 1);
        assert_eq!((read.params[0].wire.as_str(), read.params[0].in_path), ("tagId", true));
        assert_eq!(read.status, 200);
        let success = &read.success;
        assert_eq!(quote!(#success).to_string(), "types :: Tag");
    }

    #[test]
    fn what_the_mock_cannot_place_is_one_clear_error() {
        let e = read_operation(
            &builders(quote!(x_trace: Result<String, String>,)),
            &op("GetTag", "/tags/{tagId}"),
        )
        .err()
        .unwrap();
        assert_eq!(
            e.to_string(),
            "generate: getTag: mock: builder field `x_trace` is no parameter the mock knows"
        );
        let e = read_operation(&builders(quote!()), &op("GetTag", "/tags/{tagId}/{other}"))
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("parameter `other` has no builder field `other`"),
            "{e}"
        );
        let e = read_operation(&builders(quote!()), &op("Missing", "/tags/{tagId}"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("no builder struct"), "{e}");
    }
}
