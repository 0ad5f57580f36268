//! Reading rows: typed columns, stored codes, ISO dates and JSON columns, each failing as a typed
//! error (`Corrupt`, naming the column) instead of a panic.

use super::{Db, DbArgs, DbRow};
use crate::{db_err, Error, Result};
use sqlx::{Executor, Row};

/// A statement with its bound values.
pub(crate) type Query<'q> = sqlx::query::Query<'q, Db, DbArgs>;

/// Every row the query returns, each read by `read`.
pub(crate) async fn all<'c, T, E>(q: Query<'_>, db: E, read: impl Fn(&DbRow) -> Result<T>) -> Result<Vec<T>>
where
    E: Executor<'c, Database = Db>,
{
    q.fetch_all(db).await.map_err(db_err)?.iter().map(read).collect()
}

/// The row the query returns, if there is one, read by `read`.
pub(crate) async fn optional<'c, T, E>(q: Query<'_>, db: E, read: impl Fn(&DbRow) -> Result<T>) -> Result<Option<T>>
where
    E: Executor<'c, Database = Db>,
{
    q.fetch_optional(db).await.map_err(db_err)?.as_ref().map(read).transpose()
}

/// Run a statement; how many rows it changed.
pub(crate) async fn exec<'c, E>(q: Query<'_>, db: E) -> Result<u64>
where
    E: Executor<'c, Database = Db>,
{
    Ok(q.execute(db).await.map_err(db_err)?.rows_affected())
}

/// A column of the row.
pub(crate) fn get<'r, T: sqlx::Decode<'r, Db> + sqlx::Type<Db>>(r: &'r DbRow, col: &str) -> Result<T> {
    r.try_get(col).map_err(db_err)
}

/// A stored code parsed into its enum.
pub(crate) fn code<T>(r: &DbRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = get(r, col)?;
    parse(&s).ok_or_else(|| Error::Corrupt(format!("{col}（{s}）")))
}

/// An ISO date column.
pub(crate) fn date(r: &DbRow, col: &str) -> Result<chrono::NaiveDate> {
    let s: String = get(r, col)?;
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| Error::Corrupt(format!("{col}（{s}）")))
}

/// A JSON text column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(r: &DbRow, col: &str) -> Result<T> {
    serde_json::from_str(&get::<String>(r, col)?).map_err(|_| Error::Corrupt(col.to_string()))
}

/// A value as JSON text for a column.
pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Driver(format!("JSON: {e}")))
}

/// The unit label ([`domain::unit_label::unit_label`]) from the row's `building_name` and
/// `unit_number` columns; empty when the row has no unit (a public key).
pub(crate) fn unit_label(r: &DbRow) -> Result<String> {
    let building: Option<String> = get(r, "building_name")?;
    let number: Option<String> = get(r, "unit_number")?;
    Ok(match (building, number) {
        (Some(b), Some(n)) => domain::unit_label::unit_label(&b, &n),
        _ => String::new(),
    })
}

/// An integer column (BIGINT on both backends) as a narrower integer; out of range is `Corrupt`.
pub(crate) fn int<T: TryFrom<i64>>(r: &DbRow, col: &str) -> Result<T> {
    let v: i64 = get(r, col)?;
    T::try_from(v).map_err(|_| Error::Corrupt(format!("{col}（{v}）")))
}

/// Bound values per multi-row statement (400 rows of 11 columns). Far under SQLite's limit
/// (32,766) and PostgreSQL's (65,535) on purpose: PostgreSQL's parse and bind time grows faster than
/// the statement (measured: 30,000 values per statement cost a 10,000-unit import about 150 ms more
/// server time than 4,400, for 100 fewer round trips).
const BINDS_PER_STATEMENT: usize = 4_400;

/// How many rows of `columns` bound values one multi-row statement takes.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    BINDS_PER_STATEMENT.checked_div(columns).unwrap_or(BINDS_PER_STATEMENT)
}
