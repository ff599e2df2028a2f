//! Spec acquisition from a running instance: what a bad URL answers, and that nothing on disk
//! changes when fetching fails.

use n8n_api_codegen::fetch;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1.1.1'}\npaths: {}\n";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/openapi.yml"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SPEC))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/html"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<!DOCTYPE html><html><body>n8n</body></html>"))
        .mount(&server)
        .await;
    server
}

async fn fetch_url(url: String) -> Result<fetch::Fetched, String> {
    tokio::task::spawn_blocking(move || fetch::from_url(&url, Some("2.40.7")).map_err(|e| e.to_string()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_spec_is_fetched_from_an_instance() {
    let server = server().await;
    let url = format!("{}/api/v1/openapi.yml", server.uri());
    let fetched = fetch_url(url.clone()).await.unwrap();
    assert_eq!(fetched.bytes, SPEC.as_bytes());
    assert_eq!(fetched.lock.source, "url");
    assert_eq!(fetched.lock.origin, url);
    assert_eq!(fetched.lock.n8n_version.as_deref(), Some("2.40.7"));
}

#[tokio::test]
async fn a_404_or_html_is_one_clear_error_and_the_spec_on_disk_stays() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let good = fetch_url(format!("{}/api/v1/openapi.yml", server.uri())).await.unwrap();
    fetch::write(&good, dir.path()).unwrap();
    let before = (
        std::fs::read(dir.path().join("openapi.yml")).unwrap(),
        std::fs::read(dir.path().join("openapi.lock.json")).unwrap(),
    );

    let missing = format!("{}/nope", server.uri());
    let e = fetch_url(missing.clone()).await.unwrap_err();
    assert_eq!(e, format!("{missing}: HTTP 404 Not Found"));
    let html = format!("{}/html", server.uri());
    let e = fetch_url(html.clone()).await.unwrap_err();
    assert_eq!(
        e,
        format!("{html}: not a valid YAML or JSON document: this is HTML or XML, not a spec")
    );
    assert_eq!(e.lines().count(), 1);

    let after = (
        std::fs::read(dir.path().join("openapi.yml")).unwrap(),
        std::fs::read(dir.path().join("openapi.lock.json")).unwrap(),
    );
    assert_eq!(before, after);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file is left behind"
    );
}
