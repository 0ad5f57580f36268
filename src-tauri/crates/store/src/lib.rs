//! HandoverDesk storage over `sqlx`, on one of two backends chosen by the database's location:
//! an embedded SQLite file (the single workstation's default) or a PostgreSQL server shared by an
//! office's desks (a `postgres://` URL).
//!
//! The SQL and row mapping are written once (`body/`) and compiled once per backend ([`lite`],
//! [`pg`]), each with its own sqlx types and its few named dialect differences; [`Store`] is the
//! one public API over both, and the contract suite (`tests/contract`) runs every case on both.
//! Migrations are embedded per backend with the same version numbers (`migrations/sqlite`,
//! `migrations/postgres`; `tests/schema.rs` fails when the two schemas drift) and run at open:
//! on SQLite after a consistent backup of the file (`VACUUM INTO`) whenever one is pending, on
//! PostgreSQL in one transaction.
//!
//! [`copy_database`] moves a single workstation's file onto an empty server database (one
//! transaction, read back and checked before it commits; see `copy.rs`).
//!
//! Every write that must be whole is one method here owning one transaction, with its audit lines
//! written inside the same transaction. Nothing here reads the clock: the acting user and the
//! instant come in as an [`Actor`].

// `body/` is mounted once per backend on purpose (see the crate comment): the same SQL compiled
// with each backend's types.
#![allow(clippy::duplicate_mod)]

pub mod backup;
mod copy;
mod error;
mod lite;
mod pg;
mod types;

pub mod testing;

pub use copy::{copy_database, CopyReport, TableCopy};
pub use error::{Error, Result};
pub use lite::backups_dir;
pub use types::*;

use domain::inspection::{
    DefectEvent, DefectFilter, DefectRecord, DefectStep, InspectionKind, InspectionUpdate, ScoreFacts, Template, TemplateInput,
};
use domain::model::*;
use domain::move_in::{
    Appointment, AppointmentStatus, Batch, BatchInput, BatchUnitRow, Board, Delivery, DeliveryInput, KeyAction, KeyEvent, KeyInput,
    KeyRecord, ProcedureConfig, Slot, StepData, StepKind, StepRecord,
};
use domain::record::Entity;
use domain::role::Role;
use domain::sheet::ImportPlan;
use std::path::{Path, PathBuf};
use std::sync::Arc;

static MIGRATIONS_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATIONS_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Who is writing, and when (passed in; never read from a clock here).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// RFC 3339.
    pub at: String,
}

/// Where the records are: a SQLite file, or a PostgreSQL server's database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// A `postgres://` or `postgresql://` URL (libpq's options: `sslmode`, `sslrootcert`, …).
    Postgres(String),
}

impl Location {
    /// A `--db` value or `HANDOVER_DB`: a PostgreSQL URL by its scheme, else a file path.
    pub fn parse(text: &str) -> Location {
        let lower = text.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(text.trim().to_string())
        } else {
            Location::File(PathBuf::from(text))
        }
    }

    /// The file's folder (for files kept beside it); none on a server.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))),
            Location::Postgres(_) => None,
        }
    }

    /// For messages and logs: the path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Location {
        match p.to_str() {
            Some(s) => Location::parse(s),
            None => Location::File(p.to_path_buf()),
        }
    }
}

impl From<&PathBuf> for Location {
    fn from(p: &PathBuf) -> Location {
        Location::from(p.as_path())
    }
}

impl From<&str> for Location {
    fn from(s: &str) -> Location {
        Location::parse(s)
    }
}

/// A URL with the password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// The records, on whichever backend they live.
#[derive(Clone)]
pub struct Store(Backend);

#[derive(Clone)]
enum Backend {
    Sqlite(Arc<lite::Imp>),
    Postgres(Arc<pg::Imp>),
}

/// Writes of one kind that must not interleave between desks (see [`pg::lock`]); each has a fixed
/// advisory-lock key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lock {
    /// Running the migrations.
    Migrate,
    /// Creating the first administrator, and changes that could leave none.
    Admins,
    /// An import and its undo (they check collisions across many rows).
    Import,
    /// Appending to the audit log's hash chain (held from reading the chain's head to the commit).
    Audit,
}

impl Lock {
    /// The advisory-lock key (arbitrary, fixed, "HD" in the high bytes).
    pub(crate) fn key(self) -> i64 {
        0x4844_0000_0000_0000
            + match self {
                Lock::Migrate => 1,
                Lock::Admins => 2,
                Lock::Import => 3,
                Lock::Audit => 4,
            }
    }
}

/// A file beside a database named after it: `-wal` (the last writes, WAL mode), `-shm` (its
/// index), `-journal` (rollback mode).
pub(crate) fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    let mut side = db.as_os_str().to_owned();
    side.push(suffix);
    side.into()
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

/// Refuse a database already migrated past this build (nothing is written).
fn refuse_newer(applied: &[i64]) -> Result<()> {
    let newest = applied.iter().max().copied().unwrap_or(0);
    let build = Store::schema_version();
    if newest > build {
        return Err(Error::NewerSchema(newest, build));
    }
    Ok(())
}

fn not_stale(rows: u64, what: Entity) -> Result<()> {
    if rows == 0 {
        Err(Error::Stale(what))
    } else {
        Ok(())
    }
}

impl Store {
    /// Open the records at `location`: a SQLite file (created if missing, backed up when a
    /// migration is pending) or a PostgreSQL database (migrated in one transaction).
    ///
    /// Errors: `Io` when the folder cannot be created; `Unreachable` for a bad URL, a server that
    /// does not answer or refuses the password; `NewerSchema`; `Migrate` when a migration fails.
    pub async fn open_at(location: &Location) -> Result<(Store, OpenReport)> {
        match location {
            Location::File(path) => Store::open(path).await,
            Location::Postgres(url) => {
                let (imp, report) = pg::Imp::open(url).await?;
                Ok((Store(Backend::Postgres(Arc::new(imp))), report))
            }
        }
    }

    /// Open the records at `location` as [`Store::open_at`] does, but never create a database
    /// file: a missing one is reported (saying so differently when this folder had one: its
    /// backups remain), so a lost database is never silently replaced by an empty one.
    ///
    /// Errors: `Refused` (worded, field `db`) for a missing file; as [`Store::open_at`].
    pub async fn open_existing_at(location: &Location) -> Result<(Store, OpenReport)> {
        if let Location::File(path) = location {
            if !path.exists() {
                let shown = path.display().to_string();
                let backups = backup::list_backups(&lite::backups_dir(path));
                // The newest daily backup (names sort by date), else any.
                let latest = backups
                    .iter()
                    .rfind(|n| domain::backup::BackupKind::of(n) == Some(domain::backup::BackupKind::Daily))
                    .or(backups.last())
                    .map(|n| lite::backups_dir(path).join(n).display().to_string());
                return Err(Error::Refused(if backups.is_empty() {
                    domain::backup::database_not_found(&shown)
                } else {
                    domain::backup::database_missing(&shown, latest.as_deref())
                }));
            }
        }
        Store::open_at(location).await
    }

    /// Open (creating if missing) the SQLite database at `path`, back it up if a migration is
    /// pending, and migrate it.
    ///
    /// Errors: `Io` when the folder cannot be created; `Storage` when the file is not a database
    /// or a migration fails (the backup is then beside the file).
    pub async fn open(path: &Path) -> Result<(Store, OpenReport)> {
        let (imp, report) = lite::Imp::open(path).await?;
        Ok((Store(Backend::Sqlite(Arc::new(imp))), report))
    }

    /// A private in-memory SQLite database, migrated (tests and benchmarks).
    pub async fn open_in_memory() -> Result<Store> {
        Ok(Store(Backend::Sqlite(Arc::new(lite::Imp::open_in_memory().await?))))
    }

    /// Latest schema version this build knows (the same on both backends).
    pub fn schema_version() -> i64 {
        MIGRATIONS_SQLITE.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Which backend this is: "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match &self.0 {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match &self.0 {
            Backend::Sqlite(s) => s.pool.close().await,
            Backend::Postgres(s) => s.pool.close().await,
        }
    }

    /// The PostgreSQL pool, for the copy onto a server ([`copy_database`]).
    pub(crate) fn pg_pool(&self) -> Option<&sqlx::PgPool> {
        match &self.0 {
            Backend::Postgres(s) => Some(&s.pool),
            Backend::Sqlite(_) => None,
        }
    }

    /// The SQLite pool (the crate's own tests reach past the API on purpose).
    #[cfg(test)]
    fn sqlite_pool(&self) -> &sqlx::SqlitePool {
        match &self.0 {
            Backend::Sqlite(s) => &s.pool,
            Backend::Postgres(_) => panic!("not a SQLite store"),
        }
    }
}

/// Every public method of the store, forwarded to the backend's body (documented there, in
/// `body/`). A method added to a body is added here in one line.
macro_rules! forward {
    ($( $(#[$m:meta])* fn $name:ident(&self $(, $a:ident: $t:ty)*) -> $r:ty; )*) => {
        impl Store {
            $(
                $(#[$m])*
                pub async fn $name(&self $(, $a: $t)*) -> $r {
                    match &self.0 {
                        Backend::Sqlite(s) => s.$name($($a),*).await,
                        Backend::Postgres(s) => s.$name($($a),*).await,
                    }
                }
            )*
        }
    };
}

forward! {
    fn audit_for_unit(&self, unit_id: i64) -> Result<Vec<AuditEntry>>;
    fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>>;
    fn audit_recent(&self, limit: i64) -> Result<Vec<AuditEntry>>;
    fn save_fee_quote(&self, actor: &Actor, contract_id: i64, request: &str, quote: &str, rules_version: &str, total_fen: i64) -> Result<i64>;
    fn contract_id_by_number(&self, number: &str) -> Result<Option<i64>>;
    fn fee_quotes(&self, contract_id: i64) -> Result<Vec<StoredQuote>>;
    fn add_rule_edit(&self, actor: &Actor, region: &str, toml: &str) -> Result<i64>;
    fn rule_edits(&self) -> Result<Vec<RuleEdit>>;
    fn quote_basis(&self, project_id: i64) -> Result<Vec<QuoteBasis>>;
    fn quote_basis_of_contract(&self, contract_id: i64) -> Result<QuoteBasis>;
    fn save_fee_quotes(&self, actor: &Actor, quotes: &[NewQuote]) -> Result<usize>;
    fn apply_import(&self, actor: &Actor, file_name: &str, plan: &ImportPlan) -> Result<ImportCheck>;
    fn undo_import(&self, actor: &Actor, import_id: i64) -> Result<()>;
    fn imports(&self) -> Result<Vec<ImportRecord>>;
    fn latest_template(&self, project_id: i64, unit_type: &str) -> Result<Option<Template>>;
    fn template(&self, id: i64) -> Result<Template>;
    fn save_template(&self, actor: &Actor, t: &TemplateInput) -> Result<i64>;
    fn start_inspection(&self, actor: &Actor, unit_id: i64, kind: InspectionKind, template_id: i64) -> Result<i64>;
    fn inspection_row(&self, id: i64) -> Result<InspectionRow>;
    fn inspection_ids_of_unit(&self, unit_id: i64) -> Result<Vec<i64>>;
    fn update_inspection(&self, actor: &Actor, u: &InspectionUpdate) -> Result<()>;
    fn sign_inspection(&self, actor: &Actor, id: i64, version: i64, png: &[u8]) -> Result<()>;
    fn complete_inspection(&self, actor: &Actor, id: i64, version: i64) -> Result<()>;
    fn raise_defect(&self, actor: &Actor, d: &NewDefect) -> Result<i64>;
    fn photo(&self, id: i64, thumbnail: bool) -> Result<(String, Option<Vec<u8>>)>;
    fn move_defect(&self, actor: &Actor, id: i64, version: i64, step: &DefectStep) -> Result<()>;
    fn defects(&self, f: &DefectFilter) -> Result<Vec<DefectRecord>>;
    fn defect(&self, id: i64) -> Result<DefectRecord>;
    fn defects_of_inspection(&self, inspection_id: i64) -> Result<Vec<DefectRecord>>;
    fn defect_events(&self, id: i64) -> Result<Vec<DefectEvent>>;
    fn score_facts(&self, project_id: i64) -> Result<Vec<ScoreFacts>>;
    fn floor_plan(&self, project_id: i64, unit_type: &str) -> Result<Option<FloorPlan>>;
    fn set_floor_plan(&self, actor: &Actor, project_id: i64, unit_type: &str, plan: Option<&FloorPlan>) -> Result<()>;
    fn defect_parties(&self, project_id: i64) -> Result<Vec<String>>;
    fn set_defect_parties(&self, actor: &Actor, project_id: i64, parties: &[String]) -> Result<()>;
    fn create_batch(&self, actor: &Actor, b: &BatchInput) -> Result<BatchCreated>;
    fn batches(&self, project_id: i64) -> Result<Vec<Batch>>;
    fn batch(&self, id: i64) -> Result<Batch>;
    fn slots(&self, batch_id: i64) -> Result<Vec<Slot>>;
    fn batch_units(&self, batch_id: i64) -> Result<Vec<(BatchUnitRow, String)>>;
    fn board(&self, project_id: i64, batch_id: Option<i64>, day: chrono::NaiveDate) -> Result<Board>;
    fn book(&self, actor: &Actor, unit_id: i64, slot_id: i64, note: &str, rebook: bool) -> Result<i64>;
    fn close_booking(&self, actor: &Actor, unit_id: i64, status: AppointmentStatus) -> Result<()>;
    fn appointments(&self, unit_id: i64) -> Result<Vec<Appointment>>;
    fn check_in(&self, actor: &Actor, unit_id: i64, version: i64) -> Result<()>;
    fn record_delivery(&self, actor: &Actor, d: &DeliveryInput) -> Result<i64>;
    fn deliveries(&self, unit_id: i64) -> Result<Vec<Delivery>>;
    fn move_in_config(&self, project_id: i64) -> Result<(ProcedureConfig, i64)>;
    fn save_move_in_config(&self, actor: &Actor, project_id: i64, version: i64, c: &ProcedureConfig) -> Result<i64>;
    fn register_key(&self, actor: &Actor, k: &KeyInput) -> Result<i64>;
    fn move_key(&self, actor: &Actor, key_id: i64, action: KeyAction, person: &str, reason: &str, due_back: Option<chrono::NaiveDate>) -> Result<()>;
    fn keys(&self, project_id: i64) -> Result<Vec<KeyRecord>>;
    fn key_events(&self, key_id: i64) -> Result<Vec<KeyEvent>>;
    fn setting(&self, key: &str) -> Result<Option<SettingValue>>;
    fn set_settings(&self, actor: &Actor, values: &[(&str, Option<SettingValue>)]) -> Result<()>;
    fn letterhead(&self) -> Result<Letterhead>;
    fn save_letterhead(&self, actor: &Actor, c: &LetterheadChange) -> Result<()>;
    fn move_in_row(&self, unit_id: i64) -> Result<MoveInRow>;
    fn steps(&self, unit_id: i64) -> Result<Vec<StepRecord>>;
    fn do_step(&self, actor: &Actor, unit_id: i64, version: i64, data: &StepData) -> Result<()>;
    fn undo_step(&self, actor: &Actor, unit_id: i64, version: i64, kind: StepKind, reason: &str) -> Result<()>;
    fn set_hold(&self, actor: &Actor, unit_id: i64, version: i64, reason: Option<&str>) -> Result<()>;
    fn projects(&self) -> Result<Vec<Project>>;
    fn buildings(&self, project_id: i64) -> Result<Vec<Building>>;
    fn search_units(&self, q: &UnitQuery) -> Result<(Vec<(Unit, Option<String>, Vec<Buyer>)>, i64)>;
    fn unit(&self, id: i64) -> Result<Unit>;
    fn contracts_of_unit(&self, unit_id: i64) -> Result<Vec<Contract>>;
    fn contract(&self, id: i64) -> Result<Contract>;
    fn create_contract(&self, actor: &Actor, c: &ContractInput) -> Result<i64>;
    fn update_contract(&self, actor: &Actor, id: i64, version: i64, c: &ContractInput) -> Result<()>;
    fn cancel_contract(&self, actor: &Actor, id: i64, version: i64) -> Result<()>;
    fn update_unit(&self, actor: &Actor, edit: &UnitEdit) -> Result<Unit>;
    fn count_users(&self) -> Result<i64>;
    fn system_user(&self, username: &str, display_name: &str, role: Role, at: &str) -> Result<UserInfo>;
    fn create_user(&self, actor: &Actor, new: &NewUser, only_if_none: bool) -> Result<UserInfo>;
    fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
    fn users(&self) -> Result<Vec<UserInfo>>;
    fn update_user(&self, actor: &Actor, id: i64, role: Role, active: bool, password_hash: Option<&str>) -> Result<UserInfo>;
    fn user_by_id(&self, id: i64) -> Result<Option<UserInfo>>;
    fn sign_in_failures(&self, username: &str) -> Result<Option<domain::session::Failures>>;
    fn record_sign_in_failure(&self, actor: &Actor, username: &str, user_id: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> Result<domain::session::Failures>;
    fn record_sign_in(&self, actor: &Actor, user_id: i64, username: &str) -> Result<()>;
    fn record_event(&self, actor: &Actor, entity: domain::audit::AuditEntity, entity_id: i64, action: domain::audit::AuditAction, after: Option<&serde_json::Value>) -> Result<()>;
    fn change_password(&self, actor: &Actor, user_id: i64, password_hash: &str) -> Result<()>;
    fn verify_audit(&self) -> Result<domain::audit::ChainReport>;
    fn audit_head(&self) -> Result<i64>;
    fn complete_inspection_with_step(&self, actor: &Actor, id: i64, version: i64, step: Option<(i64, i64, &domain::move_in::StepData)>) -> Result<()>;
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod migration_tests;
