//! The tables of ARCHITECTURE.md that say what the code says: the normalization rules (from
//! [`normalize::RULES`]: name, purpose, the quirk each fixes) and the generator passes (from
//! [`generate::PASSES`], each described by the first paragraph of its module's doc). `cargo xtask
//! generate` rewrites them between their `<!-- @generated-...-begin -->` and `-end -->` markers,
//! and `--check` (so CI) fails when the file and the code disagree.

use std::path::Path;

use crate::normalize::{Purpose, RULES};
use crate::{Error, Result, generate};

/// The file, relative to the workspace root.
pub const FILE: &str = "ARCHITECTURE.md";

/// `text` (ARCHITECTURE.md) with its generated tables rewritten; `codegen_dir` is the codegen
/// crate (the passes' module docs are read from its sources).
pub fn refresh(text: &str, codegen_dir: &Path) -> Result<String> {
    let mut out = text.to_string();
    out = replace_block(
        &out,
        "patches",
        &rules_table(Purpose::Patch, "patch", "what n8n really does"),
    )?;
    out = replace_block(&out, "rules", &rules_table(Purpose::Digest, "rule", "n8n quirk"))?;
    out = replace_block(&out, "shaping-rules", &rules_table(Purpose::Shape, "rule", "n8n quirk"))?;
    out = replace_block(&out, "passes", &passes_table(codegen_dir)?)?;
    Ok(out)
}

fn rules_table(purpose: Purpose, what: &str, says: &str) -> String {
    let mut t = format!("| {what} | {says} |\n|---|---|\n");
    for r in RULES.iter().filter(|r| r.purpose == purpose) {
        t.push_str(&format!("| `{}` | {} |\n", r.name, r.quirk.replace('|', "\\|")));
    }
    t
}

fn passes_table(codegen_dir: &Path) -> Result<String> {
    let mut t = String::from("| pass | what it does |\n|---|---|\n");
    let names = generate::PASSES.iter().map(|p| p.name).chain([generate::MOCK_PASS]);
    for name in names {
        t.push_str(&format!(
            "| `{name}` | {} |\n",
            pass_summary(codegen_dir, name)?.replace('|', "\\|")
        ));
    }
    Ok(t)
}

/// The first paragraph of the pass module's doc (up to a list, if one follows), without its
/// `Pass `name`: ` lead.
fn pass_summary(codegen_dir: &Path, name: &str) -> Result<String> {
    let module = name.replace('-', "_");
    let dir = codegen_dir.join("src/generate");
    let path = [dir.join(format!("{module}.rs")), dir.join(&module).join("mod.rs")]
        .into_iter()
        .find(|p| p.exists())
        .ok_or_else(|| Error::Input(format!("pass `{name}` has no module {module}.rs in {}", dir.display())))?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let paragraph: Vec<&str> = text
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("- "))
        .collect();
    let lead = format!("Pass `{name}`: ");
    let joined = paragraph.join(" ");
    joined
        .strip_prefix(&lead)
        .map(|s| s.trim_end_matches(':').to_string())
        .ok_or_else(|| {
            Error::Input(format!(
                "{}: its doc must start with \"{lead}\" and say what the pass does",
                path.display()
            ))
        })
}

/// `text` with the lines between `<!-- @generated-<name>-begin -->` and its end marker replaced.
fn replace_block(text: &str, name: &str, body: &str) -> Result<String> {
    let (begin, end) = (
        format!("<!-- @generated-{name}-begin (cargo xtask generate) -->"),
        format!("<!-- @generated-{name}-end -->"),
    );
    let missing = || Error::Input(format!("{FILE}: no `{begin}` ... `{end}` block"));
    let start = text.find(&begin).ok_or_else(missing)? + begin.len();
    let stop = text[start..].find(&end).ok_or_else(missing)? + start;
    Ok(format!("{}\n{body}{}", &text[..start], &text[stop..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn blocks_are_replaced_between_their_markers() {
        let text = "a\n<!-- @generated-x-begin (cargo xtask generate) -->\nold\n<!-- @generated-x-end -->\nb\n";
        let out = super::replace_block(text, "x", "| new |\n").unwrap();
        assert_eq!(
            out,
            "a\n<!-- @generated-x-begin (cargo xtask generate) -->\n| new |\n<!-- @generated-x-end -->\nb\n"
        );
        assert!(super::replace_block("no markers", "x", "").is_err());
    }

    #[test]
    fn every_pass_says_what_it_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for pass in super::generate::PASSES {
            let summary = super::pass_summary(dir, pass.name).unwrap();
            assert!(summary.len() > 20, "{}: {summary}", pass.name);
        }
    }
}
