//! `handover`: HandoverDesk's services from a terminal, for finance staff's batch work and for
//! black-box tests. A thin clap tree: every command with a database signs in as a real user and
//! goes through the same [`services::Services`] as the app; the commands that need no database
//! (fee calculations without `--db`, samples, templates) call the pure crates directly, and
//! `db copy` (a file onto an empty server, for whoever holds both) calls the store.

// First: its `out!` (println! that never panics on a closed pipe) is used by every module.
#[macro_use]
mod output;
mod admin;
mod db;
mod documents;
mod finance;
mod imports;
mod move_in;
mod session;
mod units;

use clap::{Parser, Subcommand};
use output::Failure;
use session::Ctx;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "handover", version, about = "交付台 HandoverDesk 命令行")]
struct Cli {
    /// The records: a database file (created and migrated if missing) or an office server's
    /// PostgreSQL URL (postgres://user:password@host:5432/handover?sslmode=verify-full).
    /// Default: the app's own database file.
    #[arg(long, global = true, env = "HANDOVER_DB", value_name = "FILE|URL")]
    db: Option<PathBuf>,
    /// Sign in as this user (the password comes from HANDOVER_PASSWORD or, on a terminal, a
    /// hidden prompt). Needed by every command that uses a database.
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,
    /// Print results and errors as JSON: errors are {"error":{"code","message","field"}}.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Units (房源): import, list, export, template, sample.
    Units {
        #[command(subcommand)]
        command: units::UnitsCommand,
    },
    /// Purchase fees: quotes, area settlement, mortgage schedules, capitals, rule files.
    Fees {
        #[command(subcommand)]
        command: finance::FeesCommand,
    },
    /// Printed documents (PDF).
    Notices {
        #[command(subcommand)]
        command: documents::NoticesCommand,
    },
    /// Move-in (入伙): plan batches, list them and their slots, book owners into slots.
    #[command(name = "movein", alias = "move-in")]
    MoveIn {
        #[command(subcommand)]
        command: move_in::MoveInCommand,
    },
    /// Import history and undo.
    Imports {
        #[command(subcommand)]
        command: imports::ImportsCommand,
    },
    /// Administration: the first administrator of a new database.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// The audit log: who changed what, newest first.
    Audit(admin::AuditArgs),
    /// Back the database file up (administrators): into FILE, or into the backups folder beside
    /// the database. The copy is checked (SQLite's integrity check, version, audit head) before it
    /// takes its name; its SHA-256 is written beside it (FILE.json).
    Backup {
        /// Where to write the backup (default: backups/manual-<time>.db beside the database).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Replace the database file (--db) with a backup, after checking it. Refused while the app
    /// or a command has the database open, and when the database holds newer records than the
    /// backup (unless --force). The database as it was is kept in backups/pre-restore-<time>.db.
    /// Needs no sign-in: it is for whoever holds the files.
    Restore {
        /// The backup file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Restore even though the database holds newer records (they are lost; the database
        /// as it was is kept).
        #[arg(long)]
        force: bool,
    },
    /// The database itself: copy a workstation's file onto the office's PostgreSQL server (no
    /// sign-in).
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return output::fail(json, &Failure::from(domain::AppError::internal(e))),
    };
    match rt.block_on(run(cli)) {
        Ok(true) => ExitCode::SUCCESS,
        // The outcome itself (e.g. a rejected import with its rows) was printed already.
        Ok(false) => ExitCode::FAILURE,
        Err(e) => output::fail(json, &e),
    }
}

/// Ok(true): done; Ok(false): refused, with the outcome already printed; Err: print the error.
async fn run(cli: Cli) -> Result<bool, Failure> {
    let ctx = Ctx::new(cli.db, cli.user, cli.json);
    match cli.command {
        Command::Units { command } => units::run(&ctx, command).await,
        Command::Fees { command } => finance::run(&ctx, command).await,
        Command::Notices { command } => documents::run(&ctx, command).await,
        Command::MoveIn { command } => move_in::run(&ctx, command).await,
        Command::Imports { command } => imports::run(&ctx, command).await,
        Command::Admin { command } => admin::run(&ctx, command).await,
        Command::Audit(args) => admin::audit(&ctx, args).await,
        Command::Db { command } => db::run(ctx.json, command).await,
        Command::Backup { out } => admin::backup(&ctx, out).await,
        Command::Restore { file, force } => admin::restore(&ctx, &file, force).await,
    }
}
