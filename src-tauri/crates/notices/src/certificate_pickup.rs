//! 领证通知单: the title certificate is ready — where and when to collect it, and what to bring.

use crate::layout::{Letterhead, Paper, Sheet};
use crate::NoticeError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePickup {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub owners: Vec<String>,
    pub certificate_number: String,
    pub place: String,
    pub from: chrono::NaiveDate,
    pub until: chrono::NaiveDate,
    pub hours: String,
    /// What to bring, one item a line.
    pub bring: Vec<String>,
    pub notified_on: chrono::NaiveDate,
}

/// Errors: `MissingData` (owner, unit, place), `MissingGlyph`.
pub fn render(c: &CertificatePickup) -> Result<Vec<u8>, NoticeError> {
    crate::require_owner_and_unit(&c.owners, &c.unit)?;
    if c.place.trim().is_empty() {
        return Err(NoticeError::MissingData {
            what: "领证地点".into()
        });
    }
    let mut sheet = Sheet::new("领证通知单", Paper::A4, c.letterhead.clone())?;
    sheet.title("不动产权证书领取通知单")?;
    sheet.paragraph(11.0, &format!("尊敬的 {} 业主：", c.owners.join("、")))?;
    sheet.paragraph(
        11.0,
        &format!(
            "您购买的{}{}的不动产权证书（证号：{}）已办理完毕，请于 {} 至 {} 期间（{}）到{}领取。",
            c.project, c.unit, c.certificate_number, c.from, c.until, c.hours, c.place
        ),
    )?;
    sheet.paragraph(11.0, "领取时请携带：")?;
    for (i, item) in c.bring.iter().enumerate() {
        sheet.paragraph(11.0, &format!("{}. {}", i + 1, item))?;
    }
    sheet.paragraph(
        10.0,
        "委托他人领取的，受托人须携带经公证的授权委托书及本人身份证原件。共有人须全部到场或出具委托书。",
    )?;
    sheet.paragraph(10.0, &format!("通知日期：{}", c.notified_on))?;
    sheet.signatures(&["领证人", "发证经办人"])?;
    sheet.finish()
}

/// Built-in sample.
pub fn sample() -> CertificatePickup {
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    CertificatePickup {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        certificate_number: "粤（2026）广州市不动产权第0123456号".into(),
        place: "示例花园销售中心二楼客服部".into(),
        from: d(2026, 12, 1),
        until: d(2026, 12, 31),
        hours: "工作日 9:00–17:30".into(),
        bring: vec![
            "全体产权人身份证原件".into(),
            "商品房买卖合同原件".into(),
            "契税、维修资金等缴款凭证原件".into(),
            "本通知单".into(),
        ],
        notified_on: d(2026, 11, 23),
    }
}
