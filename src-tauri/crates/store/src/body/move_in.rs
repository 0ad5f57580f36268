//! Move-in storage: settings and the letterhead, procedure configuration, batches and slots,
//! bookings and notice deliveries, step records with meter readings and keys, the key ledger and
//! the progress board's counts.
//!
//! The store reads and writes rows; every decision is a `domain::move_in` rule applied to rows
//! read inside the write's transaction, and every refusal is typed (`Duplicate` by constraint
//! name, `NotFound`, `Stale`, or the rule's own refusal). Races between desks are settled by the
//! database, not by a single writer: a slot's quota by a conditional update of its `booked`
//! counter, one live booking per unit and one live record per step by unique indexes, key numbers
//! by a unique rule, and every change to a unit's move-in state by a conditional update of its
//! version.

use super::Db;
mod batches;
mod board;
mod bookings;
mod config;
mod keys;
mod settings;
pub(crate) mod steps;

use sqlx::QueryBuilder;

/// Append `col IN (?, ?, …)` binding `values`, or a false condition for an empty list (portable:
/// an empty `IN ()` is SQLite-only).
pub(crate) fn push_in<T>(qb: &mut QueryBuilder<Db>, col: &str, values: &[T])
where
    T: Clone + for<'t> sqlx::Encode<'t, Db> + sqlx::Type<Db>,
{
    if values.is_empty() {
        qb.push("1 = 0");
        return;
    }
    qb.push(col).push(" IN (");
    let mut sep = qb.separated(", ");
    for v in values {
        sep.push_bind(v.clone());
    }
    sep.push_unseparated(")");
}
