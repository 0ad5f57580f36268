//! Moving an office's records between backends (`handover db copy`): the store does the copy; it
//! needs no signed-in user (the source is only read, the target must be empty), only whoever holds
//! the server's credentials.

pub use store::{redact, CopyReport, TableCopy};

/// Copy a single workstation's SQLite file onto an empty PostgreSQL database (see
/// [`store::copy_database`]); `progress(table, done, of)` is told about long tables.
///
/// Errors: the store's refusals worded by `domain::record` (a source that is not this version's
/// database, a target that holds data, a value PostgreSQL cannot hold, a checksum mismatch,
/// the server's connection errors on field `db`).
pub async fn copy_database(from: &std::path::Path, to_url: &str, progress: impl FnMut(&str, u64, u64)) -> domain::Result<CopyReport> {
    Ok(store::copy_database(from, to_url, progress).await?)
}
