//! The mock crate (`n8n-api-mock`) against the spec and the client: every operation of the
//! spec has its mock, by name and count, and every mock answers its own operation's method and
//! path (below an instance prefix too).

use std::collections::BTreeSet;

use n8n_api_codegen::load;
use n8n_api_mock::MockN8n;
use n8n_api_tests::{compact_source, raw_operations, root};
use serde_json::json;

fn pinned_operations() -> Vec<(String, String)> {
    raw_operations(&load::from_path(&n8n_api_tests::specs().spec_file()).unwrap().document)
}

#[test]
fn every_operation_of_the_spec_has_its_mock() {
    let raw = pinned_operations();
    assert!(!raw.is_empty());
    assert_eq!(n8n_api::OPERATIONS.len(), raw.len(), "the client has every operation");
    assert_eq!(
        n8n_api_mock::OPERATIONS.len(),
        raw.len(),
        "the mock has every operation"
    );
    let generated = compact_source("n8n-api-mock/src/generated.rs");
    let mut methods = BTreeSet::new();
    for (method, path) in &raw {
        let op = n8n_api::OPERATIONS
            .iter()
            .find(|o| o.method == method && n8n_api_tests::route(o.path) == n8n_api_tests::route(path))
            .unwrap_or_else(|| panic!("{method} {path} has no operation in the client"));
        let mocked = n8n_api_mock::OPERATIONS
            .iter()
            .find(|m| m.id == op.id)
            .unwrap_or_else(|| panic!("{} ({method} {path}) has no mock", op.id));
        assert_eq!(
            mocked.mock_method, op.client_method,
            "{}: named as the client's method",
            op.id
        );
        let signature = format!("pubfn{}(&self,)->crate::OperationMock<'_,operation::", op.client_method);
        let signature_short = format!("pubfn{}(&self)->crate::OperationMock<'_,operation::", op.client_method);
        assert!(
            generated.contains(&signature) || generated.contains(&signature_short),
            "{}: no method `MockN8n::{}`",
            op.id,
            op.client_method
        );
        assert!(methods.insert(op.client_method), "{} is mocked twice", op.client_method);
    }
    assert_eq!(methods.len(), raw.len());
}

/// Each operation's mock, mounted together on one server below `/n8n`, answers exactly the
/// request to its own method and path (path parameters filled in), and nothing else.
#[tokio::test]
async fn every_mock_answers_its_own_method_and_path() {
    let mock = MockN8n::start_with_base_path("/n8n").await.unwrap();
    assert!(mock.url().ends_with("/n8n"), "{}", mock.url());
    for mocked in n8n_api_mock::OPERATIONS {
        mocked
            .mock(&mock)
            .times(1)
            .responds_with_status(200, &json!({ "operation": mocked.id }))
            .await;
    }
    let http = reqwest::Client::new();
    for op in n8n_api::OPERATIONS {
        let path: String = op
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "p-1" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("{}/api/v1{path}", mock.url());
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let response = http.request(method, &url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{} {url}", op.method);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["operation"], op.id,
            "{} {url} was answered by another mock",
            op.method
        );
    }
    // Dropping the mock checks each mock answered exactly once and no request went unmatched.
}

/// The names of the impl blocks of `code` (`impl<'a> GetTags<'a> {` -> `GetTags`, `impl<'m>
/// crate::OperationMock<'m, operation::GetTags> {` -> `GetTags`) that define `method`.
fn impls_defining(code: &str, method: &str) -> BTreeSet<String> {
    let mut current = None;
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim();
        if let Some(header) = line
            .strip_prefix("impl<'a> ")
            .or_else(|| line.strip_prefix("impl<'m> "))
        {
            let name = header.rsplit("operation::").next().unwrap_or(header);
            current = Some(name.split(['<', '>', ' ']).next().unwrap_or(name).to_string());
        }
        if line.starts_with(&format!("pub fn {method}(")) || line.starts_with(&format!("pub async fn {method}(")) {
            out.extend(current.clone());
        }
    }
    out
}

#[test]
fn every_list_the_client_streams_has_a_paginated_mock() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    let streamed = impls_defining(&read("n8n-api/src/generated.rs"), "stream");
    let paginated = impls_defining(&read("n8n-api-mock/src/generated.rs"), "responds_paginated");
    assert!(streamed.contains("GetWorkflows"), "{streamed:?}");
    assert_eq!(paginated, streamed);
}
