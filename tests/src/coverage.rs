//! Which operations the end-to-end suite proved against a real n8n.
//!
//! The client emits one `tracing` event per finished request (target `n8n_api::request`:
//! operation, status, outcome). The e2e test binary installs a [`Recorder`] that appends each
//! event, with the name of the test that made it, to a JSON-lines file; tests add what they proved
//! with [`proved`] (the effect they checked) or why they could not with [`unproven`]. After the
//! suite, [`Report::from_records`] turns the file into the coverage line.
//!
//! An operation counts as proven only when the same test recorded a success for it (the body
//! decoded into its type) *and* stated the effect it checked. An unproven one needs the call made
//! (an error recorded by the same test) and a reason.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tracing::field::{Field, Visit};

/// The fewest operations the end-to-end suite must prove (README says so; a test checks it).
pub const FLOOR: usize = 120;

/// The target of the client's request events.
pub const TARGET: &str = "n8n_api::request";

/// One line of the coverage file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// A finished request, as the client reported it.
    Request {
        test: String,
        operation: String,
        status: Option<u16>,
        outcome: String,
    },
    /// A test checked the effect of a successful call.
    Proved {
        test: String,
        operation: String,
        effect: String,
    },
    /// A test made the call, checked its typed error, and says why it cannot succeed here.
    Unproven {
        test: String,
        operation: String,
        reason: String,
    },
    /// A success body was decoded; what its decoded value, serialized back, lacks or adds
    /// (see [`crate::lossless`]), and whether its `Debug` shows an `Unrecognized` value.
    Body {
        test: String,
        operation: String,
        status: u16,
        differences: Vec<crate::lossless::Difference>,
        unrecognized: Vec<String>,
    },
}

/// The name of the running test (libtest names each test's thread after it).
pub fn current_test() -> String {
    std::thread::current().name().unwrap_or("(unnamed thread)").to_string()
}

/// A `tracing` subscriber that hands each request event, as a [`Record`], to `sink`.
pub struct Recorder<F> {
    sink: F,
}

impl<F: Fn(Record) + Send + Sync + 'static> Recorder<F> {
    pub fn new(sink: F) -> Self {
        Recorder { sink }
    }
}

#[derive(Default)]
struct Fields {
    operation: String,
    status: Option<u16>,
    outcome: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "operation" => self.operation = value.to_string(),
            "outcome" => self.outcome = value.to_string(),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "status" {
            self.status = u16::try_from(value).ok();
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn fmt::Debug) {}
}

impl<F: Fn(Record) + Send + Sync + 'static> tracing::Subscriber for Recorder<F> {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == TARGET
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        (self.sink)(Record::Request {
            test: current_test(),
            operation: fields.operation,
            status: fields.status,
            outcome: fields.outcome,
        });
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// The coverage file: `$N8N_API_E2E_COVERAGE`, else `target/n8n/coverage.jsonl`.
pub fn file() -> PathBuf {
    std::env::var_os("N8N_API_E2E_COVERAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target/n8n/coverage.jsonl"))
}

fn append(record: &Record) {
    static FILE: OnceLock<Mutex<std::fs::File>> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        let path = file();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open the coverage file {}: {e}", path.display()));
        Mutex::new(f)
    });
    let line = serde_json::to_string(record).expect("a record serializes");
    let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
    writeln!(f, "{line}").expect("the coverage file is writable");
}

/// Records every request of this process into the coverage file (once per process).
pub fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(Recorder::new(|r| append(&r)))
            .expect("no other global tracing subscriber in the e2e suite");
        tracing::callsite::rebuild_interest_cache();
    });
}

/// Records what decoding a success body of `operation` lost or added (from the client's body
/// observer).
pub fn body(operation: &str, status: u16, raw: &[u8], decoded: Result<&serde_json::Value, &str>, debug: &str) {
    let differences = match (serde_json::from_slice::<serde_json::Value>(raw), decoded) {
        (Ok(raw), Ok(decoded)) => crate::lossless::differences(&raw, decoded).into_iter().collect(),
        (Err(e), _) => vec![crate::lossless::Difference {
            change: crate::lossless::Change::Changed,
            pointer: "/".into(),
            kinds: format!("the body is no JSON: {e}"),
        }],
        (_, Err(e)) => vec![crate::lossless::Difference {
            change: crate::lossless::Change::Changed,
            pointer: "/".into(),
            kinds: format!("the decoded value does not serialize: {e}"),
        }],
    };
    append(&Record::Body {
        test: current_test(),
        operation: operation.into(),
        status,
        differences,
        unrecognized: unrecognized(debug),
    });
}

/// The `Unrecognized(..)` values in a `Debug` rendering (at most 80 characters each).
fn unrecognized(debug: &str) -> Vec<String> {
    debug
        .match_indices("Unrecognized(")
        .map(|(i, _)| debug[i..].chars().take(80).collect::<String>())
        .collect()
}

/// This test proved `operation`: it succeeded, its body decoded, and `effect` was checked.
pub fn proved(operation: &str, effect: &str) {
    append(&Record::Proved {
        test: current_test(),
        operation: operation.into(),
        effect: effect.into(),
    });
}

/// This test called `operation`, checked its typed error, and cannot prove it here because
/// `reason` (a system that cannot run on this machine).
pub fn unproven(operation: &str, reason: &str) {
    append(&Record::Unproven {
        test: current_test(),
        operation: operation.into(),
        reason: reason.into(),
    });
}

/// Reads the coverage file; a line that does not parse is an error.
pub fn read() -> Result<Vec<Record>, String> {
    let path = file();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: {e}: {l}", path.display())))
        .collect()
}

/// What the records say about each operation.
#[derive(Debug, Default)]
pub struct Report {
    /// Proven operations: operation -> (test, effect) of each proof.
    pub proven: BTreeMap<String, Vec<(String, String)>>,
    /// Operations not proven, with the reason (the test's, or why the record does not count).
    pub unproven: BTreeMap<String, String>,
    /// Whether each unproven operation has an acceptable reason (stated by a test that made the
    /// call and got an error).
    pub excused: BTreeMap<String, bool>,
}

impl Report {
    /// Sorts the records into proven and unproven, for the given operation ids.
    pub fn from_records<'a>(operations: impl IntoIterator<Item = &'a str>, records: &[Record]) -> Report {
        let mut report = Report::default();
        for op in operations {
            match proofs(op, records) {
                proofs if !proofs.is_empty() => {
                    report.proven.insert(op.to_string(), proofs);
                }
                _ => {
                    let (reason, excused) = why_not(op, records);
                    report.unproven.insert(op.to_string(), reason);
                    report.excused.insert(op.to_string(), excused);
                }
            }
        }
        report
    }
}

fn requests<'r>(op: &'r str, test: &'r str, records: &'r [Record]) -> impl Iterator<Item = &'r str> + 'r {
    records.iter().filter_map(move |r| match r {
        Record::Request {
            test: t,
            operation,
            outcome,
            ..
        } if operation == op && t == test => Some(outcome.as_str()),
        _ => None,
    })
}

/// `(test, effect)` of each proof of `op` backed by a success in the same test.
fn proofs(op: &str, records: &[Record]) -> Vec<(String, String)> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Proved {
                test,
                operation,
                effect,
            } if operation == op && requests(op, test, records).any(|o| o == "ok") => {
                Some((test.clone(), effect.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Why `op` is not proven, and whether that is excused.
fn why_not(op: &str, records: &[Record]) -> (String, bool) {
    for r in records {
        if let Record::Unproven {
            test,
            operation,
            reason,
        } = r
            && operation == op
        {
            let called = requests(op, test, records).any(|o| o == "error");
            return if called {
                (reason.clone(), true)
            } else {
                (format!("{reason} (but {test} recorded no failed call)"), false)
            };
        }
    }
    let succeeded = records
        .iter()
        .any(|r| matches!(r, Record::Request { operation, outcome, .. } if operation == op && outcome == "ok"));
    let why = if succeeded {
        "called with success, but no test states the effect it checked"
    } else if records
        .iter()
        .any(|r| matches!(r, Record::Request { operation, .. } if operation == op))
    {
        "called, never successfully, and no test says why"
    } else {
        "never called"
    };
    (why.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(test: &str, op: &str, outcome: &str) -> Record {
        Record::Request {
            test: test.into(),
            operation: op.into(),
            status: Some(200),
            outcome: outcome.into(),
        }
    }

    #[test]
    fn proofs_need_a_success_in_the_same_test() {
        let records = vec![
            request("a", "getTag", "ok"),
            Record::Proved {
                test: "a".into(),
                operation: "getTag".into(),
                effect: "read back".into(),
            },
            request("b", "createTag", "ok"),
            Record::Proved {
                test: "c".into(),
                operation: "createTag".into(),
                effect: "listed".into(),
            },
            request("d", "runLdapSync", "error"),
            Record::Unproven {
                test: "d".into(),
                operation: "runLdapSync".into(),
                reason: "needs a directory".into(),
            },
            Record::Unproven {
                test: "e".into(),
                operation: "deleteTag".into(),
                reason: "never tried".into(),
            },
        ];
        let ops = ["getTag", "createTag", "runLdapSync", "deleteTag", "getUser"];
        let r = Report::from_records(ops, &records);
        assert_eq!(r.proven.keys().collect::<Vec<_>>(), ["getTag"]);
        assert!(r.excused["runLdapSync"]);
        assert!(!r.excused["createTag"]);
        assert!(!r.excused["deleteTag"]);
        assert_eq!(r.unproven["getUser"], "never called");
    }

    #[test]
    fn the_recorder_turns_request_events_into_records() {
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let recorder = Recorder::new(move |r| sink.lock().unwrap().push(r));
        tracing::subscriber::with_default(recorder, || {
            tracing::debug!(target: "n8n_api::request", operation = "getTag", status = 404u16, outcome = "error");
            tracing::debug!(target: "elsewhere", operation = "ignored");
        });
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(
            matches!(&seen[0], Record::Request { operation, status: Some(404), outcome, .. } if operation == "getTag" && outcome == "error")
        );
    }
}
