//! The `Sample` impls of the mock crate: a minimal valid value of every client type a mock answers
//! with, from the type's schema.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Item, Type};

use super::read::{ErrorStatus, first_argument, last_ident};
use crate::generate::model::Operation;
use crate::openapi::resolve;

/// The schema of response `status` of `op` in the normalized spec.
pub(super) fn success_schema<'a>(doc: &'a Value, op: &Operation, status: u16) -> Option<&'a Value> {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    doc.pointer(&format!(
        "/paths/{path}/{}/responses/{status}/content/application~1json/schema",
        op.method
    ))
}

/// The schema of a typed error status of `op` (a component, per the `error-responses` rule).
pub(super) fn error_schema(op: &Operation, status: &ErrorStatus) -> Option<Value> {
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
pub(super) struct Samples<'a> {
    doc: &'a Value,
    types: &'a [Item],
    seen: std::collections::BTreeSet<String>,
    pub(super) impls: Vec<TokenStream>,
    pub(super) checks: Vec<TokenStream>,
}

impl<'a> Samples<'a> {
    pub(super) fn new(doc: &'a Value, types: &'a [Item]) -> Self {
        Samples {
            doc,
            types,
            seen: Default::default(),
            impls: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// The type `send()` returns (`types::X` or `Vec<types::X>`) and its schema.
    pub(super) fn add_response(&mut self, success: &Type, schema: Option<&Value>) {
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
    pub(super) fn add(&mut self, ty: &Type, schema: Option<&Value>) {
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
