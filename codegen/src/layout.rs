//! Where the workspace keeps its specs: `spec/` (the pinned release: `openapi.yml` and
//! `openapi.lock.json`) and `spec/history/<version>/` (other releases, same layout). One type
//! for the paths xtask, the tests and the benchmarks use.

use std::path::{Path, PathBuf};

use crate::fetch::{LOCK_FILE, Lock, SPEC_FILE};
use crate::{Error, Result};

/// The spec directory of a workspace.
#[derive(Debug, Clone)]
pub struct SpecDir {
    dir: PathBuf,
}

impl SpecDir {
    /// The spec directory of the workspace at `root` (`root/spec`).
    pub fn of(root: &Path) -> Self {
        SpecDir { dir: root.join("spec") }
    }

    /// `spec/`: the pinned release's directory (give it to `pipeline::run_dir`).
    pub fn pinned(&self) -> &Path {
        &self.dir
    }

    /// `spec/openapi.yml`.
    pub fn spec_file(&self) -> PathBuf {
        self.dir.join(SPEC_FILE)
    }

    /// `spec/openapi.lock.json`.
    pub fn lock_file(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// The pinned n8n release, from the lock.
    pub fn pinned_release(&self) -> Result<String> {
        Lock::read(&self.dir)?.n8n_version.ok_or_else(|| Error::Lock {
            path: self.lock_file(),
            message: "it names no n8n release".into(),
        })
    }

    /// `spec/history/`.
    pub fn history(&self) -> PathBuf {
        self.dir.join("history")
    }

    /// `spec/history/<version>/`.
    pub fn release(&self, version: &str) -> PathBuf {
        self.history().join(version)
    }

    /// The directory holding `version`: the pinned one or a kept one, if either does.
    pub fn find(&self, version: &str) -> Option<PathBuf> {
        let pinned = Lock::read(&self.dir).ok().and_then(|l| l.n8n_version).as_deref() == Some(version);
        if pinned {
            return Some(self.dir.clone());
        }
        let kept = self.release(version);
        kept.join(SPEC_FILE).exists().then_some(kept)
    }

    /// The kept releases (`spec/history/*`), oldest first by their version numbers.
    pub fn kept(&self) -> Result<Vec<(String, PathBuf)>> {
        let history = self.history();
        let entries = std::fs::read_dir(&history).map_err(|e| Error::io(&history, e))?;
        let mut kept = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&history, e))?.path();
            if path.join(SPEC_FILE).exists() {
                let version = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                kept.push((version, path));
            }
        }
        kept.sort_by_key(|(v, _)| version_key(v));
        Ok(kept)
    }

    /// Every spec directory: the kept releases, oldest first, then the pinned one.
    pub fn all(&self) -> Result<Vec<PathBuf>> {
        let mut dirs: Vec<PathBuf> = self.kept()?.into_iter().map(|(_, p)| p).collect();
        dirs.push(self.dir.clone());
        Ok(dirs)
    }
}

/// `2.40.7` -> `[2, 40, 7]` (what is not a number sorts as 0).
fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-']).map(|p| p.parse().unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn releases_sort_by_their_numbers() {
        let mut v = vec!["2.10.0", "0.196.0", "2.9.1", "1.50.0"];
        v.sort_by_key(|s| super::version_key(s));
        assert_eq!(v, ["0.196.0", "1.50.0", "2.9.1", "2.10.0"]);
    }

    #[test]
    fn the_workspace_specs_are_where_the_layout_says() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let specs = super::SpecDir::of(root);
        let pinned = specs.pinned_release().unwrap();
        assert_eq!(specs.find(&pinned).as_deref(), Some(specs.pinned()));
        let kept = specs.kept().unwrap();
        assert!(!kept.is_empty());
        for (v, dir) in &kept {
            assert_eq!(specs.find(v).as_ref(), Some(dir));
        }
        assert!(specs.find("0.0.0").is_none());
    }
}
