//! Log streaming: event types and a webhook destination on a loopback sink.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

/// A webhook destination for audit events (the variant's struct has no builder: every field).
fn webhook(label: &str, url: &str) -> types::DestinationWebhook {
    types::DestinationWebhook {
        anonymize_audit_messages: None,
        circuit_breaker: None,
        enabled: Some(true),
        header_parameters: None,
        id: None,
        json_headers: None,
        json_query: None,
        label: Some(label.into()),
        method: Some("POST".into()),
        options: None,
        query_parameters: None,
        send_headers: None,
        send_query: None,
        specify_headers: None,
        specify_query: None,
        subscribed_events: Some(vec!["n8n.audit".into()]),
        type_: types::DestinationWebhookType::Webhook,
        url: url.into(),
        extra: Default::default(),
    }
}

fn as_webhook(d: types::Destination) -> types::DestinationWebhook {
    match d {
        types::Destination::Webhook(w) => w,
        other => panic!("a webhook destination, got {other:?}"),
    }
}

#[tokio::test]
async fn webhook_destination_on_a_loopback_sink() {
    let client = client();
    let types_ = client.get_event_types().send().await.unwrap();
    assert!(
        types_.data.iter().any(|t| t.starts_with("n8n.audit.")),
        "{:?}",
        types_.data
    );
    proved("getEventTypes", "lists n8n.audit.* events");

    let sink = Sink::start().await;
    let label = unique("dest");
    let created = client
        .create_destination()
        .body(webhook(&label, &format!("{}/events", sink.url)))
        .send()
        .await
        .unwrap();
    let id = as_webhook(created).id.expect("a destination id");
    let got = as_webhook(client.get_destination().destination_id(&id).send().await.unwrap());
    assert_eq!(got.label.as_deref(), Some(label.as_str()));
    proved("createDestination", "the destination reads back with its label");
    proved("getDestination", "returns the destination just created");
    let all = client.get_destinations().send().await.unwrap();
    assert!(
        all.data
            .iter()
            .any(|d| matches!(d, types::Destination::Webhook(w) if w.id.as_deref() == Some(id.as_str())))
    );
    proved("getDestinations", "lists the destination");

    let mut renamed = got.clone();
    renamed.label = Some(format!("{label}-2"));
    renamed.id = None; // read-only: n8n refuses a body that carries it
    let updated = as_webhook(
        client
            .update_destination()
            .destination_id(&id)
            .body(renamed)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(updated.label, Some(format!("{label}-2")));
    let reread = as_webhook(client.get_destination().destination_id(&id).send().await.unwrap());
    assert_eq!(reread.label, Some(format!("{label}-2")));
    proved("updateDestination", "the new label reads back");

    let test = client.test_destination().destination_id(&id).send().await.unwrap();
    assert!(test.success);
    assert!(
        sink.received("POST /events").await,
        "the sink received the test message"
    );
    proved(
        "testDestination",
        "success, and the loopback sink received the test event",
    );

    client.delete_destination().destination_id(&id).send().await.unwrap();
    let gone = client.get_destination().destination_id(&id).send().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteDestination", "the destination is gone (404 afterwards)");
}
