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
//! (`n8n-api-mock/src`) does the matching and answering; this file only types it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;
use syn::{Expr, ImplItem, ImplItemFn, Item, ItemImpl, Type, parse_quote};

use super::model::Operation;
use super::pagination::{self, Paginated};
use super::syntax::{inherent_impl, module_ref};
use crate::normalize::resolve;
use crate::{Error, Result};

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

/// What the mock needs of one operation's request builder.
struct OperationSyntax {
    /// Path and query parameters, in the builder's field order.
    params: Vec<Param>,
    /// `T` of the client's `body<V: TryInto<T>>` setter.
    body: Option<Type>,
    /// The multipart form setters.
    form: Vec<FormField>,
    /// `T` of `send() -> Result<ResponseValue<T>, crate::Error>`.
    success: Type,
    /// The success status the client expects.
    status: u16,
}

struct Param {
    setter: syn::Ident,
    /// The name on the wire (`workflowId`).
    wire: String,
    ty: Type,
    in_path: bool,
    /// `#[deprecated]` of the client's setter.
    deprecated: Vec<syn::Attribute>,
}

struct FormField {
    /// The client's setter, whose signature the matcher copies.
    setter: ImplItemFn,
    /// `text`, `json_text`, `json` or `file` (the `crate::multipart::Form` method it calls).
    kind: String,
    name: String,
    /// The value expression the client passes to the form.
    value: Expr,
}

fn read_operation(builders: &[Item], op: &Operation) -> Result<OperationSyntax> {
    let fields = builder_fields(builders, &op.builder).ok_or_else(|| fail(&op.id, "no builder struct"))?;
    let imp = inherent_impl(builders, &op.builder).ok_or_else(|| fail(&op.id, "no builder impl"))?;
    let send = method(imp, "send").ok_or_else(|| fail(&op.id, "no `send`"))?;
    let unmapped = method(imp, "send_unmapped").ok_or_else(|| fail(&op.id, "no `send_unmapped`"))?;
    let mut wire = WireNames::default();
    wire.visit_impl_item_fn(unmapped);
    let placeholders = path_placeholders(&op.path);
    if placeholders.len() != wire.path.len() {
        return Err(fail(&op.id, "the URL's arguments do not match the path template"));
    }
    let mut params = Vec::new();
    let mut body = None;
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
        if let Some(i) = wire.path.iter().position(|p| *p == name) {
            let wire = placeholders[i].clone();
            params.push(Param {
                setter,
                wire,
                ty: value_type(&ty),
                in_path: true,
                deprecated,
            });
        } else if let Some((w, _)) = wire.query.iter().find(|(_, ident)| *ident == name) {
            params.push(Param {
                setter,
                wire: w.clone(),
                ty: value_type(&ty),
                in_path: false,
                deprecated,
            });
        } else if name == "body" {
            let setter = method(imp, "body").ok_or_else(|| fail(&op.id, "a body field without a `body` setter"))?;
            body = Some(try_into_target(setter).ok_or_else(|| fail(&op.id, "`body` takes no `V: TryInto<T>`"))?);
        } else if name != "client" && name != "form" {
            return Err(fail(
                &op.id,
                &format!("builder field `{name}` is no parameter the mock knows"),
            ));
        }
    }
    let success = success_type(send).ok_or_else(|| fail(&op.id, "`send` returns no `Result<ResponseValue<T>, _>`"))?;
    let status = success_status(unmapped).ok_or_else(|| fail(&op.id, "`send` accepts no 2xx status"))?;
    Ok(OperationSyntax {
        params,
        body,
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

/// The `{name}`s of a path template, in order.
fn path_placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The first generic argument of the last segment of a path type (`X<T, ..>` -> `T`).
fn first_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    match &p.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<String> {
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

/// `T` of a setter's `where V: TryInto<T>`.
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

/// How `send_unmapped` puts the builder's fields on the wire: the path arguments of the URL's
/// `format!` in order, and the query parameters (`QueryParam::new("wire", &field)`).
#[derive(Default)]
struct WireNames {
    path: Vec<String>,
    query: Vec<(String, String)>,
}

impl<'ast> Visit<'ast> for WireNames {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let is_query = matches!(&*call.func, Expr::Path(p)
            if p.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).eq(["new", "QueryParam"]));
        if is_query
            && let (Some(Expr::Lit(l)), Some(value)) = (call.args.first(), call.args.iter().nth(1))
            && let syn::Lit::Str(name) = &l.lit
            && let Some(field) = single_ident(value)
        {
            self.query.push((name.value(), field));
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("format")
            && let Ok(args) = mac.parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            && args
                .iter()
                .nth(1)
                .is_some_and(|a| quote!(#a).to_string().replace(' ', "") == "client.baseurl")
        {
            self.path = args.iter().skip(2).filter_map(single_ident).collect();
        }
    }
}

/// The one local variable an argument expression reads (`&active`, `encode_path(&id.to_string())`).
fn single_ident(expr: &Expr) -> Option<String> {
    struct Idents(Vec<String>);
    impl<'ast> Visit<'ast> for Idents {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(id) = p.path.get_ident() {
                self.0.push(id.to_string());
            }
        }
        // A called function (`encode_path`) is not a value.
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            for arg in &call.args {
                self.visit_expr(arg);
            }
        }
    }
    let mut idents = Idents(Vec::new());
    idents.visit_expr(expr);
    match idents.0.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
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
fn operation_deprecations(client: &syn::File) -> BTreeMap<String, Vec<syn::Attribute>> {
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
enum ErrorStatus {
    Code(u16),
    Range(u16, u16),
    Any,
}

/// Per operation id: the error statuses the client decodes into a typed `ErrorBody`, and the
/// type of each (read from `decode_error_body` and the `ErrorBody` enum).
fn error_bodies(client: &syn::File) -> Result<BTreeMap<String, Vec<(ErrorStatus, Type)>>> {
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
                pub fn #setter(self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.path_param(#wire, value.into().to_string())
                }
            }
        } else {
            let doc = format!(" Matches only requests whose `{wire}` query parameter is `value`.");
            quote! {
                #[doc = #doc]
                #(#deprecated)*
                pub fn #setter(self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.query_param(#wire, &value.into())
                }
            }
        });
    }
    if let Some(body) = &read.body {
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

/// The schema of response `status` of `op` in the normalized spec.
fn success_schema<'a>(doc: &'a Value, op: &Operation, status: u16) -> Option<&'a Value> {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    doc.pointer(&format!(
        "/paths/{path}/{}/responses/{status}/content/application~1json/schema",
        op.method
    ))
}

/// The schema of a typed error status of `op` (a component, per the `error-responses` rule).
fn error_schema(op: &Operation, status: &ErrorStatus) -> Option<Value> {
    let wanted = match status {
        ErrorStatus::Code(c) => c.to_string(),
        ErrorStatus::Range(lo, _) => format!("{}XX", lo / 100),
        ErrorStatus::Any => "default".to_string(),
    };
    let schema = op
        .errors
        .iter()
        .find(|e| e.status.eq_ignore_ascii_case(&wanted))?
        .schema
        .as_ref()?;
    let pointer = schema.replace('~', "~0").replace('/', "~1");
    Some(serde_json::json!({ "$ref": format!("#/components/schemas/{pointer}") }))
}

/// The `Sample` impls: one per client type a mock answers with, its value a minimal instance of
/// the type's schema (`crate::sample::instance`: required members, placeholders), as JSON.
struct Samples<'a> {
    doc: &'a Value,
    types: &'a [Item],
    seen: std::collections::BTreeSet<String>,
    impls: Vec<TokenStream>,
    checks: Vec<TokenStream>,
}

impl<'a> Samples<'a> {
    fn new(doc: &'a Value, types: &'a [Item]) -> Self {
        Samples {
            doc,
            types,
            seen: Default::default(),
            impls: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// The type `send()` returns (`types::X` or `Vec<types::X>`) and its schema.
    fn add_response(&mut self, success: &Type, schema: Option<&Value>) {
        if last_ident(success).as_deref() == Some("Vec") {
            let items = schema.and_then(|s| resolve(self.doc, s)).and_then(|s| s.get("items"));
            if let Some(item) = first_argument(success) {
                self.add(item, items);
            }
        } else {
            self.add(success, schema);
        }
    }

    /// `ty` if it is a client type (`types::X`, aliases resolved) not seen yet.
    fn add(&mut self, ty: &Type, schema: Option<&Value>) {
        let Type::Path(p) = ty else { return };
        let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let (Some(schema), [module, name]) = (schema, segments.as_slice()) else {
            return;
        };
        if module != "types" {
            return;
        }
        let Some((name, cfg)) = self.definition(name) else {
            return;
        };
        if !self.seen.insert(name.clone()) {
            return;
        }
        let json = crate::sample::instance(self.doc, schema).to_string();
        let ident = format_ident!("{}", name);
        self.impls.push(quote! {
            #(#cfg)*
            impl crate::Sample for ::n8n_api::types::#ident {
                fn sample() -> Self {
                    crate::sample::decode(#name, #json)
                }
            }
        });
        self.checks.push(quote! {
            #(#cfg)*
            || { let _ = <::n8n_api::types::#ident as crate::Sample>::sample(); }
        });
    }

    /// The struct or enum `name` is (through `pub type` aliases), with its `#[cfg]`s.
    fn definition(&self, name: &str) -> Option<(String, Vec<syn::Attribute>)> {
        let mut name = name.to_string();
        for _ in 0..8 {
            let item = self.types.iter().find(|i| match i {
                Item::Struct(s) => s.ident == name,
                Item::Enum(e) => e.ident == name,
                Item::Type(t) => t.ident == name,
                _ => false,
            })?;
            let cfg = |attrs: &[syn::Attribute]| attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect();
            match item {
                Item::Struct(s) => return Some((name, cfg(&s.attrs))),
                Item::Enum(e) => return Some((name, cfg(&e.attrs))),
                Item::Type(t) => name = last_ident(&t.ty)?,
                _ => return None,
            }
        }
        None
    }
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
    fn path_placeholders_in_order() {
        assert_eq!(
            path_placeholders("/workflows/{id}/{versionId}"),
            ["id".to_string(), "versionId".to_string()]
        );
        assert!(path_placeholders("/tags").is_empty());
    }

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
    fn reads_what_the_client_puts_on_the_wire() {
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
        let mut wire = WireNames::default();
        wire.visit_impl_item_fn(&f);
        assert_eq!(wire.path, ["workflow_id", "version"]);
        assert_eq!(
            wire.query,
            [("excludePinnedData".to_string(), "exclude_pinned_data".to_string())]
        );
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

    #[test]
    fn error_names_follow_the_reason_phrase() {
        assert_eq!(reason(409), "conflict");
        assert_eq!(reason(422), "unprocessable_entity");
        assert_eq!(reason(499), "status_499");
    }
}
