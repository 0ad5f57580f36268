//! Saved fee quotes and fee-rule edits. The store keeps their JSON/TOML as text; the services
//! (which know the fee engine) produce and read it.

use super::rows::{all, rows_per_statement};
use super::{audit, Imp};
use super::{Db, DbRow};
use crate::types::{NewQuote, QuoteBasis, RuleEdit, StoredQuote};
use crate::{db_err, Actor};
use crate::{Error, Result};
use domain::record::Entity;
use domain::AppError;
use sqlx::Row;

impl Imp {
    /// Save a quote against a contract, audited.
    ///
    /// Errors: `NotFound` when the contract does not exist.
    pub async fn save_fee_quote(
        &self,
        actor: &Actor,
        contract_id: i64,
        request: &str,
        quote: &str,
        rules_version: &str,
        total_fen: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE id = $1")
            .bind(contract_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        exists.ok_or(Error::NotFound(Entity::Contract))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fee_quotes (contract_id, request, quote, rules_version, total, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(contract_id)
        .bind(request)
        .bind(quote)
        .bind(rules_version)
        .bind(total_fen)
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = serde_json::json!({ "contract_id": contract_id, "rules_version": rules_version, "total_fen": total_fen });
        audit::write(&mut tx, actor, "fee_quote", id, "create", None::<&()>, Some(&after)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A contract's id by its number.
    pub async fn contract_id_by_number(&self, number: &str) -> Result<Option<i64>> {
        sqlx::query_scalar("SELECT id FROM contracts WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Saved quotes of a contract, newest first.
    pub async fn fee_quotes(&self, contract_id: i64) -> Result<Vec<StoredQuote>> {
        all(
            sqlx::query("SELECT * FROM fee_quotes WHERE contract_id = $1 ORDER BY id DESC").bind(contract_id),
            &self.pool,
            |r| {
                Ok(StoredQuote {
                    id: r.try_get("id").map_err(db_err)?,
                    contract_id: r.try_get("contract_id").map_err(db_err)?,
                    request: r.try_get("request").map_err(db_err)?,
                    quote: r.try_get("quote").map_err(db_err)?,
                    rules_version: r.try_get("rules_version").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    created_by: r.try_get("created_by").map_err(db_err)?,
                })
            },
        )
        .await
    }

    /// Append a new version of a region's rule file (history is never overwritten), audited.
    pub async fn add_rule_edit(&self, actor: &Actor, region: &str, toml: &str) -> Result<i64> {
        let mut tx = self.write().await?;
        let before: Option<String> = sqlx::query_scalar("SELECT toml FROM fee_rule_edits WHERE region = $1 ORDER BY id DESC LIMIT 1")
            .bind(region)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let id: i64 =
            sqlx::query_scalar("INSERT INTO fee_rule_edits (region, toml, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(region)
                .bind(toml)
                .bind(&actor.at)
                .bind(&actor.username)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let wrap = |t: &str| serde_json::json!({ "region": region, "toml": t });
        audit::write(
            &mut tx,
            actor,
            "fee_rules",
            id,
            "update",
            before.as_deref().map(wrap).as_ref(),
            Some(&wrap(toml)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every saved rule-file version, oldest first.
    pub async fn rule_edits(&self) -> Result<Vec<RuleEdit>> {
        all(sqlx::query("SELECT * FROM fee_rule_edits ORDER BY id"), &self.pool, |r| {
            Ok(RuleEdit {
                id: r.try_get("id").map_err(db_err)?,
                region: r.try_get("region").map_err(db_err)?,
                toml: r.try_get("toml").map_err(db_err)?,
                created_at: r.try_get("created_at").map_err(db_err)?,
                created_by: r.try_get("created_by").map_err(db_err)?,
            })
        })
        .await
    }
}

/// The contract, unit and building columns a quote needs (a macro so static SQL joins with `concat!`).
macro_rules! quote_basis_select {
    () => {
        "SELECT c.id, c.number, c.signed_on, c.total_price, u.property_type, COALESCE(u.surveyed_gross_area, u.forecast_gross_area) AS area,
                b.has_elevator,
                (SELECT COUNT(*) FROM contract_parties cp WHERE cp.contract_id = c.id) AS parties,
                (SELECT COUNT(*) FROM contract_parties cp JOIN buyers x ON x.id = cp.buyer_id WHERE cp.contract_id = c.id AND x.id_type = 'business_license') AS companies
         FROM contracts c JOIN units u ON u.id = c.unit_id JOIN buildings b ON b.id = u.building_id"
    };
}

fn quote_basis_from(r: &DbRow) -> Result<QuoteBasis> {
    let signed: String = r.try_get("signed_on").map_err(db_err)?;
    Ok(QuoteBasis {
        contract_id: r.try_get("id").map_err(db_err)?,
        contract_number: r.try_get("number").map_err(db_err)?,
        signed_on: signed.parse().map_err(|_| AppError::internal(format!("bad date {signed}")))?,
        total_price: domain::amount::from_hundredths(r.try_get("total_price").map_err(db_err)?),
        property_type: r.try_get("property_type").map_err(db_err)?,
        gross_area: domain::amount::from_hundredths(r.try_get("area").map_err(db_err)?),
        has_elevator: r.try_get::<i64, _>("has_elevator").map_err(db_err)? != 0,
        parties: r.try_get("parties").map_err(db_err)?,
        company_buyer: r.try_get::<i64, _>("companies").map_err(db_err)? > 0,
    })
}

impl Imp {
    /// The quote basis of every live contract in a project.
    pub async fn quote_basis(&self, project_id: i64) -> Result<Vec<QuoteBasis>> {
        all(
            sqlx::query(concat!(
                quote_basis_select!(),
                " WHERE c.status = 'live' AND u.project_id = $1 ORDER BY c.id"
            ))
            .bind(project_id),
            &self.pool,
            quote_basis_from,
        )
        .await
    }

    /// The quote basis of one contract (live or not).
    ///
    /// Errors: `NotFound`.
    pub async fn quote_basis_of_contract(&self, contract_id: i64) -> Result<QuoteBasis> {
        let row = sqlx::query(concat!(quote_basis_select!(), " WHERE c.id = $1"))
            .bind(contract_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Contract))?;
        quote_basis_from(&row)
    }

    /// Save many quotes in one transaction (multi-row statements), with one audit line each.
    pub async fn save_fee_quotes(&self, actor: &Actor, quotes: &[NewQuote]) -> Result<usize> {
        let mut tx = self.write().await?;
        // The new rows' ids come back from the insert itself (not looked up by user and instant,
        // which two batches at the same instant would share on a server).
        let mut ids: Vec<(i64, i64, String, i64)> = Vec::with_capacity(quotes.len());
        for chunk in quotes.chunks(rows_per_statement(7)) {
            let mut qb = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO fee_quotes (contract_id, request, quote, rules_version, total, created_at, created_by) ",
            );
            qb.push_values(chunk, |mut b, (contract, request, quote, version, total)| {
                b.push_bind(*contract)
                    .push_bind(request.clone())
                    .push_bind(quote.clone())
                    .push_bind(version.clone())
                    .push_bind(*total)
                    .push_bind(actor.at.clone())
                    .push_bind(actor.username.clone());
            });
            qb.push(" RETURNING id, contract_id, rules_version, total");
            ids.extend(
                qb.build_query_as::<(i64, i64, String, i64)>()
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?,
            );
        }
        let lines: Vec<audit::Line> = ids
            .into_iter()
            .map(|(id, contract, version, total)| {
                (
                    "fee_quote",
                    id,
                    "create",
                    None,
                    Some(serde_json::json!({ "contract_id": contract, "rules_version": version, "total_fen": total }).to_string()),
                )
            })
            .collect();
        audit::write_many(&mut tx, actor, &lines).await?;
        tx.commit().await?;
        Ok(quotes.len())
    }
}
