//! Bookings of slots and notice deliveries.

use super::*;
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Appointment {
    pub id: i64,
    pub slot_id: i64,
    pub unit_id: i64,
    pub slot_text: String,
    pub status: AppointmentStatus,
    pub booked_at: String,
    pub booked_by: String,
    pub note: String,
    pub arrived_at: Option<String>,
}

/// A record that a notice reached the owner: what the form sent, and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Delivery {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: DeliveryInput,
    pub recorded_by: String,
}

/// What the delivery form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryInput {
    pub unit_id: i64,
    pub channel: DeliveryChannel,
    #[ts(type = "string")]
    pub delivered_on: NaiveDate,
    /// Who confirmed receipt (the owner, a family member…).
    pub confirmed_by: String,
    pub note: String,
}

impl DeliveryInput {
    /// Errors: `Invalid` naming `delivered_on` (future) or `confirmed_by`.
    pub fn validate(&self, today: NaiveDate) -> Result<DeliveryInput> {
        if self.delivered_on > today {
            return Err(AppError::invalid("delivered_on", "送达日期不能晚于今天"));
        }
        let confirmed_by = self.confirmed_by.trim().to_string();
        if confirmed_by.is_empty() || confirmed_by.chars().count() > 30 {
            return Err(AppError::invalid("confirmed_by", "请填写签收/确认人（不超过 30 个字）"));
        }
        Ok(DeliveryInput {
            confirmed_by,
            note: self.note.trim().chars().take(200).collect(),
            ..self.clone()
        })
    }
}

// ───────────────────────────── booking decisions ─────────────────────────────

/// A unit's live booking (booked or arrived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveBooking {
    pub id: i64,
    pub slot_id: i64,
    pub status: AppointmentStatus,
}

/// What the store reads, inside the booking's transaction, to decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingSnapshot {
    /// The slot asked for, with its live booked count.
    pub slot: Slot,
    /// The batch the unit is in (none: in no batch).
    pub unit_batch: Option<i64>,
    pub live: Option<LiveBooking>,
}

/// What a booking writes besides the new appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingPlan {
    New,
    /// 改约: the live booking is cancelled (its place freed) and the new one refers to it.
    Rebook {
        cancel: i64,
        from_slot: i64,
    },
}

/// Decide a booking. The quota is checked here against the snapshot and again by the store's
/// conditional update of the slot's counter (which settles a race; see [`slot_full`]).
///
/// Errors: `NotFound` (the unit is in no batch); `Conflict` (a slot of another batch, the owner
/// already arrived, a second live booking without 改约, the slot full).
pub fn decide_booking(s: &BookingSnapshot, rebook: bool) -> Result<BookingPlan> {
    match s.unit_batch {
        None => return Err(AppError::not_found("该房屋的入伙安排（尚未加入任何批次）")),
        Some(b) if b != s.slot.batch_id => {
            return Err(AppError::conflict_on("slot_id", "该时段不属于此房屋所在的批次"));
        }
        Some(_) => {}
    }
    let plan = match s.live {
        Some(l) if l.status == AppointmentStatus::Arrived => {
            return Err(AppError::conflict("业主已到场办理，不能再预约"));
        }
        Some(_) if !rebook => {
            return Err(AppError::conflict_on("slot_id", "该房屋已有预约；如需更换时段，请使用“改约”"));
        }
        Some(l) => BookingPlan::Rebook {
            cancel: l.id,
            from_slot: l.slot_id,
        },
        None => BookingPlan::New,
    };
    if s.slot.booked >= s.slot.quota {
        return Err(slot_full(&s.slot));
    }
    Ok(plan)
}

/// The slot has no place left ("2026-12-05 上午 09:00–12:00 已约满（20/20）"). When the store's
/// conditional update finds it full, at least `quota` places are taken, which is what is shown.
pub fn slot_full(slot: &Slot) -> AppError {
    AppError::conflict_on(
        "slot_id",
        format!(
            "{} 已约满（{}/{}），请选择其他时段",
            slot.text(),
            slot.booked.max(slot.quota),
            slot.quota
        ),
    )
}

/// Close the unit's live booking as `to` (cancelled or no-show); returns the booking to close.
///
/// Errors: `NotFound` (no live booking), `Conflict` (the owner has arrived), `Invalid` on `status`.
pub fn decide_close(live: Option<&LiveBooking>, to: AppointmentStatus) -> Result<LiveBooking> {
    if !matches!(to, AppointmentStatus::Cancelled | AppointmentStatus::NoShow) {
        return Err(AppError::invalid("status", "只能取消预约或记为未到场"));
    }
    let l = live.ok_or_else(|| AppError::not_found("该房屋的有效预约"))?;
    if l.status == AppointmentStatus::Arrived {
        return Err(AppError::conflict("业主已到场，不能取消或记为未到"));
    }
    Ok(*l)
}
