//! Is decoding lossless? Every successful JSON body of the end-to-end suite is compared with what
//! the client decoded it into, serialized back (`serde_json::to_value(decoded)`): what a
//! read-modify-write sends is built from the decoded value, so whatever is lost here is lost on
//! the way back to n8n.
//!
//! A difference is a JSON pointer (array indexes as `*`) and what happened there: a member
//! `dropped` (the types have no place for it), `added` (the types wrote what the server never
//! sent: a default, an empty list, a `null`), or a value `changed`. Two timestamps that name the
//! same instant in other spellings (`.000Z` and `Z`) are no difference: chrono writes RFC 3339
//! its own way, and n8n reads either. Each allowed difference is listed in [`ALLOWED`] with its
//! reason; any other fails the coverage report.

use std::collections::BTreeSet;

use serde_json::Value;

/// What happened at one place of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Dropped,
    Added,
    Changed,
}

/// One difference between a raw body and its decoded value serialized back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Difference {
    pub change: Change,
    /// The place, array indexes as `*` (`/data/*/nodes/*/parameters`).
    pub pointer: String,
    /// The JSON kinds on either side (`object -> absent`), never the values (they may be secret).
    pub kinds: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {} ({})", self.change, self.pointer, self.kinds)
    }
}

/// The differences between `raw` (what n8n sent) and `decoded` (the client's value, serialized).
pub fn differences(raw: &Value, decoded: &Value) -> BTreeSet<Difference> {
    let mut out = BTreeSet::new();
    compare(raw, decoded, &mut String::new(), &mut out);
    out
}

fn kind(v: Option<&Value>) -> &'static str {
    match v {
        None => "absent",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(n)) if n.is_f64() => "float",
        Some(Value::Number(_)) => "integer",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn push(out: &mut BTreeSet<Difference>, change: Change, pointer: &str, raw: Option<&Value>, decoded: Option<&Value>) {
    out.insert(Difference {
        change,
        pointer: if pointer.is_empty() { "/".into() } else { pointer.into() },
        kinds: format!("{} -> {}", kind(raw), kind(decoded)),
    });
}

fn compare(raw: &Value, decoded: &Value, pointer: &mut String, out: &mut BTreeSet<Difference>) {
    match (raw, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match b.get(k) {
                    Some(vb) => compare(va, vb, pointer, out),
                    None => push(out, Change::Dropped, pointer, Some(va), None),
                }
                pointer.truncate(len);
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    push(out, Change::Added, &p, None, Some(vb));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            let len = pointer.len();
            pointer.push_str("/*");
            for (va, vb) in a.iter().zip(b) {
                compare(va, vb, pointer, out);
            }
            pointer.truncate(len);
        }
        (Value::String(a), Value::String(b)) if a != b && same_instant(a, b) => {}
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() && a.is_f64() == b.is_f64() => {}
        (a, b) if a == b => {}
        (a, b) => push(out, Change::Changed, pointer, Some(a), Some(b)),
    }
}

/// Both parse as RFC 3339 timestamps of the same instant.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A reviewed kind of difference: what it is (`change`, `kinds`), the places it is allowed
/// (`(operation, pointer)`), and why it is acceptable.
#[derive(Debug)]
pub struct Allowed {
    pub change: Change,
    /// `"absent -> null"`, `"integer -> string"`.
    pub kinds: &'static str,
    pub places: &'static [(&'static str, &'static str)],
    pub reason: &'static str,
}

/// The differences the suite accepts, each with its reason. Two kinds remain; everything else
/// the server sends reads back as sent (unknown members, empty lists and maps, `null`s,
/// integral numbers, timestamps).
pub const ALLOWED: &[Allowed] = &[
    Allowed {
        change: Change::Changed,
        kinds: "integer -> string",
        places: &[
            ("activateWorkflow", "/activeVersion/workflowPublishHistory/*/id"),
            ("publishWorkflow", "/activeVersion/workflowPublishHistory/*/id"),
            ("getWorkflow", "/activeVersion/workflowPublishHistory/*/id"),
            ("deleteExecution", "/id"),
            ("getTestCases", "/data/*/executionId"),
            ("getLdapSync", "/data/*/id"),
            ("runLdapSync", "/id"),
            ("get-data-table-rows", "/data/*/id"),
            ("insert-data-table-rows", "/*/id"),
            ("update-data-table-rows", "/*/id"),
            ("delete-data-table-rows", "/*/id"),
            ("upsert-data-table-row", "/*/id"),
        ],
        reason: "ids n8n sends as numbers (rows, publish history, LDAP syncs, an execution's): the \
                 client keeps every id a String (rule `numeric-ids`), so an id read anywhere goes \
                 into any path or filter as it is; the number is the same id",
    },
    Allowed {
        change: Change::Added,
        kinds: "absent -> null",
        places: &[
            ("getWorkflows", "/data/*/description"),
            ("getWorkflows", "/data/*/sourceWorkflowId"),
            ("getWorkflows", "/data/*/pinData"),
            ("getWorkflows", "/data/*/parentFolder"),
            ("getExecutions", "/data/*/deduplicationKey"),
            ("getExecutions", "/data/*/deletedAt"),
            ("getExecutions", "/data/*/tracingContext"),
            ("getExecutions", "/data/*/workflowVersionId"),
            ("getExecutions", "/data/*/data/redactionInfo"),
            ("getCredentials", "/data/*/resolverId"),
            ("getUsers", "/data/*/role"),
            ("getSourceControlStatus", "/data/*/parentFolderId"),
            ("pushSourceControl", "/data/*/parentFolderId"),
        ],
        reason: "a list answers a shorter item than the item's own answer; the resource has one \
                 type for all its answers (rule `resource-types`), whose nullable fields are \
                 written as null when unset (rule `present-nulls`): what the item's GET sends",
    },
    Allowed {
        change: Change::Added,
        kinds: "absent -> null",
        places: &[
            ("getWorkflow", "/parentFolder"),
            ("updateWorkflow", "/parentFolder"),
            ("deleteWorkflow", "/parentFolder"),
            ("activateWorkflow", "/parentFolder"),
            ("deactivateWorkflow", "/parentFolder"),
            ("publishWorkflow", "/parentFolder"),
            ("unpublishWorkflow", "/parentFolder"),
            ("archiveWorkflow", "/parentFolder"),
            ("unarchiveWorkflow", "/parentFolder"),
            ("deleteWorkflow", "/activeVersion"),
            ("getWorkflow", "/pinData"),
            ("getUser", "/role"),
            ("getExecution", "/data/redactionInfo"),
            ("retryExecution", "/data/redactionInfo"),
            ("retryExecution", "/deduplicationKey"),
            ("retryExecution", "/deletedAt"),
            ("retryExecution", "/retrySuccessId"),
            ("retryExecution", "/stoppedAt"),
            ("retryExecution", "/tracingContext"),
            ("retryExecution", "/waitTill"),
            ("retryExecution", "/workflowVersionId"),
        ],
        reason: "the answer of this operation leaves out a nullable field the resource's other \
                 answers send (a workflow's parentFolder only comes with its creation, pinData \
                 not with excludePinnedData, a user's role only with includeRole, a retried \
                 execution is a new, unfinished one): written back as null, the value it has",
    },
    Allowed {
        change: Change::Added,
        kinds: "absent -> null",
        places: &[
            ("createTestRun", "/runAt"),
            ("createTestRun", "/completedAt"),
            ("createTestRun", "/metrics"),
            ("createTestRun", "/errorCode"),
            ("createTestRun", "/errorDetails"),
            ("createTestRun", "/finalResult"),
            ("cancelTestRun", "/runAt"),
            ("cancelTestRun", "/completedAt"),
            ("cancelTestRun", "/metrics"),
            ("cancelTestRun", "/errorCode"),
            ("cancelTestRun", "/errorDetails"),
            ("cancelTestRun", "/finalResult"),
        ],
        reason: "a test run n8n has only just created or cancelled has no results yet; its \
                 answer leaves them out, the run's later reads send null: written back as null",
    },
];

/// The entry of [`ALLOWED`] that covers `d` in a body of `operation`.
pub fn allowed(operation: &str, d: &Difference) -> Option<&'static Allowed> {
    ALLOWED.iter().find(|a| {
        a.change == d.change
            && a.kinds == d.kinds
            && a.places
                .iter()
                .any(|(op, pointer)| *op == operation && *pointer == d.pointer)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_what_was_dropped_added_and_changed() {
        let raw = json!({
            "nodes": [{"parameters": {}, "name": "a"}, {"parameters": {"x": 1}, "name": "b"}],
            "createdAt": "2026-01-01T00:00:00.000Z",
            "count": 3,
            "meta": null,
        });
        let decoded = json!({
            "nodes": [{"name": "a"}, {"parameters": {"x": 1}, "name": "b"}],
            "createdAt": "2026-01-01T00:00:00Z",
            "count": 3.0,
            "shared": [],
        });
        let found: Vec<String> = differences(&raw, &decoded).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            [
                "Dropped /meta (null -> absent)",
                "Dropped /nodes/*/parameters (object -> absent)",
                "Added /shared (absent -> array)",
                "Changed /count (integer -> float)",
            ]
        );
        assert!(differences(&raw, &raw).is_empty());
    }

    #[test]
    fn allowed_differences_match_their_kind_and_place_only() {
        let d = |change, pointer: &str, kinds: &str| Difference {
            change,
            pointer: pointer.into(),
            kinds: kinds.into(),
        };
        assert!(
            allowed(
                "getWorkflows",
                &d(Change::Added, "/data/*/description", "absent -> null")
            )
            .is_some()
        );
        assert!(
            allowed(
                "getWorkflows",
                &d(Change::Dropped, "/data/*/description", "null -> absent")
            )
            .is_none()
        );
        assert!(
            allowed(
                "getWorkflow",
                &d(Change::Added, "/data/*/description", "absent -> null")
            )
            .is_none()
        );
        assert!(
            allowed(
                "getWorkflows",
                &d(Change::Added, "/data/*/description", "absent -> string")
            )
            .is_none()
        );
        for a in ALLOWED {
            assert!(!a.places.is_empty() && a.reason.len() > 40, "{a:?}");
        }
    }
}
