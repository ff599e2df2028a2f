//! Creates a workflow with a webhook trigger, activates it and calls it.
//!
//! `N8N_API_URL=... N8N_API_KEY=... cargo run -p n8n-api --example create_and_activate`

use n8n_api::prelude::*;
use n8n_api::types;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let path = format!("example-{}", std::process::id());
    let body: types::CreateWorkflowBody = serde_json::from_value(json!({
        "name": format!("n8n-api example {path}"),
        "nodes": [{
            "id": "5b2c1f0e-1c1a-4f5e-9a3b-0d6f7e8a9b01", "name": "Webhook",
            "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
            "parameters": { "path": path, "httpMethod": "POST", "responseMode": "onReceived" }
        }],
        "connections": {},
        "settings": { "executionOrder": "v1" }
    }))?;
    let created = client.create_workflow().body(body).send().await?;
    println!("created {} ({})", created.name, created.id);

    let activated = client
        .activate_workflow()
        .workflow_id(&created.id)
        .body(types::ActivateWorkflowBody::default())
        .send()
        .await?;
    println!("active: {}", activated.active);

    // The webhook registers a moment after activation.
    let url = format!("{}/webhook/{path}", client.base_url().trim_end_matches("/api/v1"));
    let http = reqwest::Client::new();
    for _ in 0..50 {
        if http
            .post(&url)
            .json(&json!({ "hello": "world" }))
            .send()
            .await?
            .status()
            .is_success()
        {
            println!("called {url}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    println!(
        "workflow {} stays active; deactivate it with client.deactivate_workflow()",
        created.id
    );
    Ok(())
}
