//! The public surface of a generated client, per tag, as readable text.
//!
//! Snapshot tests keep one such text per tag, so a spec update shows up as a short, readable diff
//! (methods, parameters, success and error types, and the fields of the types the tag's
//! operations take and return) instead of a 100k-line diff of generated code.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{ImplItem, Item};

use super::model::{Operation, type_name};

/// Tag -> description of every operation of that tag (operations without a tag under `untagged`).
pub fn surface(file: &syn::File, operations: &[Operation]) -> BTreeMap<String, String> {
    let builder_items: Vec<&Item> = file
        .items
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items.iter().collect()),
            _ => None,
        })
        .unwrap_or_default();
    let types = TypeIndex::of(file);
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut shown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in operations {
        let tag = op.tags.first().cloned().unwrap_or_else(|| "untagged".into());
        let shown = shown.entry(tag.clone()).or_default();
        let text = operation_text(op, &builder_items, &types, shown);
        out.entry(tag).or_default().push_str(&text);
    }
    for (tag, names) in shown {
        let text = out.entry(tag).or_default();
        for name in names {
            text.push_str(&types.describe(&name));
        }
    }
    out
}

/// One operation: its line, its builder's parameters, form fields, success type and errors.
/// The types it mentions go to `shown` (described after the tag's operations).
fn operation_text(op: &Operation, builder_items: &[&Item], types: &TypeIndex<'_>, shown: &mut Vec<String>) -> String {
    let mut text = format!("{}  {} {}", op.method_name, op.method.to_ascii_uppercase(), op.path);
    if !op.scopes.is_empty() {
        text.push_str(&format!("  [{}]", op.scopes.join(", ")));
    }
    if op.beta {
        text.push_str("  (beta)");
    }
    text.push('\n');
    if let Some(Item::Struct(s)) = builder_items
        .iter()
        .find(|i| matches!(i, Item::Struct(s) if s.ident == op.builder))
    {
        for f in s.fields.iter() {
            let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            if name == "client" || name == "form" {
                continue;
            }
            let (ty, required) = param_type(&f.ty);
            types.note(&ty, shown);
            text.push_str(&format!(
                "  {name}: {ty}{}\n",
                if required { " (required)" } else { "" }
            ));
        }
    }
    let imp = builder_items.iter().find_map(|i| match i {
        Item::Impl(imp)
            if imp.trait_.is_none()
                && super::syntax::self_ident(&imp.self_ty).as_deref() == Some(op.builder.as_str()) =>
        {
            Some(imp)
        }
        _ => None,
    });
    if let Some(imp) = imp {
        if op.multipart {
            text.push_str(&form_lines(imp));
        }
        if let Some(send) = imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send_with_response" => Some(f),
            _ => None,
        }) {
            let ty = simplify(&success(&send.sig.output));
            types.note(&ty, shown);
            text.push_str(&format!("  -> {ty}\n"));
        }
    }
    if !op.errors.is_empty() {
        let errs: Vec<String> = op
            .errors
            .iter()
            .map(|e| match &e.schema {
                Some(s) => format!("{} {}", e.status, type_name(s)),
                None => e.status.clone(),
            })
            .collect();
        text.push_str(&format!("  errors: {}\n", errs.join(", ")));
    }
    text
}

/// `form <setter>: <type>` for each form-field setter of a multipart builder.
fn form_lines(imp: &syn::ItemImpl) -> String {
    let mut text = String::new();
    for item in &imp.items {
        if let ImplItem::Fn(f) = item
            && tokens(&f.block).contains("self . form .")
        {
            let arg = f.sig.inputs.iter().nth(1).map(tokens).unwrap_or_default();
            let mut ty = simplify(arg.split_once(':').map_or("", |x| x.1));
            // A generic parameter reads as its bound: `V: Into<FilePart>`.
            for g in f.sig.generics.type_params() {
                let bound = simplify(&tokens(&g.bounds));
                ty = ty.replace(&g.ident.to_string(), &format!("impl {bound}"));
            }
            text.push_str(&format!("  form {}: {ty}\n", f.sig.ident));
        }
    }
    text
}

/// The structs of the `types` module (aliases resolved), to show their fields.
struct TypeIndex<'a> {
    structs: BTreeMap<String, &'a syn::ItemStruct>,
    aliases: BTreeMap<String, String>,
}

impl<'a> TypeIndex<'a> {
    fn of(file: &'a syn::File) -> Self {
        let mut index = TypeIndex {
            structs: BTreeMap::new(),
            aliases: BTreeMap::new(),
        };
        let items = file.items.iter().find_map(|i| match i {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        });
        for item in items.into_iter().flatten() {
            match item {
                Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                    index.structs.insert(s.ident.to_string(), s);
                }
                Item::Type(t) => {
                    if let Some(target) = super::syntax::self_ident(&t.ty) {
                        index.aliases.insert(t.ident.to_string(), target);
                    }
                }
                _ => {}
            }
        }
        index
    }

    fn resolve(&self, name: &str) -> String {
        let mut n = name.to_string();
        while let Some(next) = self.aliases.get(&n) {
            n = next.clone();
        }
        n
    }

    /// Adds the structs a parameter, body or response type names (a page's items too).
    fn note(&self, ty: &str, shown: &mut Vec<String>) {
        for word in ty.split(|c: char| !c.is_alphanumeric() && c != '_') {
            let name = self.resolve(word.trim_start_matches("builder::"));
            let Some(s) = self.structs.get(&name) else { continue };
            if !shown.contains(&name) {
                shown.push(name.clone());
            }
            // A page (`data: Vec<Item>`) shows its items.
            let data = s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == "data"));
            if let Some(f) = data {
                let item = simplify(&tokens(&f.ty));
                if let Some(inner) = item.strip_prefix("Vec<").and_then(|i| i.strip_suffix('>')) {
                    self.note(inner, shown);
                }
            }
        }
    }

    /// `Workflow` and its fields, one per line, with what they carry beyond their type.
    fn describe(&self, name: &str) -> String {
        let Some(s) = self.structs.get(name) else {
            return String::new();
        };
        let mut text = format!("type {name}\n");
        for f in &s.fields {
            let Some(field) = f.ident.as_ref() else { continue };
            let mut notes = Vec::new();
            let attrs = f.attrs.iter().map(tokens).collect::<Vec<_>>().join(" ");
            if attrs.contains("deprecated") {
                notes.push("deprecated");
            }
            if attrs.contains("string_or_number") {
                notes.push("string or number");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join(", "))
            };
            text.push_str(&format!("  .{field}: {}{notes}\n", simplify(&tokens(&f.ty))));
        }
        text
    }
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// `Result<Option<T>, String>` -> (T, false); `Result<T, String>` -> (T, true).
fn param_type(ty: &syn::Type) -> (String, bool) {
    let s = simplify(&tokens(ty));
    let inner = s
        .strip_prefix("Result<")
        .and_then(|x| x.strip_suffix(", String>"))
        .unwrap_or(&s)
        .to_string();
    match inner.strip_prefix("Option<").and_then(|x| x.strip_suffix('>')) {
        Some(t) => (t.to_string(), false),
        None => (inner, true),
    }
}

fn success(ret: &syn::ReturnType) -> String {
    let s = simplify(&tokens(ret));
    let s = s.trim_start_matches("->").trim();
    let s = s.strip_prefix("Result<").unwrap_or(s);
    let s = s.strip_prefix("ResponseValue<").unwrap_or(s);
    s.split(">, crate").next().unwrap_or(s).to_string()
}

/// Drops paths and spacing from a token string: `:: std :: string :: String` -> `String`.
fn simplify(s: &str) -> String {
    let mut out = s.replace(' ', "");
    for prefix in [
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::std::result::",
        "::std::convert::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::std::",
        "types::",
        "crate::multipart::",
    ] {
        out = out.replace(prefix, "");
    }
    out.replace(',', ", ")
        .replace("impl", "impl ")
        .replace("impl  ", "impl ")
        .replace("+?", " + ?")
}
