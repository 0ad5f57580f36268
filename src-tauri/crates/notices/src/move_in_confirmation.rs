//! 入伙确认书: the owner confirms taking over the unit — area, meter base readings, keys, the two
//! documents (住宅质量保证书 / 住宅使用说明书) and the amounts settled — signed by owner and property office.

use crate::layout::{Align, Column, Letterhead, Paper, Sheet};
use crate::move_in_notice::{cn_date, AmountDue};
use crate::NoticeError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A meter's base reading at handover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterLine {
    /// 水表 / 电表 / 燃气表.
    pub kind: String,
    pub number: String,
    pub reading: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveInConfirmation {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub owners: Vec<String>,
    pub contract_number: String,
    /// Surveyed gross area, if measured.
    pub area: Option<Decimal>,
    pub handed_on: NaiveDate,
    pub meters: Vec<MeterLine>,
    /// "入户门钥匙 3 把、门禁卡 2 张".
    pub keys: String,
    pub paid: Vec<AmountDue>,
}

/// Errors: `MissingData`, `MissingGlyph`.
pub fn layout(c: &MoveInConfirmation) -> Result<Sheet, NoticeError> {
    crate::require_owner_and_unit(&c.owners, &c.unit)?;
    let mut sheet = Sheet::new("入伙确认书", Paper::A4, c.letterhead.clone())?;
    sheet.title("入伙确认书")?;
    sheet.fields(
        10.0,
        2,
        &[
            ("项目", c.project.clone()),
            ("房号", c.unit.clone()),
            ("业主", c.owners.join("、")),
            ("合同编号", c.contract_number.clone()),
            ("实测建筑面积", c.area.map(|a| format!("{a:.2} ㎡")).unwrap_or_else(|| "—".into())),
            ("交付日期", cn_date(c.handed_on)),
        ],
    )?;
    sheet.paragraph(10.5, "一、水电燃气表底数")?;
    sheet.table(
        vec![
            Column::new("表类", 40.0, Align::Left),
            Column::new("表号", 80.0, Align::Left),
            Column::new("底数", 60.0, Align::Right),
        ],
        9.5,
    )?;
    for m in &c.meters {
        sheet.row(&[m.kind.clone(), m.number.clone(), format!("{}", m.reading.normalize())])?;
    }
    sheet.end_table();
    sheet.paragraph(10.5, &format!("二、钥匙：{}", if c.keys.is_empty() { "—" } else { &c.keys }))?;
    sheet.paragraph(10.5, "三、已领取《住宅质量保证书》《住宅使用说明书》各一份。")?;
    if !c.paid.is_empty() {
        sheet.paragraph(10.5, "四、已缴款项")?;
        crate::move_in_notice::amounts_table(&mut sheet, &c.paid)?;
    }
    sheet.paragraph(
        10.0,
        "　　本人已办理完毕上述房屋的入伙手续，确认已收到上述钥匙及资料，表底数经双方核对无误。自交付之日起，房屋的物业服务费及水电燃气费用由业主承担。",
    )?;
    sheet.signatures(&["业主", "物业服务中心"])?;
    Ok(sheet)
}

/// Errors: as [`layout`].
pub fn render(c: &MoveInConfirmation) -> Result<Vec<u8>, NoticeError> {
    layout(c)?.finish()
}

/// Built-in sample.
pub fn sample() -> MoveInConfirmation {
    MoveInConfirmation {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        contract_number: "HT000001".into(),
        area: Some(Decimal::new(8_950, 2)),
        handed_on: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default(),
        meters: vec![
            MeterLine {
                kind: "水表".into(),
                number: "SB-1101".into(),
                reading: Decimal::new(125, 1),
            },
            MeterLine {
                kind: "电表".into(),
                number: "DB-88001101".into(),
                reading: Decimal::new(3_210, 1),
            },
        ],
        keys: "入户门钥匙 3 把、门禁卡 2 张".into(),
        paid: crate::move_in_notice::sample().amounts,
    }
}
