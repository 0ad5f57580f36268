//! An inspection walked with the owner: item results, meter readings, remarks; what it needs
//! before it can be completed, and the refusals once it is.

use super::{ChecklistItem, Defect, InspectionKind, ItemResult};
use crate::move_in::MeterReading;
use crate::{AppError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One item's result on an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemOutcome {
    pub room: String,
    pub item: String,
    pub result: ItemResult,
    pub note: String,
}

/// Starting an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionStart {
    pub unit_id: i64,
    pub kind: InspectionKind,
}

/// Results, readings and remarks as the form sends them (saved many times while walking the unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionUpdate {
    pub inspection_id: i64,
    pub version: i64,
    pub outcomes: Vec<ItemOutcome>,
    pub meters: Vec<MeterReading>,
    pub remarks: String,
}

/// An inspection as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Inspection {
    pub id: i64,
    pub unit_id: i64,
    pub unit_label: String,
    pub kind: InspectionKind,
    pub template_id: i64,
    pub template_version: i64,
    pub items: Vec<ChecklistItem>,
    pub outcomes: Vec<ItemOutcome>,
    pub meters: Vec<MeterReading>,
    pub remarks: String,
    pub inspector: String,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub has_signature: bool,
    pub version: i64,
    pub defects: Vec<Defect>,
}

impl InspectionUpdate {
    /// Check results against the template's lines.
    ///
    /// Errors: `Invalid` naming `outcomes[i]` (not on the checklist, twice), `remarks`, meters.
    pub fn validate(&self, items: &[ChecklistItem]) -> Result<InspectionUpdate> {
        let mut outcomes: Vec<ItemOutcome> = Vec::new();
        for (i, o) in self.outcomes.iter().enumerate() {
            if !items.iter().any(|t| t.room == o.room && t.item == o.item) {
                return Err(AppError::invalid(
                    format!("outcomes[{i}]"),
                    format!("“{} / {}”不在检查表上", o.room, o.item),
                ));
            }
            if outcomes.iter().any(|x| x.room == o.room && x.item == o.item) {
                return Err(AppError::invalid(
                    format!("outcomes[{i}]"),
                    format!("“{} / {}”重复", o.room, o.item),
                ));
            }
            outcomes.push(ItemOutcome {
                note: o.note.trim().chars().take(200).collect(),
                ..o.clone()
            });
        }
        if self.remarks.chars().count() > 500 {
            return Err(AppError::invalid("remarks", "备注不超过 500 字"));
        }
        let meters = if self.meters.is_empty() {
            vec![]
        } else {
            match (crate::move_in::StepData::Meters {
                readings: self.meters.clone(),
            })
            .validate()?
            {
                crate::move_in::StepData::Meters { readings } => readings,
                _ => vec![],
            }
        };
        Ok(InspectionUpdate {
            outcomes,
            meters,
            remarks: self.remarks.trim().to_string(),
            ..self.clone()
        })
    }
}

impl Inspection {
    /// The checklist line a defect is raised on (names compared trimmed).
    ///
    /// Errors: `Invalid` on `item` when the line is not on this inspection's checklist.
    pub fn checklist_item(&self, room: &str, item: &str) -> Result<&ChecklistItem> {
        self.items
            .iter()
            .find(|t| t.room == room.trim() && t.item == item.trim())
            .ok_or_else(|| AppError::invalid("item", "该检查项不在本次验房的检查表上"))
    }

    /// A defect may be raised only while the inspection is open.
    ///
    /// Errors: `Conflict` when completed (see [`completed_refusal`]).
    pub fn may_raise_defects(&self) -> Result<()> {
        match self.completed_at {
            Some(_) => Err(raise_on_completed_refusal()),
            None => Ok(()),
        }
    }

    /// Ready to complete: every checklist item has a result and every failed item a defect.
    ///
    /// Errors: `Invalid` on `outcomes` naming the first item unchecked or failed without a defect.
    pub fn check_complete(&self) -> Result<()> {
        for it in &self.items {
            let Some(o) = self.outcomes.iter().find(|o| o.room == it.room && o.item == it.item) else {
                return Err(AppError::invalid("outcomes", format!("“{} / {}”尚未检查", it.room, it.item)));
            };
            if o.result == ItemResult::Fail && !self.defects.iter().any(|d| d.record.room == it.room && d.record.item == it.item) {
                return Err(AppError::invalid(
                    "outcomes",
                    format!("“{} / {}”不合格，请登记整改单", it.room, it.item),
                ));
            }
        }
        Ok(())
    }

    /// The note written into the move-in procedure's 交房验收 step when this inspection completes.
    pub fn step_note(&self) -> String {
        let count = |r: ItemResult| self.outcomes.iter().filter(|o| o.result == r).count();
        format!(
            "{}完成：{} 项合格，{} 项不合格，整改单 {} 张（验房记录 #{}）",
            self.kind.label(),
            count(ItemResult::Pass),
            count(ItemResult::Fail),
            self.defects.len(),
            self.id
        )
    }
}

/// A completed inspection cannot be changed (results, signature, completion).
pub fn completed_refusal() -> AppError {
    AppError::conflict("验房已完成，不能再修改")
}

/// A completed inspection takes no new defects.
pub fn raise_on_completed_refusal() -> AppError {
    AppError::conflict("验房已完成，请新建复验后再登记")
}

/// The item already has an open defect (the store's `Duplicate::OpenDefect`, worded with the
/// room and item the user picked).
pub fn open_defect_refusal(room: &str, item: &str) -> AppError {
    AppError::conflict_on("item", format!("“{room} / {item}”已有未关闭的整改单，请勿重复登记"))
}
