//! The store's SQL and row mapping, written once. This folder is compiled twice, once inside
//! [`crate::lite`] and once inside [`crate::pg`]: there `Db`, `DbRow` and `DbArgs` name that
//! backend's sqlx types and the dialect macros (`for_update!`) expand to its spelling, so each
//! statement is text both databases accept (`$N` placeholders, `ON CONFLICT`, `RETURNING`,
//! BIGINT columns, `COUNT(*) FILTER`-free sums over `CASE`) and every difference is named in one of
//! the two backend files.

pub(crate) mod audit;
pub(crate) mod finance;
pub(crate) mod import;
pub(crate) mod inspection;
pub(crate) mod move_in;
pub(crate) mod records;
pub(crate) mod rows;
pub(crate) mod users;

pub(crate) use super::{lock, refresh_statistics, Db, DbArgs, DbRow, Imp, Lock};

/// A write transaction, and the audit lines written in it: they are sealed into the audit log's
/// hash chain and inserted as it commits ([`audit::commit`]), so the chain follows commit order
/// and its lock is held only for those inserts and the commit (never while rows are locked one
/// by one, so it cannot deadlock with another desk's write). Dereferences to the connection, as
/// sqlx's `Transaction` does (`&mut *tx` runs a statement in it).
pub(crate) struct Tx {
    inner: sqlx::Transaction<'static, Db>,
    audit: Vec<audit::Pending>,
}

impl Tx {
    pub(crate) fn new(inner: sqlx::Transaction<'static, Db>) -> Tx {
        Tx { inner, audit: Vec::new() }
    }

    /// Seal this transaction's audit lines into the chain, then commit.
    pub(crate) async fn commit(self) -> crate::Result<()> {
        audit::commit(self.inner, self.audit).await
    }

    /// Give up every write, audit lines included.
    pub(crate) async fn rollback(self) -> crate::Result<()> {
        self.inner.rollback().await.map_err(crate::db_err)
    }
}

impl std::ops::Deref for Tx {
    type Target = <Db as sqlx::Database>::Connection;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}
