//! Lists every workflow, page by page, as a stream (`TryStreamExt` comes with the prelude).
//!
//! `N8N_API_URL=http://127.0.0.1:5678 N8N_API_KEY=... cargo run -p n8n-api --example list_workflows`

use n8n_api::prelude::*;

#[tokio::main]
async fn main() -> Result<(), n8n_api::Error> {
    let client = Client::from_env()?;
    let mut workflows = client.get_workflows().limit(250).stream();
    let mut count = 0;
    while let Some(workflow) = workflows.try_next().await? {
        println!("{}  {}  active={}", workflow.id, workflow.name, workflow.active);
        count += 1;
    }
    println!("{count} workflows");
    Ok(())
}
