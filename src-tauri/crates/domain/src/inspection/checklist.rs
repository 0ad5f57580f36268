//! Checklist templates (versioned per project and unit type), their text form, the handbook's
//! default checklist, and a project's responsible parties.

use crate::{AppError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
            // The text form (`房间|项目|验收标准|需照片`, one line each) must read every item back.
            for (field, label, v) in [
                ("room", "房间", &room),
                ("item", "检查项目", &item),
                ("standard", "验收标准", &standard),
            ] {
                if let Some(c) = v.chars().find(|c| matches!(c, '|' | '｜') || c.is_control()) {
                    let what = if c.is_control() {
                        "换行或控制字符".to_string()
                    } else {
                        format!("“{c}”")
                    };
                    return Err(AppError::invalid(format!("items[{i}].{field}"), format!("{label}不能包含{what}")));
                }
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

// ───────────────────────────── responsible parties ─────────────────────────────

/// The project's responsible parties (defaults).
pub fn default_parties() -> Vec<String> {
    ["总包", "分包", "精装", "设备厂家"].iter().map(|s| s.to_string()).collect()
}

/// Longest party name.
pub const MAX_PARTY_CHARS: usize = 20;

/// A project's parties as saved, in the order given: trimmed, at least one, none blank, long or
/// repeated.
///
/// Errors: `Invalid` on `parties`.
pub fn validate_parties(parties: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for p in parties.iter().map(|p| p.trim()) {
        if p.is_empty() || p.chars().count() > MAX_PARTY_CHARS || out.iter().any(|o| o == p) {
            return Err(AppError::invalid("parties", "责任单位名称不能为空、不超过 20 字、不能重复"));
        }
        out.push(p.to_string());
    }
    if out.is_empty() {
        return Err(AppError::invalid("parties", "至少一个责任单位"));
    }
    Ok(out)
}

/// The parties in force: the saved list, or the defaults while none is saved.
pub fn parties_in_force(saved: Vec<String>) -> Vec<String> {
    if saved.is_empty() {
        default_parties()
    } else {
        saved
    }
}
