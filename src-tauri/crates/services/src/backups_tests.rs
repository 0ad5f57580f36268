//! 备份与恢复 through the services: the daily backup and its rotation, a backup an
//! administrator asks for (audited), a restore staged and carried out at the next start.

use crate::backups::{apply_pending_restore, pending_restore_marker};
use crate::test_support::*;
use crate::*;
use domain::role::Role;
use domain::ErrorCode;

async fn on_file(dir: &std::path::Path, clock: &'static str) -> Services {
    let db = dir.join("handover.db");
    let (store, _) = Store::open(&db).await.expect("file");
    let services = Services::new(store, at(clock)).at_location(Location::File(db));
    services.load_idle_lock().await.expect("load");
    services
}

#[tokio::test]
async fn the_first_start_of_a_day_backs_up_once_and_keeps_the_newest() {
    let dir = tempfile::tempdir().expect("tmp");
    let services = on_file(dir.path(), "2026-12-08T09:00:00+08:00").await;
    let admin = first_admin(&services).await;
    let made = services.daily_backup().await.expect("backup").expect("due");
    assert_eq!(made.file_name, "daily-2026-12-08.db");
    assert!(services.daily_backup().await.expect("again").is_none(), "once a day");
    let sidecar: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{}.json", made.path)).expect("sidecar")).expect("json");
    assert_eq!(sidecar["sha256"], made.sha256.as_str());

    // Older daily backups beyond the number kept are pruned, with their checks.
    let folder = dir.path().join("backups");
    for day in 1..=5 {
        let name = format!("daily-2026-11-{day:02}.db");
        std::fs::copy(&made.path, folder.join(&name)).expect("old");
        std::fs::write(folder.join(format!("{name}.json")), b"{}").expect("old json");
    }
    services.set_backup_keep(&admin, "3").await.expect("keep 3");
    let tomorrow = Services::new(services.store().clone(), at("2026-12-09T08:00:00+08:00"))
        .at_location(Location::File(dir.path().join("handover.db")));
    tomorrow.daily_backup().await.expect("backup").expect("due");
    let list = services.backups(&admin).await.expect("list");
    let names: Vec<&str> = list.entries.iter().map(|e| e.file_name.as_str()).collect();
    assert_eq!(names, ["daily-2026-12-09.db", "daily-2026-12-08.db", "daily-2026-11-05.db"]);
    assert!(
        !folder.join("daily-2026-11-01.db.json").exists(),
        "the pruned file's check goes too"
    );
    assert_eq!(list.keep_daily, 3);
}

#[tokio::test]
async fn an_administrator_backs_up_and_restores_at_the_next_start_others_may_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("handover.db");
    let services = on_file(dir.path(), "2026-12-08T09:00:00+08:00").await;
    let admin = first_admin(&services).await;
    let clerk = user(&services, &admin, "clerk1", Role::Clerk).await;
    assert_eq!(
        services.backup_now(&clerk, None).await.expect_err("clerk").code,
        ErrorCode::Forbidden
    );
    assert_eq!(services.backups(&clerk).await.expect_err("clerk").code, ErrorCode::Forbidden);

    let info = services.backup_now(&admin, None).await.expect("backup");
    assert_eq!(info.file_name, "manual-20261208-090000.db");
    let log = services.store().audit_for("backup", 0).await.expect("audit");
    assert_eq!(log[0].action, "backup_made");
    assert_eq!(
        services.check_backup(&admin, &info.file_name).await.expect("check").sha256,
        info.sha256
    );
    for bad in ["../handover.db", "daily-x/../../handover.db", "handover.db", "/etc/passwd"] {
        let e = services.check_backup(&admin, bad).await.expect_err(bad);
        assert_eq!(e.field.as_deref(), Some("backup"), "{bad}");
    }

    // After the backup, a user is added: the database is newer, so a restore asks first.
    user(&services, &admin, "later", Role::Clerk).await;
    let e = services.stage_restore(&admin, &info.file_name, false).await.expect_err("newer");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(!pending_restore_marker(&db).exists());
    services.stage_restore(&admin, &info.file_name, true).await.expect("confirmed");
    assert_eq!(
        services.backups(&admin).await.expect("list").pending_restore.as_deref(),
        Some(info.file_name.as_str())
    );
    services.store().close().await;

    // The next start: restored before the database is opened, audited under the administrator.
    let restored = apply_pending_restore(&db, "20261208-100000", "2026-12-08T10:00:00+08:00")
        .await
        .expect("restore")
        .expect("one was pending");
    assert_eq!(restored.sha256, info.sha256);
    assert!(!pending_restore_marker(&db).exists());
    assert!(
        dir.path().join("backups/pre-restore-20261208-100000.db").exists(),
        "the database as it was"
    );
    let again = Services::open_existing(db.as_path()).await.expect("opens");
    let names: Vec<String> = again
        .store()
        .users()
        .await
        .expect("users")
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["admin", "clerk1"], "the user added after the backup is gone");
    let log = again.store().audit_for("backup", 0).await.expect("audit");
    assert_eq!((log[0].action.as_str(), log[0].username.as_str()), ("restored", "admin"));
    assert!(again.store().verify_audit().await.expect("verify").intact());
    assert!(apply_pending_restore(&db, "x", "y").await.expect("none").is_none());
}
