//! The key ledger: registering keys, moving them (lend, return, lost) by the ledger's state
//! machine ([`key_transition`]), and their events.

use super::super::rows::{all, code, exec, get};
use super::super::Db;
use super::super::{audit, Imp, Tx};
use super::push_in;
use crate::{db_err, not_stale, Actor, Error, Result};
use domain::move_in::*;
use domain::record::Entity;
use sqlx::QueryBuilder;

impl Imp {
    /// Register a key the office holds (a unit's spare, or a public key).
    ///
    /// Errors: `Duplicate(KeyNumber)` (the number is registered in the project), `Reference`.
    pub async fn register_key(&self, actor: &Actor, k: &KeyInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO keys (project_id, number, kind, unit_id, label, holder, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(k.project_id)
        .bind(&k.number)
        .bind(&k.kind)
        .bind(k.unit_id)
        .bind(&k.label)
        .bind(KeyHolder::Office.as_str())
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        key_event(&mut tx, actor, id, KeyAction::Registered, "", &k.label).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Lend a key, take it back, or report it lost, as the ledger's state machine allows from
    /// where the key is now ([`key_transition`] on [`KeyPath::Ledger`]).
    ///
    /// Errors: `NotFound(Key)`; the rule's `Conflict` (the key is not where the action needs it)
    /// or `Invalid` on `action`; `Stale(Key)` when the key moved meanwhile.
    pub async fn move_key(
        &self,
        actor: &Actor,
        key_id: i64,
        action: KeyAction,
        person: &str,
        reason: &str,
        due_back: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let r = sqlx::query("SELECT holder, version FROM keys WHERE id = $1")
            .bind(key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Key))?;
        let holder = code(&r, "holder", KeyHolder::parse)?;
        let to = key_transition(holder, action, KeyPath::Ledger)?;
        let state = KeyState::after(to, person, reason, due_back);
        let rows = exec(
            sqlx::query(
                "UPDATE keys SET holder = $1, out_to = $2, out_reason = $3, due_back = $4, updated_at = $5, version = version + 1
             WHERE id = $6 AND version = $7",
            )
            .bind(state.holder.as_str())
            .bind(&state.out_to)
            .bind(&state.out_reason)
            .bind(state.due_back.map(|d| d.to_string()))
            .bind(&actor.at)
            .bind(key_id)
            .bind(get::<i64>(&r, "version")?),
            &mut *tx,
        )
        .await?;
        not_stale(rows, Entity::Key)?;
        key_event(&mut tx, actor, key_id, action, person, reason).await?;
        tx.commit().await
    }

    /// The project's keys, those still in the office or lent first.
    pub async fn keys(&self, project_id: i64) -> Result<Vec<KeyRecord>> {
        all(
            sqlx::query(
                "SELECT k.*, bl.name AS building_name, u.number AS unit_number FROM keys k
             LEFT JOIN units u ON u.id = k.unit_id LEFT JOIN buildings bl ON bl.id = u.building_id
             WHERE k.project_id = $1 ORDER BY CASE WHEN k.holder = 'owner' THEN 1 ELSE 0 END, k.number",
            )
            .bind(project_id),
            &self.pool,
            |r| {
                let due: Option<String> = get(r, "due_back")?;
                let due_back = due
                    .map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| Error::Corrupt(format!("due_back ({d})"))))
                    .transpose()?;
                Ok(KeyRecord {
                    id: get(r, "id")?,
                    project_id,
                    number: get(r, "number")?,
                    kind: get(r, "kind")?,
                    unit_id: get(r, "unit_id")?,
                    unit_label: super::super::rows::unit_label(r)?,
                    label: get(r, "label")?,
                    holder: code(r, "holder", KeyHolder::parse)?,
                    out_to: get(r, "out_to")?,
                    out_reason: get(r, "out_reason")?,
                    due_back,
                    updated_at: get(r, "updated_at")?,
                    overdue_days: 0,
                })
            },
        )
        .await
    }

    /// A key's movements, newest first.
    pub async fn key_events(&self, key_id: i64) -> Result<Vec<KeyEvent>> {
        all(
            sqlx::query("SELECT * FROM key_events WHERE key_id = $1 ORDER BY id DESC").bind(key_id),
            &self.pool,
            |r| {
                Ok(KeyEvent {
                    id: get(r, "id")?,
                    key_id,
                    action: code(r, "action", KeyAction::parse)?,
                    person: get(r, "person")?,
                    reason: get(r, "reason")?,
                    at: get(r, "at")?,
                    by: get(r, "by_user")?,
                })
            },
        )
        .await
    }
}

/// The keys step of a unit is undone: each of its keys still with the owner goes back to the
/// office ([`key_transition`] on [`KeyPath::Procedure`]); others (moved since) stay where they are.
pub(crate) async fn take_back_keys(
    tx: &mut Tx,
    actor: &Actor,
    project_id: i64,
    unit_id: i64,
    numbers: &[String],
    reason: &str,
) -> Result<()> {
    let mut qb = QueryBuilder::<Db>::new("SELECT id, holder, version FROM keys WHERE project_id = ");
    qb.push_bind(project_id).push(" AND unit_id = ").push_bind(unit_id).push(" AND ");
    push_in(&mut qb, "number", numbers);
    let rows = qb.build().fetch_all(&mut **tx).await.map_err(db_err)?;
    for r in &rows {
        let Ok(to) = key_transition(code(r, "holder", KeyHolder::parse)?, KeyAction::Returned, KeyPath::Procedure) else {
            continue;
        };
        let id: i64 = get(r, "id")?;
        let moved = exec(
            sqlx::query("UPDATE keys SET holder = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
                .bind(to.as_str())
                .bind(&actor.at)
                .bind(id)
                .bind(get::<i64>(r, "version")?),
            &mut **tx,
        )
        .await?;
        not_stale(moved, Entity::Key)?;
        key_event(tx, actor, id, KeyAction::Returned, "", &take_back_reason(reason)).await?;
    }
    Ok(())
}

/// One line of the key ledger, with its audit line.
pub(crate) async fn key_event(tx: &mut Tx, actor: &Actor, key_id: i64, action: KeyAction, person: &str, reason: &str) -> Result<()> {
    exec(
        sqlx::query("INSERT INTO key_events (key_id, action, person, reason, at, by_user) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(key_id)
            .bind(action.as_str())
            .bind(person)
            .bind(reason)
            .bind(&actor.at)
            .bind(&actor.username),
        &mut **tx,
    )
    .await?;
    audit::write::<(), _>(
        tx,
        actor,
        "key",
        key_id,
        action.as_str(),
        None,
        Some(&serde_json::json!({"person": person, "reason": reason})),
    )
    .await
}
