//! The client against a mock server (wiremock): auth, base URLs, errors, retries, pagination,
//! and the package endpoints for every status the spec gives them.

use std::time::Duration;

use futures::StreamExt;
use n8n_api::multipart::FilePart;
use n8n_api::prelude::*;
use n8n_api::{ErrorBody, ErrorKind, RetryPolicy, types};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "test-key-0123456789";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    Client::builder(&server.uri(), KEY)
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn tag_json(id: &str) -> Value {
    json!({ "id": id, "name": format!("tag {id}"), "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z" })
}

#[tokio::test]
async fn sends_the_api_key_to_the_api_base() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/n8n/api/v1/tags/t1"))
        .and(header("x-n8n-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(tag_json("t1")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&format!("{}/n8n/", server.uri()), KEY).unwrap();
    assert_eq!(client.base_url(), format!("{}/n8n/api/v1", server.uri()));
    let tag = client.get_tag().tag_id("t1").send().await.unwrap();
    assert_eq!(tag.name, "tag t1");
}

#[tokio::test]
async fn bearer_auth_is_an_alternative() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(tag_json("t1")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(&server.uri(), KEY).bearer_auth().build().unwrap();
    client.get_tag().tag_id("t1").send().await.unwrap();
}

#[tokio::test]
async fn error_statuses_carry_status_message_and_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({ "message": "Tag not found", "code": "NOT_FOUND" })),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/empty"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let client = client(&server);
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
    let server = MockServer::start().await;
    let body = format!("{{\"id\": \"t1\", \"name\": {}, \"createdAt\": 5}}", "\"x\"");
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let e = client(&server).get_tag().tag_id("t1").send().await.unwrap_err();
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
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tag_json("t1")))
        .with_priority(2)
        .mount(&server)
        .await;
    let tag = client(&server).get_tag().tag_id("t1").send().await.unwrap();
    assert_eq!(tag.id, "t1");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn gives_up_and_says_how_many_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = Client::builder(&server.uri(), KEY)
        .retry(fast_retries().max_attempts(4))
        .build()
        .unwrap();
    let e = client.get_tag().tag_id("t1").send().await.unwrap_err();
    assert_eq!(e.attempts(), 4);
    assert_eq!(e.status().unwrap().as_u16(), 503);
    assert_eq!(e.to_string(), "getTag: 503 Service Unavailable (after 4 attempts)");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn post_is_not_retried_unless_asked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tags"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let body = || types::CreateTagBody::builder().name("x");
    let e = client(&server).create_tag().body(body()).send().await.unwrap_err();
    assert_eq!(e.attempts(), 1);
    let opted = Client::builder(&server.uri(), KEY)
        .retry(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    let e = opted.create_tag().body(body()).send().await.unwrap_err();
    assert_eq!(e.attempts(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags/t1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let client = Client::builder(&server.uri(), KEY)
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

#[tokio::test]
async fn pagination_streams_every_page_lazily() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| json!({ "data": ids.iter().map(|i| tag_json(i)).collect::<Vec<_>>(), "nextCursor": next });
    for (cursor, body) in [
        (None, page(&["a", "b"], Some("c1"))),
        (Some("c1"), page(&["c"], Some("c2"))),
        (Some("c2"), page(&[], Some("c3"))),
        (Some("c3"), page(&["d"], None)),
    ] {
        let m = Mock::given(method("GET"))
            .and(path("/api/v1/tags"))
            .and(query_param("limit", "2")); // an integer on the wire, not `2.0`
        let m = match cursor {
            Some(c) => m.and(query_param("cursor", c)),
            None => m.and(query_param_is_missing("cursor")),
        };
        m.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let all = client.get_tags().limit(2).collect_all().await.unwrap();
    assert_eq!(
        all.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c", "d"]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    // Lazy: the first two items need one page.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], Some("c1"))))
        .mount(&server)
        .await;
    let first: Vec<_> = client.get_tags().limit(2).stream().take(2).collect().await;
    assert_eq!(first.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": [tag_json("a")], "nextCursor": "c1" })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tags"))
        .and(query_param("cursor", "c1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "message": "Unauthorized" })))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).get_tags().stream().collect().await;
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
    let path = n8n_api_tests::root().join("spec/openapi.yml");
    n8n_api_codegen::load::from_path(&path).unwrap().document
}

fn sample(doc: &Value, schema: &Value) -> Value {
    n8n_api_codegen::sample::instance(doc, schema)
}

async fn import_server(status: u16, body: Option<Value>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let response = match body {
        Some(b) => ResponseTemplate::new(status).set_body_json(b),
        None => ResponseTemplate::new(status),
    };
    Mock::given(method("POST"))
        .and(path("/api/v1/n8n-packages/import"))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
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
    let item_schema = schema.pointer("/properties/workflows/items").unwrap();
    let mut item = sample(&doc, item_schema);
    item["localId"] = json!("l1");
    item["status"] = json!("created");
    body["workflows"] = json!([item]);
    let (server, client) = import_server(200, Some(body)).await;
    let r = import(&client)
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
    let req = &server.received_requests().await.unwrap()[0];
    let ct = req.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = String::from_utf8_lossy(&req.body);
    for (name, value) in [
        ("workflowConflictPolicy", "fail"),
        ("projectId", "p1"),
        ("workflowIdPolicy", "source"),
        ("bindings", r#"{"credentials":{"a":"b"}}"#),
    ] {
        assert!(
            text.contains(&format!("name=\"{name}\"\r\n\r\n{value}\r\n")),
            "{name} missing in\n{text}"
        );
    }
    assert!(text.contains("name=\"package\"; filename=\"package\""), "{text}");
}

#[tokio::test]
async fn import_streams_a_package_from_a_stream() {
    let (server, client) = import_server(409, Some(json!({ "message": "Import blocked", "issues": [] }))).await;
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from(gzip_bytes(10))),
        Ok(bytes::Bytes::from(vec![7u8; 100])),
    ];
    let part = FilePart::stream(futures::stream::iter(chunks), 110).file_name("p.n8np");
    let e = client
        .import_package()
        .package(part)
        .workflow_conflict_policy(types::ImportPackageWorkflowConflictPolicy::Fail)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 409);
    let req = &server.received_requests().await.unwrap()[0];
    let body = &req.body;
    assert!(
        body.windows(100).any(|w| w.iter().all(|b| *b == 7)),
        "the streamed bytes were sent"
    );
    assert!(String::from_utf8_lossy(body).contains("filename=\"p.n8np\""));
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
    for status in [409u16, 422] {
        let (_server, client) =
            import_server(status, Some(json!({ "message": "Import blocked", "issues": issues }))).await;
        let e = import(&client).send().await.unwrap_err();
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
    let (_server, client) = import_server(422, Some(body)).await;
    let e = import(&client).send().await.unwrap_err();
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
        let (_s, client) = import_server(status, Some(json!({ "message": format!("m{status}") }))).await;
        let e = import(&client).send().await.unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.message(), Some(format!("m{status}").as_str()));
        // n8n's error body, typed (the `error-bodies` spec patch).
        assert!(
            matches!(e.body(), Some(ErrorBody::Error(b)) if b.message == format!("m{status}")),
            "{e:?}"
        );
    }
    let (_s, client) = import_server(400, None).await;
    let e = import(&client).send().await.unwrap_err();
    assert_eq!((e.status().unwrap().as_u16(), e.message()), (400, None));
}

#[tokio::test]
async fn import_refuses_before_sending_what_n8n_would_refuse() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let small = Client::builder(&server.uri(), KEY)
        .max_upload_bytes(1000)
        .build()
        .unwrap();
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
    let client = client(&server);
    let e = client
        .import_package()
        .package(FilePart::bytes(b"not gzip".to_vec()))
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let ids: Vec<String> = (0..301).map(|i| format!("w{i}")).collect();
    let export = |ids: Vec<String>| {
        let client = client(&server);
        async move {
            let body = types::ExportPackageRequest::builder().workflow_ids(ids);
            client.export_package().body(body).send().await.map(|_| ()).unwrap_err()
        }
    };
    let e = export(ids).await;
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
    let server = MockServer::start().await;
    let payload = gzip_bytes(300_000);
    Mock::given(method("POST"))
        .and(path("/api/v1/n8n-packages/export"))
        .and(body_string_contains("\"workflowIds\":[\"w1\",\"w2\"]"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(payload.clone(), "application/gzip")
                .insert_header("content-disposition", "attachment; filename=\"export.n8np\"")
                .insert_header(
                    "x-n8n-export-counts",
                    r#"{"workflows":2,"folders":0,"credentials":1,"dataTables":0,"variables":0,"tags":0}"#,
                ),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.n8np");
    let request = types::ExportPackageRequest::builder().workflow_ids(vec!["w1".to_string(), "w2".to_string()]);
    let export = client.export_package().body(request).send().await.unwrap();
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
