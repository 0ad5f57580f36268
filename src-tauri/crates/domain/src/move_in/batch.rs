//! Batches of units and their dated appointment slots.

use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use chrono::NaiveTime;

/// One appointment period of a day ("上午 09:00–12:00", quota 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodPlan {
    pub label: String,
    /// "09:00".
    pub starts: String,
    pub ends: String,
    pub quota: u32,
}

/// Which units of the project a batch takes: whole buildings, optionally a floor range, plus units
/// picked from the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitSelection {
    pub building_ids: Vec<i64>,
    pub floor_from: Option<i32>,
    pub floor_to: Option<i32>,
    pub unit_ids: Vec<i64>,
}

/// A batch as the planning form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchInput {
    pub project_id: i64,
    pub name: String,
    #[ts(type = "string")]
    pub first_day: NaiveDate,
    #[ts(type = "string")]
    pub last_day: NaiveDate,
    /// Where owners come ("会所一楼入伙大厅").
    pub place: String,
    /// Reception desks (windows) open.
    pub windows: u32,
    pub periods: Vec<PeriodPlan>,
    pub selection: UnitSelection,
}

/// A slot to create: a day and a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPlan {
    pub day: NaiveDate,
    pub label: String,
    pub starts: String,
    pub ends: String,
    pub quota: u32,
}

fn parse_time(field: &str, t: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| AppError::invalid(field, "时间格式应为 HH:MM，例如 09:00"))
}

impl BatchInput {
    /// Check the form; `today` refuses a batch that has already ended.
    ///
    /// Errors: `Invalid` naming `name`, `last_day`, `place`, `desks`, `periods[i].starts`…, `selection`.
    pub fn validate(&self, today: NaiveDate) -> Result<BatchInput> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(AppError::invalid("name", "批次名称不能为空，且不超过 40 个字"));
        }
        if self.last_day < self.first_day {
            return Err(AppError::invalid("last_day", "结束日期不能早于开始日期"));
        }
        if self.last_day < today {
            return Err(AppError::invalid("last_day", "结束日期已过"));
        }
        if (self.last_day - self.first_day).num_days() > 92 {
            return Err(AppError::invalid("last_day", "一个批次不超过 93 天"));
        }
        let place = self.place.trim().to_string();
        if place.chars().count() > 100 {
            return Err(AppError::invalid("place", "办理地点不超过 100 个字"));
        }
        if !(1..=50).contains(&self.windows) {
            return Err(AppError::invalid("windows", "接待窗口数应为 1–50"));
        }
        if self.periods.is_empty() {
            return Err(AppError::invalid("periods", "至少设置一个预约时段"));
        }
        let mut periods = Vec::new();
        for (i, p) in self.periods.iter().enumerate() {
            let label = p.label.trim().to_string();
            if label.is_empty() || label.chars().count() > 10 {
                return Err(AppError::invalid(
                    format!("periods[{i}].label"),
                    "时段名称不能为空，且不超过 10 个字",
                ));
            }
            let s = parse_time(&format!("periods[{i}].starts"), &p.starts)?;
            let e = parse_time(&format!("periods[{i}].ends"), &p.ends)?;
            if e <= s {
                return Err(AppError::invalid(format!("periods[{i}].ends"), "结束时间应晚于开始时间"));
            }
            if p.quota == 0 || p.quota > 1000 {
                return Err(AppError::invalid(format!("periods[{i}].quota"), "名额应为 1–1000"));
            }
            if periods.iter().any(|q: &PeriodPlan| q.label == label) {
                return Err(AppError::invalid(format!("periods[{i}].label"), "时段名称重复"));
            }
            periods.push(PeriodPlan {
                label,
                starts: s.format("%H:%M").to_string(),
                ends: e.format("%H:%M").to_string(),
                quota: p.quota,
            });
        }
        let sel = &self.selection;
        if sel.building_ids.is_empty() && sel.unit_ids.is_empty() {
            return Err(AppError::invalid("selection", "请选择楼栋或房屋"));
        }
        if let (Some(a), Some(b)) = (sel.floor_from, sel.floor_to) {
            if b < a {
                return Err(AppError::invalid("selection", "楼层范围的结束层不能低于起始层"));
            }
        }
        Ok(BatchInput {
            name,
            place,
            periods,
            ..self.clone()
        })
    }

    /// Every day × period of the batch.
    pub fn slots(&self) -> Vec<SlotPlan> {
        let mut out = Vec::new();
        let mut day = self.first_day;
        while day <= self.last_day {
            for p in &self.periods {
                out.push(SlotPlan {
                    day,
                    label: p.label.clone(),
                    starts: p.starts.clone(),
                    ends: p.ends.clone(),
                    quota: p.quota,
                });
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        out
    }
}

/// A batch as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Batch {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub name: String,
    #[ts(type = "string")]
    pub first_day: NaiveDate,
    #[ts(type = "string")]
    pub last_day: NaiveDate,
    pub place: String,
    pub windows: i64,
    pub unit_count: i64,
    pub delivered: i64,
    pub booked: i64,
}

/// A slot with its live remaining capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Slot {
    pub id: i64,
    pub batch_id: i64,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub label: String,
    pub starts: String,
    pub ends: String,
    pub quota: i64,
    pub booked: i64,
}

impl Slot {
    pub fn remaining(&self) -> i64 {
        (self.quota - self.booked).max(0)
    }
    /// "2026-12-05 上午 09:00–12:00".
    pub fn text(&self) -> String {
        slot_text(self.day, &self.label, &self.starts, &self.ends)
    }
}

/// A slot as lists and the audit name it: "2026-12-05 上午 09:00–12:00".
pub fn slot_text(day: impl std::fmt::Display, label: &str, starts: &str, ends: &str) -> String {
    format!("{day} {label} {starts}–{ends}")
}

// ───────────────────────────── batch membership ─────────────────────────────

/// A unit the batch's selection covers, as the store reads it inside the batch's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedUnit {
    pub unit_id: i64,
    pub building_name: String,
    pub number: String,
    /// It has a live contract (sold units join a batch; unsold ones are skipped).
    pub sold: bool,
    /// The batch it is already in, if any.
    pub in_batch: Option<String>,
}

/// The units a batch takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMembers {
    pub unit_ids: Vec<i64>,
    /// Selected units left out because they have no live contract.
    pub unsold_skipped: i64,
}

/// Which selected units join the batch: the sold ones, none of them in another batch.
///
/// Errors: `Conflict` on `selection` (units already in another batch, the first five named);
/// `Invalid` on `selection` (no sold unit selected).
pub fn batch_members(selected: &[SelectedUnit]) -> Result<BatchMembers> {
    let taken: Vec<&SelectedUnit> = selected.iter().filter(|u| u.in_batch.is_some()).collect();
    if !taken.is_empty() {
        let names: Vec<String> = taken
            .iter()
            .take(5)
            .map(|u| format!("{} {}（{}）", u.building_name, u.number, u.in_batch.as_deref().unwrap_or_default()))
            .collect();
        return Err(AppError::conflict_on(
            "selection",
            format!(
                "{} 套房屋已在其他批次：{}{}",
                taken.len(),
                names.join("、"),
                if taken.len() > 5 { "…" } else { "" }
            ),
        ));
    }
    let unit_ids: Vec<i64> = selected.iter().filter(|u| u.sold).map(|u| u.unit_id).collect();
    if unit_ids.is_empty() {
        return Err(AppError::invalid("selection", "所选范围内没有已售（有生效合同）的房屋"));
    }
    let unsold_skipped = i64::try_from(selected.len() - unit_ids.len()).unwrap_or(i64::MAX);
    Ok(BatchMembers { unit_ids, unsold_skipped })
}
