//! What the mock promises beyond matching: the report when it drops (unmet expectations, mistakes
//! in a mock, unmatched requests), n8n's cursor pages, and one clear error for a bad base path.

use std::panic::{AssertUnwindSafe, catch_unwind};

use n8n_api::prelude::*;
use n8n_api::types::Tag;
use n8n_api_mock::{MockN8n, Sample};
use serde_json::json;

fn tag(id: &str) -> Tag {
    let mut tag = Tag::sample();
    tag.id = id.into();
    tag
}

/// The panic message of dropping `mock`, if it panics.
fn drop_report(mock: MockN8n) -> Option<String> {
    let payload = catch_unwind(AssertUnwindSafe(move || drop(mock))).err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "a panic without a message".into()),
    )
}

#[tokio::test]
async fn met_expectations_drop_quietly() {
    let mock = MockN8n::start().await;
    mock.get_tag().tag_id("t1").times(1).responds(&tag("t1")).await;
    mock.get_tag().tag_id("t2").times(0).responds(&tag("t2")).await;
    mock.client().get_tag().tag_id("t1").send().await.unwrap();
    assert_eq!(drop_report(mock), None);
}

#[tokio::test]
async fn an_unmet_expectation_names_the_operation_and_shows_the_requests() {
    let mock = MockN8n::start().await;
    mock.get_tag().tag_id("t1").times(1).responds(&tag("t1")).await;
    mock.get_tag().responds(&tag("other")).await;
    mock.client().get_tag().tag_id("t2").send().await.unwrap();
    let report = drop_report(mock).expect("the expectation is unmet");
    assert!(
        report.contains(
            "getTag (GET /tags/{tagId}) where tagId = \"t1\": expected 1 request, received 0; the other requests to this operation: #1 GET /api/v1/tags/t2"
        ),
        "{report}"
    );
    assert!(
        report.contains("#1 GET /api/v1/tags/t2\n      answered by getTag (GET /tags/{tagId})\n"),
        "{report}"
    );
}

#[tokio::test]
async fn a_request_no_mock_matches_is_answered_404_and_reported() {
    let mock = MockN8n::start().await;
    let e = mock.client().get_tag().tag_id("t1").send().await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(e.message(), Some("n8n-api-mock: no mock matches GET /api/v1/tags/t1"));
    let report = drop_report(mock).expect("an unmatched request fails the test");
    assert!(
        report.contains("request #1 matched no mock (it was answered 404): GET /api/v1/tags/t1"),
        "{report}"
    );
}

#[tokio::test]
async fn a_mistake_in_a_mock_is_answered_500_and_reported() {
    let mock = MockN8n::start().await;
    mock.get_tag().responds_with_status(1000, &json!({})).await;
    mock.get_tags()
        .header("bad header", "x")
        .responds_paginated(&[], 10)
        .await;
    let e = mock.client().get_tag().tag_id("t1").send().await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 500);
    assert_eq!(e.message(), Some("n8n-api-mock: getTag: 1000 is not an HTTP status"));
    let report = drop_report(mock).expect("the mistakes are reported");
    assert!(
        report.contains("getTag (GET /tags/{tagId}): 1000 is not an HTTP status"),
        "{report}"
    );
    assert!(report.contains("`bad header` is not an HTTP header name"), "{report}");
}

#[tokio::test]
async fn pages_follow_the_request_limit_or_the_page_size_and_refuse_strange_cursors() {
    let mock = MockN8n::start().await;
    let tags: Vec<Tag> = (1..=5).map(|i| tag(&format!("t{i}"))).collect();
    let list = mock.get_tags().responds_paginated(&tags, 2).await;
    let client = mock.client();
    // No `limit`: pages of the mock's page size.
    let all = client.get_tags().collect_all().await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(list.requests().len(), 3);
    // A `limit`: pages of that size, as n8n cuts them.
    let page = client.get_tags().limit(4).send().await.unwrap();
    assert_eq!(page.data.len(), 4);
    let next = page.next_cursor.clone().expect("one item left");
    let last = client.get_tags().cursor(next.as_str()).send().await.unwrap();
    assert_eq!(
        (last.data.len(), last.data[0].id.as_str(), last.next_cursor.as_deref()),
        (1, "t5", None)
    );
    let e = client.get_tags().cursor("not-ours").send().await.unwrap_err();
    assert_eq!(
        (e.status().unwrap().as_u16(), e.message()),
        (400, Some("An invalid cursor was provided"))
    );
}

#[tokio::test]
async fn a_base_path_that_cannot_be_one_is_one_clear_error() {
    let e = MockN8n::start_with_base_path("/n8n?x=1").await.unwrap_err();
    assert!(
        e.to_string().contains("a base URL cannot have a query or fragment"),
        "{e}"
    );
    let mock = MockN8n::start_with_base_path("n8n/").await.unwrap();
    assert!(mock.url().ends_with("/n8n"), "{}", mock.url());
}
