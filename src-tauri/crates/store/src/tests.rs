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
    // Rewind the latest migration (drop the tables it creates), as if this file came from the
    // previous release. Opening it again must back it up first, then migrate it, keeping the data.
    let latest = Store::schema_version();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ?")
        .bind(latest)
        .execute(&store.pool)
        .await
        .expect("rewind");
    let sql = crate::MIGRATOR
        .iter()
        .find(|m| m.version == latest)
        .expect("latest")
        .sql
        .as_str()
        .to_string();
    let mut tables: Vec<String> = sql
        .lines()
        .filter_map(|l| l.trim().strip_prefix("CREATE TABLE "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(String::from)
        .collect();
    assert!(!tables.is_empty(), "the latest migration creates tables");
    tables.reverse();
    for t in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE {t}")))
            .execute(&store.pool)
            .await
            .expect("drop");
    }
    store.close().await;
    let (store, report) = Store::open(&path).await.expect("migrates");
    assert_eq!(report.applied, 1);
    let backup = report.backup.expect("backup taken");
    assert_eq!(backup, path.with_extension(format!("pre-migration-v{}.bak", latest - 1)));
    assert!(backup.exists(), "{}", backup.display());
    assert!(
        store.system_user("cli", "命令行", domain::role::Role::Admin, "t").await.is_ok(),
        "data kept"
    );
    let (old, _) = Store::open(&backup).await.expect("the backup is a database of its own");
    assert_eq!(old.count_users().await.expect("users"), 0, "only the system account, as before");
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

/// Two desks book the last place of a slot at the same moment, on one database file through two
/// pools: exactly one booking is written, the other is refused with the slot named.
#[tokio::test]
async fn the_last_place_of_a_slot_goes_to_one_desk_only() {
    use domain::movein::*;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("race.db");
    let (a, _) = Store::open(&path).await.expect("open a");
    let user = a
        .system_user("desk", "前台", domain::role::Role::Admin, "2026-11-23T10:00:00+08:00")
        .await
        .expect("user");
    let actor = crate::Actor {
        user_id: Some(user.id),
        username: "desk".into(),
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
                desks: 2,
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
    let e = ra.err().or(rb.err()).expect("one refusal");
    assert!(e.message.contains("已约满（1/1）"), "{}", e.message);
    assert_eq!(a.slots(created.batch_id).await.expect("slots")[0].booked, 1);
}
