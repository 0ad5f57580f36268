//! Spreadsheets: the 房源表 (unit list) and 买受人表 (buyers with their contracts) a sales office keeps
//! in Excel, read with `calamine` and validated row by row before anything is written; and `.xlsx`
//! export of any list with `rust_xlsxwriter`.
//!
//! One workbook may hold either sheet or both. A sheet is recognised by its headers (any order);
//! every problem is reported as (sheet, row, column, message) so the user can fix the file.

use crate::amount::{parse_decimal, positive_2dp};
use crate::model::{BuyerInput, ContractInput, FilingStatus, IdType, PartyInput, PaymentMethod, PricingBasis, PropertyType, UnitStatus};
use crate::{AppError, ErrorCode, Result};
use calamine::{open_workbook_from_rs, DataRef, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Seek};
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

/// The largest import file read (an .xlsx of this size holds far more rows than any project).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
/// What the parts of an import file may unpack to together (sheets, shared strings, styles),
/// checked in the zip directory before anything is unpacked: a zip bomb is refused unread.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Rows a read sheet may use (Excel numbering, header included).
pub const MAX_SHEET_ROWS: u32 = 200_000;
/// Columns a read sheet may use: A to IV.
pub const MAX_SHEET_COLUMNS: u32 = 256;
/// Text kept from the known columns of all sheets of one file together.
pub const MAX_KEPT_TEXT_BYTES: usize = 64 * 1024 * 1024;

fn rejected(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::ImportRejected, message)
}

/// Open the bytes as a workbook, after the file-size and unpacked-size caps.
fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>> {
    const MB: usize = 1024 * 1024;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(rejected(format!(
            "文件过大（约 {} MB），导入文件不能超过 {} MB",
            bytes.len().div_ceil(MB),
            MAX_IMPORT_BYTES / MB
        )));
    }
    let not_xlsx = |e: &dyn std::fmt::Display| rejected(format!("无法读取 Excel 文件（仅支持 .xlsx）：{e}"));
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let unpacked = (0..zip.len())
        .filter_map(|i| zip.by_index_data(i).ok())
        .fold(0u64, |sum, f| sum.saturating_add(f.size()));
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(rejected(format!(
            "文件解压后超过 {} MB，不像是正常的房源表或买受人表，已拒绝读取",
            MAX_UNPACKED_BYTES / MB as u64
        )));
    }
    guarded("文件", || open_workbook_from_rs(Cursor::new(bytes))).and_then(|r| r.map_err(|e: calamine::XlsxError| not_xlsx(&e)))
}

/// Run one calamine call on the file's bytes, with a panic inside calamine refused as a damaged
/// `what` instead of taking the command down. Fuzzing found one: calamine 0.38 multiplies a
/// cell reference's column letters without a check (`r="AAAAAAAAAA1"`), which panics where
/// overflow checks are on (debug and test builds) and wraps otherwise.
fn guarded<T>(what: &str, call: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .map_err(|_| rejected(format!("{what}的内容已损坏（单元格引用或结构异常），无法读取")))
}

/// The sheets an import reads: visible worksheets, in workbook order. Hidden and very hidden
/// sheets, chart and macro sheets are skipped unread.
fn visible_worksheets<RS: Read + Seek>(wb: &Xlsx<RS>) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

/// Read and validate a workbook. Returns the plan, or every row-level problem found.
///
/// Only visible worksheets are read; a sheet whose first row is not a known header is skipped
/// after that row. Cells are streamed and checked against [`MAX_SHEET_ROWS`] ×
/// [`MAX_SHEET_COLUMNS`] before anything is kept, and only the known columns' text is kept.
///
/// Errors: `ImportRejected` when the bytes are not an .xlsx workbook, the file is larger than
/// [`MAX_IMPORT_BYTES`] or unpacks to more than [`MAX_UNPACKED_BYTES`], a read sheet has text
/// outside its shape cap or more than [`MAX_KEPT_TEXT_BYTES`] of text, or no known sheet is in
/// it; otherwise problems come back as `Err(rows)` in the inner result.
pub fn read_workbook(bytes: &[u8], today: NaiveDate) -> Result<std::result::Result<ImportPlan, Vec<RowError>>> {
    let mut wb = open(bytes)?;
    let mut plan = ImportPlan::default();
    let mut errors = Vec::new();
    let mut recognised = false;
    let mut budget = MAX_KEPT_TEXT_BYTES;
    for name in visible_worksheets(&wb) {
        let Some(sheet) = read_sheet(&mut wb, &name, &mut budget)? else {
            continue;
        };
        recognised = true;
        let t = Table::new(&name, sheet.columns);
        if sheet.columns == UNIT_COLUMNS {
            for (row, r) in &sheet.rows {
                match t.unit_row(*row, r) {
                    Ok(u) => plan.units.push(u),
                    Err(e) => errors.push(e),
                }
            }
        } else {
            t.contracts(&sheet.rows, today, &mut plan.contracts, &mut errors);
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

/// A recognised sheet's data rows: (Excel row number, the text of each of `columns` in order).
/// Only rows with some text are here (in any column: a row with text in other columns only
/// is reported, not skipped).
struct SheetRows {
    columns: &'static [(&'static str, bool)],
    rows: Vec<(u32, Vec<String>)>,
}

/// `A1`-style name of a zero-based cell position (`XFD1048576`).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), u64::from(row) + 1)
}

/// Stream one sheet. `None` when it is empty or its first row is not a known header (the rest of
/// it is then never read). Every cell with text is checked against the shape cap before it is
/// kept, and kept only if it is in a known column; `budget` is the text still allowed.
fn read_sheet<RS: Read + Seek>(wb: &mut Xlsx<RS>, name: &str, budget: &mut usize) -> Result<Option<SheetRows>> {
    let unreadable = |e: calamine::XlsxError| rejected(format!("无法读取工作表“{name}”：{e}"));
    let outside = |row: u32, col: u32| {
        rejected(format!(
            "工作表“{name}”的单元格 {} 超出可导入的范围（最多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列，即 {}），请删除表格以外的内容后再导入",
            cell_name(row, col),
            cell_name(MAX_SHEET_ROWS - 1, MAX_SHEET_COLUMNS - 1),
        ))
    };
    let sheet = format!("工作表“{name}”");
    let mut cells = guarded(&sheet, || wb.worksheet_cells_reader(name))?.map_err(unreadable)?;
    // The header: the first row with any text, read up to the first cell of the next row.
    let mut header_row = None;
    let mut header: BTreeMap<u32, String> = BTreeMap::new();
    let mut wide = None;
    let mut next = None;
    while let Some(cell) = guarded(&sheet, || cells.next_cell())?.map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        match header_row {
            None => header_row = Some(row),
            Some(h) if h != row => {
                next = Some((row, col, text));
                break;
            }
            Some(_) => {}
        }
        if col < MAX_SHEET_COLUMNS {
            header.insert(col, text);
        } else {
            wide.get_or_insert((row, col));
        }
    }
    let Some(header_row) = header_row else { return Ok(None) };
    let names: Vec<String> = header.values().cloned().collect();
    let columns = if has_required(&names, UNIT_COLUMNS) {
        UNIT_COLUMNS
    } else if has_required(&names, BUYER_COLUMNS) {
        BUYER_COLUMNS
    } else {
        return Ok(None);
    };
    if let Some((row, col)) = wide {
        return Err(outside(row, col));
    }
    if header_row >= MAX_SHEET_ROWS {
        return Err(outside(header_row, header.keys().next().copied().unwrap_or_default()));
    }
    // Sheet column → slot in `columns`; a header named twice is read from its rightmost column.
    let mut by_name: HashMap<&str, u32> = HashMap::new();
    for (col, h) in &header {
        by_name.insert(h.trim(), *col);
    }
    let slots: HashMap<u32, usize> = columns
        .iter()
        .enumerate()
        .filter_map(|(slot, (c, _))| by_name.get(c).map(|col| (*col, slot)))
        .collect();
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut keep = |row: u32, col: u32, text: String| -> Result<()> {
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(outside(row, col));
        }
        if row <= header_row {
            return Err(rejected(format!(
                "工作表“{name}”的行顺序异常（单元格 {} 出现在第 {} 行之后），请在 Excel 中重新保存后再导入",
                cell_name(row, col),
                u64::from(header_row) + 1
            )));
        }
        let cells = rows.entry(row).or_insert_with(|| vec![String::new(); columns.len()]);
        if let Some(slot) = slots.get(&col).and_then(|s| cells.get_mut(*s)) {
            *budget = budget.checked_sub(text.len()).ok_or_else(|| {
                rejected(format!(
                    "工作表“{name}”的文字内容过多（全部工作表合计超过 {} MB），无法导入",
                    MAX_KEPT_TEXT_BYTES / (1024 * 1024)
                ))
            })?;
            *slot = text;
        }
        Ok(())
    };
    // `next` is the first cell after the header; without one the sheet has ended (and its reader
    // must not be asked again: past `</sheetData>` it reports a truncated file).
    let Some((row, col, text)) = next else {
        return Ok(Some(SheetRows { columns, rows: Vec::new() }));
    };
    keep(row, col, text)?;
    while let Some(cell) = guarded(&sheet, || cells.next_cell())?.map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if !text.is_empty() {
            keep(row, col, text)?;
        }
    }
    Ok(Some(SheetRows {
        columns,
        rows: rows.into_iter().map(|(r, cells)| (r.saturating_add(1), cells)).collect(),
    }))
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

/// Cell text as a person reads it: numbers without float noise, dates as YYYY-MM-DD; trimmed.
fn cell_text(c: &DataRef<'_>) -> String {
    match c {
        DataRef::Empty => String::new(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        // Excel keeps numbers as doubles; the shortest round-trip text is what the user typed.
        DataRef::Float(x) => x.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// A sheet's column name → position in its rows, and typed getters that report (row, column).
struct Table<'a> {
    sheet: &'a str,
    index: HashMap<&'a str, usize>,
}

type Cell<T> = std::result::Result<T, RowError>;

impl<'a> Table<'a> {
    /// A table whose rows hold `columns`' text in that order.
    fn new(sheet: &'a str, columns: &'a [(&'a str, bool)]) -> Self {
        let index = columns.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
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
        let folded = crate::text::fold(t);
        let v = folded
            .trim()
            .trim_end_matches(".0")
            .parse::<i32>()
            .map_err(|_| self.err(row, column, format!("“{}”不是整数", crate::text::excerpt(t, 40))))?;
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
        crate::text::parse_date(column, "", t).map_err(|e| self.err(row, column, e.message))
    }

    /// Group rows by 合同编号 and validate each contract as the form would.
    fn contracts(&self, rows: &[(u32, Vec<String>)], today: NaiveDate, out: &mut Vec<ContractRow>, errors: &mut Vec<RowError>) {
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<(u32, &Vec<String>)>> = HashMap::new();
        for (row, r) in rows {
            let row = *row;
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
            let Some(g) = groups.get(&number) else { continue };
            match self.contract(&number, g, today) {
                Ok(c) => out.push(c),
                Err(e) => errors.push(e),
            }
        }
    }

    fn contract(&self, number: &str, g: &[(u32, &Vec<String>)], today: NaiveDate) -> Cell<ContractRow> {
        let Some(&(first, r0)) = g.first() else {
            return Err(self.err(0, "合同编号", format!("合同 {number} 没有数据行")));
        };
        let key = self.key(first, r0)?;
        let mut parties = Vec::new();
        let share_default = if g.len() == 1 { Some(Decimal::ONE_HUNDRED) } else { None };
        for &(row, r) in g {
            if self.key(row, r)? != key {
                return Err(self.err(row, "房号", format!("同一合同 {number} 的各行房屋不一致")));
            }
            let share_text = crate::text::fold(self.text(r, "份额"));
            let share = match (share_text.trim().trim_end_matches('%').trim(), share_default) {
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
        let first = g.first().map(|x| x.0).unwrap_or_default();
        let (row, rest) = match field.strip_prefix("parties[").and_then(|s| s.split_once(']')) {
            Some((i, rest)) => (i.parse::<usize>().ok().and_then(|i| g.get(i)).map(|x| x.0).unwrap_or(first), rest),
            None => (first, field.as_str()),
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
                ws.write_string(r, c, fit_cell(v).as_ref()).map_err(xerr)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// Excel's limit on one cell's text, in characters (UTF-16 units, as Excel counts).
pub const CELL_LIMIT: usize = 32_767;
const CUT_NOTE: &str = "……（超出 Excel 单元格上限，已截断）";

/// A cell's text as it fits in one Excel cell: a longer one (a large audit entry, say) is cut and
/// says so, instead of the whole export failing.
pub fn fit_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if v.encode_utf16().count() <= CELL_LIMIT {
        return std::borrow::Cow::Borrowed(v);
    }
    let room = CELL_LIMIT - CUT_NOTE.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for ch in v.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        out.push(ch);
    }
    out.push_str(CUT_NOTE);
    std::borrow::Cow::Owned(out)
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

/// Every cell of the first sheet as text, from its first used row and column (tests and
/// diagnostics). The same caps as an import apply.
///
/// Errors: `ImportRejected` when the bytes are not a readable workbook or exceed the caps.
pub fn debug_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let mut wb = open(bytes)?;
    let name = wb.sheet_names().first().cloned().unwrap_or_default();
    let sheet = format!("工作表“{name}”");
    let mut cells = guarded(&sheet, || wb.worksheet_cells_reader(&name))?.map_err(|e| rejected(e.to_string()))?;
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    let mut budget = MAX_KEPT_TEXT_BYTES;
    while let Some(cell) = guarded(&sheet, || cells.next_cell())?.map_err(|e| rejected(e.to_string()))? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(rejected(format!("单元格 {} 超出范围", cell_name(row, col))));
        }
        budget = budget.checked_sub(text.len()).ok_or_else(|| rejected("文字内容过多"))?;
        found.push((row, col, text));
    }
    let top = found.iter().map(|c| c.0).min().unwrap_or_default();
    let left = found.iter().map(|c| c.1).min().unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (row, col, text) in found {
        let (r, c) = ((row - top) as usize, (col - left) as usize);
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        if let Some(cells) = rows.get_mut(r) {
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            if let Some(slot) = cells.get_mut(c) {
                *slot = text;
            }
        }
    }
    // A range is rectangular: every row as wide as the widest.
    let width = rows.iter().map(Vec::len).max().unwrap_or_default();
    for r in &mut rows {
        r.resize(width, String::new());
    }
    Ok(rows)
}

#[cfg(test)]
mod cell_tests {
    use super::*;

    #[test]
    fn a_cell_longer_than_excel_allows_is_cut_and_says_so_and_the_export_succeeds() {
        assert_eq!(fit_cell("短"), "短");
        let long = "审".repeat(40_000) + "𠀀";
        let cut = fit_cell(&long);
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
        assert!(cut.ends_with("已截断）"));
        let bytes = write_workbook(&[ExportTable {
            sheet: "审计日志",
            headers: &["修改后"],
            rows: vec![vec![long]],
        }])
        .expect("an over-long cell no longer fails the export");
        assert!(!bytes.is_empty());
    }
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

    /// The workbook with one part's text changed (the zip written again, stored).
    fn rewrite(bytes: &[u8], part: &str, change: impl Fn(String) -> String) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("entry");
            let name = f.name().expect("name").to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            if name == part {
                data = change(String::from_utf8(data).expect("xml")).into_bytes();
            }
            out.start_file(name, stored).expect("start");
            out.write_all(&data).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    fn unit_header() -> Vec<&'static str> {
        UNIT_COLUMNS.iter().map(|c| c.0).collect()
    }

    /// A workbook of sheets built by `f` (rust_xlsxwriter), as bytes.
    fn build(f: impl FnOnce(&mut rust_xlsxwriter::Workbook) -> std::result::Result<(), rust_xlsxwriter::XlsxError>) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        f(&mut wb).expect("build");
        wb.save_to_buffer().expect("save")
    }

    fn write_row(ws: &mut rust_xlsxwriter::Worksheet, row: u32, cells: &[&str]) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, u16::try_from(c).expect("col"), *v)?;
        }
        Ok(())
    }

    #[test]
    fn a_far_away_cell_is_refused_while_streaming() {
        // A1 and XFD1048576: a dense grid would be ~1.7e10 cells.
        let bytes = build(|wb| {
            let ws = wb.add_worksheet().set_name(UNIT_SHEET)?;
            write_row(ws, 0, &unit_header())?;
            write_row(ws, 1, &UNIT_OK)?;
            ws.write_string(1_048_575, 16_383, "x")?;
            Ok(())
        });
        assert!(bytes.len() < 20_000, "a few KB: {}", bytes.len());
        let e = read_workbook(&bytes, today()).expect_err("refused");
        assert_eq!(e.code, ErrorCode::ImportRejected);
        assert_eq!(e.field, None, "file-level, like the other import refusals");
        assert!(e.message.contains("XFD1048576") && e.message.contains("房源表"), "{}", e.message);
        // Just past either cap, in a known column or not.
        for (row, col, name) in [(MAX_SHEET_ROWS, 0, "A200001"), (5, MAX_SHEET_COLUMNS, "IW6")] {
            let bytes = build(|wb| {
                let ws = wb.add_worksheet().set_name(UNIT_SHEET)?;
                write_row(ws, 0, &unit_header())?;
                ws.write_string(row, u16::try_from(col).expect("col"), "x")?;
                Ok(())
            });
            let e = read_workbook(&bytes, today()).expect_err(name);
            assert!(e.message.contains(name), "{name}: {}", e.message);
        }
        // A wide header cell counts too once the sheet is recognised.
        let bytes = build(|wb| {
            let ws = wb.add_worksheet().set_name(UNIT_SHEET)?;
            write_row(ws, 0, &unit_header())?;
            ws.write_string(0, 16_383, "备注")?;
            Ok(())
        });
        assert!(read_workbook(&bytes, today()).expect_err("wide header").message.contains("XFD1"));
        // The last row and column inside the caps are read (and an empty far cell is no cell).
        let bytes = build(|wb| {
            let ws = wb.add_worksheet().set_name(UNIT_SHEET)?;
            write_row(ws, 0, &unit_header())?;
            write_row(ws, MAX_SHEET_ROWS - 1, &UNIT_OK)?;
            ws.write_string(3, u16::try_from(MAX_SHEET_COLUMNS - 1).expect("col"), "备注")?;
            ws.write_blank(1_048_575, 16_383, &rust_xlsxwriter::Format::new().set_bold())?;
            Ok(())
        });
        let plan = read_workbook(&bytes, today()).expect("readable");
        let errors = plan.expect_err("row 4 has only a note");
        assert_eq!(errors.iter().map(|e| e.row).collect::<Vec<_>>(), vec![4]);
    }

    #[test]
    fn unrecognised_and_hidden_sheets_are_skipped_unread() {
        let bytes = build(|wb| {
            // An unrecognised note sheet with a far-away cell: skipped after its first row.
            let notes = wb.add_worksheet().set_name("说明")?;
            notes.write_string(0, 0, "填写说明")?;
            notes.write_string(1_048_575, 16_383, "x")?;
            // A hidden 房源表 full of junk rows and a far-away cell: never read.
            let hidden = wb.add_worksheet().set_name("旧房源表")?;
            write_row(hidden, 0, &unit_header())?;
            write_row(hidden, 1, &["垃圾"; 12])?;
            hidden.write_string(1_048_575, 16_383, "x")?;
            hidden.set_hidden(true);
            let ws = wb.add_worksheet().set_name(UNIT_SHEET)?;
            write_row(ws, 0, &unit_header())?;
            write_row(ws, 1, &UNIT_OK)?;
            Ok(())
        });
        let plan = read_workbook(&bytes, today()).expect("readable").expect("valid");
        assert_eq!(plan.units.len(), 1);
        assert_eq!(plan.units[0].key.number, "1-101");
        // The same hidden sheet shown again is read, and refused.
        let shown = rewrite(&bytes, "xl/workbook.xml", |x| x.replace(" state=\"hidden\"", ""));
        let e = read_workbook(&shown, today()).expect_err("visible junk");
        assert!(e.message.contains("旧房源表"), "{}", e.message);
    }

    #[test]
    fn oversized_files_and_zip_bombs_are_refused_before_reading() {
        let mut big = template().expect("template");
        big.resize(MAX_IMPORT_BYTES + 1, 0);
        let e = read_workbook(&big, today()).expect_err("too big");
        assert_eq!(e.code, ErrorCode::ImportRejected);
        assert!(e.message.contains("20 MB"), "{}", e.message);
        // A part that declares 300 MB unpacked (its real content is small: the zip reader would
        // stop at the declared size, so the declaration is what bounds the work).
        let mut bomb = template().expect("template");
        let at = bomb
            .windows(4)
            .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .expect("central directory");
        bomb[at + 24..at + 28].copy_from_slice(&(300u32 << 20).to_le_bytes());
        let e = read_workbook(&bomb, today()).expect_err("bomb");
        assert!(e.message.contains("解压后超过 200 MB"), "{}", e.message);
        assert!(debug_rows(&bomb).is_err());
    }

    #[test]
    fn rows_out_of_order_and_too_much_text_are_refused() {
        let bytes = workbook(vec![UNIT_OK.to_vec()], vec![]);
        // Move the data row above the header in the sheet's XML (Excel never writes this).
        let swapped = rewrite(&bytes, "xl/worksheets/sheet1.xml", |x| {
            x.replace("<row r=\"2\"", "<row r=\"0\"").replace("r=\"A2\"", "r=\"A1\"")
        });
        assert_ne!(swapped, bytes);
        let e = read_workbook(&swapped, today()).expect_err("out of order");
        assert_eq!(e.code, ErrorCode::ImportRejected);
        let mut wb = open(&bytes).expect("open");
        let mut budget = 10;
        let e = read_sheet(&mut wb, UNIT_SHEET, &mut budget).err().expect("budget");
        assert!(e.message.contains("文字内容过多"), "{}", e.message);
        let mut budget = MAX_KEPT_TEXT_BYTES;
        assert!(read_sheet(&mut wb, UNIT_SHEET, &mut budget).expect("read").is_some());
        assert_eq!(MAX_KEPT_TEXT_BYTES - budget, UNIT_OK.iter().map(|c| c.len()).sum::<usize>());
    }

    #[test]
    fn full_width_numbers_and_dates_in_cells_are_read() {
        let mut unit = UNIT_OK.to_vec();
        unit[2] = "１８";
        unit[7] = "８９．５０";
        let bytes = workbook(
            vec![unit],
            vec![vec![
                "HT-1",
                "翠湖苑",
                "1栋",
                "1-101",
                "２０２５年３月１日",
                "1，500，000",
                "16759。78",
                "",
                "",
                "",
                "张三",
                "",
                "１１０１０５１９４９１２３１００２ｘ",
                "１３８００１３８０００",
                "",
                "１００％",
            ]],
        );
        let plan = read_workbook(&bytes, today()).expect("readable").expect("valid");
        assert_eq!(plan.units[0].floors, 18);
        assert_eq!(plan.units[0].forecast_gross_area, Decimal::new(8950, 2));
        let c = &plan.contracts[0].contract;
        assert_eq!(c.signed_on, NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"));
        assert_eq!(c.total_price, Decimal::new(150_000_000, 2));
        assert_eq!(c.parties[0].buyer.id_number, "11010519491231002X");
        assert_eq!(c.parties[0].buyer.phone, "13800138000");
        assert_eq!(c.parties[0].share, Decimal::new(10000, 2));
    }

    #[test]
    fn a_cell_reference_that_overflows_calamine_is_refused() {
        // Found by the `workbook` fuzz target: eight column letters overflow calamine's u32.
        let bytes = workbook(vec![UNIT_OK.to_vec()], vec![]);
        let bad = rewrite(&bytes, "xl/worksheets/sheet1.xml", |x| x.replace("r=\"A2\"", "r=\"ZZZZZZZZZ2\""));
        assert_ne!(bad, bytes);
        let read = read_workbook(&bad, today());
        // Overflow checks are on in test builds: calamine panics, and the panic is a refusal.
        // (Without them the column wraps to some number; either way nothing crashes.)
        if cfg!(debug_assertions) {
            let e = read.expect_err("refused");
            assert_eq!(e.code, ErrorCode::ImportRejected);
            assert!(e.message.contains("房源表"), "{}", e.message);
            assert!(debug_rows(&bad).is_err());
        }
    }

    #[test]
    fn debug_rows_reads_the_first_sheet_as_a_range() {
        let bytes = build(|wb| {
            let ws = wb.add_worksheet();
            ws.write_string(2, 1, "甲")?;
            ws.write_number(3, 3, 89.5)?;
            Ok(())
        });
        assert_eq!(
            debug_rows(&bytes).expect("rows"),
            vec![
                vec!["甲".to_string(), String::new(), String::new()],
                vec![String::new(), String::new(), "89.5".to_string()]
            ]
        );
    }
}
