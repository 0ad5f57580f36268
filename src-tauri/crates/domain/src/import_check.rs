//! An import plan checked against what the database already holds: the rules that make a row of a
//! 房源表 or 买受人表 fail although it is valid on its own. The store reads the facts (inside the
//! import's transaction) and this decides, so every backend refuses the same rows with the same words.

use crate::sheet::{ImportPlan, RowError, UnitKey, BUYER_SHEET, UNIT_SHEET};
use std::collections::{HashMap, HashSet};

/// What the database holds that a plan may collide with.
#[derive(Debug, Default, Clone)]
pub struct Existing {
    /// Units already recorded (in the projects the plan names).
    pub units: HashSet<UnitKey>,
    /// Contract numbers already taken (of those the plan uses).
    pub contract_numbers: HashSet<String>,
    /// Units that already have a live contract.
    pub live_units: HashSet<UnitKey>,
}

fn row_err(sheet: &str, row: u32, column: &str, message: String) -> RowError {
    RowError {
        sheet: sheet.into(),
        row,
        column: column.into(),
        message,
    }
}

/// Every row the database refuses, in sheet and row order: a unit already there, a contract
/// number taken, a contract on a unit that has a live one, a contract on a unit neither in the
/// database nor in the file, two contracts for one unit in the file.
pub fn refusals(plan: &ImportPlan, existing: &Existing) -> Vec<RowError> {
    let mut errors = Vec::new();
    for u in &plan.units {
        if existing.units.contains(&u.key) {
            errors.push(row_err(
                UNIT_SHEET,
                u.row,
                "房号",
                format!("房屋 {} {} {} 已存在", u.key.project, u.key.building, u.key.number),
            ));
        }
    }
    let in_plan: HashSet<&UnitKey> = plan.units.iter().map(|u| &u.key).collect();
    let mut seen_units: HashMap<&UnitKey, &str> = HashMap::new();
    for c in &plan.contracts {
        let (row, n) = (c.first_row, &c.contract.number);
        if existing.contract_numbers.contains(n) {
            errors.push(row_err(BUYER_SHEET, row, "合同编号", format!("合同编号“{n}”已存在")));
        }
        if existing.live_units.contains(&c.key) {
            errors.push(row_err(
                BUYER_SHEET,
                row,
                "房号",
                format!("房屋 {} 已有有效合同，须先解除原合同", c.key.number),
            ));
        } else if !existing.units.contains(&c.key) && !in_plan.contains(&c.key) {
            errors.push(row_err(
                BUYER_SHEET,
                row,
                "房号",
                format!("找不到房屋 {} {} {}（须先在房源表中）", c.key.project, c.key.building, c.key.number),
            ));
        }
        if let Some(other) = seen_units.insert(&c.key, n) {
            errors.push(row_err(
                BUYER_SHEET,
                row,
                "房号",
                format!("同一房屋在本文件中有两份合同（{other} 与 {n}）"),
            ));
        }
    }
    errors.sort_by(|a, b| (a.sheet.as_str(), a.row).cmp(&(b.sheet.as_str(), b.row)));
    errors
}

/// Why an import cannot be undone as a whole, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoBlock {
    AlreadyUndone {
        at: String,
    },
    /// A contract was signed by hand on an imported unit after the import.
    LaterContract {
        number: String,
    },
    /// An imported contract has a saved fee quote.
    SavedQuote {
        number: String,
    },
}

impl UndoBlock {
    pub fn refusal(&self) -> crate::AppError {
        crate::AppError::conflict(match self {
            UndoBlock::AlreadyUndone { at } => format!("该次导入已于 {at} 撤销"),
            UndoBlock::LaterContract { number } => {
                format!("导入后又在这些房屋上签订了合同（如 {number}），不能整体撤销")
            }
            UndoBlock::SavedQuote { number } => format!("导入的合同已保存了税费测算（如 {number}），不能整体撤销"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::ImportPlan;

    fn plan() -> ImportPlan {
        let sample = crate::sample::workbook("示例花园", 3).expect("sample");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        crate::sheet::read_workbook(&sample, today)
            .expect("reads")
            .expect("sample is valid")
    }

    #[test]
    fn a_clean_plan_passes_and_each_collision_names_its_row() {
        let p = plan();
        assert!(refusals(&p, &Existing::default()).is_empty());
        let first = p.units[0].key.clone();
        let mut e = Existing::default();
        e.units.insert(first.clone());
        let errs = refusals(&p, &e);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            (errs[0].sheet.as_str(), errs[0].row, errs[0].column.as_str()),
            (UNIT_SHEET, p.units[0].row, "房号")
        );

        let c = &p.contracts[0];
        let mut e = Existing::default();
        e.contract_numbers.insert(c.contract.number.clone());
        e.live_units.insert(c.key.clone());
        let errs = refusals(&p, &e);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|r| r.sheet == BUYER_SHEET && r.row == c.first_row));
        assert!(errs.iter().any(|r| r.message.contains("有效合同")));
    }

    #[test]
    fn contracts_need_a_unit_and_one_contract_per_unit() {
        let mut p = plan();
        p.units.clear();
        let errs = refusals(&p, &Existing::default());
        assert_eq!(errs.len(), p.contracts.len(), "every contract lacks its unit: {errs:?}");
        assert!(errs[0].message.contains("找不到房屋"));
        let mut p = plan();
        let mut twin = p.contracts[0].clone();
        twin.contract.number = "DUP-2".into();
        twin.first_row = 99;
        p.contracts.push(twin);
        let errs = refusals(&p, &Existing::default());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].row, 99);
        assert!(errs[0].message.contains("两份合同"), "{}", errs[0].message);
    }

    #[test]
    fn undo_blocks_are_worded() {
        let e = UndoBlock::SavedQuote { number: "HT-1".into() }.refusal();
        assert_eq!(e.code, crate::ErrorCode::Conflict);
        assert!(e.message.contains("HT-1"));
    }
}

/// Who may undo an import: whoever made it, or a manager or an administrator (a clerk cannot
/// undo a colleague's import).
pub fn refuse_undo_by(role: crate::role::Role, own: bool) -> Result<(), crate::AppError> {
    use crate::role::Role;
    if own || matches!(role, Role::Manager | Role::Admin) {
        return Ok(());
    }
    Err(crate::AppError::new(
        crate::ErrorCode::Forbidden,
        "只能撤销自己的导入；他人的导入请由主管或系统管理员撤销",
    ))
}

#[cfg(test)]
mod undo_tests {
    use super::refuse_undo_by;
    use crate::role::Role;

    #[test]
    fn a_clerk_undoes_only_their_own_import() {
        assert!(refuse_undo_by(Role::Clerk, true).is_ok());
        assert_eq!(
            refuse_undo_by(Role::Clerk, false).expect_err("other").code,
            crate::ErrorCode::Forbidden
        );
        assert!(refuse_undo_by(Role::Manager, false).is_ok());
        assert!(refuse_undo_by(Role::Admin, false).is_ok());
    }
}
