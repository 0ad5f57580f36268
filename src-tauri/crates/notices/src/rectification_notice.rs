//! 整改通知单: every open defect of one responsible party, with place, problem, deadline, how
//! late it is, and a thumbnail of its first photo; signature lines for the property office and
//! the party.

use crate::layout::{Align, Column, Image, Letterhead, Paper, Sheet};
use crate::move_in_notice::cn_date;
use crate::NoticeError;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: i64,
    pub unit: String,
    pub place: String,
    pub category: String,
    pub description: String,
    pub severity: String,
    pub deadline: NaiveDate,
    pub overdue_days: i64,
    pub status: String,
    pub thumbnail: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationNotice {
    pub letterhead: Letterhead,
    pub project: String,
    pub party: String,
    pub issued_on: NaiveDate,
    pub lines: Vec<Line>,
}

/// Errors: `MissingData` (party, no defects), `MissingGlyph`.
pub fn render(n: &RectificationNotice) -> Result<Vec<u8>, NoticeError> {
    if n.party.trim().is_empty() {
        return Err(NoticeError::MissingData {
            what: "责任单位".into()
        });
    }
    if n.lines.is_empty() {
        return Err(NoticeError::MissingData {
            what: "整改项目".into()
        });
    }
    let mut sheet = Sheet::new("整改通知单", Paper::A4, n.letterhead.clone())?;
    sheet.title("整改通知单")?;
    let overdue = n.lines.iter().filter(|l| l.overdue_days > 0).count();
    sheet.paragraph(10.5, &format!("{}：", n.party))?;
    sheet.paragraph(
        10.0,
        &format!(
            "　　{}交房验收中发现下列 {} 项问题由贵单位负责整改（其中 {} 项已超过整改期限），请在期限内整改完毕并通知物业服务中心复验。",
            n.project,
            n.lines.len(),
            overdue
        ),
    )?;
    sheet.table(
        vec![
            Column::new("编号", 14.0, Align::Left),
            Column::new("房号", 22.0, Align::Left),
            Column::new("部位 / 分类", 34.0, Align::Left),
            Column::new("问题", 46.0, Align::Left),
            Column::new("程度", 12.0, Align::Center),
            Column::new("期限", 24.0, Align::Left),
            Column::new("照片", 28.0, Align::Left),
        ],
        8.0,
    )?;
    for l in &n.lines {
        let deadline = if l.overdue_days > 0 {
            format!("{}\n逾期 {} 天", l.deadline, l.overdue_days)
        } else {
            l.deadline.to_string()
        };
        sheet.row_with_image(
            &[
                format!("#{}", l.number),
                l.unit.clone(),
                format!("{}\n{}", l.place, l.category),
                format!("{}（{}）", l.description, l.status),
                l.severity.clone(),
                deadline,
                if l.thumbnail.is_some() { String::new() } else { "无".into() },
            ],
            l.thumbnail.as_ref(),
            20.0,
        )?;
    }
    sheet.end_table();
    sheet.paragraph(9.5, &format!("发出日期：{}", cn_date(n.issued_on)))?;
    sheet.signatures(&["物业服务中心", "责任单位签收"])?;
    sheet.finish()
}

/// Built-in sample.
pub fn sample() -> RectificationNotice {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
    RectificationNotice {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        party: "总包".into(),
        issued_on: d(12, 8),
        lines: vec![
            Line {
                number: 1,
                unit: "1栋 1-101".into(),
                place: "客厅 / 墙面".into(),
                category: "土建 / 墙面 / 空鼓".into(),
                description: "东墙空鼓约 0.3 ㎡".into(),
                severity: "一般".into(),
                deadline: d(12, 12),
                overdue_days: 0,
                status: "整改中".into(),
                thumbnail: Image::decode(include_bytes!("../assets/sample-logo.png"), "照片").ok(),
            },
            Line {
                number: 2,
                unit: "1栋 1-102".into(),
                place: "卫生间 / 防水".into(),
                category: "土建 / 防水 / 渗漏".into(),
                description: "闭水试验楼下顶棚渗水".into(),
                severity: "紧急".into(),
                deadline: d(12, 6),
                overdue_days: 2,
                status: "待派单".into(),
                thumbnail: None,
            },
        ],
    }
}
