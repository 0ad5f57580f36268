//! A unit at the desk: its steps, its views, and the rules of doing and undoing a step.

use super::*;
use crate::{AppError, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A step done (or not yet) on a unit, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepView {
    pub kind: StepKind,
    pub enabled: bool,
    /// The reason it cannot be done yet.
    pub blocked_by: Option<String>,
    pub done: Option<StepRecord>,
}

/// A step as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepRecord {
    pub id: i64,
    pub data: StepData,
    /// One line for the desk and the audit ("面积差价 -123.45 元，已结清，收据 SJ-001").
    pub summary: String,
    pub done_at: String,
    pub done_by: String,
}

/// A unit in a batch: the desk's one screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MoveInUnit {
    pub unit_id: i64,
    pub batch_id: i64,
    pub batch_name: String,
    pub project_id: i64,
    pub project_name: String,
    pub building_name: String,
    pub number: String,
    /// "1栋 1-101" ([`crate::unit_label::unit_label`]).
    pub label: String,
    pub floor: i32,
    #[ts(type = "string")]
    pub gross_area: Decimal,
    pub surveyed: bool,
    pub contract_number: Option<String>,
    /// Owners' names; phones and ID numbers masked unless the role may see them.
    pub owners: Vec<crate::model::Buyer>,
    pub status: MoveInStatus,
    pub hold_reason: String,
    pub version: i64,
    pub appointment: Option<Appointment>,
    pub deliveries: Vec<Delivery>,
    pub steps: Vec<StepView>,
    /// Amounts due from the project's fee configuration.
    pub amounts_due: Vec<AmountDueView>,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// An amount due at move-in for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AmountDueView {
    pub name: String,
    pub basis: String,
    /// None when it cannot be computed (no saved quote for the maintenance fund).
    #[ts(type = "string | null")]
    pub amount: Option<Decimal>,
    /// The amount as shown ("1,234.50"), when there is one.
    pub amount_display: Option<String>,
}

/// A row of the batch's unit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchUnitRow {
    pub unit_id: i64,
    pub building_name: String,
    pub number: String,
    /// "1栋 1-101" ([`crate::unit_label::unit_label`]).
    pub label: String,
    pub floor: i32,
    pub owner_names: String,
    pub phone_masked: String,
    pub status: MoveInStatus,
    pub slot_text: Option<String>,
    pub appointment_status: Option<AppointmentStatus>,
    pub delivered_notice: bool,
    pub steps_done: i64,
    pub version: i64,
}

/// The owners' names as one line of the batch list ("王伟、李娜").
pub fn owner_names(names: &[String]) -> String {
    names.join("、")
}

// ───────────────────────────── the unit's state ─────────────────────────────

/// A unit's move-in state as the store reads it inside a write's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitState {
    pub status: MoveInStatus,
    pub hold_reason: String,
    pub version: i64,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
}

impl UnitState {
    /// The state after the status becomes `to` at `at` (RFC 3339): started at the first change
    /// away from 未交付, delivered when the procedure completes (cleared when a step is undone),
    /// a hold reason kept only while on hold.
    pub fn moved_to(&self, to: MoveInStatus, at: &str) -> UnitState {
        UnitState {
            status: to,
            hold_reason: if to == MoveInStatus::Deferred {
                self.hold_reason.clone()
            } else {
                String::new()
            },
            version: self.version,
            started_at: self
                .started_at
                .clone()
                .or_else(|| (to != MoveInStatus::NotStarted).then(|| at.to_string())),
            delivered_at: if to == MoveInStatus::Delivered {
                Some(self.delivered_at.clone().unwrap_or_else(|| at.to_string()))
            } else {
                None
            },
        }
    }
}

/// The unit record's status while its move-in has `status`: 已交付 when delivered, else 已售.
pub fn unit_status_for(status: MoveInStatus) -> crate::model::UnitStatus {
    if status == MoveInStatus::Delivered {
        crate::model::UnitStatus::Delivered
    } else {
        crate::model::UnitStatus::Sold
    }
}

/// The owner checks in at the desk.
///
/// Errors: `Conflict` when the unit is already delivered.
pub fn check_in(status: MoveInStatus) -> Result<()> {
    if status == MoveInStatus::Delivered {
        return Err(AppError::conflict("该房屋已交付"));
    }
    Ok(())
}

// ───────────────────────────── doing and undoing steps ─────────────────────────────

/// Doing step `kind` on a unit whose done steps are `done`: the unit's new status.
///
/// Errors: `Conflict` (on hold, already done, blocked by an earlier step, the reason named);
/// `Invalid` on `kind` (not enabled for the project).
pub fn plan_step(config: &ProcedureConfig, unit: &UnitState, done: &[StepKind], kind: StepKind) -> Result<MoveInStatus> {
    if unit.status == MoveInStatus::Deferred {
        return Err(AppError::conflict(format!("该房屋暂缓交付（{}），请先恢复办理", unit.hold_reason)));
    }
    if !config.enabled(kind) {
        return Err(AppError::invalid("kind", format!("本项目未启用“{}”步骤", kind.label())));
    }
    if done.contains(&kind) {
        return Err(step_done_twice(kind));
    }
    if let Some(reason) = config.blocked_by(kind, done) {
        return Err(AppError::conflict(format!("暂不能办理“{}”：{}", kind.label(), reason)));
    }
    let mut after = done.to_vec();
    after.push(kind);
    Ok(config.status(&after))
}

/// "“核验身份”已办理，不能重复办理" (also what the store's one-live-step rule means).
pub fn step_done_twice(kind: StepKind) -> AppError {
    AppError::conflict(format!("“{}”已办理，不能重复办理", kind.label()))
}

/// Undoing step `kind`: the unit's new status (a unit on hold stays on hold).
///
/// Errors: `NotFound` when the step is not done.
pub fn plan_undo(config: &ProcedureConfig, unit: &UnitState, done: &[StepKind], kind: StepKind) -> Result<MoveInStatus> {
    if !done.contains(&kind) {
        return Err(AppError::not_found(format!("已办理的“{}”", kind.label())));
    }
    if unit.status == MoveInStatus::Deferred {
        return Ok(MoveInStatus::Deferred);
    }
    let rest: Vec<StepKind> = done.iter().copied().filter(|k| *k != kind).collect();
    Ok(config.status(&rest))
}

/// Putting a unit on hold (`reason` given) or resuming it: its new status.
///
/// Errors: `Conflict` when a delivered unit would be put on hold.
pub fn plan_hold(config: &ProcedureConfig, unit: &UnitState, done: &[StepKind], reason: Option<&str>) -> Result<MoveInStatus> {
    match reason {
        Some(_) if unit.status == MoveInStatus::Delivered => Err(AppError::conflict("该房屋已交付，不能暂缓")),
        Some(_) => Ok(MoveInStatus::Deferred),
        None => Ok(config.status(done)),
    }
}

/// A hold reason as the form sends it (none: resume).
///
/// Errors: `Invalid` on `reason` (empty or over 200 characters).
pub fn hold_reason(reason: Option<&str>) -> Result<Option<String>> {
    match reason.map(str::trim) {
        Some(r) if r.is_empty() || r.chars().count() > 200 => Err(AppError::invalid("reason", "请填写暂缓原因（不超过 200 字）")),
        r => Ok(r.map(str::to_string)),
    }
}

/// Why a step is undone.
///
/// Errors: `Invalid` on `reason` (empty or over 200 characters).
pub fn undo_reason(reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > 200 {
        return Err(AppError::invalid("reason", "请填写撤销原因（不超过 200 字）"));
    }
    Ok(r.to_string())
}

/// A meter's base reading never goes backwards: each reading must be at least the highest one
/// recorded before for the same meter number (`previous`: number and reading, any order).
///
/// Errors: `Invalid` on `readings[i].reading`, naming the meter and the previous reading.
pub fn check_meter_readings(readings: &[MeterReading], previous: &[(String, Decimal)]) -> Result<()> {
    for (i, m) in readings.iter().enumerate() {
        let max = previous.iter().filter(|(n, _)| *n == m.number).map(|(_, r)| *r).max();
        if let Some(max) = max.filter(|max| m.reading < *max) {
            return Err(AppError::invalid(
                format!("readings[{i}].reading"),
                format!("{} {} 的读数 {} 低于上次读数 {}", m.kind.label(), m.number, m.reading, max),
            ));
        }
    }
    Ok(())
}
