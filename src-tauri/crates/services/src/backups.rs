//! 备份与恢复: automatic daily backups (first start of the day, rotated), backups an
//! administrator asks for, their check, and a restore staged for the next start (the app holds
//! the database open; the CLI restores at once when nothing has it open). The files are made and
//! checked by `store::backup`; when and which by `domain::backup`.

use crate::Services;
use domain::audit::{AuditAction, AuditEntity};
use domain::backup::{self as policy, BackupInfo, BackupKind, RestoreRefusal};
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// One file in the backups folder.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BackupEntry {
    pub file_name: String,
    pub kind: BackupKind,
    pub kind_label: String,
    pub bytes: i64,
}

/// The backups folder as an administrator sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BackupList {
    /// Where the backups are (a folder beside the database file).
    pub folder: String,
    pub keep_daily: u32,
    /// Newest first.
    pub entries: Vec<BackupEntry>,
    /// A restore waiting for the next start, if one was asked for.
    pub pending_restore: Option<String>,
    /// Why the last automatic backup failed, if it did.
    pub warning: Option<String>,
}

/// The folder of a database file's automatic backups (`backups/` beside it).
pub fn backups_folder(db: &Path) -> PathBuf {
    store::backups_dir(db)
}

/// The file beside a database that names a backup to restore at the next start.
pub fn pending_restore_marker(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".restore-pending");
    s.into()
}

/// What the marker holds: which backup, who asked, when.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    backup: String,
    user_id: i64,
    username: String,
    asked_at: String,
}

/// The backup's check written beside it (`<file>.json`): its SHA-256, version and audit head.
fn write_sidecar(info: &BackupInfo) -> Result<()> {
    let json = serde_json::to_vec_pretty(info).map_err(AppError::internal)?;
    crate::write_file(Path::new(&format!("{}.json", info.path)), &json)
}

impl Services {
    /// The database file and its backups folder (none for a server or an in-memory store).
    fn backup_home(&self) -> Option<(PathBuf, PathBuf)> {
        match &self.location {
            Some(store::Location::File(db)) => Some((db.clone(), store::backups_dir(db))),
            _ => None,
        }
    }

    async fn keep_daily(&self) -> Result<u32> {
        let stored = self.store.setting(policy::KEEP_SETTING_KEY).await?;
        Ok(policy::stored_keep(stored.as_ref().map(|(v, _)| v.as_str())))
    }

    /// The first start of a day backs the file up into `backups/daily-<date>.db` (checked, with
    /// its check beside it) and prunes the oldest beyond the number kept. Nothing to do for a
    /// server, or when today's backup exists.
    ///
    /// Errors: `Io` (full disk, read-only folder) or a failed check: the app says so at start;
    /// the database itself is untouched.
    pub async fn daily_backup(&self) -> Result<Option<BackupInfo>> {
        let result = self.daily_backup_once().await;
        if let Ok(mut w) = self.backup_warning.lock() {
            *w = result.as_ref().err().map(|e| format!("每日自动备份失败：{}", e.message));
        }
        result
    }

    async fn daily_backup_once(&self) -> Result<Option<BackupInfo>> {
        let Some((_, dir)) = self.backup_home() else { return Ok(None) };
        let existing = store::backup::list_backups(&dir);
        if !policy::daily_due(&existing, self.today()) {
            return Ok(None);
        }
        let info = store::backup::backup_into(&self.store, &dir.join(policy::daily_name(self.today()))).await?;
        write_sidecar(&info)?;
        self.prune(&dir).await?;
        Ok(Some(info))
    }

    async fn prune(&self, dir: &Path) -> Result<()> {
        let keep = self.keep_daily().await?;
        for old in policy::to_prune(&store::backup::list_backups(dir), keep) {
            let _ = std::fs::remove_file(dir.join(&old));
            let _ = std::fs::remove_file(dir.join(format!("{old}.json")));
        }
        Ok(())
    }

    /// Back up now, into the backups folder (`out` None) or into a file an administrator named
    /// (the CLI's `--out`). Audited.
    ///
    /// Errors: `Forbidden` unless an administrator; `Invalid` on `db` for a server; `Io`.
    pub async fn backup_now(&self, s: &Session, out: Option<&Path>) -> Result<BackupInfo> {
        s.require(Permission::ManageUsers)?;
        let Some((_, dir)) = self.backup_home() else {
            return Err(policy::not_a_file_database());
        };
        let stamp = self.now().format("%Y%m%d-%H%M%S").to_string();
        let target = match out {
            Some(p) => p.to_path_buf(),
            None => dir.join(policy::file_name(BackupKind::Manual, &stamp)),
        };
        let info = store::backup::backup_into(&self.store, &target).await?;
        write_sidecar(&info)?;
        self.store
            .record_event(
                &self.actor(s),
                AuditEntity::Backup,
                0,
                AuditAction::BackupMade,
                Some(&serde_json::json!({ "file": info.path, "sha256": info.sha256, "audit_head": info.audit_head })),
            )
            .await?;
        Ok(info)
    }

    /// The backups folder's files, newest first, and a restore waiting for the next start.
    ///
    /// Errors: `Forbidden` unless an administrator; `Invalid` on `db` for a server.
    pub async fn backups(&self, s: &Session) -> Result<BackupList> {
        s.require(Permission::ManageUsers)?;
        let Some((db, dir)) = self.backup_home() else {
            return Err(policy::not_a_file_database());
        };
        let mut entries: Vec<BackupEntry> = store::backup::list_backups(&dir)
            .into_iter()
            .filter_map(|n| {
                let kind = BackupKind::of(&n)?;
                Some(BackupEntry {
                    bytes: std::fs::metadata(dir.join(&n)).map(|m| m.len() as i64).unwrap_or(0),
                    kind,
                    kind_label: kind.label().to_string(),
                    file_name: n,
                })
            })
            .collect();
        entries.sort_by(|a, b| b.file_name.cmp(&a.file_name));
        let pending = std::fs::read(pending_restore_marker(&db))
            .ok()
            .and_then(|b| serde_json::from_slice::<Pending>(&b).ok())
            .map(|p| p.backup);
        Ok(BackupList {
            folder: dir.display().to_string(),
            keep_daily: self.keep_daily().await?,
            entries,
            pending_restore: pending,
            warning: self.backup_warning.lock().ok().and_then(|w| w.clone()),
        })
    }

    /// Check one backup of the folder (SQLite's integrity check, version, audit head, SHA-256).
    ///
    /// Errors: `Forbidden`; `Invalid` on `backup` for a name not in the folder or a file that
    /// fails its check.
    pub async fn check_backup(&self, s: &Session, file_name: &str) -> Result<BackupInfo> {
        s.require(Permission::ManageUsers)?;
        let path = self.backup_path(file_name)?;
        Ok(store::backup::check_backup(&path).await?)
    }

    fn backup_path(&self, file_name: &str) -> Result<PathBuf> {
        let Some((_, dir)) = self.backup_home() else {
            return Err(policy::not_a_file_database());
        };
        // A name of the folder only: no path may reach outside it.
        if BackupKind::of(file_name).is_none() || file_name.contains(['/', '\\']) || file_name.contains("..") {
            return Err(policy::bad_backup_name(file_name));
        }
        Ok(dir.join(file_name))
    }

    /// Set how many daily backups are kept.
    ///
    /// Errors: `Forbidden`; `Invalid` on `keep_daily`.
    pub async fn set_backup_keep(&self, s: &Session, keep: &str) -> Result<u32> {
        s.require(Permission::ManageUsers)?;
        let n = policy::parse_keep(keep)?;
        self.store
            .set_settings(&self.actor(s), &[(policy::KEEP_SETTING_KEY, Some((n.to_string(), None)))])
            .await?;
        Ok(n)
    }

    /// Ask for a backup of the folder to replace the database at the next start (the app has
    /// it open now). The backup is checked now, and refused if the database holds newer records
    /// unless `force` (the page asks again first).
    ///
    /// Errors: `Forbidden`; `Invalid` on `backup`; `Conflict` when the database is newer.
    pub async fn stage_restore(&self, s: &Session, file_name: &str, force: bool) -> Result<BackupInfo> {
        s.require(Permission::ManageUsers)?;
        let path = self.backup_path(file_name)?;
        let info = store::backup::check_backup(&path).await?;
        let head = self.store.audit_head().await?;
        if head > info.audit_head && !force {
            return Err(RestoreRefusal::DatabaseNewer {
                database_head: head,
                backup_head: info.audit_head,
            }
            .error());
        }
        let Some((db, _)) = self.backup_home() else {
            return Err(policy::not_a_file_database());
        };
        let pending = Pending {
            backup: file_name.to_string(),
            user_id: s.user_id,
            username: s.username.clone(),
            asked_at: self.now().to_rfc3339(),
        };
        crate::write_file(
            &pending_restore_marker(&db),
            &serde_json::to_vec(&pending).map_err(AppError::internal)?,
        )?;
        Ok(info)
    }

    /// Give up a restore staged for the next start.
    pub async fn cancel_restore(&self, s: &Session) -> Result<()> {
        s.require(Permission::ManageUsers)?;
        if let Some((db, _)) = self.backup_home() {
            let _ = std::fs::remove_file(pending_restore_marker(&db));
        }
        Ok(())
    }
}

/// Restore `backup` over `db` (`store::backup::restore_file`; the database as it was goes to
/// `backups/pre-restore-<stamp>.db`, its check beside it), then audit the restore in the restored
/// database as `actor`, saying `what`.
async fn restore_and_audit(
    backup: &Path,
    db: &Path,
    force: bool,
    stamp: &str,
    actor: &store::Actor,
    what: serde_json::Value,
) -> Result<store::backup::RestoreReport> {
    let previous = store::backups_dir(db).join(policy::file_name(BackupKind::PreRestore, stamp));
    let report = store::backup::restore_file(backup, db, force, &previous).await?;
    if let Some(p) = &report.previous {
        write_sidecar(p)?;
    }
    let (store, _) = store::Store::open(db).await?;
    let mut what = what;
    what["previous"] = serde_json::json!(report.previous.as_ref().map(|p| p.file_name.clone()));
    let logged = store
        .record_event(actor, AuditEntity::Backup, 0, AuditAction::Restored, Some(&what))
        .await;
    store.close().await;
    logged?;
    Ok(report)
}

/// The office's wall clock now (before any database is open, so in the default zone): the
/// pre-restore backup's name stamp and the audit instant.
fn wall_clock_now() -> (String, String) {
    let now = domain::office_time::office_now(chrono::Utc::now(), domain::office_time::DEFAULT_ZONE);
    (now.format("%Y%m%d-%H%M%S").to_string(), now.to_rfc3339())
}

/// Before the app opens its database: carry out a restore staged by [`Services::stage_restore`],
/// audited in the restored database under the administrator who asked. `stamp` names the
/// pre-restore backup (`YYYYMMDD-HHMMSS`), `at` is the audit instant.
///
/// Errors: as `store::backup::restore_file` (the marker is kept, so the app says why at start).
pub async fn apply_pending_restore(db: &Path, stamp: &str, at: &str) -> Result<Option<BackupInfo>> {
    let marker = pending_restore_marker(db);
    let Ok(bytes) = std::fs::read(&marker) else { return Ok(None) };
    let pending: Pending = serde_json::from_slice(&bytes).map_err(|_| policy::pending_restore_unreadable())?;
    let backup = store::backups_dir(db).join(&pending.backup);
    let actor = store::Actor {
        user_id: Some(pending.user_id),
        username: pending.username.clone(),
        at: at.to_string(),
    };
    let what = serde_json::json!({ "from": pending.backup, "asked_at": pending.asked_at });
    let report = restore_and_audit(&backup, db, true, stamp, &actor, what).await?;
    let _ = std::fs::remove_file(&marker);
    Ok(Some(report.restored))
}

/// Open the records for the desktop app: a restore staged on 备份与恢复 is carried out first; a
/// database file is created only on its folder's very first start (no database, no backups) —
/// one that was there and is gone, or is damaged, is reported, never replaced by an empty one;
/// then the first start of the day backs the file up (a failure is kept for 备份与恢复 and
/// printed on stderr; the day's work goes on).
///
/// Errors: as [`apply_pending_restore`] and [`Services::open_existing`].
pub async fn open_for_app(location: &store::Location) -> Result<Services> {
    let services = match location {
        store::Location::File(db) => {
            let (stamp, at) = wall_clock_now();
            apply_pending_restore(db, &stamp, &at).await?;
            if !db.exists() && store::backup::list_backups(&store::backups_dir(db)).is_empty() {
                Services::open(location.clone()).await?
            } else {
                Services::open_existing(location.clone()).await?
            }
        }
        store::Location::Postgres(_) => Services::open_existing(location.clone()).await?,
    };
    if let Err(e) = services.daily_backup().await {
        eprintln!("每日自动备份失败：{}", e.message);
    }
    Ok(services)
}

/// `handover restore FILE --db PATH`: replace the database file with a backup now (nothing may
/// have it open), keeping the database as it was in `backups/pre-restore-<time>.db`, and audit
/// the restore in the restored database. Refused when the database holds newer records unless
/// `force`.
///
/// Errors: as `store::backup::restore_file`.
pub async fn restore_now(backup: &Path, db: &Path, force: bool) -> Result<(BackupInfo, Option<BackupInfo>)> {
    let (stamp, at) = wall_clock_now();
    let actor = store::Actor {
        user_id: None,
        username: "handover restore".into(),
        at,
    };
    let what = serde_json::json!({ "from": backup.display().to_string(), "forced": force });
    let report = restore_and_audit(backup, db, force, &stamp, &actor, what).await?;
    Ok((report.restored, report.previous))
}
