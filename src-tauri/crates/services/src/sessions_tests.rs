//! Sessions: throttling and lockout, the idle lock, re-validation on every call, changing one's
//! own password, and the audit lines each leaves.

use crate::test_support::*;
use crate::*;
use domain::role::{Role, Session};
use domain::ErrorCode;
use std::sync::Mutex;

/// A clock the test moves.
fn movable(start: &str) -> (Clock, Arc<Mutex<DateTime<Utc>>>) {
    let now = Arc::new(Mutex::new(DateTime::parse_from_rfc3339(start).expect("instant").to_utc()));
    let read = now.clone();
    (Arc::new(move || *read.lock().expect("clock")), now)
}

fn advance(now: &Mutex<DateTime<Utc>>, minutes: i64) {
    *now.lock().expect("clock") += chrono::Duration::minutes(minutes);
}

async fn services_at(start: &str) -> (Services, Arc<Mutex<DateTime<Utc>>>) {
    let (clock, now) = movable(start);
    (Services::new(test_store().await, clock), now)
}

fn sign(name: &str, pw: &str) -> SignIn {
    SignIn {
        username: name.into(),
        password: pw.into(),
    }
}

async fn actions_on_user(services: &Services, id: i64) -> Vec<String> {
    let mut a: Vec<String> = services
        .store()
        .audit_for("user", id)
        .await
        .expect("audit")
        .into_iter()
        .map(|l| l.action)
        .collect();
    a.reverse();
    a
}

#[tokio::test]
async fn five_failures_lock_a_name_known_or_not_with_the_same_answers() {
    let (services, now) = services_at("2026-12-08T09:00:00+08:00").await;
    let admin = first_admin(&services).await;
    let mut answers = Vec::new();
    for name in ["admin", "nobody"] {
        let mut seen = Vec::new();
        for _ in 0..5 {
            let e = services.sign_in(&sign(name, "not the password")).await.expect_err("wrong");
            seen.push((e.code, e.message));
        }
        // Locked now: even the right password is refused, and says for how long.
        let e = services.sign_in(&sign(name, "correct horse")).await.expect_err("locked");
        seen.push((e.code, e.message));
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1], "an unknown name is answered exactly as a known one");
    let (codes, messages): (Vec<_>, Vec<_>) = answers[0].iter().cloned().unzip();
    assert!(codes.iter().all(|c| *c == ErrorCode::BadCredentials));
    assert_eq!(messages[0], "用户名或密码错误，或账号已停用");
    assert!(
        messages[4].contains("已临时锁定") && messages[4].contains("15 分钟"),
        "{}",
        messages[4]
    );
    assert!(messages[5].contains("已临时锁定"), "{}", messages[5]);

    // Fifteen minutes on, the lock has run out; a right password signs in and clears the count.
    advance(&now, 15);
    let s = services.sign_in(&sign("admin", "correct horse")).await.expect("after the lock");
    assert_eq!(s.user_id, admin.user_id);
    for _ in 0..4 {
        services.sign_in(&sign("admin", "wrong again")).await.expect_err("wrong");
    }
    assert!(
        services.sign_in(&sign("admin", "correct horse")).await.is_ok(),
        "four failures do not lock"
    );

    let log = actions_on_user(&services, admin.user_id).await;
    assert_eq!(
        log,
        [
            "create",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_locked",
            "sign_in",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in"
        ]
    );
    // The unknown name's failures are audited under entity id 0, with the name typed.
    let unknown = services.store().audit_for("user", 0).await.expect("audit");
    assert_eq!(unknown.len(), 5);
    assert!(unknown
        .iter()
        .all(|l| l.username == "nobody" && l.after.as_deref().unwrap_or("").contains("nobody")));
}

#[tokio::test]
async fn an_idle_session_ends_after_the_lock_and_a_busy_one_goes_on() {
    let (services, now) = services_at("2026-12-08T09:00:00+08:00").await;
    let s = first_admin(&services).await;
    advance(&now, 14);
    let s = services.resume(&s).await.expect("14 minutes");
    advance(&now, 14);
    services.resume(&s).await.expect("the idle clock restarted at the last call");
    advance(&now, 16);
    let e = services.resume(&s).await.expect_err("idle");
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(e.message.contains("闲置超过 15 分钟"), "{}", e.message);
    let e = services.resume(&s).await.expect_err("ended");
    assert_eq!(e.message, "请先登录");

    // An administrator sets 30 minutes: the next session may idle 29.
    let s = services.sign_in(&sign("admin", "correct horse")).await.expect("again");
    assert_eq!(services.set_idle_lock_minutes(&s, "30").await.expect("set"), 30);
    let e = services.set_idle_lock_minutes(&s, "0").await.expect_err("zero");
    assert_eq!(e.field.as_deref(), Some("idle_lock_minutes"));
    advance(&now, 29);
    services.resume(&s).await.expect("29 of 30");
    let again = Services::new(services.store().clone(), at(NOW));
    again.load_idle_lock().await.expect("load");
    assert_eq!(again.idle_lock_minutes(), 30, "the setting is kept");
}

#[tokio::test]
async fn a_user_disabled_or_given_another_role_is_refused_at_the_next_call() {
    let (services, _) = services_at("2026-12-08T09:00:00+08:00").await;
    let admin = first_admin(&services).await;
    let clerk = user(&services, &admin, "clerk1", Role::Clerk).await;
    let manager = user(&services, &admin, "mgr1", Role::Manager).await;
    services.resume(&clerk).await.expect("live");

    let info = |s: &Session, role: Role, active: bool| UpdateUserRequest {
        id: s.user_id,
        role,
        active,
        password: None,
    };
    services
        .update_user(&admin, &info(&clerk, Role::Clerk, false))
        .await
        .expect("disable");
    let e = services.resume(&clerk).await.expect_err("disabled");
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::Unauthenticated, "账号已停用，已退出登录"));

    services
        .update_user(&admin, &info(&manager, Role::Clerk, true))
        .await
        .expect("demote");
    let e = services.resume(&manager).await.expect_err("demoted");
    assert!(e.message.contains("角色已被管理员变更"), "{}", e.message);
    let again = services.sign_in(&sign("mgr1", "password-123")).await.expect("signs in anew");
    assert_eq!(services.resume(&again).await.expect("live").role, Role::Clerk);

    // Disabled by another desk (straight in the database, as an office server's other client
    // would): the row is read on every call, so this session ends too.
    let other = Services::new(services.store().clone(), at(NOW));
    other
        .update_user(&admin, &info(&again, Role::Clerk, false))
        .await
        .expect("elsewhere");
    assert_eq!(
        services.resume(&again).await.expect_err("elsewhere").code,
        ErrorCode::Unauthenticated
    );

    // A session the services never started (a forged or stale token) is refused.
    let forged = Session {
        token: "0".repeat(64),
        ..admin.clone()
    };
    assert_eq!(services.resume(&forged).await.expect_err("forged").code, ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn users_change_their_own_password_and_sign_out() {
    let (services, _) = services_at("2026-12-08T09:00:00+08:00").await;
    let admin = first_admin(&services).await;
    let clerk = user(&services, &admin, "clerk1", Role::Clerk).await;
    let change = |current: &str, new: &str| ChangePassword {
        current_password: current.into(),
        new_password: new.into(),
    };
    let e = services
        .change_password(&clerk, &change("wrong one!", "a new password"))
        .await
        .expect_err("wrong");
    assert_eq!(e.field.as_deref(), Some("current_password"));
    let e = services
        .change_password(&clerk, &change("password-123", "short-9ch"))
        .await
        .expect_err("9");
    assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("new_password"), "密码至少 10 位"));
    let e = services
        .change_password(&clerk, &change("password-123", "password-123"))
        .await
        .expect_err("same");
    assert_eq!(e.field.as_deref(), Some("new_password"));
    services
        .change_password(&clerk, &change("password-123", "a new password"))
        .await
        .expect("changed");
    services.resume(&clerk).await.expect("the session goes on");
    assert!(services.sign_in(&sign("clerk1", "password-123")).await.is_err());
    let s = services.sign_in(&sign("clerk1", "a new password")).await.expect("new");

    services.sign_out(&s).await.expect("out");
    assert_eq!(services.resume(&s).await.expect_err("signed out").message, "请先登录");
    let log = actions_on_user(&services, clerk.user_id).await;
    assert_eq!(
        log,
        ["create", "sign_in", "password_changed", "sign_in_failed", "sign_in", "sign_out"]
    );
    let lines = services.store().audit_for("user", clerk.user_id).await.expect("audit");
    assert!(!format!("{lines:?}").contains("a new password"), "no password in the log");

    // New passwords: at least 10 characters everywhere.
    let e = services
        .create_user(
            &admin,
            &NewUserRequest {
                username: "short".into(),
                display_name: String::new(),
                role: Role::Clerk,
                password: "123456789".into(),
            },
        )
        .await
        .expect_err("9 characters");
    assert_eq!(e.field.as_deref(), Some("password"));
}
