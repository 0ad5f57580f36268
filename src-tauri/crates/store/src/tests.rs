//! Store tests on temporary database files.

use super::*;

fn actor() -> Actor {
    Actor {
        user_id: None,
        username: "test".into(),
        at: "2026-11-23T10:00:00+08:00".into(),
    }
}

#[tokio::test]
async fn creates_migrates_and_backs_up_before_a_pending_migration() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("a/b/handover.db");
    let (store, report) = Store::open(&path).await.expect("open new");
    assert!(report.backup.is_none(), "a new file needs no backup");
    assert!(report.applied >= 1);
    store
        .system_user("cli", "命令行", domain::role::Role::Admin, "2026-11-23T10:00:00+08:00")
        .await
        .expect("user");
    store.close().await;

    // Reopening an up-to-date file: nothing pending, no backup.
    let (store, report) = Store::open(&path).await.expect("reopen");
    assert!(report.backup.is_none());
    assert_eq!(report.applied, 0);
    // Pretend the file is one migration behind: the next open backs it up first.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ?")
        .bind(Store::schema_version())
        .execute(&store.pool)
        .await
        .expect("rewind");
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES (0, 'older', '2026-01-01', 1, x'00', 0)")
        .execute(&store.pool)
        .await
        .expect("fake older version");
    for t in ["audit_log_no_update", "audit_log_no_delete"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {t}")))
            .execute(&store.pool)
            .await
            .expect("drop");
    }
    for t in [
        "contract_parties",
        "contracts",
        "buyers",
        "units",
        "buildings",
        "projects",
        "audit_log",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE {t}")))
            .execute(&store.pool)
            .await
            .expect("drop");
    }
    sqlx::query("DELETE FROM users WHERE username <> 'cli'")
        .execute(&store.pool)
        .await
        .expect("keep users");
    sqlx::query("DROP TABLE imports").execute(&store.pool).await.expect("drop");
    sqlx::query("DROP TABLE users").execute(&store.pool).await.expect("drop");
    store.close().await;
    // The fake version 0 is unknown to this build, so the migration itself fails — after the
    // backup was taken, which is the point: the file as it was is safe beside the database.
    let e = Store::open(&path).await.err().expect("unknown applied version refused");
    assert_eq!(e.code, domain::ErrorCode::Storage);
    let backup = path.with_extension("pre-migration-v0.bak");
    assert!(backup.exists(), "{}", backup.display());
    let size = std::fs::metadata(&backup).expect("meta").len();
    assert!(size > 0);
}

#[tokio::test]
async fn audit_log_is_append_only() {
    let store = Store::open_in_memory().await.expect("store");
    let u = store
        .system_user("cli", "命令行", domain::role::Role::Admin, "t")
        .await
        .expect("user");
    let mut tx = store.pool.begin().await.expect("tx");
    audit::write(&mut tx, &actor(), "user", u.id, "create", None::<&()>, Some(&u))
        .await
        .expect("append");
    tx.commit().await.expect("commit");
    let e = sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(&store.pool)
        .await
        .expect_err("update refused");
    assert!(e.to_string().contains("append-only"));
    assert!(sqlx::query("DELETE FROM audit_log").execute(&store.pool).await.is_err());
    assert_eq!(store.audit_for("user", u.id).await.expect("read").len(), 1);
}

#[tokio::test]
async fn money_is_stored_as_integer_hundredths() {
    let store = Store::open_in_memory().await.expect("store");
    let types: Vec<String> =
        sqlx::query_scalar("SELECT type FROM pragma_table_info('contracts') WHERE name IN ('total_price', 'unit_price')")
            .fetch_all(&store.pool)
            .await
            .expect("pragma");
    assert_eq!(types, vec!["INTEGER", "INTEGER"]);
    let reals: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.type = 'REAL'")
            .fetch_one(&store.pool)
            .await
            .expect("pragma");
    assert_eq!(reals, 0, "no REAL column anywhere");
}
