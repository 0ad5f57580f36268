//! Writing a validated spreadsheet plan in one transaction, and undoing an import as a whole.

use crate::records::{insert_contract, unit_from, unit_select};
use crate::{audit, db_err, Actor, Store};
use domain::amount::to_hundredths;
use domain::model::{ImportRecord, Unit};
use domain::sheet::{ImportPlan, RowError, UnitKey, BUYER_SHEET, UNIT_SHEET};
use domain::{AppError, Result};
use sqlx::{Row, Sqlite, Transaction};
use std::collections::HashMap;

/// The result of checking a plan against the database.
pub enum ImportCheck {
    Written { import_id: i64, units: i64, contracts: i64 },
    Refused(Vec<RowError>),
}

struct Places {
    projects: HashMap<String, i64>,
    buildings: HashMap<(i64, String), i64>,
}

async fn project_id(tx: &mut Transaction<'_, Sqlite>, places: &mut Places, name: &str, import_id: i64) -> Result<i64> {
    if let Some(id) = places.projects.get(name) {
        return Ok(*id);
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE name = ?").bind(name).fetch_optional(&mut **tx).await.map_err(db_err)?;
    let id = match found {
        Some(id) => id,
        None => sqlx::query_scalar("INSERT INTO projects (name, import_id) VALUES (?, ?) RETURNING id")
            .bind(name)
            .bind(import_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?,
    };
    places.projects.insert(name.to_string(), id);
    Ok(id)
}

async fn building_id(tx: &mut Transaction<'_, Sqlite>, places: &mut Places, project: i64, name: &str, floors: i32, lift: bool, import_id: i64) -> Result<i64> {
    let key = (project, name.to_string());
    if let Some(id) = places.buildings.get(&key) {
        return Ok(*id);
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM buildings WHERE project_id = ? AND name = ?")
        .bind(project)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    let id = match found {
        Some(id) => id,
        None => sqlx::query_scalar("INSERT INTO buildings (project_id, name, floors, has_elevator, import_id) VALUES (?, ?, ?, ?, ?) RETURNING id")
            .bind(project)
            .bind(name)
            .bind(floors)
            .bind(i64::from(lift))
            .bind(import_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?,
    };
    places.buildings.insert(key, id);
    Ok(id)
}

async fn find_unit(tx: &mut Transaction<'_, Sqlite>, key: &UnitKey) -> Result<Option<i64>> {
    sqlx::query_scalar("SELECT u.id FROM units u JOIN buildings b ON b.id = u.building_id JOIN projects p ON p.id = u.project_id WHERE p.name = ? AND b.name = ? AND u.number = ?")
        .bind(&key.project)
        .bind(&key.building)
        .bind(&key.number)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)
}

fn row_err(sheet: &str, row: u32, column: &str, message: String) -> RowError {
    RowError { sheet: sheet.into(), row, column: column.into(), message }
}

impl Store {
    /// Write a plan in one transaction. Every row is checked against the database first (unit
    /// already there, contract number taken, unit with a live contract, contract on an unknown
    /// unit); if any row fails, nothing is written and every failure comes back.
    pub async fn apply_import(&self, actor: &Actor, file_name: &str, plan: &ImportPlan) -> Result<ImportCheck> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let import_id: i64 = sqlx::query_scalar("INSERT INTO imports (file_name, unit_count, contract_count, user_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id")
            .bind(file_name)
            .bind(count(plan.units.len()))
            .bind(count(plan.contracts.len()))
            .bind(actor.user_id)
            .bind(&actor.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let mut errors = Vec::new();
        let mut places = Places { projects: HashMap::new(), buildings: HashMap::new() };
        let mut unit_ids: HashMap<&UnitKey, i64> = HashMap::new();
        for u in &plan.units {
            if find_unit(&mut tx, &u.key).await?.is_some() {
                errors.push(row_err(UNIT_SHEET, u.row, "房号", format!("房屋 {} {} {} 已存在", u.key.project, u.key.building, u.key.number)));
                continue;
            }
            if !errors.is_empty() {
                continue; // keep checking, stop writing
            }
            let p = project_id(&mut tx, &mut places, &u.key.project, import_id).await?;
            let b = building_id(&mut tx, &mut places, p, &u.key.building, u.floors, u.has_elevator, import_id).await?;
            let opt = |f: &str, v: Option<rust_decimal::Decimal>| v.map(|v| to_hundredths(f, v)).transpose();
            let row = sqlx::query(
                "INSERT INTO units (project_id, building_id, number, floor, property_type, forecast_gross_area, forecast_internal_area, surveyed_gross_area, surveyed_internal_area, status, import_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(p)
            .bind(b)
            .bind(&u.key.number)
            .bind(u.floor)
            .bind(u.property_type.as_str())
            .bind(to_hundredths("forecast_gross_area", u.forecast_gross_area)?)
            .bind(opt("forecast_internal_area", u.forecast_internal_area)?)
            .bind(opt("surveyed_gross_area", u.surveyed_gross_area)?)
            .bind(opt("surveyed_internal_area", u.surveyed_internal_area)?)
            .bind(u.status.as_str())
            .bind(import_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let id: i64 = row.try_get("id").map_err(db_err)?;
            unit_ids.insert(&u.key, id);
            let after = serde_json::json!({ "project": u.key.project, "building": u.key.building, "number": u.key.number, "import_id": import_id });
            audit::write(&mut tx, actor, "unit", id, "import", None::<&()>, Some(&after)).await?;
        }
        let mut written = 0i64;
        for c in &plan.contracts {
            let unit_id = match unit_ids.get(&c.key) {
                Some(id) => Some(*id),
                None => find_unit(&mut tx, &c.key).await?,
            };
            let Some(unit_id) = unit_id else {
                errors.push(row_err(BUYER_SHEET, c.first_row, "房号", format!("找不到房屋 {} {} {}（须先在房源表中）", c.key.project, c.key.building, c.key.number)));
                continue;
            };
            if !errors.is_empty() {
                // Still report contract-level conflicts, without writing.
                let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE number = ?").bind(&c.contract.number).fetch_one(&mut *tx).await.map_err(db_err)?;
                if taken > 0 {
                    errors.push(row_err(BUYER_SHEET, c.first_row, "合同编号", format!("合同编号“{}”已存在", c.contract.number)));
                }
                continue;
            }
            let input = domain::model::ContractInput { unit_id, ..c.contract.clone() };
            match insert_contract(&mut tx, actor, &input, Some(import_id)).await {
                Ok(_) => written += 1,
                Err(e) if e.code == domain::ErrorCode::Conflict => {
                    let column = if e.field.as_deref() == Some("number") { "合同编号" } else { "房号" };
                    errors.push(row_err(BUYER_SHEET, c.first_row, column, e.message));
                }
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            tx.rollback().await.map_err(db_err)?;
            errors.sort_by(|a, b| (a.sheet.as_str(), a.row).cmp(&(b.sheet.as_str(), b.row)));
            return Ok(ImportCheck::Refused(errors));
        }
        let summary = serde_json::json!({ "file_name": file_name, "units": plan.units.len(), "contracts": written });
        audit::write(&mut tx, actor, "import", import_id, "import", None::<&()>, Some(&summary)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(ImportCheck::Written { import_id, units: count(plan.units.len()), contracts: written })
    }

    /// Remove everything an import created, as one transaction.
    ///
    /// Errors: `NotFound`; `Conflict` when it was already undone, or when records made after it
    /// (a contract signed on an imported unit) depend on it.
    pub async fn undo_import(&self, actor: &Actor, import_id: i64) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let undone: Option<Option<String>> = sqlx::query_scalar("SELECT undone_at FROM imports WHERE id = ?")
            .bind(import_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        match undone {
            None => return Err(AppError::not_found("导入记录")),
            Some(Some(at)) => return Err(AppError::conflict(format!("该次导入已于 {at} 撤销"))),
            Some(None) => {}
        }
        let foreign: Option<String> = sqlx::query_scalar(
            "SELECT c.number FROM contracts c JOIN units u ON u.id = c.unit_id WHERE u.import_id = ? AND (c.import_id IS NULL OR c.import_id <> ?) LIMIT 1",
        )
        .bind(import_id)
        .bind(import_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if let Some(n) = foreign {
            return Err(AppError::conflict(format!("导入后又在这些房屋上签订了合同（如 {n}），不能整体撤销")));
        }
        let contracts: Vec<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE import_id = ?").bind(import_id).fetch_all(&mut *tx).await.map_err(db_err)?;
        for id in &contracts {
            audit::write(&mut tx, actor, "contract", *id, "undo_import", Some(&serde_json::json!({ "import_id": import_id })), None::<&()>).await?;
        }
        let units: Vec<sqlx::sqlite::SqliteRow> = sqlx::query(concat!(unit_select!(), " WHERE u.import_id = ?"))
        .bind(import_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        for r in &units {
            let u: Unit = unit_from(r)?;
            audit::write(&mut tx, actor, "unit", u.id, "undo_import", Some(&u), None::<&()>).await?;
        }
        // Units of this import whose contracts were imported too: restore statuses of pre-existing units.
        let restore: Vec<i64> = sqlx::query_scalar("SELECT unit_id FROM contracts WHERE import_id = ?1 AND unit_id NOT IN (SELECT id FROM units WHERE import_id = ?1)")
            .bind(import_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        for q in [
            "DELETE FROM contract_parties WHERE contract_id IN (SELECT id FROM contracts WHERE import_id = ?1)",
            "DELETE FROM contracts WHERE import_id = ?1",
            "DELETE FROM units WHERE import_id = ?1",
            "DELETE FROM buyers WHERE import_id = ?1 AND id NOT IN (SELECT buyer_id FROM contract_parties)",
            "UPDATE buyers SET import_id = NULL WHERE import_id = ?1",
            "DELETE FROM buildings WHERE import_id = ?1 AND id NOT IN (SELECT building_id FROM units)",
            "UPDATE buildings SET import_id = NULL WHERE import_id = ?1",
            "DELETE FROM projects WHERE import_id = ?1 AND id NOT IN (SELECT project_id FROM buildings)",
            "UPDATE projects SET import_id = NULL WHERE import_id = ?1",
        ] {
            sqlx::query(q).bind(import_id).execute(&mut *tx).await.map_err(db_err)?;
        }
        for unit_id in restore {
            sqlx::query("UPDATE units SET status = 'available', version = version + 1 WHERE id = ? AND status = 'sold' AND id NOT IN (SELECT unit_id FROM contracts WHERE status = 'live')")
                .bind(unit_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        sqlx::query("UPDATE imports SET undone_at = ?, undone_by = ? WHERE id = ?")
            .bind(&actor.at)
            .bind(actor.user_id)
            .bind(import_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        audit::write(&mut tx, actor, "import", import_id, "undo_import", None::<&()>, None::<&()>).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }

    pub async fn imports(&self) -> Result<Vec<ImportRecord>> {
        let rows = sqlx::query("SELECT i.*, u.username FROM imports i JOIN users u ON u.id = i.user_id ORDER BY i.id DESC")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ImportRecord {
                    id: r.try_get("id").map_err(db_err)?,
                    file_name: r.try_get("file_name").map_err(db_err)?,
                    unit_count: r.try_get("unit_count").map_err(db_err)?,
                    contract_count: r.try_get("contract_count").map_err(db_err)?,
                    username: r.try_get("username").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    undone_at: r.try_get("undone_at").map_err(db_err)?,
                })
            })
            .collect()
    }
}
