//! Promotions: a git provider, a project-scoped connection to a repository of the loopback
//! smart-HTTP git server, its promote and apply configurations, a checkout, a promotion (a commit
//! lands in the repository) and an apply of what was promoted.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

/// Providers, a project-scoped connection, its projects and configurations. (Promoting needs the
/// instance connection: see `exclusive::promote_and_apply`.)
#[tokio::test]
async fn providers_connections_and_configs() {
    let client = client();
    let peers = licensed().peers.expect("the licensed instance has its loopback peers");
    let remote = format!("{}/{}.git", peers.git_http_url, unique("promo-projects"));
    let provider = provider(&client).await;
    let project = create_project(&client, &unique("proj-promo")).await;
    let connection = connection(&client, &provider, &remote).await;
    link_project(&client, &connection, &project).await;
    configure(&client, &connection).await;
    client
        .delete_promotion_config()
        .promotion_connection_id(&connection)
        .direction("promote")
        .send()
        .await
        .unwrap();
    let configs = client
        .get_promotion_connection()
        .promotion_connection_id(&connection)
        .send()
        .await
        .unwrap()
        .configs;
    assert!(configs.promote.is_none() && configs.apply.is_some());
    proved(
        "deletePromotionConfig",
        "the promote configuration is gone, the apply one stays",
    );
    unlink(&client, &connection, &project).await;

    client
        .delete_promotion_connection()
        .promotion_connection_id(&connection)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_promotion_connection()
        .promotion_connection_id(&connection)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deletePromotionConnection", "the connection is gone (404 afterwards)");
    client
        .delete_promotion_provider()
        .promotion_provider_id(&provider)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_promotion_provider()
        .promotion_provider_id(&provider)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deletePromotionProvider", "the provider is gone (404 afterwards)");
    remove_project(&client, &project).await;
}

/// A token-authenticated git provider, read back, listed and renamed; returns its id.
pub(crate) async fn provider(client: &Client) -> String {
    let name = unique("provider");
    let created = client
        .create_promotion_provider()
        .body(
            types::CreatePromotionProviderBody::builder()
                .name(&name)
                .type_(types::PromotionProviderType::Git)
                .auth(types::CreatePromotionProviderBodyAuth::Token {
                    username: "n8n".into(),
                    password: "loopback-token".into(),
                }),
        )
        .send()
        .await
        .unwrap();
    let id = created.provider.id.clone();
    let got = client
        .get_promotion_provider()
        .promotion_provider_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.name, name);
    proved("createPromotionProvider", "the provider reads back with its name");
    proved("getPromotionProvider", "returns the provider just created");
    let listed = client.get_promotion_providers().limit(250).collect_all().await.unwrap();
    assert!(listed.iter().any(|p| p.id == id));
    proved("getPromotionProviders", "lists the provider");
    let mut body = types::UpdatePromotionProviderBody::from(&got);
    body.name = Some(format!("{name}-2"));
    client
        .update_promotion_provider()
        .promotion_provider_id(&id)
        .body(body)
        .send()
        .await
        .unwrap();
    let reread = client
        .get_promotion_provider()
        .promotion_provider_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(reread.name, format!("{name}-2"));
    proved("updatePromotionProvider", "the new name reads back");
    id
}

/// A project-scoped connection to `remote`, read back, listed and renamed; returns its id.
async fn connection(client: &Client, provider: &str, remote: &str) -> String {
    let name = unique("connection");
    let id = create_connection(client, &name, types::PromotionScope::Projects, provider, remote).await;
    let got = client
        .get_promotion_connection()
        .promotion_connection_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.name.as_str(), got.target.remote_url.as_str()),
        (name.as_str(), remote)
    );
    proved("createPromotionConnection", "the connection reads back with its remote");
    proved("getPromotionConnection", "returns the connection just created");
    let listed = client
        .get_promotion_connections()
        .scope(types::PromotionScope::Projects)
        .provider_id(provider)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&id)
    );
    proved(
        "getPromotionConnections",
        "filtered by scope and provider: exactly this connection",
    );
    let mut body = types::UpdatePromotionConnectionBody::from(&got);
    body.name = Some(format!("{name}-2"));
    client
        .update_promotion_connection()
        .promotion_connection_id(&id)
        .body(body)
        .send()
        .await
        .unwrap();
    let reread = client
        .get_promotion_connection()
        .promotion_connection_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(reread.name, format!("{name}-2"));
    proved("updatePromotionConnection", "the new name reads back");
    id
}

/// Creates a connection; returns its id.
pub(crate) async fn create_connection(
    client: &Client,
    name: &str,
    scope: types::PromotionScope,
    provider: &str,
    remote: &str,
) -> String {
    let created = client
        .create_promotion_connection()
        .body(
            types::CreatePromotionConnectionBody::builder()
                .name(name)
                .scope(scope)
                .provider_id(provider)
                .target(
                    types::PromotionConnectionBodyTarget::builder()
                        .remote_url(remote)
                        .schema_version(1.0),
                ),
        )
        .send()
        .await
        .unwrap();
    created.id.clone()
}

async fn link_project(client: &Client, connection: &str, project: &str) {
    let linked = client
        .add_project_to_promotion_connection()
        .promotion_connection_id(connection)
        .project_id(project)
        .send()
        .await
        .unwrap();
    assert_eq!(linked.project_id, project);
    let projects = client
        .get_promotion_connection_projects()
        .promotion_connection_id(connection)
        .send()
        .await
        .unwrap();
    assert_eq!(projects.project_ids, [project.to_string()]);
    proved(
        "addProjectToPromotionConnection",
        "the project is listed by the connection",
    );
    proved("getPromotionConnectionProjects", "lists the linked project");
}

pub(crate) async fn configure(client: &Client, connection: &str) {
    let promote = client
        .upsert_promotion_promote_config()
        .promotion_connection_id(connection)
        .body(
            types::UpsertPromotionPromoteConfigBody::builder().settings(
                types::UpsertPromotionPromoteConfigBodySettings::builder()
                    .schema_version(1.0)
                    .base_branch_name("main")
                    .create_branch_on_promotion(false),
            ),
        )
        .send()
        .await
        .unwrap();
    let apply = client
        .upsert_promotion_apply_config()
        .promotion_connection_id(connection)
        .body(
            types::UpsertPromotionApplyConfigBody::builder()
                .name("apply main")
                .settings(
                    types::PromotionBodySettings::builder()
                        .schema_version(1.0)
                        .branch_name("main"),
                ),
        )
        .send()
        .await
        .unwrap();
    let configs = client
        .get_promotion_connection()
        .promotion_connection_id(connection)
        .send()
        .await
        .unwrap()
        .configs;
    assert_eq!(configs.promote.as_ref().map(|c| c.id.clone()), Some(promote.id.clone()));
    assert_eq!(configs.apply.as_ref().map(|c| c.id.clone()), Some(apply.id.clone()));
    proved(
        "upsertPromotionPromoteConfig",
        "the connection reads back with this promote configuration",
    );
    proved(
        "upsertPromotionApplyConfig",
        "the connection reads back with this apply configuration",
    );
}

async fn unlink(client: &Client, connection: &str, project: &str) {
    client
        .remove_project_from_promotion_connection()
        .promotion_connection_id(connection)
        .project_id(project)
        .send()
        .await
        .unwrap();
    let projects = client
        .get_promotion_connection_projects()
        .promotion_connection_id(connection)
        .send()
        .await
        .unwrap();
    assert!(projects.project_ids.is_empty());
    proved(
        "removeProjectFromPromotionConnection",
        "the connection lists no project any more",
    );
}
