//! Forward compatibility of the generated types: what a newer n8n sends must still decode.

use n8n_api::types;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// `value` decoded as a `T`, as the client decodes a response.
fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn workflow_json() -> serde_json::Value {
    json!({
        "id": "2tUt1wbLX592XDdX", "name": "W", "description": null, "active": false, "activeVersionId": null,
        "createdAt": "2026-11-01T10:00:00.000Z", "updatedAt": "2026-11-01T10:00:00.000Z", "isArchived": false,
        "versionId": "v1", "versionCounter": 1, "sourceWorkflowId": null, "triggerCount": 0,
        "nodes": [], "connections": {}, "nodeGroups": [], "settings": {}, "staticData": null, "meta": null,
        "shared": [], "activeVersion": null
    })
}

#[test]
fn unknown_response_fields_decode() {
    let mut w = workflow_json();
    w["fieldFromTheFuture"] = json!({ "x": 1 });
    let decoded: types::Workflow = decode(w);
    assert_eq!(decoded.id, "2tUt1wbLX592XDdX");
}

#[test]
fn unknown_enum_values_decode_and_round_trip() {
    let known: types::ExecutionStatus = decode(json!("success"));
    assert_eq!(known, types::ExecutionStatus::Success);
    let spec_unknown: types::ExecutionStatus = decode(json!("unknown"));
    assert_eq!(spec_unknown, types::ExecutionStatus::Unknown);
    let newer: types::ExecutionStatus = decode(json!("paused"));
    assert_eq!(newer, types::ExecutionStatus::Unrecognized("paused".into()));
    assert_eq!(serde_json::to_value(&newer).unwrap(), json!("paused"));
    assert_eq!(newer.to_string(), "paused");
    assert_eq!("paused".parse::<types::ExecutionStatus>().unwrap(), newer);
}

#[test]
fn unknown_tagged_union_members_decode() {
    let body = json!({
        "message": "Import blocked: 2 issue(s)",
        "issues": [
            { "type": "workflow-conflict", "sourceWorkflowId": "a", "existingWorkflowId": "b", "name": "W" },
            { "type": "issue-from-the-future", "detail": 1 }
        ]
    });
    let decoded: types::ImportPackageConflict = decode(body);
    assert!(
        matches!(&decoded.issues[0], types::ImportBlockingIssue::WorkflowConflict { existing_workflow_id, .. } if existing_workflow_id == "b")
    );
    match &decoded.issues[1] {
        types::ImportBlockingIssue::Unrecognized(obj) => assert_eq!(obj["type"], "issue-from-the-future"),
        other => panic!("expected Unrecognized, got {other:?}"),
    }
}

#[test]
fn static_data_decodes_as_string_and_as_object() {
    let s: types::CreateWorkflowBodyStaticData = decode(json!("{\"lastId\":1}"));
    assert!(matches!(s, types::CreateWorkflowBodyStaticData::JsonString(ref v) if v == "{\"lastId\":1}"));
    let o: types::CreateWorkflowBodyStaticData = decode(json!({ "lastId": 1 }));
    assert!(matches!(o, types::CreateWorkflowBodyStaticData::Object(ref m) if m["lastId"] == 1));
}

#[test]
fn the_operation_table_knows_every_scope() {
    let op = n8n_api::Operation::by_id("getWorkflow").expect("getWorkflow is listed");
    assert_eq!(
        (op.method, op.path, op.client_method),
        ("GET", "/workflows/{workflowId}", "get_workflow")
    );
    assert_eq!(op.scopes, ["workflow:read"]);
    assert_eq!(op.missing_scopes(&["workflow:list"]), ["workflow:read"]);
    assert!(op.missing_scopes(&["workflow:read"]).is_empty());
    let export = n8n_api::Operation::by_id("exportPackage").unwrap();
    assert!(export.beta);
    assert_eq!(export.scopes, ["project:export", "workflow:export"]);
    assert!(
        n8n_api::OPERATIONS
            .iter()
            .all(|o| !o.scopes.is_empty() || o.id == "getCredentialType" || o.id == "getDiscover"),
        "scopes come from x-required-scope"
    );
}

/// The delete-execution answer gives the id as a number, every other one as a string: both
/// decode into the one `Execution`.
#[test]
fn an_execution_id_decodes_from_a_string_or_a_number() {
    let execution = |id: Value| {
        json!({ "id": id, "finished": true, "mode": "manual", "retryOf": null, "status": "success",
                "startedAt": "2026-11-01T10:00:00.000Z", "workflowId": "w1" })
    };
    let from_list: types::Execution = decode(execution(json!("41")));
    let from_delete: types::Execution = decode(execution(json!(41)));
    assert_eq!((from_list.id.as_str(), from_delete.id.as_str()), ("41", "41"));
}

/// Credential data, passwords and other secrets print `<redacted>` in `Debug`, in bodies and
/// in their builders alike.
#[test]
fn secrets_never_show_in_debug() {
    let secret = "s3cr3t-token-value";
    let builder = types::CreateCredentialBody::builder()
        .name("Slack")
        .type_("slackApi")
        .data(json!({ "accessToken": secret }));
    let body: types::CreateCredentialBody = builder.clone().try_into().unwrap();
    for text in [format!("{builder:?}"), format!("{body:?}")] {
        assert!(!text.contains(secret), "{text}");
        assert!(text.contains("data: <redacted>"), "{text}");
        assert!(text.contains("Slack"), "other fields still print: {text}");
    }
    let ldap = types::LdapConfigurationUpdate::builder().binding_admin_password(secret);
    assert!(!format!("{ldap:?}").contains(secret), "a password field: {ldap:?}");
}
