//! Pass `pagination`: a lazy item stream for every cursor-paginated list operation.
//!
//! An operation is paginated when it takes a `cursor` query parameter and its success body has
//! a `nextCursor` and a `data` array (detected from the spec, not listed by hand). Its builder
//! gains `stream()`, a `futures::Stream` of the `data` items of every page, fetched one page at a
//! time (see `crate::paginate`), and `collect_all()`.

use quote::format_ident;
use serde_json::Value;
use syn::{ImplItem, Item, parse_quote};

use super::model::Operation;
use super::syntax::{module, module_ref};
use crate::openapi::{operations as raw_operations, resolve};

/// A cursor-paginated list operation, as the client generates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paginated {
    /// The operation's id (`getWorkflows`).
    pub id: String,
    /// Its request builder (`GetWorkflows`).
    pub builder: String,
    /// The page type its `send()` returns (`GetWorkflowsResponse`).
    pub page: String,
    /// The type of the items of the page's `data` (`Workflow`).
    pub item: String,
}

/// The paginated operations of `operations` (detected from the spec), with their page and item
/// types read from the client `file`. The `mock` pass serves these pages.
pub(super) fn paginated(file: &syn::File, doc: &Value, operations: &[Operation]) -> Vec<Paginated> {
    let (Some(builder), Some(types)) = (module_ref(file, "builder"), module_ref(file, "types")) else {
        return Vec::new();
    };
    operations
        .iter()
        .filter(|o| is_paginated(doc, o))
        .filter_map(|op| {
            let page = send_success_type(builder, &op.builder)?;
            let item = data_item_type(types, &page)?;
            Some(Paginated {
                id: op.id.clone(),
                builder: op.builder.clone(),
                page,
                item,
            })
        })
        .collect()
}

/// Adds the methods; returns the ids of the paginated operations.
pub(super) fn apply(file: &mut syn::File, doc: &Value, operations: &[Operation]) -> Vec<String> {
    let plans = paginated(file, doc, operations);
    let Some(builder_items) = module(file, "builder") else {
        return Vec::new();
    };
    let mut done = Vec::new();
    for Paginated {
        id,
        builder,
        page,
        item,
    } in plans
    {
        let Some(imp) = super::syntax::inherent_impl_mut(builder_items, &builder) else {
            continue;
        };
        let page = format_ident!("{}", page);
        let operation = id.as_str();
        let item_ty: syn::Type = syn::parse_str(&format!("types::{item}")).expect("a type path");
        let methods: [ImplItem; 2] = [
            parse_quote! {
                /// Every item of every page, fetched lazily one page at a time (set `limit` for
                /// the page size; n8n allows up to 250). Ends when n8n returns no `nextCursor`;
                /// a cursor n8n already sent in this list ends it with an error.
                pub fn stream(self) -> crate::paginate::Items<'a, #item_ty> {
                    crate::paginate::items(
                        #operation,
                        self,
                        |b, cursor| b.cursor(cursor),
                        |b| ::std::boxed::Box::pin(b.send()),
                        |page: types::#page| (page.data, page.next_cursor),
                    )
                }
            },
            parse_quote! {
                /// Every item of every page, collected (see [`Self::stream`]).
                pub async fn collect_all(self) -> ::std::result::Result<::std::vec::Vec<#item_ty>, crate::Error> {
                    crate::paginate::collect(self.stream()).await
                }
            },
        ];
        imp.items.extend(methods);
        done.push(id);
    }
    done
}

fn is_paginated(doc: &Value, op: &Operation) -> bool {
    let Some((_, _, raw)) = raw_operations(doc)
        .into_iter()
        .find(|(p, m, _)| *p == op.path && *m == op.method)
    else {
        return false;
    };
    let has_cursor = raw
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(doc, p))
        .any(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("name").and_then(Value::as_str) == Some("cursor")
        });
    let body = raw
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(s, _)| s.starts_with('2'))
        .filter_map(|(_, r)| resolve(doc, r))
        .filter_map(|r| r.pointer("/content/application~1json/schema"))
        .filter_map(|s| resolve(doc, s))
        .next();
    let props = body.and_then(|b| b.get("properties"));
    let data_is_array = props
        .and_then(|p| p.get("data"))
        .and_then(|d| resolve(doc, d))
        .is_some_and(|d| d.get("type").and_then(Value::as_str) == Some("array"));
    has_cursor && data_is_array && props.is_some_and(|p| p.get("nextCursor").is_some())
}

/// `X` of `send(self) -> Result<ResponseValue<types::X>, _>`.
fn send_success_type(builder: &[Item], name: &str) -> Option<String> {
    builder.iter().find_map(|i| match i {
        Item::Impl(imp) if imp.trait_.is_none() && super::syntax::self_ident(&imp.self_ty).as_deref() == Some(name) => {
            imp.items.iter().find_map(|it| match it {
                ImplItem::Fn(f) if f.sig.ident == "send" => {
                    let ret = quote::ToTokens::to_token_stream(&f.sig.output)
                        .to_string()
                        .replace(' ', "");
                    let inner = ret.split("ResponseValue<types::").nth(1)?;
                    let end = inner.find(|c: char| !c.is_alphanumeric() && c != '_')?;
                    Some(inner[..end].to_string())
                }
                _ => None,
            })
        }
        _ => None,
    })
}

/// The item type of the `data: Vec<Item>` field of struct `page`.
fn data_item_type(types: &[Item], page: &str) -> Option<String> {
    types.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == page => s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|n| n == "data"))
            .and_then(|f| {
                let ty = quote::ToTokens::to_token_stream(&f.ty).to_string().replace(' ', "");
                let inner = ty.strip_prefix("::std::vec::Vec<")?.strip_suffix('>')?;
                Some(inner.trim_start_matches("super::").to_string())
            }),
        _ => None,
    })
}
