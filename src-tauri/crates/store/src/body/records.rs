//! Projects, buildings, units, buyers, contracts: reads, search, and single-record writes.

use super::rows::{all, code, exec};
use super::{audit, Imp, Tx};
use super::{Db, DbRow};
use crate::{db_err, not_stale, Actor};
use crate::{Error, Result};
use domain::amount::{from_hundredths, to_hundredths};
use domain::model::*;
use domain::record::Entity;
use domain::{phone, AppError};
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Row};

/// The unit columns with project and building names (a macro so it joins static SQL with `concat!`).
macro_rules! unit_select {
    () => {
        "SELECT u.*, p.name AS project_name, b.name AS building_name FROM units u JOIN projects p ON p.id = u.project_id JOIN buildings b ON b.id = u.building_id"
    };
}
pub(crate) use unit_select;

fn opt_area(r: &DbRow, col: &str) -> Result<Option<Decimal>> {
    Ok(r.try_get::<Option<i64>, _>(col).map_err(db_err)?.map(from_hundredths))
}

pub(crate) fn unit_from(r: &DbRow) -> Result<Unit> {
    Ok(Unit {
        id: r.try_get("id").map_err(db_err)?,
        project_id: r.try_get("project_id").map_err(db_err)?,
        project_name: r.try_get("project_name").map_err(db_err)?,
        building_id: r.try_get("building_id").map_err(db_err)?,
        building_name: r.try_get("building_name").map_err(db_err)?,
        number: r.try_get("number").map_err(db_err)?,
        label: domain::unit_label::unit_label(
            &r.try_get::<String, _>("building_name").map_err(db_err)?,
            &r.try_get::<String, _>("number").map_err(db_err)?,
        ),
        floor: super::rows::int(r, "floor")?,
        property_type: code(r, "property_type", PropertyType::parse)?,
        forecast_gross_area: from_hundredths(r.try_get("forecast_gross_area").map_err(db_err)?),
        forecast_internal_area: opt_area(r, "forecast_internal_area")?,
        surveyed_gross_area: opt_area(r, "surveyed_gross_area")?,
        surveyed_internal_area: opt_area(r, "surveyed_internal_area")?,
        status: code(r, "status", UnitStatus::parse)?,
        version: r.try_get("version").map_err(db_err)?,
    })
}

fn buyer_from(r: &DbRow) -> Result<Buyer> {
    Ok(Buyer {
        id: r.try_get("buyer_id").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        id_type: code(r, "id_type", IdType::parse)?,
        id_number: r.try_get("id_number").map_err(db_err)?,
        phone: r.try_get("phone").map_err(db_err)?,
        address: r.try_get("address").map_err(db_err)?,
    })
}

/// Add the search/filter conditions of `q` to a query over `units u`.
fn push_filters(qb: &mut QueryBuilder<Db>, q: &UnitQuery) {
    qb.push(" WHERE 1=1");
    if let Some(p) = q.project_id {
        qb.push(" AND u.project_id = ").push_bind(p);
    }
    if let Some(b) = q.building_id {
        qb.push(" AND u.building_id = ").push_bind(b);
    }
    if let Some(t) = q.property_type {
        qb.push(" AND u.property_type = ").push_bind(t.as_str());
    }
    if let Some(s) = q.status {
        qb.push(" AND u.status = ").push_bind(s.as_str());
    }
    if let Some(s) = q.search_text() {
        // Prefix ranges instead of LIKE, so the indexes serve them on every backend.
        let upper = format!("{s}\u{10FFFF}");
        qb.push(" AND u.id IN (SELECT id FROM units WHERE number >= ")
            .push_bind(s.to_string());
        qb.push(" AND number < ").push_bind(upper.clone());
        qb.push(" UNION SELECT c.unit_id FROM contract_parties cp JOIN contracts c ON c.id = cp.contract_id AND c.status = 'live' WHERE cp.buyer_id IN (SELECT id FROM buyers WHERE name >= ");
        qb.push_bind(s.to_string()).push(" AND name < ").push_bind(upper);
        qb.push(" UNION SELECT id FROM buyers WHERE phone = ").push_bind(s.to_string());
        if s.chars().count() == 4 {
            qb.push(" UNION SELECT id FROM buyers WHERE phone_tail = ").push_bind(s.to_string());
            qb.push(" UNION SELECT id FROM buyers WHERE id_tail = ").push_bind(s.to_uppercase());
        }
        qb.push("))");
    }
}

/// The last four characters of an ID number ("证件尾号"), used for searching.
pub(crate) fn id_tail(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// Insert or refresh a buyer identified by (id type, id number); returns the id.
pub(crate) async fn upsert_buyer(tx: &mut Tx, actor: &Actor, b: &BuyerInput, import_id: Option<i64>) -> Result<i64> {
    // Two passes at most (a third only if the row found on conflict was deleted meanwhile).
    for _ in 0..3 {
        if let Some(id) = refresh_buyer(tx, actor, b).await? {
            return Ok(id);
        }
        // Two desks signing for the same new buyer at once both find no row above. The later
        // insert waits for the earlier desk's transaction and, once that commits, does nothing
        // (no id returned) instead of failing on the unique rule: the buyer is then read again,
        // committed now (each statement sees what was committed before it, at READ COMMITTED),
        // and refreshed like any known buyer. On SQLite, writes take turns and the first pass
        // always finds or inserts the row.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO buyers (name, id_type, id_number, id_tail, phone, phone_tail, address, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id_type, id_number) DO NOTHING RETURNING id",
        )
        .bind(&b.name)
        .bind(b.id_type.as_str())
        .bind(&b.id_number)
        .bind(id_tail(&b.id_number))
        .bind(&b.phone)
        .bind(phone::tail(&b.phone))
        .bind(&b.address)
        .bind(import_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
        if let Some(id) = id {
            return Ok(id);
        }
    }
    Err(Error::Duplicate(domain::record::Duplicate::BuyerId))
}

/// The known buyer with `b`'s ID, its contact details refreshed to `b`'s (audited, masked); none
/// when the ID is not known.
async fn refresh_buyer(tx: &mut Tx, actor: &Actor, b: &BuyerInput) -> Result<Option<i64>> {
    let existing = sqlx::query("SELECT id AS buyer_id, * FROM buyers WHERE id_type = $1 AND id_number = $2")
        .bind(b.id_type.as_str())
        .bind(&b.id_number)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    let Some(r) = existing else {
        return Ok(None);
    };
    let old = buyer_from(&r)?;
    if old.name != b.name || old.phone != b.phone || old.address != b.address {
        exec(
            sqlx::query("UPDATE buyers SET name = $1, phone = $2, phone_tail = $3, address = $4 WHERE id = $5")
                .bind(&b.name)
                .bind(&b.phone)
                .bind(phone::tail(&b.phone))
                .bind(&b.address)
                .bind(old.id),
            &mut **tx,
        )
        .await?;
        let masked = |x: &Buyer| Buyer {
            id_number: domain::mask::id_number(&x.id_number),
            phone: domain::mask::phone(&x.phone),
            ..x.clone()
        };
        let new = Buyer {
            name: b.name.clone(),
            phone: b.phone.clone(),
            address: b.address.clone(),
            ..old.clone()
        };
        audit::write(tx, actor, "buyer", old.id, "update", Some(&masked(&old)), Some(&masked(&new))).await?;
    }
    Ok(Some(old.id))
}

/// Insert a validated contract and its parties; returns the id.
///
/// Errors: `Conflict` on a duplicate number or when the unit already has a live contract.
pub(crate) async fn insert_contract(tx: &mut Tx, actor: &Actor, c: &ContractInput, import_id: Option<i64>) -> Result<i64> {
    check_contract_free(tx, c, None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contracts (number, unit_id, signed_on, total_price, unit_price, pricing_basis, payment_method, filing_status, status, import_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'live', $9) RETURNING id",
    )
    .bind(&c.number)
    .bind(c.unit_id)
    .bind(c.signed_on.to_string())
    .bind(to_hundredths("total_price", c.total_price)?)
    .bind(to_hundredths("unit_price", c.unit_price)?)
    .bind(c.pricing_basis.as_str())
    .bind(c.payment_method.as_str())
    .bind(c.filing_status.as_str())
    .bind(import_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    insert_parties(tx, actor, id, c, import_id).await?;
    exec(
        sqlx::query("UPDATE units SET status = 'sold', version = version + 1 WHERE id = $1 AND status = 'available'").bind(c.unit_id),
        &mut **tx,
    )
    .await?;
    audit::write(
        tx,
        actor,
        "contract",
        id,
        if import_id.is_some() { "import" } else { "create" },
        None::<&()>,
        Some(&c.snapshot(ContractStatus::Live)),
    )
    .await?;
    Ok(id)
}

async fn insert_parties(tx: &mut Tx, actor: &Actor, contract_id: i64, c: &ContractInput, import_id: Option<i64>) -> Result<()> {
    // The buyers are written in one fixed order (by ID), not the form's: two desks signing for
    // the same two new buyers at once, listed in opposite orders, would each insert one and wait
    // for the other's uncommitted one, a deadlock on PostgreSQL (40P01, a driver error). In one
    // order the later desk waits on the first buyer they share, then reuses it (`upsert_buyer`).
    let mut order: Vec<usize> = (0..c.parties.len()).collect();
    order.sort_by_key(|&i| (c.parties[i].buyer.id_type.as_str(), c.parties[i].buyer.id_number.as_str()));
    let mut buyer_ids = vec![0; c.parties.len()];
    for i in order {
        buyer_ids[i] = upsert_buyer(tx, actor, &c.parties[i].buyer, import_id).await?;
    }
    for (pos, (p, buyer_id)) in c.parties.iter().zip(buyer_ids).enumerate() {
        exec(
            sqlx::query("INSERT INTO contract_parties (contract_id, position, buyer_id, share) VALUES ($1, $2, $3, $4)")
                .bind(contract_id)
                .bind(i64::try_from(pos).unwrap_or(i64::MAX))
                .bind(buyer_id)
                .bind(to_hundredths("share", p.share)?),
            &mut **tx,
        )
        .await?;
    }
    Ok(())
}

/// Read whether the number is taken or the unit has another live contract, and let the domain
/// refuse (the unique indexes back this up against races).
async fn check_contract_free(tx: &mut Tx, c: &ContractInput, except: Option<i64>) -> Result<()> {
    let except = except.unwrap_or(-1);
    let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE number = $1 AND id <> $2")
        .bind(&c.number)
        .bind(except)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    let live: Option<String> = sqlx::query_scalar("SELECT number FROM contracts WHERE unit_id = $1 AND status = 'live' AND id <> $2")
        .bind(c.unit_id)
        .bind(except)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(domain::contract::refuse_taken(&c.number, dup.is_some(), live.as_deref())?)
}

impl Imp {
    pub async fn projects(&self) -> Result<Vec<Project>> {
        all(
            sqlx::query("SELECT id, name, address FROM projects ORDER BY name"),
            &self.pool,
            |r| {
                Ok(Project {
                    id: r.try_get("id").map_err(db_err)?,
                    name: r.try_get("name").map_err(db_err)?,
                    address: r.try_get("address").map_err(db_err)?,
                })
            },
        )
        .await
    }

    pub async fn buildings(&self, project_id: i64) -> Result<Vec<Building>> {
        all(
            sqlx::query("SELECT * FROM buildings WHERE project_id = $1 ORDER BY name").bind(project_id),
            &self.pool,
            |r| {
                Ok(Building {
                    id: r.try_get("id").map_err(db_err)?,
                    project_id: r.try_get("project_id").map_err(db_err)?,
                    name: r.try_get("name").map_err(db_err)?,
                    floors: super::rows::int(r, "floors")?,
                    has_elevator: r.try_get::<i64, _>("has_elevator").map_err(db_err)? != 0,
                })
            },
        )
        .await
    }

    /// One page of units matching `q`, with the live contract's number and parties (unmasked:
    /// the services mask them), and the total count.
    ///
    /// The list's order (project, building, number) is total (a building's numbers are unique), so
    /// a page past the middle is read from the end instead: the same rows, in the reverse order,
    /// skipping fewer of them (the last page skips none). The page's ids are chosen from `units`
    /// alone (an index holds the order) and only those 50 rows are joined to their names.
    pub async fn search_units(&self, q: &UnitQuery) -> Result<(Vec<(Unit, Option<String>, Vec<Buyer>)>, i64)> {
        let (limit, offset) = q.limits();
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM units u");
        push_filters(&mut count, q);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_err)?;
        if offset >= total {
            return Ok((vec![], total));
        }
        let end = total.min(offset.saturating_add(limit));
        let (order, limit, offset) = if total - end < offset {
            (
                " ORDER BY u.project_id DESC, u.building_id DESC, u.number DESC",
                end - offset,
                total - end,
            )
        } else {
            (" ORDER BY u.project_id, u.building_id, u.number", end - offset, offset)
        };
        let mut qb = QueryBuilder::<Db>::new("SELECT u.*, p.name AS project_name, b.name AS building_name FROM (SELECT u.id FROM units u");
        push_filters(&mut qb, q);
        qb.push(order).push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        qb.push(
            ") page JOIN units u ON u.id = page.id JOIN projects p ON p.id = u.project_id JOIN buildings b ON b.id = u.building_id
             ORDER BY u.project_id, u.building_id, u.number",
        );
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db_err)?;
        let units: Vec<Unit> = rows.iter().map(unit_from).collect::<Result<_>>()?;
        if units.is_empty() {
            return Ok((vec![], total));
        }
        let mut pq = QueryBuilder::<Db>::new(
            "SELECT c.unit_id, c.number AS contract_number, b.id AS buyer_id, b.* FROM contracts c
             JOIN contract_parties cp ON cp.contract_id = c.id JOIN buyers b ON b.id = cp.buyer_id
             WHERE c.status = 'live' AND c.unit_id IN (",
        );
        let mut sep = pq.separated(", ");
        for u in &units {
            sep.push_bind(u.id);
        }
        pq.push(") ORDER BY c.unit_id, cp.position");
        let prow = pq.build().fetch_all(&self.pool).await.map_err(db_err)?;
        let mut out: Vec<(Unit, Option<String>, Vec<Buyer>)> = units.into_iter().map(|u| (u, None, vec![])).collect();
        for r in &prow {
            let unit_id: i64 = r.try_get("unit_id").map_err(db_err)?;
            if let Some(slot) = out.iter_mut().find(|x| x.0.id == unit_id) {
                slot.1 = Some(r.try_get("contract_number").map_err(db_err)?);
                slot.2.push(buyer_from(r)?);
            }
        }
        Ok((out, total))
    }

    pub async fn unit(&self, id: i64) -> Result<Unit> {
        let row = sqlx::query(concat!(unit_select!(), " WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        unit_from(&row.ok_or(Error::NotFound(Entity::Unit))?)
    }

    /// Every contract of a unit (live first, then cancelled), with parties in order.
    pub async fn contracts_of_unit(&self, unit_id: i64) -> Result<Vec<Contract>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE unit_id = $1 ORDER BY status = 'live' DESC, id DESC")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.contract(id).await?);
        }
        Ok(out)
    }

    pub async fn contract(&self, id: i64) -> Result<Contract> {
        let r = sqlx::query("SELECT * FROM contracts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Contract))?;
        let prow = sqlx::query("SELECT cp.share, b.id AS buyer_id, b.* FROM contract_parties cp JOIN buyers b ON b.id = cp.buyer_id WHERE cp.contract_id = $1 ORDER BY cp.position")
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let parties = prow
            .iter()
            .map(|p| {
                Ok(ContractParty {
                    buyer: buyer_from(p)?,
                    share: from_hundredths(p.try_get("share").map_err(db_err)?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let signed: String = r.try_get("signed_on").map_err(db_err)?;
        Ok(Contract {
            id,
            number: r.try_get("number").map_err(db_err)?,
            unit_id: r.try_get("unit_id").map_err(db_err)?,
            signed_on: signed.parse().map_err(|_| AppError::internal(format!("bad date {signed}")))?,
            total_price: from_hundredths(r.try_get("total_price").map_err(db_err)?),
            unit_price: from_hundredths(r.try_get("unit_price").map_err(db_err)?),
            total_price_display: domain::amount::grouped(from_hundredths(r.try_get("total_price").map_err(db_err)?)),
            unit_price_display: domain::amount::grouped(from_hundredths(r.try_get("unit_price").map_err(db_err)?)),
            pricing_basis: code(&r, "pricing_basis", PricingBasis::parse)?,
            payment_method: code(&r, "payment_method", PaymentMethod::parse)?,
            filing_status: code(&r, "filing_status", FilingStatus::parse)?,
            status: code(&r, "status", ContractStatus::parse)?,
            parties,
            version: r.try_get("version").map_err(db_err)?,
        })
    }

    /// Create a contract (already validated) on an existing unit.
    ///
    /// Errors: `NotFound` (unit), `Conflict` (duplicate number, unit has a live contract).
    pub async fn create_contract(&self, actor: &Actor, c: &ContractInput) -> Result<i64> {
        self.unit(c.unit_id).await?;
        let mut tx = self.write().await?;
        let id = insert_contract(&mut tx, actor, c, None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replace a contract's fields and parties, if it is still at `version`.
    ///
    /// Errors: `NotFound`, `Stale` (someone saved first), `Conflict` (duplicate number).
    pub async fn update_contract(&self, actor: &Actor, id: i64, version: i64, c: &ContractInput) -> Result<()> {
        let before = self.contract(id).await?;
        domain::contract::refuse_unit_change(before.unit_id, c.unit_id)?;
        let mut tx = self.write().await?;
        check_contract_free(&mut tx, c, Some(id)).await?;
        let n = exec(sqlx::query(
            "UPDATE contracts SET number = $1, signed_on = $2, total_price = $3, unit_price = $4, pricing_basis = $5, payment_method = $6, filing_status = $7, version = version + 1
             WHERE id = $8 AND version = $9",
        )
        .bind(&c.number)
        .bind(c.signed_on.to_string())
        .bind(to_hundredths("total_price", c.total_price)?)
        .bind(to_hundredths("unit_price", c.unit_price)?)
        .bind(c.pricing_basis.as_str())
        .bind(c.payment_method.as_str())
        .bind(c.filing_status.as_str())
        .bind(id)
        .bind(version), &mut *tx).await?;
        not_stale(n, domain::record::Entity::Contract)?;
        exec(
            sqlx::query("DELETE FROM contract_parties WHERE contract_id = $1").bind(id),
            &mut *tx,
        )
        .await?;
        insert_parties(&mut tx, actor, id, c, None).await?;
        audit::write(
            &mut tx,
            actor,
            "contract",
            id,
            "update",
            Some(&before.snapshot()),
            Some(&c.snapshot(before.status)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancel (解除) a live contract; the unit becomes available again.
    pub async fn cancel_contract(&self, actor: &Actor, id: i64, version: i64) -> Result<()> {
        let before = self.contract(id).await?;
        let mut tx = self.write().await?;
        // Read inside the write: a unit handed over meanwhile keeps its contract.
        let unit_status: String = sqlx::query_scalar(concat!("SELECT status FROM units WHERE id = $1", for_update!()))
            .bind(before.unit_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if let Some(s) = UnitStatus::parse(&unit_status) {
            domain::contract::refuse_cancel_delivered(s)?;
        }
        let n = exec(
            sqlx::query(
                "UPDATE contracts SET status = 'cancelled', version = version + 1 WHERE id = $1 AND version = $2 AND status = 'live'",
            )
            .bind(id)
            .bind(version),
            &mut *tx,
        )
        .await?;
        not_stale(n, domain::record::Entity::Contract)?;
        exec(
            sqlx::query("UPDATE units SET status = 'available', version = version + 1 WHERE id = $1 AND status = 'sold'")
                .bind(before.unit_id),
            &mut *tx,
        )
        .await?;
        let after = domain::model::ContractSnapshot {
            status: ContractStatus::Cancelled,
            ..before.snapshot()
        };
        audit::write(&mut tx, actor, "contract", id, "cancel", Some(&before.snapshot()), Some(&after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Save a unit's areas, type and status if still at `edit.version`.
    ///
    /// Errors: `NotFound`, `Stale`.
    pub async fn update_unit(&self, actor: &Actor, edit: &UnitEdit) -> Result<Unit> {
        let opt = |f: &str, v: Option<Decimal>| v.map(|v| to_hundredths(f, v)).transpose();
        let mut tx = self.write().await?;
        // The unit as it is now, read inside the write (the audit's "before" and the status rule).
        let row = sqlx::query(concat!(unit_select!(), " WHERE u.id = $1"))
            .bind(edit.id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let before = unit_from(&row.ok_or(Error::NotFound(Entity::Unit))?)?;
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE unit_id = $1 AND status = 'live'")
            .bind(edit.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        domain::contract::refuse_status_change(before.status, edit.status, live > 0)?;
        let n = exec(sqlx::query(
            "UPDATE units SET property_type = $1, status = $2, forecast_gross_area = $3, forecast_internal_area = $4, surveyed_gross_area = $5, surveyed_internal_area = $6, version = version + 1
             WHERE id = $7 AND version = $8",
        )
        .bind(edit.property_type.as_str())
        .bind(edit.status.as_str())
        .bind(to_hundredths("forecast_gross_area", edit.forecast_gross_area)?)
        .bind(opt("forecast_internal_area", edit.forecast_internal_area)?)
        .bind(opt("surveyed_gross_area", edit.surveyed_gross_area)?)
        .bind(opt("surveyed_internal_area", edit.surveyed_internal_area)?)
        .bind(edit.id)
        .bind(edit.version), &mut *tx).await?;
        not_stale(n, domain::record::Entity::Unit)?;
        let after = Unit {
            property_type: edit.property_type,
            status: edit.status,
            forecast_gross_area: edit.forecast_gross_area,
            forecast_internal_area: edit.forecast_internal_area,
            surveyed_gross_area: edit.surveyed_gross_area,
            surveyed_internal_area: edit.surveyed_internal_area,
            version: before.version + 1,
            ..before.clone()
        };
        audit::write(&mut tx, actor, "unit", edit.id, "update", Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }
}
