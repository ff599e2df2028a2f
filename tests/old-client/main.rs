//! Old client, new server: reads a real n8n through the client generated from the spec of an
//! older kept release (n8n 2.35.0, `spec/history/2.35.0`), the way a program built against that
//! release does after the server was upgraded. The end-to-end step of `cargo xtask test` builds
//! it against `cargo xtask generate --spec spec/history/2.35.0/openapi.yml` and runs it against
//! the test instance, after the examples left a workflow and an execution there.
//!
//! Every call must succeed and decode: an older spec that was wrong about what the server sends
//! (execution ids typed as numbers, say) is made tolerant by a normalization rule, not here.

use n8n_api::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let release = n8n_api::N8N_VERSION;

    let workflows = client.get_workflows().limit(100).send().await?;
    let first = workflows.data.first().ok_or("the instance has no workflow to read")?;
    let workflow = client.get_workflow().workflow_id(&first.id).send().await?;
    println!("{release} client: workflow {} ({})", workflow.id, workflow.name);

    let executions = client.get_executions().include_data(true).limit(10).send().await?;
    let latest = executions.data.first().ok_or("the instance has no execution to read")?;
    // 2.35.0's spec does not promise an execution's id: it is an `Option` in that client.
    let id = latest.id.as_deref().ok_or("an execution without an id")?;
    let execution = client.get_execution().execution_id(id).include_data(true).send().await?;
    println!(
        "{release} client: execution {id} of workflow {:?} with data: {}",
        execution.workflow_id,
        execution.data.is_some()
    );

    let tags = client.get_tags().send().await?;
    let users = client.get_users().send().await?;
    let credentials = client.get_credentials().send().await?;
    println!(
        "{release} client: {} tags, {} users, {} credentials",
        tags.data.len(),
        users.data.len(),
        credentials.data.len()
    );
    Ok(())
}
