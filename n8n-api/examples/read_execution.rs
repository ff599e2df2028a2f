//! Reads the newest execution with its data.
//!
//! `N8N_API_URL=... N8N_API_KEY=... cargo run -p n8n-api --example read_execution`

use n8n_api::prelude::*;

#[tokio::main]
async fn main() -> Result<(), n8n_api::Error> {
    let client = Client::from_env()?;
    let page = client.get_executions().limit(1).send().await?;
    let Some(latest) = page.data.first() else {
        println!("no executions yet");
        return Ok(());
    };
    let execution = client
        .get_execution()
        .execution_id(&latest.id)
        .include_data(true)
        .send()
        .await?;
    println!(
        "execution {} of workflow {}: {:?}, stopped at {:?}",
        execution.id, execution.workflow_id, execution.status, execution.stopped_at
    );
    if let Some(data) = &execution.data {
        let keys: Vec<&String> = data.extra.keys().collect();
        println!("data: {keys:?}");
    }
    Ok(())
}
