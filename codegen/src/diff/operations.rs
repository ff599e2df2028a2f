//! Operations of two specs: matched, then compared (parameters, bodies, responses).
//!
//! Matching, in order: method and path template with parameter names blanked
//! (`/workflows/{id}` = `/workflows/{workflowId}`: a rename, not a removal plus an addition);
//! then the operation id (`operationId`, else `x-eov-operation-id`) for what moved. Two templated
//! paths of one spec that differ only in parameter names (n8n 2.35-2.40 has `/tags/{id}` and
//! `/tags/{tagId}`) fall back to the exact path, then to the operation id.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Change;
use super::rules::{self, Rule};
use super::schema::{Finding, SchemaDiff, Side};
use crate::openapi::METHODS;

#[derive(Debug, Clone)]
pub(super) struct Op<'a> {
    pub method: String,
    pub path: String,
    pub key: String,
    pub id: Option<String>,
    pub op: &'a Value,
    pub path_params: Option<&'a Value>,
}

fn blank_params(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push_str("{}");
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for m in METHODS {
            if let Some(op) = item.get(*m).filter(|o| o.is_object()) {
                let id = op
                    .get("operationId")
                    .or_else(|| op.get("x-eov-operation-id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push(Op {
                    method: m.to_string(),
                    key: format!("{m} {}", blank_params(path)),
                    path: path.clone(),
                    id,
                    op,
                    path_params: item.get("parameters"),
                });
            }
        }
    }
    out
}

/// Pairs of (old index, new index); unmatched old are removed, unmatched new added.
pub(super) fn match_operations(old: &[Op], new: &[Op]) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut pairs = Vec::new();
    let mut used_new = BTreeSet::new();
    let mut used_old = BTreeSet::new();
    // 1. exact method + path.
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = new.iter().position(|n| n.method == o.method && n.path == o.path)
            && used_new.insert(j)
        {
            used_old.insert(i);
            pairs.push((i, j));
        }
    }
    // 2. method + path with parameter names blanked, preferring the same operation id.
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (j, n) in new.iter().enumerate().filter(|(j, _)| !used_new.contains(j)) {
        by_key.entry(n.key.as_str()).or_default().push(j);
    }
    let pending: Vec<usize> = (0..old.len()).filter(|i| !used_old.contains(i)).collect();
    for i in pending {
        let o = &old[i];
        let Some(cands) = by_key.get_mut(o.key.as_str()) else {
            continue;
        };
        let pick = cands
            .iter()
            .position(|j| new[*j].id == o.id)
            .or(if cands.is_empty() { None } else { Some(0) });
        if let Some(p) = pick {
            let j = cands.remove(p);
            used_new.insert(j);
            used_old.insert(i);
            pairs.push((i, j));
        }
    }
    // 3. operation id.
    for (i, o) in old
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_old.contains(i))
        .collect::<Vec<_>>()
    {
        let Some(id) = &o.id else { continue };
        if let Some(j) = (0..new.len())
            .find(|j| !used_new.contains(j) && new[*j].id.as_ref() == Some(id) && new[*j].method == o.method)
        {
            used_new.insert(j);
            used_old.insert(i);
            pairs.push((i, j));
        }
    }
    pairs.sort();
    let removed = (0..old.len()).filter(|i| !used_old.contains(i)).collect();
    let added = (0..new.len()).filter(|j| !used_new.contains(j)).collect();
    (pairs, removed, added)
}

/// Compares one matched pair of operations.
pub(super) fn compare(sd: &mut SchemaDiff, old_doc: &Value, new_doc: &Value, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let mut emit = |rule: &'static Rule, location: String, message: String| {
        out.push(Change::new(rule, Some(n), location, message));
    };
    if o.path != n.path {
        if o.key == n.key {
            emit(
                &rules::PATH_PARAMETER_RENAMED,
                "path".into(),
                format!("path parameters renamed: {} -> {} (same URL)", o.path, n.path),
            );
        } else {
            emit(
                &rules::OPERATION_PATH_CHANGED,
                "path".into(),
                format!("moved from {} to {}", o.path, n.path),
            );
        }
    }
    if let (Some(a), Some(b)) = (&o.id, &n.id)
        && a != b
    {
        emit(
            &rules::OPERATION_ID_RENAMED,
            "operationId".into(),
            format!("operation id {a} -> {b}"),
        );
    }
    let deprecated = |op: &Value| op.get("deprecated").and_then(Value::as_bool).unwrap_or(false);
    if !deprecated(o.op) && deprecated(n.op) {
        emit(
            &rules::OPERATION_DEPRECATED,
            "operation".into(),
            "the operation is deprecated".into(),
        );
    }
    // `x-required-scope` is a comma-separated list; absent and the literal `none` both mean none.
    let scope = |op: &Value| -> String {
        match op.get("x-required-scope").and_then(Value::as_str).map(str::trim) {
            None | Some("") | Some("none") => "none".into(),
            Some(s) => s.to_string(),
        }
    };
    if scope(o.op) != scope(n.op) {
        emit(
            &rules::REQUIRED_SCOPE_CHANGED,
            "x-required-scope".into(),
            format!("required scope {} -> {}", scope(o.op), scope(n.op)),
        );
    }
    super::security::operation(old_doc, new_doc, o.op, n.op, n, out);
    parameters(sd, old_doc, new_doc, o, n, out);
    request_body(sd, old_doc, new_doc, o, n, out);
    responses(sd, old_doc, new_doc, o, n, out);
}

fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    crate::openapi::resolve(doc, v).unwrap_or(&Value::Null)
}

/// Parameters keyed by location and name; path parameters by their position in the template.
fn params<'a>(doc: &'a Value, op: &Op<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    let template: Vec<&str> = op
        .path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n))
        .collect();
    for list in [op.path_params, op.op.get("parameters")].into_iter().flatten() {
        for p in list.as_array().into_iter().flatten() {
            let p = resolve(doc, p);
            let (Some(loc), Some(name)) = (
                p.get("in").and_then(Value::as_str),
                p.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key = if loc == "path" {
                template
                    .iter()
                    .position(|t| *t == name)
                    .map(|i| format!("#{i}"))
                    .unwrap_or_else(|| name.to_string())
            } else {
                name.to_string()
            };
            out.insert((loc.to_string(), key), p);
        }
    }
    out
}

fn param_rule(r: &'static Rule) -> &'static Rule {
    match r.id {
        "property-default-added" => &rules::PARAMETER_DEFAULT_ADDED,
        "property-default-changed" => &rules::PARAMETER_DEFAULT_CHANGED,
        "property-deprecated" => &rules::PARAMETER_DEPRECATED,
        "request-property-type-changed" | "request-union-narrowed" | "request-property-became-not-nullable" => {
            &rules::PARAMETER_TYPE_CHANGED
        }
        "request-property-format-changed" => &rules::PARAMETER_FORMAT_CHANGED,
        "request-enum-value-removed" => &rules::PARAMETER_ENUM_VALUE_REMOVED,
        "request-enum-value-added" => &rules::PARAMETER_ENUM_VALUE_ADDED,
        "request-constraint-tightened" => &rules::PARAMETER_CONSTRAINT_TIGHTENED,
        "request-constraint-loosened" | "request-union-widened" => &rules::PARAMETER_CONSTRAINT_LOOSENED,
        _ => r,
    }
}

fn parameters(sd: &mut SchemaDiff, old_doc: &Value, new_doc: &Value, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let (op, np) = (params(old_doc, o), params(new_doc, n));
    let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
    let name_of = |p: &Value| p.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
    for ((loc, key), p) in &op {
        let name = name_of(p);
        let label = format!("{loc} parameter {name}");
        match np.get(&(loc.clone(), key.clone())) {
            None => {
                let moved = np
                    .iter()
                    .find(|((_, k), q)| *k == name || name_of(q) == name)
                    .map(|((l, _), _)| l.clone());
                match moved {
                    Some(to) => out.push(Change::new(
                        &rules::PARAMETER_LOCATION_CHANGED,
                        Some(n),
                        label.clone(),
                        format!("{label} moved to {to}"),
                    )),
                    None => out.push(Change::new(
                        &rules::PARAMETER_REMOVED,
                        Some(n),
                        label.clone(),
                        format!("{label} was removed"),
                    )),
                }
            }
            Some(q) => {
                let label = format!("{loc} parameter {}", name_of(q));
                let deprecated = |p: &Value| p.get("deprecated").and_then(Value::as_bool).unwrap_or(false);
                if !deprecated(p) && deprecated(q) {
                    out.push(Change::new(
                        &rules::PARAMETER_DEPRECATED,
                        Some(n),
                        label.clone(),
                        format!("{label} is deprecated"),
                    ));
                }
                if !required(p) && required(q) {
                    out.push(Change::new(
                        &rules::PARAMETER_BECAME_REQUIRED,
                        Some(n),
                        label.clone(),
                        format!("{label} is now required"),
                    ));
                }
                if required(p) && !required(q) {
                    out.push(Change::new(
                        &rules::PARAMETER_BECAME_OPTIONAL,
                        Some(n),
                        label.clone(),
                        format!("{label} is now optional"),
                    ));
                }
                if let (Some(a), Some(b)) = (p.get("schema"), q.get("schema")) {
                    let mut found = Vec::new();
                    sd.compare(a, b, Side::Request, "", &mut found);
                    for f in found {
                        let location = if f.location.is_empty() {
                            label.clone()
                        } else {
                            format!("{label}: {}", f.location)
                        };
                        let message = f.message.replace("the body", &label);
                        let rule = param_rule(f.rule);
                        out.push(Change::new(rule, Some(n), location, message).ignored_by_server(f.ignored_by_server));
                    }
                }
            }
        }
    }
    for ((loc, key), q) in &np {
        if op.contains_key(&(loc.clone(), key.clone())) {
            continue;
        }
        let name = name_of(q);
        let moved_here = op
            .iter()
            .any(|((l, k), p)| l != loc && (*k == name || name_of(p) == name));
        if moved_here {
            continue;
        }
        let label = format!("{loc} parameter {name}");
        let rule = if required(q) {
            &rules::PARAMETER_ADDED_REQUIRED
        } else {
            &rules::PARAMETER_ADDED_OPTIONAL
        };
        out.push(Change::new(
            rule,
            Some(n),
            label.clone(),
            format!("new {} {label}", if required(q) { "required" } else { "optional" }),
        ));
    }
}

fn content(doc: &Value, holder: &Value) -> BTreeMap<String, Value> {
    resolve(doc, holder)
        .get("content")
        .and_then(Value::as_object)
        .map(|c| {
            c.iter()
                .map(|(k, v)| (k.split(';').next().unwrap_or(k).trim().to_string(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn push_findings(found: Vec<Finding>, prefix: &str, n: &Op, out: &mut Vec<Change>) {
    for f in found {
        let location = if f.location.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}: {}", f.location)
        };
        let message = f.message.replacen("the body", &format!("the {prefix}"), 1);
        out.push(Change::new(f.rule, Some(n), location, message).ignored_by_server(f.ignored_by_server));
    }
}

fn request_body(sd: &mut SchemaDiff, old_doc: &Value, new_doc: &Value, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let required = |doc: &Value, b: &Value| {
        resolve(doc, b)
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match (o.op.get("requestBody"), n.op.get("requestBody")) {
        (None, None) => {}
        (None, Some(b)) => {
            let (rule, word) = if required(new_doc, b) {
                (&rules::REQUEST_BODY_ADDED_REQUIRED, "required")
            } else {
                (&rules::REQUEST_BODY_ADDED_OPTIONAL, "optional")
            };
            out.push(Change::new(
                rule,
                Some(n),
                "request body".into(),
                format!("the operation takes a {word} body now"),
            ));
        }
        (Some(_), None) => out.push(Change::new(
            &rules::REQUEST_BODY_REMOVED,
            Some(n),
            "request body".into(),
            "the operation no longer takes a body".into(),
        )),
        (Some(a), Some(b)) => {
            if !required(old_doc, a) && required(new_doc, b) {
                out.push(Change::new(
                    &rules::REQUEST_BODY_BECAME_REQUIRED,
                    Some(n),
                    "request body".into(),
                    "the request body is now required".into(),
                ));
            }
            if required(old_doc, a) && !required(new_doc, b) {
                out.push(Change::new(
                    &rules::REQUEST_BODY_BECAME_OPTIONAL,
                    Some(n),
                    "request body".into(),
                    "the request body is optional now".into(),
                ));
            }
            let (oc, nc) = (content(old_doc, a), content(new_doc, b));
            let common: Vec<&String> = oc.keys().filter(|k| nc.contains_key(*k)).collect();
            if common.is_empty() {
                out.push(Change::new(
                    &rules::REQUEST_CONTENT_TYPE_CHANGED,
                    Some(n),
                    "request body".into(),
                    format!("request media type {} -> {}", keys(&oc), keys(&nc)),
                ));
            }
            for mt in common {
                let prefix = if mt == "application/json" {
                    "request body".to_string()
                } else {
                    format!("request body ({mt})")
                };
                if let (Some(sa), Some(sb)) = (oc[mt].get("schema"), nc[mt].get("schema")) {
                    let mut found = Vec::new();
                    sd.compare(sa, sb, Side::Request, "", &mut found);
                    push_findings(found, &prefix, n, out);
                }
            }
        }
    }
}

fn keys(m: &BTreeMap<String, Value>) -> String {
    if m.is_empty() {
        "none".into()
    } else {
        m.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5') || status == "default"
}

fn responses(sd: &mut SchemaDiff, old_doc: &Value, new_doc: &Value, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let or = o.op.get("responses").and_then(Value::as_object).unwrap_or(&empty);
    let nr = n.op.get("responses").and_then(Value::as_object).unwrap_or(&empty);
    for (status, ov) in or {
        let Some(nv) = nr.get(status) else {
            if status.starts_with('2') {
                out.push(Change::new(
                    &rules::SUCCESS_STATUS_REMOVED,
                    Some(n),
                    format!("response {status}"),
                    format!("status {status} is no longer returned"),
                ));
            } else if is_error_status(status) {
                out.push(Change::new(
                    &rules::ERROR_STATUS_REMOVED,
                    Some(n),
                    format!("response {status}"),
                    format!("error status {status} is no longer documented"),
                ));
            }
            continue;
        };
        headers(old_doc, new_doc, ov, nv, status, n, out);
        let (oc, nc) = (content(old_doc, ov), content(new_doc, nv));
        if status.starts_with('2') && !oc.is_empty() && oc.keys().all(|k| !nc.contains_key(k)) {
            out.push(Change::new(
                &rules::SUCCESS_CONTENT_TYPE_CHANGED,
                Some(n),
                format!("response {status}"),
                format!("response {status} media type {} -> {}", keys(&oc), keys(&nc)),
            ));
            continue;
        }
        if let (Some(a), Some(b)) = (
            oc.get("application/json").and_then(|m| m.get("schema")),
            nc.get("application/json").and_then(|m| m.get("schema")),
        ) {
            let mut found = Vec::new();
            sd.compare(a, b, Side::Response, "", &mut found);
            push_findings(found, &format!("response {status} body"), n, out);
        }
    }
    for status in nr.keys().filter(|s| !or.contains_key(*s) && is_error_status(s)) {
        let typed = !content(new_doc, &nr[status]).is_empty();
        out.push(Change::new(
            &rules::ERROR_STATUS_ADDED,
            Some(n),
            format!("response {status}"),
            format!(
                "error status {status} is documented now{}",
                if typed { " (with a body)" } else { "" }
            ),
        ));
    }
}

/// Response headers by (case-insensitive) name.
fn headers(old_doc: &Value, new_doc: &Value, ov: &Value, nv: &Value, status: &str, n: &Op, out: &mut Vec<Change>) {
    let names = |doc: &Value, v: &Value| -> BTreeSet<String> {
        resolve(doc, v)
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default()
    };
    let (a, b) = (names(old_doc, ov), names(new_doc, nv));
    for h in a.difference(&b) {
        out.push(Change::new(
            &rules::RESPONSE_HEADER_REMOVED,
            Some(n),
            format!("response {status} header {h}"),
            format!("response {status} no longer documents the header {h}"),
        ));
    }
    for h in b.difference(&a) {
        out.push(Change::new(
            &rules::RESPONSE_HEADER_ADDED,
            Some(n),
            format!("response {status} header {h}"),
            format!("response {status} documents a new header {h}"),
        ));
    }
}
