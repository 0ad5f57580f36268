//! Contract cases for the users store methods: first administrator, user list, role changes.

use crate::support::*;
use domain::model::UserInfo;
use domain::record::Entity;
use domain::role::Role;
use domain::ErrorCode;
use store::{Actor, Error, Store};

contract_tests!(
    first_admin_is_created_once_and_audited,
    first_admin_is_refused_once_anyone_can_sign_in,
    system_user_is_not_a_person_and_is_created_once,
    create_user_refuses_a_taken_name_and_writes_nothing,
    user_by_username_reads_back_the_hash,
    users_list_in_creation_order,
    update_user_changes_role_active_and_password_and_audits,
    the_last_active_admin_cannot_be_demoted_or_deactivated,
    update_user_of_an_unknown_user_is_not_found,
);

async fn first_admin_is_created_once_and_audited(store: Store) {
    assert_eq!(store.count_users().await.expect("count"), 0);
    let first = store
        .create_user(&actor(), &new_user("admin", Role::Admin), true)
        .await
        .expect("first admin");
    assert_eq!(
        (first.username.as_str(), first.display_name.as_str(), first.role, first.active),
        ("admin", "admin 显示名", Role::Admin, true)
    );
    assert_eq!(store.count_users().await.expect("count"), 1);
    assert_eq!(store.users().await.expect("users"), vec![first.clone()]);
    let lines = store.audit_for("user", first.id).await.expect("audit");
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].action.as_str(), lines[0].at.as_str()), ("create", actor().at.as_str()));
    assert!(lines[0].before.is_none());
    let after: UserInfo = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(after, first);
    assert!(!format!("{lines:?}").contains(&hash("admin")), "no password hash in the log");

    let before = audit_len(&store).await;
    let e = store
        .create_user(&actor(), &new_user("second", Role::Admin), true)
        .await
        .expect_err("only once");
    refused(e, ErrorCode::Conflict, None);
    assert_eq!(store.count_users().await.expect("count"), 1);
    assert!(store.user_by_username("second").await.expect("lookup").is_none());
    assert_eq!(audit_len(&store).await, before);
}

async fn first_admin_is_refused_once_anyone_can_sign_in(store: Store) {
    let a = admin(&store).await;
    // An administrator adds a clerk the ordinary way; the first-start path stays closed.
    store.create_user(&a, &new_user("clerk1", Role::Clerk), false).await.expect("clerk");
    let e = store
        .create_user(&actor(), &new_user("late", Role::Admin), true)
        .await
        .expect_err("users exist");
    refused(e, ErrorCode::Conflict, None);
    assert_eq!(store.count_users().await.expect("count"), 2);
}

async fn system_user_is_not_a_person_and_is_created_once(store: Store) {
    let sys = store
        .system_user("cli", "命令行", Role::Admin, "2026-11-23T09:00:00+08:00")
        .await
        .expect("system user");
    assert_eq!(
        (sys.username.as_str(), sys.display_name.as_str(), sys.role),
        ("cli", "命令行", Role::Admin)
    );
    assert_eq!(store.count_users().await.expect("count"), 0, "it cannot sign in");
    assert!(store.users().await.expect("users").is_empty());
    let rec = store.user_by_username("cli").await.expect("lookup").expect("stored");
    assert_eq!(rec.password_hash, "!");
    assert!(!rec.info.active);
    // Asking again returns the same account, with the role asked for.
    let again = store
        .system_user("cli", "别的名字", Role::Finance, "2026-11-24T09:00:00+08:00")
        .await
        .expect("again");
    assert_eq!(
        (again.id, again.role, again.display_name.as_str()),
        (sys.id, Role::Finance, "命令行")
    );
    // It does not count as a user for the first start, nor as an active administrator.
    let first = store
        .create_user(&actor(), &new_user("admin", Role::Admin), true)
        .await
        .expect("first admin after the system user");
    let a = Actor {
        user_id: Some(first.id),
        username: "admin".into(),
        at: actor().at,
    };
    let e = store
        .update_user(&a, first.id, Role::Clerk, true, None)
        .await
        .expect_err("the system account is no administrator");
    refused(e, ErrorCode::Conflict, None);
    // Its name is taken for people.
    let e = store
        .create_user(&a, &new_user("cli", Role::Clerk), false)
        .await
        .expect_err("taken");
    refused(e, ErrorCode::Conflict, Some("username"));
}

async fn create_user_refuses_a_taken_name_and_writes_nothing(store: Store) {
    let a = admin(&store).await;
    let clerk = store.create_user(&a, &new_user("wang", Role::Clerk), false).await.expect("clerk");
    let lines = store.audit_for("user", clerk.id).await.expect("audit");
    assert_eq!((lines[0].action.as_str(), lines[0].username.as_str()), ("create", "admin"));
    let before = (store.users().await.expect("users"), audit_len(&store).await);
    let mut twin = new_user("wang", Role::Admin);
    twin.password_hash = hash("other");
    let e = store.create_user(&a, &twin, false).await.expect_err("taken");
    let r = refused(e, ErrorCode::Conflict, Some("username"));
    assert!(r.message.contains("wang"), "{}", r.message);
    assert_eq!((store.users().await.expect("users"), audit_len(&store).await), before);
    let rec = store.user_by_username("wang").await.expect("lookup").expect("kept");
    assert_eq!(
        (rec.info.role, rec.password_hash),
        (Role::Clerk, hash("wang")),
        "the first one is untouched"
    );
}

async fn user_by_username_reads_back_the_hash(store: Store) {
    let a = admin(&store).await;
    let f = store.create_user(&a, &new_user("li", Role::Finance), false).await.expect("finance");
    let rec = store.user_by_username("li").await.expect("lookup").expect("found");
    assert_eq!(rec.info, f);
    assert_eq!(rec.password_hash, hash("li"));
    assert!(store.user_by_username("LI").await.expect("lookup").is_none(), "names are exact");
    assert!(store.user_by_username("nobody").await.expect("lookup").is_none());
}

async fn users_list_in_creation_order(store: Store) {
    let a = admin(&store).await;
    let mut expected = store.users().await.expect("users");
    for (name, role) in [("zhao", Role::Manager), ("bai", Role::Clerk), ("qian", Role::Finance)] {
        expected.push(store.create_user(&a, &new_user(name, role), false).await.expect("user"));
    }
    store.system_user("cli", "命令行", Role::Admin, "t").await.expect("system user");
    assert_eq!(
        store.users().await.expect("users"),
        expected,
        "by creation, without the system account"
    );
    assert_eq!(store.count_users().await.expect("count"), 4);
}

async fn update_user_changes_role_active_and_password_and_audits(store: Store) {
    let a = admin(&store).await;
    let u = store.create_user(&a, &new_user("zhou", Role::Clerk), false).await.expect("clerk");
    let later = actor_at(&a, "2026-11-24T11:00:00+08:00");
    let after = store.update_user(&later, u.id, Role::Manager, true, None).await.expect("promoted");
    assert_eq!((after.role, after.active), (Role::Manager, true));
    let rec = store.user_by_username("zhou").await.expect("lookup").expect("found");
    assert_eq!(rec.info, after);
    assert_eq!(rec.password_hash, hash("zhou"), "no new hash, the old one stays");
    let lines = store.audit_for("user", u.id).await.expect("audit");
    assert_eq!((lines[0].action.as_str(), lines[0].at.as_str()), ("update", later.at.as_str()));
    let b: UserInfo = serde_json::from_str(lines[0].before.as_deref().expect("before")).expect("json");
    let n: UserInfo = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!((b, n), (u.clone(), after.clone()));

    let off = store
        .update_user(&later, u.id, Role::Manager, false, Some(&hash("new")))
        .await
        .expect("deactivated with a new password");
    assert!(!off.active);
    let rec = store.user_by_username("zhou").await.expect("lookup").expect("found");
    assert_eq!((rec.info.active, rec.password_hash.as_str()), (false, hash("new").as_str()));
    let lines = store.audit_for("user", u.id).await.expect("audit");
    assert_eq!(lines[0].action, "update_with_password");
    assert!(!format!("{lines:?}").contains(&hash("new")), "no hash in the log");
    assert_eq!(store.users().await.expect("users").len(), 2, "inactive users stay listed");
    assert_eq!(store.count_users().await.expect("count"), 2);
}

async fn the_last_active_admin_cannot_be_demoted_or_deactivated(store: Store) {
    let a = admin(&store).await;
    let id = a.user_id.expect("id");
    let before = (store.users().await.expect("users"), audit_len(&store).await);
    for (role, active) in [(Role::Clerk, true), (Role::Admin, false), (Role::Finance, false)] {
        let e = store
            .update_user(&a, id, role, active, Some(&hash("changed")))
            .await
            .expect_err("the last administrator");
        refused(e, ErrorCode::Conflict, None);
        assert_eq!(
            (store.users().await.expect("users"), audit_len(&store).await),
            before,
            "{role:?} {active}"
        );
        let rec = store.user_by_username("admin").await.expect("lookup").expect("found");
        assert_eq!(rec.password_hash, hash("admin"), "the password did not change either");
    }
    // Keeping the role and the flag is fine (a password reset).
    store
        .update_user(&a, id, Role::Admin, true, Some(&hash("reset")))
        .await
        .expect("reset");
    // With a second administrator, either may step down, but not both.
    let second = store
        .create_user(&a, &new_user("admin2", Role::Admin), false)
        .await
        .expect("second admin");
    // An inactive administrator does not count.
    store
        .update_user(&a, second.id, Role::Admin, false, None)
        .await
        .expect("second deactivated");
    let e = store
        .update_user(&a, id, Role::Manager, true, None)
        .await
        .expect_err("the other one is inactive");
    refused(e, ErrorCode::Conflict, None);
    store
        .update_user(&a, second.id, Role::Admin, true, None)
        .await
        .expect("second active again");
    store
        .update_user(&a, id, Role::Manager, true, None)
        .await
        .expect("the first steps down");
    let e = store
        .update_user(&a, second.id, Role::Clerk, true, None)
        .await
        .expect_err("now the second is the last");
    refused(e, ErrorCode::Conflict, None);
    let roles: Vec<(String, Role, bool)> = store
        .users()
        .await
        .expect("users")
        .into_iter()
        .map(|u| (u.username, u.role, u.active))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("admin".to_string(), Role::Manager, true),
            ("admin2".to_string(), Role::Admin, true)
        ]
    );
}

async fn update_user_of_an_unknown_user_is_not_found(store: Store) {
    let a = admin(&store).await;
    let before = audit_len(&store).await;
    let e = store.update_user(&a, 999_999, Role::Clerk, true, None).await.expect_err("unknown");
    assert!(matches!(e, Error::NotFound(Entity::User)), "{e:?}");
    assert_eq!(audit_len(&store).await, before);
}
