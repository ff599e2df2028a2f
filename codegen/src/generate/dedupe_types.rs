//! Pass `dedupe-types`: one definition per distinct type shape; the other names become aliases.
//!
//! n8n's spec repeats the same inline schemas across operations (a workflow's nodes appear in a
//! dozen request and response bodies; an id string with `minLength: 1` in 80 places). typify names
//! each occurrence after where it sits and emits a separate struct or enum with its own serde
//! impls: 895 types for 2.40, of only ~360 distinct shapes. That costs every user compile time.
//!
//! Types whose definitions and impls are identical up to their own name (docs aside) collapse to
//! one definition; every other name stays, as `pub type Name = Canonical;`, so no name of the API
//! goes away. Merging repeats until nothing changes (parents of merged types become identical in
//! turn). The canonical name is a component schema's when the group has one, else the shortest.
//!
//! A canonical name taken from one member misleads about the others (`CreateWorkflowBody...
//! ErrorExecution` for a success setting too). So the definition is named after what all the
//! members' names share, in order (`CreateWorkflowBodySettingsSaveDataErrorExecution` and
//! `UpdateWorkflowBodySettingsSaveDataSuccessExecution` -> `WorkflowBodySettingsSaveDataExecution`)
//! when that is at least two words, not only generic ones, ends as some member's name ends, and
//! is free; the old canonical name
//! becomes one more alias. Where members document themselves differently, the definition keeps
//! none of their descriptions (it lists its names instead).
//!
//! Across resources, shapes merge only under a name their names share (`TransferWorkflowBody`
//! and `TransferCredentialBody` -> `TransferBody`): names that no tag feature reaches in common
//! and that share no name (a tag's `{name}` body and a data table's rename) stay apart, each
//! named after its own operations, so no type is named or documented after an unrelated
//! resource, and a release that changes one resource's shape renames nothing of another's.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Item, parse_quote};

use super::syntax::{doc_text, pascal_words, types_module};

/// Type name -> the tag features whose operations reach it (see [`super::features`]).
pub(super) type Reach = BTreeMap<String, BTreeSet<String>>;

/// Returns how many definitions became aliases.
pub(super) fn apply(file: &mut syn::File, components: &BTreeSet<String>, reach: &Reach) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let defined: BTreeSet<String> = types.iter().filter_map(def_name).collect();
    let alias = aliases(types, &defined, components, reach);
    if alias.is_empty() {
        return 0;
    }
    let neutral = neutral_names(types, &alias, &defined, components);
    rewrite(types, &alias, &neutral);
    dedupe_builders(types, &alias, &neutral);
    alias.len()
}

/// Name -> canonical name, for every name whose definition and impls are identical to another's
/// (up to names and docs), merging until nothing changes: parents of merged types become
/// identical in turn.
fn aliases(
    types: &[Item],
    defined: &BTreeSet<String>,
    components: &BTreeSet<String>,
    reach: &Reach,
) -> BTreeMap<String, String> {
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let resolve = |n: &str| alias.get(n).cloned().unwrap_or_else(|| n.to_string());
        // Impl headers mention the types they belong to.
        let mut impls_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for item in types.iter() {
            if let Item::Impl(imp) = item {
                let header = impl_header(imp);
                let mut names = BTreeSet::new();
                idents_in(header.clone(), &mut |i| {
                    if defined.contains(i) && !alias.contains_key(i) {
                        names.insert(i.to_string());
                    }
                });
                for n in names {
                    impls_of
                        .entry(n.clone())
                        .or_default()
                        .push(form(imp.to_token_stream(), &n, defined, &resolve));
                }
            }
        }
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for item in types.iter() {
            let Some(name) = def_name(item) else { continue };
            if alias.contains_key(&name) {
                continue;
            }
            let mut key = form(strip_docs(item), &name, defined, &resolve);
            let mut impls = impls_of.remove(&name).unwrap_or_default();
            impls.sort();
            for i in impls {
                key.push('\n');
                key.push_str(&i);
            }
            groups.entry(key).or_default().push(name);
        }
        let mut merged = false;
        let taken: BTreeSet<String> = defined.union(components).cloned().collect();
        let named_apart = |m: Vec<String>| {
            let names: Vec<&str> = m.iter().map(String::as_str).collect();
            if shared_name(&names, &taken).is_some() {
                vec![m]
            } else {
                by_resource(m, reach)
            }
        };
        let groups = groups.into_values().filter(|m| m.len() > 1).flat_map(named_apart);
        for members in groups.filter(|m| m.len() > 1) {
            let canonical = members
                .iter()
                .min_by_key(|n| (!components.contains(*n), n.len(), (*n).clone()))
                .cloned()
                .expect("a group has members");
            for m in members.into_iter().filter(|m| *m != canonical) {
                alias.insert(m, canonical.clone());
                merged = true;
            }
        }
        if !merged {
            return alias;
        }
        // Chains: point every alias at its final canonical name.
        let snapshot = alias.clone();
        for target in alias.values_mut() {
            while let Some(next) = snapshot.get(target.as_str()) {
                *target = next.clone();
            }
        }
    }
}

/// Splits a group of identical shapes into the sets that share a resource: members are joined
/// when some tag feature reaches both (transitively). Names no feature reaches yet (types a later
/// pass puts to use) join only each other.
fn by_resource(members: Vec<String>, reach: &Reach) -> Vec<Vec<String>> {
    let mut parts: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for m in members {
        let tags = reach.get(&m).cloned().unwrap_or_default();
        let touching: Vec<usize> = (0..parts.len())
            .filter(|&i| parts[i].0 == tags || !parts[i].0.is_disjoint(&tags))
            .collect();
        let mut joined = (tags, vec![m]);
        for i in touching.into_iter().rev() {
            let (t, ms) = parts.remove(i);
            joined.0.extend(t);
            joined.1.splice(0..0, ms);
        }
        parts.push(joined);
    }
    parts.into_iter().map(|(_, ms)| ms).collect()
}

/// Definitions of aliased names become `pub type`s (their impls go); definitions that get a
/// neutral name are renamed, their old name kept as an alias.
fn rewrite(types: &mut Vec<Item>, alias: &BTreeMap<String, String>, neutral: &BTreeMap<String, Neutral>) {
    let mut out = Vec::with_capacity(types.len());
    for item in types.drain(..) {
        match &item {
            Item::Impl(imp) => {
                let mut mentions_alias = false;
                idents_in(impl_header(imp), &mut |i| mentions_alias |= alias.contains_key(i));
                if !mentions_alias {
                    out.push(renamed_in(item, neutral));
                }
            }
            _ => match def_name(&item).and_then(|n| alias.get(&n).map(|c| (n, c.clone()))) {
                Some((name, canonical)) => out.push(alias_item(&item, &name, &canonical, neutral)),
                None => match def_name(&item).and_then(|n| neutral.get(&n).map(|r| (n, r))) {
                    Some((old, renamed)) => {
                        let (new_item, old_alias) = rename_definition(item, &old, renamed);
                        out.push(new_item);
                        out.extend(old_alias);
                    }
                    None => out.push(item),
                },
            },
        }
    }
    *types = out;
}

/// `pub type <name> = <canonical>;` with the definition's docs and a note.
fn alias_item(item: &Item, name: &str, canonical: &str, neutral: &BTreeMap<String, Neutral>) -> Item {
    let docs: Vec<&syn::Attribute> = attrs(item).iter().filter(|a| a.path().is_ident("doc")).collect();
    let ident = Ident::new(name, proc_macro2::Span::call_site());
    let canonical = neutral
        .get(canonical)
        .and_then(|n| n.name.clone())
        .unwrap_or_else(|| canonical.to_string());
    let target = Ident::new(&canonical, proc_macro2::Span::call_site());
    let note = format!(" The same type as [`{canonical}`] (the spec repeats this schema).");
    let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    parse_quote! {
        #(#docs)*
        #gap
        #[doc = #note]
        pub type #ident = #target;
    }
}

/// typify's builders follow their types: an alias's builder becomes an alias of the canonical
/// builder (so `X::builder()` and `types::builder::X` name one builder), and a renamed
/// definition's builder takes the new name.
fn dedupe_builders(types: &mut [Item], alias: &BTreeMap<String, String>, neutral: &BTreeMap<String, Neutral>) {
    let Some(builder) = types.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return;
    };
    let final_name = |canonical: &str| {
        neutral
            .get(canonical)
            .and_then(|n| n.name.clone())
            .unwrap_or_else(|| canonical.to_string())
    };
    let mut out = Vec::with_capacity(builder.len());
    for mut item in builder.drain(..) {
        match &mut item {
            Item::Impl(imp) => {
                let mut mentions_alias = false;
                idents_in(impl_header(imp), &mut |i| mentions_alias |= alias.contains_key(i));
                if !mentions_alias {
                    out.push(renamed_in(item, neutral));
                }
            }
            Item::Struct(s) => {
                let name = s.ident.to_string();
                if let Some(canonical) = alias.get(&name) {
                    let (ident, target) = (s.ident.clone(), Ident::new(&final_name(canonical), s.ident.span()));
                    out.push(parse_quote!(pub type #ident = #target;));
                } else if let Some(new) = neutral.get(&name).and_then(|n| n.name.clone()) {
                    let old = s.ident.clone();
                    s.ident = Ident::new(&new, old.span());
                    let new_ident = s.ident.clone();
                    out.push(item);
                    out.push(parse_quote!(pub type #old = #new_ident;));
                } else {
                    out.push(item);
                }
            }
            _ => out.push(item),
        }
    }
    *builder = out;
}

/// An impl of a renamed definition, naming it by its new name (its old name is an alias with
/// the reach, and so the cargo features, of the member it came from).
fn renamed_in(mut item: Item, neutral: &BTreeMap<String, Neutral>) -> Item {
    struct V<'a>(&'a BTreeMap<String, Neutral>);
    impl syn::visit_mut::VisitMut for V<'_> {
        fn visit_ident_mut(&mut self, i: &mut Ident) {
            if let Some(new) = self.0.get(&i.to_string()).and_then(|n| n.name.as_ref()) {
                *i = Ident::new(new, i.span());
            }
        }
    }
    syn::visit_mut::VisitMut::visit_item_mut(&mut V(neutral), &mut item);
    item
}

/// What the pass does to a canonical definition: its new name (if any) and its new docs.
struct Neutral {
    name: Option<String>,
    /// Replaces the definition's docs when the members' own docs disagree.
    docs: Option<String>,
}

/// Neutral names and docs for the canonical definitions of `alias` (see the module docs).
fn neutral_names(
    types: &[Item],
    alias: &BTreeMap<String, String>,
    defined: &BTreeSet<String>,
    components: &BTreeSet<String>,
) -> BTreeMap<String, Neutral> {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (member, canonical) in alias {
        groups
            .entry(canonical.as_str())
            .or_insert_with(|| vec![canonical.as_str()])
            .push(member.as_str());
    }
    let docs_of: BTreeMap<String, String> = types
        .iter()
        .filter_map(|i| Some((def_name(i)?, doc_text(attrs(i)))))
        .collect();
    let mut taken: BTreeSet<String> = defined.clone();
    taken.extend(components.iter().cloned());
    let mut out = BTreeMap::new();
    for (canonical, members) in groups {
        let shared = shared_name(&members, &taken);
        let name = shared.inspect(|name| {
            taken.insert(name.clone());
        });
        // Descriptions (typify's first doc line is the type's own name: not a description).
        let described: BTreeSet<String> = members
            .iter()
            .filter_map(|m| docs_of.get(*m))
            .map(|d| d.lines().skip(1).collect::<Vec<_>>().join("\n").trim().to_string())
            .collect();
        let docs = (described.len() > 1 || name.is_some()).then(|| {
            let mut names: Vec<&str> = members.clone();
            names.sort_unstable();
            format!(
                " One shape the spec repeats, under these names: {}.",
                names.iter().map(|n| format!("[`{n}`]")).collect::<Vec<_>>().join(", ")
            )
        });
        if name.is_some() || docs.is_some() {
            out.insert(canonical.to_string(), Neutral { name, docs });
        }
    }
    out
}

/// The name of what all `members`' names share, in order (see the module docs), when it says
/// what kind of thing they are and is not `taken`.
fn shared_name(members: &[&str], taken: &BTreeSet<String>) -> Option<String> {
    let words: Vec<Vec<String>> = members.iter().map(|m| pascal_words(m)).collect();
    let shared = words
        .iter()
        .skip(1)
        .fold(words.first()?.clone(), |acc, w| common_subsequence(&acc, w));
    let name = shared.concat();
    // It must say what kind of thing it is, as the members' names end (not `ImportPackage`
    // for `ImportPackageConflict` and `ImportPackageUnprocessableEntity`).
    let kind = shared
        .last()
        .is_some_and(|last| words.iter().any(|w| w.last() == Some(last)));
    let usable =
        shared.len() >= 2 && kind && !shared.iter().all(|w| GENERIC.contains(&w.as_str())) && !taken.contains(&name);
    usable.then_some(name)
}

/// Words that say nothing about a type on their own.
const GENERIC: &[&str] = &[
    "Body", "Request", "Response", "Item", "Items", "Type", "Data", "Value", "Inner",
];

/// The longest common subsequence of two word lists.
fn common_subsequence(a: &[String], b: &[String]) -> Vec<String> {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i].clone());
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The definition under its neutral name and docs, and an alias keeping its old name.
fn rename_definition(mut item: Item, old: &str, neutral: &Neutral) -> (Item, Option<Item>) {
    let new_name = neutral.name.clone().unwrap_or_else(|| old.to_string());
    let new_ident = Ident::new(&new_name, proc_macro2::Span::call_site());
    let item_attrs = match &mut item {
        Item::Struct(s) => {
            s.ident = new_ident.clone();
            &mut s.attrs
        }
        Item::Enum(e) => {
            e.ident = new_ident.clone();
            &mut e.attrs
        }
        _ => unreachable!("only structs and enums are deduplicated"),
    };
    // The old name keeps its own description, on its alias.
    let own_docs: Vec<syn::Attribute> = item_attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    if let Some(docs) = &neutral.docs {
        item_attrs.retain(|a| !a.path().is_ident("doc"));
        let title = format!("`{new_name}`");
        item_attrs.insert(0, parse_quote!(#[doc = #title]));
        item_attrs.insert(1, parse_quote!(#[doc = ""]));
        item_attrs.insert(2, parse_quote!(#[doc = #docs]));
    }
    let old_ident = Ident::new(old, proc_macro2::Span::call_site());
    let note = format!(" The same type as [`{new_name}`] (the spec repeats this schema).");
    let gap = (!own_docs.is_empty()).then(|| quote!(#[doc = ""]));
    let alias = neutral.name.is_some().then(|| {
        parse_quote! {
            #(#own_docs)*
            #gap
            #[doc = #note]
            pub type #old_ident = #new_ident;
        }
    });
    (item, alias)
}

fn def_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

fn attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Struct(s) => &s.attrs,
        Item::Enum(e) => &e.attrs,
        _ => &[],
    }
}

/// The item without any doc attribute (on it, its fields or its variants).
fn strip_docs(item: &Item) -> TokenStream {
    let mut item = item.clone();
    struct V;
    impl syn::visit_mut::VisitMut for V {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
    syn::visit_mut::VisitMut::visit_item_mut(&mut V, &mut item);
    item.to_token_stream()
}

/// `impl<..> Trait<..> for Type` without the body.
fn impl_header(imp: &syn::ItemImpl) -> TokenStream {
    let self_ty = &imp.self_ty;
    let tr = imp.trait_.as_ref().map(|(p, _)| quote!(#p for));
    quote!(#tr #self_ty)
}

fn idents_in(tokens: TokenStream, f: &mut impl FnMut(&str)) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => f(&i.to_string()),
            TokenTree::Group(g) => idents_in(g.stream(), f),
            _ => {}
        }
    }
}

/// A comparable text of `tokens`: `own` becomes `Self_`, other type names their canonical name,
/// and doc comments are dropped.
fn form(tokens: TokenStream, own: &str, defined: &BTreeSet<String>, resolve: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    write_form(tokens, own, defined, resolve, &mut out);
    out
}

fn write_form(
    tokens: TokenStream,
    own: &str,
    defined: &BTreeSet<String>,
    resolve: &impl Fn(&str) -> String,
    out: &mut String,
) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if s == own {
                    out.push_str("Self_");
                } else if defined.contains(&s) {
                    let r = resolve(&s);
                    out.push_str(if r == own { "Self_" } else { &r });
                } else {
                    out.push_str(&s);
                }
                out.push(' ');
            }
            TokenTree::Group(g) => {
                // Skip `#[doc = ...]` attributes.
                if g.delimiter() == proc_macro2::Delimiter::Bracket
                    && g.stream()
                        .into_iter()
                        .next()
                        .is_some_and(|f| matches!(f, TokenTree::Ident(ref i) if i == "doc"))
                    && out.ends_with("# ")
                {
                    out.truncate(out.len() - 2);
                    continue;
                }
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_form(g.stream(), own, defined, resolve, out);
                out.push_str(close);
            }
            TokenTree::Punct(p) => out.push(p.as_char()),
            TokenTree::Literal(l) => {
                out.push_str(&l.to_string());
                out.push(' ');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn run(tokens: proc_macro2::TokenStream) -> String {
        let mut file = super::super::syntax::types_file(tokens);
        let components = ["Node".to_string()].into_iter().collect();
        super::apply(&mut file, &components, &Default::default());
        prettyplease::unparse(&file)
    }

    #[test]
    fn identical_shapes_collapse_to_aliases_and_parents_follow() {
        let out = run(quote! {
            /// A node in a request.
            pub struct CreateBodyNodesItem { pub name: String, pub tag: CreateBodyNodesItemTag }
            pub struct CreateBodyNodesItemTag { pub id: String }
            impl ::std::convert::From<&CreateBodyNodesItem> for CreateBodyNodesItem { fn from(v: &CreateBodyNodesItem) -> Self { todo!() } }
            /// A node.
            pub struct Node { pub name: String, pub tag: NodeTag }
            pub struct NodeTag { pub id: String }
            impl ::std::convert::From<&Node> for Node { fn from(v: &Node) -> Self { todo!() } }
            pub struct Different { pub name: u32 }
        });
        insta::assert_snapshot!(out);
        assert!(out.contains("pub type CreateBodyNodesItem = Node;"), "{out}");
        assert!(out.contains("pub type CreateBodyNodesItemTag = NodeTag;"), "{out}");
        assert_eq!(out.matches("impl ::std::convert::From").count(), 1, "{out}");
        assert!(out.contains("pub struct Different"));
    }
}

#[cfg(test)]
mod neutral_name_tests {
    use quote::quote;

    #[test]
    fn a_merged_definition_is_named_after_what_its_names_share() {
        let mut file: syn::File = syn::parse2(quote!(
            pub mod types {
                ///`UpdateWorkflowConflict`
                ///
                ///Conflict while updating.
                pub struct UpdateWorkflowConflict {
                    pub message: String,
                }
                ///`PublishWorkflowConflict`
                ///
                ///Conflict while publishing.
                pub struct PublishWorkflowConflict {
                    pub message: String,
                }
                pub struct CreateTagBody {
                    pub name: String,
                }
                pub struct UpdateDataTableRequest {
                    pub name: String,
                }
                pub mod builder {
                    pub struct UpdateWorkflowConflict {
                        message: Result<String, String>,
                    }
                    pub struct PublishWorkflowConflict {
                        message: Result<String, String>,
                    }
                    impl ::std::convert::TryFrom<PublishWorkflowConflict> for super::PublishWorkflowConflict {}
                }
            }
        ))
        .unwrap();
        let components = ["UpdateDataTableRequest".to_string()].into_iter().collect();
        let reach: super::Reach = [
            ("UpdateWorkflowConflict", "workflow"),
            ("PublishWorkflowConflict", "workflow"),
            ("CreateTagBody", "tags"),
            ("UpdateDataTableRequest", "data-table"),
        ]
        .into_iter()
        .map(|(t, f)| (t.to_string(), [f.to_string()].into_iter().collect()))
        .collect();
        super::apply(&mut file, &components, &reach);
        let out = prettyplease::unparse(&file);
        insta::assert_snapshot!(out);
        assert!(out.contains("pub struct WorkflowConflict"), "{out}");
        assert!(
            out.contains("pub type UpdateWorkflowConflict = WorkflowConflict;"),
            "{out}"
        );
        assert!(
            out.contains("pub type PublishWorkflowConflict = WorkflowConflict;"),
            "{out}"
        );
        let definition = out
            .split("pub struct WorkflowConflict")
            .next()
            .unwrap()
            .rsplit("pub type")
            .next()
            .unwrap();
        assert!(
            !definition.contains("Conflict while"),
            "no borrowed description: {definition}"
        );
        assert!(
            out.contains("Conflict while updating."),
            "the old name keeps its own description: {out}"
        );
        // One shape, two resources that no feature reaches together: two definitions.
        assert!(out.contains("pub struct CreateTagBody"), "{out}");
        assert!(out.contains("pub struct UpdateDataTableRequest"), "{out}");
        assert!(!out.contains("= UpdateDataTableRequest;"), "{out}");
    }
}
