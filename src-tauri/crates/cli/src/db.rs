//! `handover db copy`: move a single-workstation office (its SQLite file) onto the office's
//! PostgreSQL server. No sign-in: the file is only read, the target must be empty, and whoever
//! runs it already holds both (the file and the server's password).

use crate::output::{print_json, Failure};
use clap::Subcommand;
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum DbCommand {
    /// Copy a database file onto an EMPTY PostgreSQL database: every table (users, ids, versions
    /// and the audit log as they are) in one transaction, each table read back and checked (rows
    /// and a SHA-256 checksum) before it commits. The file is opened read-only and never changed;
    /// it must have this version's schema (open it once with this version of the app first). A
    /// target holding any row is refused, untouched.
    ///
    /// Needs no --user and no sign-in (--db is not used): it is for whoever holds the database
    /// credentials, the file and the server's password. Progress goes to stderr; the report to
    /// stdout (with --json: {"tables":[{"table","rows","checksum"}],"total_rows",…}).
    Copy {
        /// The SQLite database file of the workstation (handover.db).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The PostgreSQL database: postgres://USER:PASSWORD@HOST:PORT/DBNAME[?sslmode=…].
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

/// A table with more rows than this shows its progress on stderr.
const LONG_TABLE: u64 = 2_000;

#[derive(Serialize)]
struct Report<'a> {
    from: String,
    to: String,
    schema_version: i64,
    tables: &'a [services::db::TableCopy],
    total_rows: u64,
    verified: bool,
    elapsed_ms: u128,
}

pub async fn run(json: bool, command: DbCommand) -> Result<bool, Failure> {
    match command {
        DbCommand::Copy { from, to } => copy(json, from, to).await,
    }
}

async fn copy(json: bool, from: PathBuf, to: String) -> Result<bool, Failure> {
    let started = Instant::now();
    let mut last = Instant::now();
    let progress = |table: &str, done: u64, total: u64| {
        if total >= LONG_TABLE && (done >= total || last.elapsed() >= Duration::from_secs(1)) {
            eprintln!("复制 {table}：{done}/{total} 行");
            last = Instant::now();
        }
    };
    let report = services::db::copy_database(&from, &to, progress).await?;
    let elapsed = started.elapsed();
    let target = services::db::redact(&to);
    if json {
        print_json(&Report {
            from: from.display().to_string(),
            to: target,
            schema_version: report.schema_version,
            tables: &report.tables,
            total_rows: report.total_rows,
            verified: true,
            elapsed_ms: elapsed.as_millis(),
        })?;
        return Ok(true);
    }
    out!("已复制 {} → {}（结构版本 {}）", from.display(), target, report.schema_version);
    let width = report.tables.iter().map(|t| t.table.len()).max().unwrap_or(0);
    for t in &report.tables {
        out!(
            "{:<width$}  {:>8} 行  校验和一致 {}",
            t.table,
            t.rows,
            t.checksum.get(..16).unwrap_or(&t.checksum)
        );
    }
    out!(
        "合计 {} 张表 {} 行，逐表核对行数与校验和一致；用时 {:.1} 秒",
        report.tables.len(),
        report.total_rows,
        elapsed.as_secs_f64()
    );
    Ok(true)
}
