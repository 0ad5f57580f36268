//! The PostgreSQL backend: an office's database server, shared by every desk. The SQL of
//! [`body`] is mounted here with the PostgreSQL types; what PostgreSQL spells differently is below.
//!
//! Transactions run at READ COMMITTED (the server's default). Races between desks are settled by
//! the database per case, each explained where it is written: unique and partial unique indexes
//! (one live booking per unit, one holder per key number, one live contract per unit), conditional
//! updates that re-check their condition on the row as committed by whoever held its lock (a
//! slot's `booked < quota`, every `version = $n`), and, for the few writes whose rule reads many
//! rows (the first administrator, "an administrator must remain", imports and their undo), a
//! transaction-scoped advisory lock taken by [`lock`].

use crate::{db_err, Error, OpenReport, Result, MIGRATIONS_POSTGRES};
use domain::record::Unreachable;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::time::Duration;

pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;
pub(crate) type DbArgs = sqlx::postgres::PgArguments;

/// Lock the rows a read returns until the transaction ends (another desk's write of them waits).
#[allow(unused_macros)]
macro_rules! for_update {
    () => {
        " FOR UPDATE"
    };
}

pub(crate) use crate::Lock;

/// Take the transaction-scoped advisory lock of one kind of write: another desk's write of the
/// same kind waits until this transaction commits or rolls back, then reads what it wrote. Used
/// only where a rule counts rows that a concurrent insert would not lock (a row lock cannot lock
/// a row that does not exist yet).
pub(crate) async fn lock(conn: &mut sqlx::PgConnection, what: Lock) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(what.key())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// After a bulk write has committed (an import, its undo, a new batch): analyse the tables it
/// wrote, and vacuum those listed in `counted`, as a DBA would after a bulk load, instead of
/// leaving it to autovacuum a minute or more later. Until then PostgreSQL plans from missing or
/// stale statistics (right after a board's batches were made it estimated 16 of their 7,000
/// units and looked each one up by index), and a table's new rows are not in its visibility map:
/// `COUNT(*)` of 100,000 units, and skipping rows by an index, must then check every row in the
/// heap instead of scanning the index alone. `SKIP_LOCKED` skips a table autovacuum is at that
/// moment; a table the role does not own is skipped with a warning.
///
/// Not an error when it fails: the write is committed, and autovacuum does the same work later.
pub(crate) async fn refresh_statistics(pool: &PgPool, counted: &[&'static str], planned: &[&'static str]) {
    for (what, tables) in [("VACUUM (ANALYZE, SKIP_LOCKED)", counted), ("ANALYZE (SKIP_LOCKED)", planned)] {
        if !tables.is_empty() {
            let sql = format!("{what} {}", tables.join(", "));
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool).await;
        }
    }
}

// The same files are mounted in the other backend too, on purpose (the SQL written once).
#[allow(clippy::duplicate_mod)]
#[path = "body/mod.rs"]
pub(crate) mod body;

pub(crate) struct Imp {
    pub(crate) pool: PgPool,
}

/// How many connections one app (or the CLI) keeps to the server.
const POOL_SIZE: u32 = 10;

/// The driver's connection failure as the case a user can act on.
pub(crate) fn connect_err(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Io(io) => Error::Unreachable(Unreachable::Refused(io.kind().to_string())),
        sqlx::Error::PoolTimedOut => Error::Unreachable(Unreachable::Refused("timed out".into())),
        sqlx::Error::Tls(t) => Error::Unreachable(Unreachable::Tls(t.to_string())),
        sqlx::Error::Configuration(c) => Error::Unreachable(Unreachable::BadUrl(c.to_string())),
        sqlx::Error::Database(d) => match d.code().as_deref() {
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => Error::Unreachable(Unreachable::Auth),
            // invalid_catalog_name
            Some("3D000") => Error::Unreachable(Unreachable::NoDatabase),
            _ => db_err(e),
        },
        _ => db_err(e),
    }
}

/// The URL as connection options (libpq's spelling: `sslmode`, `sslrootcert`, `host`, `options`).
pub(crate) fn options(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url).map_err(|e| Error::Unreachable(Unreachable::BadUrl(e.to_string())))
}

impl Imp {
    /// Connect to the server at `url` and bring its schema to this build's, all in one
    /// transaction: a failing migration leaves the database as it was.
    pub(crate) async fn open(url: &str) -> Result<(Imp, OpenReport)> {
        let opts = options(url)?.application_name("handover");
        let report = migrate(&opts, &MIGRATIONS_POSTGRES).await?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(connect_err)?;
        Ok((Imp { pool }, report))
    }

    /// Begin a write transaction (READ COMMITTED; see the module's note on races).
    pub(crate) async fn write(&self) -> Result<body::Tx> {
        Ok(body::Tx::new(self.pool.begin().await.map_err(db_err)?))
    }
}

/// Migrate on a connection of its own (sqlx's migrator keeps a session lock when a migration
/// fails; closing the connection releases it), inside one outer transaction: sqlx runs each
/// migration in a savepoint of it, so either every pending migration is applied or none is.
async fn migrate(opts: &PgConnectOptions, migrations: &sqlx::migrate::Migrator) -> Result<OpenReport> {
    let mut conn = PgConnection::connect_with(opts).await.map_err(connect_err)?;
    let result = async {
        let mut tx = conn.begin().await.map_err(db_err)?;
        // Two desks starting at once on a new database: the second waits here, then finds the
        // first's migrations applied.
        lock(&mut tx, Lock::Migrate).await?;
        let applied = applied_versions(&mut tx).await?;
        crate::refuse_newer(&applied)?;
        let pending = migrations.iter().filter(|m| !applied.contains(&m.version)).count();
        if pending > 0 {
            migrations.run(&mut *tx).await.map_err(|e| Error::Migrate(e.to_string()))?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(OpenReport {
            backup: None,
            applied: pending,
        })
    }
    .await;
    let _ = conn.close().await;
    result
}

async fn applied_versions(tx: &mut sqlx::Transaction<'_, Db>) -> Result<Vec<i64>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    if !exists {
        return Ok(vec![]);
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(&mut **tx)
        .await
        .map_err(db_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    /// A migration that fails leaves the server's database exactly as it was: none of the
    /// migrations before it in the same run stays applied, and no bookkeeping table is left.
    #[tokio::test]
    async fn a_failing_migration_leaves_nothing_behind() {
        let Some(admin) = testing::pg_server("a_failing_migration_leaves_nothing_behind") else {
            return;
        };
        let url = testing::pg_empty_database(&admin, "migfail").await;
        let mut all: Vec<_> = MIGRATIONS_POSTGRES.iter().cloned().collect();
        let broken = sqlx::migrate::Migration::new(
            9_999,
            "broken".into(),
            sqlx::migrate::MigrationType::Simple,
            sqlx::SqlStr::from_static("CREATE TABLE half_done (id BIGINT); SELECT no_such_function();"),
            false,
        );
        all.push(broken);
        let migrator = sqlx::migrate::Migrator::with_migrations(all);
        let e = migrate(&options(&url).expect("url"), &migrator)
            .await
            .expect_err("the broken migration fails");
        assert!(matches!(e, Error::Migrate(_)), "{e}");
        let mut c = PgConnection::connect(&url).await.expect("connect");
        let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
            .fetch_one(&mut c)
            .await
            .expect("count");
        assert_eq!(tables, 0, "no table of any migration is left, nor _sqlx_migrations");
        c.close().await.expect("close");
        // And the real migrations then apply in full.
        let report = migrate(&options(&url).expect("url"), &MIGRATIONS_POSTGRES).await.expect("migrates");
        assert_eq!(report.applied, MIGRATIONS_POSTGRES.iter().count());
    }
}
