//! HandoverDesk storage over `sqlx`.
//!
//! The embedded default is one SQLite file (WAL, foreign keys on) in the app-data folder; its
//! migrations are embedded at compile time and run at open, after a consistent backup of the file
//! (`VACUUM INTO`) whenever a migration is pending on an existing database.
//!
//! Every write that must be whole is one method here owning one transaction, with its audit lines
//! written inside the same transaction. The SQL is kept portable (integer hundredths, ISO text
//! dates, partial unique indexes) so the PostgreSQL backend can share the contract tests.
//! Nothing here reads the clock: the acting user and the instant come in as an [`Actor`].

mod audit;
mod error;
mod finance;
mod import;
mod inspection;
mod move_in;
mod records;
mod rows;
mod users;

pub use error::{Error, Result};
pub use finance::{NewQuote, QuoteBasis, RuleEdit, StoredQuote};
pub use import::ImportCheck;
pub use inspection::{FloorPlan, InspectionRow, NewDefect, NewPhoto};
pub use move_in::{BatchCreated, Letterhead, LetterheadChange, MoveInRow, SettingValue, StoredImage};
pub use users::{NewUser, UserRecord};

use domain::record::Entity;
use rows::exec;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Who is writing, and when (passed in; never read from a clock here).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// RFC 3339.
    pub at: String,
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// What opening did: where a pre-migration backup went, if one was taken.
#[derive(Debug, Clone, Default)]
pub struct OpenReport {
    pub backup: Option<PathBuf>,
    pub applied: usize,
}

/// A driver error as the store's typed error (duplicates by constraint name).
fn db_err(e: sqlx::Error) -> Error {
    e.into()
}

impl Store {
    /// Open (creating if missing) the SQLite database at `path`, back it up if a migration is
    /// pending, and migrate it.
    ///
    /// Errors: `Io` when the folder cannot be created; `Storage` when the file is not a database
    /// or a migration fails (the backup is then beside the file).
    pub async fn open(path: &Path) -> Result<(Store, OpenReport)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("{}：{e}", dir.display())))?;
        }
        let existed = path.exists();
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        let store = Store { pool };
        let mut report = OpenReport::default();
        let applied = store.applied_versions().await?;
        let pending = MIGRATOR.iter().filter(|m| !applied.contains(&m.version)).count();
        if existed && pending > 0 && !applied.is_empty() {
            let last = applied.iter().max().copied().unwrap_or(0);
            let backup = path.with_extension(format!("pre-migration-v{last}.bak"));
            let _ = std::fs::remove_file(&backup);
            exec(sqlx::query("VACUUM INTO ?").bind(backup.to_string_lossy().to_string()), &store.pool).await?;
            report.backup = Some(backup);
        }
        MIGRATOR.run(&store.pool).await.map_err(|e| Error::Migrate(e.to_string()))?;
        report.applied = pending;
        Ok((store, report))
    }

    /// A private in-memory database, migrated (tests and benchmarks).
    pub async fn open_in_memory() -> Result<Store> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db_err)?
            .foreign_keys(true);
        // One connection: every connection to :memory: is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATOR.run(&pool).await.map_err(|e| Error::Migrate(e.to_string()))?;
        Ok(Store { pool })
    }

    async fn applied_versions(&self) -> Result<Vec<i64>> {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='_sqlx_migrations'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        if exists == 0 {
            return Ok(vec![]);
        }
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Begin a write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock at the start, so two
    /// desks (or the app and the CLI) writing at once wait on the busy timeout in turn, instead of
    /// one failing with "database is locked" when both try to upgrade a read transaction.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)
    }

    /// Latest schema version this build knows.
    pub fn schema_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn not_stale(rows: u64, what: Entity) -> Result<()> {
    if rows == 0 {
        Err(Error::Stale(what))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
