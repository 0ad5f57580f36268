//! 交房验收单: the checklist results of one inspection, the defects raised, meter readings,
//! remarks, and signature lines for the owner (with the signature captured in the app) and the
//! engineer; 1–3 marked copies (联).

use crate::layout::{Align, Column, Image, Letterhead, Paper, Sheet};
use crate::move_in_notice::cn_date;
use crate::NoticeError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub room: String,
    pub item: String,
    pub standard: String,
    /// 合格 / 不合格 / 不适用 / 未检.
    pub result: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefectLine {
    pub number: i64,
    pub place: String,
    pub description: String,
    pub severity: String,
    pub party: String,
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionForm {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub owners: Vec<String>,
    /// 内部预验 / 业主验房 / 二次验房.
    pub kind: String,
    pub inspector: String,
    pub date: NaiveDate,
    pub template_version: i64,
    pub lines: Vec<Line>,
    pub defects: Vec<DefectLine>,
    /// (表类, 表号, 读数).
    pub meters: Vec<(String, String, Decimal)>,
    pub remarks: String,
    pub owner_signature: Option<Image>,
    pub copies: u8,
}

const COPIES: [&str; 3] = ["第一联 业主留存", "第二联 物业存档", "第三联 工程部"];

/// Errors: `MissingData` (owner, unit, an empty checklist), `MissingGlyph`.
pub fn render(f: &InspectionForm) -> Result<Vec<u8>, NoticeError> {
    crate::require_owner_and_unit(&f.owners, &f.unit)?;
    if f.lines.is_empty() {
        return Err(NoticeError::MissingData {
            what: "检查项目".into()
        });
    }
    let mut sheet = Sheet::new("交房验收单", Paper::A4, f.letterhead.clone())?;
    let copies = usize::from(f.copies.clamp(1, 3));
    for mark in COPIES.iter().take(copies) {
        if copies > 1 {
            sheet.start_copy(mark)?;
        }
        sheet.title("交房验收单")?;
        sheet.fields(
            9.5,
            3,
            &[
                ("项目", f.project.clone()),
                ("房号", f.unit.clone()),
                ("业主", f.owners.join("、")),
                ("验房类型", f.kind.clone()),
                ("验房日期", cn_date(f.date)),
                ("验房人", f.inspector.clone()),
            ],
        )?;
        sheet.table(
            vec![
                Column::new("房间", 18.0, Align::Left),
                Column::new("项目", 18.0, Align::Left),
                Column::new("验收标准", 84.0, Align::Left),
                Column::new("结果", 16.0, Align::Center),
                Column::new("说明", 44.0, Align::Left),
            ],
            8.5,
        )?;
        for l in &f.lines {
            sheet.row(&[l.room.clone(), l.item.clone(), l.standard.clone(), l.result.clone(), l.note.clone()])?;
        }
        sheet.end_table();
        let passed = f.lines.iter().filter(|l| l.result == "合格").count();
        let failed = f.lines.iter().filter(|l| l.result == "不合格").count();
        sheet.paragraph(
            9.5,
            &format!(
                "共 {} 项：合格 {passed} 项，不合格 {failed} 项（检查表第 {} 版）。",
                f.lines.len(),
                f.template_version
            ),
        )?;
        if !f.defects.is_empty() {
            sheet.paragraph(10.0, "整改项目")?;
            sheet.table(
                vec![
                    Column::new("编号", 16.0, Align::Left),
                    Column::new("部位", 30.0, Align::Left),
                    Column::new("问题", 66.0, Align::Left),
                    Column::new("程度", 14.0, Align::Center),
                    Column::new("责任单位", 24.0, Align::Left),
                    Column::new("整改期限", 30.0, Align::Left),
                ],
                8.5,
            )?;
            for d in &f.defects {
                sheet.row(&[
                    format!("#{}", d.number),
                    d.place.clone(),
                    d.description.clone(),
                    d.severity.clone(),
                    d.party.clone(),
                    d.deadline.to_string(),
                ])?;
            }
            sheet.end_table();
        }
        if !f.meters.is_empty() {
            sheet.paragraph(10.0, "表底数")?;
            sheet.table(
                vec![
                    Column::new("表类", 40.0, Align::Left),
                    Column::new("表号", 80.0, Align::Left),
                    Column::new("读数", 60.0, Align::Right),
                ],
                8.5,
            )?;
            for (k, n, r) in &f.meters {
                sheet.row(&[k.clone(), n.clone(), r.normalize().to_string()])?;
            }
            sheet.end_table();
        }
        if !f.remarks.trim().is_empty() {
            sheet.paragraph(9.5, &format!("备注：{}", f.remarks))?;
        }
        sheet.paragraph(
            9.0,
            "业主确认：以上检查结果属实；不合格项目由物业服务中心督促责任单位在期限内整改，整改后复验。",
        )?;
        sheet.signatures_with(&["业主", "工程人员"], &[f.owner_signature.as_ref(), None])?;
    }
    sheet.finish()
}

/// Built-in sample.
pub fn sample() -> InspectionForm {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
    InspectionForm {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        kind: "业主验房".into(),
        inspector: "工程部 张工".into(),
        date: d(12, 5),
        template_version: 1,
        lines: vec![
            Line {
                room: "客厅".into(),
                item: "墙面".into(),
                standard: "无空鼓、开裂、起砂，阴阳角方正".into(),
                result: "不合格".into(),
                note: "东墙空鼓".into(),
            },
            Line {
                room: "卫生间".into(),
                item: "防水".into(),
                standard: "闭水试验 48 小时无渗漏".into(),
                result: "合格".into(),
                note: String::new(),
            },
        ],
        defects: vec![DefectLine {
            number: 1,
            place: "客厅 / 墙面".into(),
            description: "东墙空鼓约 0.3 ㎡".into(),
            severity: "一般".into(),
            party: "总包".into(),
            deadline: d(12, 12),
        }],
        meters: vec![("水表".into(), "SB-1101".into(), Decimal::new(125, 1))],
        remarks: "业主要求整改后电话通知。".into(),
        owner_signature: None,
        copies: 1,
    }
}
