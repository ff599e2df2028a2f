//! Instance settings: LDAP (with a sync against the loopback directory), SAML, OIDC (with the
//! loopback HTTPS discovery document) and OpenTelemetry (with a loopback collector).
//! Login through LDAP or SSO stays off throughout: the owner keeps logging in with a password.
//!
//! LDAP, SAML and OIDC are configured one after the other: saving any of them also saves the
//! instance's authentication method, and two first saves at once race in n8n (one answers 500).

use n8n_api::prelude::*;
use n8n_api::types;

use crate::support::*;

/// LDAP, then SAML, then OIDC.
#[tokio::test]
async fn ldap_saml_and_oidc() {
    ldap_configuration_and_sync().await;
    saml_configuration().await;
    oidc_configuration().await;
}

async fn ldap_configuration_and_sync() {
    let client = client();
    let peer = licensed()
        .peers
        .expect("the licensed instance has its loopback peers")
        .ldap;
    let before = client.get_ldap_configuration().send().await.unwrap();
    assert!(!before.login_enabled);
    proved(
        "getLdapConfiguration",
        "the configuration reads, login off; it reads back what was written below",
    );

    let mut body = types::LdapConfigurationUpdate::from(&before);
    body.connection_url = peer.host.clone();
    body.connection_port = i64::from(peer.port);
    body.connection_security = types::LdapConfigurationUpdateConnectionSecurity::None;
    body.base_dn = peer.base_dn.clone();
    body.binding_admin_dn = peer.admin_dn.clone();
    body.binding_admin_password = peer.admin_password.clone();
    body.user_filter = "(objectClass=inetOrgPerson)".into();
    body.email_attribute = "mail".into();
    body.login_id_attribute = "uid".into();
    body.ldap_id_attribute = "uid".into();
    body.first_name_attribute = "givenName".into();
    body.last_name_attribute = "sn".into();
    body.login_enabled = false;
    let written = client.update_ldap_configuration().body(body).send().await.unwrap();
    assert_eq!(written.connection_port, i64::from(peer.port));
    let read = client.get_ldap_configuration().send().await.unwrap();
    assert_eq!(
        (read.base_dn.as_str(), read.connection_port),
        (peer.base_dn.as_str(), i64::from(peer.port))
    );
    // (no assert_ne!: a failure would print the password)
    assert!(
        read.binding_admin_password != peer.admin_password,
        "the password is never read back"
    );
    proved(
        "updateLdapConfiguration",
        "the directory's address and base DN read back (the password redacted)",
    );

    let dry = client
        .run_ldap_sync()
        .body(types::LdapSyncUpdate::builder().type_(types::LdapSyncUpdateType::Dry))
        .send()
        .await
        .unwrap();
    assert_eq!((dry.status.as_str(), dry.scanned), ("success", 1), "{}", dry.error);
    let live = client
        .run_ldap_sync()
        .body(types::LdapSyncUpdate::builder().type_(types::LdapSyncUpdateType::Live))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status, "success", "{}", live.error);
    let user = client.get_user().user_id(&peer.user_email).send().await.unwrap();
    assert_eq!(user.email, peer.user_email);
    proved(
        "runLdapSync",
        "a dry run scans the directory's one user; a live run creates it in n8n",
    );

    let history = client.get_ldap_sync().limit(2).send().await.unwrap();
    let runs: Vec<String> = history.data.iter().map(|h| h.id.clone()).collect();
    assert!(runs.contains(&dry.id) && runs.contains(&live.id), "{runs:?}");
    proved("getLdapSync", "lists the two runs just made");

    client.delete_user().user_id(&user.id).send().await.unwrap();
    client
        .update_ldap_configuration()
        .body(types::LdapConfigurationUpdate::from(&before))
        .send()
        .await
        .unwrap();
}

/// SAML needs no identity provider to be configured: its metadata is written here.
async fn saml_configuration() {
    let client = client();
    let before = client.get_saml_configuration().send().await.unwrap();
    assert!(!before.login_enabled);
    proved(
        "getSamlConfiguration",
        "reads, login off; it reads back what was written below",
    );
    let mut body = types::SamlConfigurationUpdate::from(&before);
    body.entity_id = None;
    body.return_url = None;
    body.metadata = idp_metadata();
    body.metadata_url = String::new();
    body.login_enabled = false;
    body.login_label = "n8n-api e2e".into();
    let written = client.update_saml_configuration().body(body).send().await.unwrap();
    assert_eq!(written.login_label, "n8n-api e2e");
    let read = client.get_saml_configuration().send().await.unwrap();
    assert_eq!(read.login_label, "n8n-api e2e");
    assert!(!read.metadata.is_empty(), "metadata is stored");
    proved(
        "updateSamlConfiguration",
        "the label and the identity provider's metadata read back",
    );
}

/// Identity-provider metadata with a throwaway certificate (SAML only parses it here).
fn idp_metadata() -> String {
    const CERT: &str = "MIIBszCCAVmgAwIBAgIUYzrTDPB8y8bqHyHdkfuHKhdrBl0wCgYIKoZIzj0EAwIwLzEtMCsGA1UEAwwkbjhuLWFwaSBlMmUgaWRlbnRpdHkgcHJvdmlkZXIgKHRlc3QpMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowLzEtMCsGA1UEAwwkbjhuLWFwaSBlMmUgaWRlbnRpdHkgcHJvdmlkZXIgKHRlc3QpMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE";
    format!(
        r#"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/e2e"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{CERT}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/e2e/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    )
}

/// n8n fetches the OIDC discovery document (over HTTPS only) when the configuration is saved:
/// here from the loopback provider, whose CA the licensed instance trusts.
async fn oidc_configuration() {
    let client = client();
    let discovery = licensed()
        .peers
        .expect("the licensed instance has its loopback peers")
        .oidc_discovery_url;
    let before = client.get_oidc_configuration().send().await.unwrap();
    assert!(!before.login_enabled);
    proved(
        "getOidcConfiguration",
        "reads, login off; it reads back what was written below",
    );
    let mut body = types::OidcConfigurationUpdate::from(&before);
    body.client_id = "n8n-api-e2e".into();
    body.client_secret = "e2e-client-secret".into();
    body.discovery_endpoint = discovery.clone();
    body.login_enabled = false;
    let written = client.set_oidc_configuration().body(body).send().await.unwrap();
    assert_eq!(written.discovery_endpoint, discovery);
    let read = client.get_oidc_configuration().send().await.unwrap();
    assert_eq!(
        (read.client_id.as_str(), read.discovery_endpoint.as_str()),
        ("n8n-api-e2e", discovery.as_str())
    );
    assert!(
        read.client_secret != "e2e-client-secret",
        "the secret is never read back"
    );
    proved(
        "setOidcConfiguration",
        "the client id and discovery endpoint read back (the secret redacted)",
    );
}

#[tokio::test]
async fn otel_settings_and_test_trace() {
    let client = client();
    let before = client.get_otel_settings().send().await.unwrap();
    assert!(!before.enabled);
    let mut body = before.clone();
    body.exporter_service_name = "n8n-api-e2e".into();
    let written = client.update_otel_settings().body(body).send().await.unwrap();
    assert_eq!(written.exporter_service_name, "n8n-api-e2e");
    assert_eq!(
        client.get_otel_settings().send().await.unwrap().exporter_service_name,
        "n8n-api-e2e"
    );
    proved(
        "getOtelSettings",
        "reads, disabled; reads back the service name written",
    );
    proved("updateOtelSettings", "the new service name reads back");
    client.update_otel_settings().body(before).send().await.unwrap();

    let collector = Sink::start().await;
    let trace = |endpoint: String| {
        client
            .test_otel_trace()
            .body(
                types::OtelTestTrace::builder()
                    .exporter_endpoint(endpoint)
                    .exporter_tracing_path("/v1/traces")
                    .exporter_service_name("n8n-api-e2e")
                    .exporter_headers("")
                    .startup_connectivity_timeout_ms(2000u64),
            )
            .send()
    };
    let ok = trace(collector.url.clone()).await.unwrap();
    assert!(ok.success, "{:?}", ok.error);
    assert!(
        collector.received("POST /v1/traces").await,
        "the collector received the trace"
    );
    let refused = trace("http://127.0.0.1:1".into()).await.unwrap();
    assert!(!refused.success && refused.error.is_some());
    proved(
        "testOtelTrace",
        "the loopback collector received the trace; a closed port reports the error",
    );
}
