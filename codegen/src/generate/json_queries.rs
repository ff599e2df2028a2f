//! Pass `json-queries`: a query parameter that carries a typed value's JSON takes the value.
//!
//! The `row-filters` rule gives every data-table operation that filters rows one filter type,
//! `types::DataTableRowFilter`, and marks the `filter` query parameters that carry its JSON
//! (the row list, the row delete). Their setters take a `String`; with `From<&DataTableRowFilter>
//! for String` they take `&filter` as well, sent as its JSON (and the body setters that take a
//! filter take `&filter` too, a copy). The filter also gets constructors a
//! person reaches for: `DataTableRowFilter::all([DataTableRowCondition::eq("status", "active")])`
//! (`any` for `or`, one constructor per comparison the spec names).

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use quote::format_ident;
use serde_json::Value;
use syn::{Fields, Item, parse_quote};

use super::syntax::types_module;
use crate::openapi::{JSON_OF_EXTENSION, rust_type_name};

/// What the pass added: the types that became query values, and whether the row-filter
/// constructors were written.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Added {
    pub json_of: Vec<String>,
    pub constructors: bool,
}

pub(super) fn apply(file: &mut syn::File, doc: &Value) -> Added {
    let mut added = Added::default();
    let marked = marked_types(doc);
    let Some(types) = types_module(file) else { return added };
    for name in &marked {
        let Some(cfg) = cfg_of(types, name) else { continue };
        let ident = format_ident!("{name}");
        types.push(parse_quote! {
            #(#cfg)*
            /// Its JSON, as the query parameters that take one carry it (`.filter(&filter)`).
            impl ::std::convert::From<&#ident> for ::std::string::String {
                fn from(value: &#ident) -> Self {
                    ::serde_json::to_string(value).unwrap_or_default()
                }
            }
        });
        types.push(parse_quote! {
            #(#cfg)*
            /// A copy, so that the body setters that take one take `&filter` too, as the queries do.
            impl ::std::convert::From<&#ident> for #ident {
                fn from(value: &#ident) -> Self {
                    ::std::clone::Clone::clone(value)
                }
            }
        });
        added.json_of.push(name.clone());
    }
    added.constructors = row_filter_constructors(types);
    added
}

/// The Rust names of the types the spec's marked query parameters carry.
fn marked_types(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, _, op) in crate::openapi::operations(doc) {
        for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let p = crate::openapi::resolve(doc, p).unwrap_or(p);
            if let Some(of) = p
                .pointer(&format!("/schema/{JSON_OF_EXTENSION}"))
                .and_then(Value::as_str)
            {
                out.insert(rust_type_name(of));
            }
        }
    }
    out
}

/// The `#[cfg]`s of the struct named `name`, if the types module defines it.
fn cfg_of(types: &[Item], name: &str) -> Option<Vec<syn::Attribute>> {
    types.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == name => {
            Some(s.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect())
        }
        _ => None,
    })
}

fn field_names(types: &[Item], name: &str) -> Option<BTreeSet<String>> {
    types.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == name => match &s.fields {
            Fields::Named(f) => Some(
                f.named
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    })
}

fn variants(types: &[Item], name: &str) -> Option<Vec<syn::Ident>> {
    types.iter().find_map(|i| match i {
        Item::Enum(e) if e.ident == name => Some(
            e.variants
                .iter()
                .filter(|v| matches!(v.fields, Fields::Unit))
                .map(|v| v.ident.clone())
                .collect(),
        ),
        _ => None,
    })
}

/// `DataTableRowFilter::all/any` and `DataTableRowCondition::<comparison>`, when the types have
/// the shape `row-filters` gives them.
fn row_filter_constructors(types: &mut Vec<Item>) -> bool {
    let want = |fields: &[&str]| fields.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let filter_ok = field_names(types, "DataTableRowFilter") == Some(want(&["filters", "type_"]));
    let condition_ok =
        field_names(types, "DataTableRowCondition") == Some(want(&["column_name", "condition", "value"]));
    let joins = variants(types, "DataTableRowJoin").unwrap_or_default();
    let comparisons = variants(types, "DataTableRowComparison").unwrap_or_default();
    let has = |v: &[syn::Ident], n: &str| v.iter().any(|i| i == n);
    if !(filter_ok && condition_ok && has(&joins, "And") && has(&joins, "Or") && !comparisons.is_empty()) {
        return false;
    }
    let cfg = cfg_of(types, "DataTableRowFilter").unwrap_or_default();
    let constructors = comparisons.iter().map(|v| {
        let f = format_ident!("{}", v.to_string().to_snake_case());
        let doc = format!(" Rows whose `column` is `{}` `value`.", v.to_string().to_snake_case());
        quote::quote! {
            #[doc = #doc]
            pub fn #f(column: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::serde_json::Value>) -> Self {
                Self::new(column, DataTableRowComparison::#v, value)
            }
        }
    });
    types.push(parse_quote! {
        #(#cfg)*
        impl DataTableRowFilter {
            /// Rows for which every condition holds.
            pub fn all(conditions: impl ::std::iter::IntoIterator<Item = DataTableRowCondition>) -> Self {
                Self { filters: conditions.into_iter().collect(), type_: Some(DataTableRowJoin::And) }
            }
            /// Rows for which at least one condition holds.
            pub fn any(conditions: impl ::std::iter::IntoIterator<Item = DataTableRowCondition>) -> Self {
                Self { filters: conditions.into_iter().collect(), type_: Some(DataTableRowJoin::Or) }
            }
        }
    });
    types.push(parse_quote! {
        #(#cfg)*
        impl DataTableRowCondition {
            /// Rows whose `column` compares with `value` by `comparison`.
            pub fn new(
                column: impl ::std::convert::Into<::std::string::String>,
                comparison: DataTableRowComparison,
                value: impl ::std::convert::Into<::serde_json::Value>,
            ) -> Self {
                Self { column_name: column.into(), condition: comparison, value: value.into() }
            }
            #(#constructors)*
        }
    });
    true
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use serde_json::json;

    #[test]
    fn marked_queries_take_the_value_and_filters_have_constructors() {
        let doc = json!({ "paths": { "/rows": { "get": { "parameters": [
            { "name": "filter", "in": "query", "schema": { "type": "string", "x-n8n-api-json-of": "dataTableRowFilter" } }
        ] } } } });
        let mut file = super::super::syntax::types_file(quote! {
            pub struct DataTableRowFilter {
                pub filters: ::std::vec::Vec<DataTableRowCondition>,
                pub type_: ::std::option::Option<DataTableRowJoin>,
            }
            pub struct DataTableRowCondition {
                pub column_name: ::std::string::String,
                pub condition: DataTableRowComparison,
                pub value: ::serde_json::Value,
            }
            pub enum DataTableRowJoin { And, Or, Unrecognized(::std::string::String) }
            pub enum DataTableRowComparison { Eq, Gte, Unrecognized(::std::string::String) }
        });
        let added = super::apply(&mut file, &doc);
        assert_eq!(
            added,
            super::Added {
                json_of: vec!["DataTableRowFilter".into()],
                constructors: true
            }
        );
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
