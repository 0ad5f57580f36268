//! The append-only audit log (triggers in the schema refuse UPDATE and DELETE).

use super::rows::{all, rows_per_statement};
use super::Imp;
use super::{Db, DbRow};
use crate::Result;
use crate::{db_err, Actor};
use domain::model::AuditEntry;
use serde::Serialize;
use sqlx::{Row, Transaction};

/// Append one line inside the caller's transaction.
pub(crate) async fn write<B: Serialize, A: Serialize>(
    tx: &mut Transaction<'_, Db>,
    actor: &Actor,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let encode = |v: Result<String, serde_json::Error>| v.map_err(domain::AppError::internal);
    let before = before.map(|b| encode(serde_json::to_string(b))).transpose()?;
    let after = after.map(|a| encode(serde_json::to_string(a))).transpose()?;
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&actor.at)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

fn entry(r: &DbRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get("id").map_err(db_err)?,
        at: r.try_get("at").map_err(db_err)?,
        username: r.try_get("username").map_err(db_err)?,
        entity: r.try_get("entity").map_err(db_err)?,
        entity_id: r.try_get("entity_id").map_err(db_err)?,
        action: r.try_get("action").map_err(db_err)?,
        before: r.try_get("before").map_err(db_err)?,
        after: r.try_get("after").map_err(db_err)?,
    })
}

impl Imp {
    /// The history of a unit: the unit itself and every contract ever made on it, newest first.
    pub async fn audit_for_unit(&self, unit_id: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query(
                "SELECT * FROM audit_log WHERE (entity = 'unit' AND entity_id = $1)
               OR (entity = 'contract' AND entity_id IN (SELECT id FROM contracts WHERE unit_id = $1))
             ORDER BY id DESC",
            )
            .bind(unit_id),
            &self.pool,
            entry,
        )
        .await
    }

    /// The history of one record.
    pub async fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query("SELECT * FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC")
                .bind(entity)
                .bind(entity_id),
            &self.pool,
            entry,
        )
        .await
    }

    /// The latest `limit` lines of the whole log.
    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1").bind(limit),
            &self.pool,
            entry,
        )
        .await
    }
}

/// One audit line for [`write_many`]: entity, id, action, before JSON, after JSON.
pub(crate) type Line = (&'static str, i64, &'static str, Option<String>, Option<String>);

/// Append many lines in few statements (imports write tens of thousands).
pub(crate) async fn write_many(tx: &mut Transaction<'_, Db>, actor: &Actor, lines: &[Line]) -> Result<()> {
    for chunk in lines.chunks(rows_per_statement(8)) {
        let mut qb =
            sqlx::QueryBuilder::<Db>::new("INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, before, after) ");
        qb.push_values(chunk, |mut b, (entity, id, action, before, after)| {
            b.push_bind(actor.at.clone())
                .push_bind(actor.user_id)
                .push_bind(actor.username.clone())
                .push_bind(*entity)
                .push_bind(*id)
                .push_bind(*action)
                .push_bind(before.clone())
                .push_bind(after.clone());
        });
        qb.build().execute(&mut **tx).await.map_err(db_err)?;
    }
    Ok(())
}
