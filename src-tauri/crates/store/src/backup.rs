//! Backups of a workstation's SQLite file, each one checked, and restores that never leave a
//! half-written database.
//!
//! - A backup is `VACUUM INTO` a temporary file beside its target (the file and its `-wal` as one
//!   snapshot, compacted), then opened on its own and checked (`PRAGMA integrity_check`, its
//!   migrations, its audit chain's head), synced to disk and renamed into place; a SHA-256 of its
//!   bytes is returned (the services write it beside the file).
//! - A restore checks the backup the same way, refuses a database that holds newer records than
//!   the backup (unless forced) or that someone has open, folds the database's `-wal` in, then
//!   copies the backup beside the database, syncs it, and renames it over the database.
//!
//! On a PostgreSQL server the same is `pg_dump`/`pg_restore` ([`pg_dump`], [`pg_restore`]).

use crate::{db_err, Error, Result, Store};
use domain::backup::{bad_backup, BackupInfo, BadBackup, RestoreRefusal};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::{Path, PathBuf};

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Io(format!("{}：{e}", path.display()))
}

/// A name beside `path` no other writer uses: `<name>.<tag>-<pid>-<n>`.
fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{tag}-{}-{n}", std::process::id()));
    s.into()
}

/// Copy `from` onto `to` whole or not at all: into a temporary name beside `to`, synced, then
/// renamed (the temporary file removed on failure).
fn copy_whole(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temp_beside(to, "partial");
    let done = std::fs::copy(from, &tmp)
        .and_then(|_| sync(&tmp))
        .and_then(|_| std::fs::rename(&tmp, to))
        .and_then(|_| sync(to));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// Sync a file's bytes, and on Unix its folder's entry, to disk.
fn sync(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// Back the store's database up into `out` (a new file; an existing one is replaced only once
/// the new one is whole and checked).
///
/// Errors: `Io` when the folder cannot be written (full disk, read-only); `Refused` when the copy
/// fails its check; on PostgreSQL `Refused` (use [`pg_dump`]).
pub async fn backup_into(store: &Store, out: &Path) -> Result<BackupInfo> {
    let crate::Backend::Sqlite(imp) = &store.0 else {
        return Err(Error::Refused(bad_backup("", &BadBackup::OnServer)));
    };
    vacuum_into(imp.pool(), out).await
}

/// `VACUUM INTO` a temporary name beside `out`, check it, sync it, rename it into place.
pub(crate) async fn vacuum_into(pool: &sqlx::SqlitePool, out: &Path) -> Result<BackupInfo> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let tmp = temp_beside(out, "partial");
    let made = async {
        sqlx::query("VACUUM INTO $1")
            .bind(tmp.to_string_lossy().to_string())
            .execute(pool)
            .await
            .map_err(|e| match e {
                // SQLite says "disk I/O error" / "database or disk is full": the folder's fault.
                sqlx::Error::Database(d) => Error::Io(format!("{}：{}", out.display(), d.message())),
                other => db_err(other),
            })?;
        sync(&tmp).map_err(io(&tmp))?;
        let info = check_backup(&tmp).await?;
        std::fs::rename(&tmp, out).map_err(io(out))?;
        sync(out).map_err(io(out))?;
        Ok(BackupInfo {
            file_name: file_name(out),
            path: out.display().to_string(),
            ..info
        })
    }
    .await;
    if made.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    made
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Open a database file for reading only, taking no lock and writing nothing beside it.
async fn open_read_only(path: &Path) -> std::result::Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .create_if_missing(false)
        .connect()
        .await
}

/// Check a backup file: a whole SQLite database (`integrity_check`), made by this version or an
/// older one, with its audit chain's head and a SHA-256 of its bytes.
///
/// Errors: `Refused` (worded: which file, and why it cannot be used).
pub async fn check_backup(path: &Path) -> Result<BackupInfo> {
    let name = path.display().to_string();
    let bad = |why: BadBackup| Error::Refused(bad_backup(&name, &why));
    let meta = std::fs::metadata(path).map_err(|_| bad(BadBackup::Unreadable))?;
    if !meta.is_file() {
        return Err(bad(BadBackup::NotAFile));
    }
    let mut conn = open_read_only(path).await.map_err(|_| bad(BadBackup::NotADatabase))?;
    let result = async {
        let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await
            .map_err(|_| bad(BadBackup::NotADatabase))?;
        if check != ["ok"] {
            return Err(bad(BadBackup::Damaged(check.first().cloned().unwrap_or_default())));
        }
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| bad(BadBackup::NotADatabase))?;
        let version = version.ok_or_else(|| bad(BadBackup::NotADatabase))?;
        let app = Store::schema_version();
        if version > app {
            return Err(Error::Refused(RestoreRefusal::BackupNewerSchema { backup: version, app }.error()));
        }
        let (head, last) = audit_head(&mut conn).await?;
        Ok(BackupInfo {
            file_name: file_name(path),
            path: name.clone(),
            bytes: i64::try_from(meta.len()).unwrap_or(i64::MAX),
            sha256: sha256_of(path).map_err(io(path))?,
            schema_version: version,
            audit_head: head,
            last_change_at: last,
        })
    }
    .await;
    let _ = conn.close().await;
    result
}

/// The audit chain's last place and the newest line's time (before the chain: the line count).
async fn audit_head(conn: &mut SqliteConnection) -> Result<(i64, Option<String>)> {
    let has_seq: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info('audit_log') WHERE name = 'seq'")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    let head: Option<i64> = if has_seq > 0 {
        sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?
    } else {
        None
    };
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    let last: Option<String> = sqlx::query_scalar("SELECT at FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok((head.unwrap_or(count), last))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The database as it was, backed up first (none when there was no database).
    pub previous: Option<BackupInfo>,
}

/// Replace the database file at `db` with the backup at `backup`, after checking the backup.
/// The database as it was is first backed up into `previous_out` (when there is one).
///
/// Refused (nothing changed) when the backup fails its check, when the database holds newer
/// records than the backup and `force` is not set, when an app or a command has it open, or when
/// its `-wal` cannot be folded in.
///
/// Errors: `Refused` (worded), `Io`.
pub async fn restore_file(backup: &Path, db: &Path, force: bool, previous_out: &Path) -> Result<RestoreReport> {
    let restored = check_backup(backup).await?;
    let mut previous = None;
    if db.exists() {
        // Alone on the file: an exclusive lock is refused while an app or a command has it open.
        let opts = SqliteConnectOptions::new()
            .filename(db)
            .create_if_missing(false)
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(std::time::Duration::from_millis(200));
        let mut conn = opts.connect().await.map_err(|_| Error::Refused(RestoreRefusal::InUse.error()))?;
        let checked = async {
            sqlx::query("BEGIN EXCLUSIVE")
                .execute(&mut conn)
                .await
                .map_err(|_| Error::Refused(RestoreRefusal::InUse.error()))?;
            let (head, _) = audit_head(&mut conn).await.unwrap_or((0, None));
            sqlx::query("COMMIT").execute(&mut conn).await.map_err(db_err)?;
            if head > restored.audit_head && !force {
                return Err(Error::Refused(
                    RestoreRefusal::DatabaseNewer {
                        database_head: head,
                        backup_head: restored.audit_head,
                    }
                    .error(),
                ));
            }
            // Fold the -wal into the file, and leave rollback-journal mode: the file alone is the
            // database, so no stale -wal can ever be replayed onto the restored one.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut conn)
                .await
                .map_err(db_err)?;
            sqlx::query("PRAGMA journal_mode = DELETE")
                .execute(&mut conn)
                .await
                .map_err(db_err)?;
            Ok(())
        }
        .await;
        let _ = conn.close().await;
        checked?;
        let wal = crate::with_suffix(db, "-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::Refused(RestoreRefusal::WalLeft.error()));
        }
        let _ = std::fs::remove_file(&wal);
        // The database as it was, kept (a file copy: it is closed and whole now).
        if let Some(dir) = previous_out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        copy_whole(db, previous_out).map_err(io(previous_out))?;
        // Checked like any backup (its own version, audit head and checksum); a database that
        // fails the check is kept all the same, with its size and checksum.
        previous = Some(match check_backup(previous_out).await {
            Ok(info) => info,
            Err(_) => BackupInfo {
                file_name: file_name(previous_out),
                path: previous_out.display().to_string(),
                bytes: std::fs::metadata(previous_out).map_or(0, |m| i64::try_from(m.len()).unwrap_or(i64::MAX)),
                sha256: sha256_of(previous_out).map_err(io(previous_out))?,
                schema_version: 0,
                audit_head: 0,
                last_change_at: None,
            },
        });
    }
    // The backup, copied beside the database, synced, then renamed over it: the database is
    // either the old one or the restored one, never half of each.
    copy_whole(backup, db).map_err(io(db))?;
    let _ = std::fs::remove_file(crate::with_suffix(db, "-shm"));
    // Back to WAL mode for the app (the backup was made by VACUUM INTO, in rollback mode).
    let conn = SqliteConnectOptions::new()
        .filename(db)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await
        .map_err(db_err)?;
    let _ = conn.close().await;
    Ok(RestoreReport { restored, previous })
}

/// `PRAGMA quick_check` on a database file that exists, before it is used: a damaged file is
/// reported, never used or replaced.
///
/// Errors: `Refused` (worded with the file's path) when the check fails or the file is not a
/// database.
pub(crate) async fn quick_check(conn: &sqlx::SqlitePool, path: &Path) -> Result<()> {
    let found: std::result::Result<Vec<String>, sqlx::Error> = sqlx::query_scalar("PRAGMA quick_check").fetch_all(conn).await;
    match found {
        Ok(v) if v == ["ok"] => Ok(()),
        Ok(v) => Err(Error::Refused(domain::backup::database_damaged(
            &path.display().to_string(),
            v.first().map(String::as_str).unwrap_or(""),
        ))),
        Err(e) => Err(Error::Refused(domain::backup::database_damaged(
            &path.display().to_string(),
            &e.to_string(),
        ))),
    }
}

/// The backup files (`*.db`) in a folder, by name.
pub fn list_backups(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| domain::backup::BackupKind::of(n).is_some())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
