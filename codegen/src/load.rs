//! Stage 1: read a spec (YAML 1.2 or JSON) into a JSON document.
//!
//! n8n ships its spec as YAML. Since 2.41 it contains `enum: [off, production, all]`, which a
//! YAML 1.1 reader turns into `false`; we read YAML 1.2 (serde-saphyr), where `off` is a string.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A loaded spec: the document as JSON, and the identity of the bytes it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The whole document, key order preserved.
    pub document: Value,
    /// Lower-case hex sha256 of the exact bytes that were loaded.
    pub sha256: String,
}

impl Spec {
    /// `info.version` of the document (n8n has kept it at 1.1.1 since n8n 1.50: it does not
    /// identify a release; the lock file's n8n version does).
    pub fn info_version(&self) -> &str {
        self.document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// Reads and parses the spec at `path`.
pub fn from_path(path: &Path) -> Result<Spec> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    from_bytes(&bytes, &path.display().to_string())
}

/// Parses spec bytes; `origin` names them in errors.
pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Spec> {
    let document = parse_document(bytes, origin)?;
    check_openapi_3_0(&document, origin)?;
    Ok(Spec {
        document,
        sha256: sha256_hex(bytes),
    })
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn parse_document(bytes: &[u8], origin: &str) -> Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Parse {
        origin: origin.to_string(),
        message: format!("not UTF-8 text ({e})"),
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Error::Parse {
            origin: origin.to_string(),
            message: "the file is empty".into(),
        });
    }
    if trimmed.starts_with('<') {
        return Err(Error::Parse {
            origin: origin.to_string(),
            message: "this is HTML or XML, not a spec".into(),
        });
    }
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| Error::Parse {
            origin: origin.to_string(),
            message: format!("JSON: {e}"),
        });
    }
    // YAML 1.2 core schema: only true/false are booleans (`off` stays a string).
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options::<Value>(trimmed, options).map_err(|e| Error::Parse {
        origin: origin.to_string(),
        message: first_line(&e.to_string()),
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

fn check_openapi_3_0(doc: &Value, origin: &str) -> Result<()> {
    let fail = |message: String| Error::NotOpenApi {
        origin: origin.to_string(),
        message,
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| fail("the top level is not a mapping".into()))?;
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => return Err(fail(format!("`openapi: {v}` (only 3.0.x is supported)"))),
        None => return Err(fail("no `openapi` version field".into())),
    }
    if !obj.get("paths").is_some_and(Value::is_object) {
        return Err(fail("no `paths` mapping".into()));
    }
    // The typed model progenitor uses must accept the document too; report where it does not.
    let de = doc.clone();
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(de)
        .map_err(|e| fail(format!("at {}: {}", e.path(), e.inner())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_2_keeps_off_a_string() {
        let spec = from_bytes(
            b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Mode: {type: string, enum: [off, production, all]}\n",
            "mem",
        )
        .unwrap();
        assert_eq!(
            spec.document.pointer("/components/schemas/Mode/enum").unwrap(),
            &serde_json::json!(["off", "production", "all"])
        );
    }

    #[test]
    fn json_and_yaml_give_the_same_document() {
        let y = from_bytes(b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "y").unwrap();
        let j = from_bytes(
            br#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}"#,
            "j",
        )
        .unwrap();
        assert_eq!(y.document, j.document);
        assert_ne!(y.sha256, j.sha256);
        assert_eq!(j.info_version(), "1");
    }

    #[test]
    fn html_is_refused_with_the_origin() {
        let e = from_bytes(b"<!doctype html><html></html>", "http://x/api/v1/openapi.yml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "http://x/api/v1/openapi.yml: not a valid YAML or JSON document: this is HTML or XML, not a spec"
        );
    }

    #[test]
    fn broken_yaml_names_the_origin() {
        let e = from_bytes(b"openapi: 3.0.0\npaths: [\n", "spec/openapi.yml").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("spec/openapi.yml: not a valid YAML or JSON document"),
            "{e}"
        );
    }

    #[test]
    fn swagger_2_is_refused() {
        let e = from_bytes(b"swagger: '2.0'\npaths: {}\n", "s").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s: not an OpenAPI 3.0 document: no `openapi` version field"
        );
    }

    #[test]
    fn structural_errors_say_where() {
        let e = from_bytes(
            b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n",
            "s",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("at paths: invalid type: integer `7`, expected struct Responses"),
            "{e}"
        );
    }

    #[test]
    fn empty_is_refused() {
        let e = from_bytes(b"  \n", "s").unwrap_err();
        assert_eq!(e.to_string(), "s: not a valid YAML or JSON document: the file is empty");
    }
}
