//! Writing a validated spreadsheet plan in one transaction, and undoing an import as a whole.

use super::records::{id_tail, unit_from, unit_select, upsert_buyer};
use super::rows::{all, exec, rows_per_statement};
use super::{audit, lock, refresh_statistics, Imp, Lock, Tx};
use super::{Db, DbRow};
use crate::types::ImportCheck;
use crate::{db_err, Actor};
use crate::{Error, Result};
use domain::amount::to_hundredths;
use domain::import_check::{self, Existing, UndoBlock};
use domain::model::{BuyerInput, ContractInput, ContractStatus, IdType, ImportRecord, Unit};
use domain::record::Entity;
use domain::sheet::{ImportPlan, UnitKey};
use domain::AppError;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

/// The tables an import writes in bulk that the record list counts and pages through, and those it
/// joins and searches (the audit log is read only by record, through its index): see
/// `refresh_statistics`.
const COUNTED: &[&str] = &["units"];
const PLANNED: &[&str] = &["projects", "buildings", "buyers", "contracts", "contract_parties"];

struct Places {
    projects: HashMap<String, i64>,
    buildings: HashMap<(i64, String), i64>,
}

/// The ids of the plan's projects and buildings, each created when not there yet (a new building
/// takes its floors and lift from its first unit row): a few statements for the whole plan.
async fn places(tx: &mut Tx, plan: &ImportPlan, import_id: i64) -> Result<Places> {
    let mut places = Places {
        projects: HashMap::new(),
        buildings: HashMap::new(),
    };
    let mut names: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for u in &plan.units {
        if seen.insert(u.key.project.as_str()) {
            names.push(&u.key.project);
        }
    }
    for chunk in names.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new("SELECT id, name FROM projects WHERE name IN (");
        let mut sep = qb.separated(", ");
        for n in chunk {
            sep.push_bind(n.to_string());
        }
        qb.push(")");
        let found: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
        places.projects.extend(found.into_iter().map(|(id, name)| (name, id)));
    }
    let new: Vec<&str> = names.into_iter().filter(|n| !places.projects.contains_key(*n)).collect();
    for chunk in new.chunks(rows_per_statement(2)) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO projects (name, import_id) ");
        qb.push_values(chunk, |mut q, n| {
            q.push_bind(n.to_string()).push_bind(import_id);
        });
        qb.push(" RETURNING id, name");
        let made: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
        places.projects.extend(made.into_iter().map(|(id, name)| (name, id)));
    }

    let mut wanted: Vec<(i64, &str, i32, bool)> = Vec::new();
    let mut seen = HashSet::new();
    for u in &plan.units {
        let project = *places
            .projects
            .get(&u.key.project)
            .ok_or_else(|| AppError::internal("project resolved above"))?;
        if seen.insert((project, u.key.building.as_str())) {
            wanted.push((project, &u.key.building, u.floors, u.has_elevator));
        }
    }
    let mut projects: Vec<i64> = places.projects.values().copied().collect();
    projects.sort_unstable();
    for chunk in projects.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new("SELECT id, project_id, name FROM buildings WHERE project_id IN (");
        let mut sep = qb.separated(", ");
        for p in chunk {
            sep.push_bind(*p);
        }
        qb.push(")");
        let found: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
        places.buildings.extend(found.into_iter().map(|(id, p, name)| ((p, name), id)));
    }
    let new: Vec<_> = wanted
        .into_iter()
        .filter(|(p, name, _, _)| !places.buildings.contains_key(&(*p, name.to_string())))
        .collect();
    for chunk in new.chunks(rows_per_statement(5)) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO buildings (project_id, name, floors, has_elevator, import_id) ");
        qb.push_values(chunk, |mut q, (p, name, floors, lift)| {
            q.push_bind(*p)
                .push_bind(name.to_string())
                .push_bind(*floors)
                .push_bind(i64::from(*lift))
                .push_bind(import_id);
        });
        qb.push(" RETURNING id, project_id, name");
        let made: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await.map_err(db_err)?;
        places.buildings.extend(made.into_iter().map(|(id, p, name)| ((p, name), id)));
    }
    Ok(places)
}

/// Existing units whose project is named in the plan, by key.
async fn existing_units(tx: &mut Tx, projects: &[&str]) -> Result<HashMap<UnitKey, i64>> {
    let mut out = HashMap::new();
    for chunk in projects.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT u.id, p.name AS project, b.name AS building, u.number FROM units u JOIN buildings b ON b.id = u.building_id JOIN projects p ON p.id = u.project_id WHERE p.name IN (",
        );
        let mut sep = qb.separated(", ");
        for p in chunk {
            sep.push_bind(p.to_string());
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut **tx).await.map_err(db_err)? {
            let key = UnitKey {
                project: r.try_get("project").map_err(db_err)?,
                building: r.try_get("building").map_err(db_err)?,
                number: r.try_get("number").map_err(db_err)?,
            };
            out.insert(key, r.try_get("id").map_err(db_err)?);
        }
    }
    Ok(out)
}

/// Which of `values` already exist in `column` of `table` (and match `extra`).
async fn existing_values(tx: &mut Tx, select: &'static str, values: &[String]) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in values.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new(select);
        let mut sep = qb.separated(", ");
        for v in chunk {
            sep.push_bind(v.clone());
        }
        qb.push(")");
        let rows: Vec<String> = qb.build_query_scalar().fetch_all(&mut **tx).await.map_err(db_err)?;
        out.extend(rows);
    }
    Ok(out)
}

impl Imp {
    /// Write a plan in one transaction. Every row is checked against the database first (unit
    /// already there, contract number taken, unit with a live contract, contract on an unknown
    /// unit); if any row fails, nothing is written and every failure comes back.
    ///
    /// Rows are written in multi-row statements ([`rows_per_statement`]): a 10,000-unit list is
    /// about a hundred statements, each a round trip to a server.
    pub async fn apply_import(&self, actor: &Actor, file_name: &str, plan: &ImportPlan) -> Result<ImportCheck> {
        let mut tx = self.write().await?;
        // The collision check reads thousands of rows and then writes: two imports at once would
        // each miss the other's new projects, buildings and units, so imports (and undos) take
        // turns under one advisory lock. A desk's write meanwhile is held off by the unique
        // indexes (a contract number, a unit, a live contract): the later writer gets `Duplicate`
        // and the import, all or nothing, leaves no partial rows.
        lock(&mut tx, Lock::Import).await?;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);

        // 1. Check everything against the database: the store reads the facts, the domain decides.
        let mut project_names: Vec<&str> = plan
            .units
            .iter()
            .map(|u| u.key.project.as_str())
            .chain(plan.contracts.iter().map(|c| c.key.project.as_str()))
            .collect();
        project_names.sort_unstable();
        project_names.dedup();
        let existing = existing_units(&mut tx, &project_names).await?;
        let numbers: Vec<String> = plan.contracts.iter().map(|c| c.contract.number.clone()).collect();
        let taken = existing_values(&mut tx, "SELECT number FROM contracts WHERE number IN (", &numbers).await?;
        let existing_ids: Vec<String> = plan
            .contracts
            .iter()
            .filter_map(|c| existing.get(&c.key))
            .map(|id| id.to_string())
            .collect();
        let live = existing_values(
            &mut tx,
            "SELECT CAST(unit_id AS TEXT) FROM contracts WHERE status = 'live' AND CAST(unit_id AS TEXT) IN (",
            &existing_ids,
        )
        .await?;
        let facts = Existing {
            live_units: existing
                .iter()
                .filter(|(_, id)| live.contains(&id.to_string()))
                .map(|(k, _)| k.clone())
                .collect(),
            units: existing.keys().cloned().collect(),
            contract_numbers: taken,
        };
        let errors = import_check::refusals(plan, &facts);
        if !errors.is_empty() {
            tx.rollback().await?;
            return Ok(ImportCheck::Refused(errors));
        }

        // 2. Write: the import record, places, units.
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO imports (file_name, unit_count, contract_count, user_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(file_name)
        .bind(count(plan.units.len()))
        .bind(count(plan.contracts.len()))
        .bind(actor.user_id)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let places = places(&mut tx, plan, import_id).await?;
        let mut rows = Vec::with_capacity(plan.units.len());
        for u in &plan.units {
            let p = *places
                .projects
                .get(&u.key.project)
                .ok_or_else(|| AppError::internal("project resolved above"))?;
            let b = *places
                .buildings
                .get(&(p, u.key.building.clone()))
                .ok_or_else(|| AppError::internal("building resolved above"))?;
            let opt = |f: &str, v: Option<rust_decimal::Decimal>| v.map(|v| to_hundredths(f, v)).transpose();
            rows.push((
                p,
                b,
                u,
                to_hundredths("forecast_gross_area", u.forecast_gross_area)?,
                opt("forecast_internal_area", u.forecast_internal_area)?,
                opt("surveyed_gross_area", u.surveyed_gross_area)?,
                opt("surveyed_internal_area", u.surveyed_internal_area)?,
            ));
        }
        let mut inserted: Vec<(i64, i64, String)> = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(rows_per_statement(11)) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO units (project_id, building_id, number, floor, property_type, forecast_gross_area, forecast_internal_area, surveyed_gross_area, surveyed_internal_area, status, import_id) ",
            );
            qb.push_values(chunk, |mut q, (p, b, u, fg, fi, sg, si)| {
                q.push_bind(*p)
                    .push_bind(*b)
                    .push_bind(u.key.number.clone())
                    .push_bind(u.floor)
                    .push_bind(u.property_type.as_str())
                    .push_bind(*fg)
                    .push_bind(*fi)
                    .push_bind(*sg)
                    .push_bind(*si)
                    .push_bind(u.status.as_str())
                    .push_bind(import_id);
            });
            qb.push(" RETURNING id, building_id, number");
            inserted.extend(
                qb.build_query_as::<(i64, i64, String)>()
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?,
            );
        }
        let mut unit_ids: HashMap<UnitKey, i64> = existing;
        let building_key: HashMap<i64, (String, String)> = places
            .buildings
            .iter()
            .map(|((p, b), id)| {
                let project = places
                    .projects
                    .iter()
                    .find(|(_, pid)| *pid == p)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                (*id, (project, b.clone()))
            })
            .collect();
        let mut audit_lines: Vec<audit::Line> = Vec::with_capacity(plan.units.len() + plan.contracts.len() + 1);
        for (id, b, number) in inserted {
            let (project, building) = building_key.get(&b).cloned().unwrap_or_default();
            let after = serde_json::json!({ "project": project, "building": building, "number": number, "import_id": import_id });
            audit_lines.push(("unit", id, "import", None, Some(after.to_string())));
            unit_ids.insert(UnitKey { project, building, number }, id);
        }

        // 3. Buyers: reuse those already known by ID (refreshing contact details), insert the rest.
        let mut id_numbers: Vec<&str> = plan
            .contracts
            .iter()
            .flat_map(|c| c.contract.parties.iter().map(|p| p.buyer.id_number.as_str()))
            .collect();
        id_numbers.sort_unstable();
        id_numbers.dedup();
        // Known buyers as stored: id, name, phone, address.
        let mut known: HashMap<(IdType, String), (i64, String, String, String)> = HashMap::new();
        for chunk in id_numbers.chunks(rows_per_statement(1)) {
            let mut qb = QueryBuilder::<Db>::new("SELECT id, id_type, id_number, name, phone, address FROM buyers WHERE id_number IN (");
            let mut sep = qb.separated(", ");
            for v in chunk {
                sep.push_bind(v.to_string());
            }
            qb.push(")");
            let found: Vec<(i64, String, String, String, String, String)> =
                qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
            for (id, t, number, name, phone, address) in found {
                if let Some(t) = IdType::parse(&t) {
                    known.insert((t, number), (id, name, phone, address));
                }
            }
        }
        let mut new_buyers: Vec<&BuyerInput> = Vec::new();
        let mut queued: HashSet<(IdType, &str)> = HashSet::new();
        for p in plan.contracts.iter().flat_map(|c| c.contract.parties.iter()) {
            let b = &p.buyer;
            match known.get_mut(&(b.id_type, b.id_number.clone())) {
                Some((_, name, phone, address)) => {
                    // Contact details that differ from the stored ones (as refreshed by an earlier
                    // row of this file) are refreshed, audited; the same ones cost no statement.
                    if *name != b.name || *phone != b.phone || *address != b.address {
                        upsert_buyer(&mut tx, actor, b, None).await?;
                        (*name, *phone, *address) = (b.name.clone(), b.phone.clone(), b.address.clone());
                    }
                }
                None => {
                    if queued.insert((b.id_type, b.id_number.as_str())) {
                        new_buyers.push(b);
                    }
                }
            }
        }
        let mut buyer_ids: HashMap<(IdType, String), i64> = known.into_iter().map(|(k, (id, ..))| (k, id)).collect();
        for chunk in new_buyers.chunks(rows_per_statement(8)) {
            let mut qb =
                QueryBuilder::<Db>::new("INSERT INTO buyers (name, id_type, id_number, id_tail, phone, phone_tail, address, import_id) ");
            qb.push_values(chunk, |mut q, b| {
                q.push_bind(b.name.clone())
                    .push_bind(b.id_type.as_str())
                    .push_bind(b.id_number.clone())
                    .push_bind(id_tail(&b.id_number))
                    .push_bind(b.phone.clone())
                    .push_bind(domain::phone::tail(&b.phone))
                    .push_bind(b.address.clone())
                    .push_bind(import_id);
            });
            qb.push(" RETURNING id, id_type, id_number");
            let made: Vec<(i64, String, String)> = qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
            for (id, t, number) in made {
                if let Some(t) = IdType::parse(&t) {
                    buyer_ids.insert((t, number), id);
                }
            }
        }

        // 4. Contracts, their parties, unit statuses.
        let mut contract_rows = Vec::with_capacity(plan.contracts.len());
        for c in &plan.contracts {
            let unit_id = *unit_ids.get(&c.key).ok_or_else(|| AppError::internal("unit resolved above"))?;
            contract_rows.push((
                unit_id,
                &c.contract,
                to_hundredths("total_price", c.contract.total_price)?,
                to_hundredths("unit_price", c.contract.unit_price)?,
            ));
        }
        let mut contract_ids: HashMap<String, i64> = HashMap::with_capacity(contract_rows.len());
        for chunk in contract_rows.chunks(rows_per_statement(10)) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO contracts (number, unit_id, signed_on, total_price, unit_price, pricing_basis, payment_method, filing_status, status, import_id) ",
            );
            qb.push_values(chunk, |mut q, (unit_id, c, total, unit)| {
                q.push_bind(c.number.clone())
                    .push_bind(*unit_id)
                    .push_bind(c.signed_on.to_string())
                    .push_bind(*total)
                    .push_bind(*unit)
                    .push_bind(c.pricing_basis.as_str())
                    .push_bind(c.payment_method.as_str())
                    .push_bind(c.filing_status.as_str())
                    .push_bind("live")
                    .push_bind(import_id);
            });
            qb.push(" RETURNING id, number");
            let made: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
            contract_ids.extend(made.into_iter().map(|(id, number)| (number, id)));
        }
        let mut parties = Vec::new();
        for (unit_id, c, _, _) in &contract_rows {
            let id = *contract_ids
                .get(&c.number)
                .ok_or_else(|| AppError::internal("contract inserted above"))?;
            for (pos, p) in c.parties.iter().enumerate() {
                let buyer = *buyer_ids
                    .get(&(p.buyer.id_type, p.buyer.id_number.clone()))
                    .ok_or_else(|| AppError::internal("buyer inserted above"))?;
                parties.push((id, count(pos), buyer, to_hundredths("share", p.share)?));
            }
            let snapshot = ContractInput {
                unit_id: *unit_id,
                ..(*c).clone()
            }
            .snapshot(ContractStatus::Live);
            audit_lines.push((
                "contract",
                id,
                "import",
                None,
                Some(serde_json::to_string(&snapshot).map_err(AppError::internal)?),
            ));
        }
        for chunk in parties.chunks(rows_per_statement(4)) {
            let mut qb = QueryBuilder::<Db>::new("INSERT INTO contract_parties (contract_id, position, buyer_id, share) ");
            qb.push_values(chunk, |mut q, (c, pos, b, share)| {
                q.push_bind(*c).push_bind(*pos).push_bind(*b).push_bind(*share);
            });
            qb.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        exec(sqlx::query("UPDATE units SET status = 'sold', version = version + 1 WHERE status = 'available' AND id IN (SELECT unit_id FROM contracts WHERE import_id = $1)")
            .bind(import_id), &mut *tx).await?;

        let summary = serde_json::json!({ "file_name": file_name, "units": plan.units.len(), "contracts": plan.contracts.len() });
        audit_lines.push(("import", import_id, "import", None, Some(summary.to_string())));
        audit::write_many(&mut tx, actor, &audit_lines).await?;
        tx.commit().await?;
        refresh_statistics(&self.pool, COUNTED, PLANNED).await;
        Ok(ImportCheck::Written {
            import_id,
            units: count(plan.units.len()),
            contracts: count(plan.contracts.len()),
        })
    }

    /// Remove everything an import created, as one transaction.
    ///
    /// Errors: `NotFound`; `Conflict` when it was already undone, or when records made after it
    /// (a contract signed on an imported unit) depend on it.
    pub async fn undo_import(&self, actor: &Actor, import_id: i64) -> Result<()> {
        let mut tx = self.write().await?;
        // Takes turns with imports (see `apply_import`); a contract signed on an imported unit at
        // the same moment is settled by the foreign keys (the later writer gets `Reference`).
        lock(&mut tx, Lock::Import).await?;
        let undone: Option<Option<String>> = sqlx::query_scalar("SELECT undone_at FROM imports WHERE id = $1")
            .bind(import_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        match undone {
            None => return Err(Error::NotFound(Entity::Import)),
            Some(Some(at)) => return Err(UndoBlock::AlreadyUndone { at }.refusal().into()),
            Some(None) => {}
        }
        let foreign: Option<String> = sqlx::query_scalar(
            "SELECT c.number FROM contracts c JOIN units u ON u.id = c.unit_id WHERE u.import_id = $1 AND (c.import_id IS NULL OR c.import_id <> $2) LIMIT 1",
        )
        .bind(import_id)
        .bind(import_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if let Some(n) = foreign {
            return Err(UndoBlock::LaterContract { number: n }.refusal().into());
        }
        let quoted: Option<String> =
            sqlx::query_scalar("SELECT c.number FROM fee_quotes q JOIN contracts c ON c.id = q.contract_id WHERE c.import_id = $1 LIMIT 1")
                .bind(import_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if let Some(n) = quoted {
            return Err(UndoBlock::SavedQuote { number: n }.refusal().into());
        }
        let contracts: Vec<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE import_id = $1")
            .bind(import_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        for id in &contracts {
            audit::write(
                &mut tx,
                actor,
                "contract",
                *id,
                "undo_import",
                Some(&serde_json::json!({ "import_id": import_id })),
                None::<&()>,
            )
            .await?;
        }
        let units: Vec<DbRow> = sqlx::query(concat!(unit_select!(), " WHERE u.import_id = $1"))
            .bind(import_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        for r in &units {
            let u: Unit = unit_from(r)?;
            audit::write(&mut tx, actor, "unit", u.id, "undo_import", Some(&u), None::<&()>).await?;
        }
        // Units of this import whose contracts were imported too: restore statuses of pre-existing units.
        let restore: Vec<i64> = sqlx::query_scalar(
            "SELECT unit_id FROM contracts WHERE import_id = $1 AND unit_id NOT IN (SELECT id FROM units WHERE import_id = $1)",
        )
        .bind(import_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        for q in [
            "DELETE FROM contract_parties WHERE contract_id IN (SELECT id FROM contracts WHERE import_id = $1)",
            "DELETE FROM contracts WHERE import_id = $1",
            "DELETE FROM units WHERE import_id = $1",
            // A buyer, building or project still used by another import's rows passes to that
            // import (not to none), so undoing that one later removes it too.
            "DELETE FROM buyers WHERE import_id = $1 AND id NOT IN (SELECT buyer_id FROM contract_parties)",
            "UPDATE buyers SET import_id = (SELECT MIN(c.import_id) FROM contract_parties cp JOIN contracts c ON c.id = cp.contract_id WHERE cp.buyer_id = buyers.id) WHERE import_id = $1",
            "DELETE FROM buildings WHERE import_id = $1 AND id NOT IN (SELECT building_id FROM units)",
            "UPDATE buildings SET import_id = (SELECT MIN(u.import_id) FROM units u WHERE u.building_id = buildings.id) WHERE import_id = $1",
            "DELETE FROM projects WHERE import_id = $1 AND id NOT IN (SELECT project_id FROM buildings)",
            "UPDATE projects SET import_id = (SELECT MIN(b.import_id) FROM buildings b WHERE b.project_id = projects.id) WHERE import_id = $1",
        ] {
            exec(sqlx::query(q).bind(import_id), &mut *tx).await?;
        }
        for unit_id in restore {
            exec(sqlx::query("UPDATE units SET status = 'available', version = version + 1 WHERE id = $1 AND status = 'sold' AND id NOT IN (SELECT unit_id FROM contracts WHERE status = 'live')")
                .bind(unit_id), &mut *tx).await?;
        }
        exec(
            sqlx::query("UPDATE imports SET undone_at = $1, undone_by = $2 WHERE id = $3")
                .bind(&actor.at)
                .bind(actor.user_id)
                .bind(import_id),
            &mut *tx,
        )
        .await?;
        audit::write(&mut tx, actor, "import", import_id, "undo_import", None::<&()>, None::<&()>).await?;
        tx.commit().await?;
        refresh_statistics(&self.pool, COUNTED, PLANNED).await;
        Ok(())
    }

    pub async fn imports(&self) -> Result<Vec<ImportRecord>> {
        all(
            sqlx::query("SELECT i.*, u.username FROM imports i JOIN users u ON u.id = i.user_id ORDER BY i.id DESC"),
            &self.pool,
            |r| {
                Ok(ImportRecord {
                    id: r.try_get("id").map_err(db_err)?,
                    file_name: r.try_get("file_name").map_err(db_err)?,
                    unit_count: r.try_get("unit_count").map_err(db_err)?,
                    contract_count: r.try_get("contract_count").map_err(db_err)?,
                    username: r.try_get("username").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    undone_at: r.try_get("undone_at").map_err(db_err)?,
                })
            },
        )
        .await
    }
}
