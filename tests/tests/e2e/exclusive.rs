//! Tests that change the whole instance, run alone (`cargo xtask test` runs the tests of this
//! module after the others, one at a time): source control, whose pull refuses (409) while any
//! local resource is missing from the repository, and the security policy, which governs what
//! every other test may do in the owner's personal space.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

/// Source control connected (through the owner's session: only the internal REST API connects)
/// to a local bare repository, which git reaches by path.
#[tokio::test]
async fn source_control_push_and_pull() {
    let client = client();
    let root = tempfile::tempdir().unwrap();
    let repo = bare_repo(root.path(), "source-control");
    let owner = Owner::login().await;
    let prefs = json!({ "repositoryUrl": repo.to_str().unwrap(), "branchName": "main", "connectionType": "ssh" });
    let connected = owner
        .call(Method::POST, "source-control/preferences", Some(prefs))
        .await;
    assert_eq!(connected["connected"], json!(true), "{connected}");
    let workflow = create_workflow(&client, &unique("wf-git")).await;
    let result = std::panic::AssertUnwindSafe(push_then_pull(&client, &repo, &workflow));
    let outcome = futures::FutureExt::catch_unwind(result).await;
    owner
        .call(
            Method::POST,
            "source-control/disconnect",
            Some(json!({ "keepKeyPair": false })),
        )
        .await;
    remove_workflow(&client, &workflow).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn push_then_pull(client: &Client, repo: &std::path::Path, workflow: &str) {
    let status = client
        .get_source_control_status()
        .direction(types::GetSourceControlStatusDirection::Push)
        .send()
        .await
        .unwrap();
    assert!(
        status.data.iter().any(|i| i.id == workflow),
        "the new workflow waits to be pushed"
    );
    proved(
        "getSourceControlStatus",
        "the new workflow is listed as to be pushed; after a remote change, as to be pulled",
    );

    // Push everything the instance has, so that a pull finds nothing local-only.
    let files: Vec<types::PushSourceControlBodyFileNamesItem> = status
        .data
        .iter()
        .map(|i| {
            types::PushSourceControlBodyFileNamesItem::builder()
                .id(&i.id)
                .type_(i.type_.clone())
                .try_into()
                .unwrap()
        })
        .collect();
    let pushed = client
        .push_source_control()
        .body(
            types::PushSourceControlBody::builder()
                .commit_message("n8n-api e2e push")
                .file_names(files),
        )
        .send()
        .await
        .unwrap();
    assert!(pushed.data.iter().any(|i| i.id == workflow && i.pushed == Some(true)));
    let file = format!("workflows/{workflow}.json");
    let remote_copy: Value = serde_json::from_str(&git(repo, &["show", &format!("main:{file}")])).unwrap();
    assert_eq!(remote_copy["id"], json!(workflow));
    proved(
        "pushSourceControl",
        "the workflow's file is in the repository's main branch",
    );

    // Rename the workflow in the repository, then pull.
    let new_name = unique("wf-git-renamed");
    commit_rename(repo, &file, &new_name);
    let incoming = client
        .get_source_control_status()
        .direction(types::GetSourceControlStatusDirection::Pull)
        .send()
        .await
        .unwrap();
    assert!(
        incoming.data.iter().any(|i| i.id == workflow),
        "the remote change is listed"
    );
    // n8n reports every workflow changed in the repository as a conflict: a plain pull answers
    // 409 with the list (typed), and `force` takes the repository's version. Forcing also deletes
    // local resources the repository lacks, which is why everything was pushed above and why
    // this test runs alone.
    let refused = client
        .pull_source_control()
        .body(types::PullSourceControlBody::builder())
        .send()
        .await
        .unwrap_err();
    match refused.body() {
        Some(n8n_api::ErrorBody::PullSourceControlConflict(c)) => assert!(c.iter().any(|i| i.id == workflow), "{c:?}"),
        other => panic!("expected the typed 409 conflict list, got {other:?}"),
    }
    let pulled = client
        .pull_source_control()
        .body(types::PullSourceControlBody::builder().force(true))
        .send()
        .await
        .unwrap();
    assert!(pulled.iter().any(|i| i.id == workflow), "{pulled:?}");
    let local = client.get_workflow().workflow_id(workflow).send().await.unwrap();
    assert_eq!(local.name, new_name);
    proved(
        "pullSourceControl",
        "a plain pull lists the conflict (typed 409); a forced one makes the repository's new name the local workflow's",
    );
}

/// Clones `repo`, renames the workflow in `file` (a new version), commits and pushes to `main`.
fn commit_rename(repo: &std::path::Path, file: &str, name: &str) {
    let work = tempfile::tempdir().unwrap();
    git(work.path(), &["clone", "--quiet", repo.to_str().unwrap(), "."]);
    let path = work.path().join(file);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["name"] = json!(name);
    // n8n tells a changed workflow by its version id.
    doc["versionId"] = json!(crate::support::uuid_like(name));
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    git(work.path(), &["commit", "--quiet", "-am", "rename the workflow"]);
    git(work.path(), &["push", "--quiet", "origin", "main"]);
}

#[tokio::test]
async fn security_policy() {
    let client = client();
    let before = client.get_security_policy().send().await.unwrap();
    let mut body = types::SecurityPolicyUpdate::from(&before);
    body.personal_space_sharing = !before.personal_space_sharing;
    let written = client.update_security_policy().body(body).send().await.unwrap();
    assert_eq!(written.personal_space_sharing, !before.personal_space_sharing);
    let read = client.get_security_policy().send().await.unwrap();
    assert_eq!(read.personal_space_sharing, !before.personal_space_sharing);
    proved("updateSecurityPolicy", "the flipped personal-space sharing reads back");
    proved("getSecurityPolicy", "returns the policy just written");
    client
        .update_security_policy()
        .body(types::SecurityPolicyUpdate::from(&before))
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .get_security_policy()
            .send()
            .await
            .unwrap()
            .personal_space_sharing,
        before.personal_space_sharing
    );
}

/// Promotion through the instance connection (only it can promote): the whole instance is
/// exported to a repository of the loopback git server, then applied back; run alone, as an
/// apply rewrites what other tests may be changing.
#[tokio::test]
async fn promote_and_apply() {
    let client = client();
    let peers = licensed().peers.expect("the licensed instance has its loopback peers");
    remove_leftover_instance_connections(&client).await;
    let repo_name = unique("promo-instance");
    let repo = bare_repo(&peers.git_root, &repo_name);
    let remote = format!("{}/{repo_name}.git", peers.git_http_url);
    let provider = crate::promotions::provider(&client).await;
    let name = unique(INSTANCE_CONNECTION);
    let connection =
        crate::promotions::create_connection(&client, &name, types::PromotionScope::Instance, &provider, &remote).await;
    // A promotion exports the team projects (not personal spaces): one with a workflow.
    let project = create_project(&client, &unique("proj-promo")).await;
    let workflow = create_workflow(&client, &unique("wf-promo")).await;
    client
        .transfer_workflow()
        .workflow_id(&workflow)
        .body(types::TransferWorkflowBody::builder().destination_project_id(&project))
        .send()
        .await
        .unwrap();
    let run = std::panic::AssertUnwindSafe(async {
        crate::promotions::configure(&client, &connection).await;
        promote_then_apply(&client, &connection, &repo, &workflow).await;
    });
    let outcome = futures::FutureExt::catch_unwind(run).await;
    client
        .delete_promotion_connection()
        .promotion_connection_id(&connection)
        .send()
        .await
        .unwrap();
    client
        .delete_promotion_provider()
        .promotion_provider_id(&provider)
        .send()
        .await
        .unwrap();
    remove_workflow(&client, &workflow).await;
    remove_project(&client, &project).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Name prefix of this suite's instance connection (n8n allows one).
const INSTANCE_CONNECTION: &str = "e2e-instance-connection";

/// An interrupted earlier run may have left its instance connection behind.
async fn remove_leftover_instance_connections(client: &Client) {
    let instance = client
        .get_promotion_connections()
        .scope(types::PromotionScope::Instance)
        .send()
        .await
        .unwrap();
    for c in instance.data.iter().filter(|c| c.name.starts_with(INSTANCE_CONNECTION)) {
        client
            .delete_promotion_connection()
            .promotion_connection_id(&c.id)
            .send()
            .await
            .unwrap();
    }
}

async fn promote_then_apply(client: &Client, connection: &str, repo: &std::path::Path, workflow: &str) {
    for direction in ["promote", "apply"] {
        let checkout = client
            .clone_promotion_checkout()
            .promotion_connection_id(connection)
            .direction(direction)
            .send()
            .await
            .unwrap();
        assert!(checkout.has_checkout, "{direction}");
    }
    proved(
        "clonePromotionCheckout",
        "the promote and apply sides each have a checkout of the repository",
    );

    let promoted = client
        .promote_package()
        .promotion_connection_id(connection)
        .body(types::PromotePackageBody::builder().commit_message("n8n-api e2e promotion"))
        .send()
        .await
        .unwrap();
    assert!(promoted.counts.workflows >= 1, "{:?}", promoted.counts);
    let head = git(repo, &["log", "-1", "--format=%H %s", "main"]);
    assert_eq!(
        head.trim(),
        format!("{} n8n-api e2e promotion", promoted.git.commit_sha)
    );
    let files = git(repo, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(
        files
            .lines()
            .any(|f| f.contains(workflow) && f.ends_with("workflow.json")),
        "the promoted commit holds the workflow: {files}"
    );
    proved(
        "promotePackage",
        "a commit holding the project's workflow is the repository's HEAD, as reported",
    );

    let applied = client
        .apply_package()
        .promotion_connection_id(connection)
        .send()
        .await
        .unwrap();
    let w = &applied.counts.workflows;
    assert_eq!(applied.git.commit_sha, promoted.git.commit_sha);
    assert!(w.created + w.updated + w.skipped >= 1, "{:?}", applied.counts);
    assert_eq!(
        client.get_workflow().workflow_id(workflow).send().await.unwrap().id,
        workflow
    );
    proved(
        "applyPackage",
        "applies the promoted commit; its workflows are matched and ours is still there",
    );

    for direction in ["promote", "apply"] {
        let disconnected = client
            .disconnect_promotion_checkout()
            .promotion_connection_id(connection)
            .direction(direction)
            .send()
            .await
            .unwrap();
        assert!(!disconnected.has_checkout, "{direction}");
    }
    proved("disconnectPromotionCheckout", "neither side has a checkout any more");
}
