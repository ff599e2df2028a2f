//! Evaluations: test runs of a workflow over a data table (its Evaluation Trigger reads the rows,
//! its Evaluation node sets a metric), their test cases, and cancelling a run that is still going.

use std::time::Duration;

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::{Value, json};

use crate::support::*;

/// A data table of `rows` inputs; returns its id.
async fn dataset(client: &Client, rows: usize) -> String {
    let table = client
        .create_data_table()
        .body(
            types::CreateDataTableRequest::builder()
                .name(unique("eval-set"))
                .columns(vec![types::CreateDataTableRequestColumnsItem {
                    name: "input".into(),
                    type_: types::CreateDataTableRequestColumnsItemType::String,
                }]),
        )
        .send()
        .await
        .unwrap();
    let data: Vec<Value> = (0..rows).map(|i| json!({ "input": format!("case {i}") })).collect();
    client
        .insert_data_table_rows()
        .data_table_id(&table.id)
        .body(types::InsertRowsRequest::builder().data(data))
        .send()
        .await
        .unwrap();
    table.id.clone()
}

/// Evaluation Trigger (the data table) -> [Wait `wait` s] -> Evaluation (metric `score` = 1).
async fn evaluation_workflow(client: &Client, table: &str, wait: Option<u32>) -> String {
    let trigger = node(
        1,
        "Trigger",
        "n8n-nodes-base.evaluationTrigger",
        4.7,
        json!({ "source": "dataTable", "dataTableId": { "__rl": true, "mode": "id", "value": table } }),
    );
    let metrics = node(
        3,
        "Metrics",
        "n8n-nodes-base.evaluation",
        4.7,
        json!({ "operation": "setMetrics", "metric": "customMetrics", "metrics": { "assignments": [
            { "id": "m1", "name": "score", "value": 1, "type": "number" }
        ] } }),
    );
    let mut nodes = vec![trigger, metrics];
    let connections = match wait {
        Some(seconds) => {
            nodes.push(node(
                2,
                "Wait",
                "n8n-nodes-base.wait",
                1.1,
                json!({ "resume": "timeInterval", "amount": seconds, "unit": "seconds" }),
            ));
            json!({
                "Trigger": { "main": [[{ "node": "Wait", "type": "main", "index": 0 }]] },
                "Wait": { "main": [[{ "node": "Metrics", "type": "main", "index": 0 }]] }
            })
        }
        None => json!({ "Trigger": { "main": [[{ "node": "Metrics", "type": "main", "index": 0 }]] } }),
    };
    let body = types::CreateWorkflowBody::builder()
        .name(unique("wf-eval"))
        .nodes(nodes)
        .connections(connections)
        .settings(types::WorkflowBodySettings::builder().execution_order("v1"));
    client.create_workflow().body(body).send().await.unwrap().id.clone()
}

/// Polls the run until it is no longer new or running (30 s at most).
async fn finished(client: &Client, workflow: &str, run: &str) -> types::TestRun {
    for _ in 0..150 {
        let r = client
            .get_test_run()
            .workflow_id(workflow)
            .run_id(run)
            .send()
            .await
            .unwrap();
        if !matches!(r.status, Some(types::TestStatus::New | types::TestStatus::Running)) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("test run {run} did not finish within 30 s");
}

#[tokio::test]
async fn test_runs_and_cases() {
    let client = client();
    let table = dataset(&client, 2).await;
    let workflow = evaluation_workflow(&client, &table, None).await;
    let created = client.create_test_run().workflow_id(&workflow).send().await.unwrap();
    let run = created.id.clone().expect("a test run id");
    let done = finished(&client, &workflow, &run).await;
    assert_eq!(done.status, Some(types::TestStatus::Completed), "{done:?}");
    let score = done
        .metrics
        .as_ref()
        .and_then(|m| m.get("score"))
        .and_then(Value::as_f64);
    assert_eq!(score, Some(1.0), "{done:?}");
    proved("createTestRun", "the run completes with the metric the workflow sets");
    proved("getTestRun", "returns the completed run and its metrics");

    let completed = client
        .get_test_runs()
        .workflow_id(&workflow)
        .status(types::GetTestRunsStatus::Completed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        completed.data.iter().filter_map(|r| r.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&run)
    );
    proved("getTestRuns", "lists the completed run, filtered by status");

    let cases = client
        .get_test_cases()
        .workflow_id(&workflow)
        .run_id(&run)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(cases.data.len(), 1);
    assert!(cases.next_cursor.is_some(), "two cases, one a page");
    let case = &cases.data[0];
    assert_eq!(case.status, Some(types::TestCaseExecutionStatus::Success));
    let execution = case
        .execution_id
        .clone()
        .expect("the case ran as an execution (its id is a number on the wire)");
    assert_eq!(
        client
            .get_execution()
            .execution_id(&execution)
            .send()
            .await
            .unwrap()
            .workflow_id,
        workflow
    );
    proved(
        "getTestCases",
        "two successful cases, one a page; each names the execution it ran as",
    );

    remove_workflow(&client, &workflow).await;
    client.delete_data_table().data_table_id(&table).send().await.unwrap();
}

#[tokio::test]
async fn cancel_a_running_test_run() {
    let client = client();
    let table = dataset(&client, 3).await;
    let workflow = evaluation_workflow(&client, &table, Some(5)).await;
    let created = client.create_test_run().workflow_id(&workflow).send().await.unwrap();
    let run = created.id.clone().expect("a test run id");
    // Cancelling needs the run to have started.
    for _ in 0..50 {
        let r = client
            .get_test_run()
            .workflow_id(&workflow)
            .run_id(&run)
            .send()
            .await
            .unwrap();
        if r.status == Some(types::TestStatus::Running) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cancelled = client
        .cancel_test_run()
        .workflow_id(&workflow)
        .run_id(&run)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status, Some(types::TestStatus::Cancelled));
    let after = finished(&client, &workflow, &run).await;
    assert_eq!(after.status, Some(types::TestStatus::Cancelled));
    proved("cancelTestRun", "the running run reads back cancelled");
    remove_workflow(&client, &workflow).await;
    client.delete_data_table().data_table_id(&table).send().await.unwrap();
}
