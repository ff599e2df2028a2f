//! Reading the generated syntax tree as an API: type paths written one way whatever the module
//! they appear in, signatures without argument names, `#[cfg(feature)]` predicates evaluated.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, FnArg, Meta, ReturnType, Signature, Token};

/// External crates whose paths read as their last segment (`::std::option::Option` -> `Option`).
const EXTERNAL: &[&str] = &[
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "chrono",
    "uuid",
    "regress",
    "reqwest",
    "progenitor_client",
    "bytes",
    "futures",
];

/// The type names of each generated module, to qualify bare names.
#[derive(Debug, Default)]
pub struct Names {
    /// `types`: structs, enums and aliases.
    pub types: BTreeSet<String>,
    /// `types::builder`: typify's struct builders.
    pub type_builders: BTreeSet<String>,
    /// `builder`: request builders.
    pub builders: BTreeSet<String>,
}

/// Rewrites paths inside the module `module` (`""` for the top level) to their qualified form:
/// `types::X`, `types::builder::X`, `builder::X`, external paths shortened.
pub struct Qualify<'a> {
    names: &'a Names,
    module: &'a str,
}

impl Qualify<'_> {
    fn qualified(&self, path: &syn::Path) -> Option<String> {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let first = segs.first()?.as_str();
        let last = segs.last()?.clone();
        if EXTERNAL.contains(&first) && segs.len() > 1 {
            return Some(last);
        }
        let n = self.names;
        let local = match (self.module, segs.as_slice()) {
            ("types", [x]) if n.types.contains(x) => format!("types::{x}"),
            ("types", [b, x]) if b == "builder" => format!("types::builder::{x}"),
            ("types::builder", [x]) if n.type_builders.contains(x) => format!("types::builder::{x}"),
            ("types::builder", [s, x]) if s == "super" => format!("types::{x}"),
            ("builder", [x]) if n.builders.contains(x) => format!("builder::{x}"),
            (_, [s, x]) if s == "super" => x.clone(),
            (_, [c, x]) if c == "crate" => format!("crate::{x}"),
            _ => return None,
        };
        Some(local)
    }
}

impl VisitMut for Qualify<'_> {
    /// `<V as std::convert::TryInto<T>>::Error`: the trait part shortens like any external path
    /// (`<V as TryInto<T>>::Error`), the associated item stays.
    fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
        let Some(q) = &mut tp.qself else {
            return visit_mut::visit_type_path_mut(self, tp);
        };
        self.visit_type_mut(&mut q.ty);
        let first = tp
            .path
            .segments
            .first()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if q.position > 1 && EXTERNAL.contains(&first.as_str()) {
            let drop = q.position - 1;
            tp.path.segments = tp.path.segments.iter().skip(drop).cloned().collect();
            tp.path.leading_colon = None;
            q.position = 1;
        }
        for seg in tp.path.segments.iter_mut() {
            self.visit_path_arguments_mut(&mut seg.arguments);
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        visit_mut::visit_path_mut(self, path);
        if let Some(q) = self.qualified(path) {
            let args = path.segments.last().map(|s| s.arguments.clone());
            let mut new: syn::Path = syn::parse_str(&q).expect("a qualified path parses");
            if let (Some(args), Some(last)) = (args, new.segments.last_mut()) {
                last.arguments = args;
            }
            *path = new;
        }
    }
}

/// `node` with its paths qualified as they would be read from the crate root.
pub fn qualified<T: Clone + ToTokens>(node: &T, names: &Names, module: &str, visit: fn(&mut Qualify, &mut T)) -> T {
    let mut node = node.clone();
    visit(&mut Qualify { names, module }, &mut node);
    node
}

pub fn qualify_type(ty: &syn::Type, names: &Names, module: &str) -> syn::Type {
    qualified(ty, names, module, |v, t| v.visit_type_mut(t))
}

/// Token text with the spacing a reader expects: `Option<String>`, `&self`, `a: T`.
pub fn compact(tokens: impl ToTokens) -> String {
    let s = tokens.to_token_stream().to_string();
    let mut out = s
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ::", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& '", "&'")
        .replace("& ", "&")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("[ ", "[")
        .replace(" ]", "]")
        .replace(" ;", ";")
        .replace(" : ", ": ")
        // prettyplease breaks long generics with a trailing comma: `Option<\n X,\n>`.
        .replace(",>", ">")
        .replace(",)", ")")
        // A qualified path after a comma: `T: X, <T as Y>::Z`.
        .replace(",<", ", <");
    // `fn(self)` reads better than `fn (self)`; keep `-> T` and `where` spaced.
    out = out
        .replace(" (", "(")
        .replace("->(", "-> (")
        .replace("where(", "where (");
    out
}

/// A function signature as API: `async fn name<G>(&self, T) -> R where ...`, without argument
/// names (renaming an argument breaks nobody) or `mut` bindings.
pub fn signature(sig: &Signature, names: &Names, module: &str) -> String {
    let sig = qualified(sig, names, module, |v, s| v.visit_signature_mut(s));
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|a| match a {
            FnArg::Receiver(r) => {
                let mut r = r.clone();
                r.mutability = None;
                compact(r)
            }
            FnArg::Typed(t) => compact(&t.ty),
        })
        .collect();
    let output = match &sig.output {
        ReturnType::Default => String::new(),
        ReturnType::Type(_, t) => format!(" -> {}", compact(t)),
    };
    let generics = if sig.generics.params.is_empty() {
        String::new()
    } else {
        compact(&sig.generics)
    };
    let where_ = sig
        .generics
        .where_clause
        .as_ref()
        .map(|w| format!(" {}", compact(w).trim_end_matches(',')))
        .unwrap_or_default();
    format!(
        "{}fn {}{generics}({}){output}{where_}",
        if sig.asyncness.is_some() { "async " } else { "" },
        sig.ident,
        inputs.join(", ")
    )
}

/// The types a signature mentions, in order: arguments, `TryInto<T>`/`Into<T>` bounds of its
/// generic arguments (in a where clause, on the parameter, or `impl Into<T>`: what a builder
/// setter accepts), the return type.
pub fn signature_types(sig: &Signature, names: &Names, module: &str) -> Vec<syn::Type> {
    let sig = qualified(sig, names, module, |v, s| v.visit_signature_mut(s));
    let mut out = Vec::new();
    let mut bounds: Vec<&syn::TypeParamBound> = Vec::new();
    for arg in &sig.inputs {
        if let FnArg::Typed(t) = arg {
            out.push((*t.ty).clone());
            if let syn::Type::ImplTrait(i) = &*t.ty {
                bounds.extend(i.bounds.iter());
            }
        }
    }
    for p in sig.generics.type_params() {
        bounds.extend(p.bounds.iter());
    }
    for pred in sig.generics.where_clause.iter().flat_map(|w| w.predicates.iter()) {
        if let syn::WherePredicate::Type(p) = pred {
            bounds.extend(p.bounds.iter());
        }
    }
    for b in bounds {
        if let syn::TypeParamBound::Trait(t) = b
            && let Some(last) = t.path.segments.last()
            && (last.ident == "TryInto" || last.ident == "Into")
            && let syn::PathArguments::AngleBracketed(a) = &last.arguments
            && let Some(syn::GenericArgument::Type(ty)) = a.args.first()
        {
            out.push(ty.clone());
        }
    }
    if let ReturnType::Type(_, t) = &sig.output {
        out.push((**t).clone());
    }
    out
}

/// What a reader wants of a signature: a setter's accepted type, else the success type of a
/// `send`-like method, else the whole signature.
pub fn short(sig: &Signature, names: &Names, module: &str) -> String {
    let tys = signature_types(sig, names, module);
    let args = sig.inputs.iter().filter(|a| matches!(a, FnArg::Typed(_))).count();
    let bound = tys.len() > args + usize::from(!matches!(sig.output, ReturnType::Default));
    if args == 1 && bound {
        return compact(&tys[1]);
    }
    if let Some(ret) = tys.last()
        && let Some(ok) = success_type(ret)
    {
        return format!("-> {}", compact(ok));
    }
    signature(sig, names, module)
}

/// `Result<ResponseValue<T>, E>` -> `T`.
fn success_type(ty: &syn::Type) -> Option<&syn::Type> {
    let ok = generic_arg(ty, "Result", 0)?;
    generic_arg(ok, "ResponseValue", 0).or(Some(ok))
}

/// The `i`th type argument of `ty` when its last segment is `name`.
pub fn generic_arg<'t>(ty: &'t syn::Type, name: &str, i: usize) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    a.args
        .iter()
        .filter_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(i)
}

/// The `#[cfg(...)]` predicates of an item (all must hold).
pub fn cfgs(attrs: &[Attribute]) -> Vec<Meta> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| a.parse_args::<Meta>().ok())
        .collect()
}

/// Whether `meta` holds when exactly the features in `on` are enabled. Predicates on anything
/// but features (target, test) count as true: the generated API does not depend on them.
pub fn holds(meta: &Meta, on: &BTreeSet<String>) -> bool {
    match meta {
        Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            }) => on.contains(&s.value()),
            _ => true,
        },
        Meta::List(list) => {
            let inner = list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map(|p| p.into_iter().collect::<Vec<_>>())
                .unwrap_or_default();
            if list.path.is_ident("any") {
                inner.iter().any(|m| holds(m, on))
            } else if list.path.is_ident("all") {
                inner.iter().all(|m| holds(m, on))
            } else if list.path.is_ident("not") {
                !inner.iter().all(|m| holds(m, on))
            } else {
                true
            }
        }
        _ => true,
    }
}

/// `#[deprecated]` on an item.
pub fn deprecated(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("deprecated"))
}

/// `#[non_exhaustive]` on an item.
pub fn non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// The traits of `#[derive(...)]`, by their last segment.
pub fn derives(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) = a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
            out.extend(
                paths
                    .iter()
                    .filter_map(|p| p.segments.last().map(|s| s.ident.to_string())),
            );
        }
    }
    out
}

/// The last identifier of a type's path (`super::X<'a>` -> `X`).
pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

pub fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            types: ["Workflow".to_string()].into(),
            type_builders: ["Workflow".to_string()].into(),
            builders: ["GetWorkflows".to_string()].into(),
        }
    }

    #[test]
    fn paths_read_the_same_from_every_module() {
        let n = names();
        let t = |s: &str, m: &str| compact(qualify_type(&syn::parse_str(s).unwrap(), &n, m));
        assert_eq!(
            t("::std::option::Option<::std::vec::Vec<Workflow>>", "types"),
            "Option<Vec<types::Workflow>>"
        );
        assert_eq!(t("super::Workflow", "types::builder"), "types::Workflow");
        assert_eq!(t("Workflow", "types::builder"), "types::builder::Workflow");
        assert_eq!(t("types::Workflow", "builder"), "types::Workflow");
        assert_eq!(t("GetWorkflows<'a>", "builder"), "builder::GetWorkflows<'a>");
        assert_eq!(t("::chrono::DateTime<::chrono::offset::Utc>", "types"), "DateTime<Utc>");
    }

    #[test]
    fn signatures_drop_argument_names() {
        let n = names();
        let f: syn::ImplItemFn = syn::parse_str(
            "pub fn limit<V>(mut self, value: V) -> Self where V: std::convert::TryInto<f64>, <V as std::convert::TryInto<f64>>::Error: std::fmt::Display { self }",
        )
        .unwrap();
        assert_eq!(
            signature(&f.sig, &n, "builder"),
            "fn limit<V>(self, V) -> Self where V: TryInto<f64>, <V as TryInto<f64>>::Error: Display"
        );
        assert_eq!(short(&f.sig, &n, "builder"), "f64");
        for setter in [
            "pub fn limit(mut self, value: impl Into<i64>) -> Self { self }",
            "pub fn limit<V: Into<i64>>(mut self, value: V) -> Self { self }",
        ] {
            let f: syn::ImplItemFn = syn::parse_str(setter).unwrap();
            assert_eq!(short(&f.sig, &n, "builder"), "i64", "{setter}");
        }
        let send: syn::ImplItemFn = syn::parse_str(
            "pub async fn send(self) -> ::std::result::Result<ResponseValue<types::Workflow>, crate::Error> { todo!() }",
        )
        .unwrap();
        assert_eq!(short(&send.sig, &n, "builder"), "-> types::Workflow");
    }

    #[test]
    fn cfg_predicates() {
        let on = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let m: Meta = syn::parse_str(r#"any(feature = "a", feature = "b")"#).unwrap();
        assert!(holds(&m, &on(&["b"])));
        assert!(!holds(&m, &on(&["c"])));
        let m: Meta = syn::parse_str(r#"all(feature = "a", not(feature = "b"))"#).unwrap();
        assert!(holds(&m, &on(&["a"])));
        assert!(!holds(&m, &on(&["a", "b"])));
    }
}
