//! The program of issue 10, verbatim: it compiles against the crate, and against a mock n8n it
//! does the obvious thing on the wire (`limit=50`, `active=true`, ids from responses in paths,
//! request bodies from typed builders and from a workflow read back).
#![allow(unused_variables, dead_code, unused_imports)]

use futures::TryStreamExt;
use n8n_api::prelude::*;
use n8n_api::types;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn show(w: &types::Workflow) -> String {
    format!("{} {}", w.id, w.name)
}

async fn run(client: &Client) -> Result<(), n8n_api::Error> {
    let page = client.get_workflows().limit(50).active(true).send().await?;
    for w in &page.data {
        show(w);
    } // list items are Workflow
    let wf: types::Workflow = client.get_workflow().workflow_id("abc").send().await?;
    let mut body = types::UpdateWorkflowBody::from(&wf); // read-modify-write, no JSON
    body.name = format!("{} (renamed)", wf.name);
    let updated: types::Workflow = client.update_workflow().workflow_id(&wf.id).body(body).send().await?;
    let node: types::Node = types::Node::builder()
        .name("Webhook")
        .type_("n8n-nodes-base.webhook")
        .type_version(2.0)
        .position(vec![0.0, 0.0])
        .parameters(json!({ "path": "orders" }))
        .try_into()?; // ConversionError -> n8n_api::Error
    let page = client.get_executions().include_data(true).limit(10).send().await?;
    for e in &page.data {
        let e: &types::Execution = e;
        let full: types::Execution = client
            .get_execution()
            .execution_id(e.id.clone())
            .include_data(true)
            .send()
            .await?; // list ids go into paths
    }
    let cred: types::Credential = client
        .create_credential()
        .body(
            types::CreateCredentialBody::builder()
                .name("Slack")
                .type_("slackApi")
                .data(json!({ "accessToken": "t" }))
                .project_id("p"),
        ) // &str and json! accepted
        .send()
        .await?;
    match client.get_tag().tag_id("nope").send().await {
        Err(e) if e.is_not_found() => {}
        Err(e) if e.is_conflict() || e.is_unauthorized() || e.is_forbidden() => {}
        Err(e) => {
            let _s: Option<n8n_api::StatusCode> = e.status();
            return Err(e);
        }
        Ok(tag) => {
            let _t: &types::Tag = &tag;
        }
    }
    client
        .export_package()
        .body(types::ExportPackageRequest::builder().workflow_ids(vec![wf.id.clone()]))
        .send_with_response()
        .await?;
    let _v: &str = n8n_api::N8N_VERSION; // "2.40.7"
    Ok(())
}

const WORKFLOW: &str = include_str!("../../bench/fixtures/workflow.json");

fn workflow(id: &str) -> Value {
    let mut w: Value = serde_json::from_str(WORKFLOW).unwrap();
    w["id"] = json!(id);
    w
}

fn execution(id: &str) -> Value {
    json!({ "id": id, "finished": true, "mode": "webhook", "retryOf": null, "status": "success",
            "startedAt": "2026-11-23T19:39:50.841Z", "workflowId": "abc" })
}

/// The request's JSON body has none of `keys` at its top level.
fn body_lacks(keys: &'static [&'static str]) -> impl wiremock::Match {
    move |r: &wiremock::Request| {
        serde_json::from_slice::<Value>(&r.body).is_ok_and(|b| keys.iter().all(|k| b.get(k).is_none()))
    }
}

#[tokio::test]
async fn the_program_does_the_obvious_thing_on_the_wire() {
    let server = MockServer::start().await;
    let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
    Mock::given(method("GET"))
        .and(path("/api/v1/workflows"))
        .and(query_param("limit", "50"))
        .and(query_param("active", "true"))
        .respond_with(ok(json!({ "data": [workflow("abc")], "nextCursor": null })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workflows/abc"))
        .respond_with(ok(workflow("abc")))
        .expect(1)
        .mount(&server)
        .await;
    // The update carries what was read (nodes, connections, settings) and the new name, and
    // none of the server's own fields.
    let read: types::Workflow = serde_json::from_value(workflow("abc")).unwrap();
    Mock::given(method("PUT"))
        .and(path("/api/v1/workflows/abc"))
        .and(body_partial_json(json!({
            "name": "Bench workflow 079 (renamed)",
            "nodes": read.nodes, "connections": read.connections, "settings": { "executionOrder": "v1" },
        })))
        .and(body_lacks(&[
            "id",
            "active",
            "versionId",
            "createdAt",
            "updatedAt",
            "isArchived",
            "triggerCount",
        ]))
        .respond_with(ok(workflow("abc")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/executions"))
        .and(query_param("includeData", "true"))
        .and(query_param("limit", "10"))
        .respond_with(ok(json!({ "data": [execution("7")], "nextCursor": null })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/executions/7"))
        .and(query_param("includeData", "true"))
        .respond_with(ok(execution("7")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/credentials"))
        .and(body_partial_json(
            json!({ "name": "Slack", "type": "slackApi", "data": { "accessToken": "t" }, "projectId": "p" }),
        ))
        .respond_with(ok(json!({ "id": "c1", "name": "Slack", "type": "slackApi",
            "createdAt": "2026-11-23T19:39:50.841Z", "updatedAt": "2026-11-23T19:39:50.841Z" })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/nope"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "Tag not found" })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/n8n-packages/export"))
        .and(body_partial_json(json!({ "workflowIds": ["abc"] })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0x1f, 0x8b], "application/gzip"))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::new(&server.uri(), "key").unwrap();
    if let Err(e) = run(&client).await {
        for r in server.received_requests().await.unwrap_or_default() {
            eprintln!("{} {} {}", r.method, r.url, String::from_utf8_lossy(&r.body));
        }
        panic!("{e}");
    }
    assert_eq!(n8n_api::N8N_VERSION, n8n_api_tests::pinned_release());
}

#[test]
fn a_builder_error_is_an_n8n_api_error() {
    let e: n8n_api::Error = types::Node::builder()
        .name("Webhook")
        .parameters(json!(["not", "an", "object"]))
        .try_into()
        .map(|_: types::Node| ())
        .unwrap_err()
        .into();
    assert!(
        e.to_string().contains("`parameters` takes a JSON object, not an array"),
        "{e}"
    );
}
