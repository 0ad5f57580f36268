//! The store's typed errors. The store holds no user wording: a refusal says *what* refused
//! (a [`Duplicate`] rule, an [`Entity`] missing or changed) and is worded by `domain::record`
//! when it becomes an [`AppError`]. Driver text never reaches a user; it goes to the log.

use domain::record::{self, Duplicate, Entity};
use domain::AppError;

#[derive(Debug)]
pub enum Error {
    /// A uniqueness rule refused the write, recognised by the constraint's name.
    Duplicate(Duplicate),
    /// A foreign key refused the write (a missing parent, or a row still referred to).
    Reference,
    NotFound(Entity),
    /// The row's version moved on since the caller read it.
    Stale(Entity),
    /// A domain rule, applied to rows read inside the write's transaction, refused it.
    Refused(AppError),
    /// A file beside the database could not be read or written (backups, folders).
    Io(String),
    /// A migration could not run (the detail names it; the pre-migration backup is kept).
    Migrate(String),
    /// A stored value this build cannot read, naming the column.
    Corrupt(String),
    /// The database server could not be used (address, connection, password, TLS).
    Unreachable(record::Unreachable),
    /// The database was written by a newer build: (its schema version, this build's).
    NewerSchema(i64, i64),
    /// Copying a SQLite file onto a PostgreSQL database refused or was rolled back.
    Copy(record::CopyRefusal),
    /// The database failed; the detail is for the log only.
    Driver(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// For logs and developers: the kind and its detail (users see the worded [`AppError`]).
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Duplicate(d) => write!(f, "duplicate: {}", d.constraint().unwrap_or("unknown constraint")),
            Error::Reference => write!(f, "foreign key refused the write"),
            Error::NotFound(e) => write!(f, "not found: {e:?}"),
            Error::Stale(e) => write!(f, "stale: {e:?}"),
            Error::Refused(e) => write!(f, "refused: {}", e.message),
            Error::Io(d) => write!(f, "io: {d}"),
            Error::Migrate(d) => write!(f, "migration: {d}"),
            Error::Corrupt(c) => write!(f, "corrupt column: {c}"),
            Error::Unreachable(why) => write!(f, "unreachable: {why:?}"),
            Error::NewerSchema(db, build) => write!(f, "schema {db} is newer than this build's {build}"),
            Error::Copy(why) => write!(f, "copy: {why:?}"),
            Error::Driver(d) => write!(f, "driver: {d}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Error::Refused(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            if d.is_unique_violation() {
                return Error::Duplicate(Duplicate::from_constraint(&constraint_name(d.as_ref())));
            }
            if d.is_foreign_key_violation() {
                return Error::Reference;
            }
        }
        Error::Driver(e.to_string())
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::Duplicate(d) => d.refusal(),
            Error::Reference => record::reference_refusal(),
            Error::NotFound(what) => what.not_found(),
            Error::Stale(what) => what.stale(),
            Error::Refused(e) => e,
            Error::Io(detail) => AppError::io(detail),
            Error::Migrate(detail) => record::migration_refusal(&detail),
            Error::Corrupt(column) => record::corrupt_refusal(&column),
            Error::Unreachable(why) => record::unreachable_refusal(&why),
            Error::NewerSchema(db, build) => record::newer_schema_refusal(db, build),
            Error::Copy(why) => record::copy_refusal(&why),
            Error::Driver(detail) => {
                // The office's log is the place for the driver's words (issue 14 gives it a file).
                eprintln!("storage error: {detail}");
                record::storage_refusal()
            }
        }
    }
}

/// The canonical name of the constraint that refused a write: the driver's own name where it
/// reports one (PostgreSQL), else derived from SQLite's report — `index 'x'` → `x`, and
/// `t.a, t.b` → `t_a_b_key` (PostgreSQL's default name for that table constraint), with a
/// primary key `t.a, t.b` of a table keyed by those columns reported as `t_pkey` when listed.
pub(crate) fn constraint_name(d: &dyn sqlx::error::DatabaseError) -> String {
    if let Some(c) = d.constraint() {
        return c.to_string();
    }
    sqlite_constraint(d.message())
}

fn sqlite_constraint(message: &str) -> String {
    let Some(rest) = message.split_once("constraint failed: ").map(|(_, r)| r.trim()) else {
        return String::new();
    };
    if let Some(index) = rest.strip_prefix("index '").and_then(|r| r.strip_suffix('\'')) {
        return index.to_string();
    }
    let mut table = "";
    let mut columns = Vec::new();
    for part in rest.split(',') {
        let (t, c) = part.trim().split_once('.').unwrap_or(("", part.trim()));
        table = t;
        columns.push(c);
    }
    let key = format!("{table}_{}_key", columns.join("_"));
    match PRIMARY_KEYS.iter().find(|(k, _)| *k == key) {
        Some((_, pkey)) => (*pkey).to_string(),
        None => key,
    }
}

/// Rules SQLite reports by their columns although they have another name: composite primary
/// keys, and unique indexes (partial ones included), which PostgreSQL names by the index.
const PRIMARY_KEYS: &[(&str, &str)] = &[
    ("contract_parties_contract_id_position_key", "contract_parties_pkey"),
    ("defect_photos_defect_id_photo_id_key", "defect_photos_pkey"),
    ("contracts_unit_id_key", "contracts_one_live_per_unit"),
    ("appointments_unit_id_key", "appointments_one_live"),
    ("move_in_steps_unit_id_kind_key", "move_in_steps_once"),
    ("defects_unit_id_room_item_key", "defects_one_open_per_item"),
    ("move_in_units_unit_id_key", "move_in_units_pkey"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_reports_become_canonical_names() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: contracts.number"),
            "contracts_number_key"
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: move_in_batches.project_id, move_in_batches.name"),
            "move_in_batches_project_id_name_key"
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: index 'contracts_one_live_per_unit'"),
            "contracts_one_live_per_unit"
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: defect_photos.defect_id, defect_photos.photo_id"),
            "defect_photos_pkey"
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: defects.unit_id, defects.room, defects.item"),
            "defects_one_open_per_item"
        );
        assert_eq!(sqlite_constraint("something else"), "");
    }

    #[test]
    fn driver_text_never_reaches_the_user() {
        let e: AppError = Error::Driver("disk I/O error at page 7".into()).into();
        assert!(!e.message.contains("disk"), "{}", e.message);
        assert_eq!(e.code, domain::ErrorCode::Storage);
    }
}
