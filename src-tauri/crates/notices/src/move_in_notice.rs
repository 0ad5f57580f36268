//! 入伙通知书: tells an owner that the unit is ready, when and where to come (batch dates and the
//! booked slot), what to bring, and the amounts due, itemised with the total in figures and capitals.

use crate::fee_statement::money;
use crate::layout::{Align, Column, Letterhead, Paper, Sheet};
use crate::NoticeError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One amount due at move-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountDue {
    pub item: String,
    /// How it was computed ("建筑面积 89.50 ㎡ × 80 元/㎡").
    pub basis: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveInNotice {
    pub letterhead: Letterhead,
    pub project: String,
    /// "1栋 1-101".
    pub unit: String,
    pub owners: Vec<String>,
    pub contract_number: String,
    pub batch: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The booked slot ("2026-12-05 上午 09:00–12:00"), or none: the owner is asked to book.
    pub appointment: Option<String>,
    /// Where to come (reception address and desks).
    pub place: String,
    pub documents: Vec<String>,
    pub amounts: Vec<AmountDue>,
    pub issued_on: NaiveDate,
}

impl MoveInNotice {
    /// The sum of the printed lines (the total printed is always this).
    pub fn total(&self) -> Decimal {
        self.amounts.iter().map(|a| a.amount).sum()
    }
}

/// Lay the notice out (for a batch, see [`crate::batch`]).
///
/// Errors: `MissingData` (owner, unit, batch dates), `MissingGlyph`.
pub fn layout(n: &MoveInNotice) -> Result<Sheet, NoticeError> {
    crate::require_owner_and_unit(&n.owners, &n.unit)?;
    if n.last_day < n.first_day {
        return Err(NoticeError::MissingData {
            what: "正确的入伙日期".into(),
        });
    }
    let mut sheet = Sheet::new("入伙通知书", Paper::A4, n.letterhead.clone())?;
    sheet.title("入伙通知书")?;
    sheet.paragraph(11.0, &format!("尊敬的{}业主：", n.owners.join("、")))?;
    sheet.paragraph(
        10.5,
        &format!(
            "　　您购买的{}{}已具备交付条件。请您于{}至{}期间，携带下列资料前来办理入伙手续。",
            n.project,
            n.unit,
            cn_date(n.first_day),
            cn_date(n.last_day)
        ),
    )?;
    sheet.fields(
        10.0,
        2,
        &[
            ("项目", n.project.clone()),
            ("房号", n.unit.clone()),
            ("业主", n.owners.join("、")),
            ("合同编号", n.contract_number.clone()),
            ("入伙批次", n.batch.clone()),
            (
                "预约时段",
                n.appointment.clone().unwrap_or_else(|| "尚未预约，请致电服务中心预约".into()),
            ),
            ("办理地点", n.place.clone()),
            ("服务电话", n.letterhead.phone.clone()),
        ],
    )?;
    sheet.paragraph(10.5, "一、请携带以下资料：")?;
    for (i, d) in n.documents.iter().enumerate() {
        sheet.paragraph(10.0, &format!("　　{}. {}", i + 1, d))?;
    }
    sheet.paragraph(10.5, "二、办理时应缴款项：")?;
    if n.amounts.is_empty() {
        sheet.paragraph(10.0, "　　无。")?;
    } else {
        amounts_table(&mut sheet, &n.amounts)?;
    }
    sheet.paragraph(
        9.5,
        "三、如由他人代办，请代办人携带业主签字的委托书及代办人身份证原件。如需改约，请提前一天致电服务中心。",
    )?;
    sheet.signatures(&["物业服务中心"])?;
    sheet.paragraph(9.5, &format!("发出日期：{}", cn_date(n.issued_on)))?;
    Ok(sheet)
}

/// The amounts as a table (item, basis, amount), a 合计 row that is the sum of the printed lines,
/// and the total in Chinese capitals from the fee engine.
///
/// Errors: `MissingData` when the total cannot be written in capitals; `MissingGlyph`.
pub fn amounts_table(sheet: &mut Sheet, amounts: &[AmountDue]) -> Result<(), NoticeError> {
    sheet.table(
        vec![
            Column::new("项目", 50.0, Align::Left),
            Column::new("计算依据", 95.0, Align::Left),
            Column::new("金额（元）", 35.0, Align::Right),
        ],
        9.5,
    )?;
    for a in amounts {
        sheet.row(&[a.item.clone(), a.basis.clone(), money(a.amount)])?;
    }
    let total: Decimal = amounts.iter().map(|a| a.amount).sum();
    sheet.row(&["合计".into(), String::new(), money(total)])?;
    sheet.end_table();
    let capitals = fees::capitals::write(total).ok_or_else(|| NoticeError::MissingData {
        what: "可大写的合计金额".into(),
    })?;
    sheet.paragraph(10.0, &format!("合计人民币大写：{capitals}"))
}

/// Render one notice.
///
/// Errors: as [`layout`].
pub fn render(n: &MoveInNotice) -> Result<Vec<u8>, NoticeError> {
    layout(n)?.finish()
}

/// "2026年12月5日".
pub fn cn_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The documents an owner brings, from the customer-service handbook (defaults for a project).
pub fn default_documents() -> Vec<String> {
    [
        "入伙通知书（本通知）",
        "业主身份证原件及复印件（共有人均需到场或出具委托书）",
        "商品房买卖合同原件",
        "购房款、面积差价结清凭证",
        "代办人：业主签字的委托书及代办人身份证原件",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Built-in sample.
pub fn sample() -> MoveInNotice {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
    MoveInNotice {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        contract_number: "HT000001".into(),
        batch: "第一批（1–2栋）".into(),
        first_day: d(12, 5),
        last_day: d(12, 7),
        appointment: Some("2026-12-05 上午 09:00–12:00".into()),
        place: "示例花园会所一楼 入伙大厅 1–5 号窗口".into(),
        documents: default_documents(),
        amounts: vec![
            AmountDue {
                item: "专项维修资金".into(),
                basis: "建筑面积 89.50 ㎡ × 80.00 元/㎡".into(),
                amount: Decimal::new(716_000, 2),
            },
            AmountDue {
                item: "首期物业服务费（3 个月）".into(),
                basis: "建筑面积 89.50 ㎡ × 3.50 元/㎡·月 × 3".into(),
                amount: Decimal::new(93_975, 2),
            },
        ],
        issued_on: d(11, 23),
    }
}
