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

#[cfg(test)]
mod tests {
    use syn::Item;

    use super::super::model::{ErrorStatus, Operation};

    fn error(status: &str, description: &str, schema: Option<&str>) -> ErrorStatus {
        ErrorStatus {
            status: status.into(),
            description: description.into(),
            schema: schema.map(String::from),
        }
    }

    #[test]
    fn the_operation_table_and_typed_error_bodies() {
        let get_workflow = Operation {
            tags: vec!["Workflow".into()],
            scopes: vec!["workflow:read".into()],
            errors: vec![
                error("404", "Not found.\nThe id is unknown.", Some("error")),
                error("4XX", "Rejected.", Some("error")),
                error("500", "Server error.", None),
            ],
            ..Operation::sample("getWorkflow", "get", "/workflows/{id}")
        };
        let create_tag = Operation {
            tags: vec!["Tags".into()],
            scopes: vec!["tag:create".into(), "tag:read".into()],
            beta: true,
            errors: vec![
                error("404", "Not found.", Some("error")),
                error("409", "Conflict.", Some("TagConflict")),
                error("default", "Anything else.", Some("error")),
            ],
            ..Operation::sample("createTag", "post", "/tags")
        };
        let file: syn::File = syn::parse2(super::tokens(&[get_workflow, create_tag])).unwrap();
        let [Item::Static(table), Item::Enum(body), Item::Fn(decode)] = file.items.as_slice() else {
            panic!("OPERATIONS, ErrorBody, decode_error_body: {file:#?}");
        };
        assert_eq!(table.ident, "OPERATIONS");
        let syn::Expr::Reference(rows) = &*table.expr else {
            panic!()
        };
        assert!(matches!(&*rows.expr, syn::Expr::Array(a) if a.elems.len() == 2));
        // One variant per body type, however many operations and statuses share it.
        assert_eq!(body.ident, "ErrorBody");
        let variants: Vec<String> = body.variants.iter().map(|v| v.ident.to_string()).collect();
        assert_eq!(variants, ["Error", "TagConflict"]);
        // One arm per (status, type), naming every operation; 4XX is a range, `default` any;
        // a status without a body type has none.
        assert_eq!(decode.sig.ident, "decode_error_body");
        let out = prettyplease::unparse(&file);
        assert!(out.contains(r#"("getWorkflow" | "createTag", 404u16) =>"#), "{out}");
        assert!(out.contains(r#"("getWorkflow", 400u16..=499u16) =>"#), "{out}");
        assert!(out.contains(r#"("createTag", _) =>"#), "{out}");
        assert!(!out.contains("500u16"), "{out}");
        insta::assert_snapshot!(out);
    }
}
