//! From each client method down, through types whose names changed: a response that was
//! `types::WorkflowList` and is `types::GetWorkflowsResponse` now is a changed type for code that
//! names it, but code that only uses the value (`page.data[0].id`) breaks only if what is
//! inside changed. Types are paired by position (the same field, the same setter argument) and
//! their members compared; pairs that keep their name are the item-by-item comparison's.

use std::collections::HashMap;

use syn::Type;

use super::RustChange;
use super::surface::{Kind, Surface, TypeDef, is_local_name, map_names};
use super::syntax::{compact, generic_arg};
use crate::diff::rules::{self as r, RustRule};

struct Follow<'a> {
    old: &'a Surface,
    new: &'a Surface,
    /// (old type, new type) -> the changes reported for the pair.
    visited: HashMap<(String, String), Vec<usize>>,
    out: &'a mut Vec<RustChange>,
}

/// A type with local names blanked: what is left is what code using the value sees.
fn shape(ty: &Type) -> String {
    map_names(&compact(ty), |_| "_".into())
}

fn local(ty: &Type) -> Option<String> {
    let s = compact(ty);
    is_local_name(&s).then_some(s)
}

fn type_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(p) = ty else { return Vec::new() };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    (0..)
        .map_while(|i| generic_arg(ty, &last.ident.to_string(), i))
        .collect()
}

fn last_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

pub(super) fn follow(old: &Surface, new: &Surface, out: &mut Vec<RustChange>) {
    let mut f = Follow {
        old,
        new,
        visited: HashMap::new(),
        out,
    };
    for (m, (_, ob)) in &old.methods {
        let Some((_, nb)) = new.methods.get(m) else {
            continue;
        };
        let (Some(od), Some(nd)) = (old.types.get(ob), new.types.get(nb)) else {
            continue;
        };
        // Methods returning a type of the client by name (`send`) first: the context a pair is
        // reported under is the first that reaches it, and that one reads best.
        let mut fns: Vec<(&String, &super::surface::Member)> = od.methods.iter().collect();
        fns.sort_by_key(|(name, f)| (!f.short.starts_with("-> types::"), name.as_str()));
        for (name, ofn) in fns {
            let Some(nfn) = nd.methods.get(name) else {
                continue;
            };
            if ofn.tys.len() != nfn.tys.len() {
                continue;
            }
            let ctx = if ofn.short.starts_with("-> ") {
                format!("`{m}` response")
            } else {
                format!("`{m}` setter `{name}`")
            };
            for (a, b) in ofn.tys.iter().zip(&nfn.tys) {
                f.walk(a, b, &ctx, "", m);
            }
        }
    }
}

impl Follow<'_> {
    fn walk(&mut self, a: &Type, b: &Type, ctx: &str, at: &str, method: &str) {
        if let (Some(x), Some(y)) = (local(a), local(b)) {
            self.pair(&x, &y, ctx, at, method);
            return;
        }
        match (a, b) {
            (Type::Reference(x), Type::Reference(y)) => self.walk(&x.elem, &y.elem, ctx, at, method),
            (Type::Path(_), Type::Path(_)) => {
                let (na, nb) = (last_name(a), last_name(b));
                let (ta, tb) = (type_args(a), type_args(b));
                if na == nb && ta.len() == tb.len() {
                    for (i, (x, y)) in ta.iter().zip(&tb).enumerate() {
                        let step = match (na.as_str(), i) {
                            ("Vec", _) => "[]",
                            ("HashMap" | "Map" | "BTreeMap", 1) => "{}",
                            _ => "",
                        };
                        self.walk(x, y, ctx, &format!("{at}{step}"), method);
                    }
                } else if na == "Option" && ta.len() == 1 {
                    self.walk(ta[0], b, ctx, at, method);
                } else if nb == "Option" && tb.len() == 1 {
                    self.walk(a, tb[0], ctx, at, method);
                }
            }
            _ => {}
        }
    }

    fn push(
        &mut self,
        rule: &RustRule,
        path: String,
        message: String,
        sides: (Option<String>, Option<String>),
        method: &str,
    ) -> usize {
        let mut c = RustChange::new(rule, path, message).sides(sides.0.as_deref(), sides.1.as_deref());
        c.methods.push(method.to_string());
        self.out.push(c);
        self.out.len() - 1
    }

    fn pair(&mut self, x: &str, y: &str, ctx: &str, at: &str, method: &str) {
        let (xc, yc) = (self.old.resolve(x), self.new.resolve(y));
        let key = (xc.clone(), yc.clone());
        if let Some(seen) = self.visited.get(&key) {
            for i in seen.clone() {
                if !self.out[i].methods.iter().any(|m| m == method) {
                    self.out[i].methods.push(method.to_string());
                }
            }
            return;
        }
        self.visited.insert(key.clone(), Vec::new());
        let (old, new) = (self.old, self.new);
        let (Some(od), Some(nd)) = (old.types.get(&xc), new.types.get(&yc)) else {
            return;
        };
        let same = new.has(x) && new.resolve(x) == yc;
        if !same {
            let found = self.members(&xc, &yc, od, nd, ctx, at, method);
            self.visited.insert(key, found);
        }
        for (f, of) in &od.fields {
            if let (Some(nf), Some(a)) = (nd.fields.get(f), of.tys.first())
                && let Some(b) = nf.tys.first()
            {
                self.walk(a, b, ctx, &format!("{at}.{f}"), method);
            }
        }
        for (v, ov) in &od.variants {
            if let Some(nv) = nd.variants.get(v)
                && ov.tys.len() == nv.tys.len()
            {
                for (a, b) in ov.tys.iter().zip(&nv.tys) {
                    self.walk(a, b, ctx, &format!("{at}::{v}"), method);
                }
            }
        }
    }

    /// Changes between two definitions of differently named types; their indices.
    #[allow(clippy::too_many_arguments)]
    fn members(
        &mut self,
        xc: &str,
        yc: &str,
        od: &TypeDef,
        nd: &TypeDef,
        ctx: &str,
        at: &str,
        method: &str,
    ) -> Vec<usize> {
        let mut found = Vec::new();
        let here = if at.is_empty() {
            String::new()
        } else {
            format!(" `{at}`")
        };
        if od.kind != nd.kind {
            let msg = format!(
                "{ctx}{here}: `{xc}` was {}, `{yc}` is {}",
                super::compare::a_kind(&od.kind),
                super::compare::a_kind(&nd.kind)
            );
            found.push(self.push(&r::RUST_VIA_KIND_CHANGED, yc.to_string(), msg, (None, None), method));
            return found;
        }
        for (f, of) in &od.fields {
            let p = format!("{at}.{f}");
            match nd.fields.get(f) {
                None => {
                    let msg = format!("{ctx} `{p}` is gone (`{xc}.{f}`; `{yc}` has no `{f}`)");
                    let sides = (Some(of.sig.clone()), None);
                    found.push(self.push(&r::RUST_VIA_FIELD_REMOVED, format!("{xc}.{f}"), msg, sides, method));
                }
                Some(nf) => {
                    let (Some(a), Some(b)) = (of.tys.first(), nf.tys.first()) else {
                        continue;
                    };
                    if shape(a) != shape(b) {
                        let msg = format!("{ctx} `{p}`: {} -> {} (`{xc}.{f}` is now `{yc}.{f}`)", of.sig, nf.sig);
                        let sides = (Some(of.sig.clone()), Some(nf.sig.clone()));
                        found.push(self.push(&r::RUST_VIA_FIELD_TYPE_CHANGED, format!("{yc}.{f}"), msg, sides, method));
                    }
                }
            }
        }
        for (f, nf) in nd.fields.iter().filter(|(f, _)| !od.fields.contains_key(*f)) {
            let msg = format!("{ctx} `{at}.{f}` is new (`{yc}.{f}: {}`)", nf.sig);
            let sides = (None, Some(nf.sig.clone()));
            found.push(self.push(&r::RUST_VIA_FIELD_ADDED, format!("{yc}.{f}"), msg, sides, method));
        }
        for v in od.variants.keys().filter(|v| !nd.variants.contains_key(*v)) {
            let msg = format!("{ctx}{here}: variant `{v}` is gone (`{xc}::{v}`; `{yc}` has none)");
            found.push(self.push(
                &r::RUST_VIA_VARIANT_REMOVED,
                format!("{xc}::{v}"),
                msg,
                (None, None),
                method,
            ));
        }
        if !nd.non_exhaustive && matches!(nd.kind, Kind::Enum) {
            for v in nd.variants.keys().filter(|v| !od.variants.contains_key(*v)) {
                let msg = format!("{ctx}{here}: new variant `{yc}::{v}` (`{xc}` had none)");
                found.push(self.push(
                    &r::RUST_VIA_VARIANT_ADDED,
                    format!("{yc}::{v}"),
                    msg,
                    (None, None),
                    method,
                ));
            }
        }
        found
    }
}
