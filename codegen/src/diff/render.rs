//! The report as text (grouped by operation), markdown (for changelogs and PR bodies), JSON,
//! JUnit XML (CI test reports) or GitHub Actions annotations.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Change, Level, Report, RustChange, RustReport, Semver};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    /// One test case per change; those at or above the level fail.
    Junit(Level),
    /// `::error`/`::warning`/`::notice` workflow commands, one per change.
    Github,
}

fn side(s: &super::SideInfo) -> String {
    match &s.n8n_version {
        Some(v) => format!("n8n {v}"),
        None => s.source.clone(),
    }
}

/// `METHOD path (id)` of a change's operation, or `components` for the others.
pub(super) fn group(c: &Change) -> String {
    match (&c.method, &c.path) {
        (Some(m), Some(p)) => format!(
            "{m} {p}{}",
            c.operation_id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
        ),
        _ => "document".into(),
    }
}

/// Changes grouped by operation (sorted by path, then method), document-level ones last.
fn grouped(report: &Report) -> Vec<(String, Vec<&Change>)> {
    let mut groups: BTreeMap<(u8, String, String), Vec<&Change>> = BTreeMap::new();
    for c in &report.changes {
        let key = match (&c.method, &c.path) {
            (Some(m), Some(p)) => (0, p.clone(), m.clone()),
            _ => (1, String::new(), String::new()),
        };
        groups.entry(key).or_default().push(c);
    }
    groups
        .into_values()
        .map(|mut v| {
            v.sort_by(|a, b| (a.level, &a.location, a.rule).cmp(&(b.level, &b.location, b.rule)));
            (group(v[0]), v)
        })
        .collect()
}

/// Up to three methods, then a count.
fn methods(m: &[String]) -> String {
    match m.len() {
        0 => String::new(),
        1..=3 => format!(" [{}]", m.join(", ")),
        n => format!(" [{}, +{} more]", m[..3].join(", "), n - 3),
    }
}

pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("a report serializes");
            s.push('\n');
            s
        }
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Junit(fail_at) => super::ci::junit(report, fail_at),
        Format::Github => super::ci::github(report),
    }
}

fn rust_headline(r: &RustReport) -> String {
    format!(
        "semver {} ({} major, {} minor changes; {} -> {} operations)",
        r.semver, r.summary.major, r.summary.minor, r.old_operations, r.new_operations
    )
}

fn footnotes(r: &Report) -> String {
    let mut out = String::new();
    if r.hidden > 0 {
        let _ = write!(out, "{} changes below the level shown. ", r.hidden);
    }
    if !r.ignored.is_empty() {
        let _ = write!(out, "{} changes ignored (ignore file). ", r.ignored.len());
    }
    out.trim_end().to_string()
}

fn text(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(
        out,
        "{} -> {}: {} breaking, {} warning, {} info",
        side(&r.old),
        side(&r.new),
        s.breaking,
        s.warning,
        s.info
    );
    for (title, changes) in grouped(r) {
        let _ = writeln!(out, "\n{title}");
        for c in changes {
            let _ = writeln!(
                out,
                "  {:<8} {:<37} {}: {}",
                c.level.as_str(),
                c.rule,
                c.location,
                c.message
            );
        }
    }
    match &r.rust {
        Some(rust) => {
            let _ = writeln!(
                out,
                "\nRust client (generated from both specs): {}",
                rust_headline(rust)
            );
            for c in rust.changes.iter().filter(|c| c.semver == Semver::Major) {
                let _ = writeln!(
                    out,
                    "  {:<6} {:<34} {}{}",
                    c.semver.as_str(),
                    c.rule,
                    c.message,
                    methods(&c.methods)
                );
            }
            for (rule, paths) in minor_by_rule(rust) {
                let _ = writeln!(
                    out,
                    "  minor  {:<34} {}",
                    format!("{rule} ({})", paths.len()),
                    few(&paths)
                );
            }
        }
        None => {
            let _ = writeln!(out, "\nRust client: not compared (spec-level diff only)");
        }
    }
    let notes = footnotes(r);
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{notes}");
    }
    out
}

fn cell(t: &str) -> String {
    t.replace('|', "\\|").replace('\n', " ")
}

fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(out, "## API changes: {} -> {}\n", side(&r.old), side(&r.new));
    let verdict = match &r.rust {
        Some(rust) => format!(" Rust client: **semver {}**.", rust.semver),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "**{}** breaking, **{}** warnings, **{}** info.{verdict}\n",
        s.breaking, s.warning, s.info
    );
    for (title, changes) in grouped(r) {
        let _ = writeln!(out, "### `{title}`\n");
        let _ = writeln!(out, "| level | rule | where | what |\n|---|---|---|---|");
        for c in changes {
            let badge = match c.level {
                Level::Breaking => "**breaking**",
                Level::Warning => "warning",
                Level::Info => "info",
            };
            let _ = writeln!(
                out,
                "| {badge} | `{}` | {} | {} |",
                c.rule,
                cell(&c.location),
                cell(&c.message)
            );
        }
        out.push('\n');
    }
    if let Some(rust) = &r.rust {
        let _ = writeln!(out, "### Rust client: {}\n", rust_headline(rust));
        let _ = writeln!(out, "| semver | rule | change | methods |\n|---|---|---|---|");
        for c in rust.changes.iter().filter(|c| c.semver == Semver::Major) {
            let _ = writeln!(out, "{}", rust_row(c));
        }
        for (rule, paths) in minor_by_rule(rust) {
            let names: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
            let _ = writeln!(out, "| minor | `{rule}` | {} | |", cell(&few(&names)));
        }
        out.push('\n');
    }
    let notes = footnotes(r);
    if !notes.is_empty() {
        let _ = writeln!(out, "{notes}\n");
    }
    out
}

/// Minor changes by rule: what was added, listed compactly (JSON has each in full).
fn minor_by_rule(r: &RustReport) -> BTreeMap<&'static str, Vec<String>> {
    let mut m: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for c in r.changes.iter().filter(|c| c.semver != Semver::Major) {
        m.entry(c.rule).or_default().push(c.path.clone());
    }
    m
}

/// Up to 12 items, then how many more.
fn few(items: &[String]) -> String {
    const SHOWN: usize = 12;
    if items.len() <= SHOWN {
        return items.join(", ");
    }
    format!(
        "{}, and {} more (the JSON format lists each)",
        items[..SHOWN].join(", "),
        items.len() - SHOWN
    )
}

fn rust_row(c: &RustChange) -> String {
    let semver = if c.semver == Semver::Major {
        "**major**"
    } else {
        c.semver.as_str()
    };
    format!(
        "| {semver} | `{}` | {} | {} |",
        c.rule,
        cell(&c.message),
        cell(methods(&c.methods).trim())
    )
}
