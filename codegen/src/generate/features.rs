//! Pass `features`: one cargo feature per spec tag, so a user builds only the tags they use.
//!
//! A tag's extension trait, its request builders and the arms of error decoding for its
//! operations compile under `feature = "<tag>"` (kebab-case: `N8nPackage` -> `n8n-package`).
//! Types compile when any feature whose operations reach them is on; types every tag reaches,
//! and the runtime, always compile. `full` turns every tag on (the default). The feature list
//! itself is written into the crate manifest by the pipeline ([`cargo_features`]).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Item, parse_quote};

use super::model::{Operation, type_name};
use super::prune_builders::{closure, idents};
use super::syntax::{module, module_ref, self_ident};

/// The feature of an operation's first tag.
pub fn feature_of(op: &Operation) -> String {
    op.tags
        .first()
        .map(|t| t.to_kebab_case())
        .unwrap_or_else(|| "untagged".into())
}

/// Every tag feature, sorted.
pub fn tag_features(operations: &[Operation]) -> Vec<String> {
    operations
        .iter()
        .map(feature_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The `[features]` entries for the manifest: one per tag, and `full` with all of them.
pub fn cargo_features(operations: &[Operation]) -> String {
    features_block(operations, None)
}

/// The `[features]` entries of a crate built on the client (the mock): one per tag, each
/// turning on the client's feature of the same name, and `full` with all of them.
pub fn cargo_features_enabling(operations: &[Operation], dependency: &str) -> String {
    features_block(operations, Some(dependency))
}

fn features_block(operations: &[Operation], dependency: Option<&str>) -> String {
    let tags = tag_features(operations);
    let mut out = String::new();
    out.push_str(&format!(
        "full = [{}]\n",
        tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
    ));
    for t in &tags {
        match dependency {
            Some(dep) => out.push_str(&format!("{t} = [\"{dep}/{t}\"]\n")),
            None => out.push_str(&format!("{t} = []\n")),
        }
    }
    out
}

/// The `#[cfg(...)]` an item of operation `op` compiles under (none when the spec has one tag).
pub(super) fn operation_cfg(op: &Operation, operations: &[Operation]) -> Option<syn::Attribute> {
    let n = tag_features(operations).len();
    predicate(&[feature_of(op)].into_iter().collect(), n).map(|p| parse_quote!(#[cfg(#p)]))
}

/// `cfg` predicate for a set of features (`None`: always on).
fn predicate(features: &BTreeSet<String>, all: usize) -> Option<syn::Meta> {
    if features.len() == all {
        return None;
    }
    let list: Vec<syn::Meta> = features.iter().map(|f| parse_quote!(feature = #f)).collect();
    Some(match list.as_slice() {
        [] => parse_quote!(feature = "full"),
        [one] => one.clone(),
        _ => parse_quote!(any(#(#list),*)),
    })
}

/// Puts `#[cfg(pred)]` first on an item (nothing for `None`).
fn gate(attrs: &mut Vec<syn::Attribute>, pred: Option<syn::Meta>) {
    if let Some(p) = pred {
        attrs.insert(0, parse_quote!(#[cfg(#p)]));
    }
}

/// The attributes of the kinds of item the pass gates.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Fn(f) => Some(&mut f.attrs),
        Item::Trait(t) => Some(&mut t.attrs),
        Item::Use(u) => Some(&mut u.attrs),
        _ => None,
    }
}

/// Gates typify's types, the request builders, the tag traits and the error decoding (in that
/// order; what gates what is read first, from the ungated client).
pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) {
    let gates = Gates::new(file, operations);
    if let Some(types) = module(file, "types") {
        gate_types(types, &gates);
    }
    if let Some(builder) = module(file, "builder") {
        gate_request_builders(builder, &gates);
    }
    gate_tag_traits(file, &gates);
    gate_error_decoding(file, &gates);
}

/// Type name -> the tag features whose operations reach it, read from the ungated client.
pub(super) fn reach_of_types(file: &syn::File, operations: &[Operation]) -> BTreeMap<String, BTreeSet<String>> {
    Gates::new(file, operations).features_of_type
}

/// What decides the features an item compiles under, read from the client before any gate.
struct Gates<'a> {
    /// How many tag features there are: an item every one of them needs is not gated.
    all: usize,
    /// Request builder name -> its operation.
    by_builder: BTreeMap<&'a str, &'a Operation>,
    /// The named types of `types` (structs, enums, aliases).
    type_names: BTreeSet<String>,
    /// Type name -> the features whose operations reach it.
    features_of_type: BTreeMap<String, BTreeSet<String>>,
    /// Tag trait name -> its feature.
    trait_feature: BTreeMap<String, String>,
}

impl<'a> Gates<'a> {
    fn new(file: &syn::File, operations: &'a [Operation]) -> Self {
        let by_builder = operations.iter().map(|o| (o.builder.as_str(), o)).collect();
        let (type_names, graph) = module_ref(file, "types")
            .map(|types| mention_graph(types))
            .unwrap_or_default();
        let mut gates = Gates {
            all: tag_features(operations).len(),
            by_builder,
            type_names,
            features_of_type: BTreeMap::new(),
            trait_feature: tag_trait_features(file, operations),
        };
        for (feature, roots) in gates.feature_roots(file, operations) {
            for t in closure(&graph, roots) {
                gates.features_of_type.entry(t).or_default().insert(feature.clone());
            }
        }
        gates
    }

    /// Feature -> the types its operations use directly: what their request builders mention,
    /// and their typed error bodies.
    fn feature_roots(&self, file: &syn::File, operations: &[Operation]) -> BTreeMap<String, BTreeSet<String>> {
        let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in module_ref(file, "builder").into_iter().flatten() {
            if let Some(op) = self.operation_of(item) {
                let used = self.mentioned(item.to_token_stream());
                roots.entry(feature_of(op)).or_default().extend(used);
            }
        }
        for op in operations {
            for schema in op.errors.iter().filter_map(|e| e.schema.as_ref()) {
                roots.entry(feature_of(op)).or_default().insert(type_name(schema));
            }
        }
        roots
    }

    /// The operation whose request builder (its struct or an impl of it) `item` is.
    fn operation_of(&self, item: &Item) -> Option<&'a Operation> {
        let name = match item {
            Item::Struct(s) => s.ident.to_string(),
            Item::Impl(i) => self_ident(&i.self_ty)?,
            _ => return None,
        };
        self.by_builder.get(name.as_str()).copied()
    }

    /// The named types `tokens` mention.
    fn mentioned(&self, tokens: TokenStream) -> BTreeSet<String> {
        let mut refs = BTreeSet::new();
        idents(tokens, &mut refs);
        refs.retain(|r| self.type_names.contains(r));
        refs
    }

    /// The gate of an item of `feature`.
    fn feature(&self, feature: &str) -> Option<syn::Meta> {
        predicate(&BTreeSet::from([feature.to_string()]), self.all)
    }

    /// The gate of type `name` (and of what belongs to it): any feature that reaches it.
    fn type_gate(&self, name: &str) -> Option<syn::Meta> {
        predicate(&self.features_of_type.get(name).cloned().unwrap_or_default(), self.all)
    }

    /// The gate of an item mentioning several types: all of their gates.
    fn mentions(&self, tokens: TokenStream) -> Option<syn::Meta> {
        let mut gates: Vec<syn::Meta> = Vec::new();
        for p in self.mentioned(tokens).iter().filter_map(|t| self.type_gate(t)) {
            if !gates.contains(&p) {
                gates.push(p);
            }
        }
        match gates.len() {
            0 => None,
            1 => gates.pop(),
            _ => Some(parse_quote!(all(#(#gates),*))),
        }
    }
}

/// The named types of `types` and, for each, the others its definition mentions (an enum's
/// variant names count as mentions too). typify's builder of a type (`types::builder::X`) is
/// part of the type: what it mentions, the type does.
fn mention_graph(types: &[Item]) -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let definitions: Vec<(String, TokenStream)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), s.fields.to_token_stream())),
            Item::Enum(e) => Some((e.ident.to_string(), e.variants.to_token_stream())),
            Item::Type(t) => Some((t.ident.to_string(), t.ty.to_token_stream())),
            _ => None,
        })
        .collect();
    let names: BTreeSet<String> = definitions.iter().map(|(n, _)| n.clone()).collect();
    let builders = types
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter())
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), s.fields.to_token_stream())),
            _ => None,
        });
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, tokens) in definitions.into_iter().chain(builders) {
        let mut refs = BTreeSet::new();
        idents(tokens, &mut refs);
        refs.retain(|r| names.contains(r) && *r != name);
        graph.entry(name).or_default().extend(refs);
    }
    (names, graph)
}

/// Tag trait name -> its feature: that of the operation of its first method.
fn tag_trait_features(file: &syn::File, operations: &[Operation]) -> BTreeMap<String, String> {
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method_name.as_str(), o)).collect();
    file.items
        .iter()
        .filter_map(|i| match i {
            Item::Trait(t) => t.items.iter().find_map(|ti| match ti {
                syn::TraitItem::Fn(f) => by_method
                    .get(f.sig.ident.to_string().as_str())
                    .map(|op| (t.ident.to_string(), feature_of(op))),
                _ => None,
            }),
            _ => None,
        })
        .collect()
}

/// The trait path and self type of an impl (what decides its gate).
fn impl_header(imp: &syn::ItemImpl) -> TokenStream {
    let self_ty = &imp.self_ty;
    let tr = imp.trait_.as_ref().map(|(p, _)| p);
    quote!(#tr #self_ty)
}

/// Typify's types: each under the features that reach it, their impls under those of the types
/// they name.
fn gate_types(types: &mut [Item], gates: &Gates<'_>) {
    for item in types.iter_mut() {
        let pred = match item {
            Item::Struct(s) => gates.type_gate(&s.ident.to_string()),
            Item::Enum(e) => gates.type_gate(&e.ident.to_string()),
            Item::Type(t) => gates.type_gate(&t.ident.to_string()),
            Item::Impl(imp) => gates.mentions(impl_header(imp)),
            Item::Mod(m) if m.ident == "builder" || m.ident == "defaults" => {
                if let Some((_, items)) = m.content.as_mut() {
                    gate_type_helpers(items, gates);
                }
                continue;
            }
            _ => continue,
        };
        if let Some(attrs) = item_attrs(item) {
            gate(attrs, pred);
        }
    }
}

/// The items of `types::builder` and `types::defaults`: a type's builder under its type's gate.
fn gate_type_helpers(items: &mut [Item], gates: &Gates<'_>) {
    for item in items.iter_mut() {
        let pred = match item {
            Item::Struct(s) => gates.type_gate(&s.ident.to_string()),
            // A deduplicated builder is an alias, under its type's name.
            Item::Type(t) => gates.type_gate(&t.ident.to_string()),
            Item::Impl(imp) => gates.mentions(impl_header(imp)),
            Item::Fn(f) => gates.mentions(f.sig.output.to_token_stream()),
            _ => None,
        };
        if let Some(attrs) = item_attrs(item) {
            gate(attrs, pred);
        }
    }
}

/// Each request builder (struct and impls) under its operation's feature.
fn gate_request_builders(builder: &mut [Item], gates: &Gates<'_>) {
    for item in builder.iter_mut() {
        let Some(op) = gates.operation_of(item) else { continue };
        let pred = gates.feature(&feature_of(op));
        if let Some(attrs) = item_attrs(item) {
            gate(attrs, pred);
        }
    }
}

/// The tag traits, their impls and their re-exports in `prelude`, under their tag's feature.
fn gate_tag_traits(file: &mut syn::File, gates: &Gates<'_>) {
    for item in file.items.iter_mut() {
        let feature = match item {
            Item::Trait(t) => gates.trait_feature.get(&t.ident.to_string()),
            Item::Impl(imp) => imp
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .and_then(|s| gates.trait_feature.get(&s.ident.to_string())),
            Item::Mod(m) if m.ident == "prelude" => {
                if let Some((_, items)) = m.content.as_mut() {
                    gate_prelude(items, gates);
                }
                continue;
            }
            _ => continue,
        };
        if let (Some(f), Some(attrs)) = (feature, item_attrs(item)) {
            gate(attrs, gates.feature(f));
        }
    }
}

/// `pub use super::ClientWorkflowExt;` under the trait's feature.
fn gate_prelude(items: &mut [Item], gates: &Gates<'_>) {
    for item in items.iter_mut() {
        let Item::Use(u) = item else { continue };
        let mut names = BTreeSet::new();
        use_names(&u.tree, &mut names);
        if let Some(f) = names.iter().find_map(|n| gates.trait_feature.get(n)) {
            gate(&mut u.attrs, gates.feature(f));
        }
    }
}

/// Every name in a `use` tree (`super::{A, B as C}`: `super`, `A`, `B`, `C`).
fn use_names(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => {
            out.insert(p.ident.to_string());
            use_names(&p.tree, out);
        }
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.ident.to_string());
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, out)),
    }
}

/// `ErrorBody`'s variants, and the arms of `decode_error_body` that build them, under the gate
/// of the variant's body type.
fn gate_error_decoding(file: &mut syn::File, gates: &Gates<'_>) {
    for item in file.items.iter_mut() {
        match item {
            Item::Enum(e) if e.ident == "ErrorBody" => {
                for v in e.variants.iter_mut() {
                    gate(&mut v.attrs, gates.type_gate(&v.ident.to_string()));
                }
            }
            Item::Fn(f) if f.sig.ident == "decode_error_body" => {
                struct Arms<'g, 'a>(&'g Gates<'a>);
                impl VisitMut for Arms<'_, '_> {
                    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
                        if let Some(variant) = error_body_variant(&arm.body) {
                            gate(&mut arm.attrs, self.0.type_gate(&variant.to_string()));
                        }
                    }
                }
                Arms(gates).visit_item_fn_mut(f);
            }
            _ => {}
        }
    }
}

/// The `ErrorBody` variant an expression names first (`...map(ErrorBody::X)` -> `X`).
fn error_body_variant(expr: &syn::Expr) -> Option<syn::Ident> {
    struct Find(Option<syn::Ident>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
            if self.0.is_none()
                && let Some(w) = segments.windows(2).find(|w| w[0] == "ErrorBody")
            {
                self.0 = Some(w[1].clone());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut find = Find(None);
    find.visit_expr(expr);
    find.0
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::model::{ErrorStatus, Operation};

    fn tagged(id: &str, path: &str, tag: &str) -> Operation {
        Operation {
            tags: vec![tag.into()],
            ..Operation::sample(id, "get", path)
        }
    }

    /// The `#[cfg(..)]` line right above the line of `item` in `out` (`None`: not gated).
    fn gate_of<'a>(out: &'a str, item: &str) -> Option<&'a str> {
        let lines: Vec<&str> = out.lines().map(str::trim).collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with(item))
            .unwrap_or_else(|| panic!("no `{item}` in\n{out}"));
        lines[..at].last().copied().filter(|l| l.starts_with("#[cfg("))
    }

    /// A client of three tags, `Workflow`, `Tags` and `Audit`, as the passes before leave it.
    fn client() -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                pub struct Workflow { pub tags: ::std::vec::Vec<Tag> }
                pub struct Tag { pub shared: Shared }
                pub struct Audit { pub shared: Shared }
                pub struct Shared { pub name: ::std::string::String }
                pub struct Unused { pub name: ::std::string::String }
                pub struct WorkflowConflict { pub message: ::std::string::String }
                pub type TagList = ::std::vec::Vec<Tag>;
                impl ::std::convert::From<&Workflow> for Audit {
                    fn from(_: &Workflow) -> Self { todo!() }
                }
                pub mod builder {
                    pub struct Workflow { tags: ::std::result::Result<::std::vec::Vec<super::Tag>, ::std::string::String> }
                    impl ::std::default::Default for Workflow {
                        fn default() -> Self { todo!() }
                    }
                }
                pub mod defaults {
                    pub(super) fn default_audit() -> super::Audit { todo!() }
                }
            }
            pub mod builder {
                pub struct GetWorkflow<'a> { client: &'a super::Client }
                impl<'a> GetWorkflow<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Workflow>, Error<()>> { todo!() }
                }
                pub struct GetTags<'a> { client: &'a super::Client }
                impl<'a> GetTags<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::TagList>, Error<()>> { todo!() }
                }
                pub struct GetAudit<'a> { client: &'a super::Client }
                impl<'a> GetAudit<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Audit>, Error<()>> { todo!() }
                }
            }
            pub trait ClientWorkflowExt { fn get_workflow(&self) -> builder::GetWorkflow<'_>; }
            impl ClientWorkflowExt for Client { fn get_workflow(&self) -> builder::GetWorkflow<'_> { todo!() } }
            pub trait ClientTagsExt { fn get_tags(&self) -> builder::GetTags<'_>; }
            impl ClientTagsExt for Client { fn get_tags(&self) -> builder::GetTags<'_> { todo!() } }
            pub trait ClientAuditExt { fn get_audit(&self) -> builder::GetAudit<'_>; }
            impl ClientAuditExt for Client { fn get_audit(&self) -> builder::GetAudit<'_> { todo!() } }
            impl Client { pub fn new() -> Self { todo!() } }
            pub mod prelude {
                pub use super::Client;
                pub use super::ClientWorkflowExt;
                pub use super::{ClientTagsExt as _};
                pub use super::ClientAuditExt;
            }
            pub enum ErrorBody { WorkflowConflict(types::WorkflowConflict) }
            pub(crate) fn decode_error_body(operation: &str, status: u16, body: &[u8]) -> Option<::std::result::Result<ErrorBody, ::serde_json::Error>> {
                match (operation, status) {
                    ("getWorkflow", 409u16) => Some(::serde_json::from_slice(body).map(ErrorBody::WorkflowConflict)),
                    _ => None,
                }
            }
        })
        .unwrap()
    }

    #[test]
    fn items_compile_under_the_features_of_their_tags() {
        let mut file = client();
        let mut get_workflow = tagged("getWorkflow", "/workflows/{id}", "Workflow");
        get_workflow.errors.push(ErrorStatus {
            status: "409".into(),
            description: "Conflict".into(),
            schema: Some("WorkflowConflict".into()),
        });
        let ops = [
            get_workflow,
            tagged("getTags", "/tags", "Tags"),
            tagged("getAudit", "/audit", "Audit"),
        ];
        super::apply(&mut file, &ops);
        let out = prettyplease::unparse(&file);
        let workflow = Some(r#"#[cfg(feature = "workflow")]"#);
        let tags = Some(r#"#[cfg(feature = "tags")]"#);
        let audit = Some(r#"#[cfg(feature = "audit")]"#);
        // Types: under the features that reach them (none: all three; no feature: `full`).
        assert_eq!(gate_of(&out, "pub struct Workflow {"), workflow);
        assert_eq!(
            gate_of(&out, "pub struct Tag {"),
            Some(r#"#[cfg(any(feature = "tags", feature = "workflow"))]"#)
        );
        assert_eq!(gate_of(&out, "pub struct Shared {"), None);
        assert_eq!(
            gate_of(&out, "pub struct Unused {"),
            Some(r#"#[cfg(feature = "full")]"#)
        );
        assert_eq!(gate_of(&out, "pub struct WorkflowConflict {"), workflow);
        // An impl naming two types: under both of their gates.
        assert_eq!(
            gate_of(&out, "impl ::std::convert::From<&Workflow> for Audit"),
            Some(r#"#[cfg(all(feature = "audit", feature = "workflow"))]"#)
        );
        // typify's builders and defaults follow their types.
        assert_eq!(gate_of(&out, "impl ::std::default::Default for Workflow"), workflow);
        assert_eq!(gate_of(&out, "pub(super) fn default_audit"), audit);
        // Request builders, tag traits, their impls and re-exports: their tag's feature.
        assert_eq!(gate_of(&out, "pub struct GetTags<'a>"), tags);
        assert_eq!(gate_of(&out, "impl<'a> GetTags<'a>"), tags);
        assert_eq!(gate_of(&out, "pub trait ClientTagsExt"), tags);
        assert_eq!(gate_of(&out, "impl ClientTagsExt for Client"), tags);
        assert_eq!(gate_of(&out, "pub use super::ClientTagsExt as _"), tags);
        assert_eq!(gate_of(&out, "pub use super::ClientAuditExt"), audit);
        assert_eq!(gate_of(&out, "pub use super::Client;"), None);
        assert_eq!(gate_of(&out, "impl Client {"), None);
        // Typed error bodies: the variant and its decoding arm.
        assert_eq!(gate_of(&out, "WorkflowConflict(types::WorkflowConflict)"), workflow);
        assert_eq!(gate_of(&out, "(\"getWorkflow\", 409u16)"), workflow);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn the_manifest_lists_one_feature_per_tag() {
        let ops = [
            tagged("getWorkflow", "/workflows/{id}", "Workflow"),
            tagged("getPackage", "/n8n-packages", "N8nPackage"),
            tagged("getWorkflows", "/workflows", "Workflow"),
            Operation::sample("untagged", "get", "/x"),
        ];
        assert_eq!(
            super::cargo_features(&ops),
            "full = [\"n8n-package\", \"untagged\", \"workflow\"]\n\
             n8n-package = []\nuntagged = []\nworkflow = []\n"
        );
        assert_eq!(
            super::cargo_features_enabling(&ops, "n8n-api"),
            "full = [\"n8n-package\", \"untagged\", \"workflow\"]\n\
             n8n-package = [\"n8n-api/n8n-package\"]\nuntagged = [\"n8n-api/untagged\"]\n\
             workflow = [\"n8n-api/workflow\"]\n"
        );
        let cfg = super::operation_cfg(&ops[1], &ops).map(|a| quote!(#a).to_string());
        assert_eq!(cfg.as_deref(), Some("# [cfg (feature = \"n8n-package\")]"));
        assert_eq!(
            super::operation_cfg(&ops[0], &ops[..1]),
            None,
            "one tag: nothing to gate"
        );
    }
}
