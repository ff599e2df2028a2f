//! Pass `variant-names`: enum variants do not repeat their enum's name.
//!
//! typify names a variant after its value, so values that carry a namespace give variants that
//! repeat it: `GlobalRole::GlobalOwner` for `"global:owner"`, `ProjectRole::ProjectViewer`. When
//! every variant starts with the same words and those words are part of the enum's own name,
//! they go: `GlobalRole::Owner`, `ProjectRole::Viewer` (what the value says stays in its
//! `#[serde(rename)]`, so nothing on the wire changes). Every path to a renamed variant in the
//! file follows (`Self::GlobalOwner`, `super::GlobalRole::GlobalOwner` in defaults).

use std::collections::BTreeMap;

use proc_macro2::Ident;
use syn::visit_mut::VisitMut;
use syn::{Item, ItemEnum};

use super::syntax::{module_ref, pascal_words, self_ident};

/// The catch-all variant the `open-enums` pass adds; never renamed.
const CATCH_ALL: &str = "Unrecognized";

/// Returns how many enums had their variants shortened.
pub(super) fn apply(file: &mut syn::File) -> usize {
    let renames: BTreeMap<String, BTreeMap<String, String>> = module_ref(file, "types")
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            Item::Enum(e) => Some((e.ident.to_string(), shortened(e)?)),
            _ => None,
        })
        .collect();
    if renames.is_empty() {
        return 0;
    }
    Renamer {
        renames: &renames,
        self_enum: None,
    }
    .visit_file_mut(file);
    renames.len()
}

/// Old -> new variant names of `e`, when its variants share leading words its own name has.
fn shortened(e: &ItemEnum) -> Option<BTreeMap<String, String>> {
    let names: Vec<String> = e
        .variants
        .iter()
        .map(|v| v.ident.to_string())
        .filter(|n| n != CATCH_ALL)
        .collect();
    let words: Vec<Vec<String>> = names.iter().map(|n| pascal_words(n)).collect();
    let mut prefix = words.first()?.clone();
    for w in &words[1..] {
        let same = prefix.iter().zip(w).take_while(|(a, b)| a == b).count();
        prefix.truncate(same);
    }
    // Every variant keeps at least one word, and the prefix is words of the enum's name.
    prefix.truncate(words.iter().map(|w| w.len() - 1).min()?);
    let own = pascal_words(&e.ident.to_string());
    if prefix.is_empty() || !own.windows(prefix.len()).any(|w| w == prefix.as_slice()) {
        return None;
    }
    let short: Vec<String> = words.iter().map(|w| w[prefix.len()..].concat()).collect();
    let distinct: std::collections::BTreeSet<&String> = short.iter().collect();
    let valid = short
        .iter()
        .all(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()) && s != CATCH_ALL);
    (names.len() > 1 && distinct.len() == short.len() && valid).then(|| names.into_iter().zip(short).collect())
}

struct Renamer<'a> {
    renames: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// The enum whose impl or definition is being visited (`Self::…` paths refer to it).
    self_enum: Option<String>,
}

impl Renamer<'_> {
    fn rename(&self, owner: &str, variant: &mut Ident) {
        if let Some(new) = self.renames.get(owner).and_then(|m| m.get(&variant.to_string())) {
            *variant = Ident::new(new, variant.span());
        }
    }
}

impl VisitMut for Renamer<'_> {
    fn visit_item_enum_mut(&mut self, e: &mut ItemEnum) {
        let owner = e.ident.to_string();
        for v in e.variants.iter_mut() {
            self.rename(&owner, &mut v.ident);
        }
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let outer = self.self_enum.replace(self_ident(&i.self_ty).unwrap_or_default());
        syn::visit_mut::visit_item_impl_mut(self, i);
        self.self_enum = outer;
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let n = path.segments.len();
        if n >= 2 {
            let owner = path.segments[n - 2].ident.to_string();
            let owner = match (owner.as_str(), &self.self_enum) {
                ("Self", Some(e)) => e.clone(),
                _ => owner,
            };
            self.rename(&owner, &mut path.segments[n - 1].ident);
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn variants_drop_the_words_they_share_with_their_enum() {
        let mut file = super::super::syntax::types_file(quote! {
            pub enum GlobalRole {
                #[serde(rename = "global:owner")]
                GlobalOwner,
                #[serde(rename = "global:chatUser")]
                GlobalChatUser,
                #[serde(untagged)]
                Unrecognized(String),
            }
            impl ::std::fmt::Display for GlobalRole {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::GlobalOwner => f.write_str("global:owner"), _ => Ok(()) }
                }
            }
            pub mod defaults {
                pub fn role() -> super::GlobalRole { super::GlobalRole::GlobalChatUser }
            }
            /// Shares `Global` with its variants only by accident of its values: not in its name.
            pub enum Scope { GlobalRead, GlobalWrite }
            /// One variant would be left with nothing.
            pub enum ModeKind { Mode, ModeFast }
        });
        assert_eq!(super::apply(&mut file), 1);
        let out = prettyplease::unparse(&file);
        insta::assert_snapshot!(out);
        assert!(out.contains("Owner,") && out.contains("ChatUser,"), "{out}");
        assert!(out.contains("Self::Owner =>"), "{out}");
        assert!(out.contains("super::GlobalRole::ChatUser"), "{out}");
        assert!(
            out.contains("#[serde(rename = \"global:owner\")]"),
            "the wire keeps its value: {out}"
        );
        assert!(out.contains("GlobalRead") && out.contains("ModeFast"), "{out}");
        assert!(out.contains("Unrecognized(String)"), "{out}");
    }
}
