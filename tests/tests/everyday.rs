//! Seven everyday programs, written from the READMEs and the rustdoc alone, to prove the surface
//! reads right: deploy an editor export, move tagged workflows, work a data table, retry failed
//! executions, invite users, export and import a package, and variables, tags and a pull.
//! Each runs against the mock n8n (`n8n-api-mock`); they replace no example.

use std::time::Duration;

use n8n_api::multipart::FilePart;
use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_mock::{MockN8n, Sample};
use serde_json::json;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn workflow(id: &str, name: &str) -> types::Workflow {
    let mut w = types::Workflow::sample();
    w.id = id.into();
    w.name = name.into();
    w
}

// ---- 1. Deploy a workflow exported from the editor ------------------------------------------

/// What the editor's "Download" writes: the workflow plus what the server owns.
const EXPORT: &str = r#"{
  "id": "Xh3kQ9aLm2Pz7YvB",
  "name": "Nightly report",
  "active": false,
  "versionId": "4d1f7c2e-9a0b-4c3d-8e5f-6a7b8c9d0e1f",
  "createdAt": "2025-11-02T09:14:03.120Z",
  "nodes": [
    {
      "parameters": {},
      "id": "0b6f1c8e-2a4d-4e3f-9c1b-7d5e3a2f1b0c",
      "name": "When clicking 'Test workflow'",
      "type": "n8n-nodes-base.manualTrigger",
      "typeVersion": 1,
      "position": [0, 0]
    },
    {
      "parameters": { "url": "https://example.com/report", "options": {} },
      "id": "5e2d4c1a-8b7f-4a6e-9d3c-2b1a0f9e8d7c",
      "name": "HTTP Request",
      "type": "n8n-nodes-base.httpRequest",
      "typeVersion": 4.2,
      "position": [220, 0]
    }
  ],
  "connections": {
    "When clicking 'Test workflow'": { "main": [[{ "node": "HTTP Request", "type": "main", "index": 0 }]] }
  },
  "settings": { "executionOrder": "v1" },
  "pinData": {},
  "meta": { "templateCredsSetupCompleted": true },
  "tags": []
}"#;

async fn deploy(client: &Client, export: &str) -> Result<types::Workflow> {
    let body: types::CreateWorkflowBody = serde_json::from_str(export)?;
    let created = client.create_workflow().body(body).send().await?;
    let active = client.publish_workflow().workflow_id(&created.id).send().await?;
    Ok(active)
}

#[tokio::test]
async fn deploy_an_editor_export() -> Result {
    let mock = MockN8n::start().await;
    let created = workflow("w1", "Nightly report");
    let mut published = created.clone();
    published.active = true;
    let create = mock
        .create_workflow()
        .body_partial_json(json!({ "name": "Nightly report" }))
        .times(1)
        .responds(&created)
        .await;
    mock.publish_workflow()
        .workflow_id("w1")
        .times(1)
        .responds(&published)
        .await;

    let deployed = deploy(&mock.client(), EXPORT).await?;

    assert_eq!(deployed.id, "w1");
    assert!(deployed.active);
    let sent: serde_json::Value = create.requests()[0].body_json()?;
    assert_eq!(sent["nodes"][0]["parameters"], json!({}));
    for owned in ["id", "active", "versionId", "createdAt"] {
        assert!(sent.get(owned).is_none(), "{owned} was sent");
    }
    Ok(())
}

// ---- 2. Move every workflow carrying a tag to another project -------------------------------

async fn move_tagged(client: &Client, tag: &str, project_id: &str) -> Result<Vec<String>> {
    let workflows = client.get_workflows().tags(tag).collect_all().await?;
    let mut moved = Vec::new();
    for w in workflows {
        client
            .transfer_workflow()
            .workflow_id(&w.id)
            .body(types::TransferWorkflowBody::builder().destination_project_id(project_id))
            .send()
            .await?;
        moved.push(w.id);
    }
    Ok(moved)
}

#[tokio::test]
async fn move_tagged_workflows_to_a_project() -> Result {
    let mock = MockN8n::start().await;
    let tagged = [workflow("w1", "a"), workflow("w2", "b"), workflow("w3", "c")];
    mock.get_workflows()
        .tags("finance")
        .responds_paginated(&tagged, 2)
        .await;
    for id in ["w1", "w2", "w3"] {
        mock.transfer_workflow()
            .workflow_id(id)
            .body(types::TransferWorkflowBody::builder().destination_project_id("p-finance"))
            .times(1)
            .responds()
            .await;
    }

    let moved = move_tagged(&mock.client(), "finance", "p-finance").await?;

    assert_eq!(moved, ["w1", "w2", "w3"]);
    Ok(())
}

// ---- 3. A data table: filters, upsert and a dry-run delete -----------------------------------

async fn work_a_data_table(client: &Client) -> Result<(Vec<types::DataTableRow>, usize)> {
    let table = client
        .create_data_table()
        .body(
            types::CreateDataTableRequest::builder().name("customers").columns([
                types::CreateDataTableRequestColumnsItem::builder()
                    .name("email")
                    .type_("string"),
                types::CreateDataTableRequestColumnsItem::builder()
                    .name("plan")
                    .type_("string"),
            ]),
        )
        .send()
        .await?;
    client
        .insert_data_table_rows()
        .data_table_id(&table.id)
        .body(types::InsertRowsRequest::builder().data([
            json!({ "email": "ana@example.com", "plan": "pro" }),
            json!({ "email": "bo@example.com", "plan": "free" }),
        ]))
        .send()
        .await?;

    let pro = types::DataTableRowFilter::all([types::DataTableRowCondition::eq("plan", "pro")]);
    let rows = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .filter(&pro)
        .collect_all()
        .await?;

    let ana = types::DataTableRowFilter::all([types::DataTableRowCondition::eq("email", "ana@example.com")]);
    client
        .upsert_data_table_row()
        .data_table_id(&table.id)
        .body(
            types::UpsertRowRequest::builder()
                .filter(&ana)
                .data(json!({ "email": "ana@example.com", "plan": "enterprise" })),
        )
        .send()
        .await?;

    let free = types::DataTableRowFilter::all([types::DataTableRowCondition::eq("plan", "free")]);
    let preview = client
        .delete_data_table_rows()
        .data_table_id(&table.id)
        .filter(&free)
        .dry_run(true)
        .send()
        .await?;
    let would_delete = match preview {
        types::DataTableResponse::DryRun(rows) => rows.len(),
        _ => 0,
    };
    Ok((rows, would_delete))
}

#[tokio::test]
async fn data_table_with_filters_upsert_and_dry_run() -> Result {
    let mock = MockN8n::start().await;
    let mut table = types::DataTable::sample();
    table.id = "dt1".into();
    mock.create_data_table().times(1).responds(&table).await;
    mock.insert_data_table_rows()
        .data_table_id("dt1")
        .times(1)
        .responds(&types::InsertDataTableRowsResponse::Count {
            inserted_rows: 2,
            success: true,
        })
        .await;
    let mut ana = types::DataTableRow::sample();
    ana.id = "1".into();
    ana.extra.insert("email".into(), json!("ana@example.com"));
    ana.extra.insert("plan".into(), json!("pro"));
    let pro = types::DataTableRowFilter::all([types::DataTableRowCondition::eq("plan", "pro")]);
    mock.get_data_table_rows()
        .data_table_id("dt1")
        .filter(&pro)
        .responds_paginated(&[ana.clone()], 50)
        .await;
    mock.upsert_data_table_row()
        .data_table_id("dt1")
        .body_partial_json(json!({ "data": { "plan": "enterprise" } }))
        .times(1)
        .responds(&types::DataTableResponse::Boolean(true))
        .await;
    let bo = types::DataTableRowDryRun {
        id: Some("2".into()),
        dry_run_state: types::DataTableRowDryRunDryRunState::Before,
        created_at: None,
        updated_at: None,
        extra: serde_json::Map::new(),
    };
    mock.delete_data_table_rows()
        .data_table_id("dt1")
        .filter(&types::DataTableRowFilter::all([types::DataTableRowCondition::eq(
            "plan", "free",
        )]))
        .dry_run(true)
        .times(1)
        .responds(&types::DataTableResponse::DryRun(vec![bo]))
        .await;

    let (pro_rows, would_delete) = work_a_data_table(&mock.client()).await?;

    assert_eq!(pro_rows.len(), 1);
    assert_eq!(pro_rows[0].extra["email"], "ana@example.com");
    assert_eq!(would_delete, 1);
    Ok(())
}

// ---- 4. Retry failed executions and poll them until they finish -----------------------------

async fn retry_failed(client: &Client) -> Result<Vec<types::Execution>> {
    let failed = client
        .get_executions()
        .status(types::ExecutionStatus::Error)
        .collect_all()
        .await?;
    let mut finished = Vec::new();
    for execution in failed {
        let mut retry = client.retry_execution().execution_id(&execution.id).send().await?;
        for _ in 0..50 {
            if !matches!(
                retry.status,
                types::ExecutionStatus::New | types::ExecutionStatus::Running | types::ExecutionStatus::Waiting
            ) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            retry = client.get_execution().execution_id(&retry.id).send().await?;
        }
        finished.push(retry);
    }
    Ok(finished)
}

#[tokio::test]
async fn retry_failed_executions_and_poll() -> Result {
    let mock = MockN8n::start().await;
    let execution = |id: &str, status: types::ExecutionStatus| {
        let mut e = types::Execution::sample();
        e.id = id.into();
        e.status = status;
        e
    };
    let failed = [
        execution("10", types::ExecutionStatus::Error),
        execution("11", types::ExecutionStatus::Error),
    ];
    mock.get_executions()
        .status(types::ExecutionStatus::Error)
        .responds_paginated(&failed, 1)
        .await;
    for (old, new) in [("10", "20"), ("11", "21")] {
        mock.retry_execution()
            .execution_id(old)
            .times(1)
            .responds(&execution(new, types::ExecutionStatus::Running))
            .await;
        // Running twice, then done.
        mock.get_execution()
            .execution_id(new)
            .up_to_n_times(2)
            .responds(&execution(new, types::ExecutionStatus::Running))
            .await;
        mock.get_execution()
            .execution_id(new)
            .responds(&execution(new, types::ExecutionStatus::Success))
            .await;
    }

    let finished = retry_failed(&mock.client()).await?;

    let ids: Vec<_> = finished.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["20", "21"]);
    assert!(finished.iter().all(|e| e.status == types::ExecutionStatus::Success));
    Ok(())
}

// ---- 5. Invite users and set their roles -----------------------------------------------------

async fn invite(client: &Client, emails: &[&str], admin: &str, project_id: &str) -> Result<Vec<String>> {
    let invited = client
        .create_user()
        .body(emails.iter().map(|email| {
            types::CreateUserBodyItem::builder()
                .email(*email)
                .role(types::GlobalRole::Member)
        }))
        .send()
        .await?;
    if let Some(failed) = invited.iter().find(|i| !i.error.is_empty()) {
        return Err(format!("{}: {}", failed.user.email, failed.error).into());
    }
    let ids: Vec<String> = invited.into_iter().map(|i| i.user.id).collect();

    let admin_id = &ids[emails.iter().position(|e| *e == admin).ok_or("admin not invited")?];
    client
        .change_role()
        .user_id(admin_id)
        .body(types::ChangeRoleBody::builder().new_role_name(types::GlobalRole::Admin))
        .send()
        .await?;
    client
        .add_users_to_project()
        .project_id(project_id)
        .body(types::AddUsersToProjectBody::builder().relations(ids.iter().map(|id| {
            types::AddUsersToProjectBodyRelationsItem::builder()
                .user_id(id)
                .role(types::ProjectRole::Editor)
        })))
        .send()
        .await?;
    Ok(ids)
}

#[tokio::test]
async fn invite_users_and_set_roles() -> Result {
    let mock = MockN8n::start().await;
    let invited = |id: &str, email: &str| {
        let mut i = types::CreateUserResponseItem::sample();
        i.user.id = id.into();
        i.user.email = email.into();
        i.error = String::new(); // n8n's "no error"
        i
    };
    let create = mock
        .create_user()
        .times(1)
        .responds(&vec![invited("u1", "ana@example.com"), invited("u2", "bo@example.com")])
        .await;
    mock.change_role()
        .user_id("u2")
        .body(types::ChangeRoleBody::builder().new_role_name(types::GlobalRole::Admin))
        .times(1)
        .responds()
        .await;
    let add = mock.add_users_to_project().project_id("p1").times(1).responds().await;

    let ids = invite(
        &mock.client(),
        &["ana@example.com", "bo@example.com"],
        "bo@example.com",
        "p1",
    )
    .await?;

    assert_eq!(ids, ["u1", "u2"]);
    let sent: serde_json::Value = create.requests()[0].body_json()?;
    assert_eq!(sent[0], json!({ "email": "ana@example.com", "role": "global:member" }));
    let sent: serde_json::Value = add.requests()[0].body_json()?;
    assert_eq!(
        sent["relations"][1],
        json!({ "userId": "u2", "role": "project:editor" })
    );
    Ok(())
}

// ---- 6. Export a package and import it, with the import's typed issues ----------------------

/// Imports with `fail`; on conflicts, imports again skipping the workflows that exist and
/// answers the conflicts it skipped.
async fn import_skipping_conflicts(
    client: &Client,
    path: &std::path::Path,
) -> std::result::Result<(Vec<String>, types::ImportPackageResponse), n8n_api::Error> {
    let first = client
        .import_package()
        .package(FilePart::path(path))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await;
    match first {
        Ok(imported) => Ok((Vec::new(), imported)),
        Err(e) if e.is_conflict() => {
            let skipped = e.issues().unwrap_or_default().iter().map(|i| i.to_string()).collect();
            let imported = client
                .import_package()
                .package(FilePart::path(path))
                .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Skip)
                .send()
                .await?;
            Ok((skipped, imported))
        }
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn export_and_import_a_package() -> Result {
    let mock = MockN8n::start().await;
    let package = b"\x1f\x8b\x08\x00 a package".to_vec();
    mock.export_package()
        .body(types::ExportPackageRequest::builder().workflow_ids(["w1", "w2"]))
        .response_header("Content-Disposition", "attachment; filename=\"export.n8np\"")
        .response_header("X-N8n-Export-Counts", r#"{"workflows":2}"#)
        .times(1)
        .responds(package.clone())
        .await;
    let mut conflict = types::ImportPackageConflict::sample();
    conflict.issues = vec![types::ImportBlockingIssue::WorkflowConflict {
        existing_workflow_id: "w1".into(),
        name: "Nightly report".into(),
        source_workflow_id: "w1".into(),
    }];
    mock.import_package()
        .package(&package)
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .times(1)
        .responds_conflict(&conflict)
        .await;
    mock.import_package()
        .package(&package)
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Skip)
        .times(1)
        .responds(&types::ImportPackageResponse::sample())
        .await;
    let mut unresolved = types::ImportPackageUnprocessableEntity::sample();
    unresolved.issues = vec![types::ImportBlockingIssue::VariableUnresolved {
        name: "API_BASE".into(),
        used_by_workflows: vec!["w2".into()],
    }];
    mock.import_package()
        .package(&package)
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Skip)
        .variable_missing_mode(types::ImportPackageVariableMissingMode::MustPreexist)
        .times(1)
        .responds_unprocessable_entity(&unresolved)
        .await;

    let client = mock.client();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("workflows.n8np");
    let export = client
        .export_package()
        .body(types::ExportPackageRequest::builder().workflow_ids(["w1", "w2"]))
        .send_with_response()
        .await?;
    let saved = n8n_api::packages::save(export, &path).await?;
    assert_eq!(saved.counts.map(|c| c.workflows), Some(2));
    assert_eq!(saved.file_name.as_deref(), Some("export.n8np"));

    let (skipped, _imported) = import_skipping_conflicts(&client, &path).await?;
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].contains("w1"), "{skipped:?}");

    let refused = client
        .import_package()
        .package(FilePart::path(&path))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Skip)
        .variable_missing_mode(types::ImportPackageVariableMissingMode::MustPreexist)
        .send()
        .await
        .unwrap_err();
    assert!(refused.is_unprocessable());
    assert!(matches!(
        refused.issues(),
        Some([types::ImportBlockingIssue::VariableUnresolved { name, .. }]) if name == "API_BASE"
    ));
    Ok(())
}

// ---- 7. Variables, tags and a source-control pull --------------------------------------------

async fn configure(client: &Client, workflow_id: &str) -> Result<(types::Variable, Vec<types::Tag>, usize)> {
    client
        .create_variable()
        .body(
            types::CreateVariableBody::builder()
                .key("API_BASE")
                .value("https://api.example.com"),
        )
        .send()
        .await?;
    let variable = client
        .get_variables()
        .collect_all()
        .await?
        .into_iter()
        .find(|v| v.key == "API_BASE")
        .ok_or("the new variable is not listed")?;

    let tag = client
        .create_tag()
        .body(types::CreateTagBody::builder().name("nightly"))
        .send()
        .await?;
    let tag = client
        .update_tag()
        .tag_id(&tag.id)
        .body(types::UpdateTagBody::builder().name("nightly-reports"))
        .send()
        .await?;
    let tags = client
        .update_workflow_tags()
        .workflow_id(workflow_id)
        .body([&tag])
        .send()
        .await?;

    let pulled = client
        .pull_source_control()
        .body(types::PullSourceControlBody::builder().force(true))
        .send()
        .await?;
    Ok((variable, tags, pulled.len()))
}

#[tokio::test]
async fn variables_tags_and_a_pull() -> Result {
    let mock = MockN8n::start().await;
    mock.create_variable()
        .body(
            types::CreateVariableBody::builder()
                .key("API_BASE")
                .value("https://api.example.com"),
        )
        .times(1)
        .responds()
        .await;
    let variable = |id: &str, key: &str| {
        let mut v = types::Variable::sample();
        v.id = id.into();
        v.key = key.into();
        v
    };
    mock.get_variables()
        .responds_paginated(&[variable("v1", "OTHER"), variable("v2", "API_BASE")], 1)
        .await;
    let tag = |name: &str| {
        let mut t = types::Tag::sample();
        t.id = "t1".into();
        t.name = name.into();
        t
    };
    mock.create_tag().times(1).responds(&tag("nightly")).await;
    mock.update_tag()
        .tag_id("t1")
        .body(types::UpdateTagBody::builder().name("nightly-reports"))
        .times(1)
        .responds(&tag("nightly-reports"))
        .await;
    mock.update_workflow_tags()
        .workflow_id("w1")
        .body(["t1"])
        .times(1)
        .responds(&vec![tag("nightly-reports")])
        .await;
    mock.pull_source_control()
        .times(1)
        .responds(&vec![types::PullSourceControlResponseItem::sample()])
        .await;

    let (variable, tags, pulled) = configure(&mock.client(), "w1").await?;

    assert_eq!(variable.id, "v2");
    assert_eq!(tags[0].name, "nightly-reports");
    assert_eq!(pulled, 1);
    Ok(())
}
