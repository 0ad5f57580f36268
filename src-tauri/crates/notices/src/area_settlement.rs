//! 面积差价结算单: contracted vs surveyed area, the error ratio, and the Art. 20 settlement lines.

use crate::fee_statement::money;
use crate::layout::{Align, Column, Letterhead, Paper, Sheet};
use crate::NoticeError;
use fees::area::{AreaRequest, AreaSettlement};

/// Who and what the settlement is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaStatement {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub contract_number: String,
    pub owners: Vec<String>,
    pub printed_on: chrono::NaiveDate,
    pub request: AreaRequest,
    pub settlement: AreaSettlement,
}

/// Render the statement (A5 landscape: it fits one half sheet).
///
/// Errors: `MissingData` (no owner, no unit), `MissingGlyph`.
pub fn render(s: &AreaStatement) -> Result<Vec<u8>, NoticeError> {
    crate::require_owner_and_unit(&s.owners, &s.unit)?;
    let st = &s.settlement;
    let mut sheet = Sheet::new("面积差价结算单", Paper::A5Landscape, s.letterhead.clone())?;
    sheet.title("商品房面积差价结算单")?;
    sheet.fields(
        9.0,
        3,
        &[
            ("项目", s.project.clone()),
            ("房号", s.unit.clone()),
            ("合同编号", s.contract_number.clone()),
            ("买受人", s.owners.join("、")),
            ("合同约定面积", format!("{}㎡", s.request.contract_area)),
            ("产权登记面积", format!("{}㎡", s.request.actual_area)),
            ("合同单价", format!("{} 元/㎡", money(s.request.unit_price))),
            ("面积误差比", format!("{}%", st.error_ratio_percent)),
            (
                "可否退房",
                if st.buyer_may_cancel {
                    "买受人可以退房".into()
                } else {
                    "在 ±3% 以内，不适用退房".to_string()
                },
            ),
        ],
    )?;
    sheet.table(
        vec![
            Column::new("项目", 48.0, Align::Left),
            Column::new("面积(㎡)", 22.0, Align::Right),
            Column::new("金额（元）", 30.0, Align::Right),
            Column::new("说明", 80.0, Align::Left),
        ],
        8.5,
    )?;
    for l in &st.lines {
        sheet.row(&[l.name.clone(), l.area.to_string(), money(l.amount), l.explanation.clone()])?;
    }
    sheet.row(&[
        "结算金额".into(),
        String::new(),
        money(st.amount),
        format!("{}，人民币大写：{}", st.outcome, st.amount_in_capitals),
    ])?;
    sheet.end_table();
    sheet.paragraph(8.0, &format!("依据：{}。打印日期：{}", st.source, s.printed_on))?;
    sheet.signatures(&["买受人", "出卖人经办人"])?;
    sheet.finish()
}

/// Built-in sample: 100.00 m² contracted, 95.00 m² registered, 20,000 yuan/m² (the rules' example).
pub fn sample() -> Result<AreaStatement, NoticeError> {
    let request = AreaRequest {
        contract_area: rust_decimal::Decimal::new(10000, 2),
        actual_area: rust_decimal::Decimal::new(9500, 2),
        unit_price: rust_decimal::Decimal::new(2_000_000, 2),
    };
    let settlement = fees::area::settle(&request).map_err(|e| NoticeError::MissingData { what: e.to_string() })?;
    Ok(AreaStatement {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "2栋 2-1801".into(),
        contract_number: "HT000123".into(),
        owners: vec!["赵珺".into()],
        printed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        request,
        settlement,
    })
}
