//! Licensed test mode (`cargo xtask n8n start --licensed`, and the end-to-end step of
//! `cargo xtask test`): n8n's own E2E test mode, so that the licensed half of the public API
//! (projects, variables, folders, source control, SSO, LDAP, log streaming, roles, promotions,
//! node type policies, ...) can be called without a license.
//!
//! What it does, on the loopback instance only:
//! - `E2E_TESTS=true`: n8n mounts its test controller under `/rest/e2e` (no authentication).
//!   That controller replaces the license checks by flags and quotas set with
//!   `PATCH /rest/e2e/feature {"feature", "enabled"}` and `PATCH /rest/e2e/quota {"feature",
//!   "value"}`. They live in memory: [`enable`] sets them after every start, before the API key is
//!   created. (The controller can also wipe the database: another reason it never leaves
//!   127.0.0.1.)
//! - `N8N_ENABLED_MODULES`: the public API's promotions and node-type-policy endpoints live in
//!   backend modules n8n does not load by default.
//! - A preload (`license-preload.js`, written into `target/n8n/`, loaded through `NODE_OPTIONS`):
//!   n8n initialises licensed modules while it boots, before the E2E controller exists, and skips
//!   the unlicensed ones for good. The preload licenses the three features those modules need
//!   ([`BOOT_FEATURES`]) during boot only; once the E2E controller is up, its flags decide. Without
//!   it 27 operations (source control, promotions, node type policies) cannot work at all.
//! - `NODE_EXTRA_CA_CERTS`: the CA of the loopback peers (see `peers.rs`), so n8n accepts the
//!   HTTPS OIDC discovery document it must fetch; the CAs already configured are kept.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Every license feature the public API can depend on. Left out: `feat:apiDisabled` (switches the
/// public API off), `feat:showNonProdBanner`, the storage backends (`feat:binaryData*`,
/// `feat:executionData*`), `feat:multipleMainInstances`, `feat:workerPools` and the AI features
/// (no public API operation uses them).
pub const FEATURES: &[&str] = &[
    "feat:sharing",
    "feat:ldap",
    "feat:nodeTypePolicies",
    "feat:saml",
    "feat:oidc",
    "feat:mfaEnforcement",
    "feat:logStreaming",
    "feat:advancedExecutionFilters",
    "feat:variables",
    "feat:sourceControl",
    "feat:gitConnections",
    "feat:externalSecrets",
    "feat:debugInEditor",
    "feat:workerView",
    "feat:advancedPermissions",
    "feat:projectRole:admin",
    "feat:projectRole:editor",
    "feat:projectRole:viewer",
    "feat:communityNodes:customRegistry",
    "feat:folders",
    "feat:insights:viewSummary",
    "feat:insights:viewDashboard",
    "feat:insights:viewHourlyData",
    "feat:apiKeyScopes",
    "feat:workflowDiffs",
    "feat:namedVersions",
    "feat:customRoles",
    "feat:dynamicCredentials",
    "feat:personalSpacePolicy",
    "feat:tokenExchange",
    "feat:dataRedaction",
    "feat:otel:customSpanAttributes",
    "feat:workflowReviews",
];

/// Quotas whose E2E-mode defaults are too small: team projects (0: none can be created), insights
/// history (7 days) and workflows with evaluations (1). `-1` is unlimited.
pub const QUOTAS: &[(&str, i64)] = &[
    ("quota:maxTeamProjects", -1),
    ("quota:insights:maxHistoryDays", -1),
    ("quota:evaluations:maxWorkflows", -1),
];

/// Backend modules the public API needs that n8n does not load by default.
const MODULES: &str = "promotions,type-availability-policies";

/// Features whose modules must be licensed while n8n boots (source control, promotions, node type
/// policies): read by the preload.
const BOOT_FEATURES: &str = "feat:sourceControl,feat:gitConnections,feat:nodeTypePolicies";

const PRELOAD: &str = include_str!("license-preload.js");

/// Adds the test-mode environment to the n8n command. `ca` is the peers' CA certificate.
pub fn configure(cmd: &mut Command, state: &Path, ca: &Path) -> Result<()> {
    let preload = state.join("license-preload.js");
    fs::write(&preload, PRELOAD).with_context(|| format!("cannot write {}", preload.display()))?;
    let mut node_options = std::env::var("NODE_OPTIONS").unwrap_or_default();
    if !node_options.is_empty() {
        node_options.push(' ');
    }
    node_options.push_str(&format!("--require={}", preload.display()));
    cmd.env("E2E_TESTS", "true")
        .env("N8N_ENABLED_MODULES", MODULES)
        .env("N8N_TEST_BOOT_FEATURES", BOOT_FEATURES)
        .env("NODE_OPTIONS", node_options)
        .env("NODE_EXTRA_CA_CERTS", ca_bundle(state, ca)?);
    Ok(())
}

/// The CAs node already trusts through `NODE_EXTRA_CA_CERTS` (if any) plus the peers' CA.
fn ca_bundle(state: &Path, ca: &Path) -> Result<PathBuf> {
    let mut pem = std::env::var_os("NODE_EXTRA_CA_CERTS")
        .and_then(|p| fs::read_to_string(p).ok())
        .unwrap_or_default();
    if !pem.is_empty() && !pem.ends_with('\n') {
        pem.push('\n');
    }
    pem.push_str(&fs::read_to_string(ca).with_context(|| format!("cannot read {}", ca.display()))?);
    let bundle = state.join("ca-bundle.pem");
    fs::write(&bundle, pem)?;
    Ok(bundle)
}

/// Switches every feature of [`FEATURES`] on and sets [`QUOTAS`], through the E2E controller.
pub fn enable(url: &str) -> Result<()> {
    if !url.starts_with("http://127.0.0.1:") {
        bail!("refusing to switch license features on {url}: test mode is for 127.0.0.1 only");
    }
    let client = super::http();
    let patch = |path: &str, body: serde_json::Value| -> Result<()> {
        let r = client.patch(format!("{url}/rest/e2e/{path}")).json(&body).send()?;
        if !r.status().is_success() {
            bail!(
                "PATCH /rest/e2e/{path} {body} answered {}: is E2E_TESTS set?",
                r.status()
            );
        }
        Ok(())
    };
    for feature in FEATURES {
        patch("feature", serde_json::json!({ "feature": feature, "enabled": true }))?;
    }
    for (quota, value) in QUOTAS {
        patch("quota", serde_json::json!({ "feature": quota, "value": value }))?;
    }
    Ok(())
}
