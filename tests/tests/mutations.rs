//! Property-style robustness of decoding: every recorded n8n 2.40.7 response body, mutated at
//! random, is served by a local HTTP/1.1 server on `127.0.0.1` and read by the operation that
//! answers it.
//!
//! Mutations (one to three a case): a member deleted, duplicated or renamed; a value replaced by
//! another JSON kind (null, booleans, negative numbers, `1e400` as raw text, strings, empty
//! arrays and objects); unknown members inserted; the text cut at a random byte; invalid UTF-8
//! or control characters inside a string; a value wrapped in 200 or 10 000 levels of nesting;
//! array items swapped; a string made 1 MiB long; an enum value changed to one the client does
//! not know.
//!
//! What every case must do: the call returns (`Ok` or `Err`) within the client's total timeout
//! and without panicking (each call runs in its own task; a panic is a failed `JoinHandle`); an
//! `Err` is a decode, api or transport error whose `Display` is one line (no CR, LF, ESC or
//! other control character) shorter than 2000 characters. A case that only adds unknown members
//! or changes enum values to unknown strings must be `Ok` (a client survives a newer server), and
//! every body unmutated must decode.
//!
//! Deterministic: the seeds are fixed; a failure names the fixture, the seed and the mutations.
//! `MUTATIONS_SEED=0x...` runs that one case again (plus the unmutated bodies);
//! `MUTATIONS_SCALE=10` runs ten times the cases (new seeds after the usual ones), for a soak.
//!
//! `cargo test -p n8n-api-tests --test mutations` (nothing leaves loopback).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use n8n_api::prelude::*;
use n8n_api::{Client, RetryPolicy};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Calls running at once (each with its own client, base path and body slot on the one server).
const WORKERS: usize = 4;
/// The client's total timeout; a call must end within it.
const TOTAL: Duration = Duration::from_secs(5);
/// What a call may take before the test calls it a hang (the client's own bound, plus slack).
const HANG: Duration = Duration::from_secs(10);
/// The longest `Display` an error may have.
const MAX_DISPLAY: usize = 2000;
/// A long string: 1 MiB.
const LONG: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// The operations whose recorded answers are mutated.
#[derive(Clone, Copy, Debug)]
enum Op {
    GetWorkflow,
    GetWorkflows,
    GetExecution,
    GetExecutions,
    GetCredentials,
    GetTag,
    GetTags,
    GetUsers,
    ListDataTables,
    GetProjects,
}

struct Fixture {
    op: Op,
    /// Where the body was recorded from (for messages).
    file: &'static str,
    body: &'static [u8],
    /// Mutated cases run (the unmutated body always runs too).
    cases: u64,
    /// Where the body holds enum values (`data[*].status`: `[*]` is any item).
    enums: &'static [&'static str],
    /// Objects that are maps of strings (`HashMap<String, String>`): an unknown member added
    /// there is a string.
    string_maps: &'static [&'static str],
}

macro_rules! fixture {
    ($op:ident, $file:literal, $cases:expr, $enums:expr, $maps:expr) => {
        Fixture {
            op: Op::$op,
            file: $file,
            body: include_bytes!(concat!("../../", $file)),
            cases: $cases,
            enums: $enums,
            string_maps: $maps,
        }
    };
}

fn fixtures() -> Vec<Fixture> {
    vec![
        fixture!(
            GetWorkflow,
            "bench/fixtures/workflow.json",
            400,
            &["shared[*].project.type"],
            &[]
        ),
        // 660 KB: each case is a 660 KB decode in a debug build, so fewer of them.
        fixture!(
            GetWorkflows,
            "bench/fixtures/workflows-250.json",
            40,
            &["data[*].shared[*].project.type"],
            &[]
        ),
        fixture!(
            GetExecution,
            "tests/fixtures/responses/getExecution.json",
            400,
            &["mode", "status", "storedAt"],
            &["customData"]
        ),
        fixture!(
            GetExecutions,
            "tests/fixtures/responses/getExecutions-includeData.json",
            400,
            &["data[*].mode", "data[*].status", "data[*].storedAt"],
            &["data[*].customData"]
        ),
        fixture!(
            GetExecutions,
            "tests/fixtures/responses/getExecutions.json",
            300,
            &["data[*].mode", "data[*].status"],
            &[]
        ),
        fixture!(
            GetCredentials,
            "tests/fixtures/responses/getCredentials.json",
            300,
            &[],
            &[]
        ),
        fixture!(GetTag, "tests/fixtures/responses/getTag.json", 300, &[], &[]),
        fixture!(GetTags, "tests/fixtures/responses/getTags.json", 300, &[], &[]),
        fixture!(GetUsers, "tests/fixtures/responses/getUsers.json", 300, &[], &[]),
        fixture!(
            ListDataTables,
            "tests/fixtures/responses/listDataTables.json",
            400,
            &["data[*].columns[*].type"],
            &[]
        ),
        fixture!(
            GetProjects,
            "tests/fixtures/responses/getProjects.json",
            300,
            &["data[*].type"],
            &[]
        ),
    ]
}

/// The operation, through `c`.
async fn call(op: Op, c: &Client) -> Result<(), n8n_api::Error> {
    match op {
        Op::GetWorkflow => c.get_workflow().workflow_id("w1").send().await.map(drop),
        Op::GetWorkflows => c.get_workflows().send().await.map(drop),
        Op::GetExecution => c
            .get_execution()
            .execution_id("43")
            .include_data(true)
            .send()
            .await
            .map(drop),
        Op::GetExecutions => c.get_executions().include_data(true).send().await.map(drop),
        Op::GetCredentials => c.get_credentials().send().await.map(drop),
        Op::GetTag => c.get_tag().tag_id("t1").send().await.map(drop),
        Op::GetTags => c.get_tags().send().await.map(drop),
        Op::GetUsers => c.get_users().send().await.map(drop),
        Op::ListDataTables => c.list_data_tables().send().await.map(drop),
        Op::GetProjects => c.get_projects().send().await.map(drop),
    }
}

// ---------------------------------------------------------------------------------------------
// A deterministic PRNG (splitmix64)

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn coin(&mut self) -> bool {
        self.next() & 1 == 0
    }
}

/// The seed of case `case` of fixture `fixture`.
fn seed(fixture: usize, case: u64) -> u64 {
    let mut r = Rng(0x6d75_7461_7469_6f6e ^ ((fixture as u64) << 40) ^ case);
    r.next()
}

// ---------------------------------------------------------------------------------------------
// A JSON document that can hold what JSON parsers refuse: duplicate keys, raw bytes in strings,
// numbers out of range, and nesting deeper than any stack.

#[derive(Clone)]
enum J {
    /// Raw text written as is (`null`, `true`, `12`, `1e400`, `"text"`, `[]`, ...).
    Lit(Vec<u8>),
    /// A string's bytes between its quotes, JSON-escaped (or deliberately not).
    Str(Vec<u8>),
    Arr(Vec<J>),
    /// Members in order, keys as their escaped bytes (duplicates allowed).
    Obj(Vec<(Vec<u8>, J)>),
    /// `inner` inside `depth` arrays, or objects `{"d": ...}` (written without recursion).
    Deep {
        depth: usize,
        objects: bool,
        inner: Box<J>,
    },
}

fn escaped(s: &str) -> Vec<u8> {
    let quoted = serde_json::to_vec(s).unwrap();
    quoted[1..quoted.len() - 1].to_vec()
}

fn from_value(v: &Value) -> J {
    match v {
        Value::Array(items) => J::Arr(items.iter().map(from_value).collect()),
        Value::Object(members) => J::Obj(members.iter().map(|(k, v)| (escaped(k), from_value(v))).collect()),
        Value::String(s) => J::Str(escaped(s)),
        other => J::Lit(other.to_string().into_bytes()),
    }
}

fn write(j: &J, out: &mut Vec<u8>) {
    match j {
        J::Lit(raw) => out.extend_from_slice(raw),
        J::Str(bytes) => {
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
        }
        J::Arr(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        J::Obj(members) => {
            out.push(b'{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'"');
                out.extend_from_slice(key);
                out.extend_from_slice(b"\":");
                write(value, out);
            }
            out.push(b'}');
        }
        J::Deep { depth, objects, inner } => {
            let open: &[u8] = if *objects { b"{\"d\":" } else { b"[" };
            for _ in 0..*depth {
                out.extend_from_slice(open);
            }
            write(inner, out);
            for _ in 0..*depth {
                out.push(if *objects { b'}' } else { b']' });
            }
        }
    }
}

/// One step down a document: an array item or an object member (by position).
#[derive(Clone, Copy)]
enum Step {
    Item(usize),
    Member(usize),
}

fn node_mut<'a>(mut j: &'a mut J, path: &[Step]) -> &'a mut J {
    for step in path {
        j = match (j, *step) {
            (J::Arr(items), Step::Item(i)) => &mut items[i],
            (J::Obj(members), Step::Member(i)) => &mut members[i].1,
            _ => unreachable!("a path into a document that does not have it"),
        };
    }
    j
}

/// A key for messages and patterns (at most 40 characters).
fn key_text(key: &[u8]) -> String {
    let s = String::from_utf8_lossy(key);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.into_owned()
    }
}

/// `$.data[3].mode`: where `path` leads, for messages.
fn show(root: &J, path: &[Step]) -> String {
    let mut out = String::from("$");
    let mut j = root;
    for step in path {
        j = match (j, *step) {
            (J::Arr(items), Step::Item(i)) => {
                let _ = write!(out, "[{i}]");
                &items[i]
            }
            (J::Obj(members), Step::Member(i)) => {
                let _ = write!(out, ".{}", key_text(&members[i].0));
                &members[i].1
            }
            _ => unreachable!("a path into a document that does not have it"),
        };
    }
    out
}

/// Calls `f` with every node, its path and (when `patterns`) its pattern (`data[*].mode`),
/// parents first.
fn walk(j: &J, path: &mut Vec<Step>, pattern: &mut String, patterns: bool, f: &mut dyn FnMut(&J, &[Step], &str)) {
    f(j, path, pattern);
    let len = pattern.len();
    match j {
        J::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                if patterns {
                    pattern.push_str("[*]");
                }
                path.push(Step::Item(i));
                walk(item, path, pattern, patterns, f);
                path.pop();
                pattern.truncate(len);
            }
        }
        J::Obj(members) => {
            for (i, (key, value)) in members.iter().enumerate() {
                if patterns {
                    if !pattern.is_empty() {
                        pattern.push('.');
                    }
                    pattern.push_str(std::str::from_utf8(key).unwrap_or("\u{fffd}"));
                }
                path.push(Step::Member(i));
                walk(value, path, pattern, patterns, f);
                path.pop();
                pattern.truncate(len);
            }
        }
        _ => {}
    }
}

/// A node chosen uniformly among those `want` accepts: its path and (when `patterns`) its
/// pattern.
fn choose(root: &J, rng: &mut Rng, patterns: bool, want: &dyn Fn(&J, &str) -> bool) -> Option<(Vec<Step>, String)> {
    let mut seen = 0;
    let mut chosen = None;
    walk(
        root,
        &mut Vec::new(),
        &mut String::new(),
        patterns,
        &mut |j, path, pattern| {
            if want(j, pattern) {
                seen += 1;
                if rng.below(seen) == 0 {
                    chosen = Some((path.to_vec(), pattern.to_string()));
                }
            }
        },
    );
    chosen
}

// ---------------------------------------------------------------------------------------------
// Mutations

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Delete,
    Duplicate,
    Rename,
    Replace,
    Unknown,
    Truncate,
    BadUtf8,
    Control,
    Deep,
    Swap,
    Long,
    Enum,
}

const KINDS: [Kind; 12] = [
    Kind::Delete,
    Kind::Duplicate,
    Kind::Rename,
    Kind::Replace,
    Kind::Unknown,
    Kind::Truncate,
    Kind::BadUtf8,
    Kind::Control,
    Kind::Deep,
    Kind::Swap,
    Kind::Long,
    Kind::Enum,
];

/// What replaces a value: every JSON kind, numbers no `f64`/`i64`/`u64` holds, odd strings.
const REPLACEMENTS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-1",
    "-0.5",
    "1e400",
    "-1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "1.7976931348623157e308",
    "\"\"",
    "\"text\"",
    "\"-1\"",
    "\"2026-13-45T99:99:99Z\"",
    "[]",
    "{}",
    "[null]",
    "{\"\":null}",
];

/// What an unknown member holds: what a newer n8n (JavaScript's `JSON.stringify`) could send.
const UNKNOWN_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-17",
    "3.25",
    "1e300",
    "12345678901234567890",
    "\"\"",
    "\"a newer n8n's value\"",
    "\"ünï ✓ 🚀\"",
    "[]",
    "{}",
    "[1,\"two\",null,{\"three\":3}]",
    "{\"nested\":{\"deeper\":[true,{\"id\":\"x\"}]}}",
    "{\"id\":\"shadow\",\"name\":7,\"data\":[]}",
];

/// Enum values no 2.40.7 client knows.
const UNKNOWN_ENUMS: &[&str] = &["aNewerValue", "future-mode", "SUCCESS", "ünknown ✓", "", "v2:preview"];

/// Bytes that are not UTF-8: a lone continuation, a lead without its tail, an overlong form, a
/// surrogate, a code point past U+10FFFF, bytes never valid.
const BAD_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xc3",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xfe",
    b"\xff",
];

/// Control characters in a string: raw (invalid JSON) or escaped (valid JSON that decodes to
/// them), and escapes that decode to line separators, bidi overrides and a lone surrogate.
const CONTROLS: &[&[u8]] = &[
    b"\x00",
    b"\x01",
    b"\n",
    b"\r\n",
    b"\x1b[2J",
    b"\x7f",
    br"\n",
    br"\r\nX-Forged: yes",
    br"\u001b[31mred",
    br"\u0000",
    br"\u2028",
    br"\u202e",
    br"\ud800",
];

/// One mutated body and what was done to it.
struct Case {
    body: Vec<u8>,
    steps: Vec<String>,
    /// Only unknown members and unknown enum values: the call must succeed.
    expect_ok: bool,
}

fn mutate(base: &J, fixture: &Fixture, seed: u64) -> Case {
    let mut rng = Rng(seed);
    let mut doc = base.clone();
    let mut steps = Vec::new();
    let mut kinds = Vec::new();
    let mut truncate = false;
    // A quarter of the cases are what a newer server sends: only additions.
    let newer = rng.below(4) == 0;
    let count = 1 + rng.below(3);
    while kinds.len() < count {
        let kind = if newer {
            if !fixture.enums.is_empty() && rng.coin() {
                Kind::Enum
            } else {
                Kind::Unknown
            }
        } else {
            match *rng.pick(&KINDS) {
                // Half as often as the others: a 1 MiB body is the costliest case by far.
                Kind::Long if rng.coin() => continue,
                kind => kind,
            }
        };
        if kind == Kind::Truncate {
            if truncate {
                continue;
            }
            truncate = true;
            kinds.push(kind);
            continue;
        }
        // Where the document has no place for it (no enum left, no array of two), draw again.
        if let Some(step) = apply(&mut doc, kind, fixture, &mut rng) {
            steps.push(step);
            kinds.push(kind);
        }
    }
    let mut body = Vec::new();
    write(&doc, &mut body);
    if truncate {
        let at = rng.below(body.len());
        steps.push(format!("truncate at byte {at} of {}", body.len()));
        body.truncate(at);
    }
    Case {
        body,
        steps,
        expect_ok: kinds.iter().all(|k| matches!(k, Kind::Unknown | Kind::Enum)),
    }
}

/// Applies one mutation of `kind`, or `None` when the document has no place for it.
fn apply(doc: &mut J, kind: Kind, fixture: &Fixture, rng: &mut Rng) -> Option<String> {
    match kind {
        Kind::Delete => {
            let (path, _) = choose(doc, rng, false, &|j, _| matches!(j, J::Obj(m) if !m.is_empty()))?;
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            let i = rng.below(members.len());
            let mut member = path.clone();
            member.push(Step::Member(i));
            let shown = show(doc, &member);
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            members.remove(i);
            Some(format!("delete {shown}"))
        }
        Kind::Duplicate => {
            let (path, _) = choose(doc, rng, false, &|j, _| matches!(j, J::Obj(m) if !m.is_empty()))?;
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            let i = rng.below(members.len());
            let (key, value) = members[i].clone();
            let (value, what) = if rng.coin() {
                (value, "same value".to_string())
            } else {
                let raw = *rng.pick(REPLACEMENTS);
                (J::Lit(raw.as_bytes().to_vec()), format!("value {raw}"))
            };
            let at = if rng.coin() { i + 1 } else { members.len() };
            members.insert(at, (key, value));
            let mut member = path.clone();
            member.push(Step::Member(i));
            Some(format!("duplicate key {} ({what})", show(doc, &member)))
        }
        Kind::Rename => {
            let (path, _) = choose(doc, rng, false, &|j, _| matches!(j, J::Obj(m) if !m.is_empty()))?;
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            let i = rng.below(members.len());
            let old = members[i].0.clone();
            let new: Vec<u8> = match rng.below(5) {
                0 => [old.as_slice(), b"X"].concat(),
                1 => old.to_ascii_uppercase(),
                2 => Vec::new(),
                3 => snake_case(&old),
                // The same name spelled with an escape: `\u0069d` is `id`.
                _ => match old.first() {
                    Some(&c) if c.is_ascii_alphanumeric() => [format!("\\u{:04x}", c).as_bytes(), &old[1..]].concat(),
                    _ => [b"_".as_slice(), &old].concat(),
                },
            };
            members[i].0 = new.clone();
            let mut member = path.clone();
            member.push(Step::Member(i));
            let shown = show(doc, &member);
            Some(format!("rename {} -> {}", show_renamed(&shown, &old), key_text(&new)))
        }
        Kind::Replace => {
            let (path, _) = choose(doc, rng, false, &|_, _| true)?;
            let shown = show(doc, &path);
            let raw = *rng.pick(REPLACEMENTS);
            *node_mut(doc, &path) = J::Lit(raw.as_bytes().to_vec());
            Some(format!("replace {shown} with {raw}"))
        }
        Kind::Unknown => {
            let patterns = !fixture.string_maps.is_empty();
            let (path, pattern) = choose(doc, rng, patterns, &|j, _| matches!(j, J::Obj(_)))?;
            let shown = show(doc, &path);
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            // Names no 2.40.7 type has (checked against the object's own members).
            let key = match rng.below(6) {
                0 => String::new(),
                1 => "__proto__".to_string(),
                2 => "ñewField ✓".to_string(),
                3 => "$ref".to_string(),
                4 => match members.first() {
                    Some((k, _)) => String::from_utf8_lossy(k).to_uppercase(),
                    None => "NEW".to_string(),
                },
                _ => format!("zzFuture{:08x}", rng.next() as u32),
            };
            if members.iter().any(|(k, _)| *k == escaped(&key)) {
                return None;
            }
            let raw = if fixture.string_maps.contains(&pattern.as_str()) {
                "\"a newer n8n's value\""
            } else {
                *rng.pick(UNKNOWN_VALUES)
            };
            let J::Obj(members) = node_mut(doc, &path) else {
                unreachable!()
            };
            let at = rng.below(members.len() + 1);
            members.insert(at, (escaped(&key), J::Lit(raw.as_bytes().to_vec())));
            Some(format!("insert unknown {shown}.{key:?} = {raw}"))
        }
        Kind::BadUtf8 | Kind::Control => {
            let (path, _) = choose(doc, rng, false, &|j, _| matches!(j, J::Str(_)))?;
            let shown = show(doc, &path);
            let J::Str(bytes) = node_mut(doc, &path) else {
                unreachable!()
            };
            let insert = *rng.pick(if kind == Kind::BadUtf8 { BAD_UTF8 } else { CONTROLS });
            // Anywhere in a plain string; at an end of one with escapes (not inside an escape).
            let at = match std::str::from_utf8(bytes) {
                Ok(s) if !s.contains('\\') => {
                    let mut at = rng.below(s.len() + 1);
                    while !s.is_char_boundary(at) {
                        at -= 1;
                    }
                    at
                }
                _ => {
                    if rng.coin() {
                        0
                    } else {
                        bytes.len()
                    }
                }
            };
            bytes.splice(at..at, insert.iter().copied());
            let what = if kind == Kind::BadUtf8 {
                "invalid UTF-8"
            } else {
                "control"
            };
            Some(format!(
                "insert {what} {} into {shown} at byte {at}",
                show_bytes(insert)
            ))
        }
        Kind::Deep => {
            let (path, _) = choose(doc, rng, false, &|_, _| true)?;
            let shown = show(doc, &path);
            let depth = *rng.pick(&[200, 10_000]);
            let objects = rng.coin();
            let target = node_mut(doc, &path);
            let inner = std::mem::replace(target, J::Lit(Vec::new()));
            *target = J::Deep {
                depth,
                objects,
                inner: Box::new(inner),
            };
            let how = if objects { "objects" } else { "arrays" };
            Some(format!("nest {shown} in {depth} {how}"))
        }
        Kind::Swap => {
            let (path, _) = choose(doc, rng, false, &|j, _| matches!(j, J::Arr(a) if a.len() >= 2))?;
            let shown = show(doc, &path);
            let J::Arr(items) = node_mut(doc, &path) else {
                unreachable!()
            };
            let i = rng.below(items.len());
            let k = (i + 1 + rng.below(items.len() - 1)) % items.len();
            items.swap(i, k);
            Some(format!("swap {shown}[{i}] and [{k}]"))
        }
        Kind::Long => {
            let strings_only = rng.below(4) != 0;
            let (path, _) = choose(doc, rng, false, &|j, _| !strings_only || matches!(j, J::Str(_)))?;
            let shown = show(doc, &path);
            let (unit, what): (&[u8], &str) = match rng.below(4) {
                0 => (b"x", "x"),
                1 => ("é".as_bytes(), "é"),
                2 => (br"\n", r"\n"),
                _ => (br"\u001b", r"\u001b"),
            };
            let long = unit.repeat(LONG / unit.len());
            *node_mut(doc, &path) = J::Str(long);
            Some(format!("replace {shown} with a 1 MiB string of {what}"))
        }
        Kind::Enum => {
            let enums = fixture.enums;
            let (path, _) = choose(doc, rng, true, &|j, pattern| {
                matches!(j, J::Str(_)) && enums.contains(&pattern)
            })?;
            let shown = show(doc, &path);
            let value = *rng.pick(UNKNOWN_ENUMS);
            *node_mut(doc, &path) = J::Str(escaped(value));
            Some(format!("set enum {shown} to {value:?}"))
        }
        Kind::Truncate => unreachable!("applied to the text"),
    }
}

fn snake_case(key: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in key {
        if b.is_ascii_uppercase() {
            out.push(b'_');
            out.push(b.to_ascii_lowercase());
        } else {
            out.push(b);
        }
    }
    if out == key { [key, b"_"].concat() } else { out }
}

/// `$.a.newName` shown as `$.a.oldName` (the path as it was before the rename).
fn show_renamed(shown: &str, old: &[u8]) -> String {
    match shown.rfind('.') {
        Some(i) => format!("{}.{}", &shown[..i], key_text(old)),
        None => shown.to_string(),
    }
}

fn show_bytes(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        if b.is_ascii_graphic() {
            out.push(*b as char);
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
        out
    })
}

// ---------------------------------------------------------------------------------------------
// The server: HTTP/1.1 with keep-alive on 127.0.0.1; `/w<k>/...` answers slot `k`'s body.

type Slots = Arc<Vec<Mutex<Arc<Vec<u8>>>>>;

async fn start_server(slots: Slots) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve(stream, slots.clone()));
        }
    });
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, slots: Slots) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("");
        let slot = target
            .strip_prefix("/w")
            .and_then(|rest| rest.split('/').next())
            .and_then(|k| k.parse::<usize>().ok())
            .and_then(|k| slots.get(k));
        let (status, body) = match slot {
            Some(slot) => ("200 OK", slot.lock().unwrap().clone()),
            None => ("404 Not Found", Arc::new(br#"{"message":"no such slot"}"#.to_vec())),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write, without Nagle: a head and a body written apart wait for a delayed ACK.
        let mut reply = head.into_bytes();
        reply.extend_from_slice(&body);
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The test

/// What one call came to, as the task that ran it saw it.
enum Outcome {
    Ok,
    Err { kind: &'static str, shown: String },
}

/// Serves `body` from `slot` and runs the call in a task of its own; `Err` is a failed
/// expectation.
async fn run(client: &Client, slots: &Slots, slot: usize, op: Op, body: Vec<u8>) -> Result<Outcome, String> {
    *slots[slot].lock().unwrap() = Arc::new(body);
    let client = client.clone();
    let started = Instant::now();
    let task = tokio::spawn(async move {
        match call(op, &client).await {
            Ok(_) => Outcome::Ok,
            // `Display` and `Debug` inside the task: a panic there is the client's as well.
            Err(e) => {
                let _ = format!("{e:?}");
                Outcome::Err {
                    kind: e.kind_name(),
                    shown: e.to_string(),
                }
            }
        }
    });
    let outcome = match tokio::time::timeout(HANG, task).await {
        Err(_) => return Err(format!("the call did not return within {HANG:?}: it hangs")),
        Ok(Err(e)) if e.is_panic() => {
            let payload = e.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("the call panicked: {message}"));
        }
        Ok(Err(e)) => return Err(format!("the call's task failed: {e}")),
        Ok(Ok(outcome)) => outcome,
    };
    let took = started.elapsed();
    if took > TOTAL + Duration::from_secs(1) {
        return Err(format!("the call took {took:?}, over its total timeout of {TOTAL:?}"));
    }
    if let Outcome::Err { kind, shown } = &outcome {
        if !matches!(*kind, "decode" | "api" | "transport") {
            return Err(format!("a `{kind}` error, not decode/api/transport: {shown}"));
        }
        if let Some(c) = shown.chars().find(|c| c.is_control()) {
            return Err(format!("Display holds the control character {c:?}: {shown:?}"));
        }
        let len = shown.chars().count();
        if len >= MAX_DISPLAY {
            return Err(format!(
                "Display is {len} characters long: {:?}…",
                shown.chars().take(300).collect::<String>()
            ));
        }
    }
    Ok(outcome)
}

#[derive(Default)]
struct Tally {
    cases: u64,
    /// Cases that must succeed (the body as recorded, or only additions).
    must_ok: u64,
    ok: u64,
    errors: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_bodies_never_panic_hang_or_garble_errors() {
    let started = Instant::now();
    let only: Option<u64> = std::env::var("MUTATIONS_SEED").ok().map(|s| {
        let s = s.trim();
        let hex = s.strip_prefix("0x").unwrap_or(s);
        u64::from_str_radix(hex, 16).expect("MUTATIONS_SEED is a hex seed, as failures print it")
    });
    let scale: u64 =
        std::env::var("MUTATIONS_SCALE").map_or(1, |s| s.trim().parse().expect("MUTATIONS_SCALE is a whole number"));
    let fixtures = Arc::new(fixtures());
    let bases: Arc<Vec<J>> = Arc::new(
        fixtures
            .iter()
            .map(|f| {
                let v: Value = serde_json::from_slice(f.body).unwrap_or_else(|e| panic!("{}: {e}", f.file));
                from_value(&v)
            })
            .collect(),
    );
    let slots: Slots = Arc::new((0..WORKERS).map(|_| Mutex::new(Arc::new(Vec::new()))).collect());
    let url = start_server(slots.clone()).await;
    let clients: Vec<Client> = (0..WORKERS)
        .map(|k| {
            Client::builder(&format!("{url}/w{k}"), "k")
                .retry(RetryPolicy::none())
                .total_timeout(Some(TOTAL))
                .build()
                .unwrap()
        })
        .collect();

    // Every case: (fixture, None for the body as recorded or Some(seed)).
    let mut cases: Vec<(usize, Option<u64>)> = Vec::new();
    for (i, f) in fixtures.iter().enumerate() {
        cases.push((i, None));
        for case in 0..f.cases * scale {
            let s = seed(i, case);
            if only.is_none_or(|o| o == s) {
                cases.push((i, Some(s)));
            }
        }
    }
    let cases = Arc::new(cases);

    let workers = clients.into_iter().enumerate().map(|(k, client)| {
        let (fixtures, bases, slots, cases) = (fixtures.clone(), bases.clone(), slots.clone(), cases.clone());
        tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut tallies: Vec<Tally> = fixtures.iter().map(|_| Tally::default()).collect();
            for &(i, seed) in cases.iter().skip(k).step_by(WORKERS) {
                let f = &fixtures[i];
                let (body, steps, expect_ok) = match seed {
                    None => (f.body.to_vec(), vec!["none (the body as recorded)".to_string()], true),
                    Some(s) => {
                        let case = mutate(&bases[i], f, s);
                        (case.body, case.steps, case.expect_ok)
                    }
                };
                let result = run(&client, &slots, k, f.op, body).await;
                let tally = &mut tallies[i];
                tally.cases += 1;
                tally.must_ok += u64::from(expect_ok);
                let problem = match result {
                    Err(problem) => Some(problem),
                    Ok(Outcome::Err { kind, shown }) if expect_ok => {
                        tally.errors += 1;
                        Some(format!(
                            "expected Ok (only unknown members or enum values), got a `{kind}` error: {shown}"
                        ))
                    }
                    Ok(Outcome::Err { .. }) => {
                        tally.errors += 1;
                        None
                    }
                    Ok(Outcome::Ok) => {
                        tally.ok += 1;
                        None
                    }
                };
                if let Some(problem) = problem {
                    let seed = seed.map_or("none".to_string(), |s| format!("{s:#018x}"));
                    failures.push(format!(
                        "{:?} ({}) seed {seed}; mutations: {}\n    -> {problem}",
                        f.op,
                        f.file,
                        steps.join("; ")
                    ));
                }
            }
            (failures, tallies)
        })
    });
    let mut failures = Vec::new();
    let mut tallies: Vec<Tally> = fixtures.iter().map(|_| Tally::default()).collect();
    for worker in futures::future::join_all(workers).await {
        let (f, t) = worker.expect("a worker task panicked outside a call");
        failures.extend(f);
        for (total, t) in tallies.iter_mut().zip(t) {
            total.cases += t.cases;
            total.must_ok += t.must_ok;
            total.ok += t.ok;
            total.errors += t.errors;
        }
    }

    let per_fixture: Vec<String> = fixtures
        .iter()
        .zip(&tallies)
        .map(|(f, t)| {
            let file = f.file.rsplit('/').next().unwrap_or(f.file);
            format!(
                "{:?}/{file} {} ({} ok of which {} had to be, {} err)",
                f.op, t.cases, t.ok, t.must_ok, t.errors
            )
        })
        .collect();
    let total: u64 = tallies.iter().map(|t| t.cases).sum();
    eprintln!(
        "mutations: {total} cases in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        per_fixture.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
