//! Credentials: the type schema, create, read, list, update, test, transfer, delete.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn credentials_crud() {
    let client = client();
    let schema = client
        .get_credential_type()
        .credential_type_name("httpBasicAuth")
        .send()
        .await
        .unwrap();
    let properties = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .expect("a JSON schema");
    assert!(
        properties.contains_key("user") && properties.contains_key("password"),
        "{schema:?}"
    );
    proved("getCredentialType", "the httpBasicAuth schema lists user and password");

    let name = unique("cred");
    let created = client
        .create_credential()
        .body(
            types::CreateCredentialBody::builder()
                .name(&name)
                .type_("httpBasicAuth")
                .data(json!({ "user": "u", "password": "p" })),
        )
        .send()
        .await
        .unwrap();
    let got = client.get_credential().credential_id(&created.id).send().await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.type_.as_str()),
        (name.as_str(), "httpBasicAuth")
    );
    proved("createCredential", "the credential reads back with its name and type");
    proved("getCredential", "returns the credential just created");

    let list = client.get_credentials().limit(250).collect_all().await.unwrap();
    assert!(list.iter().any(|c| c.id == created.id));
    proved("getCredentials", "lists the credential just created");

    let updated = client
        .update_credential()
        .credential_id(&created.id)
        .body(
            types::UpdateCredentialBody::builder()
                .name(format!("{name}-2"))
                .data(json!({ "user": "u2", "password": "p2" })),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, format!("{name}-2"));
    let reread = client.get_credential().credential_id(&created.id).send().await.unwrap();
    assert_eq!(reread.name, format!("{name}-2"));
    proved("updateCredential", "the new name reads back");

    let project = create_project(&client, &unique("proj-cred")).await;
    client
        .transfer_credential()
        .credential_id(&created.id)
        .body(types::TransferCredentialBody::builder().destination_project_id(&project))
        .send()
        .await
        .unwrap();
    let listed = client.get_credentials().limit(250).collect_all().await.unwrap();
    let moved = listed.iter().find(|c| c.id == created.id).expect("still listed");
    assert!(
        moved.shared.iter().flatten().any(|s| s.id == project),
        "{:?}",
        moved.shared
    );
    proved(
        "transferCredential",
        "the credential is now shared with (owned by) the team project",
    );

    let deleted = client
        .delete_credential()
        .credential_id(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.id, created.id);
    let gone = client
        .get_credential()
        .credential_id(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteCredential", "the credential is gone (404 afterwards)");
    remove_project(&client, &project).await;
}

/// An `n8nApi` credential pointing at this very instance: n8n's own connection test succeeds.
#[tokio::test]
async fn credential_test_against_the_instance_itself() {
    let client = client();
    let inst = licensed();
    let create = |key: String| {
        client
            .create_credential()
            .body(
                types::CreateCredentialBody::builder()
                    .name(unique("cred-n8n"))
                    .type_("n8nApi")
                    .data(json!({ "apiKey": key, "baseUrl": format!("{}/api/v1", inst.url) })),
            )
            .send()
    };
    let good = create(inst.api_key.clone()).await.unwrap();
    let ok = client.test_credential().credential_id(&good.id).send().await.unwrap();
    assert_eq!(ok.status, types::CredentialTestResponseStatus::Ok, "{}", ok.message);
    let bad = create("n8n_api_wrong".into()).await.unwrap();
    let refused = client.test_credential().credential_id(&bad.id).send().await.unwrap();
    assert_eq!(refused.status, types::CredentialTestResponseStatus::Error);
    proved(
        "testCredential",
        "OK with the instance's own key, Error with a wrong one",
    );
    for id in [&good.id, &bad.id] {
        client.delete_credential().credential_id(id).send().await.unwrap();
    }
}
