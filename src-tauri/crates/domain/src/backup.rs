//! Backups of a workstation's database: their names, which are due, which are pruned, when a
//! restore is refused, and the words for each. The store makes, checks and restores the files;
//! the services decide when (nothing here reads the clock or touches a file).

use crate::{AppError, ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The folder beside the database file that holds its automatic backups.
pub const FOLDER: &str = "backups";
/// How many daily backups are kept unless an administrator sets another number.
pub const DEFAULT_KEEP_DAILY: u32 = 14;
pub const MAX_KEEP_DAILY: u32 = 365;
pub const KEEP_SETTING_KEY: &str = "backup.keep_daily";
/// Backups taken before a restore or a migration: the newest this many of each kind are kept.
pub const KEEP_OTHER: usize = 5;

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// The first start of a day.
    Daily,
    /// Before the schema is migrated.
    PreMigration,
    /// Before a restore replaces the database.
    PreRestore,
    /// Asked for by an administrator (never pruned).
    Manual,
}

impl BackupKind {
    pub const ALL: [BackupKind; 4] = [
        BackupKind::Daily,
        BackupKind::PreMigration,
        BackupKind::PreRestore,
        BackupKind::Manual,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily-",
            BackupKind::PreMigration => "pre-migration-",
            BackupKind::PreRestore => "pre-restore-",
            BackupKind::Manual => "manual-",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Daily => "每日自动备份",
            BackupKind::PreMigration => "升级前自动备份",
            BackupKind::PreRestore => "恢复前自动备份",
            BackupKind::Manual => "手动备份",
        }
    }

    /// The kind of a backup file, by its name.
    pub fn of(file_name: &str) -> Option<BackupKind> {
        if !file_name.ends_with(".db") {
            return None;
        }
        BackupKind::ALL.into_iter().find(|k| file_name.starts_with(k.prefix()))
    }
}

/// The file name of a backup made at `stamp` (the office's wall clock, `YYYYMMDD-HHMMSS`, or a
/// date for a daily one, or `v<N>` for a pre-migration one): `<kind>-<stamp>.db`.
pub fn file_name(kind: BackupKind, stamp: &str) -> String {
    format!("{}{stamp}.db", kind.prefix())
}

/// The daily backup's name for `day`.
pub fn daily_name(day: NaiveDate) -> String {
    file_name(BackupKind::Daily, &day.format("%Y-%m-%d").to_string())
}

/// Whether today's daily backup is still to be made, given the names in the folder.
pub fn daily_due(existing: &[String], today: NaiveDate) -> bool {
    !existing.iter().any(|n| *n == daily_name(today))
}

/// The backups to delete so that the newest `keep_daily` daily backups and the newest
/// [`KEEP_OTHER`] of each other automatic kind remain (names sort by time within a kind).
/// Manual backups are never pruned.
pub fn to_prune(existing: &[String], keep_daily: u32) -> Vec<String> {
    let mut out = Vec::new();
    for kind in [BackupKind::Daily, BackupKind::PreMigration, BackupKind::PreRestore] {
        let keep = if kind == BackupKind::Daily {
            keep_daily as usize
        } else {
            KEEP_OTHER
        };
        let mut of_kind: Vec<&String> = existing.iter().filter(|n| BackupKind::of(n) == Some(kind)).collect();
        // Pre-migration backups are named by version: order them numerically.
        of_kind.sort_by_key(|n| sort_key(n));
        let n = of_kind.len();
        out.extend(of_kind.into_iter().take(n.saturating_sub(keep)).cloned());
    }
    out
}

fn sort_key(name: &str) -> (u64, String) {
    let digits: String = name
        .strip_prefix(BackupKind::PreMigration.prefix())
        .and_then(|r| r.strip_prefix('v'))
        .map(|r| r.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    (digits.parse().unwrap_or(0), name.to_string())
}

/// Parse the number of daily backups an administrator typed.
///
/// Errors: `Invalid` on `keep_daily` unless a whole number from 1 to [`MAX_KEEP_DAILY`].
pub fn parse_keep(s: &str) -> Result<u32> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_KEEP_DAILY).contains(&n) => Ok(n),
        _ => Err(AppError::invalid(
            "keep_daily",
            format!("保留的每日备份份数应为 1–{MAX_KEEP_DAILY} 的整数"),
        )),
    }
}

pub fn stored_keep(stored: Option<&str>) -> u32 {
    stored.and_then(|s| parse_keep(s).ok()).unwrap_or(DEFAULT_KEEP_DAILY)
}

/// What a backup file holds, as checked: its SQLite integrity, its schema version and its audit
/// chain's head, and a SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: String,
    pub bytes: i64,
    pub sha256: String,
    pub schema_version: i64,
    /// The audit chain's last place in the backup (0: none): how far its records go.
    pub audit_head: i64,
    /// The newest audit line's time in the backup (the last change it holds).
    pub last_change_at: Option<String>,
}

/// Why a restore is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreRefusal {
    /// The database holds changes the backup does not (without `--force`).
    DatabaseNewer { database_head: i64, backup_head: i64 },
    /// The backup was made by a newer version of the app.
    BackupNewerSchema { backup: i64, app: i64 },
    /// An app or a command has the database open.
    InUse,
    /// The database's last writes are still in its `-wal` and could not be folded in.
    WalLeft,
}

impl RestoreRefusal {
    pub fn error(&self) -> AppError {
        match self {
            RestoreRefusal::DatabaseNewer { database_head, backup_head } => AppError::new(
                ErrorCode::Conflict,
                format!(
                    "当前数据库比备份新（审计记录到第 {database_head} 条，备份只到第 {backup_head} 条）：恢复会丢失此后的修改。确认要恢复请加 --force（界面中需再次确认）"
                ),
            ),
            RestoreRefusal::BackupNewerSchema { backup, app } => AppError::new(
                ErrorCode::Conflict,
                format!("备份由较新版本的交付台生成（数据版本 {backup}，本程序 {app}），请先升级交付台"),
            ),
            RestoreRefusal::InUse => AppError::new(
                ErrorCode::Conflict,
                "数据库正在被交付台或命令行使用，请先关闭后再恢复",
            ),
            RestoreRefusal::WalLeft => AppError::new(
                ErrorCode::Conflict,
                "数据库还有未写入主文件的修改（-wal 文件），无法安全替换；请先正常关闭交付台再试",
            ),
        }
    }
}

/// Why a backup file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadBackup {
    Unreadable,
    NotAFile,
    NotADatabase,
    /// SQLite's integrity check failed (its first line).
    Damaged(String),
    /// The records are on a server: backed up with pg_dump.
    OnServer,
}

/// A backup file that fails its check.
pub fn bad_backup(file: &str, why: &BadBackup) -> AppError {
    let why = match why {
        BadBackup::Unreadable => "文件不存在或无法读取".to_string(),
        BadBackup::NotAFile => "不是文件".to_string(),
        BadBackup::NotADatabase => "不是交付台的数据库文件".to_string(),
        BadBackup::Damaged(first) => format!("完整性检查未通过（{first}）"),
        BadBackup::OnServer => "服务器数据库请用 pg_dump 备份".to_string(),
    };
    AppError {
        field: Some("backup".into()),
        ..AppError::new(ErrorCode::Invalid, format!("备份文件 {file} 无法使用：{why}"))
    }
}

/// The database file is gone although this workstation had one.
pub fn database_missing(path: &str, latest_backup: Option<&str>) -> AppError {
    let hint = match latest_backup {
        Some(b) => format!("最近的备份是 {b}，可用“handover restore {b} --db {path}”恢复"),
        None => "如有备份，可用 handover restore 恢复".to_string(),
    };
    AppError {
        field: Some("db".into()),
        ..AppError::new(
            ErrorCode::NotFound,
            format!("数据库文件 {path} 不见了（本机曾经有过它）。为防止误用空库，交付台不会新建一个空数据库。{hint}"),
        )
    }
}

/// Backups and restores of this app are of a workstation's database file; a server's database is
/// backed up by its administrator (pg_dump / pg_restore).
pub fn not_a_file_database() -> AppError {
    AppError::invalid(
        "db",
        "此处的数据库不是本机文件：服务器上的数据库请由数据库管理员用 pg_dump 备份、pg_restore 恢复",
    )
}

/// A name that is not one of the backups folder's files.
pub fn bad_backup_name(name: &str) -> AppError {
    AppError::invalid("backup", format!("备份文件名“{name}”无效"))
}

/// The record of a restore asked for at the next start cannot be read.
pub fn pending_restore_unreadable() -> AppError {
    AppError::invalid("backup", "待恢复的记录无法读取，请在“备份与恢复”中重新选择")
}

/// A database file that exists but fails SQLite's check (or is no database).
pub fn database_damaged(path: &str, detail: &str) -> AppError {
    AppError {
        field: Some("db".into()),
        ..AppError::new(
            ErrorCode::Storage,
            format!("数据库文件 {path} 已损坏或不是交付台的数据库（{detail}）。请勿继续使用，可用 handover restore 从备份恢复"),
        )
    }
}

/// A database file that was never made here.
pub fn database_not_found(path: &str) -> AppError {
    AppError {
        field: Some("db".into()),
        ..AppError::new(
            ErrorCode::NotFound,
            format!("数据库文件 {path} 不存在。新建数据库请先运行：handover --db {path} admin init --user 用户名"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn names_kinds_and_the_daily_backup_due() {
        assert_eq!(daily_name(d("2026-12-08")), "daily-2026-12-08.db");
        assert_eq!(BackupKind::of("daily-2026-12-08.db"), Some(BackupKind::Daily));
        assert_eq!(BackupKind::of("pre-migration-v8.db"), Some(BackupKind::PreMigration));
        assert_eq!(BackupKind::of("manual-20261208-101500.db"), Some(BackupKind::Manual));
        assert_eq!(BackupKind::of("daily-2026-12-08.db.json"), None);
        assert_eq!(BackupKind::of("notes.txt"), None);
        let have = vec!["daily-2026-12-07.db".to_string()];
        assert!(daily_due(&have, d("2026-12-08")));
        assert!(!daily_due(&have, d("2026-12-07")));
    }

    #[test]
    fn pruning_keeps_the_newest_of_each_automatic_kind_and_every_manual_one() {
        let mut names: Vec<String> = (1..=20).map(|i| format!("daily-2026-11-{i:02}.db")).collect();
        names.extend((1..=12).map(|v| format!("pre-migration-v{v}.db")));
        names.push("manual-20261101-090000.db".into());
        names.push("pre-restore-20261101-090000.db".into());
        let gone = to_prune(&names, 14);
        let daily: Vec<&String> = gone.iter().filter(|n| n.starts_with("daily-")).collect();
        assert_eq!(daily.len(), 6);
        assert_eq!(daily[0], "daily-2026-11-01.db");
        assert_eq!(daily[5], "daily-2026-11-06.db");
        let migration: Vec<&String> = gone.iter().filter(|n| n.starts_with("pre-migration-")).collect();
        assert_eq!(migration.len(), 7, "v1–v7 go, v8–v12 stay (numeric, not text order)");
        assert!(migration.iter().all(|n| !n.contains("v1.") || n.as_str() == "pre-migration-v1.db"));
        assert!(!gone
            .iter()
            .any(|n| n.as_str() == "pre-migration-v12.db" || n.as_str() == "pre-migration-v10.db"));
        assert!(!gone.iter().any(|n| n.starts_with("manual-") || n.starts_with("pre-restore-")));
        assert_eq!(to_prune(&names, 30).iter().filter(|n| n.starts_with("daily-")).count(), 0);
    }

    #[test]
    fn keep_setting_and_refusals() {
        assert_eq!(parse_keep("30").expect("30"), 30);
        for bad in ["0", "366", "x", ""] {
            assert_eq!(parse_keep(bad).expect_err(bad).field.as_deref(), Some("keep_daily"));
        }
        assert_eq!(stored_keep(None), DEFAULT_KEEP_DAILY);
        let e = RestoreRefusal::DatabaseNewer {
            database_head: 120,
            backup_head: 100,
        }
        .error();
        assert!(e.message.contains("第 120 条") && e.message.contains("--force"), "{}", e.message);
        let e = database_missing("/d/handover.db", Some("/d/backups/daily-2026-12-07.db"));
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("db")));
        assert!(e.message.contains("不会新建"), "{}", e.message);
    }
}
