//! The per-unit procedure: the unit's move-in row, step records with meter readings and the
//! keys handed over, undoing a step, and holding a unit.

use super::super::rows::{all, code, exec, from_json, get, json};
use super::super::Db;
use super::super::{audit, Imp, Tx};
use super::config::read_config;
use super::keys::{key_event, take_back_keys};
use super::push_in;
use crate::types::MoveInRow;
use crate::{db_err, not_stale, Actor, Error, Result};
use domain::move_in::*;
use domain::record::Entity;
use rust_decimal::Decimal;
use sqlx::QueryBuilder;
use std::str::FromStr;

/// The unit's move-in state and its project, read inside a write.
///
/// Errors: `NotFound(MoveInUnit)` when the unit is in no batch.
pub(crate) async fn unit_state(tx: &mut Tx, unit_id: i64) -> Result<(UnitState, i64)> {
    let r = sqlx::query(
        "SELECT mu.status, mu.hold_reason, mu.version, mu.started_at, mu.delivered_at, b.project_id
         FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE mu.unit_id = $1",
    )
    .bind(unit_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?
    .ok_or(Error::NotFound(Entity::MoveInUnit))?;
    Ok((
        UnitState {
            status: code(&r, "status", MoveInStatus::parse)?,
            hold_reason: get(&r, "hold_reason")?,
            version: get(&r, "version")?,
            started_at: get(&r, "started_at")?,
            delivered_at: get(&r, "delivered_at")?,
        },
        get(&r, "project_id")?,
    ))
}

/// Everything a step decision needs, read inside the write: the unit (refused as stale when
/// its version is not the one the desk loaded), its project, the procedure, the steps done.
async fn snapshot(tx: &mut Tx, unit_id: i64, version: i64) -> Result<(UnitState, i64, ProcedureConfig, Vec<StepKind>)> {
    let (unit, project_id) = unit_state(tx, unit_id).await?;
    if unit.version != version {
        return Err(Error::Stale(Entity::MoveInUnit));
    }
    let (config, _) = read_config(&mut **tx, project_id).await?;
    let done: Vec<String> = sqlx::query_scalar("SELECT kind FROM move_in_steps WHERE unit_id = $1 AND undone_at IS NULL")
        .bind(unit_id)
        .fetch_all(&mut **tx)
        .await
        .map_err(db_err)?;
    let done = done
        .iter()
        .map(|k| StepKind::parse(k).ok_or_else(|| Error::Corrupt(format!("kind ({k})"))))
        .collect::<Result<Vec<_>>>()?;
    Ok((unit, project_id, config, done))
}

/// Write the unit's new status with its times (see [`UnitState::moved_to`]), checking and
/// bumping its version; the unit record follows (delivered, else sold).
async fn bump(tx: &mut Tx, actor: &Actor, unit_id: i64, unit: &UnitState, to: MoveInStatus) -> Result<()> {
    let next = unit.moved_to(to, &actor.at);
    let rows = exec(
        sqlx::query(
            "UPDATE move_in_units SET status = $1, hold_reason = $2, started_at = $3, delivered_at = $4, version = version + 1
         WHERE unit_id = $5 AND version = $6",
        )
        .bind(next.status.as_str())
        .bind(&next.hold_reason)
        .bind(&next.started_at)
        .bind(&next.delivered_at)
        .bind(unit_id)
        .bind(unit.version),
        &mut **tx,
    )
    .await?;
    not_stale(rows, Entity::MoveInUnit)?;
    let record = unit_status_for(to).as_str();
    exec(
        sqlx::query("UPDATE units SET status = $1, version = version + 1 WHERE id = $2 AND status <> $3")
            .bind(record)
            .bind(unit_id)
            .bind(record),
        &mut **tx,
    )
    .await?;
    Ok(())
}

impl Imp {
    /// The unit's move-in row.
    ///
    /// Errors: `NotFound(MoveInUnit)` when the unit is in no batch.
    pub async fn move_in_row(&self, unit_id: i64) -> Result<MoveInRow> {
        let r = sqlx::query(
            "SELECT mu.*, b.name AS batch_name, b.project_id FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE mu.unit_id = $1",
        )
        .bind(unit_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or(Error::NotFound(Entity::MoveInUnit))?;
        Ok(MoveInRow {
            unit_id,
            batch_id: get(&r, "batch_id")?,
            batch_name: get(&r, "batch_name")?,
            project_id: get(&r, "project_id")?,
            status: code(&r, "status", MoveInStatus::parse)?,
            hold_reason: get(&r, "hold_reason")?,
            version: get(&r, "version")?,
            arrived_at: get(&r, "arrived_at")?,
            started_at: get(&r, "started_at")?,
            delivered_at: get(&r, "delivered_at")?,
        })
    }

    /// The unit's live step records.
    pub async fn steps(&self, unit_id: i64) -> Result<Vec<StepRecord>> {
        all(
            sqlx::query("SELECT * FROM move_in_steps WHERE unit_id = $1 AND undone_at IS NULL ORDER BY id").bind(unit_id),
            &self.pool,
            |r| {
                let data: StepData = from_json(r, "data")?;
                Ok(StepRecord {
                    id: get(r, "id")?,
                    summary: data.summary(),
                    data,
                    done_at: get(r, "done_at")?,
                    done_by: get(r, "done_by")?,
                })
            },
        )
        .await
    }

    /// Record a step done (checked data) on the version the desk loaded: [`plan_step`] decides
    /// from the rows read here and gives the unit's new status; meter readings are checked
    /// against the meters' earlier readings ([`check_meter_readings`]); keys are handed over
    /// ([`hand_over`]).
    ///
    /// Errors: `NotFound(MoveInUnit)`, `Stale(MoveInUnit)`, `Duplicate(StepDone)` (a concurrent
    /// desk did it), the rules' refusals; nothing is written on any of them.
    pub async fn do_step(&self, actor: &Actor, unit_id: i64, version: i64, data: &StepData) -> Result<()> {
        let mut tx = self.write().await?;
        step_in(&mut tx, actor, unit_id, version, data).await?;
        tx.commit().await
    }
}

/// A step of the procedure, written in the caller's transaction (`do_step`, and completing an
/// inspection, which fills in the 交房验收 step in the same transaction).
pub(crate) async fn step_in(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, data: &StepData) -> Result<()> {
    {
        let (unit, project_id, config, done) = snapshot(tx, unit_id, version).await?;
        let kind = data.kind();
        let status = plan_step(&config, &unit, &done, kind)?;
        bump(tx, actor, unit_id, &unit, status).await?;
        let step_id: i64 = sqlx::query_scalar(
            "INSERT INTO move_in_steps (unit_id, kind, data, done_at, done_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_id)
        .bind(kind.as_str())
        .bind(json(data)?)
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
        match data {
            StepData::Meters { readings } => {
                let numbers: Vec<String> = readings.iter().map(|m| m.number.clone()).collect();
                let mut qb = QueryBuilder::<Db>::new("SELECT number, reading FROM meter_readings WHERE ");
                push_in(&mut qb, "number", &numbers);
                let previous = qb
                    .build()
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|r| {
                        let text: String = get(r, "reading")?;
                        let reading = Decimal::from_str(&text).map_err(|_| Error::Corrupt(format!("reading ({text})")))?;
                        Ok((get::<String>(r, "number")?, reading))
                    })
                    .collect::<Result<Vec<_>>>()?;
                check_meter_readings(readings, &previous)?;
                for m in readings {
                    exec(
                        sqlx::query(
                            "INSERT INTO meter_readings (unit_id, kind, number, reading, step_id, read_at) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(unit_id)
                        .bind(m.kind.as_str())
                        .bind(&m.number)
                        .bind(m.reading.to_string())
                        .bind(step_id)
                        .bind(&actor.at),
                        &mut **tx,
                    )
                    .await?;
                }
            }
            StepData::Keys { keys } => {
                // The numbers are handed in one fixed order (sorted), not the form's: two desks
                // handing overlapping new numbers listed in different orders would each register
                // one and wait for the other's uncommitted one, a deadlock on PostgreSQL (the
                // server aborts one with 40P01, a driver error). In one order the later desk waits
                // on the first number they share and is refused on it (`Duplicate(KeyNumber)`).
                let mut numbers: Vec<(&str, &str)> = keys
                    .iter()
                    .flat_map(|line| line.numbers.iter().map(move |n| (n.as_str(), line.kind.as_str())))
                    .collect();
                numbers.sort_unstable();
                for (number, kind) in numbers {
                    hand_key(tx, actor, project_id, unit_id, kind, number).await?;
                }
            }
            _ => {}
        }
        audit::write::<(), _>(tx, actor, "unit", unit_id, "move_in_step", None, Some(data)).await?;
        Ok(())
    }
}

impl Imp {
    /// Undo a step (a manager, with a checked reason); [`plan_undo`] gives the unit's new status;
    /// keys it handed go back to the office.
    ///
    /// Errors: `NotFound(MoveInUnit)`, `Stale(MoveInUnit)`, the rule's `NotFound` (step not done).
    pub async fn undo_step(&self, actor: &Actor, unit_id: i64, version: i64, kind: StepKind, reason: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let (unit, project_id, config, done) = snapshot(&mut tx, unit_id, version).await?;
        let status = plan_undo(&config, &unit, &done, kind)?;
        bump(&mut tx, actor, unit_id, &unit, status).await?;
        let step = sqlx::query("SELECT id, data FROM move_in_steps WHERE unit_id = $1 AND kind = $2 AND undone_at IS NULL")
            .bind(unit_id)
            .bind(kind.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Step))?;
        exec(
            sqlx::query("UPDATE move_in_steps SET undone_at = $1, undone_by = $2, undo_reason = $3 WHERE id = $4")
                .bind(&actor.at)
                .bind(&actor.username)
                .bind(reason)
                .bind(get::<i64>(&step, "id")?),
            &mut *tx,
        )
        .await?;
        let data: StepData = from_json(&step, "data")?;
        if let StepData::Keys { keys } = &data {
            let numbers: Vec<String> = keys.iter().flat_map(|k| k.numbers.iter().cloned()).collect();
            take_back_keys(&mut tx, actor, project_id, unit_id, &numbers, reason).await?;
        }
        audit::write(
            &mut tx,
            actor,
            "unit",
            unit_id,
            "move_in_step_undone",
            Some(&data),
            Some(&serde_json::json!({"reason": reason})),
        )
        .await?;
        tx.commit().await
    }

    /// Put the unit on hold with a checked reason, or resume it (`reason` none);
    /// [`plan_hold`] gives the status.
    ///
    /// Errors: `NotFound(MoveInUnit)`, `Stale(MoveInUnit)`, the rule's `Conflict` (delivered).
    pub async fn set_hold(&self, actor: &Actor, unit_id: i64, version: i64, reason: Option<&str>) -> Result<()> {
        let mut tx = self.write().await?;
        let (unit, _, config, done) = snapshot(&mut tx, unit_id, version).await?;
        let status = plan_hold(&config, &unit, &done, reason)?;
        let rows = exec(
            sqlx::query(
                "UPDATE move_in_units SET status = $1, hold_reason = $2, version = version + 1 WHERE unit_id = $3 AND version = $4",
            )
            .bind(status.as_str())
            .bind(reason.unwrap_or(""))
            .bind(unit_id)
            .bind(version),
            &mut *tx,
        )
        .await?;
        not_stale(rows, Entity::MoveInUnit)?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "unit",
            unit_id,
            if reason.is_some() { "move_in_hold" } else { "move_in_resume" },
            None,
            Some(&reason),
        )
        .await?;
        tx.commit().await
    }
}

/// Hand key `number` to the unit's owner at the keys step, as [`hand_over`] decides.
async fn hand_key(tx: &mut Tx, actor: &Actor, project_id: i64, unit_id: i64, kind: &str, number: &str) -> Result<()> {
    let found = sqlx::query(
        "SELECT k.id, k.unit_id, k.holder, k.version, bl.name AS building_name, u.number AS unit_number, k.label FROM keys k
         LEFT JOIN units u ON u.id = k.unit_id LEFT JOIN buildings bl ON bl.id = u.building_id
         WHERE k.project_id = $1 AND k.number = $2",
    )
    .bind(project_id)
    .bind(number)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let (found, version) = match found {
        Some(r) => (
            Some(KeyFound {
                id: get(&r, "id")?,
                unit_id: get(&r, "unit_id")?,
                owner_label: match super::super::rows::unit_label(&r)? {
                    l if l.is_empty() => get(&r, "label")?,
                    l => l,
                },
                holder: code(&r, "holder", KeyHolder::parse)?,
            }),
            get::<i64>(&r, "version")?,
        ),
        None => (None, 0),
    };
    let key_id = match hand_over(number, unit_id, found.as_ref())? {
        Handover::Move { key_id } => {
            let rows = exec(
                sqlx::query("UPDATE keys SET holder = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
                    .bind(KeyHolder::Owner.as_str())
                    .bind(&actor.at)
                    .bind(key_id)
                    .bind(version),
                &mut **tx,
            )
            .await?;
            not_stale(rows, Entity::Key)?;
            key_id
        }
        Handover::Register => sqlx::query_scalar(
            "INSERT INTO keys (project_id, number, kind, unit_id, holder, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(number)
        .bind(kind)
        .bind(unit_id)
        .bind(KeyHolder::Owner.as_str())
        .bind(&actor.at)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?,
    };
    key_event(tx, actor, key_id, KeyAction::Handed, "", HANDOVER_REASON).await
}
