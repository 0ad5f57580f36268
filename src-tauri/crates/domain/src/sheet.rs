//! Spreadsheets: the 房源表 (unit list) and 买受人表 (buyers with their contracts) a sales office keeps
//! in Excel, read with `calamine` and validated row by row before anything is written; and `.xlsx`
//! export of any list with `rust_xlsxwriter`.
//!
//! One workbook may hold either sheet or both. A sheet is recognised by its headers (any order);
//! every problem is reported as (sheet, row, column, message) so the user can fix the file.

use crate::amount::{parse_decimal, positive_2dp};
use crate::model::{BuyerInput, ContractInput, FilingStatus, IdType, PartyInput, PaymentMethod, PricingBasis, PropertyType, UnitStatus};
use crate::{AppError, ErrorCode, Result};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Cursor;
use ts_rs::TS;

pub const UNIT_SHEET: &str = "房源表";
pub const BUYER_SHEET: &str = "买受人表";

/// Columns of the 房源表, in template order; `true` = required.
pub const UNIT_COLUMNS: &[(&str, bool)] = &[
    ("项目", true),
    ("楼栋", true),
    ("总层数", true),
    ("电梯", true),
    ("房号", true),
    ("楼层", true),
    ("物业类型", true),
    ("预测建筑面积", true),
    ("预测套内面积", false),
    ("实测建筑面积", false),
    ("实测套内面积", false),
    ("状态", false),
];

/// Columns of the 买受人表: one row per party; rows sharing a 合同编号 are one contract's co-owners.
pub const BUYER_COLUMNS: &[(&str, bool)] = &[
    ("合同编号", true),
    ("项目", true),
    ("楼栋", true),
    ("房号", true),
    ("签约日期", true),
    ("合同总价", true),
    ("单价", true),
    ("计价方式", false),
    ("付款方式", false),
    ("备案状态", false),
    ("姓名", true),
    ("证件类型", false),
    ("证件号码", true),
    ("电话", true),
    ("地址", false),
    ("份额", false),
];

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowError {
    pub sheet: String,
    /// The row number as Excel shows it (header is row 1).
    pub row: u32,
    pub column: String,
    pub message: String,
}

/// Where a unit stands: project, building, number. Used to match contracts to units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitKey {
    pub project: String,
    pub building: String,
    pub number: String,
}

/// A validated 房源表 row.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub row: u32,
    pub key: UnitKey,
    pub floors: i32,
    pub has_elevator: bool,
    pub floor: i32,
    pub property_type: PropertyType,
    pub forecast_gross_area: Decimal,
    pub forecast_internal_area: Option<Decimal>,
    pub surveyed_gross_area: Option<Decimal>,
    pub surveyed_internal_area: Option<Decimal>,
    pub status: UnitStatus,
}

/// A validated contract from the 买受人表; `unit_id` is 0 until the import resolves `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractRow {
    pub first_row: u32,
    pub key: UnitKey,
    pub contract: ContractInput,
}

/// Everything a workbook asks to write, already validated on its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub units: Vec<UnitRow>,
    pub contracts: Vec<ContractRow>,
}

/// Read and validate a workbook. Returns the plan, or every row-level problem found.
///
/// Errors: `ImportRejected` when the bytes are not an .xlsx workbook or no known sheet is in it;
/// otherwise problems come back as `Err(rows)` in the inner result.
pub fn read_workbook(bytes: &[u8], today: NaiveDate) -> Result<std::result::Result<ImportPlan, Vec<RowError>>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| AppError::new(ErrorCode::ImportRejected, format!("无法读取 Excel 文件（仅支持 .xlsx）：{e}")))?;
    let mut plan = ImportPlan::default();
    let mut errors = Vec::new();
    let mut recognised = false;
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| AppError::new(ErrorCode::ImportRejected, format!("无法读取工作表“{name}”：{e}")))?;
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        let Some(header) = rows.first() else { continue };
        let kind = if has_required(header, UNIT_COLUMNS) {
            Some(UNIT_SHEET)
        } else if has_required(header, BUYER_COLUMNS) {
            Some(BUYER_SHEET)
        } else {
            None
        };
        match kind {
            Some(UNIT_SHEET) => {
                recognised = true;
                let t = Table::new(&name, header);
                for (i, r) in rows.iter().enumerate().skip(1) {
                    if r.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    match t.unit_row(row_number(i), r) {
                        Ok(u) => plan.units.push(u),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Some(_) => {
                recognised = true;
                let t = Table::new(&name, header);
                t.contracts(&rows, today, &mut plan.contracts, &mut errors);
            }
            None => {}
        }
    }
    if !recognised {
        let need: Vec<&str> = UNIT_COLUMNS.iter().filter(|c| c.1).map(|c| c.0).collect();
        return Err(AppError::new(
            ErrorCode::ImportRejected,
            format!(
                "文件中没有可识别的房源表或买受人表：第一行应为表头，房源表须包含 {}",
                need.join("、")
            ),
        ));
    }
    duplicate_units(&plan.units, &mut errors);
    if errors.is_empty() {
        Ok(Ok(plan))
    } else {
        errors.sort_by(|a, b| (a.sheet.as_str(), a.row).cmp(&(b.sheet.as_str(), b.row)));
        Ok(Err(errors))
    }
}

fn row_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn has_required(header: &[String], cols: &[(&str, bool)]) -> bool {
    cols.iter()
        .filter(|c| c.1)
        .all(|(name, _)| header.iter().any(|h| h.trim() == *name))
}

fn duplicate_units(units: &[UnitRow], errors: &mut Vec<RowError>) {
    let mut seen: HashMap<&UnitKey, u32> = HashMap::new();
    for u in units {
        if let Some(first) = seen.insert(&u.key, u.row) {
            errors.push(RowError {
                sheet: UNIT_SHEET.into(),
                row: u.row,
                column: "房号".into(),
                message: format!("与第 {first} 行重复：{} {} {}", u.key.project, u.key.building, u.key.number),
            });
        }
    }
}

/// Cell text as a person reads it: numbers without float noise, dates as YYYY-MM-DD.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Excel keeps numbers as doubles; the shortest round-trip text is what the user typed.
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A sheet's header → column index, and typed getters that report (row, column).
struct Table<'a> {
    sheet: &'a str,
    index: HashMap<&'a str, usize>,
}

type Cell<T> = std::result::Result<T, RowError>;

impl<'a> Table<'a> {
    fn new(sheet: &'a str, header: &'a [String]) -> Self {
        let index = header.iter().enumerate().map(|(i, h)| (h.trim(), i)).collect();
        Table { sheet, index }
    }

    fn err(&self, row: u32, column: &str, message: impl Into<String>) -> RowError {
        RowError {
            sheet: self.sheet.to_string(),
            row,
            column: column.to_string(),
            message: message.into(),
        }
    }

    fn text<'r>(&self, r: &'r [String], column: &str) -> &'r str {
        self.index.get(column).and_then(|&i| r.get(i)).map(|s| s.trim()).unwrap_or("")
    }

    fn required<'r>(&self, row: u32, r: &'r [String], column: &str) -> Cell<&'r str> {
        let t = self.text(r, column);
        if t.is_empty() {
            Err(self.err(row, column, "不能为空"))
        } else {
            Ok(t)
        }
    }

    fn int(&self, row: u32, r: &[String], column: &str) -> Cell<i32> {
        let t = self.required(row, r, column)?;
        let v = t
            .trim_end_matches(".0")
            .parse::<i32>()
            .map_err(|_| self.err(row, column, format!("“{t}”不是整数")))?;
        Ok(v)
    }

    fn area(&self, row: u32, r: &[String], column: &str, required: bool) -> Cell<Option<Decimal>> {
        let t = self.text(r, column);
        if t.is_empty() {
            return if required {
                Err(self.err(row, column, "不能为空"))
            } else {
                Ok(None)
            };
        }
        let v = parse_decimal(column, column, t).and_then(|v| positive_2dp(column, column, round_sheet_noise(v)));
        v.map(Some).map_err(|e| self.err(row, column, e.message))
    }

    fn money(&self, row: u32, r: &[String], column: &str) -> Cell<Decimal> {
        let t = self.required(row, r, column)?;
        parse_decimal(column, column, t)
            .and_then(|v| positive_2dp(column, column, round_sheet_noise(v)))
            .map_err(|e| self.err(row, column, e.message))
    }

    fn code<T: Copy>(
        &self,
        row: u32,
        r: &[String],
        column: &str,
        parse: fn(&str) -> Option<T>,
        default: Option<T>,
        allowed: &str,
    ) -> Cell<T> {
        let t = self.text(r, column);
        if t.is_empty() {
            return default.ok_or_else(|| self.err(row, column, "不能为空"));
        }
        parse(t).ok_or_else(|| self.err(row, column, format!("“{t}”无效，应为：{allowed}")))
    }

    fn key(&self, row: u32, r: &[String]) -> Cell<UnitKey> {
        Ok(UnitKey {
            project: self.required(row, r, "项目")?.to_string(),
            building: self.required(row, r, "楼栋")?.to_string(),
            number: self.required(row, r, "房号")?.to_string(),
        })
    }

    fn unit_row(&self, row: u32, r: &[String]) -> Cell<UnitRow> {
        let key = self.key(row, r)?;
        let floors = self.int(row, r, "总层数")?;
        let floor = self.int(row, r, "楼层")?;
        if !(1..=200).contains(&floors) {
            return Err(self.err(row, "总层数", "总层数应在 1–200 之间"));
        }
        if floor == 0 || floor > floors || floor < -10 {
            return Err(self.err(row, "楼层", format!("楼层 {floor} 不在 -10 至 {floors} 之间（0 无效）")));
        }
        let has_elevator = match self.required(row, r, "电梯")? {
            "有" | "是" | "Y" | "y" | "1" => true,
            "无" | "否" | "N" | "n" | "0" => false,
            other => return Err(self.err(row, "电梯", format!("“{other}”无效，应为 有 或 无"))),
        };
        let labels = |all: &[PropertyType]| all.iter().map(|p| p.label()).collect::<Vec<_>>().join("/");
        Ok(UnitRow {
            row,
            key,
            floors,
            has_elevator,
            floor,
            property_type: self.code(row, r, "物业类型", PropertyType::parse_text, None, &labels(PropertyType::ALL))?,
            forecast_gross_area: self.area(row, r, "预测建筑面积", true)?.unwrap_or_default(),
            forecast_internal_area: self.area(row, r, "预测套内面积", false)?,
            surveyed_gross_area: self.area(row, r, "实测建筑面积", false)?,
            surveyed_internal_area: self.area(row, r, "实测套内面积", false)?,
            status: self.code(
                row,
                r,
                "状态",
                UnitStatus::parse_text,
                Some(UnitStatus::Available),
                "未售/已售/已交付/保留",
            )?,
        })
    }

    fn date(&self, row: u32, r: &[String], column: &str) -> Cell<NaiveDate> {
        let t = self.required(row, r, column)?;
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
            .or_else(|_| NaiveDate::parse_from_str(t, "%Y.%m.%d"))
            .map_err(|_| self.err(row, column, format!("“{t}”不是日期（如 2025-03-01）")))
    }

    /// Group rows by 合同编号 and validate each contract as the form would.
    fn contracts(&self, rows: &[Vec<String>], today: NaiveDate, out: &mut Vec<ContractRow>, errors: &mut Vec<RowError>) {
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<(u32, &Vec<String>)>> = HashMap::new();
        for (i, r) in rows.iter().enumerate().skip(1) {
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let row = row_number(i);
            match self.required(row, r, "合同编号") {
                Ok(n) => {
                    if !groups.contains_key(n) {
                        order.push(n.to_string());
                    }
                    groups.entry(n.to_string()).or_default().push((row, r));
                }
                Err(e) => errors.push(e),
            }
        }
        for number in order {
            let g = &groups[&number];
            match self.contract(&number, g, today) {
                Ok(c) => out.push(c),
                Err(e) => errors.push(e),
            }
        }
    }

    fn contract(&self, number: &str, g: &[(u32, &Vec<String>)], today: NaiveDate) -> Cell<ContractRow> {
        let (first, r0) = g[0];
        let key = self.key(first, r0)?;
        let mut parties = Vec::new();
        let share_default = if g.len() == 1 { Some(Decimal::ONE_HUNDRED) } else { None };
        for &(row, r) in g {
            if self.key(row, r)? != key {
                return Err(self.err(row, "房号", format!("同一合同 {number} 的各行房屋不一致")));
            }
            let share = match (self.text(r, "份额").trim_end_matches('%'), share_default) {
                ("", Some(d)) => d,
                ("", None) => return Err(self.err(row, "份额", "有多位共有人时须填写份额（%）")),
                (t, _) => parse_decimal("份额", "份额", t).map_err(|e| self.err(row, "份额", e.message))?,
            };
            parties.push(PartyInput {
                buyer: BuyerInput {
                    name: self.required(row, r, "姓名")?.to_string(),
                    id_type: self.code(
                        row,
                        r,
                        "证件类型",
                        IdType::parse_text,
                        Some(IdType::MainlandId),
                        "居民身份证/护照/…",
                    )?,
                    id_number: self.required(row, r, "证件号码")?.to_string(),
                    phone: self.required(row, r, "电话")?.to_string(),
                    address: self.text(r, "地址").to_string(),
                },
                share,
            });
        }
        let input = ContractInput {
            number: number.to_string(),
            unit_id: 0,
            signed_on: self.date(first, r0, "签约日期")?,
            total_price: self.money(first, r0, "合同总价")?,
            unit_price: self.money(first, r0, "单价")?,
            pricing_basis: self.code(
                first,
                r0,
                "计价方式",
                PricingBasis::parse_text,
                Some(PricingBasis::GrossArea),
                "按建筑面积/按套内面积/按套",
            )?,
            payment_method: self.code(
                first,
                r0,
                "付款方式",
                PaymentMethod::parse_text,
                Some(PaymentMethod::OneOff),
                "一次性付款/按揭贷款/分期付款",
            )?,
            filing_status: self.code(
                first,
                r0,
                "备案状态",
                FilingStatus::parse_text,
                Some(FilingStatus::NotFiled),
                "未备案/已网签/已备案",
            )?,
            parties,
        };
        let contract = input.validate(today).map_err(|e| self.field_error(g, e))?;
        Ok(ContractRow {
            first_row: first,
            key,
            contract,
        })
    }

    /// Map a form-level validation error (`parties[1].buyer.phone`) to the sheet row and column.
    fn field_error(&self, g: &[(u32, &Vec<String>)], e: AppError) -> RowError {
        let field = e.field.clone().unwrap_or_default();
        let (row, rest) = match field.strip_prefix("parties[").and_then(|s| s.split_once(']')) {
            Some((i, rest)) => (i.parse::<usize>().ok().and_then(|i| g.get(i)).map(|x| x.0).unwrap_or(g[0].0), rest),
            None => (g[0].0, field.as_str()),
        };
        let column = match rest.trim_start_matches('.') {
            "buyer.name" => "姓名",
            "buyer.id_number" => "证件号码",
            "buyer.phone" => "电话",
            "buyer.address" => "地址",
            "share" => "份额",
            "number" => "合同编号",
            "signed_on" => "签约日期",
            "total_price" => "合同总价",
            "unit_price" => "单价",
            _ => "份额",
        };
        self.err(row, column, e.message)
    }
}

/// Excel stores 89.5 as a double; text like "89.49999999999999" comes back from some writers.
/// Values within 1e-9 of a two-place number are taken as that number; others keep their places
/// (and are refused if more than two).
fn round_sheet_noise(v: Decimal) -> Decimal {
    let r = v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    if (v - r).abs() < Decimal::new(1, 9) {
        r
    } else {
        v
    }
}

/// A table to export: a sheet name, headers and text rows.
pub struct ExportTable<'a> {
    pub sheet: &'a str,
    pub headers: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
}

/// Write tables into one .xlsx workbook (one sheet each), headers bold and frozen.
///
/// Errors: `Io` when the workbook cannot be assembled.
pub fn write_workbook(tables: &[ExportTable<'_>]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let xerr = |e: rust_xlsxwriter::XlsxError| AppError::io(e);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet).map_err(xerr)?;
        for (c, h) in t.headers.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| AppError::internal("too many columns"))?;
            ws.write_string_with_format(0, c, *h, &bold).map_err(xerr)?;
            ws.set_column_width(c, 14).map_err(xerr)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| AppError::internal("too many rows"))?;
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| AppError::internal("too many columns"))?;
                ws.write_string(r, c, v).map_err(xerr)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// An import workbook: a 房源表 and a 买受人表 with the given text rows (in column order).
pub fn import_workbook(unit_rows: Vec<Vec<String>>, buyer_rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let unit_headers: Vec<&str> = UNIT_COLUMNS.iter().map(|c| c.0).collect();
    let buyer_headers: Vec<&str> = BUYER_COLUMNS.iter().map(|c| c.0).collect();
    write_workbook(&[
        ExportTable {
            sheet: UNIT_SHEET,
            headers: &unit_headers,
            rows: unit_rows,
        },
        ExportTable {
            sheet: BUYER_SHEET,
            headers: &buyer_headers,
            rows: buyer_rows,
        },
    ])
}

/// An empty import template with both sheets and their headers.
pub fn template() -> Result<Vec<u8>> {
    import_workbook(vec![], vec![])
}

/// Every cell of the first sheet as text (tests and diagnostics).
///
/// Errors: `ImportRejected` when the bytes are not a readable workbook.
pub fn debug_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| AppError::new(ErrorCode::ImportRejected, e.to_string()))?;
    let name = wb.sheet_names().first().cloned().unwrap_or_default();
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| AppError::new(ErrorCode::ImportRejected, e.to_string()))?;
    Ok(range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    fn workbook(units: Vec<Vec<&str>>, buyers: Vec<Vec<&str>>) -> Vec<u8> {
        let conv = |rows: Vec<Vec<&str>>| rows.into_iter().map(|r| r.into_iter().map(String::from).collect()).collect();
        import_workbook(conv(units), conv(buyers)).expect("workbook")
    }

    const UNIT_OK: [&str; 12] = ["翠湖苑", "1栋", "18", "有", "1-101", "1", "住宅", "89.50", "72.30", "", "", "已售"];

    #[test]
    fn reads_units_and_contracts() {
        let bytes = workbook(
            vec![
                UNIT_OK.to_vec(),
                vec!["翠湖苑", "1栋", "18", "有", "1-102", "1", "住宅", "120", "", "", "", ""],
            ],
            vec![
                vec![
                    "HT-1",
                    "翠湖苑",
                    "1栋",
                    "1-101",
                    "2025-03-01",
                    "1500000",
                    "16759.78",
                    "",
                    "按揭贷款",
                    "",
                    "张三",
                    "",
                    "11010519491231002X",
                    "13800138000",
                    "",
                    "50",
                ],
                vec![
                    "HT-1",
                    "翠湖苑",
                    "1栋",
                    "1-101",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "李四",
                    "护照",
                    "E12345678",
                    "13900139000",
                    "",
                    "50",
                ],
            ],
        );
        let plan = read_workbook(&bytes, today()).expect("readable").expect("valid");
        assert_eq!(plan.units.len(), 2);
        assert_eq!(plan.units[0].forecast_gross_area.to_string(), "89.50");
        assert_eq!(plan.units[1].status, UnitStatus::Available);
        assert_eq!(plan.contracts.len(), 1);
        let c = &plan.contracts[0].contract;
        assert_eq!(c.parties.len(), 2);
        assert_eq!(c.payment_method, PaymentMethod::Mortgage);
        assert_eq!(c.parties[1].buyer.id_type, IdType::Passport);
    }

    #[test]
    fn reports_every_bad_row_with_column() {
        let mut neg = UNIT_OK.to_vec();
        neg[4] = "1-103";
        neg[7] = "-5";
        let mut floor = UNIT_OK.to_vec();
        floor[4] = "1-104";
        floor[5] = "30";
        let bytes = workbook(
            vec![UNIT_OK.to_vec(), neg, floor, UNIT_OK.to_vec()],
            vec![vec![
                "HT-1",
                "翠湖苑",
                "1栋",
                "1-101",
                "2025-03-01",
                "1500000",
                "16759.78",
                "",
                "",
                "",
                "张三",
                "",
                "110105194912310021",
                "13800138000",
                "",
                "",
            ]],
        );
        let errors = read_workbook(&bytes, today()).expect("readable").expect_err("invalid");
        let find = |row: u32| errors.iter().find(|e| e.row == row && e.sheet == UNIT_SHEET).cloned();
        let e = find(3).expect("row 3");
        assert_eq!(e.column, "预测建筑面积");
        assert!(e.message.contains("必须大于 0"), "{e:?}");
        assert_eq!(find(4).expect("row 4").column, "楼层");
        let dup = find(5).expect("row 5");
        assert!(dup.message.contains("与第 2 行重复"), "{dup:?}");
        let b = errors.iter().find(|e| e.sheet == BUYER_SHEET).expect("buyer error");
        assert_eq!((b.row, b.column.as_str()), (2, "证件号码"));
        assert!(b.message.contains("校验位"));
    }

    #[test]
    fn malformed_file_is_refused_with_message() {
        let e = read_workbook(b"not a zip at all", today()).expect_err("garbage");
        assert_eq!(e.code, ErrorCode::ImportRejected);
        assert!(e.message.contains(".xlsx"));
        let other = write_workbook(&[ExportTable {
            sheet: "随便",
            headers: &["甲", "乙"],
            rows: vec![],
        }])
        .expect("wb");
        let e = read_workbook(&other, today()).expect_err("unknown sheet");
        assert!(e.message.contains("房源表"));
    }

    #[test]
    fn template_has_both_sheets_and_reads_back_empty() {
        let plan = read_workbook(&template().expect("template"), today())
            .expect("readable")
            .expect("valid");
        assert!(plan.units.is_empty() && plan.contracts.is_empty());
    }
}
