//! The generated types keep what the spec says: every enum value the spec names has a named
//! variant (never only the `Unrecognized` catch-all), and no merge of schemas (one type per
//! resource, repeated inline copies) gives an answer or a body a type that rejects or loses what
//! the schema it replaces allowed. Checked on the pinned spec and every kept release.

use std::collections::{BTreeMap, BTreeSet};

use n8n_api_codegen::{load, normalize, pipeline};
use serde_json::Value;

/// The pinned spec directory and every kept release's.
fn spec_dirs() -> Vec<std::path::PathBuf> {
    n8n_api_tests::specs().all().unwrap()
}

/// Every string enum of `doc` (its values), with where it is.
fn spec_enums(doc: &Value) -> Vec<(String, BTreeSet<String>)> {
    fn walk(v: &Value, at: &str, out: &mut Vec<(String, BTreeSet<String>)>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(values)) = map.get("enum")
                    && values.iter().all(Value::is_string)
                {
                    let set: BTreeSet<String> = values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
                    out.push((at.to_string(), set));
                }
                for (k, child) in map {
                    if !["example", "examples", "default", "enum"].contains(&k.as_str()) {
                        walk(child, &format!("{at}/{k}"), out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "", &mut out);
    out
}

/// Every Rust enum of the generated client: its name and the wire names of its named variants
/// (a variant's `#[serde(rename = "..")]`, else its name).
fn rust_enums(code: &str) -> BTreeMap<String, BTreeSet<String>> {
    let file = syn::parse_file(code).expect("the generated client parses");
    let mut out = BTreeMap::new();
    fn visit(items: &[syn::Item], out: &mut BTreeMap<String, BTreeSet<String>>) {
        for item in items {
            match item {
                syn::Item::Enum(e) => {
                    let names = e
                        .variants
                        .iter()
                        .filter(|v| !v.ident.to_string().starts_with("Unrecognized"))
                        .map(|v| rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()))
                        .collect();
                    out.insert(e.ident.to_string(), names);
                }
                syn::Item::Mod(m) => visit(m.content.as_ref().map_or(&[][..], |(_, i)| i), out),
                _ => {}
            }
        }
    }
    visit(&file.items, &mut out);
    out
}

fn rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let text = quote::ToTokens::to_token_stream(a).to_string();
        let rest = text.split("rename = \"").nth(1)?;
        Some(rest.split('"').next()?.to_string())
    })
}

/// Every value of every string enum of the normalized spec is the wire name of a named variant
/// of one Rust enum that has all of that enum's values. (A spec enum whose values no single Rust
/// enum names lost values: typify named two different inline enums alike and kept the first.)
#[test]
fn every_enum_value_the_spec_names_has_a_named_variant() {
    let mut enums_checked = 0;
    let mut values_checked = 0;
    for dir in spec_dirs() {
        let output = pipeline::run_dir(&dir, "test").unwrap();
        let release = output.n8n_version.clone().unwrap_or_default();
        let rust = rust_enums(&output.code);
        let mut missing = Vec::new();
        for (at, values) in spec_enums(&output.normalized) {
            // Yes/no strings are `bool`s (rule `boolean-parameters`).
            if values.iter().all(|v| v == "true" || v == "false") {
                continue;
            }
            enums_checked += 1;
            values_checked += values.len();
            if !rust.values().any(|named| values.is_subset(named)) {
                let best = rust
                    .iter()
                    .max_by_key(|(_, named)| values.intersection(named).count())
                    .map(|(n, named)| format!("{n} names {named:?}"))
                    .unwrap_or_default();
                missing.push(format!("{at}: {values:?} (closest: {best})"));
            }
        }
        assert!(
            missing.is_empty(),
            "n8n {release}: enum values without a named variant:\n{}",
            missing.join("\n")
        );
    }
    eprintln!("{enums_checked} enums, {values_checked} values, all named");
    assert!(enums_checked > 500, "only {enums_checked} enums checked");
}

/// `a` accepts everything `b` allows, and loses nothing of it: every property of `b` is in `a`
/// with a schema that accepts `b`'s, `a` requires only what `b` requires, is nullable where `b`
/// is, names every enum value `b` names, and agrees on type and format. Differences go to
/// `found`, with where.
fn accepts(ad: &Value, a: &Value, bd: &Value, b: &Value, at: &str, depth: usize, found: &mut Vec<String>) {
    let (a, b) = (resolve(ad, a), resolve(bd, b));
    if depth > 12 {
        return;
    }
    let get = |s: &Value, k: &str| s.get(k).cloned();
    let t = |s: &Value| s.get("type").and_then(Value::as_str).map(str::to_string);
    if let (Some(ta), Some(tb)) = (t(a), t(b))
        && ta != tb
        && !(ta == "number" && tb == "integer")
        && !(ta == "string" && a.get("x-n8n-api-string-or-number").is_some())
    {
        found.push(format!("{at}: type {tb} became {ta}"));
    }
    if let (Some(fa), Some(fb)) = (get(a, "format"), get(b, "format"))
        && fa != fb
    {
        found.push(format!("{at}: format {fb} became {fa}"));
    }
    if b.get("nullable") == Some(&Value::Bool(true)) && a.get("nullable") != Some(&Value::Bool(true)) {
        found.push(format!("{at}: nullable no more"));
    }
    if let (Some(Value::Array(ea)), Some(Value::Array(eb))) = (get(a, "enum"), get(b, "enum")) {
        let lost: Vec<&Value> = eb.iter().filter(|v| !ea.contains(v)).collect();
        if !lost.is_empty() {
            found.push(format!("{at}: enum values lost {lost:?}"));
        }
    }
    let required = |s: &Value| -> BTreeSet<String> {
        s.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    if let Some(Value::Object(pb)) = b.get("properties") {
        let pa = a.get("properties").and_then(Value::as_object);
        // A free-form object (no properties) keeps every member as it is.
        let open = pa.is_none() || a.get("additionalProperties").is_some_and(|x| x != &Value::Bool(false));
        for (name, sb) in pb {
            match pa.and_then(|p| p.get(name)) {
                Some(sa) => accepts(ad, sa, bd, sb, &format!("{at}.{name}"), depth + 1, found),
                None if open => {}
                None => found.push(format!("{at}: property {name} lost")),
            }
        }
        let extra: Vec<String> = required(a).difference(&required(b)).cloned().collect();
        // A property the merged type requires but this member may leave out; but for the
        // server-assigned id, which `resource-types` requires on purpose (older components leave
        // it out of `required` because requests share them; every answer carries it).
        let server_id = |n: &str| {
            n == "id"
                && pb
                    .get(n)
                    .is_some_and(|p| resolve(bd, p).get("readOnly") == Some(&Value::Bool(true)))
        };
        let extra: Vec<&String> = extra.iter().filter(|n| pb.contains_key(*n) && !server_id(n)).collect();
        if !extra.is_empty() {
            found.push(format!("{at}: requires {extra:?}, which it may leave out"));
        }
    }
    if let (Some(ia), Some(ib)) = (a.get("items"), b.get("items")) {
        accepts(ad, ia, bd, ib, &format!("{at}[]"), depth + 1, found);
    }
}

fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| doc.pointer(r.trim_start_matches('#')))
        {
            Some(next) => v = next,
            None => break,
        }
    }
    v
}

/// The schemas of every JSON answer and body: `(METHOD path status|body, schema)`.
fn bodies(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("{} {path}", method.to_uppercase());
            if let Some(s) = op.pointer("/requestBody/content/application~1json/schema") {
                out.push((format!("{at} body"), s));
            }
            for (status, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                if let Some(s) = r.pointer("/content/application~1json/schema") {
                    out.push((format!("{at} {status}"), s));
                }
            }
        }
    }
    out
}

/// The rules that put several schemas under one type: each answer and body accepts, after the
/// rule, all it accepted before.
#[test]
fn merged_schemas_accept_every_member() {
    const MERGES: &[&str] = &["resource-types", "repeated-schemas", "variant-types"];
    let mut compared = 0;
    for dir in spec_dirs() {
        let spec = load::from_path(&dir.join("openapi.yml")).unwrap();
        let mut doc = spec.document.clone();
        let mut found = Vec::new();
        for rule in normalize::RULES {
            let before = doc.clone();
            normalize::apply_rule(rule.name, &mut doc);
            if !MERGES.contains(&rule.name) {
                continue;
            }
            let after: BTreeMap<String, &Value> = bodies(&doc).into_iter().collect();
            for (at, b) in bodies(&before) {
                if let Some(a) = after.get(&at) {
                    compared += 1;
                    let mut here = Vec::new();
                    accepts(&doc, a, &before, b, &at, 0, &mut here);
                    found.extend(here.into_iter().map(|f| format!("{}: {f}", rule.name)));
                }
            }
        }
        assert!(found.is_empty(), "{}:\n{}", dir.display(), found.join("\n"));
    }
    eprintln!("{compared} answers and bodies compared across the merges");
    assert!(compared > 1000, "only {compared} compared");
}
