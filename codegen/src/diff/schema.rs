//! Structural comparison of two schemas, aware of direction: what breaks a request (the client
//! sends it) differs from what breaks a response (the client decodes it). `$ref`s are resolved
//! in each document; a pair of component schemas is compared once and the result reused
//! wherever the pair appears (and a recursive schema does not loop).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::rules::{self, Rule};

/// Which way a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Request,
    Response,
}

impl Side {
    /// The one place the direction decides: `request` for a schema the client sends,
    /// `response` for one it decodes (a rule, a message, a keyword).
    fn pick<T>(self, request: T, response: T) -> T {
        match self {
            Side::Request => request,
            Side::Response => response,
        }
    }
}

/// A change inside a schema, at a location relative to the schema's root.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub location: String,
    pub message: String,
    /// Why the change does not matter in this direction (a readOnly property of a request, a
    /// writeOnly one of a response): reported at level info whatever the rule says.
    pub ignored_by_server: Option<&'static str>,
}

/// Compares schemas of two documents.
pub struct SchemaDiff<'a> {
    old_doc: &'a Value,
    new_doc: &'a Value,
    memo: HashMap<(String, String, Side), Vec<Finding>>,
    stack: Vec<(String, String, Side)>,
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => base.to_string(),
        _ if rel.starts_with('[') || rel.starts_with('{') => format!("{base}{rel}"),
        _ => format!("{base}.{rel}"),
    }
}

/// A finding of a shared (memoized) comparison, placed below `at`: location and message follow.
fn relocate(f: &Finding, at: &str) -> Finding {
    let location = join(at, &f.location);
    let message = if f.location.is_empty() {
        f.message.replacen("the body", &format!("`{location}`"), 1)
    } else {
        f.message
            .replacen(&format!("`{}`", f.location), &format!("`{location}`"), 1)
    };
    Finding {
        rule: f.rule,
        location,
        message,
        ignored_by_server: f.ignored_by_server,
    }
}

fn resolve<'v>(doc: &'v Value, mut v: &'v Value) -> (&'v Value, Option<String>) {
    let mut name = None;
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                name = r.rsplit('/').next().map(str::to_string);
                match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                    Some(t) => v = t,
                    None => return (&Value::Null, name),
                }
            }
            None => break,
        }
    }
    (v, name)
}

fn ty(s: &Value) -> Option<&str> {
    s.get("type")
        .and_then(Value::as_str)
        .or_else(|| s.get("properties").map(|_| "object"))
}

fn alternatives(s: &Value) -> Option<&Vec<Value>> {
    s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array)
}

fn show(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

impl<'a> SchemaDiff<'a> {
    pub fn new(old_doc: &'a Value, new_doc: &'a Value) -> Self {
        SchemaDiff {
            old_doc,
            new_doc,
            memo: HashMap::new(),
            stack: Vec::new(),
        }
    }

    /// Findings between `old` and `new` (either may be a `$ref`), located below `at`.
    pub fn compare(&mut self, old: &Value, new: &Value, side: Side, at: &str, out: &mut Vec<Finding>) {
        let (o, oname) = resolve(self.old_doc, old);
        let (n, nname) = resolve(self.new_doc, new);
        if let (Some(on), Some(nn)) = (&oname, &nname) {
            let key = (on.clone(), nn.clone(), side);
            if let Some(found) = self.memo.get(&key) {
                out.extend(found.iter().map(|f| relocate(f, at)));
                return;
            }
            if self.stack.contains(&key) {
                return; // a recursive schema: its changes are reported where the cycle starts
            }
            self.stack.push(key.clone());
            let mut found = Vec::new();
            self.compare_resolved(o, n, side, "", &mut found);
            self.stack.pop();
            out.extend(found.iter().map(|f| relocate(f, at)));
            self.memo.insert(key, found);
            return;
        }
        self.compare_resolved(o, n, side, at, out);
    }

    fn push(out: &mut Vec<Finding>, rule: &'static Rule, at: &str, message: String) {
        out.push(Finding {
            rule,
            location: at.to_string(),
            message,
            ignored_by_server: None,
        });
    }

    /// An `allOf` flattened into one object schema (properties and required merged).
    fn flatten(doc: &Value, s: &Value) -> Value {
        let Some(parts) = s.get("allOf").and_then(Value::as_array) else {
            return s.clone();
        };
        let mut props = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut merged = s.as_object().cloned().unwrap_or_default();
        merged.remove("allOf");
        for p in parts {
            let p = Self::flatten(doc, resolve(doc, p).0);
            if let Some(pp) = p.get("properties").and_then(Value::as_object) {
                props.extend(pp.clone());
            }
            if let Some(r) = p.get("required").and_then(Value::as_array) {
                required.extend(r.iter().cloned());
            }
            for (k, v) in p.as_object().into_iter().flatten() {
                if k != "properties" && k != "required" {
                    merged.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        if let Some(pp) = s.get("properties").and_then(Value::as_object) {
            props.extend(pp.clone());
        }
        merged.insert("properties".into(), Value::Object(props));
        merged.insert("required".into(), Value::Array(required));
        merged.entry("type").or_insert(Value::String("object".into()));
        Value::Object(merged)
    }

    /// `o` against `n`, both resolved: the schema's own keywords, then what it contains.
    fn compare_resolved(&mut self, o: &Value, n: &Value, side: Side, at: &str, out: &mut Vec<Finding>) {
        let o_flat;
        let n_flat;
        let (o, n) = if o.get("allOf").is_some() || n.get("allOf").is_some() {
            o_flat = Self::flatten(self.old_doc, o);
            n_flat = Self::flatten(self.new_doc, n);
            (&o_flat, &n_flat)
        } else {
            (o, n)
        };
        let where_ = subject(at);
        nullability(o, n, side, at, &where_, out);
        annotations(o, n, at, &where_, out);
        // Unions (a plain schema counts as a union of one).
        if alternatives(o).is_some() || alternatives(n).is_some() {
            self.compare_unions(o, n, side, at, out);
            return;
        }
        if type_changed(o, n, side, at, &where_, out) {
            return; // another type: its format, values and contents are not comparable
        }
        format_changed(o, n, side, at, &where_, out);
        enums(o, n, side, at, &where_, out);
        if side == Side::Request {
            constraints(o, n, at, &where_, out);
        }
        self.compare_contents(o, n, side, at, &where_, out);
    }

    /// What an object or an array holds: properties, additional properties, items.
    fn compare_contents(&mut self, o: &Value, n: &Value, side: Side, at: &str, where_: &str, out: &mut Vec<Finding>) {
        if lists_properties(o) || lists_properties(n) {
            self.compare_properties(o, n, side, at, out);
        }
        if side == Side::Request
            && o.get("additionalProperties") != Some(&Value::Bool(false))
            && n.get("additionalProperties") == Some(&Value::Bool(false))
        {
            Self::push(
                out,
                &rules::REQUEST_ADDITIONAL_PROPERTIES_CLOSED,
                at,
                format!("{where_} no longer accepts properties it does not list"),
            );
        }
        if let (Some(oa), Some(na)) = (
            o.get("additionalProperties").filter(|v| v.is_object()),
            n.get("additionalProperties").filter(|v| v.is_object()),
        ) {
            self.compare(oa, na, side, &join(at, "{}"), out);
        }
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.compare(oi, ni, side, &join(at, "[]"), out);
        }
    }

    fn compare_properties(&mut self, o: &Value, n: &Value, side: Side, at: &str, out: &mut Vec<Finding>) {
        let empty = Map::new();
        let op = o.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let np = n.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let (or, nr) = (required(o), required(n));
        for (name, os) in op {
            let loc = join(at, name);
            let first = out.len();
            match np.get(name) {
                None => Self::push(
                    out,
                    side.pick(&rules::REQUEST_PROPERTY_REMOVED, &rules::RESPONSE_PROPERTY_REMOVED),
                    &loc,
                    format!("`{loc}` was removed from the {}", side.pick("request", "response")),
                ),
                Some(ns) => {
                    requiredness(or.contains(name), nr.contains(name), side, &loc, out);
                    self.access_changed(os, ns, side, &loc, out);
                    self.compare(os, ns, side, &loc, out);
                }
            }
            let ignored = self.ignored_by_server(Some(os), np.get(name), side);
            for f in &mut out[first..] {
                if ignored.is_some() && !is_access_rule(f.rule) {
                    f.ignored_by_server = ignored;
                }
            }
        }
        for (name, ns) in np.iter().filter(|(k, _)| !op.contains_key(*k)) {
            let loc = join(at, name);
            let first = out.len();
            Self::push_added(side, nr.contains(name), &loc, out);
            let ignored = self.ignored_by_server(None, Some(ns), side);
            for f in &mut out[first..] {
                f.ignored_by_server = ignored;
            }
        }
    }

    fn push_added(side: Side, required: bool, loc: &str, out: &mut Vec<Finding>) {
        let request = if required {
            (&rules::REQUEST_PROPERTY_ADDED_REQUIRED, "is a new required property")
        } else {
            (&rules::REQUEST_PROPERTY_ADDED_OPTIONAL, "is a new optional property")
        };
        let (rule, message) = side.pick(request, (&rules::RESPONSE_PROPERTY_ADDED, "was added to the response"));
        Self::push(out, rule, loc, format!("`{loc}` {message}"));
    }

    /// A property became readOnly (requests) or writeOnly (responses).
    fn access_changed(&self, os: &Value, ns: &Value, side: Side, loc: &str, out: &mut Vec<Finding>) {
        let (key, rule, message) = side.pick(
            (
                "readOnly",
                &rules::REQUEST_PROPERTY_BECAME_READ_ONLY,
                "is readOnly now: the server ignores it in requests",
            ),
            (
                "writeOnly",
                &rules::RESPONSE_PROPERTY_BECAME_WRITE_ONLY,
                "is writeOnly now: responses no longer carry it",
            ),
        );
        let (was, is) = (flag(self.old_doc, os, key), flag(self.new_doc, ns, key));
        if !was && is {
            Self::push(out, rule, loc, format!("`{loc}` {message}"));
        } else if was && !is && side == Side::Request {
            let rule = &rules::REQUEST_PROPERTY_NO_LONGER_READ_ONLY;
            Self::push(
                out,
                rule,
                loc,
                format!("`{loc}` is no longer readOnly: requests may set it"),
            );
        }
    }

    /// Why changes to this property do not reach the other side: it is readOnly (in a request)
    /// or writeOnly (in a response) as the new spec documents it (the old spec's, when the new one
    /// has no such property): a property that stops being readOnly is settable, and its new
    /// validators count.
    fn ignored_by_server(&self, old: Option<&Value>, new: Option<&Value>, side: Side) -> Option<&'static str> {
        let (key, why) = side.pick(
            ("readOnly", "readOnly: the server ignores it in requests"),
            ("writeOnly", "writeOnly: responses never carry it"),
        );
        let hit = match new {
            Some(n) => flag(self.new_doc, n, key),
            None => old.is_some_and(|o| flag(self.old_doc, o, key)),
        };
        hit.then_some(why)
    }

    /// A name for an alternative, stable across releases: its component name, else its
    /// discriminating `type` constant, else its JSON type.
    fn signature(doc: &Value, alt: &Value) -> String {
        let (s, name) = resolve(doc, alt);
        if let Some(n) = name {
            return n;
        }
        if let Some(tag) = s.pointer("/properties/type/enum/0").and_then(Value::as_str) {
            return format!("type={tag}");
        }
        ty(s).unwrap_or("any").to_string()
    }

    fn compare_unions(&mut self, o: &Value, n: &Value, side: Side, at: &str, out: &mut Vec<Finding>) {
        let single = |s: &Value| vec![s.clone()];
        let oa = alternatives(o).cloned().unwrap_or_else(|| single(o));
        let na = alternatives(n).cloned().unwrap_or_else(|| single(n));
        let om: BTreeMap<String, Value> = oa
            .iter()
            .map(|a| (Self::signature(self.old_doc, a), a.clone()))
            .collect();
        let nm: BTreeMap<String, Value> = na
            .iter()
            .map(|a| (Self::signature(self.new_doc, a), a.clone()))
            .collect();
        let where_ = subject(at);
        let removed: Vec<String> = om.keys().filter(|k| !nm.contains_key(*k)).cloned().collect();
        let added: Vec<String> = nm.keys().filter(|k| !om.contains_key(*k)).cloned().collect();
        if !removed.is_empty() {
            let rule = side.pick(&rules::REQUEST_UNION_NARROWED, &rules::RESPONSE_UNION_NARROWED);
            Self::push(out, rule, at, format!("{where_} no longer accepts {}", list(&removed)));
        }
        if !added.is_empty() {
            let rule = side.pick(&rules::REQUEST_UNION_WIDENED, &rules::RESPONSE_UNION_WIDENED);
            Self::push(out, rule, at, format!("{where_} may now also be {}", list(&added)));
        }
        for (k, ov) in &om {
            if let Some(nv) = nm.get(k) {
                // Compare the alternative itself, without the union's own nullable flag.
                self.compare(ov, nv, side, at, out);
            }
        }
    }
}

/// `key: true` on the schema or on what its `$ref` names.
fn flag(doc: &Value, s: &Value, key: &str) -> bool {
    let t = Value::Bool(true);
    s.get(key) == Some(&t) || resolve(doc, s).0.get(key) == Some(&t)
}

fn is_access_rule(r: &Rule) -> bool {
    r.id == rules::REQUEST_PROPERTY_BECAME_READ_ONLY.id || r.id == rules::RESPONSE_PROPERTY_BECAME_WRITE_ONLY.id
}

/// How a message names the schema at `at`: the body itself at the root.
fn subject(at: &str) -> String {
    if at.is_empty() {
        "the body".to_string()
    } else {
        format!("`{at}`")
    }
}

/// The schema lists at least one property.
fn lists_properties(s: &Value) -> bool {
    s.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// The names in the schema's `required`.
fn required(s: &Value) -> BTreeSet<String> {
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A property that stayed became required or optional.
fn requiredness(was: bool, is: bool, side: Side, loc: &str, out: &mut Vec<Finding>) {
    let (rule, message) = match (was, is) {
        (false, true) => side.pick(
            (&rules::REQUEST_PROPERTY_BECAME_REQUIRED, "is now required"),
            (&rules::RESPONSE_PROPERTY_BECAME_REQUIRED, "is always present now"),
        ),
        (true, false) => side.pick(
            (&rules::REQUEST_PROPERTY_BECAME_OPTIONAL, "is optional now"),
            (
                &rules::RESPONSE_PROPERTY_BECAME_OPTIONAL,
                "may now be absent: a client that expects it fails to decode",
            ),
        ),
        _ => return,
    };
    SchemaDiff::push(out, rule, loc, format!("`{loc}` {message}"));
}

/// `nullable` of one schema against the other: a request that may no longer send null, a
/// response that may now carry one (or no longer does).
fn nullability(o: &Value, n: &Value, side: Side, at: &str, where_: &str, out: &mut Vec<Finding>) {
    let nullable = |s: &Value| s.get("nullable") == Some(&Value::Bool(true));
    let (rule, message) = match (nullable(o), nullable(n), side) {
        (false, true, Side::Response) => (
            &rules::RESPONSE_PROPERTY_BECAME_NULLABLE,
            "can now be null: a client that expects a value fails to decode",
        ),
        (true, false, _) => side.pick(
            (&rules::REQUEST_PROPERTY_BECAME_NOT_NULLABLE, "no longer accepts null"),
            (&rules::RESPONSE_PROPERTY_BECAME_NOT_NULLABLE, "is never null now"),
        ),
        _ => return,
    };
    SchemaDiff::push(out, rule, at, format!("{where_} {message}"));
}

/// A change of type, reported; true when there is one (the caller compares nothing further).
fn type_changed(o: &Value, n: &Value, side: Side, at: &str, where_: &str, out: &mut Vec<Finding>) -> bool {
    let (rule, message) = match (ty(o), ty(n)) {
        (Some(a), Some(b)) if a != b => retyped(a, b, side),
        (Some("object"), None | Some("object"))
            if side == Side::Response && lists_properties(o) && !lists_properties(n) && n.get("items").is_none() =>
        {
            (
                &rules::RESPONSE_LOOSENED_TO_FREE_FORM,
                "lost its listed properties: it is a free-form object now".to_string(),
            )
        }
        (Some(a), None) if a != "object" => (
            side.pick(
                &rules::REQUEST_PROPERTY_TYPE_CHANGED,
                &rules::RESPONSE_LOOSENED_TO_FREE_FORM,
            ),
            format!("changed from {a} to any type"),
        ),
        _ => return false,
    };
    SchemaDiff::push(out, rule, at, format!("{where_} {message}"));
    true
}

/// The rule and message of a change from type `a` to type `b`.
fn retyped(a: &str, b: &str, side: Side) -> (&'static Rule, String) {
    let numeric = matches!((a, b), ("integer", "number") | ("number", "integer"));
    if side == Side::Response && matches!((a, b), ("object", "array") | ("array", "object")) {
        (
            &rules::RESPONSE_OBJECT_ARRAY_CHANGED,
            format!("changed from {a} to {b}"),
        )
    } else if numeric && a == side.pick("integer", "number") {
        // Widened where the client sends, narrowed where it decodes: both still work.
        (
            side.pick(
                &rules::REQUEST_CONSTRAINT_LOOSENED,
                &rules::RESPONSE_PROPERTY_TYPE_CHANGED,
            ),
            format!("changed from {a} to {b} (compatible on the wire; the Rust type changes)"),
        )
    } else {
        (
            side.pick(
                &rules::REQUEST_PROPERTY_TYPE_CHANGED,
                &rules::RESPONSE_PROPERTY_TYPE_CHANGED,
            ),
            format!("changed type from {a} to {b}"),
        )
    }
}

fn format_changed(o: &Value, n: &Value, side: Side, at: &str, where_: &str, out: &mut Vec<Finding>) {
    let (of, nf) = (
        o.get("format").and_then(Value::as_str),
        n.get("format").and_then(Value::as_str),
    );
    if of != nf {
        SchemaDiff::push(
            out,
            side.pick(
                &rules::REQUEST_PROPERTY_FORMAT_CHANGED,
                &rules::RESPONSE_PROPERTY_FORMAT_CHANGED,
            ),
            at,
            format!(
                "{where_} format changed from {} to {}",
                of.unwrap_or("none"),
                nf.unwrap_or("none")
            ),
        );
    }
}

/// Enum values removed and added; a request limited to listed values.
fn enums(o: &Value, n: &Value, side: Side, at: &str, where_: &str, out: &mut Vec<Finding>) {
    let values = |s: &Value| {
        s.get("enum")
            .and_then(Value::as_array)
            .map(|e| e.iter().map(show).collect::<BTreeSet<_>>())
    };
    match (values(o), values(n)) {
        (Some(a), Some(b)) => {
            let removed: Vec<_> = a.difference(&b).cloned().collect();
            let added: Vec<_> = b.difference(&a).cloned().collect();
            if !removed.is_empty() {
                let rule = side.pick(&rules::REQUEST_ENUM_VALUE_REMOVED, &rules::RESPONSE_ENUM_VALUE_REMOVED);
                SchemaDiff::push(out, rule, at, format!("{where_} no longer has {}", list(&removed)));
            }
            if !added.is_empty() {
                let (rule, note) = side.pick(
                    (&rules::REQUEST_ENUM_VALUE_ADDED, ""),
                    (
                        &rules::RESPONSE_ENUM_VALUE_ADDED,
                        " (a client with a closed enum fails to decode it; this client's enums are open)",
                    ),
                );
                SchemaDiff::push(out, rule, at, format!("{where_} gained {}{note}", list(&added)));
            }
        }
        (Some(a), None) => {
            let rule = side.pick(&rules::REQUEST_ENUM_DROPPED, &rules::RESPONSE_ENUM_DROPPED);
            let was = list(&a.into_iter().collect::<Vec<_>>());
            SchemaDiff::push(out, rule, at, format!("{where_} is no longer limited to {was}"));
        }
        (None, Some(b)) if side == Side::Request => SchemaDiff::push(
            out,
            &rules::REQUEST_CONSTRAINT_TIGHTENED,
            at,
            format!(
                "{where_} is now limited to {}",
                list(&b.into_iter().collect::<Vec<_>>())
            ),
        ),
        _ => {}
    }
}

/// Length, range, item count and pattern limits (compared in requests only).
fn constraints(o: &Value, n: &Value, at: &str, where_: &str, out: &mut Vec<Finding>) {
    // (keyword, larger is stricter)
    for (k, larger_stricter) in [
        ("minLength", true),
        ("maxLength", false),
        ("minimum", true),
        ("maximum", false),
        ("minItems", true),
        ("maxItems", false),
    ] {
        let (a, b) = (o.get(k).and_then(Value::as_f64), n.get(k).and_then(Value::as_f64));
        let tighter = match (a, b) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(x), Some(y)) if x != y => Some((y > x) == larger_stricter),
            _ => None,
        };
        if let Some(t) = tighter {
            let (rule, word) = if t {
                (&rules::REQUEST_CONSTRAINT_TIGHTENED, "tightened")
            } else {
                (&rules::REQUEST_CONSTRAINT_LOOSENED, "loosened")
            };
            let shown = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
            SchemaDiff::push(
                out,
                rule,
                at,
                format!("{where_} {k} {word}: {} -> {}", shown(a), shown(b)),
            );
        }
    }
    let (a, b) = (
        o.get("pattern").and_then(Value::as_str),
        n.get("pattern").and_then(Value::as_str),
    );
    if a != b && b.is_some() {
        SchemaDiff::push(
            out,
            &rules::REQUEST_CONSTRAINT_TIGHTENED,
            at,
            format!("{where_} pattern is now `{}`", b.unwrap_or("")),
        );
    } else if a.is_some() && b.is_none() {
        SchemaDiff::push(
            out,
            &rules::REQUEST_CONSTRAINT_LOOSENED,
            at,
            format!("{where_} lost its pattern"),
        );
    }
}

/// `deprecated` and `default` of one schema against the other.
fn annotations(o: &Value, n: &Value, at: &str, where_: &str, out: &mut Vec<Finding>) {
    let deprecated = |s: &Value| s.get("deprecated") == Some(&Value::Bool(true));
    if !deprecated(o) && deprecated(n) {
        SchemaDiff::push(out, &rules::PROPERTY_DEPRECATED, at, format!("{where_} is deprecated"));
    }
    match (o.get("default"), n.get("default")) {
        (None, Some(d)) => SchemaDiff::push(
            out,
            &rules::PROPERTY_DEFAULT_ADDED,
            at,
            format!("{where_} defaults to {d}"),
        ),
        (Some(a), b) if Some(a) != b => SchemaDiff::push(
            out,
            &rules::PROPERTY_DEFAULT_CHANGED,
            at,
            format!(
                "{where_} default {a} -> {}",
                b.map(Value::to_string).unwrap_or_else(|| "none".into())
            ),
        ),
        _ => {}
    }
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
