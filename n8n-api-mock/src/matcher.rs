//! Which requests a mock answers: the operation's method and path (below the API base), then
//! whatever the test narrowed it to (path and query parameters, headers, JSON body, form fields).

use std::fmt::Write as _;

use serde_json::Value;
use wiremock::http::{HeaderName, Method};
use wiremock::{Match, Request};

use crate::multipart;

/// An operation's route: its method and path template under the API base path.
#[derive(Debug, Clone)]
pub(crate) struct RouteMatcher {
    method: Method,
    /// The path the client puts before every operation path (`/api/v1`, `/n8n/api/v1`).
    api_path: String,
    template: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

impl RouteMatcher {
    /// `None` when `method` is not an HTTP method.
    pub(crate) fn new(method: &str, api_path: &str, template: &str) -> Option<Self> {
        let method = Method::from_bytes(method.as_bytes()).ok()?;
        let template = template
            .trim_start_matches('/')
            .split('/')
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            })
            .collect();
        Some(RouteMatcher {
            method,
            api_path: api_path.trim_end_matches('/').to_string(),
            template,
        })
    }

    /// The request is this operation's, whatever its parameters: its path parameters, decoded.
    pub(crate) fn params(&self, request: &Request) -> Option<Vec<(&str, String)>> {
        if request.method != self.method {
            return None;
        }
        let rest = request.url.path().strip_prefix(&self.api_path)?.strip_prefix('/')?;
        let segments: Vec<&str> = rest.split('/').collect();
        if segments.len() != self.template.len() {
            return None;
        }
        let mut params = Vec::new();
        for (segment, want) in segments.iter().zip(&self.template) {
            match want {
                Segment::Literal(l) if l == segment => {}
                Segment::Param(name) if !segment.is_empty() => params.push((name.as_str(), percent_decode(segment))),
                _ => return None,
            }
        }
        Some(params)
    }

    /// How many path segments are literal: a route with more wins over one with parameters
    /// where both match (`/workflows/{id}/tags` over `/workflows/{id}/{versionId}`).
    pub(crate) fn literal_segments(&self) -> usize {
        self.template
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }
}

/// A query parameter's expected value, compared as the client would have written it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QueryValue {
    Text(String),
    /// Numbers compare by value (`50` matches `50.0`).
    Number(f64),
}

impl QueryValue {
    pub(crate) fn from_json(value: &Value) -> Self {
        match value {
            Value::Number(n) => n
                .as_f64()
                .map_or_else(|| QueryValue::Text(n.to_string()), QueryValue::Number),
            other => QueryValue::Text(json_text(other)),
        }
    }

    fn matches(&self, actual: &str) -> bool {
        match self {
            QueryValue::Text(t) => t == actual,
            QueryValue::Number(n) => actual.parse::<f64>().is_ok_and(|a| a == *n),
        }
    }
}

/// A JSON value as a form field or query string carries it: a string unquoted, anything else as
/// JSON text (the client's `Form::json_text`).
pub(crate) fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone)]
pub(crate) enum BodyMatch {
    Exact(Value),
    /// Every member the expected value names, recursively (see [`contains`]).
    Partial(Value),
}

#[derive(Debug, Clone)]
pub(crate) enum FormMatch {
    Text(String),
    Json(Value),
    File(Vec<u8>),
}

/// Everything a mock requires of a request.
#[derive(Debug, Clone)]
pub(crate) struct RequestMatcher {
    pub(crate) route: RouteMatcher,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, QueryValue)>,
    pub(crate) headers: Vec<(HeaderName, String)>,
    pub(crate) body: Vec<BodyMatch>,
    pub(crate) form: Vec<(&'static str, FormMatch)>,
}

impl RequestMatcher {
    pub(crate) fn new(route: RouteMatcher) -> Self {
        RequestMatcher {
            route,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            form: Vec::new(),
        }
    }

    /// How many things the test narrowed the mock to.
    pub(crate) fn narrowing(&self) -> usize {
        self.path_params.len() + self.query.len() + self.headers.len() + self.body.len() + self.form.len()
    }

    /// `where workflowId = "abc", query limit = 2, ...`, or nothing.
    pub(crate) fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.path_params.iter().map(|(n, v)| format!("{n} = {v:?}")));
        parts.extend(self.query.iter().map(|(n, v)| match v {
            QueryValue::Text(t) => format!("query {n} = {t:?}"),
            QueryValue::Number(x) => format!("query {n} = {x}"),
        }));
        parts.extend(self.headers.iter().map(|(n, v)| format!("header {n}: {v:?}")));
        parts.extend(self.body.iter().map(|b| match b {
            BodyMatch::Exact(v) => format!("body = {}", shorten(&v.to_string())),
            BodyMatch::Partial(v) => format!("body contains {}", shorten(&v.to_string())),
        }));
        parts.extend(self.form.iter().map(|(n, f)| match f {
            FormMatch::Text(t) => format!("form {n} = {t:?}"),
            FormMatch::Json(v) => format!("form {n} = {}", shorten(&v.to_string())),
            FormMatch::File(b) => format!("form {n} = file of {} bytes", b.len()),
        }));
        if parts.is_empty() {
            String::new()
        } else {
            format!(" where {}", parts.join(", "))
        }
    }

    fn params_match(&self, request: &Request) -> bool {
        let Some(params) = self.route.params(request) else {
            return false;
        };
        self.path_params
            .iter()
            .all(|(name, want)| params.iter().any(|(n, v)| n == name && v == want))
    }

    fn query_matches(&self, request: &Request) -> bool {
        self.query
            .iter()
            .all(|(name, want)| request.url.query_pairs().any(|(k, v)| k == *name && want.matches(&v)))
    }

    fn headers_match(&self, request: &Request) -> bool {
        self.headers.iter().all(|(name, want)| {
            request
                .headers
                .get_all(name)
                .iter()
                .any(|v| v.to_str().is_ok_and(|v| v == want))
        })
    }

    fn body_matches(&self, request: &Request) -> bool {
        if self.body.is_empty() {
            return true;
        }
        let Ok(actual) = serde_json::from_slice::<Value>(&request.body) else {
            return false;
        };
        self.body.iter().all(|b| match b {
            BodyMatch::Exact(want) => actual == *want,
            BodyMatch::Partial(want) => contains(&actual, want),
        })
    }

    fn form_matches(&self, request: &Request) -> bool {
        if self.form.is_empty() {
            return true;
        }
        let Some(parts) = multipart::parts(request) else {
            return false;
        };
        self.form.iter().all(|(name, want)| {
            parts.iter().any(|p| {
                p.name == *name
                    && match want {
                        FormMatch::Text(t) => p.file_name.is_none() && p.body == t.as_bytes(),
                        FormMatch::Json(v) => serde_json::from_slice::<Value>(&p.body).is_ok_and(|a| a == *v),
                        FormMatch::File(bytes) => p.file_name.is_some() && p.body == *bytes,
                    }
            })
        })
    }
}

impl Match for RequestMatcher {
    fn matches(&self, request: &Request) -> bool {
        self.params_match(request)
            && self.query_matches(request)
            && self.headers_match(request)
            && self.body_matches(request)
            && self.form_matches(request)
    }
}

/// `actual` has every member `expected` names, with a value that contains the expected one;
/// arrays contain each other element by element (same length); other values are equal.
pub(crate) fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().all(|(k, ev)| a.get(k).is_some_and(|av| contains(av, ev))),
        (Value::Array(a), Value::Array(e)) => a.len() == e.len() && a.iter().zip(e).all(|(av, ev)| contains(av, ev)),
        _ => actual == expected,
    }
}

/// `%XX` sequences decoded (invalid ones kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At most 200 characters of `s`.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 200;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// `GET /api/v1/workflows?limit=2 {"a":1}`: a request as a report shows it.
pub(crate) fn show(request: &Request) -> String {
    let mut out = format!("{} {}", request.method, request.url.path());
    if let Some(q) = request.url.query() {
        let _ = write!(out, "?{q}");
    }
    if !request.body.is_empty() {
        match multipart::parts(request) {
            Some(parts) => {
                let fields: Vec<String> = parts
                    .iter()
                    .map(|p| match &p.file_name {
                        Some(_) => format!("{}=<file of {} bytes>", p.name, p.body.len()),
                        None => format!("{}={}", p.name, String::from_utf8_lossy(&p.body)),
                    })
                    .collect();
                let _ = write!(out, " form {{{}}}", shorten(&fields.join(", ")));
            }
            None => match std::str::from_utf8(&request.body) {
                Ok(text) => {
                    let _ = write!(out, " {}", shorten(text));
                }
                Err(_) => {
                    let _ = write!(out, " <{} bytes>", request.body.len());
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(method: &str, url: &str) -> Request {
        Request {
            url: url.parse().unwrap(),
            method: Method::from_bytes(method.as_bytes()).unwrap(),
            headers: Default::default(),
            body: Vec::new(),
        }
    }

    #[test]
    fn routes_match_method_prefix_and_segments() {
        let route = RouteMatcher::new("GET", "/n8n/api/v1", "/workflows/{id}/{versionId}").unwrap();
        let params = route
            .params(&request("GET", "http://h/n8n/api/v1/workflows/a%20b/v1"))
            .unwrap();
        assert_eq!(params, [("id", "a b".to_string()), ("versionId", "v1".to_string())]);
        assert!(
            route
                .params(&request("POST", "http://h/n8n/api/v1/workflows/a/v1"))
                .is_none()
        );
        assert!(
            route
                .params(&request("GET", "http://h/api/v1/workflows/a/v1"))
                .is_none()
        );
        assert!(
            route
                .params(&request("GET", "http://h/n8n/api/v1/workflows/a"))
                .is_none()
        );
        assert!(
            route
                .params(&request("GET", "http://h/n8n/api/v1/workflows//v1"))
                .is_none()
        );
        assert_eq!(route.literal_segments(), 1);
    }

    #[test]
    fn partial_bodies_name_what_they_need() {
        let actual = json!({ "name": "x", "nodes": [{ "id": 1, "type": "t" }], "extra": true });
        assert!(contains(&actual, &json!({ "name": "x" })));
        assert!(contains(&actual, &json!({ "nodes": [{ "type": "t" }] })));
        assert!(!contains(&actual, &json!({ "nodes": [] })));
        assert!(!contains(&actual, &json!({ "name": "y" })));
        assert!(!contains(&actual, &json!({ "missing": null })));
    }

    #[test]
    fn query_values_compare_as_written() {
        assert!(QueryValue::from_json(&json!(50)).matches("50"));
        assert!(QueryValue::from_json(&json!(50)).matches("50.0"));
        assert!(QueryValue::from_json(&json!(true)).matches("true"));
        assert!(QueryValue::from_json(&json!("success")).matches("success"));
        assert!(!QueryValue::from_json(&json!("success")).matches("error"));
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("a%2Fb%20c"), "a/b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
