//! Executions, started through webhooks: read (with and without data, redacted), list (filters,
//! pages, with data), annotation tags, retry, stop one and stop many, delete.

use n8n_api::prelude::*;
use n8n_api::types;
use reqwest::Method;
use serde_json::json;

use crate::support::*;

fn succeeded(e: &types::Execution) -> bool {
    e.status == types::ExecutionStatus::Success && e.stopped_at.is_some()
}

#[tokio::test]
async fn read_list_and_delete_executions() {
    let client = client();
    let ran = run_once(&client, Then::Succeed, types::ExecutionStatus::Success).await;
    // A second run, for paging.
    let hook = webhook_path(&client, &ran.workflow).await;
    trigger(&hook).await;
    let runs = wait_for_runs(&client, &ran.workflow, 2).await;

    // getExecution: without data by default, with it on request, redacted on request.
    let id = &ran.execution.id;
    let plain = client.get_execution().execution_id(id).send().await.unwrap();
    assert_eq!(plain.workflow_id, ran.workflow);
    assert!(plain.data.is_none(), "no data unless asked for");
    let full = client
        .get_execution()
        .execution_id(id)
        .include_data(true)
        .send()
        .await
        .unwrap();
    let data = full.data.as_ref().expect("includeData=true returns the execution data");
    assert!(
        data.extra.contains_key("resultData"),
        "{:?}",
        data.extra.keys().collect::<Vec<_>>()
    );
    assert!(
        full.workflow_data.as_ref().is_some_and(|w| !w.is_empty()),
        "includeData returns the workflow too"
    );
    let redacted = client
        .get_execution()
        .execution_id(id)
        .include_data(true)
        .redact_execution_data(true)
        .send()
        .await
        .unwrap();
    let redacted_data = redacted.data.as_ref().expect("redacted data is still data");
    assert!(redacted_data.redaction_info.is_some(), "redaction says what it did");
    proved(
        "getExecution",
        "the execution of the webhook call, with and without run data, redacted on request",
    );

    // getExecutions: pages of one, newest first, then the older one; data on request.
    let page1 = client
        .get_executions()
        .workflow_id(&ran.workflow)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page1.data.len(), 1);
    let cursor = page1.next_cursor.clone().expect("a second page");
    let page2 = client
        .get_executions()
        .workflow_id(&ran.workflow)
        .limit(1)
        .cursor(cursor)
        .send()
        .await
        .unwrap();
    assert_eq!(page2.data.len(), 1);
    let mut paged = vec![page1.data[0].id.clone(), page2.data[0].id.clone()];
    paged.sort();
    assert_eq!(paged, runs);
    assert!(page1.data[0].data.is_none());
    let with_data = client
        .get_executions()
        .workflow_id(&ran.workflow)
        .include_data(true)
        .status(types::GetExecutionsStatus::Success)
        .send()
        .await
        .unwrap();
    assert_eq!(with_data.data.len(), 2);
    assert!(with_data.data.iter().all(|e| e.data.is_some()));
    proved(
        "getExecutions",
        "lists the workflow's two runs, one a page, with data on request",
    );

    let deleted = client.delete_execution().execution_id(id).send().await.unwrap();
    assert_eq!(&deleted.id, id, "the numeric id decodes as the same string");
    let gone = client.get_execution().execution_id(id).send().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteExecution", "the execution is gone (404 afterwards)");
    remove_workflow(&client, &ran.workflow).await;
}

/// The webhook path of a webhook workflow.
async fn webhook_path(client: &Client, workflow: &str) -> String {
    let w = client.get_workflow().workflow_id(workflow).send().await.unwrap();
    let hook = w
        .nodes
        .iter()
        .find_map(|n| n.parameters.get("path").and_then(|p| p.as_str()));
    hook.expect("a webhook node with a path").to_string()
}

/// Waits until `workflow` has `n` successful executions; returns their ids, sorted.
async fn wait_for_runs(client: &Client, workflow: &str, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let list = client.get_executions().workflow_id(workflow).send().await.unwrap();
        let mut done: Vec<String> = list
            .data
            .iter()
            .filter(|e| succeeded(e))
            .map(|e| e.id.clone())
            .collect();
        if done.len() >= n {
            done.sort();
            return done;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("workflow {workflow} did not reach {n} executions");
}

/// Execution tags are n8n's annotation tags (not workflow tags), created in the editor: here
/// through the owner's session of the internal REST API.
#[tokio::test]
async fn execution_annotation_tags() {
    let client = client();
    let ran = run_once(&client, Then::Succeed, types::ExecutionStatus::Success).await;
    let owner = Owner::login().await;
    let tag = owner
        .call(
            Method::POST,
            "annotation-tags",
            Some(json!({ "name": n8n_api_tests::unique("note") })),
        )
        .await;
    let tag_id = tag["id"].as_str().expect("an annotation tag id").to_string();
    let set = client
        .update_execution_tags()
        .execution_id(&ran.execution.id)
        .body(vec![types::UpdateExecutionTagsBodyItem { id: tag_id.clone() }])
        .send()
        .await
        .unwrap();
    assert_eq!(
        set.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&tag_id)
    );
    let read = client
        .get_execution_tags()
        .execution_id(&ran.execution.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&tag_id)
    );
    proved(
        "updateExecutionTags",
        "the annotation tag is read back by getExecutionTags",
    );
    proved("getExecutionTags", "lists the annotation tag just set");
    remove_workflow(&client, &ran.workflow).await;
    owner
        .call(Method::DELETE, &format!("annotation-tags/{tag_id}"), None)
        .await;
}

/// A failed execution retried twice: with the saved workflow and with the current one.
#[tokio::test]
async fn retry_a_failed_execution() {
    let client = client();
    let ran = run_once(&client, Then::Fail, types::ExecutionStatus::Error).await;
    for load_workflow in [false, true] {
        let retry = client
            .retry_execution()
            .execution_id(&ran.execution.id)
            .body(types::RetryExecutionBody::builder().load_workflow(load_workflow))
            .send()
            .await
            .unwrap();
        assert_eq!(retry.mode, types::ExecutionMode::Retry);
        assert_eq!(retry.retry_of.as_deref(), Some(ran.execution.id.as_str()));
        let listed = execution_where(&client, &ran.workflow, |e| e.id == retry.id).await;
        assert_eq!(listed.retry_of.as_deref(), Some(ran.execution.id.as_str()));
    }
    proved(
        "retryExecution",
        "each retry is a new execution in mode retry, listed with retryOf = the failed one",
    );
    remove_workflow(&client, &ran.workflow).await;
}

/// Waiting executions (a Wait node of an hour): one stopped by id, two by a filter.
#[tokio::test]
async fn stop_waiting_executions() {
    let client = client();
    let ran = run_once(&client, Then::Wait, types::ExecutionStatus::Waiting).await;
    let stopped = client
        .stop_execution()
        .execution_id(&ran.execution.id)
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status, types::StopExecutionResponseStatus::Canceled);
    let after = client
        .get_execution()
        .execution_id(&ran.execution.id)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status, types::ExecutionStatus::Canceled);
    proved("stopExecution", "the waiting execution reads back canceled");

    let hook = webhook_path(&client, &ran.workflow).await;
    trigger(&hook).await;
    trigger(&hook).await;
    let waiting = |e: &types::Execution| e.status == types::ExecutionStatus::Waiting;
    for _ in 0..100 {
        let list = client.get_executions().workflow_id(&ran.workflow).send().await.unwrap();
        if list.data.iter().filter(|e| waiting(e)).count() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let many = client
        .stop_many_executions()
        .body(
            types::StopManyExecutionsBody::builder()
                .status(vec![types::StopManyExecutionsBodyStatusItem::Waiting])
                .workflow_id(&ran.workflow),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(many.stopped, 2);
    let list = client.get_executions().workflow_id(&ran.workflow).send().await.unwrap();
    assert!(!list.data.iter().any(waiting), "nothing waits any more");
    proved(
        "stopManyExecutions",
        "stopped 2, and none of the workflow's executions waits any more",
    );
    remove_workflow(&client, &ran.workflow).await;
}
