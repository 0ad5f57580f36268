//! 钥匙交接单: the key set handed to the owner at move-in — key numbers and counts per type, door
//! cards — with signature lines for the owner and the property office.

use crate::layout::{Align, Column, Letterhead, Paper, Sheet};
use crate::NoticeError;

/// One kind of key in the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLine {
    /// 入户门钥匙, 信箱钥匙, 门禁卡…
    pub kind: String,
    pub count: u32,
    /// Key or card numbers.
    pub numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHandover {
    pub letterhead: Letterhead,
    pub project: String,
    pub unit: String,
    pub owners: Vec<String>,
    pub handed_on: chrono::NaiveDate,
    pub keys: Vec<KeyLine>,
    pub remarks: String,
}

/// Errors: `MissingData` (owner, unit, no keys), `MissingGlyph`.
pub fn render(k: &KeyHandover) -> Result<Vec<u8>, NoticeError> {
    crate::require_owner_and_unit(&k.owners, &k.unit)?;
    if k.keys.is_empty() {
        return Err(NoticeError::MissingData {
            what: "钥匙清单".into()
        });
    }
    let mut sheet = Sheet::new("钥匙交接单", Paper::A5Landscape, k.letterhead.clone())?;
    sheet.title("钥匙交接单")?;
    sheet.fields(
        9.0,
        2,
        &[
            ("项目", k.project.clone()),
            ("房号", k.unit.clone()),
            ("业主", k.owners.join("、")),
            ("交接日期", k.handed_on.to_string()),
        ],
    )?;
    sheet.table(
        vec![
            Column::new("钥匙类型", 40.0, Align::Left),
            Column::new("数量", 18.0, Align::Right),
            Column::new("编号", 122.0, Align::Left),
        ],
        9.0,
    )?;
    for line in &k.keys {
        sheet.row(&[line.kind.clone(), line.count.to_string(), line.numbers.join("、")])?;
    }
    let total: u32 = k.keys.iter().map(|l| l.count).sum();
    sheet.row(&["合计".into(), total.to_string(), String::new()])?;
    sheet.end_table();
    if !k.remarks.trim().is_empty() {
        sheet.paragraph(8.5, &format!("备注：{}", k.remarks))?;
    }
    sheet.paragraph(8.5, "业主已当面清点上述钥匙并试开无误。钥匙遗失请及时告知物业服务中心。")?;
    sheet.signatures(&["业主", "物业经办人"])?;
    sheet.finish()
}

/// Built-in sample.
pub fn sample() -> KeyHandover {
    KeyHandover {
        letterhead: crate::sample_letterhead(),
        project: "示例花园".into(),
        unit: "1栋 1-101".into(),
        owners: vec!["王喆".into(), "李堃".into()],
        handed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        keys: vec![
            KeyLine {
                kind: "入户门钥匙".into(),
                count: 3,
                numbers: vec!["A-1101-01".into(), "A-1101-02".into(), "A-1101-03".into()],
            },
            KeyLine {
                kind: "信箱钥匙".into(),
                count: 2,
                numbers: vec!["XB-1101-1".into(), "XB-1101-2".into()],
            },
            KeyLine {
                kind: "门禁卡".into(),
                count: 2,
                numbers: vec!["MJ0088123".into(), "MJ0088124".into()],
            },
        ],
        remarks: "车库遥控器待车位交付时另行交接。".into(),
    }
}
