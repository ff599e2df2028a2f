//! Reads the newest execution with its data.
//!
//! `N8N_API_URL=... N8N_API_KEY=... cargo run -p n8n-api --example read_execution`

use n8n_api::prelude::*;
use n8n_api::types;

#[tokio::main]
async fn main() -> Result<(), n8n_api::Error> {
    let client = Client::from_env()?;
    let page = client.get_executions().limit(1.0).send().await?;
    let Some(latest) = page.data.first() else {
        println!("no executions yet");
        return Ok(());
    };
    let id = latest
        .id
        .parse::<std::num::NonZeroU64>()
        .expect("n8n execution ids are positive integers");
    let execution = client
        .get_execution()
        .execution_id(id)
        .include_data(types::GetExecutionIncludeData::True)
        .send()
        .await?;
    println!(
        "execution {} of workflow {}: {:?}, finished {}",
        execution.id, execution.workflow_id, execution.status, execution.finished
    );
    if let Some(data) = &execution.data {
        let keys: Vec<&String> = data.extra.keys().collect();
        println!("data: {keys:?}");
    }
    Ok(())
}
