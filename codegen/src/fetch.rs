//! Obtaining a spec: from the npm package `n8n@VERSION`, from a file, or from a running instance,
//! and the lock file that records where it came from.
//!
//! The npm route runs the ordinary `npm` client (`npm pack`), so the registry and its credentials
//! come from the user's npm configuration; nothing here names a registry. The tarball is checked
//! against the integrity npm reports, and only the spec member is read from it: no other archive
//! member is ever written to disk. Whatever fails, the existing spec and lock stay as they were:
//! both are written to temporary files first and renamed into place.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::load::{self, Spec};
use crate::{Error, Result};

/// The spec file name inside a spec directory.
pub const SPEC_FILE: &str = "openapi.yml";
/// The lock file name inside a spec directory.
pub const LOCK_FILE: &str = "openapi.lock.json";

/// Where a spec came from. Written beside the spec as `openapi.lock.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// The n8n release the spec belongs to (unknown for a file or URL unless given).
    pub n8n_version: Option<String>,
    /// `npm`, `file` or `url`.
    pub source: String,
    /// npm: the package spec (`n8n@2.40.7`); file: the path; url: the URL.
    pub origin: String,
    /// npm: the tarball's integrity string (SRI, `sha512-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// npm: the archive member the spec was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_member: Option<String>,
    /// sha256 of the spec file, lower-case hex.
    pub spec_sha256: String,
}

impl Lock {
    /// Reads `dir/openapi.lock.json`.
    pub fn read(dir: &Path) -> Result<Lock> {
        let path = dir.join(LOCK_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Lock {
            path: path.clone(),
            message: e.to_string(),
        })
    }
}

/// A spec and its lock, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The spec file, byte for byte.
    pub bytes: Vec<u8>,
    pub lock: Lock,
}

/// Known places of the spec in the n8n package, newest first (see ARCHITECTURE.md).
const KNOWN_MEMBERS: &[&str] = &[
    "package/dist/public-api/v1/openapi.yml",
    "package/dist/PublicApi/v1/openapi.yml",
    "package/dist/src/PublicApi/v1/openapi.yml",
];

/// Checks that `version` looks like an npm version (no spaces, no shell or path characters).
pub fn check_version(version: &str) -> Result<()> {
    let ok = !version.is_empty()
        && version.len() <= 64
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        && version.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::Input(format!(
            "`{version}` is not an n8n version (expected something like 2.40.7)"
        )))
    }
}

/// Fetches the spec of `n8n@version` with `npm pack`.
pub fn from_npm(version: &str) -> Result<Fetched> {
    check_version(version)?;
    let package = format!("n8n@{version}");
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let output = Command::new(npm_program())
        .args(["pack", &package, "--json", "--ignore-scripts", "--pack-destination"])
        .arg(tmp.path())
        .current_dir(tmp.path())
        .output()
        .map_err(|e| {
            Error::Fetch(format!(
                "cannot run `npm` ({e}); install Node.js and npm, or use --from-file"
            ))
        })?;
    if !output.status.success() {
        return Err(Error::Fetch(npm_failure(
            &package,
            &String::from_utf8_lossy(&output.stderr),
        )));
    }
    #[derive(Deserialize)]
    struct Packed {
        name: String,
        version: String,
        filename: String,
        integrity: String,
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let packed: Vec<Packed> = serde_json::from_str(stdout.trim())
        .map_err(|e| Error::Fetch(format!("npm pack {package}: unexpected output ({e})")))?;
    let packed = packed
        .into_iter()
        .next()
        .ok_or_else(|| Error::Fetch(format!("npm pack {package}: no package in npm's output")))?;
    if packed.name != "n8n" || packed.version != version {
        return Err(Error::Fetch(format!(
            "npm pack {package}: npm packed {}@{} instead",
            packed.name, packed.version
        )));
    }
    let tarball = tmp.path().join(&packed.filename);
    let data = std::fs::read(&tarball).map_err(|e| Error::io(&tarball, e))?;
    verify_integrity(&data, &packed.integrity, &packed.filename)?;
    let (member, bytes) = spec_from_tarball(&data, &packed.filename)?;
    load::from_bytes(&bytes, &format!("{}:{member}", packed.filename))?;
    Ok(Fetched {
        lock: Lock {
            n8n_version: Some(version.to_string()),
            source: "npm".into(),
            origin: package,
            integrity: Some(packed.integrity),
            archive_member: Some(member),
            spec_sha256: load::sha256_hex(&bytes),
        },
        bytes,
    })
}

fn npm_program() -> String {
    std::env::var("N8N_API_NPM").unwrap_or_else(|_| "npm".into())
}

/// One line saying why `npm pack` failed.
fn npm_failure(package: &str, stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("npm error ").or_else(|| l.strip_prefix("npm ERR! ")))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("A complete log") && !l.starts_with("Log files"))
        .collect();
    if errors
        .iter()
        .any(|l| l.contains("ETARGET") || l.contains("No matching version"))
    {
        return format!("{package} is not published (npm: no matching version)");
    }
    if errors.iter().any(|l| l.contains("E404")) {
        return format!("{package}: the registry has no such package (npm: E404)");
    }
    let detail = errors
        .first()
        .copied()
        .unwrap_or_else(|| stderr.lines().last().unwrap_or("no output"));
    format!("npm pack {package} failed: {detail}")
}

/// Checks `data` against an SRI integrity string (`sha512-<base64>`).
pub(crate) fn verify_integrity(data: &[u8], integrity: &str, what: &str) -> Result<()> {
    let expected = integrity
        .split_whitespace()
        .find_map(|s| s.strip_prefix("sha512-"))
        .ok_or_else(|| Error::Fetch(format!("{what}: npm reported no sha512 integrity (`{integrity}`)")))?;
    let actual = base64::engine::general_purpose::STANDARD.encode(Sha512::digest(data));
    if actual != expected {
        return Err(Error::Fetch(format!(
            "{what}: integrity mismatch: npm reported sha512-{expected}, the tarball is sha512-{actual}"
        )));
    }
    Ok(())
}

/// Reads the spec member out of an npm tarball (gzip'd tar) without writing anything to disk.
pub(crate) fn spec_from_tarball(data: &[u8], what: &str) -> Result<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(data));
    let entries = archive
        .entries()
        .map_err(|e| Error::Fetch(format!("{what}: not a gzip'd tar archive ({e})")))?;
    let mut found: Option<(String, Vec<u8>)> = None;
    for entry in entries {
        let mut entry = entry.map_err(|e| Error::Fetch(format!("{what}: broken archive ({e})")))?;
        let path = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_spec_member(&path) {
            continue;
        }
        let rank = |p: &str| {
            KNOWN_MEMBERS
                .iter()
                .position(|k| *k == p)
                .unwrap_or(KNOWN_MEMBERS.len())
        };
        if found.as_ref().is_some_and(|(f, _)| rank(f) <= rank(&path)) {
            continue;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Fetch(format!("{what}: cannot read {path} ({e})")))?;
        found = Some((path, bytes));
    }
    found.ok_or_else(|| {
        Error::Fetch(format!(
            "{what}: the package ships no public API spec (no package/dist/**/v1/openapi.yml)"
        ))
    })
}

/// `package/dist/.../v1/openapi.yml`: where every n8n release since 0.196.0 keeps its spec.
fn is_spec_member(path: &str) -> bool {
    path.starts_with("package/dist/") && path.ends_with("/v1/openapi.yml") && !path.contains("node_modules")
}

/// Reads a spec from a file.
pub fn from_file(path: &Path, n8n_version: Option<&str>) -> Result<Fetched> {
    if let Some(v) = n8n_version {
        check_version(v)?;
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    load::from_bytes(&bytes, &path.display().to_string())?;
    Ok(Fetched {
        lock: Lock {
            n8n_version: n8n_version.map(str::to_string),
            source: "file".into(),
            origin: path.display().to_string(),
            integrity: None,
            archive_member: None,
            spec_sha256: load::sha256_hex(&bytes),
        },
        bytes,
    })
}

/// Downloads a spec from a running instance (`<base>/api/v1/openapi.yml`).
pub fn from_url(url: &str, n8n_version: Option<&str>) -> Result<Fetched> {
    if let Some(v) = n8n_version {
        check_version(v)?;
    }
    let fail = |why: String| Error::Fetch(format!("{url}: {why}"));
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| fail(format!("request failed ({e})")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("HTTP {status}")));
    }
    let bytes = response
        .bytes()
        .map_err(|e| fail(format!("cannot read the body ({e})")))?
        .to_vec();
    load::from_bytes(&bytes, url)?;
    Ok(Fetched {
        lock: Lock {
            n8n_version: n8n_version.map(str::to_string),
            source: "url".into(),
            origin: url.to_string(),
            integrity: None,
            archive_member: None,
            spec_sha256: load::sha256_hex(&bytes),
        },
        bytes,
    })
}

/// Writes `dir/openapi.yml` and `dir/openapi.lock.json`, each through a temporary file and a
/// rename, so a failure leaves the previous pair intact. Returns the two paths.
pub fn write(fetched: &Fetched, dir: &Path) -> Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let spec_path = dir.join(SPEC_FILE);
    let lock_path = dir.join(LOCK_FILE);
    let mut lock_json = serde_json::to_string_pretty(&fetched.lock).expect("a lock serializes");
    lock_json.push('\n');
    let spec_tmp = write_temp(dir, &fetched.bytes)?;
    let lock_tmp = write_temp(dir, lock_json.as_bytes())?;
    spec_tmp
        .persist(&spec_path)
        .map_err(|e| Error::io(&spec_path, e.error))?;
    lock_tmp
        .persist(&lock_path)
        .map_err(|e| Error::io(&lock_path, e.error))?;
    Ok((spec_path, lock_path))
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    write_temp(dir, contents)?
        .persist(path)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

fn write_temp(dir: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(tmp.path(), e))?;
    Ok(tmp)
}

/// Loads `dir/openapi.yml` with its lock, checking the lock's sha256 against the file.
pub fn load_dir(dir: &Path) -> Result<(Spec, Lock)> {
    let spec = load::from_path(&dir.join(SPEC_FILE))?;
    let lock = Lock::read(dir)?;
    if lock.spec_sha256 != spec.sha256 {
        return Err(Error::Fetch(format!(
            "{}: the spec's sha256 is {}, the lock says {}; refetch it (cargo xtask spec fetch)",
            dir.join(SPEC_FILE).display(),
            spec.sha256,
            lock.spec_sha256
        )));
    }
    Ok((spec, lock))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tarball(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, data) in members {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn finds_the_spec_wherever_the_release_keeps_it() {
        for member in KNOWN_MEMBERS {
            let data = tarball(&[("package/package.json", b"{}"), (member, b"openapi: 3.0.0")]);
            let (found, bytes) = spec_from_tarball(&data, "n8n.tgz").unwrap();
            assert_eq!(&found, member);
            assert_eq!(bytes, b"openapi: 3.0.0");
        }
    }

    #[test]
    fn a_tarball_without_a_spec_says_so() {
        let data = tarball(&[("package/package.json", b"{}")]);
        let e = spec_from_tarball(&data, "n8n-0.73.1.tgz").unwrap_err();
        assert_eq!(
            e.to_string(),
            "n8n-0.73.1.tgz: the package ships no public API spec (no package/dist/**/v1/openapi.yml)"
        );
        let e = spec_from_tarball(b"junk", "x.tgz").unwrap_err();
        assert!(e.to_string().starts_with("x.tgz: "), "{e}");
    }

    #[test]
    fn integrity_is_checked() {
        let data = b"tarball";
        let good = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(data))
        );
        verify_integrity(data, &good, "t.tgz").unwrap();
        let e = verify_integrity(b"tampered", &good, "t.tgz").unwrap_err();
        assert!(e.to_string().starts_with("t.tgz: integrity mismatch"), "{e}");
        assert!(verify_integrity(data, "sha1-abc", "t.tgz").is_err());
    }

    #[test]
    fn versions_are_validated() {
        check_version("2.40.7").unwrap();
        check_version("1.0.0-rc.1").unwrap();
        for bad in ["", "latest", "2.40.7; rm -rf /", "../x", "2 .0"] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn npm_failures_read_as_one_line() {
        let stderr = "npm error code ETARGET\nnpm error notarget No matching version found for n8n@9.9.9.\nnpm error A complete log of this run can be found in: /x";
        assert_eq!(
            npm_failure("n8n@9.9.9", stderr),
            "n8n@9.9.9 is not published (npm: no matching version)"
        );
        assert_eq!(
            npm_failure("n8n@1.0.0", "npm error code ECONNREFUSED\n"),
            "npm pack n8n@1.0.0 failed: code ECONNREFUSED"
        );
    }

    #[test]
    fn a_failed_write_keeps_the_old_pair() {
        let dir = tempfile::tempdir().unwrap();
        let spec = b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n".to_vec();
        let fetched = from_bytes_for_test(spec.clone());
        write(&fetched, dir.path()).unwrap();
        let (loaded, lock) = load_dir(dir.path()).unwrap();
        assert_eq!(loaded.sha256, lock.spec_sha256);
        // A bad file never reaches the writer: from_file refuses it first.
        let bad = dir.path().join("bad.yml");
        std::fs::write(&bad, "<html>").unwrap();
        assert!(from_file(&bad, None).is_err());
        assert_eq!(std::fs::read(dir.path().join(SPEC_FILE)).unwrap(), spec);
    }

    fn from_bytes_for_test(bytes: Vec<u8>) -> Fetched {
        Fetched {
            lock: Lock {
                n8n_version: Some("1.0.0".into()),
                source: "file".into(),
                origin: "mem".into(),
                integrity: None,
                archive_member: None,
                spec_sha256: load::sha256_hex(&bytes),
            },
            bytes,
        }
    }
}
