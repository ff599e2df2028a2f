//! Pass `mock`: the generated half of the `n8n-api-mock` crate, a second file read from the
//! finished client.
//!
//! For every operation: a marker type (`operation::GetWorkflow`), a method of `MockN8n` that
//! starts its mock (`mock.get_workflow()`), and the operation's own methods on
//! `OperationMock<'_, operation::GetWorkflow>`:
//! - one matcher per path and query parameter, named and typed as the client's setter;
//! - `body`, typed as the client's `body` setter; one matcher per multipart form field;
//! - `responds`, taking the type the client's `send()` returns (`()`: no value; a byte stream:
//!   raw bytes), answered with the status the client expects;
//! - `responds_paginated` where the `pagination` pass gives the client `stream()`;
//! - `responds_<reason>` (`responds_conflict`) per error status the client decodes into a typed
//!   `ErrorBody`.
//!
//! Everything is read from the client's syntax (builder structs and setters, `send`,
//! `decode_error_body`), never guessed from names, so a mock cannot drift from the client: when
//! a release changes a type, mocks written against the old one stop compiling. The runtime
//! (`n8n-api-mock/src`) does the matching and answering; this pass only types it.
//!
//! `read.rs` reads the client, `samples.rs` writes the `Sample` values, this file the rest.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Item, Type, parse_quote};

use super::model::Operation;
use super::pagination::{self, Paginated};
use super::syntax::module_ref;
use crate::openapi::resolve;
use crate::{Error, Result};

mod read;
mod samples;

use read::{ErrorStatus, FormField, OperationSyntax, error_bodies, last_ident, operation_deprecations, read_operation};
use samples::{Samples, error_schema, success_schema};

/// The mock crate's generated module for the finished client `client`.
pub(super) fn generate(client: &syn::File, doc: &Value, operations: &[Operation]) -> Result<syn::File> {
    let builders = module_ref(client, "builder").ok_or_else(|| fail("(client)", "no `builder` module"))?;
    let types = module_ref(client, "types").ok_or_else(|| fail("(client)", "no `types` module"))?;
    let paginated: BTreeMap<String, Paginated> = pagination::paginated(client, doc, operations)
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let error_bodies = error_bodies(client)?;
    let deprecations = operation_deprecations(client);
    let mut markers = Vec::new();
    let mut items = Vec::new();
    let mut table = Vec::new();
    let mut samples = Samples::new(doc, types);
    for op in operations {
        let cfg = super::features::operation_cfg(op, operations);
        let read = read_operation(builders, op)?;
        let marker = format_ident!("{}", op.builder);
        let method = format_ident!("{}", op.method_name);
        let marker_doc = format!(
            " The `{}` operation (`{} {}`).",
            op.id,
            op.method.to_uppercase(),
            op.path
        );
        markers.push(quote! {
            #cfg
            #[doc = #marker_doc]
            #[derive(Debug)]
            pub enum #marker {}
        });
        items.push(start_method(op, &cfg, &read, deprecations.get(&op.method_name)));
        let mut methods = matchers(&read);
        methods.push(responds(op, &read, doc)?);
        let success_schema = success_schema(doc, op, read.status);
        samples.add_response(&read.success, success_schema);
        if let Some(p) = paginated.get(&op.id) {
            methods.push(responds_paginated(op, p, types)?);
            let items = success_schema
                .and_then(|s| resolve(doc, s))
                .and_then(|s| s.pointer("/properties/data"))
                .and_then(|s| resolve(doc, s))
                .and_then(|s| s.get("items"));
            let item = format_ident!("{}", p.item);
            samples.add(&parse_quote!(types::#item), items);
        }
        for (status, ty) in error_bodies.get(&op.id).into_iter().flatten() {
            methods.push(responds_error(status, ty));
            samples.add(ty, error_schema(op, status).as_ref());
        }
        items.push(quote! {
            #cfg
            impl<'m> crate::OperationMock<'m, operation::#marker> {
                #(#methods)*
            }
        });
        let (id, mock_method) = (&op.id, &op.method_name);
        table.push(quote! {
            #cfg
            crate::MockedOperation { id: #id, mock_method: #mock_method, start: |m| m.#method().untyped() }
        });
    }
    let (sample_impls, sample_checks) = (samples.impls, samples.checks);
    let tokens = quote! {
        /// One marker type per operation: the `O` of [`OperationMock<'_, O>`](crate::OperationMock).
        pub mod operation {
            #(#markers)*
        }

        #(#items)*

        /// Every operation's mock, in spec order (those of the enabled tag features).
        pub static OPERATIONS: &[crate::MockedOperation] = &[#(#table),*];

        #(#sample_impls)*

        /// Makes every sample, for the test that each decodes.
        #[cfg(test)]
        pub(crate) static SAMPLES: &[fn()] = &[#(#sample_checks),*];
    };
    syn::parse2(tokens).map_err(|e| Error::Format(format!("mock: {e}")))
}

fn fail(operation: &str, message: &str) -> Error {
    Error::Generate {
        operation: operation.to_string(),
        message: format!("mock: {message}"),
    }
}

/// A client type as the mock crate names it: `types::X` -> `::n8n_api::types::X`.
fn in_client(ty: &Type) -> Type {
    struct Rewrite;
    impl syn::visit_mut::VisitMut for Rewrite {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            if p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.first().is_some_and(|s| s.ident == "types")
            {
                p.path.segments.insert(0, parse_quote!(n8n_api));
                p.path.leading_colon = Some(Default::default());
            }
            syn::visit_mut::visit_type_path_mut(self, p);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Rewrite, &mut ty);
    ty
}

/// `MockN8n::<method>()`, which starts the operation's mock.
fn start_method(
    op: &Operation,
    cfg: &Option<syn::Attribute>,
    read: &OperationSyntax,
    deprecated: Option<&Vec<syn::Attribute>>,
) -> TokenStream {
    let marker = format_ident!("{}", op.builder);
    let method = format_ident!("{}", op.method_name);
    let (id, path, status) = (&op.id, &op.path, read.status);
    let http_method = op.method.to_uppercase();
    let mut doc = vec![format!(
        " Mocks `{id}`: `{http_method} {path}` (the client's `{}()`).",
        op.method_name
    )];
    if let Some(summary) = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        doc.push(String::new());
        doc.push(format!(" {}", summary.lines().next().unwrap_or(summary)));
    }
    doc.push(String::new());
    doc.push(" Narrow it with the parameter matchers, then answer with `responds(...)` (or".into());
    doc.push(" `responds_with_status`); see [`OperationMock`](crate::OperationMock).".into());
    let deprecated = deprecated.into_iter().flatten();
    quote! {
        #cfg
        impl crate::MockN8n {
            #(#[doc = #doc])*
            #(#deprecated)*
            pub fn #method(&self) -> crate::OperationMock<'_, operation::#marker> {
                crate::OperationMock::new(self, crate::Route { id: #id, method: #http_method, path: #path, status: #status })
            }
        }
    }
}

/// The parameter, body and form field matchers.
fn matchers(read: &OperationSyntax) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for p in &read.params {
        let (setter, wire, ty, deprecated) = (&p.setter, &p.wire, in_client(&p.ty), &p.deprecated);
        out.push(if p.in_path {
            let doc = format!(" Matches only requests whose `{wire}` path parameter is `value`.");
            quote! {
                #[doc = #doc]
                #(#deprecated)*
                pub fn #setter<V>(self, value: V) -> Self
                where
                    V: ::std::convert::TryInto<#ty>,
                    <V as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
                {
                    match value.try_into() {
                        Ok(v) => self.path_param(#wire, v.to_string()),
                        Err(e) => self.problem(format!("path parameter `{}`: {e}", #wire)),
                    }
                }
            }
        } else {
            let doc = format!(" Matches only requests whose `{wire}` query parameter is `value`.");
            quote! {
                #[doc = #doc]
                #(#deprecated)*
                pub fn #setter<V>(self, value: V) -> Self
                where
                    V: ::std::convert::TryInto<#ty>,
                    <V as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
                {
                    match value.try_into() {
                        Ok(v) => self.query_param(#wire, &v),
                        Err(e) => self.problem(format!("query parameter `{}`: {e}", #wire)),
                    }
                }
            }
        });
    }
    if let Some(body) = read.body.as_ref().filter(|_| read.body_is_list) {
        let ty = in_client(body);
        out.push(quote! {
            /// Matches only requests whose JSON body is exactly these items (what the client
            /// sends for them). `body_partial_json` matches part of a body.
            pub fn body<I>(self, value: I) -> Self
            where
                I: ::std::iter::IntoIterator,
                I::Item: ::std::convert::TryInto<#ty>,
                <I::Item as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
            {
                let items: ::std::result::Result<::std::vec::Vec<#ty>, ::std::string::String> = value
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| v.try_into().map_err(|e| format!("`body[{i}]`: {e}")))
                    .collect();
                self.body_typed(items)
            }
        });
    } else if let Some(body) = &read.body {
        let ty = in_client(body);
        out.push(quote! {
            /// Matches only requests whose JSON body is exactly `value` (what the client sends
            /// for it). `body_partial_json` matches part of a body.
            pub fn body<V>(self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                <V as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
            {
                self.body_typed(value.try_into().map_err(|e| e.to_string()))
            }
        });
    }
    for field in &read.form {
        out.push(form_matcher(field));
    }
    out
}

/// A form field matcher with the client setter's signature (a file field takes the bytes).
fn form_matcher(field: &FormField) -> TokenStream {
    let name = &field.name;
    let ident = &field.setter.sig.ident;
    let value = &field.value;
    if field.kind == "file" {
        let doc = format!(" Matches only requests whose `{name}` form field is a file with exactly these bytes.");
        return quote! {
            #[doc = #doc]
            pub fn #ident(self, content: impl ::std::convert::AsRef<[u8]>) -> Self {
                self.form_file(#name, content.as_ref())
            }
        };
    }
    let doc = format!(" Matches only requests whose `{name}` form field is `value` (as the client sends it).");
    let runtime = format_ident!("form_{}", field.kind);
    let mut sig = field.setter.sig.clone();
    for input in sig.inputs.iter_mut() {
        if let syn::FnArg::Typed(t) = input {
            *t.ty = in_client(&t.ty);
        }
    }
    sig.inputs = sig
        .inputs
        .into_iter()
        .map(|a| match a {
            syn::FnArg::Receiver(_) => parse_quote!(self),
            other => other,
        })
        .collect();
    quote! {
        #[doc = #doc]
        pub #sig {
            self.#runtime(#name, #value)
        }
    }
}

/// `responds`, typed as the client's `send()`.
fn responds(op: &Operation, read: &OperationSyntax, doc: &Value) -> Result<TokenStream> {
    let status = read.status;
    let success = &read.success;
    let is_unit = matches!(success, Type::Tuple(t) if t.elems.is_empty());
    Ok(if is_unit {
        let doc = format!(" Answers `{status}` with no body (the client's `send()` returns `()`).");
        quote! {
            #[doc = #doc]
            pub async fn responds(self) -> crate::Mounted {
                self.respond_empty().await
            }
        }
    } else if last_ident(success).as_deref() == Some("ByteStream") {
        let content_type = success_content_type(doc, op, status)
            .ok_or_else(|| fail(&op.id, "a byte stream response without a content type"))?;
        let doc = format!(" Answers `{status}` with these bytes as `{content_type}` (the client streams them).");
        quote! {
            #[doc = #doc]
            pub async fn responds(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> crate::Mounted {
                self.respond_bytes(body.into(), #content_type).await
            }
        }
    } else {
        let ty = in_client(success);
        let shown = quote!(#success).to_string().replace(' ', "");
        let doc = format!(" Answers `{status}` with `value` as JSON: the `{shown}` the client's `send()` returns.");
        quote! {
            #[doc = #doc]
            pub async fn responds(self, value: &#ty) -> crate::Mounted {
                self.respond_json(value).await
            }
        }
    })
}

/// The content type of response `status` of `op` in the normalized spec.
fn success_content_type(doc: &Value, op: &Operation, status: u16) -> Option<String> {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    doc.pointer(&format!("/paths/{path}/{}/responses/{status}/content", op.method))
        .and_then(Value::as_object)
        .and_then(|c| c.keys().next().cloned())
}

/// `responds_paginated`: `items` served over cursor pages of the client's own page type.
fn responds_paginated(op: &Operation, p: &Paginated, types: &[Item]) -> Result<TokenStream> {
    let page_struct = types
        .iter()
        .find_map(|i| match i {
            Item::Struct(s) if s.ident == p.page => Some(s),
            _ => None,
        })
        .ok_or_else(|| fail(&op.id, &format!("no page struct `{}`", p.page)))?;
    let mut fields = Vec::new();
    for f in &page_struct.fields {
        let Some(name) = &f.ident else { continue };
        fields.push(match name.to_string().as_str() {
            "data" => quote!(data),
            "next_cursor" => quote!(next_cursor),
            _ => match last_ident(&f.ty).as_deref() {
                Some("Option") => quote!(#name: ::std::option::Option::None),
                Some("Vec") => quote!(#name: ::std::vec::Vec::new()),
                // Members the page's type does not name (`extra`): none.
                Some("Map") => quote!(#name: ::std::default::Default::default()),
                _ => {
                    return Err(fail(
                        &op.id,
                        &format!(
                            "page `{}` has a required field `{name}` a mock page cannot fill",
                            p.page
                        ),
                    ));
                }
            },
        });
    }
    let page = format_ident!("{}", p.page);
    let item = format_ident!("{}", p.item);
    Ok(quote! {
        /// Answers with `items` over cursor pages, as n8n does: `{data, nextCursor}`, the page
        /// size being the request's `limit` or else `page_size`, the next page's offset and size
        /// in an opaque `cursor`, and no `nextCursor` on the last page. A cursor this mock did not
        /// hand out gets n8n's `400`.
        pub async fn responds_paginated(self, items: &[::n8n_api::types::#item], page_size: usize) -> crate::Mounted {
            self.respond_paginated(items, page_size, |data, next_cursor| ::n8n_api::types::#page { #(#fields),* }).await
        }
    })
}

/// `responds_<reason>(&body)` for an error status the client decodes into a typed body.
fn responds_error(status: &ErrorStatus, ty: &Type) -> TokenStream {
    let ty = in_client(ty);
    match status {
        ErrorStatus::Code(code) => {
            let method = format_ident!("responds_{}", reason(*code));
            let doc = format!(" Answers `{code}` with `body`, which the client decodes into its typed `ErrorBody`.");
            quote! {
                #[doc = #doc]
                pub async fn #method(self, body: &#ty) -> crate::Mounted {
                    self.respond_status_json(#code, body).await
                }
            }
        }
        ErrorStatus::Range(lo, hi) => {
            let method = format_ident!("responds_{}xx", lo / 100);
            let doc = format!(
                " Answers `status` ({lo} to {hi}) with `body`, which the client decodes into its typed `ErrorBody`."
            );
            quote! {
                #[doc = #doc]
                pub async fn #method(self, status: u16, body: &#ty) -> crate::Mounted {
                    self.respond_status_json(status, body).await
                }
            }
        }
        ErrorStatus::Any => quote! {
            /// Answers `status` with `body`, which the client decodes into its typed `ErrorBody`.
            pub async fn responds_error(self, status: u16, body: &#ty) -> crate::Mounted {
                self.respond_status_json(status, body).await
            }
        },
    }
}

/// The snake_case reason phrase of an HTTP status (`responds_conflict`), or `status_<code>`.
fn reason(code: u16) -> String {
    let name = match code {
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        410 => "gone",
        412 => "precondition_failed",
        413 => "content_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        423 => "locked",
        424 => "failed_dependency",
        428 => "precondition_required",
        429 => "too_many_requests",
        500 => "internal_server_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => return format!("status_{code}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_types_are_named_from_the_mock_crate() {
        let ty: Type = parse_quote!(::std::vec::Vec<types::Tag>);
        let out = in_client(&ty);
        assert_eq!(
            quote!(#out).to_string(),
            quote!(::std::vec::Vec<::n8n_api::types::Tag>).to_string()
        );
        let ty: Type = parse_quote!(::chrono::DateTime<::chrono::offset::Utc>);
        assert_eq!(quote!(#ty).to_string(), {
            let out = in_client(&ty);
            quote!(#out).to_string()
        });
    }

    #[test]
    fn error_names_follow_the_reason_phrase() {
        assert_eq!(reason(409), "conflict");
        assert_eq!(reason(422), "unprocessable_entity");
        assert_eq!(reason(499), "status_499");
    }
}
