//! Workflows: create, read, update, tags, publish (and the deprecated activate), versions and
//! history, transfer, archive, delete; list filters and pages.

use futures::StreamExt;
use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn workflow_lifecycle() {
    let client = client();
    let name = unique("wf-life");
    let id = create_workflow(&client, &name).await;
    proved(
        "createWorkflow",
        "the created workflow reads back with its name and two nodes",
    );

    let got = client.get_workflow().workflow_id(&id).send().await.unwrap();
    assert_eq!(got.name, name);
    assert_eq!(got.nodes.len(), 2);
    assert!(!got.active);
    proved(
        "getWorkflow",
        "returns the workflow just created (name, nodes, inactive)",
    );

    // Update: rename, keep the graph (read-modify-write, no JSON).
    let mut body = types::UpdateWorkflowBody::from(&got);
    body.name = format!("{name}-renamed");
    let updated = client
        .update_workflow()
        .workflow_id(&id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, format!("{name}-renamed"));
    let reread = client.get_workflow().workflow_id(&id).send().await.unwrap();
    assert_eq!(reread.name, format!("{name}-renamed"));
    proved("updateWorkflow", "the new name reads back");

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
    proved("activateWorkflow", "the workflow is listed by active=true");
    #[allow(deprecated)]
    let deactivated = while_conflict(|| client.deactivate_workflow().workflow_id(&id).send())
        .await
        .unwrap();
    assert!(!deactivated.active);
    let inactive = client.get_workflow().workflow_id(&id).send().await.unwrap();
    assert!(!inactive.active);
    proved("deactivateWorkflow", "the workflow reads back inactive");

    // Publish a named version, then unpublish: the publish API of n8n 2.x.
    let published = while_conflict(|| {
        client
            .publish_workflow()
            .workflow_id(&id)
            .body(types::PublishWorkflowBody::builder().version_id(got.version_id.clone()))
            .send()
    })
    .await
    .unwrap();
    assert!(published.active, "publishing makes the workflow active");
    assert_eq!(published.active_version_id.as_deref(), Some(got.version_id.as_str()));
    proved(
        "publishWorkflow",
        "the workflow is active with the published version id",
    );
    let unpublished = while_conflict(|| client.unpublish_workflow().workflow_id(&id).send())
        .await
        .unwrap();
    assert!(!unpublished.active);
    assert!(!client.get_workflow().workflow_id(&id).send().await.unwrap().active);
    proved("unpublishWorkflow", "the workflow reads back inactive");

    // Archive and unarchive, then delete (n8n deletes archived workflows only).
    let archived = client.archive_workflow().workflow_id(&id).send().await.unwrap();
    assert!(archived.is_archived);
    assert!(client.get_workflow().workflow_id(&id).send().await.unwrap().is_archived);
    proved("archiveWorkflow", "the workflow reads back archived");
    let unarchived = client.unarchive_workflow().workflow_id(&id).send().await.unwrap();
    assert!(!unarchived.is_archived);
    assert!(!client.get_workflow().workflow_id(&id).send().await.unwrap().is_archived);
    proved("unarchiveWorkflow", "the workflow reads back not archived");
    client.archive_workflow().workflow_id(&id).send().await.unwrap();
    let deleted = client.delete_workflow().workflow_id(&id).send().await.unwrap();
    assert_eq!(deleted.id, id);
    let gone = client.get_workflow().workflow_id(&id).send().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteWorkflow", "the workflow is gone (404 afterwards)");
}

#[tokio::test]
async fn workflow_tags() {
    let client = client();
    let id = create_workflow(&client, &unique("wf-tags")).await;
    let tag = client
        .create_tag()
        .body(types::CreateTagBody::builder().name(unique("tag")))
        .send()
        .await
        .unwrap();
    let tags = client
        .update_workflow_tags()
        .workflow_id(&id)
        .body(vec![types::UpdateTagsBodyItem::from(&tag)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&tag.id)
    );
    let read = client.get_workflow_tags().workflow_id(&id).send().await.unwrap();
    assert_eq!(
        read.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&tag.name)
    );
    proved("updateWorkflowTags", "the tag is read back by getWorkflowTags");
    proved("getWorkflowTags", "lists the tag just set");
    let by_tag = client.get_workflows().tags(tag.name.clone()).send().await.unwrap();
    assert_eq!(
        by_tag.data.iter().map(|w| w.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&id)
    );
    proved("getWorkflows", "filters by tag: exactly the tagged workflow");
    remove_workflow(&client, &id).await;
    client.delete_tag().tag_id(&tag.id).send().await.unwrap();
}

/// Versions: every save is a version in the history, readable by id under both paths.
#[tokio::test]
async fn workflow_versions_and_history() {
    let client = client();
    let id = create_workflow(&client, &unique("wf-versions")).await;
    let first = client.get_workflow().workflow_id(&id).send().await.unwrap();
    // A change of the graph makes a new version (a rename alone does not).
    let mut body = types::UpdateWorkflowBody::from(&first);
    body.nodes[1].notes = Some("second version".into());
    let second = client
        .update_workflow()
        .workflow_id(&id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_ne!(second.version_id, first.version_id);

    let history = client
        .get_workflow_history()
        .workflow_id(&id)
        .limit(10)
        .send()
        .await
        .unwrap();
    let versions: Vec<&str> = history.data.iter().map(|v| v.version_id.as_str()).collect();
    assert!(versions.contains(&first.version_id.as_str()), "{versions:?}");
    assert!(versions.contains(&second.version_id.as_str()), "{versions:?}");
    proved("getWorkflowHistory", "lists both saved versions of the workflow");

    let v1 = client
        .get_workflow_version()
        .workflow_id(&id)
        .workflow_version_id(&first.version_id)
        .send()
        .await
        .unwrap();
    assert_eq!(v1.version_id, first.version_id);
    assert_eq!(v1.workflow_id, id);
    assert_eq!(v1.nodes.len(), 2);
    proved("getWorkflowVersion", "returns the first version with its nodes");
    #[allow(deprecated)]
    let old_path = client
        .get_workflows_by_id_by_version_id()
        .workflow_id(&id)
        .version_id(&second.version_id)
        .send()
        .await
        .unwrap();
    assert_eq!(old_path.version_id, second.version_id);
    proved(
        "getWorkflowsByIdByVersionId",
        "the deprecated path returns the second version",
    );
    remove_workflow(&client, &id).await;
}

/// `excludePinnedData`: the pin data is there by default and left out on request.
#[tokio::test]
async fn workflow_pinned_data_modes() {
    let client = client();
    let hook = unique("hook");
    let body = webhook_workflow(&unique("wf-pins"), &hook, Then::Succeed)
        .pin_data(json!({ "Webhook": [{ "json": { "pinned": true } }] }));
    let id = client.create_workflow().body(body).send().await.unwrap().id.clone();
    let with = client.get_workflow().workflow_id(&id).send().await.unwrap();
    assert!(
        with.pin_data.as_ref().is_some_and(|p| p.contains_key("Webhook")),
        "{:?}",
        with.pin_data
    );
    let without = client
        .get_workflow()
        .workflow_id(&id)
        .exclude_pinned_data(true)
        .send()
        .await
        .unwrap();
    assert!(without.pin_data.is_none());
    let listed = client.get_workflows().name(with.name.clone()).send().await.unwrap();
    assert!(
        listed.data.iter().all(|w| w.pin_data.is_some()),
        "listed with pin data by default"
    );
    let listed = client
        .get_workflows()
        .name(with.name.clone())
        .exclude_pinned_data(true)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);
    assert!(listed.data.iter().all(|w| w.pin_data.is_none()));
    remove_workflow(&client, &id).await;
}

/// Moving a workflow into a team project.
#[tokio::test]
async fn workflow_transfer() {
    let client = client();
    let id = create_workflow(&client, &unique("wf-move")).await;
    let project = create_project(&client, &unique("proj-move")).await;
    client
        .transfer_workflow()
        .workflow_id(&id)
        .body(types::TransferWorkflowBody::builder().destination_project_id(&project))
        .send()
        .await
        .unwrap();
    let in_project = client.get_workflows().project_id(&project).send().await.unwrap();
    assert_eq!(
        in_project.data.iter().map(|w| w.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&id)
    );
    proved("transferWorkflow", "the workflow is listed in the destination project");
    remove_workflow(&client, &id).await;
    remove_project(&client, &project).await;
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
        let page = req.send().await.unwrap();
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
    let client = client();
    let prefix = unique("wf-many");
    let n = 510;
    let ids: Vec<String> = futures::stream::iter(0..n)
        .map(|i| {
            let client = &client;
            let prefix = &prefix;
            async move {
                let start = node(1, "Start", "n8n-nodes-base.manualTrigger", 1.0, json!({}));
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
