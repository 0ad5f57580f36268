//! Inspection storage: template versions, inspections, defects with photos and their events
//! ([`defects`]), floor plans and responsible parties ([`plans`]). Each write is one transaction
//! with its audit line; the rows' versions, conditional updates and unique indexes settle races
//! (never a read followed by a write). The rules — which transitions, when a defect is overdue,
//! what a scorecard counts — are in `domain::inspection`; refusals come back typed.

use super::DbRow;
use crate::types::InspectionRow;
mod defects;
mod plans;

use super::rows::{code, exec, from_json, get, json, optional};
use super::{audit, Imp, Tx};
use crate::Result;
use crate::{db_err, Actor, Error};
use domain::inspection::*;
use domain::move_in::MeterReading;
use domain::record::Entity;

impl Imp {
    // ─────────────── templates ───────────────

    /// The latest version of a project's template for a unit type.
    pub async fn latest_template(&self, project_id: i64, unit_type: &str) -> Result<Option<Template>> {
        let q = sqlx::query("SELECT * FROM inspection_templates WHERE project_id = $1 AND unit_type = $2 ORDER BY version DESC LIMIT 1")
            .bind(project_id)
            .bind(unit_type);
        optional(q, &self.pool, template_from).await
    }

    /// Errors: `NotFound(Template)`.
    pub async fn template(&self, id: i64) -> Result<Template> {
        let r = sqlx::query("SELECT * FROM inspection_templates WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Template))?;
        template_from(&r)
    }

    /// Save a new version, numbered one past the latest of its project and unit type (the old
    /// ones stay: inspections keep the version they used).
    ///
    /// Errors: `Duplicate(TemplateVersion)` when another save took the number at the same time;
    /// `Reference` for an unknown project.
    pub async fn save_template(&self, actor: &Actor, t: &TemplateInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspection_templates (project_id, unit_type, version, items, created_at, created_by)
             VALUES ($1, $2, (SELECT COALESCE(MAX(version), 0) + 1 FROM inspection_templates WHERE project_id = $1 AND unit_type = $2), $3, $4, $5)
             RETURNING id",
        )
        .bind(t.project_id)
        .bind(&t.unit_type)
        .bind(json(&t.items)?)
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(&mut tx, actor, "inspection_template", id, "create", None, Some(t)).await?;
        tx.commit().await?;
        Ok(id)
    }

    // ─────────────── inspections ───────────────

    /// Errors: `Reference` for an unknown unit or template.
    pub async fn start_inspection(&self, actor: &Actor, unit_id: i64, kind: InspectionKind, template_id: i64) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspections (unit_id, kind, template_id, inspector, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_id)
        .bind(kind.as_str())
        .bind(template_id)
        .bind(&actor.username)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "unit",
            unit_id,
            "inspection_started",
            None,
            Some(&serde_json::json!({"inspection": id, "kind": kind})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Errors: `NotFound(Inspection)`.
    pub async fn inspection_row(&self, id: i64) -> Result<InspectionRow> {
        let r = sqlx::query(
            "SELECT i.*, t.items, t.version AS template_version, bl.name AS building_name, u.number AS unit_number FROM inspections i
             JOIN inspection_templates t ON t.id = i.template_id JOIN units u ON u.id = i.unit_id JOIN buildings bl ON bl.id = u.building_id
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or(Error::NotFound(Entity::Inspection))?;
        let signature: Option<Vec<u8>> = get(&r, "signature")?;
        Ok(InspectionRow {
            inspection: Inspection {
                id,
                unit_id: get(&r, "unit_id")?,
                unit_label: super::rows::unit_label(&r)?,
                kind: code(&r, "kind", InspectionKind::parse)?,
                template_id: get(&r, "template_id")?,
                template_version: get(&r, "template_version")?,
                items: from_json(&r, "items")?,
                outcomes: from_json(&r, "outcomes")?,
                meters: from_json::<Vec<MeterReading>>(&r, "meters")?,
                remarks: get(&r, "remarks")?,
                inspector: get(&r, "inspector")?,
                started_at: get(&r, "started_at")?,
                completed_at: get(&r, "completed_at")?,
                has_signature: signature.is_some(),
                version: get(&r, "version")?,
                defects: vec![],
            },
            signature,
        })
    }

    pub async fn inspection_ids_of_unit(&self, unit_id: i64) -> Result<Vec<i64>> {
        sqlx::query_scalar("SELECT id FROM inspections WHERE unit_id = $1 ORDER BY id DESC")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Save results, readings and remarks (only while open).
    ///
    /// Errors: see [`Store::complete_inspection`].
    pub async fn update_inspection(&self, actor: &Actor, u: &InspectionUpdate) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = exec(sqlx::query(
            "UPDATE inspections SET outcomes = $1, meters = $2, remarks = $3, version = version + 1 WHERE id = $4 AND version = $5 AND completed_at IS NULL",
        )
        .bind(json(&u.outcomes)?)
        .bind(json(&u.meters)?)
        .bind(&u.remarks)
        .bind(u.inspection_id)
        .bind(u.version), &mut *tx).await?;
        why_unchanged(&mut tx, u.inspection_id, rows).await?;
        audit::write::<(), _>(&mut tx, actor, "inspection", u.inspection_id, "update", None, Some(u)).await?;
        tx.commit().await
    }

    /// Store the owner's signature image (only while open).
    ///
    /// Errors: see [`Store::complete_inspection`].
    pub async fn sign_inspection(&self, actor: &Actor, id: i64, version: i64, png: &[u8]) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = exec(
            sqlx::query(
                "UPDATE inspections SET signature = $1, version = version + 1 WHERE id = $2 AND version = $3 AND completed_at IS NULL",
            )
            .bind(png)
            .bind(id)
            .bind(version),
            &mut *tx,
        )
        .await?;
        why_unchanged(&mut tx, id, rows).await?;
        audit::write::<(), ()>(&mut tx, actor, "inspection", id, "signed", None, None).await?;
        tx.commit().await
    }

    /// Mark complete (the service checks first that it may be: `Inspection::check_complete`).
    ///
    /// Errors: `NotFound(Inspection)`; `Refused` (`domain::inspection::completed_refusal`) when
    /// already completed; `Stale(Inspection)` when the version moved on.
    pub async fn complete_inspection(&self, actor: &Actor, id: i64, version: i64) -> Result<()> {
        self.complete_inspection_with_step(actor, id, version, None).await
    }

    /// Complete an inspection and, in the same transaction, record the unit's 交房验收 step of the
    /// move-in procedure (`step`: the unit, the move-in version the desk read, the step's data):
    /// both are written, or neither.
    ///
    /// Errors: as [`Imp::complete_inspection`], and the step's (`Stale(MoveInUnit)`, its rules).
    pub async fn complete_inspection_with_step(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        step: Option<(i64, i64, &domain::move_in::StepData)>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        if let Some((unit_id, move_in_version, data)) = step {
            super::move_in::steps::step_in(&mut tx, actor, unit_id, move_in_version, data).await?;
        }
        let rows = exec(
            sqlx::query(
                "UPDATE inspections SET completed_at = $1, version = version + 1 WHERE id = $2 AND version = $3 AND completed_at IS NULL",
            )
            .bind(&actor.at)
            .bind(id)
            .bind(version),
            &mut *tx,
        )
        .await?;
        why_unchanged(&mut tx, id, rows).await?;
        audit::write::<(), ()>(&mut tx, actor, "inspection", id, "completed", None, None).await?;
        tx.commit().await
    }
}

/// After a guarded update of an open inspection changed `rows`: nothing when it did, else why not
/// (missing, completed, or changed since it was read).
async fn why_unchanged(tx: &mut Tx, id: i64, rows: u64) -> Result<()> {
    if rows > 0 {
        return Ok(());
    }
    Err(match inspection_completed(tx, id).await? {
        None => Error::NotFound(Entity::Inspection),
        Some(true) => Error::Refused(completed_refusal()),
        Some(false) => Error::Stale(Entity::Inspection),
    })
}

/// Whether the inspection is completed; `None` when there is no such inspection.
async fn inspection_completed(tx: &mut Tx, id: i64) -> Result<Option<bool>> {
    let done: Option<Option<String>> = sqlx::query_scalar("SELECT completed_at FROM inspections WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(done.map(|d| d.is_some()))
}

fn template_from(r: &DbRow) -> Result<Template> {
    Ok(Template {
        id: get(r, "id")?,
        project_id: get(r, "project_id")?,
        unit_type: get(r, "unit_type")?,
        version: get(r, "version")?,
        items: from_json(r, "items")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
    })
}
