//! The client against a mock n8n (`n8n-api-mock`): auth, base URLs, errors, retries,
//! pagination, and the package endpoints for every status the spec gives them.

use std::time::Duration;

use futures::StreamExt;
use n8n_api::multipart::FilePart;
use n8n_api::prelude::*;
use n8n_api::{ErrorBody, ErrorKind, RetryPolicy, types};
use n8n_api_mock::wiremock::ResponseTemplate;
use n8n_api_mock::{MockN8n, Sample};
use serde_json::{Value, json};

const KEY: &str = "test-key-0123456789";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn tag(id: &str) -> types::Tag {
    let mut tag = types::Tag::sample();
    tag.id = id.into();
    tag.name = format!("tag {id}");
    tag
}

#[tokio::test]
async fn sends_the_api_key_to_the_api_base() {
    let mock = MockN8n::start_with_base_path("/n8n").await.unwrap();
    let get = mock.get_tag().tag_id("t1").header("x-n8n-api-key", KEY).times(1);
    get.responds(&tag("t1")).await;
    let client = Client::new(&format!("{}/", mock.url()), KEY).unwrap();
    assert_eq!(client.base_url(), format!("{}/api/v1", mock.url()));
    assert!(client.base_url().ends_with("/n8n/api/v1"));
    assert_eq!(client.get_tag().tag_id("t1").send().await.unwrap().name, "tag t1");
}

#[tokio::test]
async fn bearer_auth_is_an_alternative() {
    let mock = MockN8n::start().await;
    let bearer = format!("Bearer {KEY}");
    mock.get_tag()
        .header("authorization", &bearer)
        .times(1)
        .responds(&tag("t1"))
        .await;
    let client = Client::builder(mock.url(), KEY).bearer_auth().build().unwrap();
    client.get_tag().tag_id("t1").send().await.unwrap();
}

#[tokio::test]
async fn error_statuses_carry_status_message_and_operation() {
    let mock = MockN8n::start().await;
    let not_found = json!({ "message": "Tag not found", "code": "NOT_FOUND" });
    mock.get_tag()
        .tag_id("missing")
        .responds_with_status(404, &not_found)
        .await;
    mock.get_tag()
        .tag_id("empty")
        .responds_with(ResponseTemplate::new(400))
        .await;
    let client = mock.client();
    let e = client.get_tag().tag_id("missing").send().await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 404);
    assert_eq!(e.message(), Some("Tag not found"));
    assert!(matches!(e.kind(), ErrorKind::Api { code: Some(c), .. } if c == "NOT_FOUND"));
    assert_eq!(e.to_string(), "getTag: 404 Not Found: Tag not found");
    assert!(
        matches!(e.body(), Some(ErrorBody::Error(b)) if b.message == "Tag not found"),
        "n8n's error body is typed"
    );
    let e = client.get_tag().tag_id("empty").send().await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 400);
    assert_eq!(e.message(), None);
    assert_eq!(e.to_string(), "getTag: 400 Bad Request");
}

#[tokio::test]
async fn a_garbage_success_body_is_a_decode_error_with_the_spot() {
    let mock = MockN8n::start().await;
    let body = r#"{"id": "t1", "name": "x", "createdAt": 5}"#;
    let garbage = ResponseTemplate::new(200).set_body_raw(body, "application/json");
    mock.get_tag().responds_with(garbage).await;
    let e = mock.client().get_tag().tag_id("t1").send().await.unwrap_err();
    match e.kind() {
        ErrorKind::Decode { excerpt, .. } => assert!(excerpt.contains("\"createdAt\": 5"), "{excerpt}"),
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with("getTag: the response does not match the spec: "),
        "{e}"
    );
}

#[tokio::test]
async fn retries_then_succeeds() {
    let mock = MockN8n::start().await;
    mock.get_tag()
        .up_to_n_times(2)
        .responds_with(ResponseTemplate::new(503))
        .await;
    mock.get_tag().times(1).responds(&tag("t1")).await;
    let tag = mock.client().get_tag().tag_id("t1").send().await.unwrap();
    assert_eq!(tag.id, "t1");
    assert_eq!(mock.received_requests().len(), 3);
}

#[tokio::test]
async fn gives_up_and_says_how_many_attempts() {
    let mock = MockN8n::start().await;
    mock.get_tag().times(4).responds_with(ResponseTemplate::new(503)).await;
    let client = Client::builder(mock.url(), KEY)
        .retry(fast_retries().max_attempts(4))
        .build()
        .unwrap();
    let e = client.get_tag().tag_id("t1").send().await.unwrap_err();
    assert_eq!(e.attempts(), 4);
    assert_eq!(e.status().unwrap().as_u16(), 503);
    assert_eq!(e.to_string(), "getTag: 503 Service Unavailable (after 4 attempts)");
}

#[tokio::test]
async fn post_is_not_retried_unless_asked() {
    let mock = MockN8n::start().await;
    mock.create_tag()
        .times(4)
        .responds_with(ResponseTemplate::new(502))
        .await;
    let body = || types::CreateTagBody::builder().name("x");
    let e = mock.client().create_tag().body(body()).send().await.unwrap_err();
    assert_eq!(e.attempts(), 1);
    let opted = Client::builder(mock.url(), KEY)
        .retry(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    let e = opted.create_tag().body(body()).send().await.unwrap_err();
    assert_eq!(e.attempts(), 3);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_is_not_waited_for() {
    let mock = MockN8n::start().await;
    let slow_down = mock.get_tag().response_header("retry-after", "120");
    slow_down
        .responds_with_status(429, &json!({ "message": "slow down" }))
        .await;
    let client = Client::builder(mock.url(), KEY)
        .retry(fast_retries().budget(Duration::from_secs(5)))
        .build()
        .unwrap();
    let e = client.get_tag().tag_id("t1").send().await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 429);
    assert_eq!(e.attempts(), 1, "a 120 s Retry-After exceeds the 5 s budget");
}

#[tokio::test]
async fn connection_failures_are_retried_and_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(&format!("http://127.0.0.1:{port}"), KEY)
        .retry(fast_retries())
        .build()
        .unwrap();
    let e = client.get_tag().tag_id("t1").send().await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Transport(_)), "{e:?}");
    assert_eq!(e.attempts(), 3);
    assert!(e.to_string().starts_with("getTag: request failed: "), "{e}");
    assert!(!format!("{e:?}").contains(KEY));
}

fn page(ids: &[&str], next: Option<&str>) -> types::GetTagsResponse {
    types::GetTagsResponse {
        data: ids.iter().map(|i| tag(i)).collect(),
        next_cursor: next.map(str::to_string),
        ..Default::default()
    }
}

#[tokio::test]
async fn pagination_streams_every_page_lazily() {
    let mock = MockN8n::start().await;
    let tags: Vec<types::Tag> = ["a", "b", "c", "d", "e"].into_iter().map(tag).collect();
    let list = mock.get_tags().limit(2).responds_paginated(&tags, 100).await;
    let client = mock.client();
    let all = client.get_tags().limit(2).collect_all().await.unwrap();
    assert_eq!(
        all.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c", "d", "e"]
    );
    let requests = list.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        let limit = r
            .url
            .query_pairs()
            .find(|(k, _)| k == "limit")
            .map(|(_, v)| v.into_owned());
        assert_eq!(
            limit.as_deref(),
            Some("2"),
            "an integer on the wire, not `2.0`: {}",
            r.url
        );
    }
    // Lazy: the first two items need one page.
    let first: Vec<_> = client.get_tags().limit(2).stream().take(2).collect().await;
    assert_eq!(first.len(), 2);
    assert_eq!(list.requests().len(), 4);
}

#[tokio::test]
async fn an_empty_page_with_a_cursor_does_not_end_the_stream() {
    let mock = MockN8n::start().await;
    mock.get_tags().responds(&page(&["a", "b"], Some("c1"))).await;
    mock.get_tags().cursor("c1").responds(&page(&[], Some("c2"))).await;
    mock.get_tags().cursor("c2").responds(&page(&["c"], None)).await;
    let all = mock.client().get_tags().collect_all().await.unwrap();
    assert_eq!(all.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let mock = MockN8n::start().await;
    mock.get_tags().responds(&page(&["a"], Some("c1"))).await;
    let unauthorized = json!({ "message": "Unauthorized" });
    mock.get_tags()
        .cursor("c1")
        .responds_with_status(401, &unauthorized)
        .await;
    let items: Vec<_> = mock.client().get_tags().stream().collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().status().unwrap().as_u16(), 401);
}

// ---- packages ----------------------------------------------------------------------------

fn gzip_bytes(len: usize) -> Vec<u8> {
    let mut v = vec![0x1f, 0x8b, 8, 0];
    v.resize(len, 0);
    v
}

fn spec() -> Value {
    let path = n8n_api_tests::specs().spec_file();
    n8n_api_codegen::load::from_path(&path).unwrap().document
}

fn sample(doc: &Value, schema: &Value) -> Value {
    n8n_api_codegen::sample::instance(doc, schema)
}

/// A mock whose package import answers `status` with `body` (none: an empty body).
async fn import_mock(status: u16, body: Option<Value>) -> MockN8n {
    let mock = MockN8n::start().await;
    let import = mock.import_package();
    match body {
        Some(b) => import.responds_with_status(status, &b).await,
        None => import.responds_with(ResponseTemplate::new(status)).await,
    };
    mock
}

fn import(client: &Client) -> n8n_api::builder::ImportPackage<'_> {
    client
        .import_package()
        .package(FilePart::bytes(gzip_bytes(64)))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
}

#[tokio::test]
async fn import_200_decodes_every_field_and_sends_a_proper_form() {
    let doc = spec();
    let schema = doc
        .pointer("/paths/~1n8n-packages~1import/post/responses/200/content/application~1json/schema")
        .unwrap();
    let mut body = sample(&doc, schema);
    let mut item = sample(&doc, schema.pointer("/properties/workflows/items").unwrap());
    item["localId"] = json!("l1");
    item["status"] = json!("created");
    body["workflows"] = json!([item]);
    let mock = MockN8n::start().await;
    // The form the client must send: each field as n8n reads it.
    let import_mock = mock
        .import_package()
        .package(gzip_bytes(64))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .project_id("p1")
        .workflow_id_policy(types::ImportPackageWorkflowIdPolicy::Source)
        .bindings(&json!({ "credentials": { "a": "b" } }))
        .times(1);
    let mounted = import_mock.responds_with_status(200, &body).await;
    let r = import(&mock.client())
        .project_id("p1")
        .bindings(&json!({ "credentials": { "a": "b" } }))
        .workflow_id_policy(types::ImportPackageWorkflowIdPolicy::Source)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.workflows[0].status,
        types::ImportPackageResponseWorkflowsItemStatus::Created
    );
    assert_eq!(r.workflows[0].local_id, "l1");
    let req = &mounted.requests()[0];
    let ct = req.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = String::from_utf8_lossy(&req.body);
    assert!(text.contains("name=\"package\"; filename=\"package\""), "{text}");
}

#[tokio::test]
async fn import_streams_a_package_from_a_stream() {
    let mock = MockN8n::start().await;
    let mut content = gzip_bytes(10);
    content.extend([7u8; 100]);
    let conflict = json!({ "message": "Import blocked", "issues": [] });
    let mounted = mock
        .import_package()
        .package(&content)
        .times(1)
        .responds_with_status(409, &conflict)
        .await;
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from(gzip_bytes(10))),
        Ok(bytes::Bytes::from(vec![7u8; 100])),
    ];
    let part = FilePart::stream(futures::stream::iter(chunks), 110).file_name("p.n8np");
    let e = mock
        .client()
        .import_package()
        .package(part)
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 409);
    assert!(String::from_utf8_lossy(&mounted.requests()[0].body).contains("filename=\"p.n8np\""));
}

#[tokio::test]
async fn import_409_and_422_are_typed_for_every_issue_type() {
    let doc = spec();
    let variants = doc
        .pointer("/components/schemas/importBlockingIssue/oneOf")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert!(variants.len() >= 4);
    let issues: Vec<Value> = variants.iter().map(|v| sample(&doc, v)).collect();
    let mut tags: Vec<String> = issues.iter().map(|i| i["type"].as_str().unwrap().to_string()).collect();
    // The server's answer, typed: each sampled issue decodes into its variant.
    let blocked = types::ImportPackageConflict {
        message: "Import blocked".into(),
        issues: issues
            .iter()
            .map(|i| serde_json::from_value(i.clone()).unwrap())
            .collect(),
        extra: Default::default(),
    };
    for status in [409u16, 422] {
        let mock = MockN8n::start().await;
        match status {
            409 => mock.import_package().responds_conflict(&blocked).await,
            _ => mock.import_package().responds_unprocessable_entity(&blocked).await,
        };
        let e = import(&mock.client()).send().await.unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.message(), Some("Import blocked"));
        let decoded = match (status, e.body()) {
            (409, Some(ErrorBody::ImportPackageConflict(c))) => &c.issues,
            (422, Some(ErrorBody::ImportPackageUnprocessableEntity(c))) => &c.issues,
            other => panic!("status {status}: {other:?}"),
        };
        assert_eq!(decoded.len(), issues.len());
        for (issue, json) in decoded.iter().zip(&issues) {
            assert!(
                !matches!(issue, types::ImportBlockingIssue::Unrecognized(_)),
                "{json} decoded as unrecognized"
            );
            assert_eq!(serde_json::to_value(issue).unwrap()["type"], json["type"]);
        }
    }
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), variants.len(), "every issue type is distinct");
}

#[tokio::test]
async fn import_unknown_issue_types_fall_back() {
    let body = json!({ "message": "Import blocked", "issues": [ { "type": "from-the-future", "x": 1 } ] });
    let mock = import_mock(422, Some(body)).await;
    let e = import(&mock.client()).send().await.unwrap_err();
    match e.body() {
        Some(ErrorBody::ImportPackageUnprocessableEntity(c)) => {
            assert!(
                matches!(&c.issues[0], types::ImportBlockingIssue::Unrecognized(m) if m["type"] == "from-the-future")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn import_400_401_403_404_carry_n8ns_message() {
    for status in [400u16, 401, 403, 404] {
        let mock = import_mock(status, Some(json!({ "message": format!("m{status}") }))).await;
        let e = import(&mock.client()).send().await.unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.message(), Some(format!("m{status}").as_str()));
        // n8n's error body, typed (the `error-bodies` spec patch).
        assert!(
            matches!(e.body(), Some(ErrorBody::Error(b)) if b.message == format!("m{status}")),
            "{e:?}"
        );
    }
    let mock = import_mock(400, None).await;
    let e = import(&mock.client()).send().await.unwrap_err();
    assert_eq!((e.status().unwrap().as_u16(), e.message()), (400, None));
}

#[tokio::test]
async fn import_refuses_before_sending_what_n8n_would_refuse() {
    // No request may reach the server: the mock expects none, and any other would go unmatched.
    let mock = MockN8n::start().await;
    mock.import_package()
        .times(0)
        .responds_with_status(200, &json!({}))
        .await;
    let small = Client::builder(mock.url(), KEY).max_upload_bytes(1000).build().unwrap();
    let e = small
        .import_package()
        .package(FilePart::bytes(gzip_bytes(2000)))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::InvalidRequest(m) if m.contains("over the limit of 1000 bytes")),
        "{e}"
    );
    let client = mock.client();
    let not_gzip = client.import_package().package(FilePart::bytes(b"not gzip".to_vec()));
    let e = not_gzip
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is not a gzip archive"), "{e}");
    let e = client
        .import_package()
        .package(FilePart::bytes(gzip_bytes(10)))
        .send()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("missing required form field(s): workflowConflictPolicy"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let e = client
        .import_package()
        .package(FilePart::path(dir.path().join("nope.n8np")))
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nope.n8np"), "{e}");
}

#[tokio::test]
async fn export_refuses_more_workflows_than_the_spec_allows() {
    let mock = MockN8n::start().await;
    mock.export_package().times(0).responds(Vec::new()).await;
    let export = |ids: Vec<String>| {
        let client = mock.client();
        async move {
            let body = types::ExportPackageRequest::builder().workflow_ids(ids);
            client.export_package().body(body).send().await.map(|_| ()).unwrap_err()
        }
    };
    let e = export((0..301).map(|i| format!("w{i}")).collect()).await;
    assert_eq!(
        e.to_string(),
        "exportPackage: invalid request: `workflowIds` takes at most 300 items, not 301"
    );
    let e = export(vec!["w1".into(), String::new()]).await;
    assert_eq!(
        e.to_string(),
        "exportPackage: invalid request: `workflowIds[1]` takes at least 1 character, not 0",
        "empty ids are refused"
    );
}

#[tokio::test]
async fn export_streams_to_a_file_with_its_name_and_counts() {
    let mock = MockN8n::start().await;
    let payload = gzip_bytes(300_000);
    let ids = || vec!["w1".to_string(), "w2".to_string()];
    let request = || types::ExportPackageRequest::builder().workflow_ids(ids());
    let counts = r#"{"workflows":2,"folders":0,"credentials":1,"dataTables":0,"variables":0,"tags":0}"#;
    mock.export_package()
        .body(request())
        .response_header("content-disposition", "attachment; filename=\"export.n8np\"")
        .response_header("x-n8n-export-counts", counts)
        .times(1)
        .responds(payload.clone())
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.n8np");
    let export = mock
        .client()
        .export_package()
        .body(request())
        .send_with_response()
        .await
        .unwrap();
    let saved = n8n_api::packages::save(export, &out).await.unwrap();
    assert_eq!(saved.bytes, payload.len() as u64);
    assert_eq!(saved.file_name.as_deref(), Some("export.n8np"));
    let counts = saved.counts.unwrap();
    assert_eq!((counts.workflows, counts.credentials), (2, 1));
    assert_eq!(std::fs::read(&out).unwrap(), payload);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file is left behind"
    );
}
