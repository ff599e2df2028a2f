//! Node type policies, instance-wide and per project. The rule denies a node type no test uses
//! (SSH), and the instance policy is restored afterwards (its version only ever goes up).

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

const DENIED: &str = "n8n-nodes-base.ssh";

fn denies(rules: &[types::NodeTypePolicyEffectiveRulesItem]) -> bool {
    rules.iter().any(|r| {
        r.action == types::PolicyAction::Deny
            && matches!(&r.selector, types::PolicyRulesItemSelector::Name(n) if n == DENIED)
    })
}

#[tokio::test]
async fn instance_policy() {
    let client = client();
    let before = client.get_instance_policy().send().await.unwrap();
    let mut body = types::PutInstancePolicyBody::from(&before);
    body.rules.push(
        types::PutInstancePolicyBodyRulesItem::builder()
            .id(unique("rule"))
            .action(types::PolicyAction::Deny)
            .selector(types::PolicyRulesItemSelector::Name(DENIED.into()))
            .try_into()
            .unwrap(),
    );
    let written = client.put_instance_policy().body(body).send().await.unwrap();
    assert!(written.version > before.version);
    let read = client.get_instance_policy().send().await.unwrap();
    assert!(denies(&read.rules), "{:?}", read.rules);
    proved("putInstancePolicy", "the deny rule reads back, the version went up");
    proved("getInstancePolicy", "returns the rule just written");

    let mut restore = types::PutInstancePolicyBody::from(&read);
    restore.rules = types::PutInstancePolicyBody::from(&before).rules;
    client.put_instance_policy().body(restore).send().await.unwrap();
    assert!(!denies(&client.get_instance_policy().send().await.unwrap().rules));
}

#[tokio::test]
async fn project_policy() {
    let client = client();
    let project = create_project(&client, &unique("proj-policy")).await;
    let before = client.get_project_policy().project_id(&project).send().await.unwrap();
    assert!(before.rules.is_empty());
    let written = client
        .put_project_policy()
        .project_id(&project)
        .body(
            types::PutProjectPolicyBody::builder()
                .rules(vec![
                    types::PutProjectPolicyBodyRulesItem::builder()
                        .id(unique("rule"))
                        .action(types::PutProjectPolicyBodyAction::Deny)
                        .selector(types::PolicyRulesItemSelector::Name(DENIED.into())),
                ])
                .default_action(types::PutProjectPolicyBodyAction::Allow)
                .version(before.version),
        )
        .send()
        .await
        .unwrap();
    assert!(written.version > before.version);
    let read = client.get_project_policy().project_id(&project).send().await.unwrap();
    assert!(denies(&read.rules), "{:?}", read.rules);
    proved("putProjectPolicy", "the project's deny rule reads back");
    proved("getProjectPolicy", "returns the project's rule just written");
    remove_project(&client, &project).await;
}
