//! Pass `pagination`: a lazy item stream for every cursor-paginated list operation.
//!
//! An operation is paginated when it takes a `cursor` query parameter and its success body has
//! a `nextCursor` and a `data` array (detected from the spec, not listed by hand). Its builder
//! gains `stream()`, a `futures::Stream` of the `data` items of every page, fetched one page at a
//! time (see `crate::paginate`), and `collect_all()`.

use quote::format_ident;
use serde_json::Value;
use syn::visit::Visit;
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
    /// The builder's setter of the `cursor` parameter.
    pub cursor: String,
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
                cursor: cursor_setter(op)?.to_string(),
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
        cursor,
    } in plans
    {
        let cursor = format_ident!("{}", cursor);
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
                        |b, cursor| b.#cursor(cursor),
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
    let has_cursor = cursor_setter(op).is_some();
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

/// The setter of the operation's `cursor` query parameter (from the model's parameter table).
fn cursor_setter(op: &Operation) -> Option<&str> {
    op.params
        .iter()
        .find(|p| p.location == "query" && p.name == "cursor")
        .map(|p| p.setter.as_str())
}

/// `X` of `send(self) -> Result<ResponseValue<types::X>, _>`.
fn send_success_type(builder: &[Item], name: &str) -> Option<String> {
    builder.iter().find_map(|i| match i {
        Item::Impl(imp) if imp.trait_.is_none() && super::syntax::self_ident(&imp.self_ty).as_deref() == Some(name) => {
            imp.items.iter().find_map(|it| match it {
                ImplItem::Fn(f) if f.sig.ident == "send_with_response" => {
                    let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                        return None;
                    };
                    type_argument(ret, "ResponseValue").and_then(|body| plain_name(body, &["types"]))
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
            .and_then(|f| match &f.ty {
                syn::Type::Path(p) if is_path(&p.path, &["std", "vec", "Vec"]) => {
                    let item = type_argument(&f.ty, "Vec")?;
                    plain_name(item, &["super"]).or_else(|| plain_name(item, &[]))
                }
                _ => None,
            }),
        _ => None,
    })
}

/// The first type argument of the first `name<..>` in `ty` (`ResponseValue` of
/// `Result<ResponseValue<types::X>, E>`: `types::X`).
fn type_argument<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    struct Find<'a, 'n>(&'n str, Option<&'a syn::Type>);
    impl<'a> Visit<'a> for Find<'a, '_> {
        fn visit_path_segment(&mut self, segment: &'a syn::PathSegment) {
            if self.1.is_none()
                && segment.ident == self.0
                && let syn::PathArguments::AngleBracketed(args) = &segment.arguments
                && let Some(syn::GenericArgument::Type(ty)) = args.args.first()
            {
                self.1 = Some(ty);
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut find = Find(name, None);
    find.visit_type(ty);
    find.1
}

/// `X` of a type path `prefix::X` (`types::X` for `["types"]`, `X` for `[]`).
fn plain_name(ty: &syn::Type, prefix: &[&str]) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let segments: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
    let (name, modules) = segments.split_last()?;
    let prefixed = modules.len() == prefix.len()
        && modules
            .iter()
            .zip(prefix)
            .all(|(m, p)| m.ident == p && m.arguments.is_none());
    let plain = p.qself.is_none() && p.path.leading_colon.is_none() && name.arguments.is_none();
    (prefixed && plain).then(|| name.ident.to_string())
}

/// `path` is `::a::b::c` for `names` `[a, b, c]`.
fn is_path(path: &syn::Path, names: &[&str]) -> bool {
    path.leading_colon.is_some()
        && path.segments.len() == names.len()
        && path.segments.iter().zip(names).all(|(s, n)| s.ident == n)
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use serde_json::json;

    /// A list operation `id` answering `schema`, taking `parameters`.
    fn list(id: &str, parameters: serde_json::Value, schema: serde_json::Value) -> serde_json::Value {
        json!({
            "get": {
                "operationId": id,
                "tags": ["t"],
                "parameters": parameters,
                "responses": { "200": { "content": { "application/json": { "schema": schema } } } }
            }
        })
    }

    #[test]
    fn cursor_lists_stream_their_items() {
        let page = json!({ "$ref": "#/components/schemas/workflowList" });
        let doc = json!({
            "paths": {
                // A cursor and a `{data, nextCursor}` page (through references).
                "/workflows": list("getWorkflows", json!([{ "$ref": "#/components/parameters/cursor" }]), page.clone()),
                // No cursor parameter.
                "/tags": list("getTags", json!([{ "name": "limit", "in": "query" }]), page.clone()),
                // A cursor, but no `nextCursor` in the answer.
                "/users": list(
                    "getUsers",
                    json!([{ "name": "cursor", "in": "query" }]),
                    json!({ "type": "object", "properties": { "data": { "type": "array" } } }),
                ),
                // A `cursor` that is not a query parameter.
                "/projects": list("getProjects", json!([{ "name": "cursor", "in": "header" }]), page),
            },
            "components": {
                "parameters": { "cursor": { "name": "cursor", "in": "query" } },
                "schemas": {
                    "workflowList": {
                        "type": "object",
                        "properties": {
                            "data": { "type": "array", "items": { "type": "object" } },
                            "nextCursor": { "type": "string", "nullable": true }
                        }
                    }
                }
            }
        });
        let builder = |name: &str| {
            let name = quote::format_ident!("{name}");
            quote! {
                pub struct #name<'a> { client: &'a super::Client }
                impl<'a> #name<'a> {
                    pub fn cursor(mut self, value: &str) -> Self { todo!() }
                    pub async fn send(self) -> ::std::result::Result<types::WorkflowList, crate::Error> { todo!() }
                    pub async fn send_with_response(self) -> ::std::result::Result<ResponseValue<types::WorkflowList>, crate::Error> { todo!() }
                }
            }
        };
        let builders = ["GetWorkflows", "GetTags", "GetUsers", "GetProjects"].map(builder);
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct WorkflowList {
                    pub data: ::std::vec::Vec<Workflow>,
                    pub next_cursor: ::std::option::Option<::std::string::String>,
                }
                pub struct Workflow { pub id: ::std::string::String }
            }
            pub mod builder { #(#builders)* }
        })
        .unwrap();
        let ops = super::super::model::operations(&doc);
        let found = super::paginated(&file, &doc, &ops);
        assert_eq!(
            found,
            [super::Paginated {
                id: "getWorkflows".into(),
                builder: "GetWorkflows".into(),
                page: "WorkflowList".into(),
                item: "Workflow".into(),
                cursor: "cursor".into(),
            }]
        );
        assert_eq!(super::apply(&mut file, &doc, &ops), ["getWorkflows"]);
        assert_eq!(
            super::super::syntax::builder_methods(&file, "GetWorkflows"),
            ["cursor", "send", "send_with_response", "stream", "collect_all"]
        );
        for other in ["GetTags", "GetUsers", "GetProjects"] {
            assert_eq!(
                super::super::syntax::builder_methods(&file, other),
                ["cursor", "send", "send_with_response"],
                "{other}"
            );
        }
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
