//! A made-up but valid 房源表 + 买受人表, for new users to try the import, for the end-to-end test,
//! and for benchmarks. Deterministic: the same size gives the same workbook.

use crate::id_number::check_char;
use crate::model::PropertyType;
use crate::sheet::import_workbook;
use crate::Result;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华", "子涵",
    "浩然", "欣怡", "一鸣", "喆", "堃", "珺",
];

/// A mainland ID number that passes GB 11643, made from a running number.
pub fn id_number(n: u64) -> String {
    let region = ["110105", "310104", "440106", "330106", "510107"][(n % 5) as usize];
    let year = 1960 + (n % 40);
    let month = 1 + (n / 7) % 12;
    let day = 1 + (n / 3) % 28;
    let seq = n % 1000;
    let body = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
    let check = check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

fn name(n: u64) -> String {
    let s = SURNAMES[(n % SURNAMES.len() as u64) as usize];
    let g = GIVEN[((n / 16) % GIVEN.len() as u64) as usize];
    format!("{s}{g}")
}

/// A workbook with `units` units in buildings of 18 floors × 4 units, about 70% sold; each sold
/// unit has a contract, every third with a co-owner.
pub fn workbook(project: &str, units: usize) -> Result<Vec<u8>> {
    workbook_numbered(project, units, "HT")
}

/// As [`workbook`], with contract numbers `<prefix>000001`, … (numbers are unique across projects).
pub fn workbook_numbered(project: &str, units: usize, contract_prefix: &str) -> Result<Vec<u8>> {
    let mut unit_rows = Vec::with_capacity(units);
    let mut buyer_rows = Vec::new();
    let per_building = 18 * 4;
    for i in 0..units {
        let b = i / per_building + 1;
        let within = i % per_building;
        let floor = within / 4 + 1;
        let number = format!("{}-{}{:02}", b, floor, within % 4 + 1);
        let building = format!("{b}栋");
        let gross = ["89.50", "120.00", "140.00", "143.27"][i % 4];
        let internal = ["72.30", "98.16", "115.02", "118.40"][i % 4];
        let sold = i % 10 < 7;
        unit_rows.push(
            [
                project,
                &building,
                "18",
                "有",
                &number,
                &floor.to_string(),
                PropertyType::Residential.label(),
                gross,
                internal,
                "",
                "",
                if sold { "已售" } else { "未售" },
            ]
            .map(String::from)
            .to_vec(),
        );
        if sold {
            let n = i as u64;
            let contract = format!("{contract_prefix}{:06}", i + 1);
            let price = ["1500000.00", "2160000.00", "2520000.00", "2865400.00"][i % 4];
            let unit_price = ["16759.78", "18000.00", "18000.00", "20000.00"][i % 4];
            let co = i % 3 == 0;
            let share = if co { "50" } else { "100" };
            let phone = format!("13{}{:08}", 5 + n % 5, 10_000_000 + n * 7 % 89_999_999);
            buyer_rows.push(
                [
                    &contract,
                    project,
                    &building,
                    &number,
                    "2025-03-01",
                    price,
                    unit_price,
                    "按建筑面积",
                    "按揭贷款",
                    "已备案",
                    &name(n),
                    "居民身份证",
                    &id_number(n),
                    &phone,
                    "广州市天河区体育西路 1 号",
                    share,
                ]
                .map(String::from)
                .to_vec(),
            );
            if co {
                let m = n + 500_000;
                let phone2 = format!("18{}{:08}", n % 10, 20_000_000 + n * 3 % 79_999_999);
                buyer_rows.push(
                    [
                        &contract,
                        project,
                        &building,
                        &number,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        &name(m),
                        "居民身份证",
                        &id_number(m),
                        &phone2,
                        "",
                        "50",
                    ]
                    .map(String::from)
                    .to_vec(),
                );
            }
        }
    }
    import_workbook(unit_rows, buyer_rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn sample_ids_are_valid_and_workbook_reads_back() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        for n in [0, 1, 99, 500_123] {
            assert!(crate::id_number::validate("f", &id_number(n), today).is_ok(), "{}", id_number(n));
        }
        let plan = crate::sheet::read_workbook(&workbook("示例花园", 100).expect("wb"), today)
            .expect("readable")
            .expect("valid");
        assert_eq!(plan.units.len(), 100);
        assert_eq!(plan.contracts.len(), 70);
        assert!(plan.contracts.iter().any(|c| c.contract.parties.len() == 2));
    }
}
