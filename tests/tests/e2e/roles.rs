//! Roles (system and custom) and role mapping rules.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

#[tokio::test]
async fn roles() {
    let client = client();
    let all = client.get_all_roles().with_usage_count(true).send().await.unwrap();
    let owner = all
        .global
        .iter()
        .find(|r| r.slug == "global:owner")
        .expect("the owner role");
    assert!(owner.used_by_users.is_some_and(|n| n >= 1.0), "{owner:?}");
    assert!(all.project.iter().any(|r| r.slug == "project:viewer"));
    proved(
        "getAllRoles",
        "global and project roles, the owner role used by at least one user",
    );

    let got = client
        .get_role()
        .role_slug("global:owner")
        .with_usage_count(true)
        .send()
        .await
        .unwrap();
    assert!(got.system_role && got.used_by_users.is_some_and(|n| n >= 1.0));
    let name = unique("Role");
    let created = client
        .create_role()
        .body(
            types::CreateRoleBody::builder()
                .display_name(&name)
                .description("e2e")
                .role_type(types::CreateRoleBodyRoleType::Project)
                .scopes(vec!["workflow:read".to_string()]),
        )
        .send()
        .await
        .unwrap();
    let read = client.get_role().role_slug(&created.slug).send().await.unwrap();
    assert_eq!(
        (read.display_name.as_str(), read.scopes.as_slice()),
        (name.as_str(), ["workflow:read".to_string()].as_slice())
    );
    proved("createRole", "the custom role reads back by its slug with its scope");
    proved(
        "getRole",
        "returns the owner role with usage counts, and the custom role",
    );

    let mut body = types::UpdateRoleBody::from(&read);
    body.display_name = format!("{name}-2");
    body.scopes = vec!["workflow:read".into(), "workflow:list".into()];
    client
        .update_role()
        .role_slug(&created.slug)
        .body(body)
        .send()
        .await
        .unwrap();
    let updated = client.get_role().role_slug(&created.slug).send().await.unwrap();
    assert_eq!(updated.display_name, format!("{name}-2"));
    assert_eq!(updated.scopes.len(), 2);
    proved("updateRole", "the new name and scopes read back");

    let deleted = client.delete_role().role_slug(&created.slug).send().await.unwrap();
    assert_eq!(deleted.slug, created.slug);
    let gone = client.get_role().role_slug(&created.slug).send().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteRole", "the role is gone (404 afterwards)");
}

#[tokio::test]
async fn role_mapping_rules() {
    let client = client();
    let marker = unique("claims");
    let create = |n: u32| {
        client
            .create_role_mapping_rule()
            .body(
                types::CreateRoleMappingRuleBody::builder()
                    .expression(format!("$claims.group == '{marker}-{n}'"))
                    .role("global:member")
                    .type_(types::RoleMappingType::Instance),
            )
            .send()
    };
    let first = create(1).await.unwrap();
    let second = create(2).await.unwrap();
    let ours = || async {
        let all = client
            .get_role_mapping_rules()
            .type_(types::RoleMappingType::Instance)
            .limit(250)
            .collect_all()
            .await
            .unwrap();
        all.into_iter()
            .filter(|r| r.expression.contains(&marker))
            .collect::<Vec<_>>()
    };
    let listed = ours().await;
    assert_eq!(listed.len(), 2);
    proved("createRoleMappingRule", "both rules are listed");
    proved("getRoleMappingRules", "lists instance rules, ours among them");

    let moved = client
        .move_role_mapping_rule()
        .role_mapping_rule_id(&second.id)
        .body(types::MoveRoleMappingRuleBody::builder().target_index(0u64))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.order, 0);
    let listed = ours().await;
    let order = |id: &str| listed.iter().find(|r| r.id == id).map(|r| r.order);
    assert!(order(&second.id) < order(&first.id), "{listed:?}");
    proved("moveRoleMappingRule", "the second rule now comes first");

    let mut body = types::UpdateRoleMappingRuleBody::from(&first);
    body.expression = Some(format!("$claims.group == '{marker}-changed'"));
    client
        .update_role_mapping_rule()
        .role_mapping_rule_id(&first.id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        ours()
            .await
            .iter()
            .any(|r| r.id == first.id && r.expression.ends_with("changed'"))
    );
    proved("updateRoleMappingRule", "the new expression is listed");

    for id in [&first.id, &second.id] {
        let deleted = client
            .delete_role_mapping_rule()
            .role_mapping_rule_id(id)
            .send()
            .await
            .unwrap();
        assert_eq!(&deleted.id, id);
    }
    assert!(ours().await.is_empty());
    proved("deleteRoleMappingRule", "neither rule is listed any more");
}
