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
