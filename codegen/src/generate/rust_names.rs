//! Pass `rust-names`: builders are named as builders and messages name types as a person writes
//! them.
//!
//! typify names a struct's builder after the struct (`types::builder::CreateWorkflowBody` builds
//! `types::CreateWorkflowBody`), so rustdoc shows `impl From<CreateWorkflowBody> for
//! CreateWorkflowBody` and an error naming one reads as the other. Every builder (and builder
//! alias) gets the `Builder` suffix: `types::builder::CreateWorkflowBodyBuilder`, still made by
//! `CreateWorkflowBody::builder()`. progenitor's conversion messages quote the token text of a
//! type (``conversion to `:: std :: vec :: Vec < UpdateWorkflowTagsBodyItem >` for body
//! failed``); they quote it as Rust is written (`Vec<UpdateWorkflowTagsBodyItem>`).

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{Item, LitStr};

use super::syntax::types_module;

/// What the pass renamed: builders, and messages.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Renamed {
    pub builders: usize,
    pub messages: usize,
}

pub(super) fn apply(file: &mut syn::File) -> Renamed {
    let mut renamed = Renamed::default();
    let names = types_module(file)
        .map(|t| super::syntax::builder_names(t))
        .unwrap_or_default();
    renamed.builders = names.len();
    if !names.is_empty() {
        // Inside the builder module a bare name is a builder; elsewhere `builder::X` is.
        if let Some(types) = types_module(file) {
            for item in types.iter_mut() {
                match item {
                    Item::Mod(m) if m.ident == "builder" => {
                        for inner in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                            Inside { names: &names }.visit_item_mut(inner);
                        }
                    }
                    other => Outside {
                        names: &names,
                        top_level: false,
                    }
                    .visit_item_mut(other),
                }
            }
        }
        for item in file.items.iter_mut() {
            if !matches!(item, Item::Mod(m) if m.ident == "types") {
                Outside {
                    names: &names,
                    top_level: true,
                }
                .visit_item_mut(item);
            }
        }
    }
    let mut messages = Messages(0);
    messages.visit_file_mut(file);
    renamed.messages = messages.0;
    renamed
}

fn suffixed(ident: &syn::Ident) -> syn::Ident {
    syn::Ident::new(&format!("{ident}Builder"), ident.span())
}

/// In `types::builder`: definitions and bare paths of builders (`super::X` is the type).
struct Inside<'a> {
    names: &'a BTreeSet<String>,
}

impl VisitMut for Inside<'_> {
    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        if self.names.contains(&s.ident.to_string()) {
            s.ident = suffixed(&s.ident);
        }
        syn::visit_mut::visit_item_struct_mut(self, s);
    }

    fn visit_item_type_mut(&mut self, t: &mut syn::ItemType) {
        if self.names.contains(&t.ident.to_string()) {
            t.ident = suffixed(&t.ident);
        }
        syn::visit_mut::visit_item_type_mut(self, t);
    }

    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        if p.leading_colon.is_none() && p.segments.len() == 1 && self.names.contains(&p.segments[0].ident.to_string()) {
            p.segments[0].ident = suffixed(&p.segments[0].ident);
        }
        syn::visit_mut::visit_path_mut(self, p);
    }
}

/// Outside `types::builder`: in `types`, `builder::X`; outside `types`, `types::builder::X` (a
/// bare `builder::X` there is a request builder, progenitor's: `builder::Pull` for the `pull`
/// operation beside a `types::Pull` schema).
struct Outside<'a> {
    names: &'a BTreeSet<String>,
    top_level: bool,
}

impl VisitMut for Outside<'_> {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        let n = p.segments.len();
        let in_types = !self.top_level || (n >= 3 && p.segments[n - 3].ident == "types");
        if n >= 2
            && in_types
            && p.segments[n - 2].ident == "builder"
            && self.names.contains(&p.segments[n - 1].ident.to_string())
        {
            p.segments[n - 1].ident = suffixed(&p.segments[n - 1].ident);
        }
        syn::visit_mut::visit_path_mut(self, p);
    }
}

/// `conversion to `:: std :: vec :: Vec < X >` for body failed` -> `conversion to `Vec<X>` ...`.
struct Messages(usize);

impl VisitMut for Messages {
    fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
        let value = lit.value();
        if let Some(rest) = value.strip_prefix("conversion to `")
            && let Some((ty, tail)) = rest.split_once('`')
        {
            let pretty = readable_type(ty);
            if pretty != ty {
                *lit = LitStr::new(&format!("conversion to `{pretty}`{tail}"), lit.span());
                self.0 += 1;
            }
        }
    }
}

/// `:: std :: vec :: Vec < types :: X >` -> `Vec<X>`.
fn readable_type(tokens: &str) -> String {
    let mut s: String = tokens.split_whitespace().collect();
    for prefix in [
        "::std::vec::",
        "::std::string::",
        "::std::option::",
        "::std::collections::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "super::",
        "types::",
    ] {
        s = s.replace(prefix, "");
    }
    s.replace(',', ", ")
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn builders_are_builders_and_messages_read_as_rust() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct Node { pub name: String }
                impl Node {
                    pub fn builder() -> builder::Node { Default::default() }
                }
                pub mod builder {
                    pub struct Node { name: Result<String, String> }
                    pub type Item = Node;
                    impl Default for Node { fn default() -> Self { todo!() } }
                    impl std::convert::TryFrom<Node> for super::Node {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Node) -> Result<Self, Self::Error> { todo!() }
                    }
                    impl From<super::Node> for Node { fn from(value: super::Node) -> Self { todo!() } }
                }
            }
            pub trait ClientExt {
                /// A request builder named like a schema (`node` beside `types::Node`).
                fn node(&self) -> builder::Node<'_>;
            }
            pub mod builder {
                pub struct Node<'a> { client: &'a () }
                pub struct CreateWorkflow<'a> { body: Result<types::builder::Node, String> }
                impl<'a> CreateWorkflow<'a> {
                    pub fn body<V>(mut self, value: V) -> Self where V: TryInto<types::Node> {
                        self.body = value.try_into().map_err(|_| "conversion to `:: std :: vec :: Vec < types :: Node >` for body failed".to_string());
                        self
                    }
                }
            }
        })
        .unwrap();
        let renamed = super::apply(&mut file);
        assert_eq!(
            renamed,
            super::Renamed {
                builders: 2,
                messages: 1
            }
        );
        let out = prettyplease::unparse(&file);
        assert!(out.contains("pub fn builder() -> builder::NodeBuilder"), "{out}");
        assert!(out.contains("TryFrom<NodeBuilder> for super::Node"), "{out}");
        assert!(
            out.contains("fn node(&self) -> builder::Node<'_>"),
            "a request builder keeps its name: {out}"
        );
        assert!(out.contains("pub struct Node<'a>"), "{out}");
        assert!(out.contains("Result<types::builder::NodeBuilder, String>"), "{out}");
        insta::assert_snapshot!(out);
    }
}
