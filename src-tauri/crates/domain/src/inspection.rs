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

use crate::model::code_enum;
use crate::move_in::MeterReading;
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    pub fn is_open(self) -> bool {
        !matches!(self, DefectStatus::Closed | DefectStatus::Void)
    }
}

/// What a transition needs to know about who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor<'a> {
    pub username: &'a str,
    /// A manager may decide disputes and void defects.
    pub manager: bool,
}

/// The state after `action` on a defect in `from`, or why not. `fixed_by` is who marked it fixed
/// (the four-eyes rule: that person cannot close it). A reason is required to reject, dispute,
/// decide and void.
///
/// Errors: `Conflict` for a transition the workflow does not allow or the four-eyes rule;
/// `Forbidden` for a manager's decision taken by someone else; `Invalid` on `reason`.
pub fn transition(
    from: DefectStatus,
    action: DefectAction,
    actor: &Actor<'_>,
    fixed_by: Option<&str>,
    reason: &str,
) -> Result<DefectStatus> {
    use DefectAction as A;
    use DefectStatus as S;
    let needs_reason = matches!(action, A::Reject | A::Dispute | A::Uphold | A::Dismiss | A::Void);
    if needs_reason && reason.trim().is_empty() {
        return Err(AppError::invalid("reason", format!("“{}”须填写原因", action.label())));
    }
    if matches!(action, A::Uphold | A::Dismiss | A::Void) && !actor.manager {
        return Err(AppError::forbidden());
    }
    let to = match (from, action) {
        (S::Pending, A::Assign) => S::InProgress,
        (S::InProgress, A::MarkFixed) => S::AwaitingReinspection,
        (S::AwaitingReinspection, A::Close) => {
            if fixed_by == Some(actor.username) {
                return Err(AppError::conflict("整改完成人不能自己复验关闭，请由其他人员复验"));
            }
            S::Closed
        }
        (S::AwaitingReinspection, A::Reject) => S::InProgress,
        (S::Pending | S::InProgress | S::AwaitingReinspection, A::Dispute) => S::Disputed,
        (S::Disputed, A::Uphold) => S::InProgress,
        (S::Disputed, A::Dismiss) => S::Closed,
        (s, A::Void) if s != S::Closed && s != S::Void => S::Void,
        (s, a) => return Err(AppError::conflict(format!("状态为“{}”的整改单不能“{}”", s.label(), a.label()))),
    };
    Ok(to)
}

/// The actions the workflow offers from `status` (for a manager; the service still checks the
/// role and the four-eyes rule when one is taken).
pub fn actions_from(status: DefectStatus) -> Vec<DefectAction> {
    let manager = Actor {
        username: "",
        manager: true,
    };
    DefectAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(status, *a, &manager, None, "-").is_ok())
        .collect()
}

// ───────────────────────────── checklist templates ─────────────────────────────

/// One checklist line: a room × an item with its acceptance standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItem {
    pub room: String,
    pub item: String,
    pub standard: String,
    /// A defect on this item must have at least one photo.
    pub photo_required: bool,
}

/// A template as edited: the project, the unit type it is for, its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateInput {
    pub project_id: i64,
    /// 户型 / unit type the template applies to ("住宅", "商业"…; a property-type label).
    pub unit_type: String,
    pub items: Vec<ChecklistItem>,
}

/// A saved version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Template {
    pub id: i64,
    pub project_id: i64,
    pub unit_type: String,
    pub version: i64,
    pub items: Vec<ChecklistItem>,
    pub created_at: String,
    pub created_by: String,
}

impl TemplateInput {
    /// Errors: `Invalid` naming `unit_type`, `items`, `items[i].room`…, or a duplicate line.
    pub fn validate(&self) -> Result<TemplateInput> {
        let unit_type = self.unit_type.trim().to_string();
        if unit_type.is_empty() || unit_type.chars().count() > 20 {
            return Err(AppError::invalid("unit_type", "户型/类型不能为空，且不超过 20 个字"));
        }
        if self.items.is_empty() || self.items.len() > 500 {
            return Err(AppError::invalid("items", "检查项应为 1–500 条"));
        }
        let mut items: Vec<ChecklistItem> = Vec::new();
        for (i, it) in self.items.iter().enumerate() {
            let room = it.room.trim().to_string();
            let item = it.item.trim().to_string();
            let standard = it.standard.trim().to_string();
            if room.is_empty() || room.chars().count() > 20 {
                return Err(AppError::invalid(format!("items[{i}].room"), "房间不能为空，且不超过 20 个字"));
            }
            if item.is_empty() || item.chars().count() > 20 {
                return Err(AppError::invalid(format!("items[{i}].item"), "检查项目不能为空，且不超过 20 个字"));
            }
            if standard.chars().count() > 200 {
                return Err(AppError::invalid(format!("items[{i}].standard"), "验收标准不超过 200 个字"));
            }
            if items.iter().any(|x| x.room == room && x.item == item) {
                return Err(AppError::invalid(format!("items[{i}].item"), format!("“{room} / {item}”重复")));
            }
            items.push(ChecklistItem {
                room,
                item,
                standard,
                photo_required: it.photo_required,
            });
        }
        Ok(TemplateInput {
            unit_type,
            items,
            ..self.clone()
        })
    }
}

/// The checklist as text, one line per item: `房间|项目|验收标准|需照片（是/否）`.
pub fn checklist_text(items: &[ChecklistItem]) -> String {
    items
        .iter()
        .map(|i| {
            format!(
                "{}|{}|{}|{}",
                i.room,
                i.item,
                i.standard,
                if i.photo_required { "是" } else { "否" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read the text form of a checklist; blank lines are skipped. Returns each item with its line
/// number (from 1), so later validation errors can name the line.
///
/// Errors: `Invalid` on `text` naming the line (not 3–4 fields, 需照片 not 是/否).
pub fn parse_checklist(text: &str) -> Result<Vec<(usize, ChecklistItem)>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(AppError::invalid("text", format!("第 {n} 行应为“房间|项目|验收标准|需照片”")));
        }
        let photo_required = match parts.get(3).copied().unwrap_or("否") {
            "是" => true,
            "否" | "" => false,
            other => {
                return Err(AppError::invalid(
                    "text",
                    format!("第 {n} 行“需照片”应为 是 或 否，而不是“{other}”"),
                ))
            }
        };
        out.push((
            n,
            ChecklistItem {
                room: parts[0].to_string(),
                item: parts[1].to_string(),
                standard: parts[2].to_string(),
                photo_required,
            },
        ));
    }
    Ok(out)
}

/// The handbook's residential checklist: rooms × items with their standards.
pub fn default_items() -> Vec<ChecklistItem> {
    let rooms: [(&str, &[&str]); 5] = [
        ("客厅", &["门窗", "墙面", "地面", "顶棚", "水电"]),
        ("卧室", &["门窗", "墙面", "地面", "顶棚", "水电"]),
        ("厨房", &["门窗", "墙面", "地面", "给排水", "燃气", "水电"]),
        ("卫生间", &["门窗", "墙面", "地面", "给排水", "卫浴", "防水"]),
        ("阳台", &["门窗", "地面", "给排水"]),
    ];
    let standard = |item: &str| -> &'static str {
        match item {
            "门窗" => "开启灵活，关闭严密，五金齐全，玻璃无裂痕",
            "墙面" => "无空鼓、开裂、起砂，阴阳角方正",
            "地面" => "平整，无空鼓、裂缝，坡向正确",
            "顶棚" => "无裂缝、渗水痕迹，平整",
            "水电" => "开关插座通电正常，面板牢固",
            "给排水" => "管道无渗漏，排水通畅",
            "燃气" => "管道、表具完好，无泄漏",
            "卫浴" => "洁具完好，安装牢固，无渗漏",
            "防水" => "闭水试验 48 小时无渗漏",
            _ => "",
        }
    };
    rooms
        .iter()
        .flat_map(|(room, items)| {
            items.iter().map(move |it| ChecklistItem {
                room: room.to_string(),
                item: it.to_string(),
                standard: standard(it).to_string(),
                photo_required: matches!(*it, "防水" | "墙面" | "顶棚"),
            })
        })
        .collect()
}

/// The project's responsible parties (defaults).
pub fn default_parties() -> Vec<String> {
    ["总包", "分包", "精装", "设备厂家"].iter().map(|s| s.to_string()).collect()
}

// ───────────────────────────── inspections ─────────────────────────────

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

// ───────────────────────────── defects ─────────────────────────────

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
    /// Photo files picked by the user.
    pub photo_paths: Vec<String>,
}

impl DefectInput {
    /// Errors: `Invalid` naming `category`, `party`, `deadline` (in the past), `description`,
    /// `photo_paths` (required by the checklist item and missing; more than 9), `pin`.
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
        if item.photo_required && self.photo_paths.is_empty() {
            return Err(AppError::invalid(
                "photo_paths",
                format!("“{} / {}”的问题须附照片", item.room, item.item),
            ));
        }
        if self.photo_paths.len() > 9 {
            return Err(AppError::invalid("photo_paths", "每个问题最多 9 张照片"));
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

/// A defect as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Defect {
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
    /// Days past the deadline while open (0 when not overdue).
    pub overdue_days: i64,
    pub version: i64,
    /// What the workflow offers next (see [`actions_from`]).
    pub actions: Vec<DefectAction>,
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

/// A responsible party's scorecard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scorecard {
    pub party: String,
    pub total: i64,
    pub open: i64,
    pub closed: i64,
    pub overdue: i64,
    /// Average days from raised to marked fixed, one decimal.
    pub average_days_to_fix: Option<String>,
    /// Percent of defects now overdue or closed late, one decimal.
    pub overdue_rate: String,
    /// Percent of defects ever returned (退回), one decimal.
    pub reopen_rate: String,
}

/// Percent `part / whole`, one decimal, half up; "0.0" when whole is 0.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0.0".into();
    }
    let r = rust_decimal::Decimal::from(part * 100) / rust_decimal::Decimal::from(whole);
    format!(
        "{:.1}",
        r.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

#[cfg(test)]
mod tests;
