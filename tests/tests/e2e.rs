//! End-to-end: the client against a real n8n 2.40.7 on loopback, through the public client only
//! (the webhook trigger aside, which is plain HTTP by nature). Every response goes through the
//! generated types; where n8n disagrees with its own spec, the fix is a spec patch in codegen.
//!
//! Run with `cargo xtask test` (starts and stops n8n), or `cargo xtask n8n start` then
//! `cargo test -p n8n-api-tests --features e2e --test e2e`.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::{ErrorBody, ErrorKind, types};
use n8n_api_tests::{instance, unique};
use serde_json::json;

fn client() -> Client {
    let inst = instance();
    Client::new(&inst.url, &inst.api_key).expect("a client for the test instance")
}

/// A workflow with a webhook trigger (POST /webhook/<path>) and a Set node. (A node without
/// parameters, such as a NoOp, makes n8n 2.40's package export fail with a 500.)
fn workflow_body(name: &str, hook: &str) -> types::builder::CreateWorkflowBody {
    let webhook: types::Node = types::Node::builder()
        .id("7f6a4b0e-0000-4000-8000-000000000001")
        .name("Webhook")
        .type_("n8n-nodes-base.webhook")
        .type_version(2.0)
        .position(vec![0.0, 0.0])
        .webhook_id(uuid_like(hook))
        .parameters(json!({ "path": hook, "httpMethod": "POST", "responseMode": "onReceived" }))
        .try_into()
        .unwrap();
    let set: types::Node = types::Node::builder()
        .id("7f6a4b0e-0000-4000-8000-000000000002")
        .name("Set")
        .type_("n8n-nodes-base.set")
        .type_version(3.4)
        .position(vec![220.0, 0.0])
        .parameters(json!({ "assignments": { "assignments": [
            { "id": "a1", "name": "hello", "value": "world", "type": "string" }
        ] } }))
        .try_into()
        .unwrap();
    types::CreateWorkflowBody::builder()
        .name(name)
        .nodes(vec![webhook, set])
        .connections(json!({ "Webhook": { "main": [[{ "node": "Set", "type": "main", "index": 0 }]] } }))
        .settings(types::WorkflowBodySettings::builder().execution_order("v1"))
}

fn uuid_like(seed: &str) -> String {
    let h = seed.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h >> 20) & 0xfff,
        h & 0xffffffffffff
    )
}

async fn create_workflow(client: &Client, name: &str) -> String {
    let hook = unique("hook");
    let created = client
        .create_workflow()
        .body(workflow_body(name, &hook))
        .send()
        .await
        .expect("create workflow");
    created.id.clone()
}

/// Archives and deletes a workflow. Right after unpublishing, n8n answers 409 ("still being
/// unpublished") for a moment: retried for up to 10 s.
async fn remove_workflow(client: &Client, id: &str) {
    let archived = client
        .get_workflow()
        .workflow_id(id)
        .send()
        .await
        .map(|w| w.is_archived)
        .unwrap_or(false);
    if !archived {
        client.archive_workflow().workflow_id(id).send().await.unwrap();
    }
    for _ in 0..50 {
        match client.delete_workflow().workflow_id(id).send().await {
            Ok(_) => return,
            Err(e) if e.status().map(|s| s.as_u16()) == Some(409) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => panic!("delete workflow {id}: {e}"),
        }
    }
    panic!("workflow {id} stayed undeletable (409) for 10 s");
}

#[tokio::test]
async fn workflow_lifecycle() {
    let client = client();
    let name = unique("wf-life");
    let id = create_workflow(&client, &name).await;

    let got = client.get_workflow().workflow_id(&id).send().await.unwrap();
    assert_eq!(got.name, name);
    assert_eq!(got.nodes.len(), 2);
    assert!(!got.active);

    // Update: rename, keep the graph (read-modify-write, no JSON).
    let mut body = types::UpdateWorkflowBody::from(&*got);
    body.name = format!("{name}-renamed");
    let updated = client
        .update_workflow()
        .workflow_id(&id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, format!("{name}-renamed"));

    // Tags on the workflow.
    let tag = client.create_tag().body(tag_body(&unique("tag"))).send().await.unwrap();
    let tag_id = tag.id.clone();
    let tags = client
        .update_workflow_tags()
        .workflow_id(&id)
        .body(vec![types::UpdateTagsBodyItem::from(&*tag)])
        .send()
        .await
        .unwrap();
    assert_eq!(tags.iter().map(|t| t.id.clone()).collect::<Vec<_>>(), [tag_id.clone()]);
    let tags = client.get_workflow_tags().workflow_id(&id).send().await.unwrap();
    assert_eq!(tags.len(), 1);
    let by_tag = client.get_workflows().tags(tag.name.clone()).send().await.unwrap();
    assert_eq!(
        by_tag.data.iter().map(|w| w.id.clone()).collect::<Vec<_>>(),
        [id.clone()]
    );

    // Activate and deactivate: deprecated, n8n 1.x's names for publish and unpublish.
    #[allow(deprecated)]
    let activated = client.activate_workflow().workflow_id(&id).send().await.unwrap();
    assert!(activated.active);
    let active = client
        .get_workflows()
        .active(true)
        .name(format!("{name}-renamed"))
        .send()
        .await
        .unwrap();
    assert_eq!(active.data.len(), 1);
    #[allow(deprecated)]
    let deactivated = client.deactivate_workflow().workflow_id(&id).send().await.unwrap();
    assert!(!deactivated.active);

    // Publish (the current version) and unpublish: the publish API of n8n 2.x.
    let published = client.publish_workflow().workflow_id(&id).send().await.unwrap();
    assert!(published.active, "publishing makes the workflow active");
    let unpublished = client.unpublish_workflow().workflow_id(&id).send().await.unwrap();
    assert!(!unpublished.active);

    // Transfer: an unlicensed instance has no second project the owner can reach, and moving a
    // workflow into its own project is refused with n8n's reason.
    let home = got
        .shared
        .first()
        .map(|s| s.project_id.clone())
        .expect("the workflow has an owning project");
    let e = client
        .transfer_workflow()
        .workflow_id(&id)
        .body(types::TransferWorkflowBody::builder().destination_project_id(home))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400), "{e}");
    assert!(e.message().unwrap_or_default().contains("same destination"), "{e}");

    // Archive and unarchive.
    let archived = client.archive_workflow().workflow_id(&id).send().await.unwrap();
    assert!(archived.is_archived);
    let unarchived = client.unarchive_workflow().workflow_id(&id).send().await.unwrap();
    assert!(!unarchived.is_archived);

    // Delete (n8n deletes archived workflows only), then it is gone.
    remove_workflow(&client, &id).await;
    let gone = client.get_workflow().workflow_id(&id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404), "{gone}");
    client.delete_tag().id(&tag_id).send().await.unwrap();
}

#[tokio::test]
async fn workflow_list_pages_and_filters() {
    let client = client();
    let prefix = unique("wf-page");
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(create_workflow(&client, &format!("{prefix}-{i}")).await);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut req = client.get_workflows().name(prefix.clone()).limit(2);
        if let Some(c) = &cursor {
            req = req.cursor(c.clone());
        }
        let page = req.send().await.unwrap().into_inner();
        pages += 1;
        assert!(page.data.len() <= 2);
        seen.extend(page.data.into_iter().map(|w| w.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert!(pages >= 3, "5 workflows at 2 a page take 3 pages, took {pages}");
    seen.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(seen, want);
    for id in ids {
        remove_workflow(&client, &id).await;
    }
}

/// More than 500 workflows, streamed page by page through the generated `stream()`.
#[tokio::test]
async fn pagination_streams_more_than_500_workflows() {
    use futures::StreamExt;
    let client = client();
    let prefix = unique("wf-many");
    let n = 510;
    let ids: Vec<String> = futures::stream::iter(0..n)
        .map(|i| {
            let client = &client;
            let prefix = &prefix;
            async move {
                let start: types::Node = types::Node::builder()
                    .id("n1")
                    .name("Start")
                    .type_("n8n-nodes-base.manualTrigger")
                    .type_version(1.0)
                    .position(vec![0.0, 0.0])
                    .parameters(json!({}))
                    .try_into()
                    .unwrap();
                let body = types::CreateWorkflowBody::builder()
                    .name(format!("{prefix}-{i:03}"))
                    .nodes(vec![start])
                    .connections(json!({}))
                    .settings(types::WorkflowBodySettings::builder());
                client.create_workflow().body(body).send().await.unwrap().id.clone()
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut pages = 0usize;
    let mut seen = Vec::new();
    let mut stream = client.get_workflows().name(prefix.clone()).limit(250).stream();
    while let Some(w) = stream.try_next().await.unwrap() {
        seen.push(w.id);
        pages = pages.max(seen.len().div_ceil(250));
    }
    assert_eq!(seen.len(), n, "every workflow streamed once");
    let unique_ids: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique_ids.len(), n);
    assert!(pages >= 3, "{n} workflows at 250 a page take 3 pages");
    let all = client
        .get_workflows()
        .name(prefix.clone())
        .limit(100)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), n);
    futures::stream::iter(ids)
        .for_each_concurrent(8, |id| {
            let client = &client;
            async move { remove_workflow(client, &id).await }
        })
        .await;
}

#[tokio::test]
async fn executions_from_a_webhook() {
    let client = client();
    let inst = instance();
    let name = unique("wf-exec");
    let hook = unique("hook");
    let created = client
        .create_workflow()
        .body(workflow_body(&name, &hook))
        .send()
        .await
        .unwrap();
    let id = created.id.clone();
    client.publish_workflow().workflow_id(&id).send().await.unwrap();

    // The trigger itself is plain HTTP; registration of the webhook lags activation slightly.
    let http = reqwest::Client::new();
    let mut started = false;
    for _ in 0..50 {
        let r = http
            .post(format!("{}/webhook/{hook}", inst.url))
            .json(&json!({ "n": 1 }))
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(started, "the webhook never answered");

    let mut execution = None;
    for _ in 0..50 {
        let list = client
            .get_executions()
            .workflow_id(&id)
            .send()
            .await
            .unwrap()
            .into_inner();
        let done = |e: &types::Execution| e.stopped_at.is_some() && e.status == types::ExecutionStatus::Success;
        if let Some(e) = list.data.into_iter().find(done) {
            execution = Some(e);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let execution = execution.expect("the webhook call left a finished execution");
    let exec_id = &execution.id; // as the list gives it: ids pass from responses into paths
    let full = client
        .get_execution()
        .execution_id(exec_id)
        .include_data(true)
        .send()
        .await
        .unwrap();
    assert_eq!(full.workflow_id, id);
    let data = full.data.as_ref().expect("includeData=true returns the execution data");
    assert!(
        data.extra.contains_key("resultData"),
        "the run data is kept: {:?}",
        data.extra.keys().collect::<Vec<_>>()
    );
    client.delete_execution().execution_id(exec_id).send().await.unwrap();
    let gone = client.get_execution().execution_id(exec_id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404), "{gone}");

    client.unpublish_workflow().workflow_id(&id).send().await.unwrap();
    remove_workflow(&client, &id).await;
}

#[tokio::test]
async fn tags_crud() {
    let client = client();
    let name = unique("tag");
    let tag = client.create_tag().body(tag_body(&name)).send().await.unwrap();
    let got = client.get_tag().tag_id(&tag.id).send().await.unwrap();
    assert_eq!(got.name, name);
    let renamed = client
        .update_tag()
        .id(&tag.id)
        .body(types::UpdateTagBody::builder().name(format!("{name}-2")))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, format!("{name}-2"));
    let all = client.get_tags().limit(250).send().await.unwrap();
    assert!(all.data.iter().any(|t| t.id == tag.id));
    client.delete_tag().id(&tag.id).send().await.unwrap();
    let gone = client.get_tag().tag_id(&tag.id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404), "{gone}");
}

#[tokio::test]
async fn credentials() {
    let client = client();
    let schema = client
        .get_credential_type()
        .credential_type_name("httpBasicAuth")
        .send()
        .await
        .unwrap();
    assert!(schema.get("properties").is_some(), "{schema:?}");
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
    let list = client.get_credentials().limit(250).send().await.unwrap();
    assert!(list.data.iter().any(|c| c.id == created.id));
    client
        .delete_credential()
        .credential_id(&created.id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn users() {
    let client = client();
    let users = client.get_users().include_role(true).send().await.unwrap();
    let owner = users
        .data
        .iter()
        .find(|u| u.email == "owner@example.com")
        .expect("the owner is listed");
    let id = owner.id.clone();
    let got = client.get_user().id(&id).include_role(true).send().await.unwrap();
    assert_eq!(got.email, "owner@example.com");
}

#[tokio::test]
async fn data_tables() {
    let client = client();
    let table = client
        .create_data_table()
        .body(
            types::CreateDataTableRequest::builder()
                .name(unique("table"))
                .columns(vec![
                    column("city", types::CreateDataTableRequestColumnsItemType::String),
                    column("people", types::CreateDataTableRequestColumnsItemType::Number),
                ]),
        )
        .send()
        .await
        .unwrap();
    let columns = client
        .list_data_table_columns()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["city", "people"]
    );
    client
        .insert_data_table_rows()
        .data_table_id(&table.id)
        .body(types::InsertRowsRequest::builder().data([
            json!({ "city": "Berlin", "people": 3 }),
            json!({ "city": "Paris", "people": 2 }),
        ]))
        .send()
        .await
        .unwrap();
    let rows = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(rows.data.len(), 2);
    let filter = json!({ "type": "and", "filters": [ { "columnName": "city", "condition": "eq", "value": "Paris" } ] })
        .to_string();
    client
        .update_data_table_rows()
        .data_table_id(&table.id)
        .body(
            types::UpdateRowsRequest::builder()
                .filter(types::UpdateRowsRequestFilter::builder().filters(vec![city_is("Paris")]))
                .data(json!({ "people": 5 })),
        )
        .send()
        .await
        .unwrap();
    client
        .delete_data_table_rows()
        .data_table_id(&table.id)
        .filter(filter)
        .send()
        .await
        .unwrap();
    let rows = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(rows.data.len(), 1);
    client
        .delete_data_table()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn instance_wide_reads() {
    let client = client();
    client.get_discover().send().await.unwrap();
    let roles = client.get_all_roles().send().await.unwrap();
    assert!(!roles.global.is_empty(), "{roles:?}");
    client.get_insights_summary().send().await.unwrap();
    client.generate_audit().send().await.unwrap();
    client.get_installed_packages().send().await.unwrap();
}

#[tokio::test]
async fn license_gated_endpoints_answer_a_typed_403() {
    let client = client();
    let checks = [
        (
            "getVariables",
            client.get_variables().send().await.map(|_| ()).unwrap_err(),
        ),
        (
            "getProjects",
            client.get_projects().send().await.map(|_| ()).unwrap_err(),
        ),
        (
            "getSourceControlStatus",
            client
                .get_source_control_status()
                .direction(types::GetSourceControlStatusDirection::Push)
                .send()
                .await
                .map(|_| ())
                .unwrap_err(),
        ),
    ];
    for (op, e) in checks {
        assert_eq!(e.operation(), op);
        assert_eq!(e.status().map(|s| s.as_u16()), Some(403), "{e}");
        let message = e.message().expect("n8n says why");
        assert!(message.contains("license"), "{message}");
        assert!(matches!(e.kind(), ErrorKind::Api { .. }));
    }
}

#[tokio::test]
async fn a_wrong_api_key_is_a_401_that_never_shows_the_key() {
    let inst = instance();
    let key = "n8n_api_wrong_key_0123456789";
    let client = Client::new(&inst.url, key).unwrap();
    let e = client.get_workflows().send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401), "{e}");
    assert_eq!(e.operation(), "getWorkflows");
    assert!(!format!("{e}").contains(key));
    assert!(!format!("{e:?}").contains(key));
    assert!(!format!("{client:?}").contains(key));
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
        .send()
        .await
        .unwrap();
    let saved = n8n_api::packages::save(export, &one).await.unwrap();
    assert_eq!(saved.counts.as_ref().map(|c| c.workflows), Some(1));
    assert_eq!(workflow_ids_in(&one), [a.clone()]);
    let both = dir.path().join("both.n8np");
    let export = client
        .export_package()
        .body(export_request(&[&a, &b]))
        .send()
        .await
        .unwrap();
    n8n_api::packages::save(export, &both).await.unwrap();
    let mut ids = workflow_ids_in(&both);
    ids.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids, want);

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

fn tag_body(name: &str) -> types::builder::CreateTagBody {
    types::CreateTagBody::builder().name(name)
}

fn export_request(ids: &[&str]) -> types::builder::ExportPackageRequest {
    types::ExportPackageRequest::builder().workflow_ids(ids.iter().map(|id| id.to_string()).collect::<Vec<_>>())
}

fn column(name: &str, kind: types::CreateDataTableRequestColumnsItemType) -> types::CreateDataTableRequestColumnsItem {
    types::CreateDataTableRequestColumnsItem {
        name: name.into(),
        type_: kind,
    }
}

/// The row filter `city = <city>`.
fn city_is(city: &str) -> types::RequestFilterFiltersItem {
    types::RequestFilterFiltersItem::builder()
        .column_name("city")
        .condition(types::RequestFilterFiltersItemCondition::Eq)
        .value(city)
        .try_into()
        .unwrap()
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
