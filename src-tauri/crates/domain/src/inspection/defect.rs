//! Defects: raising one, the stored record, the view a list shows (overdue days and the actions
//! offered, as of a given day), the list's filters, and the overdue policy.

use super::{actions_from, ChecklistItem, DefectAction, DefectStatus, Severity};
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Raising a defect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectInput {
    pub inspection_id: i64,
    pub room: String,
    pub item: String,
    /// Three levels: 专业 / 部位 / 问题 ("土建 / 墙面 / 空鼓").
    pub category: [String; 3],
    pub severity: Severity,
    pub party: String,
    /// Defaults to today + the severity's days.
    #[ts(type = "string | null")]
    pub deadline: Option<NaiveDate>,
    pub description: String,
    /// A pin on the floor plan, in percent of width and height.
    pub pin: Option<(u8, u8)>,
    /// The photos, sent as their content by the page.
    pub photos: Vec<crate::image::Upload>,
}

impl DefectInput {
    /// Errors: `Invalid` naming `category`, `party`, `deadline` (in the past), `description`,
    /// `photos` (required by the checklist item and missing; more than 9), `pin`.
    pub fn validate(&self, today: NaiveDate, parties: &[String], item: &ChecklistItem) -> Result<DefectInput> {
        let category: Vec<String> = self.category.iter().map(|c| c.trim().to_string()).collect();
        if category.iter().any(|c| c.is_empty() || c.chars().count() > 20) {
            return Err(AppError::invalid(
                "category",
                "请填写三级分类（专业 / 部位 / 问题），每级不超过 20 字",
            ));
        }
        let party = self.party.trim().to_string();
        if !parties.contains(&party) {
            return Err(AppError::invalid("party", format!("责任单位应为：{}", parties.join("、"))));
        }
        let deadline = self.deadline.unwrap_or(today + chrono::Duration::days(self.severity.days()));
        if deadline < today {
            return Err(AppError::invalid("deadline", "整改期限不能早于今天"));
        }
        let description = self.description.trim().to_string();
        if description.is_empty() || description.chars().count() > 300 {
            return Err(AppError::invalid("description", "请描述问题（不超过 300 字）"));
        }
        if item.photo_required && self.photos.is_empty() {
            return Err(AppError::invalid(
                "photos",
                format!("“{} / {}”的问题须附照片", item.room, item.item),
            ));
        }
        if self.photos.len() > 9 {
            return Err(AppError::invalid("photos", "每个问题最多 9 张照片"));
        }
        if let Some((x, y)) = self.pin {
            if x > 100 || y > 100 {
                return Err(AppError::invalid("pin", "标注位置超出户型图"));
            }
        }
        Ok(DefectInput {
            category: [category[0].clone(), category[1].clone(), category[2].clone()],
            party,
            deadline: Some(deadline),
            description,
            ..self.clone()
        })
    }
}

/// A photo of a defect, stored by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Photo {
    pub id: i64,
    pub hash: String,
    pub file_name: String,
    pub bytes: i64,
}

/// A defect as lists show it: the stored record and what depends on the day it is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Defect {
    #[serde(flatten)]
    #[ts(flatten)]
    pub record: DefectRecord,
    /// Days past the deadline while open (0 when not overdue).
    pub overdue_days: i64,
    /// What the workflow offers next (see [`actions_from`]).
    pub actions: Vec<DefectAction>,
}

/// A defect as stored: everything but what depends on the day it is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectRecord {
    pub id: i64,
    pub unit_id: i64,
    pub unit_label: String,
    pub inspection_id: i64,
    pub room: String,
    pub item: String,
    pub category: [String; 3],
    pub severity: Severity,
    pub party: String,
    #[ts(type = "string")]
    pub deadline: NaiveDate,
    pub description: String,
    pub pin: Option<(u8, u8)>,
    pub status: DefectStatus,
    pub raised_at: String,
    pub raised_by: String,
    pub fixed_by: Option<String>,
    pub fixed_at: Option<String>,
    pub closed_at: Option<String>,
    pub reopened: i64,
    pub photos: Vec<Photo>,
    pub version: i64,
}

impl DefectRecord {
    /// The defect as shown on `today`: its overdue days and the actions offered.
    pub fn view(self, today: NaiveDate) -> Defect {
        Defect {
            overdue_days: overdue_days(self.status, self.deadline, today),
            actions: actions_from(self.status),
            record: self,
        }
    }
}

// ───────────────────────────── the overdue policy ─────────────────────────────

/// Days past its deadline of an open defect on `today`; 0 when closed, void or not yet past.
pub fn overdue_days(status: DefectStatus, deadline: NaiveDate, today: NaiveDate) -> i64 {
    if status.is_open() {
        (today - deadline).num_days().max(0)
    } else {
        0
    }
}

/// Whether a defect counts as overdue on `today`: open past its deadline, or closed on a day
/// after its deadline (`closed_on`, the day of its closing time). A void defect never does.
pub fn counts_overdue(status: DefectStatus, deadline: NaiveDate, closed_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match status {
        DefectStatus::Void => false,
        DefectStatus::Closed => closed_on.is_some_and(|day| day > deadline),
        _ => overdue_days(status, deadline, today) > 0,
    }
}

/// The office day of a stored instant (`2026-11-23T10:00:00+08:00` → 2026-11-23); `None` when
/// it is not one.
pub fn day_of(instant: &str) -> Option<NaiveDate> {
    instant.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// A recorded transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectEvent {
    pub id: i64,
    pub defect_id: i64,
    pub action: DefectAction,
    pub from_status: DefectStatus,
    pub to_status: DefectStatus,
    pub reason: String,
    pub at: String,
    pub by: String,
}

/// Filters of the defect list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectQuery {
    pub project_id: i64,
    pub unit_id: Option<i64>,
    pub party: Option<String>,
    /// The first category level ("土建").
    pub category: Option<String>,
    pub status: Option<DefectStatus>,
    pub open_only: bool,
    pub overdue_only: bool,
    pub limit: Option<i64>,
}

/// Rows a defect list returns when the query names no limit, and the most it may ask for.
pub const DEFAULT_DEFECT_LIMIT: i64 = 1000;
pub const MAX_DEFECT_LIMIT: i64 = 100_000;

/// A [`DefectQuery`] as the store runs it on a given day: plain column conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefectFilter {
    pub project_id: i64,
    pub unit_id: Option<i64>,
    pub party: Option<String>,
    pub category: Option<String>,
    /// `None`: any status; `Some(list)`: one of these (an empty list matches nothing).
    pub statuses: Option<Vec<DefectStatus>>,
    /// Only defects whose deadline is before this day.
    pub deadline_before: Option<NaiveDate>,
    /// Newest first, at most this many (1 to [`MAX_DEFECT_LIMIT`]).
    pub limit: i64,
}

impl DefectQuery {
    /// The filter on `today`: "open" is [`DefectStatus::is_open`]; "overdue" is open with its
    /// deadline before today (see [`overdue_days`]).
    pub fn filter(&self, today: NaiveDate) -> DefectFilter {
        let open = self.open_only || self.overdue_only;
        let statuses = match (self.status, open) {
            (Some(s), true) => Some(if s.is_open() { vec![s] } else { vec![] }),
            (Some(s), false) => Some(vec![s]),
            (None, true) => Some(DefectStatus::open()),
            (None, false) => None,
        };
        DefectFilter {
            project_id: self.project_id,
            unit_id: self.unit_id,
            party: self.party.clone(),
            category: self.category.clone(),
            statuses,
            deadline_before: self.overdue_only.then_some(today),
            limit: self.limit.unwrap_or(DEFAULT_DEFECT_LIMIT).clamp(1, MAX_DEFECT_LIMIT),
        }
    }
}
