//! Which client methods a change affects: the methods whose request builder, response or error
//! bodies reach the changed item through the types' fields and variants.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::RustChange;
use super::surface::{Surface, map_names};
use crate::generate::model;

/// Item (a canonical type name, a request builder, a trait, `feature X`) -> client methods.
struct Users(BTreeMap<String, BTreeSet<String>>);

/// The local names a signature or path mentions, as `s` resolves them.
fn names(s: &Surface, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    map_names(text, |n| {
        out.push(s.resolve(n));
        n.to_string()
    });
    out
}

/// Type name -> the names its definition mentions (fields, variants, alias target, and the
/// typify builder of the same name).
fn graph(s: &Surface) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, def) in &s.types {
        let e = g.entry(name.clone()).or_default();
        for m in def.fields.values().chain(def.variants.values()) {
            e.extend(names(s, &m.sig));
        }
        if let Some(rest) = name.strip_prefix("types::") {
            let b = format!("types::builder::{rest}");
            if s.types.contains_key(&b) {
                e.insert(b);
            }
        }
    }
    for (name, a) in &s.aliases {
        g.entry(name.clone()).or_default().extend(names(s, &a.sig));
    }
    g
}

impl Users {
    fn of(s: &Surface, ops: &[model::Operation]) -> Users {
        let g = graph(s);
        let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (m, (t, builder)) in &s.methods {
            let mut roots = vec![builder.clone()];
            if let Some(def) = s.types.get(builder) {
                for f in def.methods.values() {
                    roots.extend(names(s, &f.sig));
                }
            }
            for op in ops.iter().filter(|o| o.method_name == *m) {
                let errors = op.errors.iter().filter_map(|e| e.schema.as_deref());
                roots.extend(errors.map(|e| s.resolve(&format!("types::{}", model::type_name(e)))));
            }
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut queue: VecDeque<String> = roots.into();
            while let Some(n) = queue.pop_front() {
                if seen.insert(n.clone()) {
                    queue.extend(g.get(&n).into_iter().flatten().cloned());
                }
            }
            for n in seen {
                users.entry(n).or_default().insert(m.clone());
            }
            users.entry(t.clone()).or_default().insert(m.clone());
            let member = s
                .traits
                .get(t)
                .and_then(|d| d.methods.get(m))
                .or_else(|| s.types.get(t).and_then(|d| d.methods.get(m)));
            let enabled = member.and_then(|mm| mm.enabled.clone());
            for f in enabled.into_iter().flatten() {
                users.entry(format!("feature {f}")).or_default().insert(m.clone());
            }
        }
        Users(users)
    }

    fn get(&self, key: &str) -> impl Iterator<Item = &String> {
        self.0.get(key).into_iter().flatten()
    }

    /// The methods a change of `s` affects.
    fn of_change(&self, s: &Surface, c: &RustChange) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        // A client method itself (`Trait::method`).
        if let Some((owner, m)) = c.path.rsplit_once("::")
            && s.traits.contains_key(owner)
            && s.methods.contains_key(m)
        {
            out.insert(m.to_string());
            return out;
        }
        out.extend(self.get(&c.path).cloned());
        let owners = names(s, &c.path);
        for n in &owners {
            out.extend(self.get(n).cloned());
        }
        // What this client has but no method reaches by itself (an ErrorBody variant): what
        // its types reach.
        let here = owners.iter().any(|n| s.has(n)) || s.types.contains_key(c.path.split("::").next().unwrap_or(""));
        if out.is_empty() && here {
            for sig in [&c.old, &c.new].into_iter().flatten() {
                for n in names(s, sig) {
                    out.extend(self.get(&n).cloned());
                }
            }
        }
        out
    }
}

/// Fills each change's `methods` from both clients.
pub(super) fn attach(
    old: &Surface,
    old_ops: &[model::Operation],
    new: &Surface,
    new_ops: &[model::Operation],
    changes: &mut [RustChange],
) {
    let (a, b) = (Users::of(old, old_ops), Users::of(new, new_ops));
    for c in changes.iter_mut() {
        let mut methods: BTreeSet<String> = c.methods.drain(..).collect();
        methods.extend(a.of_change(old, c));
        methods.extend(b.of_change(new, c));
        c.methods = methods.into_iter().collect();
    }
}
