//! The client's request event (`tracing`, target `n8n_api::request`), against a mock server. A
//! test binary of its own: tracing caches per call site, process-wide, whether anyone listens,
//! which tests running beside it without a subscriber would race with.

use n8n_api::prelude::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Each finished request is one `tracing` event (target `n8n_api::request`) with the operation,
/// the status and the outcome; the key never appears in it.
#[tokio::test]
async fn every_finished_request_emits_one_tracing_event() {
    use n8n_api_tests::coverage::{Record, Recorder};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "t1", "name": "t1" })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" })))
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let _guard = tracing::subscriber::set_default(Recorder::new(move |r| sink.lock().unwrap().push(r)));
    let client = Client::new(&server.uri(), "test-key-0123456789").unwrap();
    client.get_tag().tag_id("t1").send().await.unwrap();
    client.get_tag().tag_id("gone").send().await.unwrap_err();
    let seen = seen.lock().unwrap();
    let summary: Vec<(String, Option<u16>, String)> = seen
        .iter()
        .map(|r| match r {
            Record::Request {
                operation,
                status,
                outcome,
                ..
            } => (operation.clone(), *status, outcome.clone()),
            other => panic!("only request records, got {other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("getTag".to_string(), Some(200), "ok".to_string()),
            ("getTag".to_string(), Some(404), "error".to_string())
        ]
    );
}
