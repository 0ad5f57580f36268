//! Move-in storage: settings, procedure configuration, batches and slots, bookings, notice
//! deliveries, step records with meter readings and keys, the key ledger and the progress board.
//!
//! Each write is one transaction with its audit line. Races between desks are settled here: a
//! slot's quota is checked and the booking inserted in one transaction (SQLite serializes
//! writers), one live booking per unit and one live record per step are unique indexes, and every
//! change to a unit's move-in state checks and bumps its version (a stale edit is refused).

use crate::rows::{code, date, get, json};
use crate::Result;
use crate::{audit, db_err, not_stale, Actor, Store};
use domain::move_in::*;
use domain::AppError;
use rust_decimal::Decimal;
use sqlx::sqlite::SqliteRow;
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;

/// A setting: its text, and an image for image settings (logo, seal).
pub type SettingValue = (String, Option<Vec<u8>>);

/// The unit's move-in row: batch, status, version and times.
#[derive(Debug, Clone)]
pub struct MoveInRow {
    pub unit_id: i64,
    pub batch_id: i64,
    pub batch_name: String,
    pub project_id: i64,
    pub status: MoveInStatus,
    pub hold_reason: String,
    pub version: i64,
    pub arrived_at: Option<String>,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// What `create_batch` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCreated {
    pub batch_id: i64,
    pub units: i64,
    pub slots: i64,
    /// Selected units left out because they have no live contract (unsold).
    pub unsold_skipped: i64,
}

const SELECTED: &str = "FROM units u WHERE u.project_id = ?1 AND (
       (u.building_id IN (SELECT value FROM json_each(?2))
         AND (?3 IS NULL OR u.floor >= ?3) AND (?4 IS NULL OR u.floor <= ?4))
       OR u.id IN (SELECT value FROM json_each(?5)))";

impl Store {
    // ─────────────── settings ───────────────

    /// A setting's text value and image, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<SettingValue>> {
        let r = sqlx::query("SELECT value, image FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        r.map(|r| Ok((get(&r, "value")?, get(&r, "image")?))).transpose()
    }

    /// Set (or with `None` value, clear) several settings at once, audited.
    pub async fn set_settings(&self, actor: &Actor, values: &[(&str, Option<SettingValue>)]) -> Result<()> {
        let mut tx = self.write().await?;
        for (key, value) in values {
            match value {
                Some((text, image)) => {
                    sqlx::query(
                        "INSERT INTO settings (key, value, image, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value, image = excluded.image,
                         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    )
                    .bind(key)
                    .bind(text)
                    .bind(image)
                    .bind(&actor.at)
                    .bind(&actor.username)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                None => {
                    sqlx::query("DELETE FROM settings WHERE key = ?")
                        .bind(key)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
            }
            let after = value
                .as_ref()
                .map(|(t, i)| serde_json::json!({"key": key, "value": t, "image_bytes": i.as_ref().map(Vec::len)}));
            audit::write::<(), _>(&mut tx, actor, "setting", 0, "set", None, after.as_ref()).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    // ─────────────── procedure configuration ───────────────

    /// The project's procedure (the handbook default until a manager changes it) and its version
    /// (0 for the default).
    pub async fn move_in_config(&self, project_id: i64) -> Result<(ProcedureConfig, i64)> {
        let r = sqlx::query("SELECT config, version FROM move_in_configs WHERE project_id = ?")
            .bind(project_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match r {
            None => Ok((ProcedureConfig::default(), 0)),
            Some(r) => {
                let text: String = get(&r, "config")?;
                let c = serde_json::from_str(&text).map_err(AppError::internal)?;
                Ok((c, get(&r, "version")?))
            }
        }
    }

    /// Replace the project's procedure; `version` is the one the form loaded.
    ///
    /// Errors: `Stale` when another manager saved in between.
    pub async fn save_move_in_config(&self, actor: &Actor, project_id: i64, version: i64, c: &ProcedureConfig) -> Result<i64> {
        let mut tx = self.write().await?;
        let text = json(c)?;
        let rows = if version == 0 {
            sqlx::query("INSERT INTO move_in_configs (project_id, config, version) VALUES (?, ?, 1) ON CONFLICT DO NOTHING")
                .bind(project_id)
                .bind(&text)
                .execute(&mut *tx)
                .await
        } else {
            sqlx::query("UPDATE move_in_configs SET config = ?, version = version + 1 WHERE project_id = ? AND version = ?")
                .bind(&text)
                .bind(project_id)
                .bind(version)
                .execute(&mut *tx)
                .await
        }
        .map_err(db_err)?
        .rows_affected();
        not_stale(rows, domain::record::Entity::MoveInConfig)?;
        audit::write::<(), _>(&mut tx, actor, "project", project_id, "move_in_config", None, Some(c)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(version + 1)
    }

    // ─────────────── batches and slots ───────────────

    /// Create a batch with its units (sold units of the selection) and its slots, in one
    /// transaction.
    ///
    /// Errors: `Conflict` (name taken; units already in another batch, the first few named),
    /// `Invalid` on `selection` (no sold unit selected).
    pub async fn create_batch(&self, actor: &Actor, b: &BatchInput) -> Result<BatchCreated> {
        let mut tx = self.write().await?;
        let buildings = json(&b.selection.building_ids)?;
        let units = json(&b.selection.unit_ids)?;
        let bind = |q: sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments>| {
            q.bind(b.project_id)
                .bind(buildings.clone())
                .bind(b.selection.floor_from)
                .bind(b.selection.floor_to)
                .bind(units.clone())
        };
        let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM move_in_batches WHERE project_id = ? AND name = ?")
            .bind(b.project_id)
            .bind(&b.name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if dup.is_some() {
            return Err(AppError::conflict_on("name", format!("批次“{}”已存在", b.name)).into());
        }
        let taken = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT bl.name || ' ' || u.number AS label, mb.name AS batch {SELECTED_TAKEN}"
        ))))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        if !taken.is_empty() {
            let names: Vec<String> = taken
                .iter()
                .take(5)
                .map(|r| Ok(format!("{}（{}）", get::<String>(r, "label")?, get::<String>(r, "batch")?)))
                .collect::<Result<_>>()?;
            return Err(AppError::conflict_on(
                "selection",
                format!(
                    "{} 套房屋已在其他批次：{}{}",
                    taken.len(),
                    names.join("、"),
                    if taken.len() > 5 { "…" } else { "" }
                ),
            )
            .into());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO move_in_batches (project_id, name, first_day, last_day, place, windows, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(b.project_id)
        .bind(&b.name)
        .bind(b.first_day.to_string())
        .bind(b.last_day.to_string())
        .bind(&b.place)
        .bind(i64::from(b.windows))
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            crate::Error::Duplicate(_) => crate::Error::Refused(AppError::conflict_on("name", format!("批次“{}”已存在", b.name))),
            e => e,
        })?;
        let selected: i64 = bind(sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n {SELECTED}"))))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)
            .and_then(|r| get(&r, "n"))?;
        let added = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO move_in_units (unit_id, batch_id, status) SELECT u.id, {id}, 'not_started' {SELECTED}
               AND EXISTS (SELECT 1 FROM contracts c WHERE c.unit_id = u.id AND c.status = 'live')"
        ))))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        let added = i64::try_from(added).unwrap_or(i64::MAX);
        if added == 0 {
            return Err(AppError::invalid("selection", "所选范围内没有已售（有生效合同）的房屋").into());
        }
        let slots = b.slots();
        for chunk in slots.chunks(200) {
            let mut qb = sqlx::QueryBuilder::<Sqlite>::new("INSERT INTO move_in_slots (batch_id, day, label, starts, ends, quota) ");
            qb.push_values(chunk, |mut q, s| {
                q.push_bind(id)
                    .push_bind(s.day.to_string())
                    .push_bind(s.label.clone())
                    .push_bind(s.starts.clone())
                    .push_bind(s.ends.clone())
                    .push_bind(i64::from(s.quota));
            });
            qb.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        audit::write::<(), _>(
            &mut tx,
            actor,
            "batch",
            id,
            "create",
            None,
            Some(&serde_json::json!({"name": b.name, "first_day": b.first_day, "last_day": b.last_day, "units": added, "slots": slots.len()})),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(BatchCreated {
            batch_id: id,
            units: added,
            slots: i64::try_from(slots.len()).unwrap_or(i64::MAX),
            unsold_skipped: selected - added,
        })
    }

    /// The project's batches with their counts.
    pub async fn batches(&self, project_id: i64) -> Result<Vec<Batch>> {
        let rows = sqlx::query(concat!(batch_select!(), " WHERE b.project_id = ? ORDER BY b.first_day, b.id"))
            .bind(project_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(batch_from).collect()
    }

    pub async fn batch(&self, id: i64) -> Result<Batch> {
        let r = sqlx::query(concat!(batch_select!(), " WHERE b.id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("入伙批次"))?;
        batch_from(&r)
    }

    /// A batch's slots with live booked counts.
    pub async fn slots(&self, batch_id: i64) -> Result<Vec<Slot>> {
        let rows = sqlx::query(
            "SELECT s.*, (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status IN ('booked', 'arrived')) AS booked
             FROM move_in_slots s WHERE s.batch_id = ? ORDER BY s.day, s.starts",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(slot_from).collect()
    }

    /// The units of a batch with their owners, status and booking; `phone_tail` decides whether
    /// phones come whole (`false`) or as their last four digits (`true`, masked by the caller).
    pub async fn batch_units(&self, batch_id: i64) -> Result<Vec<(BatchUnitRow, String)>> {
        let rows = sqlx::query(
            "SELECT mu.unit_id, mu.status, mu.version, u.number, u.floor, bl.name AS building_name,
                    (SELECT group_concat(name, '、') FROM (SELECT by.name FROM contracts c JOIN contract_parties cp ON cp.contract_id = c.id
                        JOIN buyers by ON by.id = cp.buyer_id WHERE c.unit_id = u.id AND c.status = 'live' ORDER BY cp.position)) AS owners,
                    (SELECT by.phone FROM contracts c JOIN contract_parties cp ON cp.contract_id = c.id JOIN buyers by ON by.id = cp.buyer_id
                        WHERE c.unit_id = u.id AND c.status = 'live' ORDER BY cp.position LIMIT 1) AS phone,
                    a.status AS appt_status, s.day, s.label, s.starts, s.ends,
                    EXISTS (SELECT 1 FROM notice_deliveries d WHERE d.unit_id = u.id) AS delivered_notice,
                    (SELECT COUNT(*) FROM move_in_steps st WHERE st.unit_id = u.id AND st.undone_at IS NULL) AS steps_done
             FROM move_in_units mu JOIN units u ON u.id = mu.unit_id JOIN buildings bl ON bl.id = u.building_id
             LEFT JOIN appointments a ON a.unit_id = u.id AND a.status IN ('booked', 'arrived')
             LEFT JOIN move_in_slots s ON s.id = a.slot_id
             WHERE mu.batch_id = ? ORDER BY bl.name, u.floor, u.number",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let day: Option<String> = get(r, "day")?;
                let slot_text = match day {
                    Some(d) => Some(format!(
                        "{d} {} {}–{}",
                        get::<String>(r, "label")?,
                        get::<String>(r, "starts")?,
                        get::<String>(r, "ends")?
                    )),
                    None => None,
                };
                let appt: Option<String> = get(r, "appt_status")?;
                Ok((
                    BatchUnitRow {
                        unit_id: get(r, "unit_id")?,
                        building_name: get(r, "building_name")?,
                        number: get(r, "number")?,
                        floor: get(r, "floor")?,
                        owner_names: get::<Option<String>>(r, "owners")?.unwrap_or_default(),
                        phone_masked: String::new(),
                        status: code(r, "status", MoveInStatus::parse)?,
                        slot_text,
                        appointment_status: appt.as_deref().and_then(AppointmentStatus::parse),
                        delivered_notice: get(r, "delivered_notice")?,
                        steps_done: get(r, "steps_done")?,
                        version: get(r, "version")?,
                    },
                    get::<Option<String>>(r, "phone")?.unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// The unit's move-in row.
    ///
    /// Errors: `NotFound` when the unit is in no batch.
    pub async fn move_in_row(&self, unit_id: i64) -> Result<MoveInRow> {
        let r = sqlx::query(
            "SELECT mu.*, b.name AS batch_name, b.project_id FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE mu.unit_id = ?",
        )
        .bind(unit_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or_else(|| AppError::not_found("该房屋的入伙安排（尚未加入任何批次）"))?;
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

    // ─────────────── bookings ───────────────

    /// Book a unit into a slot. With `rebook`, an existing booking is cancelled and the new one
    /// refers to it; without, an existing booking is refused.
    ///
    /// Errors: `Conflict` (slot full, already booked, already arrived, slot of another batch),
    /// `NotFound`.
    pub async fn book(&self, actor: &Actor, unit_id: i64, slot_id: i64, note: &str, rebook: bool) -> Result<i64> {
        let mut tx = self.write().await?;
        let slot = sqlx::query(
            "SELECT s.*, (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status IN ('booked', 'arrived')) AS booked
             FROM move_in_slots s WHERE s.id = ?",
        )
        .bind(slot_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| AppError::not_found("预约时段"))?;
        let slot = slot_from(&slot)?;
        let batch: Option<i64> = sqlx::query_scalar("SELECT batch_id FROM move_in_units WHERE unit_id = ?")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        match batch {
            None => return Err(AppError::not_found("该房屋的入伙安排（尚未加入任何批次）").into()),
            Some(b) if b != slot.batch_id => return Err(AppError::conflict_on("slot_id", "该时段不属于此房屋所在的批次").into()),
            _ => {}
        }
        let existing = sqlx::query("SELECT id, status FROM appointments WHERE unit_id = ? AND status IN ('booked', 'arrived')")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let mut rebooked_from = None;
        if let Some(e) = existing {
            let status: String = get(&e, "status")?;
            let eid: i64 = get(&e, "id")?;
            if status == "arrived" {
                return Err(AppError::conflict("业主已到场办理，不能再预约").into());
            }
            if !rebook {
                return Err(AppError::conflict_on("slot_id", "该房屋已有预约；如需更换时段，请使用“改约”").into());
            }
            sqlx::query("UPDATE appointments SET status = 'cancelled', closed_at = ? WHERE id = ?")
                .bind(&actor.at)
                .bind(eid)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            rebooked_from = Some(eid);
        }
        if slot.booked >= slot.quota {
            return Err(AppError::conflict_on(
                "slot_id",
                format!("{} 已约满（{}/{}），请选择其他时段", slot.text(), slot.booked, slot.quota),
            )
            .into());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appointments (slot_id, unit_id, status, note, booked_at, booked_by, rebooked_from)
             VALUES (?, ?, 'booked', ?, ?, ?, ?) RETURNING id",
        )
        .bind(slot_id)
        .bind(unit_id)
        .bind(note)
        .bind(&actor.at)
        .bind(&actor.username)
        .bind(rebooked_from)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "unit",
            unit_id,
            if rebooked_from.is_some() { "rebook" } else { "book" },
            None,
            Some(&serde_json::json!({"slot": slot.text(), "note": note})),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    /// Close the unit's live booking as cancelled or no-show.
    ///
    /// Errors: `NotFound` (no booking), `Conflict` (the owner has already arrived).
    pub async fn close_booking(&self, actor: &Actor, unit_id: i64, status: AppointmentStatus) -> Result<()> {
        let mut tx = self.write().await?;
        let e = sqlx::query("SELECT id, status FROM appointments WHERE unit_id = ? AND status IN ('booked', 'arrived')")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("该房屋的有效预约"))?;
        if get::<String>(&e, "status")? == "arrived" {
            return Err(AppError::conflict("业主已到场，不能取消或记为未到").into());
        }
        sqlx::query("UPDATE appointments SET status = ?, closed_at = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(&actor.at)
            .bind(get::<i64>(&e, "id")?)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        audit::write::<(), ()>(&mut tx, actor, "unit", unit_id, status.as_str(), None, None).await?;
        tx.commit().await.map_err(db_err)
    }

    /// The unit's bookings, newest first.
    pub async fn appointments(&self, unit_id: i64) -> Result<Vec<Appointment>> {
        let rows = sqlx::query(
            "SELECT a.*, s.day, s.label, s.starts, s.ends FROM appointments a JOIN move_in_slots s ON s.id = a.slot_id
             WHERE a.unit_id = ? ORDER BY a.id DESC",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Appointment {
                    id: get(r, "id")?,
                    slot_id: get(r, "slot_id")?,
                    unit_id,
                    slot_text: format!(
                        "{} {} {}–{}",
                        get::<String>(r, "day")?,
                        get::<String>(r, "label")?,
                        get::<String>(r, "starts")?,
                        get::<String>(r, "ends")?
                    ),
                    status: code(r, "status", AppointmentStatus::parse)?,
                    booked_at: get(r, "booked_at")?,
                    booked_by: get(r, "booked_by")?,
                    note: get(r, "note")?,
                    arrived_at: get(r, "arrived_at")?,
                })
            })
            .collect()
    }

    /// The owner has arrived at the desk: the booking (if any) becomes 已到场 and the unit's
    /// arrival time is set.
    ///
    /// Errors: `Stale` (version), `Conflict` (already delivered).
    pub async fn check_in(&self, actor: &Actor, unit_id: i64, version: i64) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE move_in_units SET arrived_at = ?, version = version + 1 WHERE unit_id = ? AND version = ? AND status != 'delivered'",
        )
        .bind(&actor.at)
        .bind(unit_id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if rows == 0 {
            let row = sqlx::query_scalar::<_, String>("SELECT status FROM move_in_units WHERE unit_id = ?")
                .bind(unit_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            if row.as_deref() == Some("delivered") {
                return Err(AppError::conflict("该房屋已交付").into());
            }
            not_stale(0, domain::record::Entity::MoveInUnit)?;
        }
        sqlx::query("UPDATE appointments SET status = 'arrived', arrived_at = ? WHERE unit_id = ? AND status = 'booked'")
            .bind(&actor.at)
            .bind(unit_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        audit::write::<(), ()>(&mut tx, actor, "unit", unit_id, "arrive", None, None).await?;
        tx.commit().await.map_err(db_err)
    }

    // ─────────────── notice deliveries ───────────────

    pub async fn record_delivery(&self, actor: &Actor, d: &DeliveryInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notice_deliveries (unit_id, channel, delivered_on, confirmed_by, note, recorded_at, recorded_by)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(d.unit_id)
        .bind(d.channel.as_str())
        .bind(d.delivered_on.to_string())
        .bind(&d.confirmed_by)
        .bind(&d.note)
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(&mut tx, actor, "unit", d.unit_id, "notice_delivered", None, Some(d)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    pub async fn deliveries(&self, unit_id: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query("SELECT * FROM notice_deliveries WHERE unit_id = ? ORDER BY id DESC")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    id: get(r, "id")?,
                    unit_id,
                    channel: code(r, "channel", DeliveryChannel::parse)?,
                    delivered_on: date(r, "delivered_on")?,
                    confirmed_by: get(r, "confirmed_by")?,
                    note: get(r, "note")?,
                    recorded_by: get(r, "recorded_by")?,
                })
            })
            .collect()
    }

    // ─────────────── the procedure ───────────────

    /// The unit's live step records.
    pub async fn steps(&self, unit_id: i64) -> Result<Vec<StepRecord>> {
        let rows = sqlx::query("SELECT * FROM move_in_steps WHERE unit_id = ? AND undone_at IS NULL ORDER BY id")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let data: String = get(r, "data")?;
                let data: StepData = serde_json::from_str(&data).map_err(AppError::internal)?;
                Ok(StepRecord {
                    id: get(r, "id")?,
                    summary: data.summary(),
                    data,
                    done_at: get(r, "done_at")?,
                    done_by: get(r, "done_by")?,
                })
            })
            .collect()
    }

    /// Record a step done and set the unit's status, checking the version the desk loaded.
    ///
    /// Errors: `Stale` (another desk changed the unit), `Conflict` (step already done; a key
    /// number handed to another unit), `Invalid` on `readings[i].reading` (lower than the
    /// meter's previous reading).
    pub async fn do_step(&self, actor: &Actor, unit_id: i64, version: i64, data: &StepData, status: MoveInStatus) -> Result<()> {
        let mut tx = self.write().await?;
        bump(&mut tx, actor, unit_id, version, status).await?;
        let kind = data.kind();
        let step_id: i64 =
            sqlx::query_scalar("INSERT INTO move_in_steps (unit_id, kind, data, done_at, done_by) VALUES (?, ?, ?, ?, ?) RETURNING id")
                .bind(unit_id)
                .bind(kind.as_str())
                .bind(json(data)?)
                .bind(&actor.at)
                .bind(&actor.username)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match db_err(e) {
                    crate::Error::Duplicate(_) => {
                        crate::Error::Refused(AppError::conflict(format!("“{}”已办理，不能重复办理", kind.label())))
                    }
                    e => e,
                })?;
        match data {
            StepData::Meters { readings } => {
                for (i, m) in readings.iter().enumerate() {
                    let previous: Vec<String> = sqlx::query_scalar("SELECT reading FROM meter_readings WHERE number = ?")
                        .bind(&m.number)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    let max = previous.iter().filter_map(|p| Decimal::from_str(p).ok()).max();
                    if let Some(max) = max.filter(|max| m.reading < *max) {
                        return Err(AppError::invalid(
                            format!("readings[{i}].reading"),
                            format!("{} {} 的读数 {} 低于上次读数 {}", m.kind.label(), m.number, m.reading, max),
                        )
                        .into());
                    }
                    sqlx::query("INSERT INTO meter_readings (unit_id, kind, number, reading, step_id, read_at) VALUES (?, ?, ?, ?, ?, ?)")
                        .bind(unit_id)
                        .bind(m.kind.as_str())
                        .bind(&m.number)
                        .bind(m.reading.to_string())
                        .bind(step_id)
                        .bind(&actor.at)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
            }
            StepData::Keys { keys } => {
                let project_id: i64 = sqlx::query_scalar("SELECT project_id FROM units WHERE id = ?")
                    .bind(unit_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                for line in keys {
                    for n in &line.numbers {
                        hand_key(&mut tx, actor, project_id, unit_id, &line.kind, n).await?;
                    }
                }
            }
            _ => {}
        }
        audit::write::<(), _>(&mut tx, actor, "unit", unit_id, "move_in_step", None, Some(data)).await?;
        tx.commit().await.map_err(db_err)
    }

    /// Undo a step (a manager, with a reason); keys it handed go back to the office.
    ///
    /// Errors: `Stale`, `NotFound` (the step is not done).
    pub async fn undo_step(
        &self,
        actor: &Actor,
        unit_id: i64,
        version: i64,
        kind: StepKind,
        reason: &str,
        status: MoveInStatus,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        bump(&mut tx, actor, unit_id, version, status).await?;
        let step = sqlx::query("SELECT id, data FROM move_in_steps WHERE unit_id = ? AND kind = ? AND undone_at IS NULL")
            .bind(unit_id)
            .bind(kind.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found(format!("已办理的“{}”", kind.label())))?;
        sqlx::query("UPDATE move_in_steps SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ?")
            .bind(&actor.at)
            .bind(&actor.username)
            .bind(reason)
            .bind(get::<i64>(&step, "id")?)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let data: StepData = serde_json::from_str(&get::<String>(&step, "data")?).map_err(AppError::internal)?;
        if let StepData::Keys { keys } = &data {
            for n in keys.iter().flat_map(|k| &k.numbers) {
                let key_id: Option<i64> = sqlx::query_scalar(
                    "UPDATE keys SET holder = 'office', updated_at = ?, version = version + 1
                     WHERE number = ? AND unit_id = ? AND holder = 'owner' RETURNING id",
                )
                .bind(&actor.at)
                .bind(n)
                .bind(unit_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
                if let Some(k) = key_id {
                    key_event(&mut tx, actor, k, KeyAction::Returned, "", &format!("撤销交钥匙：{reason}")).await?;
                }
            }
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
        tx.commit().await.map_err(db_err)
    }

    /// Put the unit on hold (暂缓) with a reason, or resume it (`reason` none) to `status`.
    ///
    /// Errors: `Stale`.
    pub async fn set_hold(&self, actor: &Actor, unit_id: i64, version: i64, reason: Option<&str>, status: MoveInStatus) -> Result<()> {
        let mut tx = self.write().await?;
        let rows =
            sqlx::query("UPDATE move_in_units SET status = ?, hold_reason = ?, version = version + 1 WHERE unit_id = ? AND version = ?")
                .bind(status.as_str())
                .bind(reason.unwrap_or(""))
                .bind(unit_id)
                .bind(version)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
        not_stale(rows, domain::record::Entity::MoveInUnit)?;
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
        tx.commit().await.map_err(db_err)
    }

    // ─────────────── keys ───────────────

    /// Register a key the office holds (a unit's spare, or a public key).
    ///
    /// Errors: `Conflict` on `number` (already registered in the project).
    pub async fn register_key(&self, actor: &Actor, k: &KeyInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO keys (project_id, number, kind, unit_id, label, holder, updated_at) VALUES (?, ?, ?, ?, ?, 'office', ?) RETURNING id",
        )
        .bind(k.project_id)
        .bind(&k.number)
        .bind(&k.kind)
        .bind(k.unit_id)
        .bind(&k.label)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            crate::Error::Duplicate(_) => crate::Error::Refused(AppError::conflict_on("number", format!("钥匙编号 {} 已登记", k.number))),
            e => e,
        })?;
        key_event(&mut tx, actor, id, KeyAction::Registered, "", &k.label).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    /// Check a key out, return it, or report it lost.
    ///
    /// Errors: `NotFound`; `Conflict` when the key is not where the action needs it (lending a
    /// key already out or handed to an owner; returning a key that is not out).
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
        let holder: String = sqlx::query_scalar("SELECT holder FROM keys WHERE id = ?")
            .bind(key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("钥匙"))?;
        let holder = KeyHolder::parse(&holder).ok_or_else(|| AppError::internal("holder"))?;
        let (allowed, to): (&[KeyHolder], KeyHolder) = match action {
            KeyAction::CheckedOut => (&[KeyHolder::Office], KeyHolder::Out),
            KeyAction::Returned => (&[KeyHolder::Out, KeyHolder::Lost], KeyHolder::Office),
            KeyAction::Lost => (&[KeyHolder::Office, KeyHolder::Out], KeyHolder::Lost),
            _ => return Err(AppError::invalid("action", "不支持的钥匙操作").into()),
        };
        if !allowed.contains(&holder) {
            return Err(AppError::conflict(format!("钥匙当前状态为“{}”，不能{}", holder.label(), action.label())).into());
        }
        let (out_to, out_reason, due) = if to == KeyHolder::Out {
            (person, reason, due_back.map(|d| d.to_string()))
        } else {
            ("", "", None)
        };
        sqlx::query(
            "UPDATE keys SET holder = ?, out_to = ?, out_reason = ?, due_back = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        )
        .bind(to.as_str())
        .bind(out_to)
        .bind(out_reason)
        .bind(due)
        .bind(&actor.at)
        .bind(key_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        key_event(&mut tx, actor, key_id, action, person, reason).await?;
        tx.commit().await.map_err(db_err)
    }

    /// The project's keys; `overdue_on` keeps only keys out past their due date on that day.
    pub async fn keys(&self, project_id: i64, overdue_on: Option<chrono::NaiveDate>) -> Result<Vec<KeyRecord>> {
        let rows = sqlx::query(
            "SELECT k.*, COALESCE(bl.name || ' ' || u.number, '') AS unit_label FROM keys k
             LEFT JOIN units u ON u.id = k.unit_id LEFT JOIN buildings bl ON bl.id = u.building_id
             WHERE k.project_id = ?1 AND (?2 IS NULL OR (k.holder = 'out' AND k.due_back < ?2))
             ORDER BY k.holder = 'owner', k.number",
        )
        .bind(project_id)
        .bind(overdue_on.map(|d| d.to_string()))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let due: Option<String> = get(r, "due_back")?;
                let due = due.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
                Ok(KeyRecord {
                    id: get(r, "id")?,
                    project_id,
                    number: get(r, "number")?,
                    kind: get(r, "kind")?,
                    unit_id: get(r, "unit_id")?,
                    unit_label: get(r, "unit_label")?,
                    label: get(r, "label")?,
                    holder: code(r, "holder", KeyHolder::parse)?,
                    out_to: get(r, "out_to")?,
                    out_reason: get(r, "out_reason")?,
                    due_back: due,
                    updated_at: get(r, "updated_at")?,
                    overdue_days: 0,
                })
            })
            .collect()
    }

    pub async fn key_events(&self, key_id: i64) -> Result<Vec<KeyEvent>> {
        let rows = sqlx::query("SELECT * FROM key_events WHERE key_id = ? ORDER BY id DESC")
            .bind(key_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(KeyEvent {
                    id: get(r, "id")?,
                    key_id,
                    action: code(r, "action", KeyAction::parse)?,
                    person: get(r, "person")?,
                    reason: get(r, "reason")?,
                    at: get(r, "at")?,
                    by: get(r, "by_user")?,
                })
            })
            .collect()
    }

    // ─────────────── board ───────────────

    /// Counts for the progress board. Times are compared as the local (UTC+8) text the desk
    /// wrote, so "today" is the first ten characters.
    pub async fn board(&self, project_id: i64, batch_id: Option<i64>, day: chrono::NaiveDate) -> Result<Board> {
        let day_s = day.to_string();
        let group = |key_sql: &str| {
            format!(
                "SELECT {key_sql} AS k, COUNT(*) AS units,
                    SUM(EXISTS (SELECT 1 FROM appointments a WHERE a.unit_id = mu.unit_id AND a.status IN ('booked', 'arrived'))) AS booked,
                    SUM(mu.status = 'in_progress') AS in_progress, SUM(mu.status = 'delivered') AS delivered,
                    SUM(mu.status = 'deferred') AS deferred
                 FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id JOIN units u ON u.id = mu.unit_id
                 JOIN buildings bl ON bl.id = u.building_id
                 WHERE b.project_id = ?1 AND (?2 IS NULL OR b.id = ?2) GROUP BY {key_sql} ORDER BY MIN(b.first_day), {key_sql}"
            )
        };
        let rows_of = |sql: String| async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(project_id)
                .bind(batch_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
            rows.iter()
                .map(|r| {
                    Ok(ProgressRow {
                        key: get(r, "k")?,
                        units: get(r, "units")?,
                        booked: get(r, "booked")?,
                        in_progress: get(r, "in_progress")?,
                        delivered: get(r, "delivered")?,
                        deferred: get(r, "deferred")?,
                        rate: String::new(),
                    }
                    .with_rate())
                })
                .collect::<Result<Vec<_>>>()
        };
        let by_batch = rows_of(group("b.name")).await?;
        let by_building = rows_of(group("bl.name")).await?;
        let mut total = ProgressRow {
            key: "合计".into(),
            ..ProgressRow::default()
        };
        for r in &by_batch {
            total.units += r.units;
            total.booked += r.booked;
            total.in_progress += r.in_progress;
            total.delivered += r.delivered;
            total.deferred += r.deferred;
        }
        let scope =
            "FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE b.project_id = ?1 AND (?2 IS NULL OR b.id = ?2)";
        let today = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT SUM(substr(mu.arrived_at, 1, 10) = ?3) AS arrived, SUM(substr(mu.delivered_at, 1, 10) = ?3) AS delivered,
                    SUM(substr(mu.arrived_at, 1, 10) = ?3 AND mu.status != 'delivered') AS waiting {scope}"
        )))
        .bind(project_id)
        .bind(batch_id)
        .bind(&day_s)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let times = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT mu.arrived_at, mu.delivered_at {scope} AND mu.status = 'delivered' AND mu.arrived_at IS NOT NULL"
        )))
        .bind(project_id)
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut minutes = Vec::with_capacity(times.len());
        for r in &times {
            let a: String = get(r, "arrived_at")?;
            let d: String = get(r, "delivered_at")?;
            if let (Ok(a), Ok(d)) = (chrono::DateTime::parse_from_rfc3339(&a), chrono::DateTime::parse_from_rfc3339(&d)) {
                minutes.push((d - a).num_minutes().max(0));
            }
        }
        let average_minutes = if minutes.is_empty() {
            None
        } else {
            Some(minutes.iter().sum::<i64>() / i64::try_from(minutes.len()).unwrap_or(1))
        };
        let per_day = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT substr(mu.delivered_at, 1, 10) AS d, COUNT(*) AS n {scope} AND mu.delivered_at IS NOT NULL GROUP BY d ORDER BY d"
        )))
        .bind(project_id)
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| Ok((get::<String>(r, "d")?, get::<i64>(r, "n")?)))
        .collect::<Result<Vec<_>>>()?;
        Ok(Board {
            project_id,
            batch_id,
            day,
            total: total.with_rate(),
            arrived_today: get::<Option<i64>>(&today, "arrived")?.unwrap_or(0),
            delivered_today: get::<Option<i64>>(&today, "delivered")?.unwrap_or(0),
            waiting_now: get::<Option<i64>>(&today, "waiting")?.unwrap_or(0),
            average_minutes,
            by_batch,
            by_building,
            per_day,
        })
    }
}

const SELECTED_TAKEN: &str = "FROM units u JOIN buildings bl ON bl.id = u.building_id
     JOIN move_in_units mu ON mu.unit_id = u.id JOIN move_in_batches mb ON mb.id = mu.batch_id
     WHERE u.project_id = ?1 AND (
       (u.building_id IN (SELECT value FROM json_each(?2))
         AND (?3 IS NULL OR u.floor >= ?3) AND (?4 IS NULL OR u.floor <= ?4))
       OR u.id IN (SELECT value FROM json_each(?5)))";

macro_rules! batch_select {
    () => {
        "SELECT b.*, p.name AS project_name,
            (SELECT COUNT(*) FROM move_in_units mu WHERE mu.batch_id = b.id) AS unit_count,
            (SELECT COUNT(*) FROM move_in_units mu WHERE mu.batch_id = b.id AND mu.status = 'delivered') AS delivered,
            (SELECT COUNT(*) FROM appointments a JOIN move_in_slots s ON s.id = a.slot_id WHERE s.batch_id = b.id AND a.status IN ('booked', 'arrived')) AS booked
         FROM move_in_batches b JOIN projects p ON p.id = b.project_id"
    };
}
use batch_select;

fn batch_from(r: &SqliteRow) -> Result<Batch> {
    Ok(Batch {
        id: get(r, "id")?,
        project_id: get(r, "project_id")?,
        project_name: get(r, "project_name")?,
        name: get(r, "name")?,
        first_day: date(r, "first_day")?,
        last_day: date(r, "last_day")?,
        place: get(r, "place")?,
        windows: u32::try_from(get::<i64>(r, "windows")?).unwrap_or(1),
        unit_count: get(r, "unit_count")?,
        delivered: get(r, "delivered")?,
        booked: get(r, "booked")?,
    })
}

fn slot_from(r: &SqliteRow) -> Result<Slot> {
    Ok(Slot {
        id: get(r, "id")?,
        batch_id: get(r, "batch_id")?,
        day: date(r, "day")?,
        label: get(r, "label")?,
        starts: get(r, "starts")?,
        ends: get(r, "ends")?,
        quota: u32::try_from(get::<i64>(r, "quota")?).unwrap_or(0),
        booked: u32::try_from(get::<i64>(r, "booked")?).unwrap_or(0),
    })
}

/// Check the unit's version, bump it, and set its status (with start/delivery times).
async fn bump(tx: &mut Transaction<'_, Sqlite>, actor: &Actor, unit_id: i64, version: i64, status: MoveInStatus) -> Result<()> {
    let rows = sqlx::query(
        "UPDATE move_in_units SET status = ?1, version = version + 1,
            started_at = COALESCE(started_at, CASE WHEN ?1 != 'not_started' THEN ?2 END),
            delivered_at = CASE WHEN ?1 = 'delivered' THEN COALESCE(delivered_at, ?2) ELSE NULL END,
            hold_reason = CASE WHEN ?1 = 'deferred' THEN hold_reason ELSE '' END
         WHERE unit_id = ?3 AND version = ?4",
    )
    .bind(status.as_str())
    .bind(&actor.at)
    .bind(unit_id)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    not_stale(rows, domain::record::Entity::MoveInUnit)?;
    // The unit record follows: 已交付 when the procedure completes, back to 已售 when undone.
    sqlx::query(
        "UPDATE units SET status = CASE WHEN ?1 = 'delivered' THEN 'delivered' ELSE 'sold' END, version = version + 1
         WHERE id = ?2 AND (status = 'delivered') != (?1 = 'delivered')",
    )
    .bind(status.as_str())
    .bind(unit_id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn hand_key(tx: &mut Transaction<'_, Sqlite>, actor: &Actor, project_id: i64, unit_id: i64, kind: &str, number: &str) -> Result<()> {
    let existing = sqlx::query(
        "SELECT k.id, k.unit_id, k.holder, COALESCE(bl.name || ' ' || u.number, k.label) AS owner_label FROM keys k
         LEFT JOIN units u ON u.id = k.unit_id LEFT JOIN buildings bl ON bl.id = u.building_id
         WHERE k.project_id = ? AND k.number = ?",
    )
    .bind(project_id)
    .bind(number)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let key_id = match existing {
        Some(k) => {
            let owner: Option<i64> = get(&k, "unit_id")?;
            let holder: String = get(&k, "holder")?;
            if owner != Some(unit_id) {
                return Err(AppError::conflict_on(
                    "keys",
                    format!("钥匙编号 {number} 属于 {}，不能交给本房屋", get::<String>(&k, "owner_label")?),
                )
                .into());
            }
            if holder != "office" {
                let h = KeyHolder::parse(&holder).map(|h| h.label()).unwrap_or("未知");
                return Err(AppError::conflict_on("keys", format!("钥匙编号 {number} 当前状态为“{h}”，不在物业处")).into());
            }
            let id: i64 = get(&k, "id")?;
            sqlx::query("UPDATE keys SET holder = 'owner', updated_at = ?, version = version + 1 WHERE id = ?")
                .bind(&actor.at)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            id
        }
        None => sqlx::query_scalar(
            "INSERT INTO keys (project_id, number, kind, unit_id, holder, updated_at) VALUES (?, ?, ?, ?, 'owner', ?) RETURNING id",
        )
        .bind(project_id)
        .bind(number)
        .bind(kind)
        .bind(unit_id)
        .bind(&actor.at)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?,
    };
    key_event(tx, actor, key_id, KeyAction::Handed, "", "入伙交付").await
}

async fn key_event(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &Actor,
    key_id: i64,
    action: KeyAction,
    person: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO key_events (key_id, action, person, reason, at, by_user) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(key_id)
        .bind(action.as_str())
        .bind(person)
        .bind(reason)
        .bind(&actor.at)
        .bind(&actor.username)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
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
