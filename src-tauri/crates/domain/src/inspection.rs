//! Handover inspection (交房验收) and defects (整改单): checklist templates, inspections with item
//! results and meter readings, and the defect workflow as an explicit state machine.
//!
//! ```text
//!            assign             mark_fixed              close (not the fixer)
//!  待派单 ───────────▶ 整改中 ─────────────▶ 待复验 ─────────────────────▶ 已关闭
//!    │                  ▲   │                  │ reject (re-inspection failed: 退回)
//!    │                  │   └──────────────────┘◀─────────┐
//!    │                  └──────── reject ─────────────────┘
//!    ├── dispute (owner disagrees) ─▶ 争议 ── decide (manager): uphold ▶ 整改中 / dismiss ▶ 已关闭
//!    └── void (with reason; from any state but 已关闭) ─▶ 作废
//! ```

//!
//! The rules live here as pure functions, tested in `tests` and `rules_tests`: the workflow
//! ([`workflow`]), checklists and parties ([`checklist`]), what an inspection needs before it is
//! complete ([`walk`]), when a defect is overdue and what it offers next ([`defect`]), and the
//! scorecards with their rounding ([`score`]). The store only reads and writes the rows.

use crate::model::code_enum;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod checklist;
pub mod defect;
pub mod score;
pub mod walk;
pub mod workflow;

pub use checklist::*;
pub use defect::*;
pub use score::*;
pub use walk::*;
pub use workflow::*;

code_enum!(
    /// 验房类型
    InspectionKind {
        PreInspection = "pre_inspection" / "内部预验",
        Owner = "owner" / "业主验房",
        Reinspection = "reinspection" / "二次验房",
    }
);

code_enum!(
    /// One checklist item's result.
    ItemResult {
        Pass = "pass" / "合格",
        Fail = "fail" / "不合格",
        NotApplicable = "not_applicable" / "不适用",
    }
);

code_enum!(
    /// 严重程度, each with its deadline.
    Severity {
        Urgent = "urgent" / "紧急",
        Normal = "normal" / "一般",
        Minor = "minor" / "轻微",
    }
);

code_enum!(
    /// 整改单状态
    DefectStatus {
        Pending = "pending" / "待派单",
        InProgress = "in_progress" / "整改中",
        AwaitingReinspection = "awaiting_reinspection" / "待复验",
        Closed = "closed" / "已关闭",
        Disputed = "disputed" / "争议",
        Void = "void" / "作废",
    }
);

code_enum!(
    /// A defect workflow action.
    DefectAction {
        Assign = "assign" / "派单",
        MarkFixed = "mark_fixed" / "整改完成",
        Close = "close" / "复验通过并关闭",
        Reject = "reject" / "复验不通过（退回）",
        Dispute = "dispute" / "业主提出争议",
        Uphold = "uphold" / "裁定：继续整改",
        Dismiss = "dismiss" / "裁定：不予整改并关闭",
        Void = "void" / "作废",
    }
);

impl Severity {
    /// Days allowed to fix, from the day the defect is raised (the handbook: routine repairs in a
    /// day; here urgent 1, normal 7, minor 15).
    pub fn days(self) -> i64 {
        match self {
            Severity::Urgent => 1,
            Severity::Normal => 7,
            Severity::Minor => 15,
        }
    }
}

impl DefectStatus {
    /// The status a defect is raised in.
    pub const RAISED: DefectStatus = DefectStatus::Pending;

    /// Still to be dealt with: neither closed nor void.
    pub fn is_open(self) -> bool {
        !matches!(self, DefectStatus::Closed | DefectStatus::Void)
    }

    /// The open statuses, in workflow order.
    pub fn open() -> Vec<DefectStatus> {
        DefectStatus::ALL.iter().copied().filter(|s| s.is_open()).collect()
    }
}

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
