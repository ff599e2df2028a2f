//! Exports workflows as an n8n package (streamed to a file) and imports it back (beta endpoints;
//! the instance needs `N8N_PUBLIC_API_PACKAGES_ENABLED=true`).
//!
//! `N8N_API_URL=... N8N_API_KEY=... cargo run -p n8n-api --example export_import -- <workflow id>...`

use n8n_api::multipart::FilePart;
use n8n_api::prelude::*;
use n8n_api::{ErrorBody, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut ids: Vec<String> = std::env::args().skip(1).collect();
    if ids.is_empty() {
        // No ids given: take the first workflow there is.
        let page = client.get_workflows().limit(1).send().await?;
        ids.extend(page.data.iter().map(|w| w.id.clone()));
    }
    if ids.is_empty() {
        println!("no workflows to export");
        return Ok(());
    }
    let request = types::ExportPackageRequest::builder().workflow_ids(ids);
    let export = client.export_package().body(request).send_with_response().await?;
    let path = std::env::temp_dir().join(format!("n8n-api-example-{}.n8np", std::process::id()));
    let saved = n8n_api::packages::save(export, &path).await?;
    println!(
        "exported {} bytes to {} (n8n named it {:?}; counts {:?})",
        saved.bytes,
        path.display(),
        saved.file_name,
        saved.counts
    );

    // Re-import: the workflows still exist, so `fail` reports conflicts and `skip` leaves them.
    let refused = client
        .import_package()
        .package(FilePart::path(&path))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await;
    match refused {
        Err(e) => match e.body() {
            Some(ErrorBody::ImportPackageConflict(conflict)) => {
                println!("fail policy: {} ({} issues)", conflict.message, conflict.issues.len())
            }
            _ => return Err(e.into()),
        },
        Ok(_) => println!("fail policy: imported (no conflicts)"),
    }
    let skipped = client
        .import_package()
        .package(FilePart::path(&path))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Skip)
        .send()
        .await?;
    for w in &skipped.workflows {
        println!("skip policy: {} -> {} ({})", w.source_workflow_id, w.local_id, w.status);
    }
    std::fs::remove_file(&path)?;
    Ok(())
}
