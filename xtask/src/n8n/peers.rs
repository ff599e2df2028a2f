//! The loopback peers of the licensed test instance (`xtask/peers/peers.py`): an LDAP directory,
//! an HTTPS OpenID Connect discovery document and a smart-HTTP git server, so that the operations
//! that talk to such systems can be proven on 127.0.0.1.
//!
//! They run in Python (from `python3` on PATH) with packages from the Python package index,
//! installed once with `pip install --target` into the cache, atomically like the n8n install.
//! A missing `python3` or pip fails the start: the licensed instance never comes up without them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use super::{Lifetime, cache_dir, clean_stale_temps, tail};
use crate::root;

/// The Python packages of the peers, pinned.
const PACKAGES: &[&str] = &["ldaptor==21.2.0", "twisted==26.10.0", "trustme==1.2.1"];
/// The install's layout version: bump to force a fresh install when the packages change.
const RECIPE: u32 = 1;

/// What the peers told us once they listened (`peers.json`), kept in `instance.json`.
pub use n8n_api_codegen::instance::Peers as PeersInfo;

/// The running peers process.
pub struct Peers {
    pub child: Child,
    pub info: PeersInfo,
}

/// Installs the packages (once) and starts the peers; returns when they all listen.
pub fn start(state: &Path, lifetime: Lifetime) -> Result<Peers> {
    super::which("git")
        .map_err(|_| anyhow!("`git` is not on PATH: the loopback git server and the source-control tests need it"))?;
    let site = provision()?;
    let dir = state.join("peers");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    let log = state.join("peers.log");
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("xtask/peers/peers.py"))
        .arg(&dir)
        .env("PYTHONPATH", &site)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(fs::File::create(&log)?))
        .stderr(Stdio::from(fs::File::options().append(true).open(&log)?));
    super::own_group(&mut cmd, lifetime);
    let mut child = cmd.spawn().context("cannot start the loopback peers (python3)")?;
    match wait_ready(&dir.join("peers.json"), &mut child, &log) {
        Ok(info) => Ok(Peers { child, info }),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

fn wait_ready(ready: &Path, child: &mut Child, log: &Path) -> Result<PeersInfo> {
    let t = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("the loopback peers exited during start ({status}):\n{}", tail(log, 20));
        }
        if let Ok(text) = fs::read_to_string(ready) {
            return serde_json::from_str(&text)
                .with_context(|| format!("{}: not what peers.py writes", ready.display()));
        }
        if t.elapsed() > Duration::from_secs(60) {
            bail!("the loopback peers were not ready after 60 s:\n{}", tail(log, 20));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The directory to put on `PYTHONPATH`, installing the packages into the cache if needed.
fn provision() -> Result<PathBuf> {
    let version = python_version()?;
    let cache = cache_dir();
    let install = cache.join(format!("peers-python{version}-r{RECIPE}"));
    if install.join(".complete").exists() {
        return Ok(install.join("site"));
    }
    fs::create_dir_all(&cache).with_context(|| format!("cannot create the cache {}", cache.display()))?;
    clean_stale_temps(&cache);
    let tmp = tempfile::Builder::new().prefix(".installing-").tempdir_in(&cache)?;
    eprintln!(
        "installing the loopback peers' Python packages into {} (once)",
        install.display()
    );
    let log = tmp.path().join("pip.log");
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--target",
        ])
        .arg(tmp.path().join("site"))
        .args(PACKAGES)
        .stdout(Stdio::from(fs::File::create(&log)?))
        .stderr(Stdio::from(fs::File::options().append(true).open(&log)?))
        .status()
        .context("cannot run `python3 -m pip`")?;
    if !status.success() {
        bail!(
            "pip could not install {} ({status}):\n{}",
            PACKAGES.join(" "),
            tail(&log, 20)
        );
    }
    fs::write(tmp.path().join(".complete"), PACKAGES.join("\n"))?;
    let tmp = tmp.keep();
    if fs::rename(&tmp, &install).is_err() {
        // Another run finished first: use its install.
        let _ = fs::remove_dir_all(&tmp);
        if !install.join(".complete").exists() {
            bail!("cannot move the peers' packages into {}", install.display());
        }
    }
    Ok(install.join("site"))
}

/// `3.11` for the `python3` on PATH.
fn python_version() -> Result<String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .map_err(|e| anyhow!("`python3` is needed for the licensed instance's loopback peers: {e}"))?;
    if !out.status.success() {
        bail!("`python3` does not run: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
