//! Store tests on temporary database files.

use super::*;
use lite::body::audit;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

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
    store.close().await;
    // Reopening an up-to-date file: nothing pending, no backup.
    let (store, report) = Store::open(&path).await.expect("reopen");
    assert!(report.backup.is_none());
    assert_eq!(report.applied, 0);
    store.close().await;

    // A file from the previous release: every migration but the latest (the same files), with a
    // user in it. Opening it must back it up first, then migrate it, keeping the data.
    let latest = Store::schema_version();
    let older = dir.path().join("older.db");
    let earlier: Vec<_> = crate::MIGRATIONS_SQLITE.iter().filter(|m| m.version < latest).cloned().collect();
    // The version before the latest (versions need not be consecutive while branches land).
    let previous = earlier.iter().map(|m| m.version).max().expect("an earlier migration");
    let opts = SqliteConnectOptions::new()
        .filename(&older)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePool::connect_with(opts).await.expect("older file");
    sqlx::migrate::Migrator::with_migrations(earlier)
        .run(&pool)
        .await
        .expect("earlier migrations");
    sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, active, created_at)
         VALUES ('wang', '王', 'clerk', 'x', 1, 't')",
    )
    .execute(&pool)
    .await
    .expect("a user");
    pool.close().await;

    let (store, report) = Store::open(&older).await.expect("migrates");
    assert_eq!(report.applied, 1);
    let backup = report.backup.expect("backup taken");
    assert_eq!(backup, crate::backups_dir(&older).join(format!("pre-migration-v{previous}.db")));
    assert!(backup.exists(), "{}", backup.display());
    assert_eq!(store.count_users().await.expect("users"), 1, "data kept");
    let backup_pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&backup))
        .await
        .expect("backup opens");
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&backup_pool)
        .await
        .expect("version");
    assert_eq!(version, previous, "the backup is the file as it was");
}

#[tokio::test]
async fn audit_log_is_append_only() {
    let store = Store::open_in_memory().await.expect("store");
    let u = store
        .system_user("cli", "命令行", domain::role::Role::Admin, "t")
        .await
        .expect("user");
    let mut tx = crate::lite::body::Tx::new(store.sqlite_pool().begin().await.expect("tx"));
    audit::write(&mut tx, &actor(), "user", u.id, "create", None::<&()>, Some(&u))
        .await
        .expect("append");
    tx.commit().await.expect("commit");
    let e = sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(store.sqlite_pool())
        .await
        .expect_err("update refused");
    assert!(e.to_string().contains("append-only"));
    assert!(sqlx::query("DELETE FROM audit_log").execute(store.sqlite_pool()).await.is_err());
    assert_eq!(store.audit_for("user", u.id).await.expect("read").len(), 1);
}

#[tokio::test]
async fn money_is_stored_as_integer_hundredths() {
    let store = Store::open_in_memory().await.expect("store");
    let types: Vec<String> =
        sqlx::query_scalar("SELECT type FROM pragma_table_info('contracts') WHERE name IN ('total_price', 'unit_price')")
            .fetch_all(store.sqlite_pool())
            .await
            .expect("pragma");
    assert_eq!(types, vec!["INTEGER", "INTEGER"]);
    let reals: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.type = 'REAL'")
            .fetch_one(store.sqlite_pool())
            .await
            .expect("pragma");
    assert_eq!(reals, 0, "no REAL column anywhere");
}

/// Two desks book the last place of a slot at the same moment, on one database file through two
/// pools: exactly one booking is written, the other is refused with the slot named.
#[tokio::test]
async fn the_last_place_of_a_slot_goes_to_one_desk_only() {
    use domain::move_in::*;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("race.db");
    let (a, _) = Store::open(&path).await.expect("open a");
    let user = a
        .system_user("front", "front desk", domain::role::Role::Admin, "2026-11-23T10:00:00+08:00")
        .await
        .expect("user");
    let actor = crate::Actor {
        user_id: Some(user.id),
        username: "front".into(),
        at: "2026-11-23T10:00:00+08:00".into(),
    };
    let bytes = domain::sample::workbook("示例花园", 10).expect("sample");
    let plan = match domain::sheet::read_workbook(&bytes, chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("d")).expect("read") {
        Ok(plan) => plan,
        Err(rows) => panic!("{rows:?}"),
    };
    a.apply_import(&actor, "s.xlsx", &plan).await.expect("import");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d");
    let created = a
        .create_batch(
            &actor,
            &BatchInput {
                project_id: 1,
                name: "第一批".into(),
                first_day: day,
                last_day: day,
                place: String::new(),
                windows: 2,
                periods: vec![PeriodPlan {
                    label: "上午".into(),
                    starts: "09:00".into(),
                    ends: "12:00".into(),
                    quota: 1,
                }],
                selection: UnitSelection {
                    building_ids: vec![1],
                    ..UnitSelection::default()
                },
            },
        )
        .await
        .expect("batch");
    let slot = a.slots(created.batch_id).await.expect("slots")[0].id;
    let units: Vec<i64> = a
        .batch_units(created.batch_id)
        .await
        .expect("units")
        .into_iter()
        .map(|(u, _)| u.unit_id)
        .collect();
    let (b, _) = Store::open(&path).await.expect("open b");
    let (ra, rb) = tokio::join!(a.book(&actor, units[0], slot, "", false), b.book(&actor, units[1], slot, "", false));
    assert!(ra.is_ok() != rb.is_ok(), "exactly one wins: {ra:?} {rb:?}");
    let e = domain::AppError::from(ra.err().or(rb.err()).expect("one refusal"));
    assert!(e.message.contains("已约满（1/1）"), "{}", e.message);
    assert_eq!(a.slots(created.batch_id).await.expect("slots")[0].booked, 1);
}

/// Migration 0006 carries the five letterhead settings into the letterhead row (images as BLOBs)
/// and leaves other settings where they are.
#[tokio::test]
async fn the_letterhead_settings_move_into_their_own_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("v5.db");
    let earlier: Vec<_> = crate::MIGRATIONS_SQLITE.iter().filter(|m| m.version < 6).cloned().collect();
    let opts = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
    let pool = SqlitePool::connect_with(opts).await.expect("file");
    sqlx::migrate::Migrator::with_migrations(earlier)
        .run(&pool)
        .await
        .expect("0001–0005");
    for (key, value, image, at) in [
        ("letterhead.company", "示例物业", None, "2026-11-01T09:00:00+08:00"),
        ("letterhead.phone", "0571-1", None, "2026-11-01T09:00:00+08:00"),
        ("letterhead.seal", "seal.png", Some(vec![9u8, 8, 7]), "2026-11-02T09:00:00+08:00"),
        ("office.time_zone", "Asia/Shanghai", None, "2026-11-03T09:00:00+08:00"),
    ] {
        sqlx::query("INSERT INTO settings (key, value, image, updated_at, updated_by) VALUES (?, ?, ?, ?, 'pm')")
            .bind(key)
            .bind(value)
            .bind(image)
            .bind(at)
            .execute(&pool)
            .await
            .expect("setting");
    }
    pool.close().await;
    let (store, _) = Store::open(&path).await.expect("migrates");
    let l = store.letterhead().await.expect("letterhead");
    assert_eq!(
        (l.company.as_str(), l.address.as_str(), l.phone.as_str()),
        ("示例物业", "", "0571-1")
    );
    assert_eq!(l.logo, None);
    let seal = l.seal.expect("seal carried over");
    assert_eq!((seal.name.as_str(), seal.bytes), ("seal.png", vec![9, 8, 7]));
    assert_eq!(l.updated_at.as_deref(), Some("2026-11-02T09:00:00+08:00"));
    assert_eq!(store.setting("letterhead.company").await.expect("read"), None);
    assert_eq!(
        store.setting("office.time_zone").await.expect("read").map(|(v, _)| v).as_deref(),
        Some("Asia/Shanghai")
    );
}

#[tokio::test]
async fn a_file_commits_to_disk_before_a_write_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, _) = Store::open(&dir.path().join("h.db")).await.expect("open");
    // Every connection of the pool: synchronous = FULL (2), journal in WAL.
    for _ in 0..4 {
        let mode: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(store.sqlite_pool())
            .await
            .expect("pragma");
        assert_eq!(mode, 2, "FULL");
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.sqlite_pool())
        .await
        .expect("pragma");
    assert_eq!(journal, "wal");
    store.close().await;
}
