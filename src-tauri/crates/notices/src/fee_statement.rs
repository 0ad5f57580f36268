//! 税费明细单 / 缴费通知单: the itemised fees of a quote, with basis, rate, amount and explanation,
//! the total in figures and in Chinese capitals, and signature lines.

use crate::layout::{Align, Column, Letterhead, Paper, Sheet};
use crate::NoticeError;
use fees::quote::Quote;
use rust_decimal::Decimal;

/// Who and what the statement is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeStatement {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub contract_number: String,
    /// Buyer first, then co-owners.
    pub owners: Vec<String>,
    pub printed_on: chrono::NaiveDate,
    pub quote: Quote,
    /// 1, 2 or 3 copies (客户留存 / 财务记账 / 存档).
    pub copies: u8,
}

/// "1500000.00" → "1,500,000.00" (the one formatter the screens use too, so screens and paper agree).
pub fn money(d: Decimal) -> String {
    fees::display::money(d)
}

const COPIES: [&str; 3] = ["第一联 客户留存", "第二联 财务记账", "第三联 存档"];

/// Render the statement.
///
/// Errors: `MissingData` (no owner, no unit), `MissingGlyph` (a character the font lacks).
pub fn render(s: &FeeStatement) -> Result<Vec<u8>, NoticeError> {
    crate::require_owner_and_unit(&s.owners, &s.unit)?;
    let mut sheet = Sheet::new("税费明细单", Paper::A4, s.letterhead.clone())?;
    let copies = s.copies.clamp(1, 3) as usize;
    for mark in COPIES.iter().take(copies) {
        if copies > 1 {
            sheet.start_copy(mark)?;
        }
        sheet.title("购房税费明细单")?;
        sheet.fields(
            10.0,
            2,
            &[
                ("项目", s.project.clone()),
                ("房号", s.unit.clone()),
                ("合同编号", s.contract_number.clone()),
                ("签约日期", s.quote.contract_date.to_string()),
                ("买受人", s.owners[0].clone()),
                (
                    "共有人",
                    if s.owners.len() > 1 {
                        s.owners[1..].join("、")
                    } else {
                        "无".into()
                    },
                ),
            ],
        )?;
        sheet.table(
            vec![
                Column::new("项目", 28.0, Align::Left),
                Column::new("计税基数/数量", 32.0, Align::Right),
                Column::new("税率/单价", 20.0, Align::Right),
                Column::new("金额（元）", 28.0, Align::Right),
                Column::new("说明与依据", 72.0, Align::Left),
            ],
            9.0,
        )?;
        for i in &s.quote.items {
            // The same strings the fee screen shows, computed from the saved figures.
            let shown = fees::display::LineDisplay::of(i);
            let mut why = format!("{}（依据：{}）", i.explanation, i.source);
            if let (Some(o), Some(computed)) = (&i.overridden, &shown.computed) {
                why.push_str(&format!("；已按{}调整，计算值 {computed}，经办 {}", o.reason, o.by));
            }
            sheet.row(&[i.name.clone(), shown.base, shown.rate, shown.amount, why])?;
        }
        sheet.row(&[
            "合计".into(),
            String::new(),
            String::new(),
            money(s.quote.total),
            format!("人民币大写：{}", s.quote.total_in_capitals),
        ])?;
        sheet.end_table();
        sheet.paragraph(
            8.5,
            &format!(
                "按 {} 当日有效的规则计算（规则版本 {}）。各项以税务、不动产登记机构核定为准。打印日期：{}",
                s.quote.contract_date, s.quote.rules_version, s.printed_on
            ),
        )?;
        sheet.signatures(&["买受人", "经办人"])?;
    }
    sheet.finish()
}

/// Built-in sample data (tests, new users: `handover notices render --doc fee-statement --sample`).
pub fn sample() -> FeeStatement {
    let book = fees::rules::RuleBook::shipped().unwrap_or_default();
    let req: Result<fees::quote::QuoteRequest, _> = fees::parse_json(
        r#"{"region":"seed-example","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","homes_owned":0,"gross_area":"89.50","price":"1500000.00","vat_method":"general","elevator":true,"certificates":2}"#,
    );
    let quote = req.ok().and_then(|r| fees::quote::quote(&book, &r).ok()).unwrap_or_else(|| Quote {
        region: String::new(),
        rules_version: String::new(),
        contract_date: chrono::NaiveDate::default(),
        items: vec![],
        total: Decimal::ZERO,
        total_display: "0.00".into(),
        total_in_capitals: "零元整".into(),
    });
    FeeStatement {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        contract_number: "HT000001".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        printed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        quote,
        copies: 1,
    }
}
