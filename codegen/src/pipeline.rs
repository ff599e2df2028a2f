//! The stages strung together, and the files they produce.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::generate::model::Operation;
use crate::normalize::Log;
use crate::{Error, Result, fetch, format, generate, load, normalize};

/// Path of the generated module inside a crate directory (the client's and the mock's).
pub const GENERATED_FILE: &str = "src/generated.rs";

/// The client crate's directory in the workspace.
const CLIENT_DIR: &str = "n8n-api";

/// The mock crate's directory in the workspace (beside the client, which it depends on by path).
const MOCK_DIR: &str = "n8n-api-mock";

/// The client dependency the mock crate's tag features turn on.
const MOCK_CLIENT_DEPENDENCY: &str = "n8n-api";

/// Time spent in each stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub load: Duration,
    pub normalize: Duration,
    pub generate: Duration,
    pub format: Duration,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.load + self.normalize + self.generate + self.format
    }
}

/// The generated client and what went into it.
pub struct Output {
    /// The formatted `generated.rs` of the client.
    pub code: String,
    /// The formatted `generated.rs` of the mock crate.
    pub mock_code: String,
    pub operations: Vec<Operation>,
    pub types: usize,
    /// What normalization changed.
    pub log: Log,
    /// What each generator pass did: `(pass, summary)`, in pass order.
    pub passes: Vec<(&'static str, String)>,
    /// The normalized spec: what progenitor and the passes saw.
    pub normalized: serde_json::Value,
    /// The public surface per tag (see [`generate::surface`]).
    pub surface: std::collections::BTreeMap<String, String>,
    pub timings: Timings,
    /// The n8n release (from the lock), if known.
    pub n8n_version: Option<String>,
}

/// Runs every stage on spec bytes. `command` is named in the `@generated` header.
pub fn run(bytes: &[u8], origin: &str, n8n_version: Option<&str>, command: &str) -> Result<Output> {
    let t = Instant::now();
    let spec = load::from_bytes(bytes, origin)?;
    let load_time = t.elapsed();
    run_loaded(spec, load_time, n8n_version, command)
}

/// Runs the stages after loading.
pub(crate) fn run_loaded(
    spec: load::Spec,
    load_time: Duration,
    n8n_version: Option<&str>,
    command: &str,
) -> Result<Output> {
    let mut timings = Timings {
        load: load_time,
        ..Default::default()
    };
    let t = Instant::now();
    let mut doc = spec.document;
    let log = normalize::normalize(&mut doc);
    timings.normalize = t.elapsed();
    let t = Instant::now();
    let generated = generate::generate(&doc, n8n_version)?;
    timings.generate = t.elapsed();
    let t = Instant::now();
    let header = format::Header {
        command: command.to_string(),
        n8n_version: n8n_version.map(str::to_string),
        spec_sha256: spec.sha256.clone(),
    };
    let code = format::format_file(&generated.file, &header);
    let mock_code = format::format_file(&generated.mock, &header);
    timings.format = t.elapsed();
    let surface = generate::surface(&generated.file, &generated.operations);
    Ok(Output {
        code,
        mock_code,
        operations: generated.operations,
        types: generated.types,
        log,
        passes: generated.log,
        normalized: doc,
        surface,
        timings,
        n8n_version: n8n_version.map(str::to_string),
    })
}

/// Runs every stage on a spec file anywhere. Its n8n release is `n8n_version` when given, else
/// the one a lock file beside it names, if that lock is the file's (same sha256).
pub fn run_file(path: &Path, n8n_version: Option<&str>, command: &str) -> Result<Output> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let locked = path
        .parent()
        .and_then(|d| fetch::Lock::read(d).ok())
        .filter(|l| l.spec_sha256 == load::sha256_hex(&bytes))
        .and_then(|l| l.n8n_version);
    let version = n8n_version.map(str::to_string).or(locked);
    if let Some(v) = &version {
        fetch::check_version(v)?;
    }
    run(&bytes, &path.display().to_string(), version.as_deref(), command)
}

/// Runs every stage on a spec directory (`openapi.yml` + `openapi.lock.json`).
pub fn run_dir(spec_dir: &Path, command: &str) -> Result<Output> {
    let t = Instant::now();
    let (spec, lock) = fetch::load_dir(spec_dir)?;
    run_loaded(spec, t.elapsed(), lock.n8n_version.as_deref(), command)
}

/// The `[package]` version of a crate manifest.
///
/// The crate has a semver of its own (`0.1.0`): the public crate registry refuses versions that
/// differ only in build metadata, so the n8n release cannot live there. `cargo xtask update`
/// bumps it by what the diff of the generated code says; the n8n release is in the spec's lock,
/// the `@generated` header and CHANGELOG.md.
pub fn manifest_version(manifest: &str) -> Option<String> {
    version_line(manifest).map(|(_, v)| v)
}

/// `manifest` with its `[package]` version set to `version`.
pub fn with_manifest_version(manifest: &str, version: &str) -> Option<String> {
    let (at, old) = version_line(manifest)?;
    let mut out = String::with_capacity(manifest.len() + 8);
    // The mock's dependency on the client it releases with pins the same version.
    let pinned = format!("version = \"={old}\"");
    for (i, line) in manifest.split_inclusive('\n').enumerate() {
        if i == at {
            out.push_str(&format!("version = \"{version}\"\n"));
        } else if line.starts_with("n8n-api = ") && line.contains(&pinned) {
            out.push_str(&line.replace(&pinned, &format!("version = \"={version}\"")));
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

/// (line index, value) of the first `version = "..."` line of the `[package]` table.
fn version_line(manifest: &str) -> Option<(usize, String)> {
    let mut in_package = false;
    for (i, line) in manifest.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
            continue;
        }
        if in_package
            && let Some(rest) = t.strip_prefix("version")
            && let Some(v) = rest.trim_start().strip_prefix('=')
        {
            return Some((i, v.trim().trim_matches('"').to_string()));
        }
    }
    None
}

/// A file that differs from what generation produces.
#[derive(Debug)]
pub struct Stale {
    pub path: PathBuf,
    pub expected: String,
    pub actual: String,
}

/// What the workspace at `root` must contain: `(path, contents)` for each generated file (the
/// generated module and the manifest of the client, then of the mock crate, and ARCHITECTURE.md
/// with its generated tables).
pub fn expected_files(root: &Path, output: &Output) -> Result<Vec<(PathBuf, String)>> {
    let client = root.join(CLIENT_DIR);
    let mock = root.join(MOCK_DIR);
    let architecture = root.join(crate::architecture::FILE);
    let docs = std::fs::read_to_string(&architecture).map_err(|e| Error::io(&architecture, e))?;
    Ok(vec![
        (client.join(GENERATED_FILE), output.code.clone()),
        (client.join("Cargo.toml"), manifest(&client, output, None)?),
        (mock.join(GENERATED_FILE), output.mock_code.clone()),
        (
            mock.join("Cargo.toml"),
            manifest(&mock, output, Some(MOCK_CLIENT_DEPENDENCY))?,
        ),
        (
            architecture,
            crate::architecture::refresh(&docs, &root.join("codegen"))?,
        ),
    ])
}

/// The manifest of the crate at `crate_dir` with its version and tag features generated; the
/// features turn on `dependency`'s features of the same name when given.
fn manifest(crate_dir: &Path, output: &Output, dependency: Option<&str>) -> Result<String> {
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    with_features(&manifest, output, dependency).ok_or_else(|| Error::Manifest {
        path: manifest_path.clone(),
        message: "no `# @generated-features-begin` ... `# @generated-features-end` block".into(),
    })
}

/// The generated files of the workspace at `root` that differ from `output`.
pub fn check(root: &Path, output: &Output) -> Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for (path, expected) in expected_files(root, output)? {
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            stale.push(Stale { path, expected, actual });
        }
    }
    Ok(stale)
}

/// Writes the generated files of the workspace at `root` that differ; returns the paths written.
pub fn write(root: &Path, output: &Output) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for stale in check(root, output)? {
        fetch::write_atomic(&stale.path, stale.expected.as_bytes())?;
        written.push(stale.path);
    }
    Ok(written)
}

/// Writes a complete, standalone crate to `out_dir`: the hand-written files of the crate at
/// `template_dir` (its manifest, made standalone, and every source file but the generated one),
/// plus the generated client.
pub fn write_standalone(template_dir: &Path, out_dir: &Path, output: &Output) -> Result<()> {
    write_standalone_crate(template_dir, out_dir, output, None, &output.code)
}

/// Writes the mock crate at `template_dir` as a standalone crate to `out_dir`, like
/// [`write_standalone`], with its examples (its manifest names one); it depends on the client by
/// the template's relative path, so a standalone client belongs beside it (`out_dir/../n8n-api`).
pub fn write_standalone_mock(template_dir: &Path, out_dir: &Path, output: &Output) -> Result<()> {
    let dependency = Some(MOCK_CLIENT_DEPENDENCY);
    write_standalone_crate(template_dir, out_dir, output, dependency, &output.mock_code)?;
    let examples = out_dir.join("examples");
    std::fs::create_dir_all(&examples).map_err(|e| Error::io(&examples, e))?;
    copy_sources(&template_dir.join("examples"), &examples)
}

fn write_standalone_crate(
    template_dir: &Path,
    out_dir: &Path,
    output: &Output,
    dependency: Option<&str>,
    code: &str,
) -> Result<()> {
    let src = template_dir.join("src");
    let out_src = out_dir.join("src");
    std::fs::create_dir_all(&out_src).map_err(|e| Error::io(&out_src, e))?;
    let mut manifest = manifest(template_dir, output, dependency)?;
    manifest.push_str("\n# Standalone: not part of the n8n-api workspace.\n[workspace]\n");
    fetch::write_atomic(&out_dir.join("Cargo.toml"), manifest.as_bytes())?;
    copy_sources(&src, &out_src)?;
    // What the package carries beside its sources (the crate docs include its README).
    for file in PACKAGE_FILES {
        let from = template_dir.join(file);
        if from.exists() {
            std::fs::copy(&from, out_dir.join(file)).map_err(|e| Error::io(&from, e))?;
        }
    }
    fetch::write_atomic(&out_dir.join(GENERATED_FILE), code.as_bytes())?;
    Ok(())
}

/// The files of a crate's package that are not sources.
const PACKAGE_FILES: &[&str] = &["README.md", "LICENSE-MIT", "LICENSE-APACHE"];

fn copy_sources(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(|e| Error::io(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
            copy_sources(&path, &target)?;
        } else if path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "generated.rs") {
            std::fs::copy(&path, &target).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(())
}

const FEATURES_BEGIN: &str = "# @generated-features-begin";
const FEATURES_END: &str = "# @generated-features-end";

/// `manifest` with the block between the generated-features markers replaced by one feature per
/// tag of `output` (turning on `dependency`'s feature of the same name, if given) and `full`.
fn with_features(manifest: &str, output: &Output, dependency: Option<&str>) -> Option<String> {
    let begin = manifest.find(FEATURES_BEGIN)?;
    let after_begin = begin + manifest[begin..].find('\n')? + 1;
    let end = manifest[after_begin..].find(FEATURES_END)? + after_begin;
    let mut out = String::with_capacity(manifest.len() + 1024);
    out.push_str(&manifest[..after_begin]);
    out.push_str(&match dependency {
        Some(dep) => generate::features::cargo_features_enabling(&output.operations, dep),
        None => generate::features::cargo_features(&output.operations),
    });
    out.push_str(&manifest[end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_crates_own() {
        let m = "[package]\nname = \"n8n-api\"\nversion = \"0.1.0\"\n\n[dependencies]\nx = { version = \"1\" }\n[workspace.package]\nversion = \"9.9.9\"\n";
        assert_eq!(manifest_version(m).as_deref(), Some("0.1.0"));
        assert_eq!(
            with_manifest_version(m, "0.2.0").unwrap(),
            m.replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        );
        assert!(manifest_version("[dependencies]\nversion = \"1\"\n").is_none());
        assert!(with_manifest_version("[package]\nname = \"x\"\n", "1.0.0").is_none());
        // The mock pins the client it releases with; other dependencies keep their versions.
        let mock = "[package]\nversion = \"0.1.0\"\n[dependencies]\nn8n-api = { path = \"../n8n-api\", version = \"=0.1.0\" }\nserde = \"=0.1.0\"\n";
        assert_eq!(
            with_manifest_version(mock, "0.2.0").unwrap(),
            "[package]\nversion = \"0.2.0\"\n[dependencies]\nn8n-api = { path = \"../n8n-api\", version = \"=0.2.0\" }\nserde = \"=0.1.0\"\n"
        );
    }
}
