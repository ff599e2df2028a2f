//! Small helpers the generated code calls: path segments, bounded decoding of answers,
//! redaction of secrets in `Debug`, lenient decoding where n8n is inconsistent with itself, and
//! names for JSON value kinds in builder errors.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use progenitor_client::ResponseValue;
use serde::{Deserialize, Deserializer};

/// A path parameter as one path segment: every byte that is not unreserved (RFC 3986: letters,
/// digits, `-._~`) is percent-encoded, `/`, `\`, `?`, `#`, `%` and spaces included, so a value
/// can never add a segment, end the path or start a query.
///
/// Refused, before anything is sent: the empty value (`/users/` reaches the collection, not an
/// item) and dot segments, which every URL parser resolves as "this" or "the parent" segment and
/// so as another route: `.`, `..`, and any spelling that decodes to them (`%2e`, `.%2E`,
/// `%252e%252e` through double decoding). Ids of n8n are never any of these. The error names the
/// parameter (its Rust setter name) and shows the value escaped.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        Err(format!(
            "path parameter `{name}` is `{}`: {why}; the request was not sent",
            escape_line(value, 80)
        ))
    };
    if value.is_empty() {
        return refuse("an empty segment would send the request to another route");
    }
    if is_dot_segment(value) {
        return refuse("it is a dot segment, which URL parsers resolve to another route");
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Ok(out)
}

/// `.` or `..`, also behind any number of percent-encodings.
fn is_dot_segment(value: &str) -> bool {
    let mut current: Cow<str> = Cow::Borrowed(value);
    // Each round removes one layer of encoding; a value that still changes after 8 is hostile
    // enough to refuse as well.
    for _ in 0..8 {
        if current == "." || current == ".." {
            return true;
        }
        let decoded = percent_decode(&current);
        if decoded == current {
            return false;
        }
        current = Cow::Owned(decoded);
    }
    true
}

/// `%XX` sequences decoded as bytes (lossy UTF-8); anything else kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `s` on one line, for messages: control characters (CR, LF, ESC, DEL, C1), line separators
/// and bidirectional overrides become `\u{..}` escapes (`\n`, `\r`, `\t` for the usual ones),
/// and past `max` characters the rest becomes `…`.
pub(crate) fn escape_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 8));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible_format(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that reorder or hide what a terminal or log viewer shows.
fn is_invisible_format(c: char) -> bool {
    matches!(c as u32, 0x061C | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2069 | 0xFEFF)
}

/// One line for a typed error body or an issue it lists (`Display` of `ErrorBody` and of the
/// issues): n8n's `message` first, then the other members as `key: value`; an object with a
/// `type` reads `type: key=value, ...`. Lists are `; `-separated. Escaped like every error text
/// (no control characters, no line breaks) and bounded.
pub(crate) fn describe<T: serde::Serialize + ?Sized>(value: &T, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let mut out = String::new();
    match serde_json::to_value(value) {
        Ok(v) => describe_value(&v, &mut out, 0),
        Err(_) => out.push('?'),
    }
    f.write_str(&escape_line(&out, 1000))
}

fn describe_value(v: &serde_json::Value, out: &mut String, depth: usize) {
    use serde_json::Value;
    if depth > 6 {
        out.push('…');
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::String(s) => out.push_str(s),
        Value::Bool(_) | Value::Number(_) => out.push_str(&v.to_string()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                describe_value(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            let mut rest: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            let lead = ["message", "type"].iter().find_map(|k| {
                let i = rest.iter().position(|(name, v)| name.as_str() == *k && v.is_string())?;
                Some(rest.remove(i))
            });
            let (open, close, sep) = match lead {
                Some((k, v)) => {
                    describe_value(v, out, depth + 1);
                    if k == "type" {
                        (": ", "", "=")
                    } else {
                        (" (", ")", ": ")
                    }
                }
                None => ("", "", "="),
            };
            if rest.is_empty() {
                return;
            }
            out.push_str(open);
            for (i, (k, v)) in rest.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(sep);
                if v.is_object() || v.is_array() {
                    out.push('[');
                    describe_value(v, out, depth + 1);
                    out.push(']');
                } else {
                    describe_value(v, out, depth + 1);
                }
            }
            out.push_str(close);
        }
    }
}

/// A raw success body as n8n sent it, and what the client made of it; given to the observer
/// installed with [`observe_responses`] (the end-to-end suite checks that decoding is lossless).
#[doc(hidden)]
pub struct Observed<'a> {
    /// The operation id (`getWorkflow`).
    pub operation: &'static str,
    pub status: u16,
    /// The body as received.
    pub raw: &'a [u8],
    /// The decoded value serialized back to JSON.
    pub reencoded: Result<serde_json::Value, String>,
    /// The decoded value's `Debug` (where `Unrecognized(..)` shows a value the types do not name).
    pub debug: String,
}

static OBSERVER: OnceLock<fn(&Observed<'_>)> = OnceLock::new();

/// Installs a function that sees every decoded success body (once per process; for tests of
/// the client itself, not an API: it costs a re-encoding of every answer).
#[doc(hidden)]
pub fn observe_responses(observer: fn(&Observed<'_>)) -> bool {
    OBSERVER.set(observer).is_ok()
}

/// Reads a success body (at most the client's `max_response_bytes`) and decodes it into `T`:
/// what generated `send()`s call where progenitor would read the whole body, unbounded.
pub(crate) async fn decode<T>(
    operation: &'static str,
    inner: &crate::Inner,
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<()>>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    use progenitor_client::Error as P;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let limit = inner.max_response();
    // What the server announces is only believed up to 1 MiB before its bytes arrive.
    let mut body = match response.content_length() {
        Some(n) if n > limit => return Err(P::Custom(too_large(limit))),
        Some(n) => Vec::with_capacity(n.min(1 << 20) as usize),
        None => Vec::new(),
    };
    while let Some(chunk) = response.chunk().await.map_err(P::ResponseBodyError)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(P::Custom(too_large(limit)));
        }
        body.extend_from_slice(&chunk);
    }
    let value: T = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Err(P::InvalidResponsePayload(body.into(), e)),
    };
    if let Some(observer) = OBSERVER.get() {
        observer(&Observed {
            operation,
            status: status.as_u16(),
            raw: &body,
            reencoded: serde_json::to_value(&value).map_err(|e| e.to_string()),
            debug: format!("{value:?}"),
        });
    }
    Ok(ResponseValue::new(value, status, headers))
}

fn too_large(limit: u64) -> String {
    format!("the response body is larger than the client's limit of {limit} bytes (raise it with max_response_bytes)")
}

/// Prints `<redacted>` in place of a secret in `Debug` output (credential data, passwords).
#[derive(Clone, Copy)]
pub(crate) struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `"a string"`, `"an array"`, ...: what a JSON value is, for messages (never the value itself,
/// which may be a secret).
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `value` in the shape of `D`, through its JSON form; `None` when it does not fit. The generated
/// read-modify-write conversions use it for optional fields whose read and write types differ.
pub(crate) fn convert<S: serde::Serialize, D: serde::de::DeserializeOwned>(value: &S) -> Option<D> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
}

/// `f64` fields serialized as JavaScript's `JSON.stringify` writes numbers: an integral value as
/// an integer (`1`, not `1.0`). n8n is JavaScript: every number it sends reads back in the same
/// spelling, so a value decoded and encoded again is the value n8n sent.
pub(crate) mod js_number {
    use serde::Serializer;

    /// The largest integer an `f64` holds exactly (2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;

    pub(crate) fn plain<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.fract() == 0.0 && v.abs() <= EXACT {
            s.serialize_i64(*v as i64)
        } else {
            s.serialize_f64(*v)
        }
    }

    pub(crate) fn option<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => plain(v, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn list<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for n in v {
            seq.serialize_element(&Js(*n))?;
        }
        seq.end()
    }

    pub(crate) fn option_list<S: Serializer>(v: &Option<Vec<f64>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => list(v, s),
            None => s.serialize_none(),
        }
    }

    struct Js(f64);

    impl serde::Serialize for Js {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            plain(&self.0, s)
        }
    }
}

/// A string n8n sometimes sends as a number (the id in a delete-execution answer).
#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    String(String),
    Number(serde_json::Number),
}

impl From<StringOrNumber> for String {
    fn from(v: StringOrNumber) -> Self {
        match v {
            StringOrNumber::String(s) => s,
            StringOrNumber::Number(n) => n.to_string(),
        }
    }
}

/// Decodes `"12"` and `12` alike into `"12"`.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    StringOrNumber::deserialize(d).map(String::from)
}

/// [`string_or_number`] for an optional field (`null` and absent are `None`).
pub(crate) fn option_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<StringOrNumber>::deserialize(d).map(|v| v.map(String::from))
}

#[cfg(test)]
mod tests {
    use super::{escape_line, path_segment};

    #[test]
    fn error_bodies_read_as_one_line() {
        struct D(serde_json::Value);
        impl std::fmt::Display for D {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::describe(&self.0, f)
            }
        }
        let body = serde_json::json!({
            "message": "Import blocked: 2 issue(s)",
            "issues": [
                {"type": "workflow-conflict", "name": "Daily\nreport", "sourceWorkflowId": "a1", "existingWorkflowId": "b2"},
                {"type": "credential-unresolved", "kind": "not_found", "credentialId": "c3"}
            ]
        });
        assert_eq!(
            D(body).to_string(),
            "Import blocked: 2 issue(s) (issues: [workflow-conflict: name=Daily\\nreport, sourceWorkflowId=a1, existingWorkflowId=b2; credential-unresolved: kind=not_found, credentialId=c3])"
        );
        assert_eq!(D(serde_json::json!({"message": "Not Found"})).to_string(), "Not Found");
    }

    #[test]
    fn numbers_serialize_as_javascript_writes_them() {
        #[derive(serde::Serialize)]
        struct N {
            #[serde(serialize_with = "super::js_number::plain")]
            a: f64,
            #[serde(serialize_with = "super::js_number::option")]
            b: Option<f64>,
            #[serde(serialize_with = "super::js_number::list")]
            c: Vec<f64>,
        }
        let n = N {
            a: 1.0,
            b: Some(2.5),
            c: vec![0.0, -240.0, 1e300, 0.1],
        };
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            r#"{"a":1,"b":2.5,"c":[0,-240,1e+300,0.1]}"#
        );
    }

    #[test]
    fn path_segments_encode_everything_but_unreserved() {
        assert_eq!(path_segment("id", "2tUt1wbLX592XDdX").unwrap(), "2tUt1wbLX592XDdX");
        assert_eq!(path_segment("id", "a.b-c_d~e").unwrap(), "a.b-c_d~e");
        assert_eq!(path_segment("id", "../c1").unwrap(), "..%2Fc1");
        assert_eq!(
            path_segment("id", "..\\..\\credentials\\c1").unwrap(),
            "..%5C..%5Ccredentials%5Cc1"
        );
        assert_eq!(path_segment("id", "a b?c#d%e").unwrap(), "a%20b%3Fc%23d%25e");
        assert_eq!(path_segment("id", "é").unwrap(), "%C3%A9");
        assert!(path_segment("id", "%2e%2e").unwrap_err().contains("dot segment"));
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for v in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e.", "%252e%252e", "%25252E."] {
            let e = path_segment("user_id", v).unwrap_err();
            assert!(e.contains("`user_id`") && e.contains("dot segment"), "{v}: {e}");
        }
        assert!(path_segment("user_id", "").unwrap_err().contains("empty"));
        for ok in ["...", ". .", "a..", "%2e%2e%2e"] {
            assert!(path_segment("id", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lines_are_escaped_and_bounded() {
        assert_eq!(escape_line("a\r\nFAKE: ok\u{1b}[2J", 100), "a\\r\\nFAKE: ok\\u{1b}[2J");
        assert_eq!(escape_line("evil\u{202e}txt", 100), "evil\\u{202e}txt");
        assert_eq!(escape_line("abcdef", 3), "abc…");
        assert_eq!(escape_line("plain words, ünïcode", 100), "plain words, ünïcode");
    }

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::string_or_number")]
        id: String,
        #[serde(default, deserialize_with = "super::option_string_or_number")]
        other: Option<String>,
    }

    #[test]
    fn strings_and_numbers_decode_as_strings() {
        let t: T = serde_json::from_str(r#"{"id": 12, "other": "7"}"#).unwrap();
        assert_eq!((t.id.as_str(), t.other.as_deref()), ("12", Some("7")));
        let t: T = serde_json::from_str(r#"{"id": "12"}"#).unwrap();
        assert_eq!((t.id.as_str(), t.other), ("12", None));
        assert!(serde_json::from_str::<T>(r#"{"id": true}"#).is_err());
    }
}
