//! What CI needs of a report: an ignore file, a level filter, an exit status, JUnit XML and
//! GitHub Actions annotations.
//!
//! Spec-level changes and generated-code changes are handled alike: each has a rule, a level
//! (a semver-major change of the Rust client counts as breaking, a minor one as info) and a
//! location (`GET /workflows response 200 body: data[].id`, `types::Workflow.id`).
//!
//! Ignore file: one entry per line, `RULE LOCATION # REASON`; a location ending in `*` matches
//! every location it starts; blank lines and lines starting with `#` are skipped.

use std::fmt::Write;
use std::path::Path;

use serde::Serialize;

use super::{Change, Level, Report, RustChange, Semver, rules};
use crate::{Error, Result};

/// One line of an ignore file.
#[derive(Debug, Clone)]
struct IgnoreLine {
    rule: String,
    location: String,
    prefix: bool,
    reason: String,
    line: usize,
}

/// Changes a project accepts, each with its reason.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    file: String,
    lines: Vec<IgnoreLine>,
}

/// A change left out by the ignore file.
#[derive(Debug, Clone, Serialize)]
pub struct Ignored {
    pub rule: &'static str,
    pub level: Level,
    pub location: String,
    pub message: String,
    pub reason: String,
    /// `file:line` of the ignore entry.
    pub by: String,
}

fn known_rule(id: &str) -> bool {
    rules::by_id(id).is_some() || rules::rust_by_id(id).is_some()
}

impl Ignore {
    /// Parses an ignore file; `file` names it in errors (`file:line: what is wrong`).
    pub fn parse(text: &str, file: &str) -> Result<Ignore> {
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |message: String| Error::Ignore {
                file: file.to_string(),
                line: i + 1,
                message,
            };
            let (entry, reason) = match line.split_once(" # ") {
                Some((e, r)) if !r.trim().is_empty() => (e.trim(), r.trim()),
                _ => {
                    return Err(at(
                        "no reason: write `RULE LOCATION # why this change is accepted`".into()
                    ));
                }
            };
            let (rule, location) = entry.split_once(char::is_whitespace).unwrap_or((entry, ""));
            let location = location.trim();
            if !known_rule(rule) {
                return Err(at(format!(
                    "unknown rule `{rule}` (`cargo xtask diff --rules` lists them)"
                )));
            }
            if location.is_empty() {
                return Err(at(format!(
                    "rule `{rule}` has no location (use `*` for every location)"
                )));
            }
            let (location, prefix) = match location.strip_suffix('*') {
                Some(p) => (p.to_string(), true),
                None => (location.to_string(), false),
            };
            lines.push(IgnoreLine {
                rule: rule.to_string(),
                location,
                prefix,
                reason: reason.to_string(),
                line: i + 1,
            });
        }
        Ok(Ignore {
            file: file.to_string(),
            lines,
        })
    }

    /// Reads and parses an ignore file.
    pub fn read(path: &Path) -> Result<Ignore> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Ignore::parse(&text, &path.display().to_string())
    }

    fn find(&self, rule: &str, location: &str) -> Option<&IgnoreLine> {
        self.lines.iter().find(|l| {
            l.rule == rule
                && if l.prefix {
                    location.starts_with(&l.location)
                } else {
                    location == l.location
                }
        })
    }

    /// `file:line` of the entries that matched nothing in `report` (stale entries).
    pub fn unused(&self, report: &Report) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| {
                !report
                    .ignored
                    .iter()
                    .any(|i| i.by == format!("{}:{}", self.file, l.line))
            })
            .map(|l| format!("{}:{} ({} {})", self.file, l.line, l.rule, l.location))
            .collect()
    }
}

/// Where a spec-level change is: its operation and location.
pub fn change_location(c: &Change) -> String {
    match (&c.method, &c.path) {
        (Some(m), Some(p)) => format!("{m} {p} {}", c.location),
        _ => c.location.clone(),
    }
}

/// The level a generated-code change counts as.
pub fn rust_level(c: &RustChange) -> Level {
    match c.semver {
        Semver::Major => Level::Breaking,
        _ => Level::Info,
    }
}

impl Report {
    /// Moves the changes `ignore` accepts out of the report (into `ignored`) and recounts.
    pub fn apply_ignore(&mut self, ignore: &Ignore) {
        let mut ignored = Vec::new();
        self.changes.retain(|c| {
            let loc = change_location(c);
            match ignore.find(c.rule, &loc) {
                Some(l) => {
                    ignored.push(Ignored {
                        rule: c.rule,
                        level: c.level,
                        location: loc,
                        message: c.message.clone(),
                        reason: l.reason.clone(),
                        by: format!("{}:{}", ignore.file, l.line),
                    });
                    false
                }
                None => true,
            }
        });
        if let Some(rust) = &mut self.rust {
            rust.changes.retain(|c| match ignore.find(c.rule, &c.path) {
                Some(l) => {
                    ignored.push(Ignored {
                        rule: c.rule,
                        level: rust_level(c),
                        location: c.path.clone(),
                        message: c.message.clone(),
                        reason: l.reason.clone(),
                        by: format!("{}:{}", ignore.file, l.line),
                    });
                    false
                }
                None => true,
            });
        }
        self.ignored.extend(ignored);
        self.recount();
    }

    /// Whether a change at `level` or above remains (ignored changes do not count).
    pub fn fails_at(&self, level: Level) -> bool {
        self.changes.iter().any(|c| c.level <= level)
            || self
                .rust
                .as_ref()
                .is_some_and(|r| r.changes.iter().any(|c| rust_level(c) <= level))
    }

    /// Drops the changes below `level` from what is shown (they are counted in `hidden`). The
    /// crate's semver verdict stays what all changes make it.
    pub fn retain_level(&mut self, level: Level) {
        let before = self.changes.len() + self.rust.as_ref().map_or(0, |r| r.changes.len());
        self.changes.retain(|c| c.level <= level);
        if let Some(rust) = &mut self.rust {
            rust.changes.retain(|c| rust_level(c) <= level);
        }
        let after = self.changes.len() + self.rust.as_ref().map_or(0, |r| r.changes.len());
        self.hidden += before - after;
        self.recount();
    }
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

struct Case {
    class: String,
    name: String,
    level: Level,
    message: String,
    skipped: Option<String>,
}

fn cases(r: &Report) -> Vec<Case> {
    let mut out: Vec<Case> = r
        .changes
        .iter()
        .map(|c| Case {
            class: super::render::group(c),
            name: format!("{} {}", c.rule, c.location),
            level: c.level,
            message: c.message.clone(),
            skipped: None,
        })
        .collect();
    for c in r.rust.iter().flat_map(|r| &r.changes) {
        out.push(Case {
            class: "Rust client".into(),
            name: format!("{} {}", c.rule, c.path),
            level: rust_level(c),
            message: c.message.clone(),
            skipped: None,
        });
    }
    for i in &r.ignored {
        out.push(Case {
            class: "ignored".into(),
            name: format!("{} {}", i.rule, i.location),
            level: i.level,
            message: i.message.clone(),
            skipped: Some(format!("{} ({})", i.reason, i.by)),
        });
    }
    out
}

/// JUnit XML: one test case per change; a change at `fail_at` or above is a failure, an
/// ignored one is skipped (with its reason).
pub(super) fn junit(r: &Report, fail_at: Level) -> String {
    let cases = cases(r);
    let failures = cases
        .iter()
        .filter(|c| c.skipped.is_none() && c.level <= fail_at)
        .count();
    let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
    let name = format!(
        "n8n API diff {} -> {}",
        r.old.n8n_version.as_deref().unwrap_or(&r.old.source),
        r.new.n8n_version.as_deref().unwrap_or(&r.new.source)
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        xml(&name),
        cases.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        xml(&name),
        cases.len()
    );
    for c in &cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml(&c.class),
            xml(&c.name)
        );
        if let Some(why) = &c.skipped {
            let _ = write!(out, "<skipped message=\"{}\"/>", xml(why));
        } else if c.level <= fail_at {
            let _ = write!(
                out,
                "<failure type=\"{}\" message=\"{}\">{}</failure>",
                c.level.as_str(),
                xml(&c.message),
                xml(&c.message)
            );
        } else {
            let _ = write!(
                out,
                "<system-out>{}: {}</system-out>",
                c.level.as_str(),
                xml(&c.message)
            );
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes the message of a workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property of a workflow command.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: breaking changes as errors, warnings as warnings, the rest
/// as notices; the new spec file is the annotation's file when the new side is one.
pub(super) fn github(r: &Report) -> String {
    let file = if Path::new(&r.new.source).is_file() {
        format!("file={},", gh_property(&r.new.source))
    } else {
        String::new()
    };
    let mut out = String::new();
    for c in cases(r).iter().filter(|c| c.skipped.is_none()) {
        let command = match c.level {
            Level::Breaking => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let title = format!("{}: {}", c.class, c.name);
        let _ = writeln!(
            out,
            "::{command} {file}title={}::{}",
            gh_property(&title),
            gh_data(&c.message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_lines_need_a_known_rule_a_location_and_a_reason() {
        let ok = Ignore::parse(
            "# accepted changes\n\nresponse-property-removed GET /credentials response 200 body: data[].isGlobal # never sent\nrust-variant-added types::* # we match with a wildcard arm\n",
            "diff-ignore",
        )
        .unwrap();
        assert_eq!(ok.lines.len(), 2);
        assert!(ok.find("rust-variant-added", "types::Status::Paused").is_some());
        assert!(ok.find("rust-variant-added", "ErrorBody::X").is_none());
        let err = |text: &str| Ignore::parse(text, "f.ignore").unwrap_err().to_string();
        assert_eq!(
            err("# comment\nno-such-rule GET / # why"),
            "f.ignore:2: unknown rule `no-such-rule` (`cargo xtask diff --rules` lists them)"
        );
        assert_eq!(
            err("operation-removed GET /x"),
            "f.ignore:1: no reason: write `RULE LOCATION # why this change is accepted`"
        );
        assert_eq!(
            err("operation-removed # gone"),
            "f.ignore:1: rule `operation-removed` has no location (use `*` for every location)"
        );
    }

    #[test]
    fn annotations_escape_what_github_reads() {
        assert_eq!(gh_property("a: b, c%\n"), "a%3A b%2C c%25%0A");
        assert_eq!(gh_data("a: b\r\n"), "a: b%0D%0A");
        assert_eq!(xml("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }
}
