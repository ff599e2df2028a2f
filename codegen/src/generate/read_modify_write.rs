//! Pass `read-modify-write`: `UpdateWorkflowBody::from(&workflow)` (and `CreateWorkflowBody::from(&workflow)`).
//!
//! Changing one field of a resource means reading it, changing the field, and sending it back.
//! The spec gives the read and the update different types (`Workflow`, `UpdateWorkflowBody`) with
//! mostly the same fields, so without help a user copies every field by hand or goes through
//! JSON. For each update (`PUT`/`PATCH` with a JSON body) of a path that can also be read
//! (`GET` on the same path, else the items of `GET` on its collection), and each create (`POST`
//! on a collection whose items can be read), this pass writes `impl From<&Read> for Body` when
//! every field of the body can be filled from the read:
//! - same name and type: cloned; `T` into `Option<T>`: wrapped;
//! - structs of different types: converted field by field (their own `From`, written the same
//!   way), lists of them item by item;
//! - optional body fields whose read value has another shape (a response enum with a value the
//!   request does not take, like a setting's `DEFAULT`) are converted through their JSON form and
//!   left out when it does not fit: what is sent back is always something the body accepts;
//! - a body field the read lacks is left empty when optional; a required one prevents the impl;
//! - members neither type names (`extra`) are kept when a type is cloned whole (a node), and not
//!   carried from one type into another (a read's settings into the body's).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct};

use super::model::Operation;
use super::syntax::{first_type_argument, module, self_ident, type_is, type_path, types_module};

/// A field or element type, with aliases resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Option(Box<Ty>),
    Vec(Box<Ty>),
    /// A type of the `types` module.
    Named(String),
    /// Anything else (`String`, `bool`, `serde_json::Map<..>`), as token text.
    Other(String),
}

/// What the pass knows of the `types` module.
struct Types {
    structs: BTreeMap<String, ItemStruct>,
    /// Open string enums: name -> their catch-all variant.
    open_enums: BTreeMap<String, syn::Ident>,
    aliases: BTreeMap<String, String>,
}

/// Returns the `(read, body)` pairs that got a `From`.
pub(super) fn apply(file: &mut syn::File, operations: &[Operation]) -> Vec<(String, String)> {
    let pairs = pairs(file, operations);
    let Some(types_items) = types_module(file) else {
        return Vec::new();
    };
    let types = Types::of(types_items);
    let mut conv = Converter {
        types: &types,
        done: BTreeMap::new(),
        impls: Vec::new(),
    };
    let mut made = Vec::new();
    for (read, body) in pairs {
        if conv.struct_from(&read, &body) {
            made.push((read, body));
        }
    }
    let impls = std::mem::take(&mut conv.impls);
    types_items.extend(impls);
    made
}

/// `(read type, body type)` for each update operation whose path can be read.
fn pairs(file: &mut syn::File, operations: &[Operation]) -> Vec<(String, String)> {
    let Some(builders) = module(file, "builder") else {
        return Vec::new();
    };
    let builders: &[Item] = builders;
    let response_of = |builder: &str| -> Option<String> {
        let imp = super::syntax::inherent_impl(builders, builder)?;
        let send = imp.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == "send_unmapped" => Some(f),
            _ => None,
        })?;
        // `Result<ResponseValue<types::X>, Error<()>>` -> `X`
        let syn::ReturnType::Type(_, ret) = &send.sig.output else {
            return None;
        };
        let value = first_type_argument(first_type_argument(ret)?)?;
        types_path_name(value, "types")
    };
    let blank = |path: &str| -> String {
        path.split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut out = Vec::new();
    for op in operations.iter().filter(|o| o.method == "put" || o.method == "patch") {
        let Some(body) = body_type(builders, &op.builder) else {
            continue;
        };
        let path = blank(&op.path);
        let parent = path.rsplit_once("/{}").map(|(p, _)| p.to_string());
        let read_op = operations.iter().find(|o| o.method == "get" && blank(&o.path) == path);
        let read = match read_op.and_then(|o| response_of(&o.builder)) {
            Some(r) => Some(r),
            None => operations
                .iter()
                .find(|o| o.method == "get" && Some(blank(&o.path)) == parent)
                .and_then(|o| response_of(&o.builder))
                .map(|page| format!("{page}::data[]")),
        };
        if let Some(read) = read {
            out.push((read, body));
        }
    }
    // A create (`POST` on a collection) from a read of one of its items: copying a resource to
    // another instance or project (`CreateWorkflowBody::from(&workflow)`).
    for op in operations.iter().filter(|o| o.method == "post") {
        let Some(body) = body_type(builders, &op.builder) else {
            continue;
        };
        let item = format!("{}/{{}}", blank(&op.path));
        let read = operations
            .iter()
            .find(|o| o.method == "get" && blank(&o.path) == item)
            .and_then(|o| response_of(&o.builder));
        if let Some(read) = read {
            out.push((read, body));
        }
    }
    out
}

/// `X` of a type path `..::<module>::X` (`types::X`, `types::builder::X`), or of a `Vec` of
/// one (a list body: `Vec<types::UpdateExecutionTagsBodyItem>`).
fn types_path_name(ty: &syn::Type, module: &str) -> Option<String> {
    let ty = match type_is(ty, &["std", "vec", "Vec"]) || type_is(ty, &["Vec"]) {
        true => first_type_argument(ty)?,
        false => ty,
    };
    let path = type_path(ty)?;
    match path.as_slice() {
        [.., m, name] if m == module => Some(name.clone()),
        _ => None,
    }
}

/// The JSON body type of a request builder (`body: Result<types::builder::X, String>`).
fn body_type(builders: &[Item], builder: &str) -> Option<String> {
    builders.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == builder => match &s.fields {
            Fields::Named(f) => f
                .named
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))
                // `Result<types::builder::X, String>` (or a list of `types::X`) -> `X`
                .and_then(|f| {
                    let ty = first_type_argument(&f.ty)?;
                    types_path_name(ty, "builder").or_else(|| types_path_name(ty, "types"))
                }),
            _ => None,
        },
        _ => None,
    })
}

impl Types {
    fn of(items: &[Item]) -> Self {
        let mut t = Types {
            structs: BTreeMap::new(),
            open_enums: BTreeMap::new(),
            aliases: BTreeMap::new(),
        };
        for item in items {
            match item {
                Item::Struct(s) if matches!(s.fields, Fields::Named(_)) => {
                    t.structs.insert(s.ident.to_string(), s.clone());
                }
                Item::Enum(e) => {
                    let catch_all = e.variants.iter().find(|v| {
                        v.ident.to_string().starts_with("Unrecognized")
                            && v.fields.iter().any(|f| type_is(&f.ty, &["std", "string", "String"]))
                    });
                    if let Some(v) = catch_all {
                        t.open_enums.insert(e.ident.to_string(), v.ident.clone());
                    }
                }
                Item::Type(a) => {
                    if let Some(target) = self_ident(&a.ty) {
                        t.aliases.insert(a.ident.to_string(), target);
                    }
                }
                _ => {}
            }
        }
        t
    }

    fn resolve(&self, name: &str) -> String {
        let mut n = name.to_string();
        for _ in 0..8 {
            match self.aliases.get(&n) {
                Some(next) => n = next.clone(),
                None => break,
            }
        }
        n
    }

    fn ty(&self, ty: &syn::Type) -> Ty {
        if let syn::Type::Path(p) = ty
            && let Some(last) = p.path.segments.last()
        {
            let arg = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                }),
                _ => None,
            };
            match (last.ident.to_string().as_str(), arg) {
                ("Option", Some(inner)) => return Ty::Option(Box::new(self.ty(inner))),
                ("Vec", Some(inner)) => return Ty::Vec(Box::new(self.ty(inner))),
                (name, None) if p.path.segments.len() == 1 => return Ty::Named(self.resolve(name)),
                _ => {}
            }
        }
        Ty::Other(quote::ToTokens::to_token_stream(ty).to_string())
    }

    /// The named fields of struct `name`: (ident, type, has a serde default).
    fn fields(&self, name: &str) -> Option<Vec<(syn::Ident, Ty, bool)>> {
        let s = self.structs.get(name)?;
        let Fields::Named(f) = &s.fields else { return None };
        Some(
            f.named
                .iter()
                .filter_map(|f| {
                    let defaulted = super::syntax::serde_args(&f.attrs)
                        .iter()
                        .any(|m| m.path().is_ident("default"));
                    Some((f.ident.clone()?, self.ty(&f.ty), defaulted))
                })
                .collect(),
        )
    }

    fn derives_default(&self, name: &str) -> bool {
        self.structs
            .get(name)
            .is_some_and(|s| super::syntax::derives(&s.attrs, "Default"))
    }
}

struct Converter<'a> {
    types: &'a Types,
    /// `(from, to)` -> whether `From<&from> for to` exists (`None` while being written).
    done: BTreeMap<(String, String), Option<bool>>,
    impls: Vec<Item>,
}

impl Converter<'_> {
    /// Writes `impl From<&read> for body` (and what it needs); `read` may be `Page::data[]`, the
    /// items of a page's `data`.
    fn struct_from(&mut self, read: &str, body: &str) -> bool {
        let read = match read.strip_suffix("::data[]") {
            Some(page) => match self
                .types
                .fields(&self.types.resolve(page))
                .and_then(|f| f.into_iter().find(|(i, _, _)| i == "data").map(|(_, t, _)| t))
            {
                Some(Ty::Vec(item)) => match *item {
                    Ty::Named(n) => n,
                    _ => return false,
                },
                _ => return false,
            },
            None => self.types.resolve(read),
        };
        self.write_struct_from(&read, &self.types.resolve(body), body)
    }

    /// Writes `impl From<&from> for to`, naming `to` as `to_name` (the name its operation uses,
    /// when `to` is a deduplicated type's definition).
    fn write_struct_from(&mut self, from: &str, to: &str, to_name: &str) -> bool {
        if from == to {
            return true;
        }
        let key = (from.to_string(), to.to_string());
        match self.done.get(&key) {
            Some(Some(ok)) => return *ok,
            Some(None) => return false, // recursive: not attempted
            None => {}
        }
        let (Some(src), Some(dst)) = (self.types.fields(from), self.types.fields(to)) else {
            self.done.insert(key, Some(false));
            return false;
        };
        self.done.insert(key.clone(), None);
        let mut inits = Vec::new();
        for (name, dst_ty, defaulted) in &dst {
            // Members the read's type does not name are not the body's to carry: n8n's update
            // schemas are closed (`request/body/settings Unrecognized key(s)`, 400), and it
            // merges what it stores (settings) or keeps what a body leaves out. Within one type
            // (a node, cloned whole) they do travel: there a dropped member would be lost.
            if name == "extra" {
                inits.push(quote!(#name: Default::default()));
                continue;
            }
            let source = src.iter().find(|(n, _, _)| n == name);
            let optional = matches!(dst_ty, Ty::Option(_)) || *defaulted;
            let init = match source {
                Some((_, src_ty, _)) => {
                    let r = quote!(&value.#name);
                    self.total(&r, src_ty, dst_ty)
                        .or_else(|| optional.then(|| quote!(Default::default())))
                }
                None => optional.then(|| quote!(Default::default())),
            };
            match init {
                Some(init) => inits.push(quote!(#name: #init)),
                None => {
                    self.done.insert(key, Some(false));
                    return false;
                }
            }
        }
        let (from_id, to_id) = (format_ident!("{from}"), format_ident!("{to_name}"));
        let doc = format!(" A [`{to_name}`] holding what a [`{from}`] holds (read-modify-write).");
        self.impls.push(syn::parse_quote! {
            #[doc = #doc]
            impl ::std::convert::From<&#from_id> for #to_id {
                fn from(value: &#from_id) -> Self {
                    Self { #(#inits),* }
                }
            }
        });
        self.done.insert(key, Some(true));
        true
    }

    /// An expression of type `to` from `r`, a reference to a `from`, that always succeeds.
    fn total(&mut self, r: &TokenStream, from: &Ty, to: &Ty) -> Option<TokenStream> {
        if from == to {
            return Some(quote!(::std::clone::Clone::clone(#r)));
        }
        match (from, to) {
            (Ty::Option(f), Ty::Option(t)) => {
                let inner = self.partial(&quote!(v), f, t);
                Some(quote!((#r).as_ref().and_then(|v| #inner)))
            }
            (f, Ty::Option(t)) => Some(self.partial(r, f, t)),
            (Ty::Vec(f), Ty::Vec(t)) => {
                let each = self.total(&quote!(v), f, t)?;
                Some(quote!((#r).iter().map(|v| #each).collect()))
            }
            (Ty::Named(f), Ty::Named(t)) if self.types.structs.contains_key(f) => {
                let t_id = format_ident!("{t}");
                self.write_struct_from(f, t, t).then(|| quote!(#t_id::from(#r)))
            }
            (Ty::Option(f), Ty::Named(t)) if self.types.derives_default(t) => {
                let each = self.total(&quote!(v), f, to)?;
                Some(quote!((#r).as_ref().map(|v| #each).unwrap_or_default()))
            }
            _ => None,
        }
    }

    /// An expression of type `Option<to>` from `r`: `None` where the value does not fit.
    fn partial(&mut self, r: &TokenStream, from: &Ty, to: &Ty) -> TokenStream {
        if let Some(total) = self.total(r, from, to) {
            return quote!(Some(#total));
        }
        if let Ty::Option(f) = from {
            let inner = self.partial(&quote!(v), f, to);
            return quote!((#r).as_ref().and_then(|v| #inner));
        }
        match to {
            Ty::Named(t) if self.types.open_enums.contains_key(t) => {
                let (t_id, other) = (format_ident!("{t}"), &self.types.open_enums[t]);
                quote!(crate::support::convert::<_, #t_id>(#r).filter(|v| !matches!(v, #t_id::#other(_))))
            }
            _ => quote!(crate::support::convert(#r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn updates_are_built_from_what_was_read() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct Workflow {
                    pub id: ::std::string::String,
                    pub name: ::std::string::String,
                    pub settings: ::std::option::Option<WorkflowSettings>,
                    pub tags: ::std::vec::Vec<Tag>,
                }
                #[derive(Default)]
                pub struct WorkflowSettings { pub mode: ::std::option::Option<WorkflowSettingsMode> }
                pub enum WorkflowSettingsMode { Default, All, Unrecognized(::std::string::String) }
                #[derive(Default)]
                pub struct UpdateBodySettings { pub mode: ::std::option::Option<UpdateBodySettingsMode> }
                pub enum UpdateBodySettingsMode { All, Unrecognized(::std::string::String) }
                pub struct UpdateBody {
                    pub name: ::std::string::String,
                    pub settings: UpdateBodySettings,
                    pub description: ::std::option::Option<::std::string::String>,
                }
                pub struct Tag { pub id: ::std::string::String }
                pub struct NeedsMore { pub owner: ::std::string::String }
            }
            pub mod builder {
                pub struct GetWorkflow<'a> { client: &'a super::Client }
                impl<'a> GetWorkflow<'a> {
                    async fn send_unmapped(self) -> Result<ResponseValue<types::Workflow>, Error<()>> { todo!() }
                }
                pub struct UpdateWorkflow<'a> { body: Result<types::builder::UpdateBody, String> }
                pub struct MoveWorkflow<'a> { body: Result<types::builder::NeedsMore, String> }
            }
        })
        .unwrap();
        let op = super::super::model::Operation::sample;
        let ops = [
            op("getWorkflow", "get", "/workflows/{id}"),
            op("updateWorkflow", "put", "/workflows/{workflowId}"),
            op("moveWorkflow", "patch", "/workflows/{id}"),
        ];
        let made = super::apply(&mut file, &ops);
        assert_eq!(made, [("Workflow".to_string(), "UpdateBody".to_string())]);
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }
}
