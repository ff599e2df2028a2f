//! Users: invite, list (with and without roles, by project), read by id and by email, change the
//! global role, delete.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;

use crate::support::*;

fn email(prefix: &str) -> String {
    format!("{}@example.com", unique(prefix))
}

fn invite(address: &str, role: types::GlobalRole) -> types::CreateUserBodyItem {
    types::CreateUserBodyItem {
        email: address.into(),
        role: Some(role),
    }
}

#[tokio::test]
async fn invite_read_change_role_and_delete_users() {
    let client = client();
    let (member, other) = (email("member"), email("admin"));
    let invited = client
        .create_user()
        .body(vec![
            invite(&member, types::GlobalRole::Member),
            invite(&other, types::GlobalRole::Member),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(invited.len(), 2, "one answer per invitation");
    // One answer per invitation (not necessarily in the order sent).
    let id_of = |address: &str| {
        invited
            .iter()
            .map(|i| &i.user)
            .find(|u| u.email == address)
            .map(|u| u.id.clone())
            .unwrap_or_else(|| panic!("no invitation answer for {address}"))
    };
    let ids = vec![id_of(&member), id_of(&other)];

    // By id and by email; the role only on request.
    let by_id = client.get_user().user_id(&ids[0]).send().await.unwrap();
    assert_eq!(by_id.email, member);
    assert!(by_id.role.is_none(), "no role unless asked for");
    assert_eq!(by_id.first_name, None, "a pending user has no name yet (null)");
    let by_email = client
        .get_user()
        .user_id(&member)
        .include_role(true)
        .send()
        .await
        .unwrap();
    assert_eq!(by_email.id, ids[0]);
    assert_eq!(by_email.role, Some(types::GlobalRole::Member));
    proved("createUser", "both invitees read back by id, pending, as members");
    proved("getUser", "reads a user by id and by email, the role on request");

    let all = client
        .get_users()
        .include_role(true)
        .limit(250)
        .collect_all()
        .await
        .unwrap();
    let listed: Vec<&types::User> = all.iter().filter(|u| ids.contains(&u.id)).collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|u| u.role == Some(types::GlobalRole::Member)));
    let owner = all
        .iter()
        .find(|u| u.email == licensed().owner_email)
        .expect("the owner is listed");
    assert_eq!(owner.role, Some(types::GlobalRole::Owner));
    let page = client.get_users().limit(1).send().await.unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.next_cursor.is_some() && page.data[0].role.is_none());
    proved(
        "getUsers",
        "lists the invitees and the owner with roles; pages of one without roles",
    );

    client
        .change_role()
        .user_id(&ids[1])
        .body(types::ChangeRoleBody::builder().new_role_name(types::GlobalRole::Admin))
        .send()
        .await
        .unwrap();
    let promoted = client
        .get_user()
        .user_id(&ids[1])
        .include_role(true)
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.role, Some(types::GlobalRole::Admin));
    proved("changeRole", "the user reads back as global:admin");

    for id in &ids {
        client.delete_user().user_id(id).send().await.unwrap();
        let gone = client.get_user().user_id(id).send().await.unwrap_err();
        assert!(gone.is_not_found(), "{gone}");
        assert!(
            matches!(gone.body(), Some(n8n_api::ErrorBody::Error(e)) if e.message.contains("Could not find")),
            "{gone:?}"
        );
    }
    proved("deleteUser", "both users are gone (getUser answers a typed 404)");
}
