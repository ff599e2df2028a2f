//! Team projects and what lives in them: members and their roles, folders, variables.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn projects_crud() {
    let client = client();
    let name = unique("proj");
    let project = client
        .create_project()
        .body(types::CreateProjectBody::builder().name(&name))
        .send()
        .await
        .unwrap();
    assert_eq!(project.type_, types::ProjectType::Team);
    let listed = client.get_projects().limit(250).collect_all().await.unwrap();
    assert!(listed.iter().any(|p| p.id == project.id && p.name == name));
    let first = client.get_projects().limit(1).send().await.unwrap();
    assert_eq!(first.data.len(), 1);
    assert!(first.next_cursor.is_some());
    proved("createProject", "the team project is listed by getProjects");
    proved("getProjects", "lists the new project; pages of one");

    client
        .update_project()
        .project_id(&project.id)
        .body(types::UpdateProjectBody::builder().name(format!("{name}-2")))
        .send()
        .await
        .unwrap();
    let listed = client.get_projects().limit(250).collect_all().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|p| p.id == project.id && p.name == format!("{name}-2"))
    );
    proved("updateProject", "the new name is listed");

    client.delete_project().project_id(&project.id).send().await.unwrap();
    let listed = client.get_projects().limit(250).collect_all().await.unwrap();
    assert!(!listed.iter().any(|p| p.id == project.id));
    proved("deleteProject", "the project is no longer listed");
}

#[tokio::test]
async fn project_members() {
    let client = client();
    let project = create_project(&client, &unique("proj-members")).await;
    let address = format!("{}@example.com", unique("member"));
    let invited = client
        .create_user()
        .body(vec![types::CreateUserBodyItem {
            email: address.clone(),
            role: Some(types::GlobalRole::Member),
        }])
        .send()
        .await
        .unwrap();
    let user = invited[0].user.id.clone();

    client
        .add_users_to_project()
        .project_id(&project)
        .body(types::AddUsersToProjectBody::builder().relations(vec![
            types::AddUsersToProjectBodyRelationsItem::builder()
                .user_id(&user)
                .role(types::ProjectRole::Viewer),
        ]))
        .send()
        .await
        .unwrap();
    let role_of = |members: &[types::GetProjectUsersResponseDataItem]| {
        members.iter().find(|m| m.id == user).and_then(|m| m.role.clone())
    };
    let members = client.get_project_users().project_id(&project).send().await.unwrap();
    assert_eq!(role_of(&members.data), Some(types::ProjectRole::Viewer));
    let by_project = client.get_users().project_id(&project).send().await.unwrap();
    assert!(by_project.data.iter().any(|u| u.id == user));
    proved("addUsersToProject", "the user is a project:viewer member");
    proved("getProjectUsers", "lists the member with the role given");

    client
        .change_user_role_in_project()
        .project_id(&project)
        .user_id(&user)
        .body(types::ChangeUserRoleInProjectBody::builder().role(types::ProjectRole::Editor))
        .send()
        .await
        .unwrap();
    let members = client.get_project_users().project_id(&project).send().await.unwrap();
    assert_eq!(role_of(&members.data), Some(types::ProjectRole::Editor));
    proved("changeUserRoleInProject", "the member reads back as project:editor");

    client
        .delete_user_from_project()
        .project_id(&project)
        .user_id(&user)
        .send()
        .await
        .unwrap();
    let members = client.get_project_users().project_id(&project).send().await.unwrap();
    assert!(role_of(&members.data).is_none(), "no longer a member");
    proved("deleteUserFromProject", "the user is no longer listed as a member");

    client.delete_user().user_id(&user).send().await.unwrap();
    remove_project(&client, &project).await;
}

#[tokio::test]
async fn folders() {
    let client = client();
    let project = create_project(&client, &unique("proj-folders")).await;
    let top = client
        .create_folder()
        .project_id(&project)
        .body(types::FolderCreate::builder().name("top"))
        .send()
        .await
        .unwrap();
    let top_id = top.id.clone();
    let sub = client
        .create_folder()
        .project_id(&project)
        .body(types::FolderCreate::builder().name("sub").parent_folder_id(&top_id))
        .send()
        .await
        .unwrap();
    let sub_id = sub.id.clone();
    assert_eq!(sub.parent_folder_id.as_deref(), Some(top_id.as_str()));

    let got = client
        .get_folder()
        .project_id(&project)
        .folder_id(&top_id)
        .send()
        .await
        .unwrap();
    assert_eq!((got.name.as_deref(), got.total_sub_folders), (Some("top"), Some(1)));
    proved(
        "createFolder",
        "a folder and a sub-folder; the parent counts one sub-folder",
    );
    proved("getFolder", "returns the folder with its sub-folder count");

    let roots = client
        .get_folders()
        .project_id(&project)
        .filter(json!({ "parentFolderId": "0" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        roots.data.iter().flatten().map(|f| f.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&top_id)
    );
    let all = client.get_folders().project_id(&project).send().await.unwrap();
    assert_eq!(all.count, Some(2));
    proved("getFolders", "lists both folders; filtered by parent, only the top one");

    let renamed = client
        .update_folder()
        .project_id(&project)
        .folder_id(&sub_id)
        .body(types::FolderUpdate::builder().name("renamed"))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("renamed"));
    let got = client
        .get_folder()
        .project_id(&project)
        .folder_id(&sub_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("renamed"));
    proved("updateFolder", "the new name reads back");

    client
        .delete_folder()
        .project_id(&project)
        .folder_id(&sub_id)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_folder()
        .project_id(&project)
        .folder_id(&sub_id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("deleteFolder", "the folder is gone (404 afterwards)");
    remove_project(&client, &project).await;
}

#[tokio::test]
async fn variables() {
    let client = client();
    let key = unique("VAR").replace('-', "_");
    client
        .create_variable()
        .body(types::CreateVariableBody::builder().key(&key).value("one"))
        .send()
        .await
        .unwrap();
    let find = |list: Vec<types::Variable>| list.into_iter().find(|v| v.key == key);
    let created = find(client.get_variables().limit(250).collect_all().await.unwrap()).expect("the variable is listed");
    assert_eq!(created.value, "one");
    proved("createVariable", "the variable is listed with its value");

    client
        .update_variable()
        .variable_id(&created.id)
        .body(types::UpdateVariableBody::builder().key(&key).value("two"))
        .send()
        .await
        .unwrap();
    let updated = find(client.get_variables().limit(250).collect_all().await.unwrap()).expect("still listed");
    assert_eq!(updated.value, "two");
    proved("updateVariable", "the new value is listed");

    // Scoped to a project, and listed by project; an empty one is found by `state=empty`.
    let project = create_project(&client, &unique("proj-vars")).await;
    let scoped = unique("EMPTY").replace('-', "_");
    client
        .create_variable()
        .body(
            types::CreateVariableBody::builder()
                .key(&scoped)
                .value("")
                .project_id(&project),
        )
        .send()
        .await
        .unwrap();
    let in_project = client.get_variables().project_id(&project).send().await.unwrap();
    assert_eq!(
        in_project.data.iter().map(|v| v.key.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&scoped)
    );
    let empty = client
        .get_variables()
        .state(types::GetVariablesState::Empty)
        .limit(250)
        .collect_all()
        .await
        .unwrap();
    assert!(empty.iter().any(|v| v.key == scoped) && !empty.iter().any(|v| v.key == key));
    proved(
        "getVariables",
        "lists by project and by state=empty, and the global one by key",
    );

    client.delete_variable().variable_id(&created.id).send().await.unwrap();
    assert!(find(client.get_variables().limit(250).collect_all().await.unwrap()).is_none());
    proved("deleteVariable", "the variable is no longer listed");
    remove_project(&client, &project).await;
}
