//! Migration 0007 carries the floor plans and parties kept in `settings` into their own tables.

use crate::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

#[tokio::test]
async fn settings_rows_move_into_their_tables() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("before-0007.db");
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePool::connect_with(opts).await.expect("file");
    let earlier: Vec<_> = crate::MIGRATIONS_SQLITE.iter().filter(|m| m.version < 7).cloned().collect();
    sqlx::migrate::Migrator::with_migrations(earlier)
        .run(&pool)
        .await
        .expect("earlier migrations");
    for sql in [
        "INSERT INTO projects (id, name) VALUES (3, 'Garden')",
        "INSERT INTO settings (key, value, image, updated_at, updated_by) VALUES
            ('floor_plan.3.flat', 'plan.png', x'89504E47', 't1', 'pm'),
            ('floor_plan.3.shop.level-2', 'shop.jpg', x'FFD8FF', 't2', 'pm'),
            ('floor_plan.9.flat', 'gone.png', x'00', 't', 'pm'),
            ('defect_parties.3', '[\"fit-out\",\" main \",\"fit-out\",\"\"]', NULL, 't', 'pm'),
            ('defect_parties.9', '[\"main\"]', NULL, 't', 'pm'),
            ('letterhead.company', 'Property Co', NULL, 't', 'pm')",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.expect(sql);
    }
    pool.close().await;

    let (store, _) = Store::open(&path).await.expect("migrates");
    let plan = store.floor_plan(3, "flat").await.expect("plan").expect("carried");
    assert_eq!((plan.file_name.as_str(), plan.image.as_slice()), ("plan.png", &b"\x89PNG"[..]));
    let shop = store.floor_plan(3, "shop.level-2").await.expect("plan").expect("a dot in the type");
    assert_eq!(shop.file_name, "shop.jpg");
    assert_eq!(
        store.defect_parties(3).await.expect("parties"),
        ["fit-out", "main"],
        "trimmed, first kept, blanks dropped"
    );
    assert!(store.defect_parties(9).await.expect("none").is_empty(), "no such project");
    let left: Vec<String> = sqlx::query_scalar("SELECT key FROM settings ORDER BY key")
        .fetch_all(store.sqlite_pool())
        .await
        .expect("settings");
    assert_eq!(left, ["letterhead.company"], "only other settings stay");
}
