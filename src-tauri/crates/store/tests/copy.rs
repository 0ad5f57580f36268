//! `store::copy_database`: a SQLite file onto an empty PostgreSQL database, in one transaction,
//! verified before it commits; the refusals, each leaving the file as it was and the target
//! without a row. The PostgreSQL cases run on `HANDOVER_TEST_PG` (skipped with a note without
//! it, failing under `CI`); the refusals of the source need no server.

#[path = "contract/support.rs"]
mod support;

use domain::record::CopyRefusal;
use domain::role::Role;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use store::testing::pg_url_of;
use store::{Error, Location, Store};
use support::{new_user, pg_url, with_sample};

/// Nothing listens here: a target the source refusals never reach.
const NOWHERE: &str = "postgres://handover:pw@127.0.0.1:1/none";

/// A sample office file: the first administrator, the sample project, a second user.
async fn sample_file(dir: &Path) -> PathBuf {
    let path = dir.join("handover.db");
    let (store, _) = Store::open(&path).await.expect("file");
    let sample = with_sample(&store).await;
    store
        .create_user(&sample.actor, &new_user("clerk1", Role::Clerk), false)
        .await
        .expect("clerk");
    store.close().await;
    path
}

/// Change the file behind the store's back (foreign keys off, as an old or damaged file may be).
async fn tamper(path: &Path, sql: &str) {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path).foreign_keys(false);
    let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut c)
        .await
        .expect(sql);
    c.close().await.expect("close");
}

/// The newest migration recorded in the file.
async fn recorded_version(path: &Path) -> i64 {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open");
    let v = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut c)
        .await
        .expect("version");
    c.close().await.expect("close");
    v
}

fn bytes(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let meta = std::fs::metadata(path).expect("meta");
    (std::fs::read(path).expect("read"), meta.modified().expect("mtime"))
}

#[track_caller]
fn copy_refusal(e: Error) -> CopyRefusal {
    match e {
        Error::Copy(why) => why,
        other => panic!("expected a copy refusal, got {other:?}"),
    }
}

async fn copy(from: &Path, to: &str) -> store::Result<store::CopyReport> {
    store::copy_database(from, to, |_, _, _| {}).await
}

/// A new, empty database on the test server (None: skipped).
async fn empty_target(tag: &str) -> Option<(String, String)> {
    let admin = pg_url()?;
    let name = format!("hd_copy_{tag}_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(&admin).await.expect("server");
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())).execute(&mut c).await.expect(&sql);
    }
    c.close().await.expect("close");
    Some((pg_url_of(&admin, &name), name))
}

async fn drop_target(name: &str) {
    let admin = pg_url().expect("server");
    let mut c = sqlx::PgConnection::connect(&admin).await.expect("server");
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.expect("drop");
    c.close().await.expect("close");
}

/// Rows in every table of the target (its migrations aside).
async fn target_rows(url: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(url).await.expect("target");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations'")
            .fetch_all(&mut c)
            .await
            .expect("tables");
    let mut n = 0;
    for t in tables {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
            .fetch_one(&mut c)
            .await
            .expect("count");
        n += rows;
    }
    c.close().await.expect("close");
    n
}

#[tokio::test]
async fn the_sample_is_copied_whole_and_new_rows_get_fresh_ids() {
    let Some((url, name)) = empty_target("whole").await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let path = sample_file(dir.path()).await;
    let before = bytes(&path);

    let mut seen = Vec::new();
    let report = store::copy_database(&path, &url, |table, done, total| seen.push((table.to_string(), done, total)))
        .await
        .expect("copied");
    assert_eq!(bytes(&path), before, "the file is never changed");
    let names: Vec<&str> = report.tables.iter().map(|t| t.table.as_str()).collect();
    let at = |t: &str| names.iter().position(|n| *n == t).unwrap_or_else(|| panic!("{t} copied"));
    assert!(at("users") < at("imports") && at("imports") < at("projects") && at("projects") < at("units"));
    assert!(at("units") < at("contracts") && at("contracts") < at("contract_parties"));
    assert!(!names.contains(&"_sqlx_migrations"));
    let rows = |t: &str| report.tables[at(t)].rows;
    assert_eq!((rows("users"), rows("units")), (2, support::SAMPLE_UNITS as u64));
    assert_eq!(report.total_rows, report.tables.iter().map(|t| t.rows).sum::<u64>());
    assert!(report.tables.iter().all(|t| t.checksum.len() == 64));
    assert!(seen.iter().any(|(t, done, total)| t == "units" && done == total));

    // The same records on both backends, read through the one API.
    let (file, _) = Store::open(&path).await.expect("file");
    let (server, _) = Store::open_at(&Location::Postgres(url.clone())).await.expect("server");
    assert_eq!(
        format!("{:?}", support::all_units(&file).await),
        format!("{:?}", support::all_units(&server).await)
    );
    let audit = |s: Store| async move { format!("{:?}", s.audit_recent(i64::MAX).await.expect("audit")) };
    assert_eq!(audit(file.clone()).await, audit(server.clone()).await);
    assert_eq!(
        format!("{:?}", file.users().await.expect("users")),
        format!("{:?}", server.users().await.expect("users"))
    );
    // The sequences moved past the copied ids: a new user takes the next one.
    let last = server.users().await.expect("users").iter().map(|u| u.id).max().expect("some");
    let admin = store::Actor {
        user_id: None,
        username: "admin".into(),
        at: support::actor().at,
    };
    let new = server
        .create_user(&admin, &new_user("clerk2", Role::Clerk), false)
        .await
        .expect("new user");
    assert_eq!(new.id, last + 1);
    file.close().await;
    server.close().await;

    // A second copy: refused, and the target keeps exactly what it had.
    let had = target_rows(&url).await;
    let why = copy_refusal(copy(&path, &url).await.expect_err("not empty"));
    assert!(matches!(&why, CopyRefusal::TargetNotEmpty { rows, .. } if *rows > 0), "{why:?}");
    assert_eq!(target_rows(&url).await, had);
    assert_eq!(bytes(&path).0, before.0);
    drop_target(&name).await;
}

#[tokio::test]
async fn a_nul_in_a_text_is_refused_naming_the_row_and_nothing_is_kept() {
    let Some((url, name)) = empty_target("nul").await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let path = sample_file(dir.path()).await;
    tamper(
        &path,
        "UPDATE users SET display_name = 'clerk' || char(0) || 'one' WHERE username = 'clerk1'",
    )
    .await;
    let before = bytes(&path);
    let why = copy_refusal(copy(&path, &url).await.expect_err("NUL"));
    assert_eq!(
        why,
        CopyRefusal::NulInText {
            table: "users".into(),
            column: "display_name".into(),
            key: "id=2".into()
        }
    );
    let e = domain::AppError::from(Error::Copy(why));
    assert_eq!(e.field.as_deref(), Some("from"));
    assert!(
        e.message.contains("users") && e.message.contains("id=2") && e.message.contains("NUL"),
        "{}",
        e.message
    );
    assert_eq!(bytes(&path), before);
    assert_eq!(target_rows(&url).await, 0, "rolled back");
    drop_target(&name).await;
}

#[tokio::test]
async fn a_value_of_another_type_or_an_orphan_rolls_everything_back() {
    let Some((url, name)) = empty_target("types").await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let path = sample_file(dir.path()).await;
    // SQLite keeps a text it cannot convert in an INTEGER column.
    tamper(&path, "UPDATE units SET floor = 'ground' WHERE id = 3").await;
    let why = copy_refusal(copy(&path, &url).await.expect_err("text in an integer column"));
    assert_eq!(
        why,
        CopyRefusal::WrongType {
            table: "units".into(),
            column: "floor".into(),
            key: "id=3".into(),
            found: "TEXT".into()
        }
    );
    assert_eq!(target_rows(&url).await, 0, "the tables copied before it are rolled back too");

    // A row whose parent is gone (written with foreign keys off): the server refuses it.
    tamper(&path, "UPDATE units SET floor = 1 WHERE id = 3").await;
    tamper(
        &path,
        "INSERT INTO key_events (key_id, action, at, by_user) VALUES (999, 'lend', 't', 'u')",
    )
    .await;
    let why = copy_refusal(copy(&path, &url).await.expect_err("orphan"));
    assert_eq!(
        why,
        CopyRefusal::Rejected {
            table: "key_events".into(),
            constraint: Some("key_events_key_id_fkey".into())
        }
    );
    assert_eq!(target_rows(&url).await, 0);
    drop_target(&name).await;
}

#[tokio::test]
async fn a_source_of_another_schema_or_no_database_is_refused_before_the_server() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = sample_file(dir.path()).await;
    let build = Store::schema_version();

    tamper(&path, &format!("DELETE FROM _sqlx_migrations WHERE version = {build}")).await;
    // The version before the latest (versions need not be consecutive while branches land).
    let previous = recorded_version(&path).await;
    assert!(previous < build);
    let before = bytes(&path);
    let why = copy_refusal(copy(&path, NOWHERE).await.expect_err("older"));
    assert_eq!(why, CopyRefusal::SourceOlder { version: previous, build });
    let e = domain::AppError::from(Error::Copy(why));
    assert!(e.message.contains("先用这一版交付台打开一次"), "{}", e.message);
    assert_eq!(bytes(&path), before, "refused read-only: not migrated");

    tamper(
        &path,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             SELECT {build}, 'back', 1, x'00', 0 UNION ALL SELECT 99, 'future', 1, x'00', 0"
        ),
    )
    .await;
    let why = copy_refusal(copy(&path, NOWHERE).await.expect_err("newer"));
    assert_eq!(why, CopyRefusal::SourceNewer { version: 99, build });

    let missing = dir.path().join("missing.db");
    let why = copy_refusal(copy(&missing, NOWHERE).await.expect_err("missing"));
    assert!(matches!(why, CopyRefusal::SourceMissing { .. }), "{why:?}");
    assert!(!missing.exists(), "not created");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database, just some text that is long enough to be a header").expect("write");
    for foreign in [text.as_path(), dir.path()] {
        let why = copy_refusal(copy(foreign, NOWHERE).await.expect_err("foreign"));
        assert!(matches!(why, CopyRefusal::SourceNotDatabase { .. }), "{why:?}");
    }
    // An empty SQLite database (no HandoverDesk migrations) is not one either.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("write");
    let why = copy_refusal(copy(&empty, NOWHERE).await.expect_err("empty"));
    assert!(matches!(why, CopyRefusal::SourceNotDatabase { .. }), "{why:?}");

    let fresh = sample_file(&dir.path().join("ok")).await;
    // A rollback journal beside it (a write that did not finish): refused.
    let journal = dir.path().join("ok/handover.db-journal");
    std::fs::write(&journal, b"").expect("journal");
    let why = copy_refusal(copy(&fresh, NOWHERE).await.expect_err("hot journal"));
    assert!(matches!(why, CopyRefusal::SourceInUse { .. }), "{why:?}");
    std::fs::remove_file(&journal).expect("rm");
    let why = copy_refusal(copy(&fresh, "/tmp/another.db").await.expect_err("a file target"));
    assert_eq!(why, CopyRefusal::TargetNotServer);
    // A valid source and an unreachable server: the store's own connection error.
    assert!(matches!(copy(&fresh, NOWHERE).await, Err(Error::Unreachable(_))));
    let beside: Vec<_> = std::fs::read_dir(fresh.parent().expect("dir"))
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(beside, ["handover.db"], "nothing made beside the file");
}

#[tokio::test]
async fn the_last_writes_still_in_the_wal_are_copied_and_a_write_meanwhile_rolls_back() {
    let Some((url, name)) = empty_target("wal").await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("handover.db");
    // A desk that is still open: its last writes are in handover.db-wal, not yet in the file.
    let (desk, _) = Store::open(&path).await.expect("file");
    let sample = with_sample(&desk).await;
    let wal = dir.path().join("handover.db-wal");
    assert!(std::fs::metadata(&wal).expect("wal").len() > 0, "the writes are in the WAL");

    // Another desk writes while the copy runs (here: as the first table is copied).
    let mut wrote = false;
    let writer = path.clone();
    let why = store::copy_database(&path, &url, |_, _, _| {
        if !wrote {
            wrote = true;
            let writer = writer.clone();
            std::thread::spawn(move || {
                tokio::runtime::Runtime::new().expect("runtime").block_on(async move {
                    let (other, _) = Store::open(&writer).await.expect("other desk");
                    other
                        .create_user(&support::actor(), &new_user("late", Role::Clerk), false)
                        .await
                        .expect("written meanwhile");
                    other.close().await;
                })
            })
            .join()
            .expect("writer");
        }
    })
    .await
    .expect_err("the file changed during the copy");
    assert!(matches!(copy_refusal(why), CopyRefusal::SourceInUse { .. }));
    assert_eq!(target_rows(&url).await, 0, "rolled back");

    // Idle now (still open): the copy reads the file and its WAL as one snapshot.
    let report = copy(&path, &url).await.expect("copied");
    let rows = |t: &str| report.tables.iter().find(|x| x.table == t).map(|x| x.rows);
    assert_eq!(rows("users"), Some(2));
    assert_eq!(rows("units"), Some(support::SAMPLE_UNITS as u64));
    let (server, _) = Store::open_at(&Location::Postgres(url.clone())).await.expect("server");
    assert_eq!(
        format!("{:?}", desk.audit_recent(i64::MAX).await.expect("audit")),
        format!("{:?}", server.audit_recent(i64::MAX).await.expect("audit"))
    );
    assert_eq!(sample.import_id, server.imports().await.expect("imports")[0].id);
    server.close().await;
    desk.close().await;
    drop_target(&name).await;
}

#[tokio::test]
async fn a_source_left_with_its_wal_and_shm_keeps_every_file_beside_it_byte_for_byte() {
    let Some((url, name)) = empty_target("shm").await else { return };
    let open_dir = tempfile::tempdir().expect("tmp");
    let open_path = open_dir.path().join("handover.db");
    let (desk, _) = Store::open(&open_path).await.expect("file");
    with_sample(&desk).await;
    // A desk that ended without closing (killed, or a command that exited): the file, its -wal
    // and its -shm are left as they were at that moment.
    let dir = tempfile::tempdir().expect("tmp");
    for suffix in ["", "-wal", "-shm"] {
        let from = open_dir.path().join(format!("handover.db{suffix}"));
        std::fs::copy(&from, dir.path().join(format!("handover.db{suffix}"))).expect("left behind");
    }
    desk.close().await;
    let path = dir.path().join("handover.db");
    let before: Vec<(String, Vec<u8>)> = files_in(dir.path());
    assert_eq!(before.len(), 3, "file, -wal and -shm");

    let report = copy(&path, &url).await.expect("copied");
    let rows = |t: &str| report.tables.iter().find(|x| x.table == t).map(|x| x.rows);
    assert_eq!(rows("units"), Some(support::SAMPLE_UNITS as u64), "the WAL's writes are read");
    assert_eq!(files_in(dir.path()), before, "every file beside the source is as it was");
    drop_target(&name).await;
}

/// Every file in a folder, by name, with its bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("bytes"),
            )
        })
        .collect();
    files.sort();
    files
}
