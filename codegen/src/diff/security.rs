//! Authentication: the security schemes a spec defines, the requirements of the whole document
//! (`security`) and of each operation that states its own.
//!
//! A requirement is a list of alternatives; each alternative is a set of schemes used together
//! (with scopes). An empty alternative, or no requirement at all, means anonymous requests are
//! accepted. An alternative that goes away refuses requests that used to work; one that appears
//! only accepts more.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Change;
use super::operations::Op;
use super::rules::{self, Rule};

/// Alternative (its schemes joined with ` + `, or `anonymous`) -> scheme -> scopes.
type Alternatives = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn alternatives(requirement: Option<&Value>) -> Alternatives {
    let mut out = Alternatives::new();
    let list = requirement.and_then(Value::as_array).cloned().unwrap_or_default();
    if list.is_empty() {
        out.insert("anonymous".into(), BTreeMap::new());
    }
    for alt in &list {
        let schemes: BTreeMap<String, BTreeSet<String>> = alt
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, scopes)| {
                let scopes = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect();
                (name.clone(), scopes)
            })
            .collect();
        let key = if schemes.is_empty() {
            "anonymous".to_string()
        } else {
            schemes.keys().cloned().collect::<Vec<_>>().join(" + ")
        };
        out.insert(key, schemes);
    }
    out
}

/// Changes between two requirements, for one operation (`op`) or for the document (`None`).
fn compare(old: Option<&Value>, new: Option<&Value>, op: Option<&Op>, out: &mut Vec<Change>) {
    let (a, b) = (alternatives(old), alternatives(new));
    let whom = if op.is_some() {
        "the operation"
    } else {
        "every operation without its own `security`"
    };
    let mut emit = |rule: &'static Rule, key: &str, message: String| {
        out.push(Change::new(rule, op, format!("security: {key}"), message));
    };
    for key in a.keys().filter(|k| !b.contains_key(*k)) {
        let what = if key == "anonymous" {
            "anonymous requests".to_string()
        } else {
            format!("`{key}`")
        };
        emit(
            &rules::SECURITY_REQUIREMENT_REMOVED,
            key,
            format!("{whom} no longer accepts {what}"),
        );
    }
    for key in b.keys().filter(|k| !a.contains_key(*k)) {
        emit(
            &rules::SECURITY_REQUIREMENT_ADDED,
            key,
            format!("{whom} also accepts `{key}`"),
        );
    }
    for (key, schemes) in a.iter().filter(|(k, _)| b.contains_key(*k)) {
        if *schemes != b[key] {
            let show = |m: &BTreeMap<String, BTreeSet<String>>| {
                m.values()
                    .map(|s| s.iter().cloned().collect::<Vec<_>>().join(", "))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            emit(
                &rules::SECURITY_SCOPES_CHANGED,
                key,
                format!("`{key}` scopes [{}] -> [{}]", show(schemes), show(&b[key])),
            );
        }
    }
}

/// An operation's own requirement, when either side states one (otherwise the document-level
/// comparison covers it, once).
pub(super) fn operation(
    old_doc: &Value,
    new_doc: &Value,
    old_op: &Value,
    new_op: &Value,
    n: &Op,
    out: &mut Vec<Change>,
) {
    let (a, b) = (old_op.get("security"), new_op.get("security"));
    if a.is_none() && b.is_none() {
        return;
    }
    let a = a.or_else(|| old_doc.get("security"));
    let b = b.or_else(|| new_doc.get("security"));
    compare(a, b, Some(n), out);
}

/// The document's `security` and its `components.securitySchemes`.
pub(super) fn document(old_doc: &Value, new_doc: &Value, out: &mut Vec<Change>) {
    compare(old_doc.get("security"), new_doc.get("security"), None, out);
    let schemes = |d: &Value| -> BTreeMap<String, Value> {
        d.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let (a, b) = (schemes(old_doc), schemes(new_doc));
    let mut emit = |rule: &'static Rule, name: &str, message: String| {
        out.push(Change::new(
            rule,
            None,
            format!("components.securitySchemes.{name}"),
            message,
        ));
    };
    for name in a.keys().filter(|k| !b.contains_key(*k)) {
        emit(
            &rules::SECURITY_SCHEME_REMOVED,
            name,
            format!("security scheme `{name}` was removed"),
        );
    }
    for name in b.keys().filter(|k| !a.contains_key(*k)) {
        emit(
            &rules::SECURITY_SCHEME_ADDED,
            name,
            format!("security scheme `{name}` was added"),
        );
    }
    // What a client must send: the scheme type, where and under which name, the HTTP scheme.
    let identity = |s: &Value| -> Vec<String> {
        ["type", "in", "name", "scheme"]
            .iter()
            .map(|k| {
                let v = s.get(*k).and_then(Value::as_str).unwrap_or("-");
                // Header names and HTTP schemes are case-insensitive.
                if matches!(*k, "scheme") || s.get("in").and_then(Value::as_str) == Some("header") && *k == "name" {
                    v.to_ascii_lowercase()
                } else {
                    v.to_string()
                }
            })
            .collect()
    };
    for (name, old) in a.iter().filter(|(k, _)| b.contains_key(*k)) {
        let (x, y) = (identity(old), identity(&b[name]));
        if x != y {
            emit(
                &rules::SECURITY_SCHEME_CHANGED,
                name,
                format!("security scheme `{name}` changed: {} -> {}", x.join(" "), y.join(" ")),
            );
        }
    }
}
