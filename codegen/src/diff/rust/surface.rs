//! The public API of a generated client, read from its syntax tree: every `pub` item of the
//! generated modules with its signature, the features that enable it and what it reaches.
//! Nothing here knows a generated name: it reads whatever the generator produced.

use std::collections::{BTreeMap, BTreeSet};

use syn::{Fields, ImplItem, Item, TraitItem};

use super::syntax::{self, Names, compact, qualify_type};

/// The features under which something compiles (`None`: always).
pub type Enabled = Option<BTreeSet<String>>;

/// A member of a type or trait: a field, a variant, a method.
#[derive(Debug, Clone)]
pub struct Member {
    /// What must stay equal for code using it to compile (qualified names, no argument names).
    pub sig: String,
    /// What a reader sees: a field's type, a setter's accepted type, a method's success type.
    pub short: String,
    /// The types it mentions, for following renamed types (field type, setter types, return).
    pub tys: Vec<syn::Type>,
    pub enabled: Enabled,
    pub deprecated: bool,
    /// A trait method with a default body (adding one breaks no implementor).
    pub has_default: bool,
    /// Declaration position (variants: derived orderings follow it).
    pub index: usize,
}

/// How a type is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Named fields, tuple fields or none.
    Struct(&'static str),
    Enum,
    Union,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub kind: Kind,
    pub generics: String,
    pub non_exhaustive: bool,
    pub deprecated: bool,
    pub enabled: Enabled,
    /// Public fields (tuple fields as `0`, `1`, ...).
    pub fields: BTreeMap<String, Member>,
    /// Some field is not public: no one outside can build it with a literal.
    pub private_fields: bool,
    pub variants: BTreeMap<String, Member>,
    /// Public inherent methods.
    pub methods: BTreeMap<String, Member>,
}

#[derive(Debug, Clone)]
pub struct TraitDef {
    pub header: String,
    pub enabled: Enabled,
    pub deprecated: bool,
    /// It has a supertrait named `Sealed`: no other crate can implement it.
    pub sealed: bool,
    pub methods: BTreeMap<String, Member>,
}

/// The public API of one generated client.
#[derive(Debug, Default)]
pub struct Surface {
    /// Generated cargo features (one per tag, and `full`).
    pub features: BTreeSet<String>,
    /// Structs, enums and unions by qualified name (`types::X`, `builder::X`, `ErrorBody`).
    pub types: BTreeMap<String, TypeDef>,
    /// `pub type A = T;` by qualified name.
    pub aliases: BTreeMap<String, Member>,
    pub traits: BTreeMap<String, TraitDef>,
    /// `impl Trait for Type` (and derives), qualified, with the features that enable them.
    pub impls: BTreeMap<String, Enabled>,
    /// Statics, constants and free functions.
    pub values: BTreeMap<String, Member>,
    /// Client method -> (trait, request builder type).
    pub methods: BTreeMap<String, (String, String)>,
}

/// Assignments of features to evaluate `cfg`s under: each feature alone (`full` with every
/// tag feature it enables).
struct Features {
    all: BTreeSet<String>,
}

impl Features {
    fn enabled(&self, preds: &[syn::Meta], parent: &Enabled) -> Enabled {
        if preds.is_empty() {
            return parent.clone();
        }
        let set: BTreeSet<String> = self
            .all
            .iter()
            .filter(|f| {
                let on: BTreeSet<String> = if *f == "full" {
                    self.all.clone()
                } else {
                    [f.to_string()].into()
                };
                preds.iter().all(|p| syntax::holds(p, &on))
            })
            .cloned()
            .collect();
        Some(match parent {
            Some(p) => set.intersection(p).cloned().collect(),
            None => set,
        })
    }
}

fn items_of(m: &syn::ItemMod) -> &[Item] {
    m.content.as_ref().map(|(_, i)| i.as_slice()).unwrap_or(&[])
}

fn names_in(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Union(u) => Some(u.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn child<'a>(items: &'a [Item], name: &str) -> Option<&'a syn::ItemMod> {
    items.iter().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

/// Reads the surface of a generated file; `features` are the generated cargo features.
pub fn read(file: &syn::File, features: BTreeSet<String>) -> Surface {
    let types = child(&file.items, "types");
    let names = Names {
        types: types.map(|m| names_in(items_of(m))).unwrap_or_default(),
        type_builders: types
            .and_then(|m| child(items_of(m), "builder"))
            .map(|m| names_in(items_of(m)))
            .unwrap_or_default(),
        builders: child(&file.items, "builder")
            .map(|m| names_in(items_of(m)))
            .unwrap_or_default(),
    };
    let mut reader = Reader {
        names,
        features: Features { all: features.clone() },
        surface: Surface {
            features,
            ..Default::default()
        },
    };
    reader.module(&file.items, "", &None);
    reader.client_methods();
    reader.surface
}

struct Reader {
    names: Names,
    features: Features,
    surface: Surface,
}

fn path(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

impl Reader {
    fn module(&mut self, items: &[Item], module: &str, parent: &Enabled) {
        // Definitions first, then their impl blocks (wherever the generator put them).
        let (impls, defs): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| matches!(i, Item::Impl(_)));
        for item in defs.into_iter().chain(impls) {
            match item {
                Item::Mod(m) if syntax::is_pub(&m.vis) => {
                    let enabled = self.features.enabled(&syntax::cfgs(&m.attrs), parent);
                    self.module(items_of(m), &path(module, &m.ident.to_string()), &enabled);
                }
                Item::Struct(s) if syntax::is_pub(&s.vis) => self.strukt(s, module, parent),
                Item::Enum(e) if syntax::is_pub(&e.vis) => self.enumeration(e, module, parent),
                Item::Type(t) if syntax::is_pub(&t.vis) => {
                    let ty = qualify_type(&t.ty, &self.names, module);
                    let member = self.member(compact(&ty), vec![ty], &t.attrs, parent);
                    self.surface.aliases.insert(path(module, &t.ident.to_string()), member);
                }
                Item::Trait(t) if syntax::is_pub(&t.vis) => self.trait_(t, module, parent),
                Item::Impl(i) => self.impl_(i, module, parent),
                Item::Static(s) if syntax::is_pub(&s.vis) => {
                    let ty = qualify_type(&s.ty, &self.names, module);
                    let m = self.member(format!("static {}", compact(&ty)), vec![ty], &s.attrs, parent);
                    self.surface.values.insert(path(module, &s.ident.to_string()), m);
                }
                Item::Const(c) if syntax::is_pub(&c.vis) => {
                    let ty = qualify_type(&c.ty, &self.names, module);
                    let m = self.member(format!("const {}", compact(&ty)), vec![ty], &c.attrs, parent);
                    self.surface.values.insert(path(module, &c.ident.to_string()), m);
                }
                Item::Fn(f) if syntax::is_pub(&f.vis) => {
                    let m = self.function(&f.sig, &f.attrs, module, parent);
                    self.surface.values.insert(path(module, &f.sig.ident.to_string()), m);
                }
                _ => {}
            }
        }
    }

    fn member(&self, sig: String, tys: Vec<syn::Type>, attrs: &[syn::Attribute], parent: &Enabled) -> Member {
        Member {
            short: sig.clone(),
            sig,
            tys,
            enabled: self.features.enabled(&syntax::cfgs(attrs), parent),
            deprecated: syntax::deprecated(attrs),
            has_default: false,
            index: 0,
        }
    }

    fn function(&self, sig: &syn::Signature, attrs: &[syn::Attribute], module: &str, parent: &Enabled) -> Member {
        let mut m = self.member(
            syntax::signature(sig, &self.names, module),
            syntax::signature_types(sig, &self.names, module),
            attrs,
            parent,
        );
        m.short = syntax::short(sig, &self.names, module);
        m
    }

    fn type_def(&self, kind: Kind, generics: &syn::Generics, attrs: &[syn::Attribute], parent: &Enabled) -> TypeDef {
        TypeDef {
            kind,
            generics: if generics.params.is_empty() {
                String::new()
            } else {
                compact(generics)
            },
            non_exhaustive: syntax::non_exhaustive(attrs),
            deprecated: syntax::deprecated(attrs),
            enabled: self.features.enabled(&syntax::cfgs(attrs), parent),
            fields: BTreeMap::new(),
            private_fields: false,
            variants: BTreeMap::new(),
            methods: BTreeMap::new(),
        }
    }

    fn derives(&mut self, name: &str, attrs: &[syn::Attribute], enabled: &Enabled) {
        for d in syntax::derives(attrs) {
            self.surface
                .impls
                .insert(format!("impl {d} for {name}"), enabled.clone());
        }
    }

    fn strukt(&mut self, s: &syn::ItemStruct, module: &str, parent: &Enabled) {
        let shape = match &s.fields {
            Fields::Named(_) => "named fields",
            Fields::Unnamed(_) => "tuple fields",
            Fields::Unit => "no fields",
        };
        let mut def = self.type_def(Kind::Struct(shape), &s.generics, &s.attrs, parent);
        for (i, f) in s.fields.iter().enumerate() {
            if !syntax::is_pub(&f.vis) {
                def.private_fields = true;
                continue;
            }
            let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_else(|| i.to_string());
            let ty = qualify_type(&f.ty, &self.names, module);
            let m = self.member(compact(&ty), vec![ty], &f.attrs, &def.enabled);
            def.fields.insert(name, m);
        }
        let name = path(module, &s.ident.to_string());
        self.derives(&name, &s.attrs, &def.enabled);
        self.surface.types.insert(name, def);
    }

    fn enumeration(&mut self, e: &syn::ItemEnum, module: &str, parent: &Enabled) {
        let mut def = self.type_def(Kind::Enum, &e.generics, &e.attrs, parent);
        for (index, v) in e.variants.iter().enumerate() {
            let tys: Vec<syn::Type> = v
                .fields
                .iter()
                .map(|f| qualify_type(&f.ty, &self.names, module))
                .collect();
            let sig = match &v.fields {
                Fields::Unit => "unit".to_string(),
                Fields::Unnamed(_) => format!("({})", tys.iter().map(compact).collect::<Vec<_>>().join(", ")),
                Fields::Named(_) => {
                    let named: Vec<String> = v
                        .fields
                        .iter()
                        .zip(&tys)
                        .map(|(f, t)| {
                            format!(
                                "{}: {}",
                                f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                                compact(t)
                            )
                        })
                        .collect();
                    format!("{{ {} }}", named.join(", "))
                }
            };
            let mut m = self.member(sig, tys, &v.attrs, &def.enabled);
            m.index = index;
            def.variants.insert(v.ident.to_string(), m);
        }
        let name = path(module, &e.ident.to_string());
        self.derives(&name, &e.attrs, &def.enabled);
        self.surface.types.insert(name, def);
    }

    fn trait_(&mut self, t: &syn::ItemTrait, module: &str, parent: &Enabled) {
        let enabled = self.features.enabled(&syntax::cfgs(&t.attrs), parent);
        let header = format!(
            "trait {}{}{}",
            t.ident,
            compact(&t.generics),
            if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", compact(&t.supertraits))
            }
        );
        let sealed = t.supertraits.iter().any(|b| {
            matches!(b, syn::TypeParamBound::Trait(tb) if tb.path.segments.last().is_some_and(|s| s.ident == "Sealed"))
        });
        let mut def = TraitDef {
            header,
            enabled: enabled.clone(),
            deprecated: syntax::deprecated(&t.attrs),
            sealed,
            methods: BTreeMap::new(),
        };
        for item in &t.items {
            if let TraitItem::Fn(f) = item {
                let mut m = self.function(&f.sig, &f.attrs, module, &enabled);
                m.has_default = f.default.is_some();
                def.methods.insert(f.sig.ident.to_string(), m);
            }
        }
        self.surface.traits.insert(path(module, &t.ident.to_string()), def);
    }

    fn impl_(&mut self, i: &syn::ItemImpl, module: &str, parent: &Enabled) {
        let enabled = self.features.enabled(&syntax::cfgs(&i.attrs), parent);
        let self_ty = qualify_type(&i.self_ty, &self.names, module);
        if let Some((trait_path, _)) = &i.trait_ {
            let tr = syntax::qualified(trait_path, &self.names, module, |v, p| {
                syn::visit_mut::VisitMut::visit_path_mut(v, p)
            });
            let key = format!("impl {} for {}", compact(&tr), compact(&self_ty));
            self.surface.impls.insert(key, enabled);
            return;
        }
        let Some(ident) = syntax::last_ident(&self_ty) else {
            return;
        };
        let owner = compact(strip_args(&self_ty)).trim_end().to_string();
        let owner = if self.surface.types.contains_key(&owner) {
            owner
        } else {
            path(module, &ident)
        };
        for item in &i.items {
            if let ImplItem::Fn(f) = item
                && syntax::is_pub(&f.vis)
            {
                let m = self.function(&f.sig, &f.attrs, module, &enabled);
                if let Some(def) = self.surface.types.get_mut(&owner) {
                    def.methods.insert(f.sig.ident.to_string(), m);
                }
            }
        }
    }

    /// Client method -> (its trait or type, the request builder it returns): every trait
    /// method, or inherent method (operations without a tag), whose return type is a request
    /// builder.
    fn client_methods(&mut self) {
        let traits = self.surface.traits.iter().map(|(t, d)| (t, &d.methods));
        let inherent = self.surface.types.iter().map(|(t, d)| (t, &d.methods));
        for (owner, methods) in traits.chain(inherent) {
            for (name, m) in methods {
                // A request builder, not a typify builder (`types::builder::X`) of a type.
                let ret = m.tys.last().map(|t| compact(strip_args(t)));
                if let Some(b) = ret.as_deref().and_then(|r| r.strip_prefix("builder::"))
                    && self.names.builders.contains(b)
                {
                    self.surface
                        .methods
                        .insert(name.clone(), (owner.clone(), format!("builder::{b}")));
                }
            }
        }
    }
}

/// `X<'a>` -> `X`.
fn strip_args(ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    if let syn::Type::Path(p) = &mut ty
        && let Some(last) = p.path.segments.last_mut()
    {
        last.arguments = syn::PathArguments::None;
    }
    ty
}

/// `types::X`, `types::builder::X` or `builder::X`: a name this client defines.
pub(super) fn is_local_name(s: &str) -> bool {
    let rest = s
        .strip_prefix("types::builder::")
        .or_else(|| s.strip_prefix("types::"))
        .or_else(|| s.strip_prefix("builder::"));
    rest.is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_alphanumeric() || c == '_'))
}

/// Replaces every local name in `s` (see [`is_local_name`]) by `f(name)`.
pub fn map_names(s: &str, mut f: impl FnMut(&str) -> String) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let boundary =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        let rest = &s[i..];
        let prefix = ["types::builder::", "types::", "builder::"]
            .into_iter()
            .find(|p| boundary && rest.starts_with(p));
        if let Some(p) = prefix {
            let ident = rest[p.len()..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len() - p.len());
            if ident > 0 {
                let name = &rest[..p.len() + ident];
                out.push_str(&f(name));
                i += name.len();
                continue;
            }
        }
        let c = rest.chars().next().expect("inside the string");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

impl Surface {
    /// A type name (struct, enum or alias) of this client.
    pub fn has(&self, name: &str) -> bool {
        self.types.contains_key(name) || self.aliases.contains_key(name)
    }

    /// The type `name` denotes, through aliases of plain names.
    pub fn resolve(&self, name: &str) -> String {
        let mut n = name.to_string();
        for _ in 0..16 {
            match self.aliases.get(&n) {
                Some(a) if is_local_name(&a.sig) => n = a.sig.clone(),
                _ => break,
            }
        }
        n
    }

    /// `s` (a signature of this client) with every name replaced by the type it denotes.
    pub fn canon(&self, s: &str) -> String {
        map_names(s, |n| self.resolve(n))
    }

    /// `s`, a signature of the `old` client, in this client's terms: a name this client still
    /// has denotes what it denotes here; a name it lost, what the old one denoted.
    pub fn canon_from(&self, old: &Surface, s: &str) -> String {
        map_names(s, |n| {
            if self.has(n) {
                self.resolve(n)
            } else {
                self.resolve(&old.resolve(n))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_mapped_whole() {
        let got = map_names(
            "Option<types::A>, types::builder::B, builder::C<'a>::send, xtypes::D, types::E.id",
            |n| format!("[{n}]"),
        );
        assert_eq!(
            got,
            "Option<[types::A]>, [types::builder::B], [builder::C]<'a>::send, xtypes::D, [types::E].id"
        );
    }
}
