//! Pass `typed-errors`: every request builder's `send()` returns the crate's one error type.
//!
//! The `error-responses` normalization rule hides error responses from progenitor, so progenitor's
//! `send()` hands every error status back untouched (`UnexpectedResponse`). This pass renames that
//! method to a private `send_unmapped()` and adds a public `send_with_response()` that passes its
//! result through `crate::error::finish`, which reads the body of an error status and decodes it
//! with [`ErrorBody`](super::operations) into the type the spec gives for that operation and
//! status; and `send()`, which answers the decoded value itself (owned: a field moves out of it),
//! as a hand-written client would.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::{ImplItem, Item, parse_quote};

use super::model::Operation;
use crate::{Error, Result};

/// Rewrites every `send` of the `builder` module; returns how many were rewritten.
pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) -> Result<usize> {
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method_name.as_str(), o)).collect();
    let Some(builder) = super::syntax::module(file, "builder") else {
        return Err(Error::Generate {
            operation: "(client)".into(),
            message: "progenitor produced no `builder` module".into(),
        });
    };
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(pos) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let ImplItem::Fn(send) = &mut imp.items[pos] else {
            unreachable!()
        };
        let method_name = operation_id_literal(send).ok_or_else(|| Error::Generate {
            operation: imp_name(&imp.self_ty),
            message: "send() has no `OperationInfo { operation_id }`".into(),
        })?;
        let op = by_method.get(method_name.as_str()).ok_or_else(|| Error::Generate {
            operation: method_name.clone(),
            message: "progenitor generated an operation the spec model does not know".into(),
        })?;
        let docs: Vec<syn::Attribute> = send
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        let syn::ReturnType::Type(_, ret) = &send.sig.output else {
            unreachable!("send returns a Result")
        };
        let success = success_type(ret).ok_or_else(|| Error::Generate {
            operation: op.id.clone(),
            message: "send() does not return Result<ResponseValue<T>, Error<_>>".into(),
        })?;
        send.sig.ident = format_ident!("send_unmapped");
        send.vis = syn::Visibility::Inherited;
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        let id = &op.id;
        let value = super::syntax::first_type_argument(&success)
            .cloned()
            .ok_or_else(|| Error::Generate {
                operation: op.id.clone(),
                message: "send() answers no ResponseValue<T>".into(),
            })?;
        let wrappers: [ImplItem; 2] = [
            parse_quote! {
                #(#docs)*
                ///
                /// Answers what n8n sent, decoded; [`Self::send_with_response`] also gives the
                /// status and headers.
                pub async fn send(self) -> ::std::result::Result<#value, crate::Error> {
                    self.send_with_response().await.map(ResponseValue::into_inner)
                }
            },
            parse_quote! {
                /// [`Self::send`], with the answer's status and headers: a
                /// [`ResponseValue`](crate::ResponseValue), which derefs to the value
                /// (`into_inner()` takes it).
                pub async fn send_with_response(self) -> ::std::result::Result<#success, crate::Error> {
                    crate::error::finish(&self.client.inner, #id, self.send_unmapped()).await
                }
            },
        ];
        for (i, w) in wrappers.into_iter().enumerate() {
            imp.items.insert(pos + i, w);
        }
        rewritten += 1;
    }
    Ok(rewritten)
}

fn imp_name(ty: &syn::Type) -> String {
    quote!(#ty).to_string()
}

/// The `T` of `Result<T, Error<E>>`.
fn success_type(ret: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ret else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// The string in `OperationInfo { operation_id: "..." }` inside a `send` body.
pub(super) fn operation_id_literal(f: &syn::ImplItemFn) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
            if let (
                syn::Member::Named(n),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }),
            ) = (&fv.member, &fv.expr)
                && n == "operation_id"
            {
                self.0 = Some(s.value());
            }
            syn::visit::visit_field_value(self, fv);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_impl_item_fn(&mut find, f);
    find.0
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::model::Operation;

    #[test]
    fn send_is_wrapped() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod builder {
                pub struct GetTag<'a> { client: &'a super::Client }
                impl<'a> GetTag<'a> {
                    ///Sends a `GET` request to `/tags/{id}`
                    pub async fn send(self) -> Result<ResponseValue<types::Tag>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_tag" };
                        todo!()
                    }
                }
            }
        })
        .unwrap();
        let op = Operation::sample("getTag", "get", "/tags/{id}");
        assert_eq!(super::apply(&mut file, &[op]).unwrap(), 1);
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
