//! Pass `prune-builders`: typify's struct builders only for types a request can carry.
//!
//! progenitor's builder interface makes typify emit a builder (`types::builder::X`) for every
//! struct: 453 of them for 2.40, half of the generated client's lines and compile time. Request
//! builders need them only for request bodies (`body_map`), and users only for what they send.
//! This pass keeps the builders of request body types (the items of a list body too: a list
//! setter takes them, `.body([CreateUserBodyItem::builder().email(..)])`) and of every type
//! reachable from them, and removes the rest (response-only types), with their `X::builder()`
//! constructors.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::{ImplItem, Item};

use super::syntax::module;
use super::syntax::types_module;

/// Every identifier in a token stream (recursively).
pub(super) fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Every `X` of a path `types::builder::X` in `items`.
fn builders_named(items: &[Item]) -> BTreeSet<String> {
    struct Find(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
            for w in segments.windows(3) {
                if w[0] == "types" && w[1] == "builder" {
                    self.0.insert(w[2].to_string());
                }
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut find = Find(BTreeSet::new());
    items.iter().for_each(|i| find.visit_item(i));
    find.0
}

/// Every `X` of `Vec<types::X>` in the `body` fields of the request builder structs: the items
/// of a list body, which progenitor takes as values, not through a builder.
fn list_body_items(items: &[Item]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        for f in s
            .fields
            .iter()
            .filter(|f| f.ident.as_ref().is_some_and(|i| i == "body"))
        {
            let mut find = VecItems(BTreeSet::new());
            find.visit_type(&f.ty);
            out.extend(find.0);
        }
    }
    out
}

struct VecItems(BTreeSet<String>);

impl<'ast> Visit<'ast> for VecItems {
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        if segment.ident == "Vec"
            && let syn::PathArguments::AngleBracketed(args) = &segment.arguments
            && let Some(syn::GenericArgument::Type(syn::Type::Path(item))) = args.args.first()
            && let [.., t, x] = item
                .path
                .segments
                .iter()
                .map(|s| &s.ident)
                .collect::<Vec<_>>()
                .as_slice()
            && *t == "types"
        {
            self.0.insert(x.to_string());
        }
        syn::visit::visit_path_segment(self, segment);
    }
}

/// Type name -> the type names its definition mentions (structs and enums of `types`).
pub(super) fn type_graph(types: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut graph = BTreeMap::new();
    for item in types {
        let (name, tokens) = match item {
            Item::Struct(s) => (s.ident.to_string(), s.fields.to_token_stream()),
            // Variant names are not types (a variant `Workflow` is not the struct `Workflow`).
            Item::Enum(e) => (
                e.ident.to_string(),
                e.variants.iter().map(|v| v.fields.to_token_stream()).collect(),
            ),
            _ => continue,
        };
        let mut refs = BTreeSet::new();
        idents(tokens, &mut refs);
        refs.retain(|r| names.contains(r) && *r != name);
        graph.insert(name, refs);
    }
    graph
}

/// `roots` and everything they reach in `graph`.
pub(super) fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone())
            && let Some(next) = graph.get(&n)
        {
            stack.extend(next.iter().cloned());
        }
    }
    seen
}

/// Returns how many builders were removed.
pub(super) fn apply(file: &mut syn::File) -> usize {
    // Roots: every `types::builder::X` the request builders mention.
    let Some(roots) = module(file, "builder").map(|items| {
        let mut roots = builders_named(items);
        roots.extend(list_body_items(items));
        roots
    }) else {
        return 0;
    };
    let Some(types) = types_module(file) else { return 0 };
    let keep = closure(&type_graph(types), roots);
    let mut removed = 0;
    types.retain(|item| match item {
        // `impl X { pub fn builder() -> builder::X }`
        Item::Impl(imp)
            if imp.trait_.is_none()
                && imp.items.len() == 1
                && matches!(&imp.items[0], ImplItem::Fn(f) if f.sig.ident == "builder") =>
        {
            super::syntax::self_ident(&imp.self_ty).is_some_and(|n| keep.contains(&n))
        }
        _ => true,
    });
    for item in types.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, items)) = m.content.as_mut() else { continue };
        let before = items.len();
        items.retain(|i| {
            let name = match i {
                Item::Struct(s) => Some(s.ident.to_string()),
                Item::Impl(imp) => super::syntax::self_ident(&imp.self_ty),
                _ => None,
            };
            name.is_none_or(|n| keep.contains(&n))
        });
        removed += before - items.len();
    }
    removed
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use quote::quote;
    use syn::Item;

    /// The names of typify's builder structs, and of the types with a `builder()` constructor.
    fn builders(file: &syn::File) -> (Vec<String>, Vec<String>) {
        let types = super::super::syntax::module_ref(file, "types").unwrap();
        let structs = types
            .iter()
            .find_map(|i| match i {
                Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
                _ => None,
            })
            .unwrap()
            .1
            .iter()
            .filter_map(|i| match i {
                Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect();
        let constructors = types
            .iter()
            .filter_map(|i| match i {
                Item::Impl(imp) if imp.trait_.is_none() => super::super::syntax::self_ident(&imp.self_ty),
                _ => None,
            })
            .collect();
        (structs, constructors)
    }

    #[test]
    fn builders_stay_for_what_a_request_carries() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct CreateBody { pub settings: Settings, pub tags: ::std::vec::Vec<Tag> }
                pub struct Settings { pub mode: Mode }
                pub enum Mode { Fast(Tuning), Slow }
                pub struct Tuning { pub level: i64 }
                pub struct Tag { pub name: ::std::string::String }
                pub struct Answer { pub tag: Tag, pub extra: Extra }
                pub struct Extra { pub note: ::std::string::String }
                pub struct Invite { pub email: ::std::string::String }
                impl Invite { pub fn builder() -> builder::Invite { Default::default() } }
                impl CreateBody { pub fn builder() -> builder::CreateBody { Default::default() } }
                impl Settings { pub fn builder() -> builder::Settings { Default::default() } }
                impl Tuning { pub fn builder() -> builder::Tuning { Default::default() } }
                impl Tag { pub fn builder() -> builder::Tag { Default::default() } }
                impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
                impl Extra { pub fn builder() -> builder::Extra { Default::default() } }
                impl ::std::fmt::Display for Extra {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() }
                }
                pub mod builder {
                    pub struct CreateBody { settings: ::std::result::Result<super::Settings, ::std::string::String> }
                    impl ::std::convert::TryFrom<CreateBody> for super::CreateBody {
                        type Error = super::error::ConversionError;
                        fn try_from(value: CreateBody) -> Result<Self, Self::Error> { todo!() }
                    }
                    pub struct Settings { mode: ::std::result::Result<super::Mode, ::std::string::String> }
                    pub struct Tuning { level: ::std::result::Result<i64, ::std::string::String> }
                    pub struct Tag { name: ::std::result::Result<::std::string::String, ::std::string::String> }
                    pub struct Answer { tag: ::std::result::Result<super::Tag, ::std::string::String> }
                    impl ::std::convert::From<super::Answer> for Answer {
                        fn from(value: super::Answer) -> Self { todo!() }
                    }
                    pub struct Extra { note: ::std::result::Result<::std::string::String, ::std::string::String> }
                    pub struct Invite { email: ::std::result::Result<::std::string::String, ::std::string::String> }
                }
            }
            pub mod builder {
                pub struct CreateThing<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::CreateBody, String>,
                }
                pub struct GetAnswer<'a> { client: &'a super::Client }
                // A list body: its items are values, and keep their builders.
                pub struct Invite<'a> {
                    client: &'a super::Client,
                    body: Result<::std::vec::Vec<types::Invite>, String>,
                }
                impl<'a> GetAnswer<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Answer>, Error<()>> { todo!() }
                }
            }
        })
        .unwrap();
        // The request body, what it reaches (through an enum's variant too); not what only an
        // answer carries.
        assert_eq!(super::apply(&mut file), 3, "Answer (struct and impl) and Extra");
        let (structs, constructors) = builders(&file);
        let kept = ["CreateBody", "Settings", "Tuning", "Tag", "Invite"]
            .map(String::from)
            .to_vec();
        assert_eq!(structs, ["CreateBody", "Settings", "Tuning", "Tag", "Invite"]);
        assert_eq!(
            constructors.iter().collect::<BTreeSet<_>>(),
            kept.iter().collect::<BTreeSet<_>>()
        );
        let out = prettyplease::unparse(&file);
        assert!(out.contains("impl ::std::fmt::Display for Extra"), "other impls stay");
        insta::assert_snapshot!(out);
    }
}
