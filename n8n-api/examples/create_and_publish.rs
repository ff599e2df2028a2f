//! Creates a workflow with a webhook trigger, publishes it and calls it.
//!
//! `N8N_API_URL=... N8N_API_KEY=... cargo run -p n8n-api --example create_and_publish`

use n8n_api::prelude::*;
use n8n_api::types;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let path = format!("example-{}", std::process::id());
    let webhook: types::Node = types::Node::builder()
        .id("5b2c1f0e-1c1a-4f5e-9a3b-0d6f7e8a9b01")
        .name("Webhook")
        .type_("n8n-nodes-base.webhook")
        .type_version(2.0)
        .position(vec![0.0, 0.0])
        .parameters(json!({ "path": path, "httpMethod": "POST", "responseMode": "onReceived" }))
        .try_into()?;
    let body = types::CreateWorkflowBody::builder()
        .name(format!("n8n-api example {path}"))
        .nodes(vec![webhook])
        .connections(json!({}))
        .settings(types::WorkflowBodySettings::builder().execution_order("v1"));
    let created = client.create_workflow().body(body).send().await?;
    println!("created {} ({})", created.name, created.id);

    // Publishing makes the current version the one that runs (n8n 1.x called it activating).
    let published = client.publish_workflow().workflow_id(&created.id).send().await?;
    println!("active: {}", published.active);

    // The webhook registers a moment after publishing.
    let url = format!("{}/webhook/{path}", client.base_url().trim_end_matches("/api/v1"));
    let http = reqwest::Client::new();
    for _ in 0..50 {
        let answer = http.post(&url).json(&json!({ "hello": "world" })).send().await?;
        if answer.status().is_success() {
            println!("called {url}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    println!(
        "workflow {} stays published; unpublish it with client.unpublish_workflow()",
        created.id
    );
    Ok(())
}
