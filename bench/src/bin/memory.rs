//! Memory of package transfers: a 200 MiB export and a 200 MiB import streamed through the
//! client against a loopback server; peak RSS growth over the process's baseline must stay under
//! 32 MiB (the package is never held in memory).

use std::sync::Arc;

use bytes::Bytes;
use n8n_api::multipart::FilePart;
use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_bench::server::{Body, Request, Response, serve};
use n8n_api_bench::{mib, peak_rss, reset_peak_rss, rss};

const SIZE: u64 = 200 * 1024 * 1024;
const LIMIT_MIB: f64 = 32.0;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let import_response = Bytes::from(serde_json::to_vec(&import_response()).unwrap());
    let handler = Arc::new(move |req: Request| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/n8n-packages/export") => {
            let mut first = vec![0u8; 64 * 1024];
            first[..2].copy_from_slice(&[0x1f, 0x8b]);
            Response {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/gzip".into()),
                    (
                        "content-disposition".into(),
                        "attachment; filename=\"export.n8np\"".into(),
                    ),
                    ("x-n8n-export-counts".into(), r#"{"workflows":1}"#.into()),
                ],
                body: Body::Generated {
                    len: SIZE,
                    first: Bytes::from(first),
                    chunk: Bytes::from(vec![0u8; 64 * 1024]),
                },
            }
        }
        ("POST", "/api/v1/n8n-packages/import") => {
            assert!(req.body_len >= SIZE, "the server got {} bytes", req.body_len);
            Response::json(import_response.clone())
        }
        _ => Response {
            status: 404,
            headers: vec![],
            body: Body::Bytes(Bytes::new()),
        },
    });
    let addr = serve(handler).await;
    let client = Client::builder(&format!("http://{addr}"), "bench-key")
        .timeout(None)
        .max_upload_bytes(SIZE + 1024 * 1024)
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("big.n8np");

    // Warm-up: the first request sets up the connection pool and the runtime's buffers.
    let request: types::ExportPackageRequest = types::ExportPackageRequest::builder()
        .workflow_ids(vec!["w1".to_string()])
        .try_into()
        .unwrap();
    let warm = client.export_package().body(request.clone()).send().await.unwrap();
    drop(warm);

    let baseline = rss();
    reset_peak_rss();
    let export = client
        .export_package()
        .body(request)
        .send_with_response()
        .await
        .unwrap();
    let saved = n8n_api::packages::save(export, &package).await.unwrap();
    let export_growth = peak_rss().saturating_sub(baseline);
    assert_eq!(saved.bytes, SIZE);

    let baseline_import = rss();
    reset_peak_rss();
    let imported = client
        .import_package()
        .package(FilePart::path(&package))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::NewVersion)
        .send()
        .await
        .unwrap();
    let import_growth = peak_rss().saturating_sub(baseline_import);
    assert_eq!(imported.workflows.len(), 1);

    // Control: the meter sees a package held in memory.
    let baseline_control = rss();
    reset_peak_rss();
    let held = std::fs::read(&package).unwrap();
    let control_growth = peak_rss().saturating_sub(baseline_control);
    drop(held);
    println!(
        "control (reading the package into memory): peak RSS +{:.1} MiB",
        mib(control_growth)
    );
    assert!(
        mib(control_growth) > 150.0,
        "the RSS meter does not see a 200 MiB allocation"
    );

    let mut ok = true;
    for (what, growth, base) in [
        ("export", export_growth, baseline),
        ("import", import_growth, baseline_import),
    ] {
        let pass = mib(growth) < LIMIT_MIB;
        ok &= pass;
        println!(
            "{what} of a {} MiB package: peak RSS +{:.1} MiB over a baseline of {:.1} MiB (ratio {:.3} of the package; limit +{LIMIT_MIB} MiB) -> {}",
            SIZE / 1024 / 1024,
            mib(growth),
            mib(base),
            growth as f64 / SIZE as f64,
            if pass { "ok" } else { "OVER" }
        );
    }
    if !ok {
        std::process::exit(1);
    }
}

/// A 200 response of the import, valid for the pinned spec: one updated workflow.
fn import_response() -> serde_json::Value {
    let doc =
        n8n_api_codegen::load::from_path(&n8n_api_codegen::layout::SpecDir::of(&n8n_api_bench::root()).spec_file())
            .unwrap()
            .document;
    let schema = doc
        .pointer("/paths/~1n8n-packages~1import/post/responses/200/content/application~1json/schema")
        .unwrap();
    let mut body = n8n_api_codegen::sample::instance(&doc, schema);
    let mut item = n8n_api_codegen::sample::instance(&doc, schema.pointer("/properties/workflows/items").unwrap());
    item["status"] = serde_json::json!("updated");
    body["workflows"] = serde_json::json!([item]);
    body
}
