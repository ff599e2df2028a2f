//! Tags: create, read, rename, list, delete.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

#[tokio::test]
async fn tags_crud() {
    let client = client();
    let name = unique("tag");
    let tag = client
        .create_tag()
        .body(types::CreateTagBody::builder().name(&name))
        .send()
        .await
        .unwrap();
    let got = client.get_tag().tag_id(&tag.id).send().await.unwrap();
    assert_eq!(got.name, name);
    proved("createTag", "the tag reads back by id with its name");
    proved("getTag", "returns the tag just created");

    let duplicate = client
        .create_tag()
        .body(types::CreateTagBody::builder().name(&name))
        .send()
        .await
        .unwrap_err();
    assert!(duplicate.is_conflict(), "{duplicate}");
    assert!(matches!(duplicate.body(), Some(n8n_api::ErrorBody::Error(e)) if e.message.contains("already exists")));

    let renamed = client
        .update_tag()
        .tag_id(&tag.id)
        .body(types::UpdateTagBody::builder().name(format!("{name}-2")))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, format!("{name}-2"));
    assert_eq!(
        client.get_tag().tag_id(&tag.id).send().await.unwrap().name,
        format!("{name}-2")
    );
    proved("updateTag", "the new name reads back");

    let first = client.get_tags().limit(1).send().await.unwrap();
    assert_eq!(first.data.len(), 1);
    let all = client.get_tags().limit(250).collect_all().await.unwrap();
    assert!(all.iter().any(|t| t.id == tag.id));
    proved("getTags", "lists the tag (pages of one, then all of them)");

    let deleted = client.delete_tag().tag_id(&tag.id).send().await.unwrap();
    assert_eq!(deleted.id, tag.id);
    let gone = client.get_tag().tag_id(&tag.id).send().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteTag", "the tag is gone (404 afterwards)");
}
