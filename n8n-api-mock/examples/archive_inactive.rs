//! Testing your n8n code without an n8n.
//!
//! `archive_inactive_before` is the code under test: it archives every inactive workflow not
//! updated since a date. Its tests below run it against `n8n-api-mock`; `cargo test` runs them
//! (this example is built with `test = true`), and `main` shows the same run:
//!
//! `cargo run -p n8n-api-mock --example archive_inactive`

use chrono::{DateTime, Utc};
use n8n_api::prelude::*;
use n8n_api::types::Workflow;
use n8n_api_mock::{MockN8n, Sample};

/// Archives every inactive, not yet archived workflow last updated before `before`; returns the
/// ids it archived, in listing order.
pub async fn archive_inactive_before(client: &Client, before: DateTime<Utc>) -> Result<Vec<String>, n8n_api::Error> {
    let mut archived = Vec::new();
    let mut workflows = client.get_workflows().active(false).limit(100).stream();
    while let Some(workflow) = workflows.try_next().await? {
        if !workflow.active && !workflow.is_archived && workflow.updated_at < before {
            client.archive_workflow().workflow_id(&workflow.id).send().await?;
            archived.push(workflow.id);
        }
    }
    Ok(archived)
}

/// A workflow as n8n would list it.
fn workflow(id: &str, updated_at: &str, archived: bool) -> Workflow {
    let mut w = Workflow::sample();
    w.id = id.into();
    w.name = format!("workflow {id}");
    w.active = false;
    w.is_archived = archived;
    w.updated_at = updated_at.parse().expect("an RFC 3339 date");
    w
}

fn cutoff() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().expect("an RFC 3339 date")
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), n8n_api::Error> {
    let mock = MockN8n::start().await;
    let workflows = [
        workflow("old", "2025-03-01T00:00:00Z", false),
        workflow("recent", "2026-02-01T00:00:00Z", false),
        workflow("gone", "2024-01-01T00:00:00Z", true),
    ];
    mock.get_workflows()
        .active(false)
        .responds_paginated(&workflows, 2)
        .await;
    mock.archive_workflow().workflow_id("old").responds(&workflows[0]).await;
    let archived = archive_inactive_before(&mock.client(), cutoff()).await?;
    println!("archived {archived:?}; requests sent:");
    for request in mock.received_requests() {
        println!("  {} {}", request.method, request.url);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn archives_only_inactive_workflows_older_than_the_date_over_every_page() {
        let mock = MockN8n::start().await;
        let workflows = [
            workflow("w1", "2025-06-01T00:00:00Z", false),
            workflow("w2", "2026-03-01T00:00:00Z", false), // updated after the date
            workflow("w3", "2024-01-01T00:00:00Z", true),  // archived already
            workflow("w4", "2025-12-31T23:59:59Z", false), // on the third page of two
            workflow("w5", "2025-01-01T00:00:00Z", false),
        ];
        // n8n answers `active=false` with the inactive workflows, cut into pages of the
        // request's `limit`; the mock cuts them as n8n does, here into pages of two.
        let list = mock
            .get_workflows()
            .active(false)
            .limit(100)
            .responds_paginated(&workflows, 2)
            .await;
        for id in ["w1", "w4", "w5"] {
            let archived = workflow(id, "2026-04-01T00:00:00Z", true);
            mock.archive_workflow()
                .workflow_id(id)
                .times(1)
                .responds(&archived)
                .await;
        }

        let archived = archive_inactive_before(&mock.client(), cutoff()).await.unwrap();

        assert_eq!(archived, ["w1", "w4", "w5"]);
        // One listing request: `limit=100` holds all five, whatever the mock's own page size.
        assert_eq!(list.requests().len(), 1);
        // Dropping the mock checks each archive call happened once, and that no request (an
        // archive of w2 or w3, say) went unmatched.
    }

    #[tokio::test]
    async fn walks_every_page_n8n_returns() {
        let mock = MockN8n::start().await;
        let workflows: Vec<Workflow> = (1..=5)
            .map(|i| workflow(&format!("w{i}"), "2026-06-01T00:00:00Z", false))
            .collect();
        // A server whose pages are smaller than asked for (n8n caps `limit` at 250): answer
        // every request with two items, whatever its `limit`.
        for (cursor, page) in [
            (None, &workflows[..2]),
            (Some("p2"), &workflows[2..4]),
            (Some("p3"), &workflows[4..]),
        ] {
            let next = match cursor {
                None => Some("p2"),
                Some("p2") => Some("p3"),
                _ => None,
            };
            let body = n8n_api::types::GetWorkflowsResponse {
                data: page.to_vec(),
                next_cursor: next.map(str::to_string),
                ..Default::default()
            };
            let m = mock.get_workflows().active(false).times(1);
            match cursor {
                Some(c) => m.cursor(c).responds(&body).await,
                None => m.responds(&body).await,
            };
        }
        let archived = archive_inactive_before(&mock.client(), cutoff()).await.unwrap();
        assert!(archived.is_empty(), "every workflow was updated after the date");
        assert_eq!(mock.received_requests().len(), 3);
    }

    #[tokio::test]
    async fn stops_at_the_first_error_and_says_which_operation_failed() {
        let mock = MockN8n::start().await;
        let workflows = [
            workflow("w1", "2025-06-01T00:00:00Z", false),
            workflow("w2", "2025-07-01T00:00:00Z", false),
        ];
        mock.get_workflows()
            .active(false)
            .responds_paginated(&workflows, 10)
            .await;
        mock.archive_workflow()
            .workflow_id("w1")
            .times(1)
            .responds_with_status(403, &serde_json::json!({ "message": "Forbidden" }))
            .await;

        let e = archive_inactive_before(&mock.client(), cutoff()).await.unwrap_err();

        assert!(e.is_forbidden());
        assert_eq!(e.to_string(), "archiveWorkflow: 403 Forbidden: Forbidden");
        // No request for w2: the function stopped.
    }
}
