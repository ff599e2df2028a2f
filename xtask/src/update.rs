//! `cargo xtask update [--n8n VERSION|latest] [--dry-run]`: release day in one command.
//!
//! Resolves the release through npm, obtains and verifies its spec (spec/history/ or the spec
//! cache when they hold it, else `npm pack` with the tarball's integrity checked), generates both
//! clients, diffs them, and then, all at once: moves the pinned spec and lock to
//! spec/history/<old>/, pins the new ones, writes the regenerated client and manifest (features,
//! and the crate version bumped by the semver verdict, in Cargo.lock too), the surface and
//! normalization-log snapshots of the pinned spec, and a CHANGELOG.md entry.
//!
//! Everything is computed before anything is written; the writes are one transaction (each file
//! backed up, written through a temporary file and a rename, all restored if one fails). Running
//! it again is a no-op: the release is already pinned. `--dry-run` prints the changelog entry and
//! the files it would write, and writes nothing in the tree.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, anyhow, bail};
use n8n_api_codegen::diff::{self, Input, Semver, rust};
use n8n_api_codegen::{fetch, pipeline};

use crate::{changelog, rel, root};

#[derive(clap::Args)]
pub struct Args {
    /// The n8n release to move to: a version, or `latest` (npm's latest tag).
    #[arg(long, value_name = "VERSION", default_value = "latest")]
    n8n: String,
    /// Print the changelog entry and the files that would change; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The command named in the `@generated` header (what `cargo xtask generate --check` expects).
const GENERATE: &str = "cargo xtask generate";
const SNAPSHOTS: &str = "tests/tests/snapshots";
const SURFACE_PREFIX: &str = "codegen__surface_";
const LOG_SNAPSHOT: &str = "codegen__normalization_log_of_the_pinned_spec.snap";
const DECISIONS_SNAPSHOT: &str = "normalization__decisions_on_the_pinned_spec.snap";

/// The release `npm view n8n@TAG version` names.
fn resolve_tag(tag: &str) -> Result<String> {
    let npm = std::env::var("N8N_API_NPM").unwrap_or_else(|_| "npm".into());
    let out = Command::new(&npm)
        .args(["view", &format!("n8n@{tag}"), "version", "--json"])
        .output()
        .with_context(|| format!("cannot run `{npm}`: install Node.js and npm, or name a version"))?;
    if !out.status.success() {
        bail!(
            "npm view n8n@{tag} failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output")
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).context("npm view: unexpected output")?;
    let v = v
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("npm view n8n@{tag}: no single version in `{v}`"))?;
    fetch::check_version(&v)?;
    Ok(v)
}

/// `2.40.7` < `2.41.3` (numeric components; a pre-release sorts before its release).
fn version_key(v: &str) -> (Vec<u64>, bool) {
    let (main, pre) = v.split_once('-').map_or((v, None), |(m, p)| (m, Some(p)));
    let nums = main.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    (nums, pre.is_none())
}

/// The crate version after a change of class `semver` (Cargo's rules: in `0.x.y`, `x` is the
/// major part).
pub fn bump(version: &str, semver: Semver) -> Result<String> {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<u64> = core
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| anyhow!("crate version `{version}` is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        bail!("crate version `{version}` is not MAJOR.MINOR.PATCH");
    };
    Ok(match (semver, major) {
        (Semver::Major, 0) => format!("0.{}.0", minor + 1),
        (Semver::Major, _) => format!("{}.0.0", major + 1),
        (Semver::Minor, 0) => format!("0.{minor}.{}", patch + 1),
        (Semver::Minor, _) => format!("{major}.{}.0", minor + 1),
        (Semver::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// One file of the transaction: its new contents, or `None` to delete it.
#[derive(Debug, Clone)]
pub struct Write {
    pub path: PathBuf,
    pub contents: Option<Vec<u8>>,
}

/// Applies `writes` (skipping files already as wanted); if one fails, restores every file
/// touched before it and returns the error.
pub fn apply(writes: &[Write]) -> Result<usize> {
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for w in writes {
        let before = std::fs::read(&w.path).ok();
        if before == w.contents {
            continue;
        }
        let result = match &w.contents {
            Some(bytes) => fetch::write_atomic(&w.path, bytes).map_err(anyhow::Error::from),
            None => std::fs::remove_file(&w.path).map_err(anyhow::Error::from),
        };
        if let Err(e) = result {
            let restored = restore(&done);
            return Err(e.context(format!("writing {} failed; {restored}", rel(&w.path))));
        }
        done.push((w.path.clone(), before));
    }
    Ok(done.len())
}

/// Puts back what `done` recorded, newest first; says how that went.
fn restore(done: &[(PathBuf, Option<Vec<u8>>)]) -> String {
    let mut failed = Vec::new();
    for (path, before) in done.iter().rev() {
        let r = match before {
            Some(bytes) => fetch::write_atomic(path, bytes).map_err(|e| e.to_string()),
            None => std::fs::remove_file(path).map_err(|e| e.to_string()),
        };
        if let Err(e) = r {
            failed.push(format!("{}: {e}", rel(path)));
        }
        // A directory the transaction created is removed with its last file.
        if before.is_none()
            && let Some(dir) = path.parent()
        {
            let _ = std::fs::remove_dir(dir);
        }
    }
    if failed.is_empty() {
        format!("the {} files written before were restored", done.len())
    } else {
        format!("restoring failed for: {}", failed.join(", "))
    }
}

/// `lock` (Cargo.lock) with the `n8n-api` package at `version`, so that the tree is consistent
/// without a cargo run (and `--locked` builds pass).
pub fn lock_with_version(lock: &str, package: &str, version: &str) -> Option<String> {
    let key = format!("[[package]]\nname = \"{package}\"\nversion = \"");
    let start = lock.find(&key)? + key.len();
    let end = start + lock[start..].find('"')?;
    Some(format!("{}{version}{}", &lock[..start], &lock[end..]))
}

/// The insta header of an existing snapshot (kept as it is), or one for a new snapshot.
fn snapshot(path: &Path, contents: &str) -> Vec<u8> {
    let header = std::fs::read_to_string(path)
        .ok()
        .and_then(|old| {
            let end = old.strip_prefix("---\n")?.find("\n---\n")? + "---\n".len() + "\n---\n".len();
            Some(old[..end].to_string())
        })
        .unwrap_or_else(|| "---\nsource: tests/tests/codegen.rs\nexpression: text\n---\n".into());
    format!("{header}{}\n", contents.trim_end()).into_bytes()
}

/// The snapshot writes for the pinned spec's surface per tag and normalization log.
fn snapshot_writes(output: &pipeline::Output) -> Result<Vec<Write>> {
    let dir = root().join(SNAPSHOTS);
    let mut writes = Vec::new();
    for (tag, text) in &output.surface {
        let path = dir.join(format!("{SURFACE_PREFIX}{tag}.snap"));
        writes.push(Write {
            contents: Some(snapshot(&path, text)),
            path,
        });
    }
    for entry in std::fs::read_dir(&dir).with_context(|| rel(&dir))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let tag = name.strip_prefix(SURFACE_PREFIX).and_then(|n| n.strip_suffix(".snap"));
        if tag.is_some_and(|t| !output.surface.contains_key(t)) {
            writes.push(Write { path, contents: None });
        }
    }
    let counts: Vec<String> = output.log.counts().iter().map(|(r, n)| format!("{r}: {n}")).collect();
    for (file, text) in [
        (LOG_SNAPSHOT, counts.join("\n")),
        (DECISIONS_SNAPSHOT, output.log.decisions().join("\n")),
    ] {
        let path = dir.join(file);
        writes.push(Write {
            contents: Some(snapshot(&path, &text)),
            path,
        });
    }
    Ok(writes)
}

/// The pinned spec and lock move to spec/history/<old>/; the new ones (from `from`) are pinned;
/// a copy in spec/history/<new>/ goes (it is the pinned one now).
fn spec_writes(old: &str, from: &Path) -> Result<Vec<Write>> {
    let specs = crate::specs();
    let (spec, history) = (specs.pinned().to_path_buf(), specs.history());
    let read = |p: PathBuf| std::fs::read(&p).with_context(|| rel(&p));
    let mut writes = Vec::new();
    for file in [fetch::SPEC_FILE, fetch::LOCK_FILE] {
        writes.push(Write {
            path: history.join(old).join(file),
            contents: Some(read(spec.join(file))?),
        });
        writes.push(Write {
            path: spec.join(file),
            contents: Some(read(from.join(file))?),
        });
    }
    if from.starts_with(&history) {
        for file in [fetch::SPEC_FILE, fetch::LOCK_FILE] {
            writes.push(Write {
                path: from.join(file),
                contents: None,
            });
        }
    }
    Ok(writes)
}

/// The release to move to, or `None` when it is pinned already.
fn target(requested: &str, old: &str) -> Result<Option<String>> {
    let new = if requested == "latest" {
        resolve_tag("latest")?
    } else {
        fetch::check_version(requested)?;
        requested.to_string()
    };
    if new == old {
        return Ok(None);
    }
    if version_key(&new) < version_key(old) {
        bail!("n8n {new} is older than the pinned {old}: update only moves forward");
    }
    Ok(Some(new))
}

/// Everything an update writes, computed before anything is.
struct Plan {
    writes: Vec<Write>,
    entry: String,
    current: String,
    version: String,
    semver: Semver,
    /// Where the new spec came from (a spec/history/ directory is emptied by the move).
    from: PathBuf,
}

/// Generates both clients, diffs them, and computes every file of the update.
fn plan(old: &str, new: &str) -> Result<Plan> {
    let root = root();
    // Obtain and verify the new spec (sha256 against its lock; npm integrity when fetched).
    let from = crate::diff::spec_dir_for(new)?;
    let (new_spec, new_lock) = fetch::load_dir(&from)?;
    if new_lock.n8n_version.as_deref() != Some(new) {
        bail!(
            "{}: the lock names n8n {:?}, not {new}",
            rel(&from),
            new_lock.n8n_version
        );
    }
    let (old_spec, _) = fetch::load_dir(crate::specs().pinned())?;
    eprintln!("==> n8n {old} -> {new}: generating both clients and comparing them");
    let a = rust::generate(&old_spec, Some(old), GENERATE)?;
    let b = rust::generate(&new_spec, Some(new), GENERATE)?;
    let input = |spec, v: &str| Input {
        source: format!("n8n {v}"),
        n8n_version: Some(v.to_string()),
        spec,
    };
    let mut report = diff::diff(&input(old_spec, old), &input(new_spec, new));
    let rust_report = rust::compare_generated(&a, &b);
    let semver = rust_report
        .changes
        .iter()
        .map(|c| c.semver)
        .min()
        .unwrap_or(Semver::Patch);
    report.rust = Some(rust_report);

    let CrateFiles {
        files,
        current,
        version,
    } = crate_files(&b.output, semver)?;
    let entry = changelog::entry(&changelog::Entry {
        crate_version: &version,
        previous_crate_version: &current,
        old_n8n: old,
        new_n8n: new,
        date: &changelog::today(),
        report: &report,
        old_operations: &a.operations,
        new_operations: &b.operations,
        types: b.output.types,
    });
    let changelog_path = root.join("CHANGELOG.md");
    let existing = std::fs::read_to_string(&changelog_path).unwrap_or_default();
    let mut writes = spec_writes(old, &from)?;
    writes.extend(files.into_iter().map(|(path, c)| Write {
        path,
        contents: Some(c.into_bytes()),
    }));
    writes.extend(snapshot_writes(&b.output)?);
    writes.push(Write {
        path: changelog_path,
        contents: Some(changelog::prepend(&existing, &entry).into_bytes()),
    });
    Ok(Plan {
        writes,
        entry,
        current,
        version,
        semver,
        from,
    })
}

/// The crate's files of an update, and its version before and after.
struct CrateFiles {
    /// The client, the manifest (features, bumped version) and Cargo.lock.
    files: Vec<(PathBuf, String)>,
    current: String,
    version: String,
}

/// The crates that release together: the client and its mock (whose types are the client's).
const CRATES: [&str; 2] = ["n8n-api", "n8n-api-mock"];

fn crate_files(output: &pipeline::Output, semver: Semver) -> Result<CrateFiles> {
    let root = root();
    let mut files = pipeline::expected_files(&root, output)?;
    let manifest_path = root.join("n8n-api/Cargo.toml");
    let no_version = |path: &Path| anyhow!("{}: no [package] version", rel(path));
    let current = pipeline::manifest_version(&std::fs::read_to_string(&manifest_path)?)
        .ok_or_else(|| no_version(&manifest_path))?;
    let version = bump(&current, semver)?;
    let manifests: Vec<PathBuf> = CRATES.iter().map(|c| root.join(c).join("Cargo.toml")).collect();
    for (path, contents) in &mut files {
        if manifests.contains(path) {
            *contents = pipeline::with_manifest_version(contents, &version).ok_or_else(|| no_version(path))?;
        }
    }
    let lock_path = root.join("Cargo.lock");
    let mut lock = std::fs::read_to_string(&lock_path).with_context(|| rel(&lock_path))?;
    for name in CRATES {
        lock = lock_with_version(&lock, name, &version).ok_or_else(|| anyhow!("Cargo.lock has no {name} package"))?;
    }
    files.push((lock_path, lock));
    Ok(CrateFiles {
        files,
        current,
        version,
    })
}

pub fn run(args: Args) -> Result<ExitCode> {
    let old = crate::specs().pinned_release()?;
    let Some(new) = target(&args.n8n, &old)? else {
        println!("n8n-api is generated from n8n {old} already: nothing to do");
        return Ok(ExitCode::SUCCESS);
    };
    let plan = plan(&old, &new)?;
    if args.dry_run {
        print!("{}", plan.entry);
        println!("--dry-run: nothing written. `cargo xtask update --n8n {new}` would write:");
        for w in plan.writes.iter().filter(|w| std::fs::read(&w.path).ok() != w.contents) {
            let what = if w.contents.is_some() { "write " } else { "delete" };
            println!("  {what} {}", rel(&w.path));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let n = apply(&plan.writes)?;
    if plan.from.starts_with(crate::specs().history()) {
        let _ = std::fs::remove_dir(&plan.from);
    }
    println!(
        "n8n {old} -> {new}: n8n-api {} -> {} (semver {}), {n} files written.\nReview the snapshot and CHANGELOG.md changes, then run `cargo xtask test`.",
        plan.current,
        plan.version,
        plan.semver.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_by_cargo_rules() {
        assert_eq!(bump("0.1.0", Semver::Major).unwrap(), "0.2.0");
        assert_eq!(bump("0.1.3", Semver::Minor).unwrap(), "0.1.4");
        assert_eq!(bump("0.1.3", Semver::Patch).unwrap(), "0.1.4");
        assert_eq!(bump("1.2.3", Semver::Major).unwrap(), "2.0.0");
        assert_eq!(bump("1.2.3", Semver::Minor).unwrap(), "1.3.0");
        assert_eq!(bump("1.2.3", Semver::Patch).unwrap(), "1.2.4");
        assert!(bump("0.1", Semver::Patch).is_err());
        assert!(version_key("2.40.7") < version_key("2.41.3"));
        assert!(version_key("2.9.0") < version_key("2.10.0"));
        assert!(version_key("2.41.0-rc.1") < version_key("2.41.0"));
    }

    #[test]
    fn a_failed_write_restores_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept.txt");
        let gone = dir.path().join("gone.txt");
        std::fs::write(&kept, "old").unwrap();
        std::fs::write(&gone, "old gone").unwrap();
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, "a file where a directory is needed").unwrap();
        let writes = [
            Write {
                path: kept.clone(),
                contents: Some(b"new".to_vec()),
            },
            Write {
                path: dir.path().join("sub/new.txt"),
                contents: Some(b"created".to_vec()),
            },
            Write {
                path: gone.clone(),
                contents: None,
            },
            Write {
                path: blocker.join("x.txt"),
                contents: Some(b"cannot".to_vec()),
            },
        ];
        let e = apply(&writes).unwrap_err();
        assert!(
            format!("{e:#}").contains("the 3 files written before were restored"),
            "{e:#}"
        );
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(&gone).unwrap(), "old gone");
        assert!(!dir.path().join("sub").exists());
        // Without the failing write, everything lands; applying again changes nothing.
        assert_eq!(apply(&writes[..3]).unwrap(), 3);
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "new");
        assert!(!gone.exists());
        assert_eq!(apply(&writes[..2]).unwrap(), 0);
    }

    #[test]
    fn the_lock_file_follows_the_crate_version() {
        let lock = "[[package]]\nname = \"n8n-api\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"n8n-api-codegen\"\nversion = \"0.1.0\"\n";
        assert_eq!(
            lock_with_version(lock, "n8n-api", "0.2.0").unwrap(),
            lock.replacen("0.1.0", "0.2.0", 1)
        );
        assert!(lock_with_version("[[package]]\nname = \"x\"\n", "n8n-api", "1.0.0").is_none());
    }

    #[test]
    fn snapshots_keep_their_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.snap");
        std::fs::write(&p, "---\nsource: tests/tests/codegen.rs\nexpression: \"x\"\n---\nold\n").unwrap();
        assert_eq!(
            String::from_utf8(snapshot(&p, "new\n\n")).unwrap(),
            "---\nsource: tests/tests/codegen.rs\nexpression: \"x\"\n---\nnew\n"
        );
        assert!(
            String::from_utf8(snapshot(&dir.path().join("none.snap"), "a"))
                .unwrap()
                .ends_with("---\na\n")
        );
    }
}
