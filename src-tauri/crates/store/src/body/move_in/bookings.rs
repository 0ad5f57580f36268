//! Bookings of slots, the owner's arrival, and notice deliveries.

use super::super::rows::{all, code, date, exec, get, optional};
use super::super::{audit, Imp, Tx};
use super::batches::slot_from;
use super::steps::unit_state;
use crate::{db_err, not_stale, Actor, Error, Result};
use domain::move_in::*;
use domain::record::Entity;

/// The unit's live booking (booked or arrived), if any.
async fn live_booking(tx: &mut Tx, unit_id: i64) -> Result<Option<LiveBooking>> {
    let q =
        sqlx::query("SELECT id, slot_id, status FROM appointments WHERE unit_id = $1 AND status IN ('booked', 'arrived')").bind(unit_id);
    optional(q, &mut **tx, |r| {
        Ok(LiveBooking {
            id: get(r, "id")?,
            slot_id: get(r, "slot_id")?,
            status: code(r, "status", AppointmentStatus::parse)?,
        })
    })
    .await
}

/// A place of the slot is given back (a booking cancelled, moved or not kept).
async fn free_place(tx: &mut Tx, slot_id: i64) -> Result<()> {
    exec(
        sqlx::query("UPDATE move_in_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0").bind(slot_id),
        &mut **tx,
    )
    .await?;
    Ok(())
}

impl Imp {
    /// Book a unit into a slot, as [`decide_booking`] decides from the rows read in this
    /// transaction. With `rebook` (a rebooking) the live booking is cancelled and the new one refers to
    /// it. The place is taken by a conditional update of the slot's counter, so two desks (or
    /// servers) booking the last place at once cannot both get it.
    ///
    /// Errors: `NotFound(Slot)`; the rule's refusals (unit in no batch, slot of another batch,
    /// owner arrived, a second live booking, slot full — the last also when a concurrent booking
    /// took the place); `Duplicate(LiveBooking)` when a concurrent booking of the unit won.
    pub async fn book(&self, actor: &Actor, unit_id: i64, slot_id: i64, note: &str, rebook: bool) -> Result<i64> {
        let mut tx = self.write().await?;
        let slot = sqlx::query("SELECT * FROM move_in_slots WHERE id = $1")
            .bind(slot_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Slot))?;
        let slot = slot_from(&slot)?;
        let unit_batch: Option<i64> = sqlx::query_scalar("SELECT batch_id FROM move_in_units WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let live = live_booking(&mut tx, unit_id).await?;
        let snapshot = BookingSnapshot { slot, unit_batch, live };
        let plan = decide_booking(&snapshot, rebook)?;
        let mut rebooked_from = None;
        if let BookingPlan::Rebook { cancel, from_slot } = plan {
            exec(
                sqlx::query("UPDATE appointments SET status = $1, closed_at = $2 WHERE id = $3")
                    .bind(AppointmentStatus::Cancelled.as_str())
                    .bind(&actor.at)
                    .bind(cancel),
                &mut *tx,
            )
            .await?;
            free_place(&mut tx, from_slot).await?;
            rebooked_from = Some(cancel);
        }
        let taken = exec(
            sqlx::query("UPDATE move_in_slots SET booked = booked + 1 WHERE id = $1 AND booked < quota").bind(slot_id),
            &mut *tx,
        )
        .await?;
        if taken == 0 {
            return Err(slot_full(&snapshot.slot).into());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appointments (slot_id, unit_id, status, note, booked_at, booked_by, rebooked_from)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(slot_id)
        .bind(unit_id)
        .bind(AppointmentStatus::Booked.as_str())
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
            Some(&serde_json::json!({"slot": snapshot.slot.text(), "note": note})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Close the unit's live booking as cancelled or no-show (see [`decide_close`]); its place
    /// is freed.
    ///
    /// Errors: the rule's `NotFound` (no live booking) or `Conflict` (the owner has arrived);
    /// `Stale(Booking)` when it changed meanwhile.
    pub async fn close_booking(&self, actor: &Actor, unit_id: i64, status: AppointmentStatus) -> Result<()> {
        let mut tx = self.write().await?;
        let live = live_booking(&mut tx, unit_id).await?;
        let b = decide_close(live.as_ref(), status)?;
        let rows = exec(
            sqlx::query("UPDATE appointments SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4")
                .bind(status.as_str())
                .bind(&actor.at)
                .bind(b.id)
                .bind(b.status.as_str()),
            &mut *tx,
        )
        .await?;
        not_stale(rows, Entity::Booking)?;
        free_place(&mut tx, b.slot_id).await?;
        audit::write::<(), ()>(&mut tx, actor, "unit", unit_id, status.as_str(), None, None).await?;
        tx.commit().await
    }

    /// The unit's bookings, newest first.
    pub async fn appointments(&self, unit_id: i64) -> Result<Vec<Appointment>> {
        all(
            sqlx::query(
                "SELECT a.*, s.day, s.label, s.starts, s.ends FROM appointments a JOIN move_in_slots s ON s.id = a.slot_id
             WHERE a.unit_id = $1 ORDER BY a.id DESC",
            )
            .bind(unit_id),
            &self.pool,
            |r| {
                Ok(Appointment {
                    id: get(r, "id")?,
                    slot_id: get(r, "slot_id")?,
                    unit_id,
                    slot_text: slot_text(
                        get::<String>(r, "day")?,
                        &get::<String>(r, "label")?,
                        &get::<String>(r, "starts")?,
                        &get::<String>(r, "ends")?,
                    ),
                    status: code(r, "status", AppointmentStatus::parse)?,
                    booked_at: get(r, "booked_at")?,
                    booked_by: get(r, "booked_by")?,
                    note: get(r, "note")?,
                    arrived_at: get(r, "arrived_at")?,
                })
            },
        )
        .await
    }

    /// The owner has arrived at the desk: the booking (if any) becomes arrived and the unit's
    /// arrival time is set (see [`check_in`]).
    ///
    /// Errors: `NotFound(MoveInUnit)`; the rule's `Conflict` (already delivered); `Stale(MoveInUnit)`.
    pub async fn check_in(&self, actor: &Actor, unit_id: i64, version: i64) -> Result<()> {
        let mut tx = self.write().await?;
        let (unit, _) = unit_state(&mut tx, unit_id).await?;
        check_in(unit.status)?;
        let rows = exec(
            sqlx::query("UPDATE move_in_units SET arrived_at = $1, version = version + 1 WHERE unit_id = $2 AND version = $3")
                .bind(&actor.at)
                .bind(unit_id)
                .bind(version),
            &mut *tx,
        )
        .await?;
        not_stale(rows, Entity::MoveInUnit)?;
        exec(
            sqlx::query("UPDATE appointments SET status = $1, arrived_at = $2 WHERE unit_id = $3 AND status = $4")
                .bind(AppointmentStatus::Arrived.as_str())
                .bind(&actor.at)
                .bind(unit_id)
                .bind(AppointmentStatus::Booked.as_str()),
            &mut *tx,
        )
        .await?;
        audit::write::<(), ()>(&mut tx, actor, "unit", unit_id, "arrive", None, None).await?;
        tx.commit().await
    }

    // ─────────────── notice deliveries ───────────────

    /// Record that a move-in notice reached the owner.
    ///
    /// Errors: `Reference` (no such unit).
    pub async fn record_delivery(&self, actor: &Actor, d: &DeliveryInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notice_deliveries (unit_id, channel, delivered_on, confirmed_by, note, recorded_at, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
        tx.commit().await?;
        Ok(id)
    }

    /// The unit's notice deliveries, newest first.
    pub async fn deliveries(&self, unit_id: i64) -> Result<Vec<Delivery>> {
        all(
            sqlx::query("SELECT * FROM notice_deliveries WHERE unit_id = $1 ORDER BY id DESC").bind(unit_id),
            &self.pool,
            |r| {
                Ok(Delivery {
                    id: get(r, "id")?,
                    input: DeliveryInput {
                        unit_id,
                        channel: code(r, "channel", DeliveryChannel::parse)?,
                        delivered_on: date(r, "delivered_on")?,
                        confirmed_by: get(r, "confirmed_by")?,
                        note: get(r, "note")?,
                    },
                    recorded_by: get(r, "recorded_by")?,
                })
            },
        )
        .await
    }
}
