//! Pass `response-bodies`: success bodies are read bounded and decoded by the runtime.
//!
//! progenitor decodes a success body with `ResponseValue::from_response`, which reads the whole
//! body into memory, however large the server makes it. This pass makes every JSON success arm
//! of each builder's `send_unmapped` call `crate::support::decode(operation, &client.inner,
//! response)` instead: the body is read up to the client's `max_response_bytes` (an error past
//! it, never an allocation the server chose), and the end-to-end suite can observe each raw body
//! beside what it decoded to (the lossless check).

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item};

use super::model::Operation;

/// Rewrites the decoding of every builder's success arms; returns how many were rewritten.
pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) -> usize {
    let by_method: BTreeMap<&str, &str> = operations
        .iter()
        .map(|o| (o.method_name.as_str(), o.id.as_str()))
        .collect();
    let Some(builder) = super::syntax::module(file, "builder") else {
        return 0;
    };
    let mut count = 0;
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        for f in imp.items.iter_mut() {
            let ImplItem::Fn(f) = f else { continue };
            if f.sig.ident != "send_unmapped" {
                continue;
            }
            let Some(id) =
                super::typed_errors::operation_id_literal(f).and_then(|m| by_method.get(m.as_str()).copied())
            else {
                continue;
            };
            let mut rewrite = Rewrite { id, count: 0 };
            rewrite.visit_block_mut(&mut f.block);
            count += rewrite.count;
        }
    }
    count
}

struct Rewrite<'a> {
    id: &'a str,
    count: usize,
}

impl VisitMut for Rewrite<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // `ResponseValue::from_response(response).await`
        if let Expr::Await(aw) = e
            && let Expr::Call(call) = &*aw.base
            && let Expr::Path(p) = &*call.func
            && p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .eq(["ResponseValue", "from_response"])
            && call.args.len() == 1
        {
            let response = &call.args[0];
            let id = self.id;
            *e = syn::parse_quote!(crate::support::decode(#id, &client.inner, #response).await);
            self.count += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::model::Operation;

    #[test]
    fn success_arms_decode_through_the_runtime() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod builder {
                impl<'a> GetTag<'a> {
                    async fn send_unmapped(self) -> Result<ResponseValue<types::Tag>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_tag" };
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            204u16 => Ok(ResponseValue::empty(response)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        })
        .unwrap();
        let op = Operation::sample("getTag", "get", "/tags/{id}");
        assert_eq!(super::apply(&mut file, &[op]), 1);
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
