//! n8n packages (export to a file, import with each conflict policy) and community node packages
//! (installed from the npm registry by n8n itself).

use n8n_api::prelude::*;
use n8n_api::{ErrorBody, types};
use n8n_api_tests::unique;

use crate::support::*;

/// A small community package without dependencies.
const COMMUNITY_PACKAGE: &str = "n8n-nodes-datastore";
const COMMUNITY_VERSION: &str = "0.1.18";

#[tokio::test]
async fn community_packages() {
    let client = client();
    let installed = client
        .install_package()
        .body(
            types::InstallCommunityPackageRequest::builder()
                .name(COMMUNITY_PACKAGE)
                .version(COMMUNITY_VERSION)
                .verify(false),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(installed.installed_version.as_deref(), Some(COMMUNITY_VERSION));
    assert!(installed.installed_nodes.as_ref().is_some_and(|n| !n.is_empty()));
    let listed = client.get_installed_packages().send().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|p| p.package_name.as_deref() == Some(COMMUNITY_PACKAGE))
    );
    proved(
        "installPackage",
        "the package is listed at the version asked for, with its nodes",
    );
    proved("getInstalledPackages", "lists the package just installed");

    let updated = client
        .update_package()
        .name(COMMUNITY_PACKAGE)
        .body(
            types::UpdatePackageBody::builder()
                .version(COMMUNITY_VERSION)
                .verify(false),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.package_name.as_deref(), Some(COMMUNITY_PACKAGE));
    assert_eq!(updated.installed_version.as_deref(), Some(COMMUNITY_VERSION));
    proved("updatePackage", "re-installed at the version asked for");

    client.uninstall_package().name(COMMUNITY_PACKAGE).send().await.unwrap();
    let listed = client.get_installed_packages().send().await.unwrap();
    assert!(
        !listed
            .iter()
            .any(|p| p.package_name.as_deref() == Some(COMMUNITY_PACKAGE))
    );
    proved("uninstallPackage", "the package is no longer listed");
}

#[tokio::test]
async fn packages_export_and_import() {
    let client = client();
    let a = create_workflow(&client, &unique("wf-pkg-a")).await;
    let b = create_workflow(&client, &unique("wf-pkg-b")).await;
    let dir = tempfile::tempdir().unwrap();

    // Export one, then both.
    let one = dir.path().join("one.n8np");
    let export = client
        .export_package()
        .body(export_request(&[&a]))
        .send_with_response()
        .await
        .unwrap();
    let saved = n8n_api::packages::save(export, &one).await.unwrap();
    assert_eq!(saved.counts.as_ref().map(|c| c.workflows), Some(1));
    assert_eq!(workflow_ids_in(&one), std::slice::from_ref(&a));
    let both = dir.path().join("both.n8np");
    let export = client
        .export_package()
        .body(export_request(&[&a, &b]))
        .send_with_response()
        .await
        .unwrap();
    n8n_api::packages::save(export, &both).await.unwrap();
    let mut ids = workflow_ids_in(&both);
    ids.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids, want);
    proved(
        "exportPackage",
        "the saved packages' manifests list exactly the workflows asked for",
    );

    // fail: 409 with a typed workflow-conflict issue.
    let e = client
        .import_package()
        .package(n8n_api::multipart::FilePart::path(&one))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(409), "{e}");
    match e.body() {
        Some(ErrorBody::ImportPackageConflict(c)) => assert!(
            c.issues.iter().any(|i| matches!(i, types::ImportBlockingIssue::WorkflowConflict { existing_workflow_id, .. } if *existing_workflow_id == a)),
            "{c:?}"
        ),
        other => panic!("expected a typed 409 body, got {other:?}"),
    }

    // new-version: updated in place; skip: skipped.
    for (policy, status) in [
        (
            types::ImportPackageWorkflowConflictPolicy::NewVersion,
            types::ImportPackageResponseWorkflowsItemStatus::Updated,
        ),
        (
            types::ImportPackageWorkflowConflictPolicy::Skip,
            types::ImportPackageResponseWorkflowsItemStatus::Skipped,
        ),
    ] {
        let r = client
            .import_package()
            .package(n8n_api::multipart::FilePart::path(&one))
            .workflow_conflict_policy(policy)
            .send()
            .await
            .unwrap();
        assert_eq!(r.workflows.len(), 1);
        assert_eq!(r.workflows[0].status, status);
        assert_eq!(r.workflows[0].local_id, a);
    }

    // source id policy after deleting the original: created again under the same id.
    remove_workflow(&client, &a).await;
    let r = client
        .import_package()
        .package(n8n_api::multipart::FilePart::path(&one))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .workflow_id_policy(types::ImportPackageWorkflowIdPolicy::Source)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.workflows[0].status,
        types::ImportPackageResponseWorkflowsItemStatus::Created
    );
    assert_eq!(r.workflows[0].local_id, a);
    assert_eq!(client.get_workflow().workflow_id(&a).send().await.unwrap().id, a);
    proved(
        "importPackage",
        "updated in place, skipped, and re-created under its id (read back): per policy",
    );

    // Junk bytes: 400 with n8n's message (sent anyway, on request).
    let e = client
        .import_package()
        .package(n8n_api::multipart::FilePart::bytes(b"this is not a package".to_vec()).allow_non_gzip())
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400), "{e}");
    assert!(e.message().is_some(), "{e}");

    for id in [a, b] {
        remove_workflow(&client, &id).await;
    }
}
fn export_request(ids: &[&str]) -> types::builder::ExportPackageRequestBuilder {
    types::ExportPackageRequest::builder().workflow_ids(ids.iter().map(|id| id.to_string()).collect::<Vec<_>>())
}
/// Workflow ids listed in a package's manifest.json.
fn workflow_ids_in(path: &std::path::Path) -> Vec<String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()));
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_string_lossy().trim_start_matches("./") == "manifest.json" {
            let manifest: serde_json::Value = serde_json::from_reader(&mut entry).unwrap();
            let workflows = manifest["workflows"]
                .as_array()
                .unwrap_or_else(|| panic!("no workflows in {manifest}"));
            return workflows
                .iter()
                .map(|w| w["id"].as_str().unwrap().to_string())
                .collect();
        }
    }
    panic!("no manifest.json in {}", path.display())
}

/// What a read-modify-write reads, it writes back: a node stored with `"parameters": {}` (as the
/// editor stores nodes without settings) keeps the key through `UpdateWorkflowBody::from` and a
/// rename, and the workflow still exports (n8n answers 500 to the export of a node without it).
#[tokio::test]
async fn renamed_workflow_keeps_empty_parameters_and_exports() {
    let client = client();
    let mut noop = node(1, "Nothing", "n8n-nodes-base.noOp", 1.0, serde_json::json!({}));
    noop.credentials = Some(serde_json::Map::new());
    let created = client
        .create_workflow()
        .body(
            types::CreateWorkflowBody::builder()
                .name(unique("wf-empty-params"))
                .nodes(vec![noop])
                .settings(types::WorkflowBodySettings::builder().execution_order("v1")),
        )
        .send()
        .await
        .unwrap();
    let read = client.get_workflow().workflow_id(&created.id).send().await.unwrap();
    let mut body = types::UpdateWorkflowBody::from(&read);
    body.name = format!("{} (renamed)", read.name);
    let sent = serde_json::to_value(&body).unwrap();
    assert_eq!(sent["nodes"][0]["parameters"], serde_json::json!({}), "{sent}");
    assert_eq!(sent["nodes"][0]["credentials"], serde_json::json!({}), "{sent}");
    for server_owned in [
        "id",
        "active",
        "versionId",
        "createdAt",
        "updatedAt",
        "isArchived",
        "tags",
    ] {
        assert!(sent.get(server_owned).is_none(), "{server_owned} sent: {sent}");
    }
    client
        .update_workflow()
        .workflow_id(&created.id)
        .body(body)
        .send()
        .await
        .unwrap();
    // The stored node, as the server has it (raw: the typed node reads an absent map as empty).
    let inst = licensed();
    let stored: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/workflows/{}",
            inst.url.trim_end_matches('/'),
            created.id
        ))
        .header("X-N8N-API-KEY", &inst.api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(stored["name"].as_str().unwrap().ends_with("(renamed)"));
    assert_eq!(stored["nodes"][0]["parameters"], serde_json::json!({}), "{stored}");
    assert_eq!(stored["nodes"][0]["credentials"], serde_json::json!({}), "{stored}");
    let export = client
        .export_package()
        .body(export_request(&[&created.id]))
        .send_with_response()
        .await
        .expect("the renamed workflow still exports");
    let dir = tempfile::tempdir().unwrap();
    let saved = n8n_api::packages::save(export, dir.path().join("renamed.n8np"))
        .await
        .unwrap();
    assert_eq!(saved.counts.map(|c| c.workflows), Some(1));
    proved(
        "updateWorkflow",
        "a rename through UpdateWorkflowBody::from keeps a node's empty parameters and credentials; the workflow still exports",
    );
    remove_workflow(&client, &created.id).await;
}
