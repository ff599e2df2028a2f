//! The CHANGELOG.md entry of a release update: the n8n releases, the counts, every breaking API
//! change with what it does to the Rust client, every breaking change of the Rust API, and what
//! was added.

use std::collections::BTreeMap;
use std::fmt::Write;

use n8n_api_codegen::diff::{Level, Report, RustChange, Semver};
use n8n_api_codegen::generate::model::Operation;

pub const TITLE: &str = "# Changelog\n";

/// What an entry is made of.
pub struct Entry<'a> {
    pub crate_version: &'a str,
    pub previous_crate_version: &'a str,
    pub old_n8n: &'a str,
    pub new_n8n: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub report: &'a Report,
    pub old_operations: &'a [Operation],
    pub new_operations: &'a [Operation],
    pub types: usize,
}

/// `METHOD path` -> client method, from the operations of both clients (new names win).
fn client_methods(e: &Entry) -> BTreeMap<(String, String), String> {
    e.old_operations
        .iter()
        .chain(e.new_operations)
        .map(|o| ((o.method.to_ascii_uppercase(), o.path.clone()), o.method_name.clone()))
        .collect()
}

fn listed(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join("; ")
    } else {
        format!("{}; and {} more (below)", items[..max].join("; "), items.len() - max)
    }
}

/// The entry, in markdown, ending with a blank line.
pub fn entry(e: &Entry) -> String {
    let r = e.report;
    let rust = r.rust.as_ref().expect("an update compares the generated clients");
    let mut out = String::new();
    let _ = writeln!(out, "## {} ({}): n8n {}\n", e.crate_version, e.date, e.new_n8n);
    let (added, removed) = (
        r.changes.iter().filter(|c| c.rule == "operation-added").count(),
        r.changes.iter().filter(|c| c.rule == "operation-removed").count(),
    );
    let _ = writeln!(
        out,
        "Generated from the public API spec of n8n {} (before: {}; sha256 `{}`): {} operations ({} before; {added} added, {removed} removed), {} types.\n",
        e.new_n8n,
        e.old_n8n,
        &r.new.sha256[..12.min(r.new.sha256.len())],
        rust.new_operations,
        rust.old_operations,
        e.types
    );
    let _ = writeln!(
        out,
        "**Semver {}** ({} -> {}): {} changes can break code that compiles against {}, {} only add. API changes: {} breaking, {} warning, {} info.\n",
        rust.semver,
        e.previous_crate_version,
        e.crate_version,
        rust.summary.major,
        e.previous_crate_version,
        rust.summary.minor,
        r.summary.breaking,
        r.summary.warning,
        r.summary.info
    );
    breaking_api(&mut out, e, &rust.changes);
    breaking_rust(&mut out, &rust.changes);
    additions(&mut out, e, &rust.changes);
    out
}

fn breaking_api(out: &mut String, e: &Entry, rust: &[RustChange]) {
    let methods = client_methods(e);
    let breaking: Vec<_> = e.report.changes.iter().filter(|c| c.level == Level::Breaking).collect();
    if breaking.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Breaking API changes and their Rust effect\n");
    for c in breaking {
        let (m, p) = (c.method.clone().unwrap_or_default(), c.path.clone().unwrap_or_default());
        let method = methods.get(&(m.clone(), p.clone()));
        let title = match method {
            Some(name) => format!("`{m} {p}` (`{name}`)"),
            None if m.is_empty() => "document".to_string(),
            None => format!("`{m} {p}`"),
        };
        let effects: Vec<String> = method
            .map(|name| {
                rust.iter()
                    .filter(|r| r.semver == Semver::Major && r.methods.contains(name))
                    .map(|r| r.message.clone())
                    .collect()
            })
            .unwrap_or_default();
        let effect = if effects.is_empty() {
            "no breaking change to the Rust API".to_string()
        } else {
            listed(&effects, 3)
        };
        let _ = writeln!(out, "- {title}: {} ({}).\n  Rust: {effect}.", c.message, c.rule);
    }
    out.push('\n');
}

fn breaking_rust(out: &mut String, rust: &[RustChange]) {
    let major: Vec<_> = rust.iter().filter(|c| c.semver == Semver::Major).collect();
    if major.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Breaking changes to the Rust API\n");
    for c in major {
        let used_by = match c.methods.len() {
            0 => String::new(),
            1..=4 => format!(" (used by {})", c.methods.join(", ")),
            n => format!(" (used by {}, and {} more)", c.methods[..4].join(", "), n - 4),
        };
        let _ = writeln!(out, "- {}{used_by} [`{}`]", c.message, c.rule);
    }
    out.push('\n');
}

fn additions(out: &mut String, e: &Entry, rust: &[RustChange]) {
    let methods = client_methods(e);
    let ops: Vec<String> = e
        .report
        .changes
        .iter()
        .filter(|c| c.rule == "operation-added")
        .map(|c| {
            let (m, p) = (c.method.clone().unwrap_or_default(), c.path.clone().unwrap_or_default());
            match methods.get(&(m.clone(), p.clone())) {
                Some(name) => format!("`{name}` ({m} {p})"),
                None => format!("{m} {p}"),
            }
        })
        .collect();
    let mut minor: BTreeMap<&str, usize> = BTreeMap::new();
    for c in rust.iter().filter(|c| c.semver == Semver::Minor) {
        *minor.entry(c.rule).or_default() += 1;
    }
    if ops.is_empty() && minor.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Added\n");
    if !ops.is_empty() {
        let _ = writeln!(out, "- Operations: {}.", ops.join(", "));
    }
    if !minor.is_empty() {
        let counts: Vec<String> = minor.iter().map(|(r, n)| format!("{n} {r}")).collect();
        let _ = writeln!(
            out,
            "- Rust API additions: {} (`cargo xtask diff {} {} --format json` lists each).",
            counts.join(", "),
            e.old_n8n,
            e.new_n8n
        );
    }
    out.push('\n');
}

/// `changelog` with `entry` placed first, under the title (which is added when missing).
pub fn prepend(changelog: &str, entry: &str) -> String {
    let body = changelog
        .strip_prefix(TITLE)
        .unwrap_or(changelog)
        .trim_start_matches('\n');
    format!("{TITLE}\n{entry}{body}")
}

/// Today (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 -> `YYYY-MM-DD` (proleptic Gregorian calendar).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
    }

    #[test]
    fn entries_go_first_under_the_title() {
        assert_eq!(prepend("", "## 1\n\n"), "# Changelog\n\n## 1\n\n");
        assert_eq!(
            prepend("# Changelog\n\n## 1\n\nold\n", "## 2\n\nnew\n\n"),
            "# Changelog\n\n## 2\n\nnew\n\n## 1\n\nold\n"
        );
    }
}
