//! The running n8n the end-to-end suite talks to, as `cargo xtask n8n start` writes it to
//! `target/n8n/instance.json` (mode 0600: it holds the API key and the owner's password) and the
//! suite reads it. One type for both sides.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A running instance.
#[derive(Clone, Serialize, Deserialize)]
pub struct Instance {
    pub url: String,
    pub api_key: String,
    pub pid: i32,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    pub n8n_version: String,
    /// Started in licensed test mode (`--licensed`).
    #[serde(default)]
    pub licensed: bool,
    /// The owner's login, for the few things only n8n's internal REST API does (the end-to-end
    /// suite connects source control and creates execution annotation tags with it).
    #[serde(default)]
    pub owner_email: String,
    #[serde(default)]
    pub owner_password: String,
    /// The loopback peers' process group (licensed mode).
    #[serde(default)]
    pub peers_pid: Option<i32>,
    /// The loopback peers' addresses (licensed mode).
    #[serde(default)]
    pub peers: Option<Peers>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .field("pid", &self.pid)
            .field("licensed", &self.licensed)
            .finish_non_exhaustive()
    }
}

/// The loopback peers of a licensed instance (`xtask/peers/peers.py`).
#[derive(Clone, Serialize, Deserialize)]
pub struct Peers {
    pub ldap: Ldap,
    pub oidc_discovery_url: String,
    pub git_http_url: String,
    pub git_root: PathBuf,
    pub ca_cert: PathBuf,
}

/// The loopback LDAP directory: one user, `user_email`.
#[derive(Clone, Serialize, Deserialize)]
pub struct Ldap {
    pub host: String,
    pub port: u16,
    pub base_dn: String,
    pub admin_dn: String,
    pub admin_password: String,
    pub user_email: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_key_and_passwords_never_show() {
        let inst: super::Instance = serde_json::from_value(serde_json::json!({
            "url": "http://127.0.0.1:1", "api_key": "secret-key", "pid": 1, "data_dir": "/d", "log": "/l",
            "n8n_version": "2.40.7", "owner_password": "Pw1-secret"
        }))
        .unwrap();
        let shown = format!("{inst:?}");
        assert!(
            !shown.contains("secret-key") && !shown.contains("Pw1-secret"),
            "{shown}"
        );
    }
}
