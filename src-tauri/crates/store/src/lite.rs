//! The SQLite backend: one file (WAL, foreign keys on) or a private in-memory database. The SQL of
//! [`body`] is mounted here with the SQLite types; what SQLite spells differently is below.

use crate::{db_err, Error, OpenReport, Result, MIGRATIONS_SQLITE};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub(crate) type Db = sqlx::Sqlite;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
pub(crate) type DbArgs = sqlx::sqlite::SqliteArguments;

/// `SELECT … FOR UPDATE` has no SQLite spelling and needs none: a write transaction begins with
/// `BEGIN IMMEDIATE`, which already holds the database's one write lock.
#[allow(unused_macros)]
macro_rules! for_update {
    () => {
        ""
    };
}

/// Writes of one kind that must not interleave (see [`crate::pg::lock`]). SQLite already runs
/// one write transaction at a time, so there is nothing to take.
pub(crate) async fn lock(_conn: &mut sqlx::SqliteConnection, _what: Lock) -> Result<()> {
    Ok(())
}

pub(crate) use crate::Lock;

/// The folder of a database file's automatic backups: `backups/` beside it.
pub fn backups_dir(db: &Path) -> std::path::PathBuf {
    db.parent().unwrap_or(Path::new(".")).join(domain::backup::FOLDER)
}

/// After a bulk write, PostgreSQL vacuums and analyses ([`crate::pg::refresh_statistics`]).
/// SQLite needs neither: its planner picks these statements' indexes without `sqlite_stat1` (an
/// `ANALYZE` would freeze one moment's sample into every later plan), and it counts rows from the
/// b-tree without visibility checks.
pub(crate) async fn refresh_statistics(_pool: &SqlitePool, _counted: &[&'static str], _planned: &[&'static str]) {}

// The same files are mounted in the other backend too, on purpose (the SQL written once).
#[allow(clippy::duplicate_mod)]
#[path = "body/mod.rs"]
pub(crate) mod body;

pub(crate) struct Imp {
    pub(crate) pool: SqlitePool,
}

impl Imp {
    /// Open (creating if missing) the SQLite database at `path`, back it up if a migration is
    /// pending, and migrate it.
    pub(crate) async fn open(path: &Path) -> Result<(Imp, OpenReport)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("{}：{e}", dir.display())))?;
        }
        let existed = path.exists();
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: each commit is on disk before it is reported (NORMAL, in WAL mode, may lose
            // the last commits on power loss — a contract or a key handed over the user saw saved).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| match e {
                // SQLite refuses a damaged file or one that is no database as it connects.
                sqlx::Error::Database(d) if existed => {
                    Error::Refused(domain::backup::database_damaged(&path.display().to_string(), d.message()))
                }
                other => db_err(other),
            })?;
        let imp = Imp { pool };
        if existed {
            // A damaged file is reported before anything reads or writes it.
            if let Err(e) = crate::backup::quick_check(&imp.pool, path).await {
                imp.pool.close().await;
                return Err(e);
            }
        }
        let mut report = OpenReport::default();
        let applied = imp.applied_versions().await?;
        crate::refuse_newer(&applied)?;
        let pending = MIGRATIONS_SQLITE.iter().filter(|m| !applied.contains(&m.version)).count();
        if existed && pending > 0 && !applied.is_empty() {
            // Into the backups folder beside the file, checked; the oldest beyond the few kept
            // are removed (they hold every buyer's personal data).
            let last = applied.iter().max().copied().unwrap_or(0);
            let dir = backups_dir(path);
            let backup = dir.join(domain::backup::file_name(
                domain::backup::BackupKind::PreMigration,
                &format!("v{last}"),
            ));
            crate::backup::vacuum_into(&imp.pool, &backup).await?;
            for old in domain::backup::to_prune(&crate::backup::list_backups(&dir), u32::MAX) {
                let _ = std::fs::remove_file(dir.join(old));
            }
            report.backup = Some(backup);
        }
        MIGRATIONS_SQLITE.run(&imp.pool).await.map_err(|e| Error::Migrate(e.to_string()))?;
        report.applied = pending;
        if let Some(dir) = path.parent() {
            imp.move_photo_files_in(&dir.join("photos")).await?;
        }
        Ok((imp, report))
    }

    /// The pool (backups read the database through it).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A private in-memory database, migrated (tests and benchmarks).
    pub(crate) async fn open_in_memory() -> Result<Imp> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db_err)?
            .foreign_keys(true);
        // One connection: every connection to :memory: is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATIONS_SQLITE.run(&pool).await.map_err(|e| Error::Migrate(e.to_string()))?;
        Ok(Imp { pool })
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

    /// Migration 0008's file half: photos that earlier versions kept as files beside the database
    /// (`photos/<hash>.<ext>`, `photos/<hash>.thumb.jpg`) are read into their rows, so the
    /// database alone holds them (and `db copy` takes them to the server). A file whose content
    /// does not match its hash, or that is gone, is skipped (the row keeps NULL: "missing");
    /// the files themselves are left where they are. Returns how many photos moved in.
    pub(crate) async fn move_photo_files_in(&self, folder: &Path) -> Result<usize> {
        use sha2::{Digest, Sha256};
        let waiting: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, hash, ext FROM photos WHERE content IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        if waiting.is_empty() || !folder.is_dir() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut moved = 0;
        for (id, hash, ext) in waiting {
            let Ok(content) = std::fs::read(folder.join(format!("{hash}.{ext}"))) else {
                continue;
            };
            if format!("{:x}", Sha256::digest(&content)) != hash {
                continue;
            }
            let thumbnail = std::fs::read(folder.join(format!("{hash}.thumb.jpg"))).ok();
            sqlx::query("UPDATE photos SET content = $1, thumbnail = COALESCE(thumbnail, $2) WHERE id = $3 AND content IS NULL")
                .bind(content)
                .bind(thumbnail)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            moved += 1;
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// Begin a write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock at the start, so two
    /// desks (or the app and the CLI) writing at once wait on the busy timeout in turn, instead of
    /// one failing with "database is locked" when both try to upgrade a read transaction.
    pub(crate) async fn write(&self) -> Result<body::Tx> {
        Ok(body::Tx::new(self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?))
    }
}
