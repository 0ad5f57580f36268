//! Fresh databases for tests of this crate and the crates above it (services, CLI).
//!
//! The PostgreSQL server is named by `HANDOVER_TEST_PG` (`.ci/pg.sh` starts a private one and sets
//! it; its role may create databases). Each call makes a new database copied from a template
//! migrated once per test process, so tests never see each other's rows.

use crate::{Location, Store};
use sqlx::Connection;

static TEMPLATE: tokio::sync::Mutex<Option<String>> = tokio::sync::Mutex::const_new(None);
static SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The test server's URL: `HANDOVER_TEST_PG`, if set and not empty.
pub fn pg_url() -> Option<String> {
    std::env::var("HANDOVER_TEST_PG").ok().filter(|u| !u.is_empty())
}

/// The server a PostgreSQL test case runs on: `HANDOVER_TEST_PG`. Unset, the case is skipped
/// (None) with a note naming it, except under CI (`CI` set), where it fails: CI never passes
/// without having run the PostgreSQL cases.
///
/// Panics: under CI without a server.
pub fn pg_server(case: &str) -> Option<String> {
    match pg_url() {
        Some(url) => Some(url),
        None if std::env::var_os("CI").is_some() => {
            panic!("{case}: HANDOVER_TEST_PG is not set, and CI is: the PostgreSQL cases must run (bash .ci/pg.sh …)")
        }
        None => {
            eprintln!("note: {case} skipped: HANDOVER_TEST_PG is not set (run it under bash .ci/pg.sh)");
            None
        }
    }
}

/// `url` with its database name replaced.
pub fn pg_url_of(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |s| s + 3);
    let cut = base[host_start..].find('/').map_or(base.len(), |i| host_start + i);
    format!("{}/{database}{query}", &base[..cut])
}

/// Run one statement on the server at `url` (database administration in tests). Tried up to five
/// times: `CREATE DATABASE … TEMPLATE` is refused while any other session (an autovacuum worker,
/// say) is in the template, which is brief.
///
/// Panics: a test helper; the test fails with the statement and the server's last word.
pub async fn pg_exec(url: &str, sql: &str) {
    let mut last = String::new();
    for attempt in 0..5u64 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
        }
        let mut c = match sqlx::PgConnection::connect(url).await {
            Ok(c) => c,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut c).await;
        let _ = c.close().await;
        match r {
            Ok(_) => return,
            Err(e) => last = e.to_string(),
        }
    }
    panic!("{sql}: {last}");
}

/// A new, empty (unmigrated) database on the server at `admin_url`; its URL.
pub async fn pg_empty_database(admin_url: &str, tag: &str) -> String {
    let name = format!(
        "hd_{tag}_{}_{}",
        std::process::id(),
        SERIAL.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    pg_exec(admin_url, &format!("CREATE DATABASE {name}")).await;
    pg_url_of(admin_url, &name)
}

/// A fresh, migrated database on the server at `admin_url`: its name and the open store.
///
/// Panics: a test helper.
pub async fn pg_fresh(admin_url: &str) -> (String, Store) {
    let name = {
        // Databases are copied from the template one at a time (a template must have no other
        // session while it is copied).
        let mut template = TEMPLATE.lock().await;
        if template.is_none() {
            let name = format!("hd_tpl_{}", std::process::id());
            pg_exec(admin_url, &format!("DROP DATABASE IF EXISTS {name}")).await;
            pg_exec(admin_url, &format!("CREATE DATABASE {name}")).await;
            let (s, _) = Store::open_at(&Location::Postgres(pg_url_of(admin_url, &name)))
                .await
                .expect("migrate the template");
            s.close().await;
            *template = Some(name);
        }
        let from = template.clone().expect("template");
        let name = format!(
            "hd_t_{}_{}",
            std::process::id(),
            SERIAL.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        pg_exec(admin_url, &format!("CREATE DATABASE {name} TEMPLATE {from}")).await;
        name
    };
    let (store, _) = Store::open_at(&Location::Postgres(pg_url_of(admin_url, &name)))
        .await
        .expect("open the test database");
    (name, store)
}

/// Drop a test database (its pool closed first). `WITH (FORCE)` is refused while an autovacuum
/// worker is in the database (PostgreSQL 15 cannot terminate it for a non-superuser), so a plain
/// DROP follows, which stops autovacuum itself and waits for sessions to leave.
pub async fn pg_drop(admin_url: &str, name: &str) {
    let force = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let done = match sqlx::PgConnection::connect(admin_url).await {
        Ok(mut c) => {
            let r = sqlx::raw_sql(sqlx::AssertSqlSafe(force)).execute(&mut c).await;
            let _ = c.close().await;
            r.is_ok()
        }
        Err(_) => false,
    };
    if !done {
        pg_exec(admin_url, &format!("DROP DATABASE IF EXISTS {name}")).await;
    }
}

/// Run raw SQL statements on a store's own database, past its API (tests that play someone
/// editing the database outside the app, e.g. to show the audit chain finds it).
///
/// Errors: the first statement refused, with the driver's word.
pub async fn exec_raw(store: &Store, statements: &[&str]) -> Result<(), String> {
    for sql in statements {
        let result = match &store.0 {
            crate::Backend::Sqlite(s) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&s.pool)
                .await
                .map(|_| ()),
            crate::Backend::Postgres(s) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&s.pool)
                .await
                .map(|_| ()),
        };
        result.map_err(|e| format!("{sql}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pg_url_of;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(pg_url_of("postgres://u:p@h:5/a", "b"), "postgres://u:p@h:5/b");
        assert_eq!(
            pg_url_of("postgres://u:p@h:5/a?sslmode=require", "b"),
            "postgres://u:p@h:5/b?sslmode=require"
        );
        assert_eq!(pg_url_of("postgres://h", "b"), "postgres://h/b");
    }
}
