//! Backups and restores of a workstation's file, and a damaged or missing database at open.

use domain::role::Role;
use std::path::Path;
use store::{Actor, NewUser, Store};

fn actor() -> Actor {
    Actor {
        user_id: None,
        username: "admin".into(),
        at: "2026-12-08T09:00:00+08:00".into(),
    }
}

async fn add_user(store: &Store, name: &str) {
    store
        .create_user(
            &actor(),
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                role: Role::Clerk,
                password_hash: "x".into(),
            },
            false,
        )
        .await
        .expect("user");
}

async fn names(store: &Store) -> Vec<String> {
    store.users().await.expect("users").into_iter().map(|u| u.username).collect()
}

fn refused(e: store::Error) -> domain::AppError {
    domain::AppError::from(e)
}

#[tokio::test]
async fn a_backup_is_checked_and_restores_the_records_it_holds() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("handover.db");
    let (store, _) = Store::open(&db).await.expect("open");
    add_user(&store, "before").await;
    let out = dir.path().join("out/b1.db");
    let info = store::backup::backup_into(&store, &out).await.expect("backup");
    assert_eq!(info.file_name, "b1.db");
    assert_eq!(info.schema_version, Store::schema_version());
    assert_eq!(info.audit_head, 1, "one audit line: the user created");
    assert_eq!(info.sha256.len(), 64);
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).expect("ls").count(),
        1,
        "no partial file left"
    );
    assert_eq!(store::backup::check_backup(&out).await.expect("check"), info);

    // Later changes; the database is now newer than the backup.
    add_user(&store, "after").await;
    // While the app has it open, a restore is refused and nothing changes.
    let e = refused(
        store::backup::restore_file(&out, &db, true, &dir.path().join("prev.db"))
            .await
            .expect_err("in use"),
    );
    assert!(e.message.contains("正在被"), "{}", e.message);
    store.close().await;

    let e = refused(
        store::backup::restore_file(&out, &db, false, &dir.path().join("prev.db"))
            .await
            .expect_err("newer"),
    );
    assert!(e.message.contains("比备份新") && e.message.contains("第 2 条"), "{}", e.message);
    assert!(!dir.path().join("prev.db").exists());
    let (store, _) = Store::open(&db).await.expect("unchanged");
    assert_eq!(names(&store).await, ["before", "after"]);
    store.close().await;

    let report = store::backup::restore_file(&out, &db, true, &dir.path().join("prev.db"))
        .await
        .expect("forced");
    let previous = report.previous.expect("the database as it was is kept");
    assert_eq!(previous.path, dir.path().join("prev.db").display().to_string());
    let (store, _) = Store::open(&db).await.expect("restored");
    assert_eq!(names(&store).await, ["before"]);
    let chain = store.verify_audit().await.expect("verify");
    assert!(chain.intact() && chain.lines == 1);
    // The restored database works on: a write, then its chain still whole.
    add_user(&store, "again").await;
    assert!(store.verify_audit().await.expect("verify").intact());
    store.close().await;
    // And the previous one holds what was there before the restore.
    let (prev, _) = Store::open(&dir.path().join("prev.db")).await.expect("previous");
    assert_eq!(names(&prev).await, ["before", "after"]);
    prev.close().await;
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring") || n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn a_damaged_backup_or_one_of_a_newer_version_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("handover.db");
    let (store, _) = Store::open(&db).await.expect("open");
    add_user(&store, "kept").await;
    let good = dir.path().join("good.db");
    store::backup::backup_into(&store, &good).await.expect("backup");
    store.close().await;

    let not_db = dir.path().join("notes.db");
    std::fs::write(&not_db, b"hello, this is not a database").expect("write");
    let e = refused(store::backup::check_backup(&not_db).await.expect_err("not a db"));
    assert_eq!(e.field.as_deref(), Some("backup"));
    // Truncated: the first half of a real backup.
    let bytes = std::fs::read(&good).expect("read");
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    assert!(
        store::backup::check_backup(&cut).await.is_err(),
        "a truncated backup fails its check"
    );
    let e = refused(
        store::backup::restore_file(&cut, &db, true, &dir.path().join("prev.db"))
            .await
            .expect_err("cut"),
    );
    assert_eq!(e.field.as_deref(), Some("backup"));
    assert!(store::backup::check_backup(&dir.path().join("none.db")).await.is_err());

    // A backup from a newer version of the app.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).expect("copy");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", newer.display()))
        .await
        .expect("pool");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .expect("future");
    pool.close().await;
    let e = refused(store::backup::check_backup(&newer).await.expect_err("newer"));
    assert!(e.message.contains("较新版本"), "{}", e.message);

    let (store, _) = Store::open(&db).await.expect("still there");
    assert_eq!(names(&store).await, ["kept"]);
    store.close().await;
}

fn damage(db: &Path) {
    // Overwrite a page in the middle with junk (the header stays, so SQLite opens it).
    let mut bytes = std::fs::read(db).expect("read");
    let page = 4096;
    assert!(bytes.len() > 3 * page);
    for b in &mut bytes[2 * page..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(db, bytes).expect("write");
}

#[tokio::test]
async fn a_damaged_truncated_or_missing_database_is_reported_at_open_never_replaced() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("handover.db");
    let (store, _) = Store::open(&db).await.expect("open");
    for i in 0..50 {
        add_user(&store, &format!("user{i}")).await;
    }
    // The first start's daily backup: the folder says a database was here.
    store::backup::backup_into(&store, &store::backups_dir(&db).join("daily-2026-12-08.db"))
        .await
        .expect("daily");
    store.close().await;
    let whole = std::fs::read(&db).expect("bytes");

    damage(&db);
    let e = refused(Store::open(&db).await.err().expect("damaged"));
    assert_eq!((e.code, e.field.as_deref()), (domain::ErrorCode::Storage, Some("db")));
    assert!(e.message.contains("已损坏"), "{}", e.message);

    std::fs::write(&db, &whole[..whole.len() / 3]).expect("truncate");
    let e = refused(Store::open(&db).await.err().expect("truncated"));
    assert!(e.message.contains("已损坏"), "{}", e.message);
    assert_eq!(
        std::fs::metadata(&db).expect("kept").len() as usize,
        whole.len() / 3,
        "left as it was"
    );

    // Gone: never silently replaced by an empty database.
    std::fs::remove_file(&db).expect("rm");
    let e = refused(
        Store::open_existing_at(&store::Location::File(db.clone()))
            .await
            .err()
            .expect("missing"),
    );
    assert_eq!((e.code, e.field.as_deref()), (domain::ErrorCode::NotFound, Some("db")));
    assert!(e.message.contains("不见了"), "{}", e.message);
    assert!(!db.exists(), "nothing created");
    // A folder where no database ever was: told how to make one.
    let elsewhere = tempfile::tempdir().expect("tmp");
    let e = refused(
        Store::open_existing_at(&store::Location::File(elsewhere.path().join("handover.db")))
            .await
            .err()
            .expect("never"),
    );
    assert!(e.message.contains("admin init"), "{}", e.message);
}
