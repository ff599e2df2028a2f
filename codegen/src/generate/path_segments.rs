//! Pass `path-segments`: an id is data, never a route.
//!
//! progenitor puts path parameters into the URL through `progenitor_client::encode_path`, which
//! leaves `.`, `..`, `\` and the empty string as they are. reqwest's URL parser then resolves
//! `..` as "the parent segment" and `\` as `/`: `delete_user_from_project("..", "u1")` sends
//! `DELETE /api/v1/users/u1`, and an id with backslashes sent to `delete_workflow` reaches
//! `DELETE /api/v1/credentials/c1`. This pass replaces every `encode_path(&x.to_string())` of the
//! URL `format!` in each builder's `send_unmapped` with `crate::support::path_segment("x", ..)`,
//! which percent-encodes every byte that is not unreserved and refuses empty values and dot
//! segments before anything is sent (an `InvalidRequest` error naming the parameter).

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Token};

/// Rewrites the path arguments of every builder; returns how many were rewritten.
pub(super) fn apply(file: &mut syn::File) -> usize {
    let Some(builder) = super::syntax::module(file, "builder") else {
        return 0;
    };
    let mut rewrite = Rewrite(0);
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        for f in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = f
                && f.sig.ident == "send_unmapped"
            {
                rewrite.visit_block_mut(&mut f.block);
            }
        }
    }
    rewrite.0
}

struct Rewrite(usize);

impl VisitMut for Rewrite {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
            return;
        };
        let mut changed = false;
        for arg in args.iter_mut() {
            if let Some(replacement) = segment_call(arg) {
                *arg = replacement;
                changed = true;
                self.0 += 1;
            }
        }
        if changed {
            mac.tokens = args.into_token_stream();
        }
    }
}

/// `encode_path(&x.to_string())` -> `crate::support::path_segment("x", &x.to_string())
/// .map_err(Error::InvalidRequest)?` (`Error` is progenitor's, in scope in the builder module).
fn segment_call(arg: &Expr) -> Option<Expr> {
    let Expr::Call(call) = arg else { return None };
    let Expr::Path(func) = &*call.func else { return None };
    if func.path.segments.last().is_none_or(|s| s.ident != "encode_path") || call.args.len() != 1 {
        return None;
    }
    let value = &call.args[0];
    let name = parameter_name(value)?;
    Some(syn::parse_quote! {
        crate::support::path_segment(#name, #value).map_err(Error::InvalidRequest)?
    })
}

/// The Rust name of the parameter an argument reads (`&project_id.to_string()` ->
/// `project_id`): what the user called the setter with.
fn parameter_name(value: &Expr) -> Option<String> {
    let mut e = value;
    loop {
        e = match e {
            Expr::Reference(r) => &r.expr,
            Expr::MethodCall(m) => &m.receiver,
            Expr::Paren(p) => &p.expr,
            Expr::Path(p) => return p.path.get_ident().map(|i| i.to_string()),
            _ => return None,
        };
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn every_path_argument_becomes_a_checked_segment() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod builder {
                impl<'a> DeleteUserFromProject<'a> {
                    async fn send_unmapped(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client, project_id, user_id } = self;
                        let url = format!(
                            "{}/projects/{}/users/{}",
                            client.baseurl,
                            encode_path(&project_id.to_string()),
                            encode_path(&user_id.to_string()),
                        );
                        todo!()
                    }
                }
                impl<'a> GetWorkflows<'a> {
                    async fn send_unmapped(self) -> Result<ResponseValue<()>, Error<()>> {
                        let url = format!("{}/workflows", client.baseurl);
                        todo!()
                    }
                }
            }
        })
        .unwrap();
        assert_eq!(super::apply(&mut file), 2);
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("encode_path"), "{out}");
        insta::assert_snapshot!(out);
    }
}
