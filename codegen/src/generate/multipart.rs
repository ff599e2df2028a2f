//! Pass `multipart`: form builders for multipart/form-data request bodies.
//!
//! progenitor cannot generate multipart bodies; the `multipart-bodies` rule moved each one into
//! the operation's `x-n8n-api-multipart` extension, so progenitor generated the operation's builder
//! without a body. This pass completes that builder from the form's schema: a `form` field, one
//! setter per form field, and, in `send`, a statement that checks the form and attaches it as the
//! streamed request body (`crate::multipart::Form::attach`). Setters by field schema:
//! - `format: binary` -> `impl Into<FilePart>` (bytes, a path, or a stream);
//! - an enum (hoisted to a component by the rule) -> that Rust enum;
//! - a string that carries JSON (its default is JSON, or its description says so) -> any
//!   `Serialize` value, serialized into the string;
//! - other strings, booleans and numbers -> their Rust types.

use heck::ToSnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{ImplItem, Item, parse_quote};

use super::model::{Operation, type_name};
use super::syntax::module;
use crate::openapi::MULTIPART_EXTENSION;
use crate::{Error, Result};

pub(super) fn apply(file: &mut syn::File, doc: &Value, operations: &[Operation]) -> Result<usize> {
    let mut done = 0;
    for op in operations.iter().filter(|o| o.multipart) {
        let ext = crate::openapi::operations(doc)
            .into_iter()
            .find(|(p, m, _)| *p == op.path && *m == op.method)
            .and_then(|(_, _, o)| o.get(MULTIPART_EXTENSION).cloned())
            .ok_or_else(|| fail(op, "no multipart extension"))?;
        let builder = module(file, "builder").ok_or_else(|| fail(op, "no builder module"))?;
        extend_builder(builder, op, &ext)?;
        done += 1;
    }
    Ok(done)
}

fn fail(op: &Operation, message: &str) -> Error {
    Error::Generate {
        operation: op.id.clone(),
        message: format!("multipart: {message}"),
    }
}

struct FormField {
    name: String,
    setter: TokenStream,
}

fn fields(op: &Operation, ext: &Value) -> Result<(Vec<FormField>, Vec<String>)> {
    let schema = ext.get("schema").ok_or_else(|| fail(op, "no schema"))?;
    let required: Vec<String> = crate::openapi::required_names(schema)
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut out = Vec::new();
    for (name, prop) in crate::openapi::properties(schema) {
        let ident = setter_ident(name);
        let description = prop
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        let mut doc = description.clone();
        if required.contains(name) {
            doc.push_str("\n\nRequired.");
        }
        if let Some(d) = prop.get("default") {
            let shown = d.as_str().map(str::to_string).unwrap_or_else(|| d.to_string());
            doc.push_str(&format!("\n\nDefault (when not set): `{shown}`."));
        }
        let doc_lines: Vec<String> = doc.lines().map(|l| format!(" {l}")).collect();
        let docs = quote!(#(#[doc = #doc_lines])*);
        let ty = prop.get("type").and_then(Value::as_str);
        let setter = if let Some(r) = prop.get("$ref").and_then(Value::as_str) {
            let ty = format_ident!("{}", type_name(r.rsplit('/').next().unwrap_or(r)));
            quote! {
                #docs
                pub fn #ident(mut self, value: types::#ty) -> Self {
                    self.form.json_text(#name, &value);
                    self
                }
            }
        } else if ty == Some("string") && prop.get("format").and_then(Value::as_str) == Some("binary") {
            let gzip = mentions_gzip(op, ext, name, &description);
            quote! {
                #docs
                pub fn #ident<V: ::std::convert::Into<crate::multipart::FilePart>>(mut self, value: V) -> Self {
                    self.form.file(#name, value.into(), #gzip);
                    self
                }
            }
        } else if ty == Some("string") && carries_json(prop, &description) {
            quote! {
                #docs
                ///
                /// The value is serialized to JSON into the form field.
                pub fn #ident<V: ::serde::Serialize + ?Sized>(mut self, value: &V) -> Self {
                    self.form.json(#name, value);
                    self
                }
            }
        } else {
            let (param, conv) = match ty {
                Some("boolean") => (quote!(bool), quote!(value.to_string())),
                Some("integer") => (quote!(i64), quote!(value.to_string())),
                Some("number") => (quote!(f64), quote!(value.to_string())),
                Some("string") | None => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(value)),
                Some(_) => {
                    out.push(FormField {
                        name: name.clone(),
                        setter: quote! {
                            #docs
                            pub fn #ident<V: ::serde::Serialize + ?Sized>(mut self, value: &V) -> Self {
                                self.form.json(#name, value);
                                self
                            }
                        },
                    });
                    continue;
                }
            };
            quote! {
                #docs
                pub fn #ident(mut self, value: #param) -> Self {
                    self.form.text(#name, #conv);
                    self
                }
            }
        };
        out.push(FormField {
            name: name.clone(),
            setter,
        });
    }
    Ok((out, required))
}

/// The spec says the file is gzip'd: its encoding's content type, or its description.
fn mentions_gzip(_op: &Operation, ext: &Value, name: &str, description: &str) -> bool {
    let content_type = ext
        .pointer(&format!("/encoding/{name}/contentType"))
        .and_then(Value::as_str)
        .unwrap_or("");
    content_type.contains("gzip") || description.to_ascii_lowercase().contains("gzip")
}

/// A string field whose value is JSON: its default parses as a JSON object or array, or its
/// description says it is a JSON object/array.
fn carries_json(prop: &Value, description: &str) -> bool {
    let default_is_json = prop
        .get("default")
        .and_then(Value::as_str)
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
        .is_some_and(|v| v.is_object() || v.is_array());
    let d = description.to_ascii_lowercase();
    default_is_json || d.contains("json object") || d.contains("json array")
}

fn setter_ident(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() && snake != "form" && snake != "send" && snake != "new" {
        syn::Ident::new(&snake, Span::call_site())
    } else {
        syn::Ident::new(&format!("{snake}_"), Span::call_site())
    }
}

fn extend_builder(builder: &mut [Item], op: &Operation, ext: &Value) -> Result<()> {
    let (fields, required) = fields(op, ext)?;
    let name = op.builder.as_str();
    let strukt = builder
        .iter_mut()
        .find_map(|i| match i {
            Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .ok_or_else(|| fail(op, "no builder struct"))?;
    let syn::Fields::Named(named) = &mut strukt.fields else {
        return Err(fail(op, "builder struct has no named fields"));
    };
    named.named.push(
        syn::Field::parse_named
            .parse2(quote!(form: crate::multipart::Form))
            .map_err(|e| fail(op, &e.to_string()))?,
    );
    let imp = super::syntax::inherent_impl_mut(builder, name).ok_or_else(|| fail(op, "no builder impl"))?;
    let mut saw_new = false;
    let mut saw_send = false;
    for item in imp.items.iter_mut() {
        let ImplItem::Fn(f) = item else { continue };
        if f.sig.ident == "new" {
            saw_new = add_to_self_literal(&mut f.block);
        } else if f.sig.ident == "send_unmapped" {
            saw_send = attach_in_send(&mut f.block, &required);
        }
    }
    if !(saw_new && saw_send) {
        return Err(fail(
            op,
            "progenitor's builder does not have the expected new()/send() shape",
        ));
    }
    let pos = imp
        .items
        .iter()
        .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        .unwrap_or(imp.items.len());
    for (i, field) in fields.into_iter().enumerate() {
        let item: ImplItem =
            syn::parse2(field.setter).map_err(|e| fail(op, &format!("setter for `{}`: {e}", field.name)))?;
        imp.items.insert(pos + i, item);
    }
    Ok(())
}

use syn::parse::Parser;

/// `Self { client: client, ... }` in `new()` gains `form: Form::new()`.
fn add_to_self_literal(block: &mut syn::Block) -> bool {
    struct V(bool);
    impl syn::visit_mut::VisitMut for V {
        fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
            if s.path.is_ident("Self") {
                s.fields.push(parse_quote!(form: crate::multipart::Form::new()));
                self.0 = true;
            }
        }
    }
    let mut v = V(false);
    syn::visit_mut::VisitMut::visit_block_mut(&mut v, block);
    v.0
}

/// In `send_unmapped()`: `let Self { .. } = self;` also binds `form`, and right after the request
/// is built the form is checked and attached as its body.
fn attach_in_send(block: &mut syn::Block, required: &[String]) -> bool {
    let mut bound = false;
    let mut at = None;
    for (i, stmt) in block.stmts.iter_mut().enumerate() {
        let syn::Stmt::Local(local) = stmt else { continue };
        match &mut local.pat {
            syn::Pat::Struct(p) if p.path.is_ident("Self") => {
                let syn::Pat::Struct(with_form) = syn::Pat::parse_single
                    .parse2(quote!(Self { form }))
                    .expect("a valid pattern")
                else {
                    unreachable!()
                };
                p.fields.extend(with_form.fields);
                bound = true;
            }
            syn::Pat::Ident(id) if id.ident == "request" => at = Some(i + 1),
            _ => {}
        }
    }
    let Some(at) = at else { return false };
    let stmt: syn::Stmt = parse_quote! {
        form.attach(&mut request, &[#(#required),*], client.inner().max_upload()).await.map_err(Error::InvalidRequest)?;
    };
    block.stmts.insert(at, stmt);
    bound
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use serde_json::json;

    use super::super::model::Operation;

    fn import_builder() -> syn::File {
        syn::parse2(quote! {
            pub mod builder {
                pub struct ImportPackage<'a> { client: &'a super::Client }
                impl<'a> ImportPackage<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client }
                    }
                    pub async fn send(self) -> ::std::result::Result<ResponseValue<()>, crate::Error> { todo!() }
                    async fn send_unmapped(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client } = self;
                        let url = format!("{}/import", client.baseurl,);
                        #[allow(unused_mut)]
                        let mut request = client.client.post(url).build()?;
                        let info = OperationInfo { operation_id: "import_package" };
                        todo!()
                    }
                }
            }
        })
        .unwrap()
    }

    #[test]
    fn a_form_builder_gets_a_setter_per_field() {
        let form = json!({
            "schema": {
                "type": "object",
                "required": ["package", "policy"],
                "properties": {
                    "package": { "type": "string", "format": "binary", "description": "The package." },
                    "projectId": { "type": "string", "description": "Target project." },
                    "policy": { "$ref": "#/components/schemas/importPolicy" },
                    "bindings": { "type": "string", "default": "{}", "description": "Explicit bindings." },
                    "settings": { "type": "string", "description": "A JSON object of settings." },
                    "dryRun": { "type": "boolean", "default": false },
                    "limit": { "type": "integer" },
                    "ratio": { "type": "number" },
                    "extra": { "type": "object" },
                    "new": { "type": "string" }
                }
            },
            "encoding": { "package": { "contentType": "application/gzip" } }
        });
        let doc = json!({ "paths": { "/import": { "post": { "x-n8n-api-multipart": form } } } });
        let mut file = import_builder();
        let op = Operation {
            multipart: true,
            ..Operation::sample("importPackage", "post", "/import")
        };
        assert_eq!(super::apply(&mut file, &doc, &[op]).unwrap(), 1);
        let builder = super::super::syntax::module_ref(&file, "builder").unwrap();
        let syn::Item::Struct(s) = &builder[0] else { panic!() };
        let fields: Vec<String> = s.fields.iter().map(|f| f.ident.as_ref().unwrap().to_string()).collect();
        assert_eq!(fields, ["client", "form"]);
        let methods = super::super::syntax::builder_methods(&file, "ImportPackage");
        assert_eq!(
            methods,
            [
                "new",
                "package",
                "project_id",
                "policy",
                "bindings",
                "settings",
                "dry_run",
                "limit",
                "ratio",
                "extra",
                "new_",
                "send",
                "send_unmapped"
            ]
        );
        let out = prettyplease::unparse(&file);
        for expected in [
            "form: crate::multipart::Form::new()",
            "let Self { client, form } = self;",
            // A gzip'd file; a component enum; JSON in a string (by its default, by its words).
            "self.form.file(\"package\", value.into(), true);",
            "pub fn policy(mut self, value: types::ImportPolicy) -> Self",
            "self.form.json_text(\"policy\", &value);",
            "pub fn bindings<V: ::serde::Serialize + ?Sized>(mut self, value: &V) -> Self",
            "self.form.json(\"settings\", value);",
            "self.form.text(\"dryRun\", value.to_string());",
            "pub fn limit(mut self, value: i64) -> Self",
            "pub fn ratio(mut self, value: f64) -> Self",
            "self.form.json(\"extra\", value);",
            "/// Default (when not set): `false`.",
        ] {
            assert!(out.contains(expected), "no {expected:?} in\n{out}");
        }
        // The form is checked and attached right after the request is built.
        let request = out.find("let mut request").unwrap();
        let attach = out.find("form.attach(").expect("attached");
        assert!(out.contains("&[\"package\", \"policy\"]"), "the required fields");
        assert!(request < attach && attach < out.find("let info").unwrap());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn a_form_the_spec_does_not_describe_is_an_error() {
        let doc = json!({ "paths": { "/import": { "post": {} } } });
        let op = Operation {
            multipart: true,
            ..Operation::sample("importPackage", "post", "/import")
        };
        let err = super::apply(&mut import_builder(), &doc, &[op]).unwrap_err();
        assert!(err.to_string().contains("no multipart extension"), "{err}");
    }
}
