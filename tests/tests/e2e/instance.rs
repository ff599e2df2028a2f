//! Instance-wide reads: the security audit (with findings and without), API discovery (its three
//! modes) and the insights summary.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn security_audit() {
    let client = client();
    // An unused credential is a finding of the credentials report.
    let credential = client
        .create_credential()
        .body(
            types::CreateCredentialBody::builder()
                .name(unique("cred-audit"))
                .type_("httpBasicAuth")
                .data(json!({ "user": "u", "password": "p" })),
        )
        .send()
        .await
        .unwrap();
    let audit =
        |category: types::GenerateAuditBodyAdditionalOptionsCategoriesItem| {
            client
                .generate_audit()
                .body(types::GenerateAuditBody::builder().additional_options(
                    types::GenerateAuditBodyAdditionalOptions::builder().categories(vec![category]),
                ))
                .send()
        };
    let found = audit(types::GenerateAuditBodyAdditionalOptionsCategoriesItem::Credentials)
        .await
        .unwrap();
    let types::GenerateAuditResponse::Audit(report) = found else {
        panic!("a report expected")
    };
    assert!(
        report
            .credentials_risk_report
            .as_ref()
            .is_some_and(|r| r.contains_key("sections")),
        "{report:?}"
    );
    let nothing = audit(types::GenerateAuditBodyAdditionalOptionsCategoriesItem::Filesystem)
        .await
        .unwrap();
    assert!(matches!(nothing, types::GenerateAuditResponse::Empty(v) if v.is_empty()));
    proved(
        "generateAudit",
        "the credentials report lists the unused credential's section; no filesystem risk is []",
    );
    client
        .delete_credential()
        .credential_id(&credential.id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn discover_modes() {
    let client = client();
    let all = client
        .get_discover()
        .send()
        .await
        .unwrap()
        .data
        .expect("discovery data");
    let resources = all.resources.as_ref().expect("the resources");
    assert!(resources.len() > 10 && all.scopes.as_ref().is_some_and(|s| !s.is_empty()));
    let tags = resources.get("tags").expect("the tags resource");
    assert!(
        tags.endpoints.iter().flatten().all(|e| e.request_schema.is_none()),
        "no schemas unless asked for"
    );
    let one = client
        .get_discover()
        .resource("tags")
        .operation("create")
        .include(types::GetDiscoverInclude::Schemas)
        .send()
        .await
        .unwrap()
        .data
        .expect("discovery data");
    let resources = one.resources.as_ref().expect("the resources");
    assert_eq!(resources.keys().collect::<Vec<_>>(), ["tags"]);
    let create = &resources["tags"].endpoints;
    assert!(
        create
            .iter()
            .flatten()
            .any(|e| e.operation_id.as_deref() == Some("createTag")
                && e.request_schema.as_ref().is_some_and(|s| !s.is_empty())),
        "{create:?}"
    );
    proved(
        "getDiscover",
        "all resources without schemas; filtered to tags/create with its request schema",
    );
}

#[tokio::test]
async fn insights_summary() {
    let client = client();
    let project = personal_project(&client).await;
    let end = chrono::Utc::now();
    let start = end - chrono::Duration::days(30);
    let summary = client
        .get_insights_summary()
        .start_date(start)
        .end_date(end)
        .project_id(&project)
        .send()
        .await
        .unwrap();
    assert!(summary.total.value >= 0.0 && summary.failure_rate.value >= 0.0);
    let all = client.get_insights_summary().send().await.unwrap();
    assert!(
        all.total.value >= summary.total.value,
        "the whole instance counts at least one project's runs"
    );
    proved(
        "getInsightsSummary",
        "30 days of the owner's project (beyond the 7-day default quota) and the whole instance",
    );
}

#[tokio::test]
async fn a_wrong_api_key_is_a_typed_401_that_never_shows_the_key() {
    let inst = licensed();
    let key = "n8n_api_wrong_key_0123456789";
    let client = Client::new(&inst.url, key).unwrap();
    let e = client.get_workflows().send().await.unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
    assert_eq!(e.operation(), "getWorkflows");
    assert!(
        matches!(e.body(), Some(n8n_api::ErrorBody::Error(b)) if !b.message.is_empty()),
        "{e:?}"
    );
    assert!(!format!("{e}").contains(key));
    assert!(!format!("{e:?}").contains(key));
    assert!(!format!("{client:?}").contains(key));
}
