//! Item-by-item comparison of two surfaces: features, traits and their methods, types by name
//! (through aliases: two names of one type are one type), fields, variants, builder methods,
//! trait impls and derives, statics and constants, and the features each item compiles under.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::RustChange;
use super::surface::{Enabled, Kind, Member, Surface, TypeDef};
use crate::diff::rules::{self as r, RustRule};

struct Cmp<'a> {
    old: &'a Surface,
    new: &'a Surface,
    /// Old feature -> new feature, for features renamed as a whole.
    renamed: BTreeMap<String, String>,
    removed_features: BTreeSet<String>,
    added_features: BTreeSet<String>,
    /// Each client's trait impls by the type they belong to (see [`owner`]).
    old_impls: ImplIndex<'a>,
    new_impls: ImplIndex<'a>,
    out: Vec<RustChange>,
}

/// Owner type -> (trait, self type, the impl as written, its features).
type ImplIndex<'a> = HashMap<String, Vec<(&'a str, &'a str, &'a String, &'a Enabled)>>;

fn impl_index(s: &Surface) -> ImplIndex<'_> {
    let mut index: ImplIndex = HashMap::new();
    for (k, e) in &s.impls {
        let Some((tr, ty)) = k.strip_prefix("impl ").and_then(|k| k.rsplit_once(" for ")) else {
            continue;
        };
        if let Some(own) = owner(s, tr, ty) {
            index.entry(own).or_default().push((tr, ty, k, e));
        }
    }
    index
}

pub(super) fn compare(old: &Surface, new: &Surface) -> Vec<RustChange> {
    let mut c = Cmp {
        old,
        new,
        renamed: BTreeMap::new(),
        removed_features: BTreeSet::new(),
        added_features: BTreeSet::new(),
        old_impls: impl_index(old),
        new_impls: impl_index(new),
        out: Vec::new(),
    };
    c.features();
    c.traits();
    c.types();
    c.values();
    c.out
}

pub(super) fn kind_text(k: &Kind) -> String {
    match k {
        Kind::Struct(shape) => format!("struct with {shape}"),
        Kind::Enum => "enum".into(),
        Kind::Union => "union".into(),
    }
}

/// `a struct ...`, `an enum`.
pub(super) fn a_kind(k: &Kind) -> String {
    let t = kind_text(k);
    if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {t}")
    } else {
        format!("a {t}")
    }
}

fn features_text(e: &BTreeSet<String>) -> String {
    e.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
}

/// The methods of `s` that compile under feature `f`.
fn methods_under<'s>(s: &'s Surface, f: &str) -> BTreeSet<&'s String> {
    s.methods
        .iter()
        .filter(|(m, (t, _))| {
            s.traits
                .get(t)
                .and_then(|d| d.methods.get(*m))
                .is_some_and(|mm| mm.enabled.as_ref().is_some_and(|e| e.contains(f)))
        })
        .map(|(m, _)| m)
        .collect()
}

impl<'a> Cmp<'a> {
    fn push(&mut self, rule: &RustRule, path: &str, message: String, old: Option<&str>, new: Option<&str>) {
        self.out.push(RustChange::new(rule, path, message).sides(old, new));
    }

    fn features(&mut self) {
        let (old, new) = (&self.old.features, &self.new.features);
        let removed: BTreeSet<String> = old.difference(new).cloned().collect();
        let added: BTreeSet<String> = new.difference(old).cloned().collect();
        for f in &removed {
            let moved: BTreeSet<&String> = methods_under(self.old, f)
                .into_iter()
                .filter(|m| self.new.methods.contains_key(*m))
                .collect();
            let target = added.iter().find(|g| {
                !moved.is_empty()
                    && !self.renamed.values().any(|v| v == *g)
                    && moved.is_subset(&methods_under(self.new, g))
            });
            match target {
                Some(g) => {
                    self.renamed.insert(f.clone(), g.clone());
                    let msg = format!(
                        "cargo feature `{f}` is now `{g}` ({} methods): `features = [\"{f}\"]` no longer resolves",
                        moved.len()
                    );
                    self.push(&r::RUST_FEATURE_RENAMED, &format!("feature {f}"), msg, Some(f), Some(g));
                }
                None => {
                    let msg = format!("cargo feature `{f}` is gone");
                    self.push(&r::RUST_FEATURE_REMOVED, &format!("feature {f}"), msg, Some(f), None);
                }
            }
        }
        let targets: BTreeSet<String> = self.renamed.values().cloned().collect();
        for g in added.iter().filter(|g| !targets.contains(*g)) {
            let msg = format!("new cargo feature `{g}`");
            self.push(&r::RUST_FEATURE_ADDED, &format!("feature {g}"), msg, None, Some(g));
        }
        self.removed_features = removed;
        self.added_features = added;
    }

    /// Reports what an item lost or gained in the features it compiles under.
    fn cfg(&mut self, path: &str, old: &Enabled, new: &Enabled) {
        let (lost, gained) = match (old, new) {
            (None, None) => return,
            (None, Some(b)) => (format!("compiles only under {} now", features_text(b)), None),
            (Some(_), None) => (String::new(), Some("compiles whatever the features now".to_string())),
            (Some(a), Some(b)) => {
                let mapped: BTreeSet<String> = a
                    .iter()
                    .filter(|f| !self.removed_features.contains(*f) || self.renamed.contains_key(*f))
                    .map(|f| self.renamed.get(f).cloned().unwrap_or_else(|| f.clone()))
                    .collect();
                let lost: BTreeSet<String> = mapped.difference(b).cloned().collect();
                let gained: BTreeSet<String> = b
                    .difference(&mapped)
                    .filter(|f| !self.added_features.contains(*f))
                    .cloned()
                    .collect();
                (
                    if lost.is_empty() {
                        String::new()
                    } else {
                        format!("no longer compiles under {}", features_text(&lost))
                    },
                    (!gained.is_empty()).then(|| format!("also compiles under {} now", features_text(&gained))),
                )
            }
        };
        if !lost.is_empty() {
            self.push(&r::RUST_CFG_NARROWED, path, format!("`{path}` {lost}"), None, None);
        }
        if let Some(g) = gained {
            self.push(&r::RUST_CFG_WIDENED, path, format!("`{path}` {g}"), None, None);
        }
    }

    /// Old trait -> new trait, for traits renamed as a whole (every method that remains moved).
    fn trait_renames(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (t, def) in self
            .old
            .traits
            .iter()
            .filter(|(t, _)| !self.new.traits.contains_key(*t))
        {
            let kept: BTreeSet<&String> = def
                .methods
                .keys()
                .filter(|m| self.new.methods.contains_key(*m))
                .collect();
            let target = self
                .new
                .traits
                .iter()
                .filter(|(u, _)| !self.old.traits.contains_key(*u) && !out.values().any(|v| v == *u))
                .find(|(_, d)| !kept.is_empty() && kept.iter().all(|m| d.methods.contains_key(*m)));
            if let Some((u, _)) = target {
                out.insert(t.clone(), u.clone());
            }
        }
        out
    }

    fn traits(&mut self) {
        let renames = self.trait_renames();
        let (old, new) = (self.old, self.new);
        for (t, od) in &old.traits {
            let u = match renames.get(t) {
                Some(u) => {
                    let msg = format!("trait `{t}` is now `{u}`: its methods still resolve through the prelude");
                    self.push(&r::RUST_TRAIT_RENAMED, t, msg, Some(t), Some(u));
                    u.clone()
                }
                None if new.traits.contains_key(t) => t.clone(),
                None => {
                    let msg = format!("trait `{t}` is gone");
                    self.push(&r::RUST_TRAIT_REMOVED, t, msg, Some(&od.header), None);
                    continue;
                }
            };
            let nd = &new.traits[&u];
            let unnamed = |h: &str, n: &str| h.replacen(&format!("trait {n}"), "trait", 1);
            if old.canon(&unnamed(&od.header, t)) != new.canon(&unnamed(&nd.header, &u)) {
                let msg = format!("`{u}`: {} -> {}", od.header, nd.header);
                self.push(&r::RUST_TRAIT_CHANGED, &u, msg, Some(&od.header), Some(&nd.header));
            }
            if !od.deprecated && nd.deprecated {
                self.push(&r::RUST_DEPRECATED, &u, format!("`{u}` is deprecated"), None, None);
            }
            self.cfg(&u, &od.enabled, &nd.enabled);
            for (m, om) in &od.methods {
                let path = format!("{u}::{m}");
                match nd.methods.get(m) {
                    None => self.push(
                        &r::RUST_METHOD_REMOVED,
                        &format!("{t}::{m}"),
                        format!("method `{m}` of `{t}` is gone"),
                        Some(&om.sig),
                        None,
                    ),
                    Some(nm) => {
                        if self.sig_differs(om, nm) {
                            let msg = format!("`{path}`: {} -> {}", om.sig, nm.sig);
                            self.push(&r::RUST_METHOD_CHANGED, &path, msg, Some(&om.sig), Some(&nm.sig));
                        }
                        self.member_flags(&path, om, nm, &od.enabled, &nd.enabled);
                    }
                }
            }
            for (m, nm) in nd.methods.iter().filter(|(m, _)| !od.methods.contains_key(*m)) {
                let path = format!("{u}::{m}");
                let rule = if nm.has_default {
                    &r::RUST_FN_ADDED
                } else if nd.sealed {
                    &r::RUST_SEALED_METHOD_ADDED
                } else {
                    &r::RUST_METHOD_ADDED
                };
                self.push(rule, &path, format!("new method `{path}`"), None, Some(&nm.sig));
            }
        }
        for (u, nd) in &new.traits {
            if !old.traits.contains_key(u) && !renames.values().any(|v| v == u) {
                let msg = format!("new trait `{u}` ({} methods)", nd.methods.len());
                self.push(&r::RUST_TRAIT_ADDED, u, msg, None, Some(&nd.header));
            }
        }
    }

    fn sig_differs(&self, o: &Member, n: &Member) -> bool {
        self.new.canon_from(self.old, &o.sig) != self.new.canon(&n.sig)
    }

    /// Deprecation and own `cfg` of a member (one inherited from its owner is the owner's).
    fn member_flags(&mut self, path: &str, o: &Member, n: &Member, o_owner: &Enabled, n_owner: &Enabled) {
        if !o.deprecated && n.deprecated {
            self.push(&r::RUST_DEPRECATED, path, format!("`{path}` is deprecated"), None, None);
        }
        if o.enabled != *o_owner || n.enabled != *n_owner {
            self.cfg(path, &o.enabled, &n.enabled);
        }
    }

    fn names(s: &Surface) -> BTreeSet<&String> {
        s.types.keys().chain(s.aliases.keys()).collect()
    }

    fn describe(s: &Surface, name: &str) -> String {
        match (s.types.get(name), s.aliases.get(name)) {
            (Some(d), _) => kind_text(&d.kind),
            (_, Some(a)) => format!("alias of {}", a.sig),
            _ => "?".into(),
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let (on, nn) = (Self::names(old), Self::names(new));
        for name in on.difference(&nn) {
            let d = Self::describe(old, name);
            self.push(
                &r::RUST_TYPE_REMOVED,
                name,
                format!("`{name}` ({d}) is gone"),
                Some(&d),
                None,
            );
        }
        for name in nn.difference(&on) {
            let d = Self::describe(new, name);
            self.push(&r::RUST_TYPE_ADDED, name, format!("new `{name}` ({d})"), None, Some(&d));
        }
        let common: Vec<&String> = on.intersection(&nn).copied().collect();
        self.identity(&common);
        let mut done = BTreeSet::new();
        // Definitions first under their own names, then what only aliases reach.
        let ordered = common
            .iter()
            .filter(|n| old.types.contains_key(**n))
            .chain(common.iter().filter(|n| !old.types.contains_key(**n)));
        for name in ordered {
            let (oc, nc) = (old.resolve(name), new.resolve(name));
            if !done.insert((oc.clone(), nc.clone())) {
                continue;
            }
            match (old.types.get(&oc), new.types.get(&nc)) {
                (Some(od), Some(nd)) => {
                    // Reported under the name code uses; an alias that now names another type
                    // of the same shape is the identity comparison's.
                    self.type_def(name, name, od, nd);
                    self.type_impls(&oc, &nc, od, nd);
                }
                (od, nd) => {
                    // An alias of something other than a plain name on one side at least.
                    let os = old.aliases.get(&oc).map(|a| new.canon_from(old, &a.sig));
                    let ns = new.aliases.get(&nc).map(|a| new.canon(&a.sig));
                    if os != ns || od.is_some() != nd.is_some() {
                        let (a, b) = (Self::describe(old, &oc), Self::describe(new, &nc));
                        let msg = format!("`{name}`: {a} -> {b}");
                        self.push(&r::RUST_TYPE_KIND_CHANGED, name, msg, Some(&a), Some(&b));
                    }
                }
            }
        }
    }

    /// Names that were one type and are several now (split), or the reverse (merged).
    fn identity(&mut self, common: &[&String]) {
        let (old, new) = (self.old, self.new);
        let group = |a: &Surface, b: &Surface| {
            let mut m: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
            for n in common {
                m.entry(a.resolve(n))
                    .or_default()
                    .entry(b.resolve(n))
                    .or_default()
                    .push(n.to_string());
            }
            m
        };
        let show = |parts: &BTreeMap<String, Vec<String>>| {
            parts
                .iter()
                .map(|(t, ns)| format!("{} -> {t}", ns.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        for (was, parts) in group(old, new).iter().filter(|(_, p)| p.len() > 1) {
            let msg = format!(
                "names of the one type `{was}` denote distinct types now: {}",
                show(parts)
            );
            self.push(&r::RUST_TYPE_SPLIT, was, msg, None, None);
        }
        for (is, parts) in group(new, old).iter().filter(|(_, p)| p.len() > 1) {
            let msg = format!(
                "distinct types are all `{is}` now: {}",
                show(parts).replace(" -> ", " were ")
            );
            self.push(&r::RUST_TYPES_MERGED, is, msg, None, None);
        }
    }

    fn type_def(&mut self, path: &str, label: &str, od: &TypeDef, nd: &TypeDef) {
        if od.kind != nd.kind || od.generics != nd.generics {
            let (a, b) = (
                format!("{}{}", kind_text(&od.kind), od.generics),
                format!("{}{}", kind_text(&nd.kind), nd.generics),
            );
            let msg = format!("`{label}`: {a} -> {b}");
            self.push(&r::RUST_TYPE_KIND_CHANGED, path, msg, Some(&a), Some(&b));
        }
        if !od.non_exhaustive && nd.non_exhaustive {
            let msg = format!("`{label}` is #[non_exhaustive] now");
            self.push(&r::RUST_NON_EXHAUSTIVE_ADDED, path, msg, None, None);
        }
        if od.non_exhaustive && !nd.non_exhaustive {
            let msg = format!("`{label}` is no longer #[non_exhaustive]");
            self.push(&r::RUST_NON_EXHAUSTIVE_REMOVED, path, msg, None, None);
        }
        if !od.deprecated && nd.deprecated {
            self.push(
                &r::RUST_DEPRECATED,
                path,
                format!("`{label}` is deprecated"),
                None,
                None,
            );
        }
        self.cfg(path, &od.enabled, &nd.enabled);
        self.fields(path, label, od, nd);
        self.variants(path, label, od, nd);
        self.methods(path, label, od, nd);
    }

    fn fields(&mut self, path: &str, label: &str, od: &TypeDef, nd: &TypeDef) {
        for (f, of) in &od.fields {
            let p = format!("{path}.{f}");
            let Some(nf) = nd.fields.get(f) else {
                let msg = format!("field `{label}.{f}` is gone");
                self.push(&r::RUST_FIELD_REMOVED, &p, msg, Some(&of.sig), None);
                continue;
            };
            let (a, b) = (self.new.canon_from(self.old, &of.sig), self.new.canon(&nf.sig));
            if a != b {
                let rule = if a == format!("Option<{b}>") {
                    &r::RUST_FIELD_BECAME_REQUIRED
                } else if b == format!("Option<{a}>") {
                    &r::RUST_FIELD_BECAME_OPTIONAL
                } else {
                    &r::RUST_FIELD_TYPE_CHANGED
                };
                let msg = format!("`{label}.{f}`: {} -> {}", of.sig, nf.sig);
                self.push(rule, &p, msg, Some(&of.sig), Some(&nf.sig));
            }
            self.member_flags(&p, of, nf, &od.enabled, &nd.enabled);
        }
        let constructible = !od.private_fields && !od.non_exhaustive && matches!(od.kind, Kind::Struct(_));
        for (f, nf) in nd.fields.iter().filter(|(f, _)| !od.fields.contains_key(*f)) {
            let rule = if constructible {
                &r::RUST_FIELD_ADDED
            } else {
                &r::RUST_FIELD_ADDED_OPAQUE
            };
            let msg = format!("new field `{label}.{f}: {}`", nf.sig);
            self.push(rule, &format!("{path}.{f}"), msg, None, Some(&nf.sig));
        }
    }

    fn variants(&mut self, path: &str, label: &str, od: &TypeDef, nd: &TypeDef) {
        for (v, ov) in &od.variants {
            let p = format!("{path}::{v}");
            match nd.variants.get(v) {
                None => {
                    let msg = format!("variant `{label}::{v}` is gone");
                    self.push(&r::RUST_VARIANT_REMOVED, &p, msg, Some(&ov.sig), None);
                }
                Some(nv) => {
                    if self.sig_differs(ov, nv) {
                        let msg = format!("`{label}::{v}`: {} -> {}", ov.sig, nv.sig);
                        self.push(&r::RUST_VARIANT_CHANGED, &p, msg, Some(&ov.sig), Some(&nv.sig));
                    }
                    self.member_flags(&p, ov, nv, &od.enabled, &nd.enabled);
                }
            }
        }
        self.variant_order(path, label, od, nd);
        for (v, nv) in nd.variants.iter().filter(|(v, _)| !od.variants.contains_key(*v)) {
            let rule = if od.non_exhaustive {
                &r::RUST_VARIANT_ADDED_NON_EXHAUSTIVE
            } else {
                &r::RUST_VARIANT_ADDED
            };
            let msg = format!("new variant `{label}::{v}`");
            self.push(rule, &format!("{path}::{v}"), msg, None, Some(&nv.sig));
        }
    }

    /// Variants that moved in an enum deriving `PartialOrd`: derived comparisons follow the
    /// declaration order.
    fn variant_order(&mut self, path: &str, label: &str, od: &TypeDef, nd: &TypeDef) {
        let ordered = |s: &Surface, name: &str| s.impls.contains_key(&format!("impl PartialOrd for {name}"));
        if !ordered(self.old, path) || !ordered(self.new, &self.new.resolve(path)) {
            return;
        }
        let moved: Vec<String> = od
            .variants
            .iter()
            .filter_map(|(v, ov)| {
                let nv = nd.variants.get(v)?;
                (ov.index != nv.index).then(|| format!("`{v}` {} -> {}", ov.index, nv.index))
            })
            .collect();
        if !moved.is_empty() {
            let msg = format!("`{label}` (derives PartialOrd): variants moved: {}", moved.join(", "));
            self.push(&r::RUST_VARIANT_ORDER_CHANGED, path, msg, None, None);
        }
    }

    fn methods(&mut self, path: &str, label: &str, od: &TypeDef, nd: &TypeDef) {
        let builder = path.starts_with("builder::") || path.starts_with("types::builder::");
        let (removed, added, changed) = if builder {
            (&r::RUST_SETTER_REMOVED, &r::RUST_SETTER_ADDED, &r::RUST_SETTER_CHANGED)
        } else {
            (&r::RUST_FN_REMOVED, &r::RUST_FN_ADDED, &r::RUST_FN_CHANGED)
        };
        for (m, om) in &od.methods {
            let p = format!("{path}::{m}");
            let Some(nm) = nd.methods.get(m) else {
                let msg = format!("method `{label}::{m}` is gone");
                self.push(removed, &p, msg, Some(&om.sig), None);
                continue;
            };
            if self.sig_differs(om, nm) {
                let response = om.short.starts_with("-> ") && nm.short.starts_with("-> ");
                let rule = if builder && response {
                    &r::RUST_RESPONSE_TYPE_CHANGED
                } else {
                    changed
                };
                let msg = match (om.short.strip_prefix("-> "), nm.short.strip_prefix("-> ")) {
                    (Some(a), Some(b)) => format!("`{label}::{m}` returns {b}, was {a}"),
                    _ => format!("`{label}::{m}`: {} -> {}", om.short, nm.short),
                };
                self.push(rule, &p, msg, Some(&om.sig), Some(&nm.sig));
            }
            self.member_flags(&p, om, nm, &od.enabled, &nd.enabled);
        }
        for (m, nm) in nd.methods.iter().filter(|(m, _)| !od.methods.contains_key(*m)) {
            let msg = format!("new method `{label}::{m}` ({})", nm.short);
            self.push(added, &format!("{path}::{m}"), msg, None, Some(&nm.sig));
        }
    }

    /// Trait impls of the type `name` (canonical) of `s`: trait (in the new client's terms)
    /// -> (the impl as written, the features it compiles under).
    fn impls_of(&self, name: &str, is_old: bool) -> BTreeMap<String, (&'a String, &'a Enabled)> {
        let (s, index) = if is_old {
            (self.old, &self.old_impls)
        } else {
            (self.new, &self.new_impls)
        };
        // In the new client's terms, as signatures are compared.
        let canon = |t: &str| {
            if is_old {
                self.new.canon_from(self.old, t)
            } else {
                self.new.canon(t)
            }
        };
        index
            .get(name)
            .into_iter()
            .flatten()
            .map(|(tr, ty, k, e)| {
                let ty = if s.resolve(ty) == name {
                    "Self".to_string()
                } else {
                    canon(ty)
                };
                (format!("{} for {ty}", canon(tr)), (*k, *e))
            })
            .collect()
    }

    /// Impls of one type in both clients.
    fn type_impls(&mut self, oc: &str, nc: &str, od: &TypeDef, nd: &TypeDef) {
        let o = self.impls_of(oc, true);
        let n = self.impls_of(nc, false);
        // The client's own traits: one that went or came is the trait's change, not the impl's.
        let trait_name = |key: &str| key.split(['<', ' ']).next().unwrap_or(key).to_string();
        let ours = |key: &str| {
            let t = trait_name(key);
            self.old.traits.contains_key(&t) || self.new.traits.contains_key(&t)
        };
        for (tr, (k, e)) in &o {
            match n.get(tr) {
                None if ours(tr) && !self.new.traits.contains_key(&trait_name(tr)) => {}
                // An impl naming a type that went (a pruned builder) is that type's change.
                None if !names_exist(self.new, k) => {}
                None => {
                    let msg = format!("`{k}` is gone");
                    self.push(&r::RUST_IMPL_REMOVED, k, msg, Some(k), None);
                }
                // An impl compiles with its type unless it has a cfg of its own.
                Some((_, ne)) if **e != od.enabled || **ne != nd.enabled => self.cfg(k, e, ne),
                Some(_) => {}
            }
        }
        for (tr, (k, _)) in n.iter().filter(|(t, _)| !o.contains_key(*t)) {
            if (ours(tr) && !self.old.traits.contains_key(&trait_name(tr))) || !names_exist(self.old, k) {
                continue;
            }
            let msg = format!("new `{k}`");
            self.push(&r::RUST_IMPL_ADDED, k, msg, None, Some(k));
        }
    }

    fn values(&mut self) {
        let (old, new) = (self.old, self.new);
        for (p, ov) in &old.values {
            match new.values.get(p) {
                None => self.push(&r::RUST_FN_REMOVED, p, format!("`{p}` is gone"), Some(&ov.sig), None),
                Some(nv) => {
                    if self.sig_differs(ov, nv) {
                        let msg = format!("`{p}`: {} -> {}", ov.short, nv.short);
                        self.push(&r::RUST_FN_CHANGED, p, msg, Some(&ov.sig), Some(&nv.sig));
                    }
                    self.member_flags(p, ov, nv, &None, &None);
                }
            }
        }
        for (p, nv) in new.values.iter().filter(|(p, _)| !old.values.contains_key(*p)) {
            self.push(&r::RUST_FN_ADDED, p, format!("new `{p}`"), None, Some(&nv.sig));
        }
    }
}

/// The type an impl belongs to: its self type when the client defines it, else the first type
/// of the client its trait mentions (`impl From<types::X> for Option<types::Y>` is `X`'s).
fn owner(s: &Surface, tr: &str, ty: &str) -> Option<String> {
    if s.has(ty) || s.types.contains_key(ty) {
        return Some(s.resolve(ty));
    }
    let mut first = None;
    super::surface::map_names(tr, |n| {
        first.get_or_insert_with(|| s.resolve(n));
        n.to_string()
    });
    first
}

/// Whether `s` has every type name `text` mentions.
fn names_exist(s: &Surface, text: &str) -> bool {
    let mut ok = true;
    super::surface::map_names(text, |n| {
        ok &= s.has(n);
        n.to_string()
    });
    ok
}
