//! Pass `error-display`: typed error bodies and the issues they list print as one readable line,
//! and the issues are one call away.
//!
//! `ErrorBody` (the typed body of an error status, see the `operations` pass) and the items of
//! the lists its bodies carry (a package import's blocking issues) get a `Display` through
//! `crate::support::describe` (n8n's `message` first, then the other members, `type: key=value`
//! for each issue; escaped and on one line, like every error text). For each list member that
//! bodies of several statuses share (`issues` of the import's 409 and 422), `crate::Error` gains
//! a method of that name answering the list whatever the status (`error.issues()`).

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::{Fields, Item, parse_quote};

use super::syntax::{first_type_argument, type_is, type_path, types_module};

/// What the pass added: `Display` impls, and the list accessors on `crate::Error`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Added {
    pub displays: usize,
    pub accessors: Vec<String>,
}

/// A variant whose body has a list member, and the variant's `#[cfg]`s.
type Holder = (syn::Ident, Vec<syn::Attribute>);

/// One `ErrorBody` variant: its name, the type it holds (aliases resolved) and its `#[cfg]`s.
struct Variant {
    name: syn::Ident,
    holds: String,
    cfg: Vec<syn::Attribute>,
}

pub(super) fn apply(file: &mut syn::File) -> Added {
    let mut added = Added::default();
    let Some(variants) = error_body_variants(file) else {
        return added;
    };
    let Some(types) = types_module(file) else { return added };
    let lists = listed_members(types, &variants);
    let impls = item_displays(types, &lists);
    added.displays += impls.len();
    types.extend(impls);
    file.items.push(error_body_display(&variants));
    added.displays += 1;
    for (member, (item, holders)) in lists.iter().filter(|(_, (_, h))| h.len() >= 2) {
        file.items.push(list_accessor(member, item, holders));
        added.accessors.push(member.clone());
    }
    added
}

/// List member of an error body -> (its item type, the variants whose bodies have it).
type Lists = BTreeMap<String, (String, Vec<Holder>)>;

/// The `Vec` members of the error bodies, by name, where every body has the same item type.
fn listed_members(types: &[Item], variants: &[Variant]) -> Lists {
    let aliases: BTreeMap<String, String> = types
        .iter()
        .filter_map(|i| match i {
            Item::Type(t) => Some((t.ident.to_string(), type_path(&t.ty)?.last()?.clone())),
            _ => None,
        })
        .collect();
    let resolve = |n: &str| {
        let mut n = n.to_string();
        while let Some(next) = aliases.get(&n) {
            n = next.clone();
        }
        n
    };
    let mut lists = Lists::new();
    for v in variants {
        let holds = resolve(&v.holds);
        let Some(Item::Struct(s)) = types.iter().find(|i| matches!(i, Item::Struct(s) if s.ident == holds)) else {
            continue;
        };
        let Fields::Named(fields) = &s.fields else { continue };
        for f in &fields.named {
            let item = first_type_argument(&f.ty)
                .filter(|_| type_is(&f.ty, &["std", "vec", "Vec"]))
                .and_then(type_path)
                .and_then(|p| p.last().cloned());
            if let (Some(item), Some(name)) = (item, &f.ident) {
                let entry = lists.entry(name.to_string()).or_insert((resolve(&item), Vec::new()));
                if entry.0 == resolve(&item) {
                    entry.1.push((v.name.clone(), v.cfg.clone()));
                }
            }
        }
    }
    lists
}

/// `Display` for each listed item type (an import issue), under its definition's gate.
fn item_displays(types: &[Item], lists: &Lists) -> Vec<Item> {
    let mut impls: Vec<Item> = Vec::new();
    let mut done = std::collections::BTreeSet::new();
    for (item, _) in lists.values() {
        if !done.insert(item.clone()) {
            continue;
        }
        let Some(def) = types.iter().find(|i| {
            matches!(i, Item::Struct(s) if s.ident == *item) || matches!(i, Item::Enum(e) if e.ident == *item)
        }) else {
            continue;
        };
        let cfg: Vec<syn::Attribute> = match def {
            Item::Struct(s) => s.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect(),
            Item::Enum(e) => e.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect(),
            _ => Vec::new(),
        };
        let ident = format_ident!("{item}");
        impls.push(parse_quote! {
            #(#cfg)*
            /// One line: the issue's kind, then what it names (`type: key=value, ...`).
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    crate::support::describe(self, f)
                }
            }
        });
    }
    impls
}

/// `Display` for `ErrorBody`: n8n's message, then what else the body says.
fn error_body_display(variants: &[Variant]) -> Item {
    let arms = variants.iter().map(|v| {
        let (name, cfg) = (&v.name, &v.cfg);
        quote!(#(#cfg)* ErrorBody::#name(body) => crate::support::describe(body, f),)
    });
    parse_quote! {
        /// n8n's message, then what else the body says, on one line.
        impl ::std::fmt::Display for ErrorBody {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(()),
                }
            }
        }
    }
}

/// `Error::<member>()`: the list whatever the status of the body that holds it.
fn list_accessor(member: &str, item: &str, holders: &[Holder]) -> Item {
    let method = format_ident!("{member}");
    let item_ty = format_ident!("{item}");
    let arms = holders
        .iter()
        .map(|(v, cfg)| quote!(#(#cfg)* ErrorBody::#v(body) => Some(body.#method.as_slice()),));
    let cfgs: Vec<&syn::Attribute> = holders.iter().flat_map(|(_, c)| c).collect();
    let gate = cfgs.first().map(|c| quote!(#c));
    let doc = format!(
        " The `{member}` n8n listed in the error's body, whatever its status ({}); `None` for other errors.",
        holders
            .iter()
            .map(|(v, _)| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    parse_quote! {
        #gate
        impl crate::Error {
            #[doc = #doc]
            pub fn #method(&self) -> ::std::option::Option<&[types::#item_ty]> {
                #[allow(unreachable_patterns)]
                match self.body()? {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    }
}

/// The variants of the top-level `enum ErrorBody` (as the `operations` pass writes it).
fn error_body_variants(file: &syn::File) -> Option<Vec<Variant>> {
    let body = file.items.iter().find_map(|i| match i {
        Item::Enum(e) if e.ident == "ErrorBody" => Some(e),
        _ => None,
    })?;
    Some(
        body.variants
            .iter()
            .filter_map(|v| {
                let Fields::Unnamed(f) = &v.fields else { return None };
                let holds = type_path(&f.unnamed.first()?.ty)?.last()?.clone();
                Some(Variant {
                    name: v.ident.clone(),
                    holds,
                    cfg: v.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn bodies_and_their_issues_print_and_the_issues_are_one_call_away() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[cfg(feature = "n8n-package")]
                pub struct ImportPackageConflict {
                    pub issues: ::std::vec::Vec<ImportBlockingIssue>,
                    pub message: ::std::string::String,
                }
                pub type ImportPackageUnprocessableEntity = ImportPackageConflict;
                #[cfg(feature = "n8n-package")]
                pub enum ImportBlockingIssue { WorkflowConflict { name: ::std::string::String } }
                pub struct Error { pub message: ::std::string::String }
            }
            pub enum ErrorBody {
                Error(types::Error),
                #[cfg(feature = "n8n-package")]
                ImportPackageConflict(types::ImportPackageConflict),
                #[cfg(feature = "n8n-package")]
                ImportPackageUnprocessableEntity(types::ImportPackageUnprocessableEntity),
            }
        })
        .unwrap();
        let added = super::apply(&mut file);
        assert_eq!(
            added,
            super::Added {
                displays: 2,
                accessors: vec!["issues".into()]
            }
        );
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
