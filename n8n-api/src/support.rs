//! Small helpers the generated code calls: redaction of secrets in `Debug`, lenient decoding
//! where n8n is inconsistent with itself, and names for JSON value kinds in builder errors.

use serde::{Deserialize, Deserializer};

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
