//! Batches, their units and their slots.

use super::super::rows::{all, code, date, get};
use super::super::{audit, refresh_statistics, Imp, Tx};
use super::super::{Db, DbRow};
use super::push_in;
use crate::types::BatchCreated;
use crate::{db_err, Actor, Error, Result};
use domain::move_in::*;
use domain::record::Entity;
use sqlx::QueryBuilder;
use std::collections::HashMap;

const BATCH_SELECT: &str = "SELECT b.*, p.name AS project_name,
    (SELECT COUNT(*) FROM move_in_units mu WHERE mu.batch_id = b.id) AS unit_count,
    (SELECT COUNT(*) FROM move_in_units mu WHERE mu.batch_id = b.id AND mu.status = 'delivered') AS delivered,
    (SELECT COUNT(*) FROM appointments a JOIN move_in_slots s ON s.id = a.slot_id
       WHERE s.batch_id = b.id AND a.status IN ('booked', 'arrived')) AS booked
 FROM move_in_batches b JOIN projects p ON p.id = b.project_id";

impl Imp {
    /// Create a batch with its units (the sold units of the selection, see
    /// [`batch_members`]) and its slots, in one transaction.
    ///
    /// Errors: `Duplicate(BatchName)`; the rule's `Conflict` on `selection` (units already in
    /// another batch) or `Invalid` on `selection` (no sold unit selected).
    pub async fn create_batch(&self, actor: &Actor, b: &BatchInput) -> Result<BatchCreated> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO move_in_batches (project_id, name, first_day, last_day, place, windows, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
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
        .map_err(db_err)?;
        let selected = selected_units(&mut tx, b.project_id, &b.selection).await?;
        let members = batch_members(&selected)?;
        for chunk in members.unit_ids.chunks(300) {
            let mut qb = QueryBuilder::<Db>::new("INSERT INTO move_in_units (unit_id, batch_id, status) ");
            qb.push_values(chunk, |mut q, unit_id| {
                q.push_bind(*unit_id).push_bind(id).push_bind(MoveInStatus::NotStarted.as_str());
            });
            qb.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        let slots = b.slots();
        for chunk in slots.chunks(200) {
            let mut qb = QueryBuilder::<Db>::new("INSERT INTO move_in_slots (batch_id, day, label, starts, ends, quota) ");
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
        let units = i64::try_from(members.unit_ids.len()).unwrap_or(i64::MAX);
        let slots = i64::try_from(slots.len()).unwrap_or(i64::MAX);
        audit::write::<(), _>(
            &mut tx,
            actor,
            "batch",
            id,
            "create",
            None,
            Some(&serde_json::json!({"name": b.name, "first_day": b.first_day, "last_day": b.last_day, "units": units, "slots": slots})),
        )
        .await?;
        tx.commit().await?;
        // A batch adds up to thousands of units at once: the board and batch lists plan from them.
        refresh_statistics(&self.pool, &[], &["move_in_batches", "move_in_units", "move_in_slots"]).await;
        Ok(BatchCreated {
            batch_id: id,
            units,
            slots,
            unsold_skipped: members.unsold_skipped,
        })
    }

    /// The project's batches with their counts.
    pub async fn batches(&self, project_id: i64) -> Result<Vec<Batch>> {
        let sql = format!("{BATCH_SELECT} WHERE b.project_id = $1 ORDER BY b.first_day, b.id");
        all(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(project_id), &self.pool, batch_from).await
    }

    /// Errors: `NotFound(MoveInBatch)`.
    pub async fn batch(&self, id: i64) -> Result<Batch> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{BATCH_SELECT} WHERE b.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::MoveInBatch))?;
        batch_from(&r)
    }

    /// A batch's slots with their live booked counts.
    pub async fn slots(&self, batch_id: i64) -> Result<Vec<Slot>> {
        all(
            sqlx::query("SELECT * FROM move_in_slots WHERE batch_id = $1 ORDER BY day, starts").bind(batch_id),
            &self.pool,
            slot_from,
        )
        .await
    }

    /// The units of a batch with their owners, status and booking, each with the first owner's
    /// phone in full (the caller masks it for roles that may not see it).
    pub async fn batch_units(&self, batch_id: i64) -> Result<Vec<(BatchUnitRow, String)>> {
        let rows = sqlx::query(
            "SELECT mu.unit_id, mu.status, mu.version, u.number, u.floor, bl.name AS building_name,
                    a.status AS appt_status, s.day, s.label, s.starts, s.ends,
                    CASE WHEN EXISTS (SELECT 1 FROM notice_deliveries d WHERE d.unit_id = u.id) THEN TRUE ELSE FALSE END AS delivered_notice,
                    (SELECT COUNT(*) FROM move_in_steps st WHERE st.unit_id = u.id AND st.undone_at IS NULL) AS steps_done
             FROM move_in_units mu JOIN units u ON u.id = mu.unit_id JOIN buildings bl ON bl.id = u.building_id
             LEFT JOIN appointments a ON a.unit_id = u.id AND a.status IN ('booked', 'arrived')
             LEFT JOIN move_in_slots s ON s.id = a.slot_id
             WHERE mu.batch_id = $1 ORDER BY bl.name, u.floor, u.number",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let owners = sqlx::query(
            "SELECT c.unit_id, by.name, by.phone FROM move_in_units mu
             JOIN contracts c ON c.unit_id = mu.unit_id AND c.status = 'live'
             JOIN contract_parties cp ON cp.contract_id = c.id JOIN buyers by ON by.id = cp.buyer_id
             WHERE mu.batch_id = $1 ORDER BY c.unit_id, cp.position",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut by_unit: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for r in &owners {
            by_unit
                .entry(get(r, "unit_id")?)
                .or_default()
                .push((get(r, "name")?, get(r, "phone")?));
        }
        rows.iter()
            .map(|r| {
                let unit_id: i64 = get(r, "unit_id")?;
                let slot_text = match get::<Option<String>>(r, "day")? {
                    Some(d) => Some(slot_text(
                        d,
                        &get::<String>(r, "label")?,
                        &get::<String>(r, "starts")?,
                        &get::<String>(r, "ends")?,
                    )),
                    None => None,
                };
                let appt: Option<String> = get(r, "appt_status")?;
                let owners = by_unit.remove(&unit_id).unwrap_or_default();
                let names: Vec<String> = owners.iter().map(|(n, _)| n.clone()).collect();
                let phone = owners.into_iter().next().map(|(_, p)| p).unwrap_or_default();
                Ok((
                    BatchUnitRow {
                        unit_id,
                        building_name: get(r, "building_name")?,
                        number: get(r, "number")?,
                        label: domain::unit_label::unit_label(&get::<String>(r, "building_name")?, &get::<String>(r, "number")?),
                        floor: super::super::rows::int(r, "floor")?,
                        owner_names: owner_names(&names),
                        phone_masked: String::new(),
                        status: code(r, "status", MoveInStatus::parse)?,
                        slot_text,
                        appointment_status: appt.as_deref().and_then(AppointmentStatus::parse),
                        delivered_notice: get::<bool>(r, "delivered_notice")?,
                        steps_done: get(r, "steps_done")?,
                        version: get(r, "version")?,
                    },
                    phone,
                ))
            })
            .collect()
    }
}

/// The units a selection covers (whole buildings, optionally a floor range, plus picked units),
/// each with whether it is sold and the batch it is already in.
async fn selected_units(tx: &mut Tx, project_id: i64, sel: &UnitSelection) -> Result<Vec<SelectedUnit>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT u.id, u.number, bl.name AS building_name, mb.name AS in_batch,
                CASE WHEN EXISTS (SELECT 1 FROM contracts c WHERE c.unit_id = u.id AND c.status = 'live') THEN TRUE ELSE FALSE END AS sold
         FROM units u JOIN buildings bl ON bl.id = u.building_id
         LEFT JOIN move_in_units mu ON mu.unit_id = u.id LEFT JOIN move_in_batches mb ON mb.id = mu.batch_id
         WHERE u.project_id = ",
    );
    qb.push_bind(project_id).push(" AND ((");
    push_in(&mut qb, "u.building_id", &sel.building_ids);
    if let Some(f) = sel.floor_from {
        qb.push(" AND u.floor >= ").push_bind(i64::from(f));
    }
    if let Some(f) = sel.floor_to {
        qb.push(" AND u.floor <= ").push_bind(i64::from(f));
    }
    qb.push(") OR ");
    push_in(&mut qb, "u.id", &sel.unit_ids);
    qb.push(") ORDER BY bl.name, u.floor, u.number");
    let rows = qb.build().fetch_all(&mut **tx).await.map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(SelectedUnit {
                unit_id: get(r, "id")?,
                building_name: get(r, "building_name")?,
                number: get(r, "number")?,
                sold: get::<bool>(r, "sold")?,
                in_batch: get(r, "in_batch")?,
            })
        })
        .collect()
}

fn batch_from(r: &DbRow) -> Result<Batch> {
    Ok(Batch {
        id: get(r, "id")?,
        project_id: get(r, "project_id")?,
        project_name: get(r, "project_name")?,
        name: get(r, "name")?,
        first_day: date(r, "first_day")?,
        last_day: date(r, "last_day")?,
        place: get(r, "place")?,
        windows: get(r, "windows")?,
        unit_count: get(r, "unit_count")?,
        delivered: get(r, "delivered")?,
        booked: get(r, "booked")?,
    })
}

pub(crate) fn slot_from(r: &DbRow) -> Result<Slot> {
    Ok(Slot {
        id: get(r, "id")?,
        batch_id: get(r, "batch_id")?,
        day: date(r, "day")?,
        label: get(r, "label")?,
        starts: get(r, "starts")?,
        ends: get(r, "ends")?,
        quota: get(r, "quota")?,
        booked: get(r, "booked")?,
    })
}
