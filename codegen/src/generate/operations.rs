//! Pass `operations`: what progenitor does not generate about operations (the operation table and typed error bodies).
//!
//! - `OPERATIONS`: every operation with its id, method, path, tag, required scopes and beta flag,
//!   so a tool can tell a user which scopes a key lacks;
//! - `ErrorBody` and `decode_error_body`: the typed body of each error status the spec describes,
//!   used by `crate::error::finish` (see the `typed-errors` pass).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{Operation, type_name};

pub(super) fn tokens(operations: &[Operation]) -> TokenStream {
    let table = operation_table(operations);
    let errors = error_bodies(operations);
    quote! {
        #table
        #errors
    }
}

fn operation_table(operations: &[Operation]) -> TokenStream {
    let rows = operations.iter().map(|o| {
        let id = &o.id;
        let method = o.method.to_ascii_uppercase();
        let path = &o.path;
        let tag = o.tags.first().map(String::as_str).unwrap_or("");
        let scopes = &o.scopes;
        let beta = o.beta;
        let client_method = &o.method_name;
        quote! {
            crate::Operation {
                id: #id,
                method: #method,
                path: #path,
                tag: #tag,
                scopes: &[#(#scopes),*],
                beta: #beta,
                client_method: #client_method,
            }
        }
    });
    quote! {
        /// Every operation of the spec this client was generated from, in spec order.
        pub static OPERATIONS: &[crate::Operation] = &[#(#rows),*];
    }
}

fn error_bodies(operations: &[Operation]) -> TokenStream {
    // Rust type name -> (doc lines). One variant per distinct body type.
    let mut variants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // (status, type) -> operations: one match arm each (n8n's error body is shared by hundreds).
    let mut arms: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for op in operations {
        for e in &op.errors {
            let Some(schema) = &e.schema else { continue };
            let ty = type_name(schema);
            let doc = variants.entry(ty.clone()).or_default();
            if doc.len() < MAX_VARIANT_DOC_LINES {
                doc.push(format!(
                    "`{}` {}: {}",
                    op.id,
                    e.status,
                    e.description.lines().next().unwrap_or("").trim()
                ));
            }
            arms.entry((e.status.clone(), ty)).or_default().push(&op.id);
        }
    }
    let arms = arms.iter().map(|((status, ty), ids)| {
        let ident = format_ident!("{}", ty);
        let pat = status_pattern(status);
        quote! {
            (#(#ids)|*, #pat) => Some(::serde_json::from_slice(body).map(ErrorBody::#ident)),
        }
    });
    let variant_defs = variants.iter().map(|(ty, docs)| {
        let ident = format_ident!("{}", ty);
        let doc = docs.iter().map(|d| format!(" {d}"));
        quote! {
            #(#[doc = #doc])*
            #ident(types::#ident),
        }
    });
    quote! {
        /// The body of an error response, typed where the spec gives its schema.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variant_defs)*
        }

        /// Decodes the body of error `status` of `operation`, when the spec types it.
        #[allow(unused_variables)]
        pub(crate) fn decode_error_body(operation: &str, status: u16, body: &[u8]) -> Option<::std::result::Result<ErrorBody, ::serde_json::Error>> {
            match (operation, status) {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// A variant's docs list where it is used, up to this many lines (n8n's error body: everywhere).
const MAX_VARIANT_DOC_LINES: usize = 12;

fn status_pattern(status: &str) -> TokenStream {
    if let Ok(code) = status.parse::<u16>() {
        return quote!(#code);
    }
    match status.as_bytes().first() {
        Some(d @ b'1'..=b'5') if status.len() == 3 && status[1..].eq_ignore_ascii_case("xx") => {
            let lo = u16::from(d - b'0') * 100;
            let hi = lo + 99;
            quote!(#lo..=#hi)
        }
        _ => quote!(_),
    }
}
