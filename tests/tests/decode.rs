//! Forward compatibility of the generated types: what a newer n8n sends must still decode.

use n8n_api::types;
use serde_json::json;

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
    let decoded: types::Workflow = serde_json::from_value(w).unwrap();
    assert_eq!(decoded.id, "2tUt1wbLX592XDdX");
}

#[test]
fn unknown_enum_values_decode_and_round_trip() {
    let known: types::ExecutionStatus = serde_json::from_value(json!("success")).unwrap();
    assert_eq!(known, types::ExecutionStatus::Success);
    let spec_unknown: types::ExecutionStatus = serde_json::from_value(json!("unknown")).unwrap();
    assert_eq!(spec_unknown, types::ExecutionStatus::Unknown);
    let newer: types::ExecutionStatus = serde_json::from_value(json!("paused")).unwrap();
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
    let decoded: types::ImportPackageConflict = serde_json::from_value(body).unwrap();
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
    let s: types::CreateWorkflowBodyStaticData = serde_json::from_value(json!("{\"lastId\":1}")).unwrap();
    assert!(matches!(s, types::CreateWorkflowBodyStaticData::JsonString(ref v) if v == "{\"lastId\":1}"));
    let o: types::CreateWorkflowBodyStaticData = serde_json::from_value(json!({ "lastId": 1 })).unwrap();
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
