//! The report as text (grouped by operation), markdown (for changelogs and PR bodies) or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Change, Level, Report, RustEffect};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

fn side(s: &super::SideInfo) -> String {
    match &s.n8n_version {
        Some(v) => format!("n8n {v}"),
        None => s.source.clone(),
    }
}

/// Changes grouped by operation (`METHOD path (id)`), operation-less ones under "components".
fn grouped(report: &Report) -> BTreeMap<String, Vec<&Change>> {
    let mut groups: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in &report.changes {
        let key = match (&c.method, &c.path) {
            (Some(m), Some(p)) => format!(
                "{p} {m}{}",
                c.operation_id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
            ),
            _ => "~components".into(),
        };
        groups.entry(key).or_default().push(c);
    }
    for v in groups.values_mut() {
        v.sort_by(|a, b| (a.level, &a.location, a.rule).cmp(&(b.level, &b.location, b.rule)));
    }
    groups
}

fn title(key: &str) -> String {
    if key == "~components" {
        return "components".into();
    }
    // "path METHOD (id)" -> "METHOD path (id)"
    let (path, rest) = key.split_once(' ').unwrap_or((key, ""));
    let (method, id) = rest.split_once(' ').unwrap_or((rest, ""));
    format!("{method} {path} {id}").trim().to_string()
}

fn effect(e: RustEffect) -> &'static str {
    match e {
        RustEffect::Breaking => "breaks code that compiles today",
        RustEffect::Additive => "additive",
        RustEffect::None => "no change to the Rust API",
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
    }
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
    for (key, changes) in grouped(r) {
        let _ = writeln!(out, "\n{}", title(&key));
        for c in changes {
            let _ = writeln!(
                out,
                "  {:<8} {:<36} {}: {}",
                c.level.as_str(),
                c.rule,
                c.location,
                c.message
            );
        }
    }
    let _ = writeln!(
        out,
        "\nRust client: semver {} ({} operations affected)",
        r.rust.semver,
        r.rust.operations.len()
    );
    for op in &r.rust.operations {
        let renamed = op
            .renamed_from
            .as_ref()
            .map(|f| format!(" (was {f})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}{renamed}: {} [{}]",
            op.client_method,
            effect(op.effect),
            op.items.join(", ")
        );
    }
    out
}

fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(out, "## API changes: {} -> {}\n", side(&r.old), side(&r.new));
    let _ = writeln!(
        out,
        "**{}** breaking, **{}** warnings, **{}** info. Rust client: **semver {}**.\n",
        s.breaking, s.warning, s.info, r.rust.semver
    );
    for (key, changes) in grouped(r) {
        let _ = writeln!(out, "### `{}`\n", title(&key));
        let _ = writeln!(out, "| level | rule | where | what |\n|---|---|---|---|");
        for c in changes {
            let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
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
    let _ = writeln!(out, "### Rust client\n\n| method | effect | items |\n|---|---|---|");
    for op in &r.rust.operations {
        let renamed = op
            .renamed_from
            .as_ref()
            .map(|f| format!(" (was `{f}`)"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}`{renamed} | {} | {} |",
            op.client_method,
            effect(op.effect),
            op.items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
        );
    }
    out
}
