//! Inspections walked with the owner: start (with the template version in force), results,
//! signature, completion into the move-in procedure.

use crate::Services;
use domain::inspection::*;
use domain::move_in::{MoveInStatus, StepData, StepKind};
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
    /// Start an inspection of a unit with the current template of its type (saving the built-in
    /// default as version 1 the first time, so the inspection can keep the version it used).
    pub async fn start_inspection(&self, s: &Session, start: &InspectionStart) -> Result<Inspection> {
        s.require(Permission::RunMoveIn)?;
        let unit = self.store.unit(start.unit_id).await?;
        let unit_type = unit.property_type.label();
        let t = match self.store.latest_template(unit.project_id, unit_type).await? {
            Some(t) => t.id,
            None => {
                let input = TemplateInput {
                    project_id: unit.project_id,
                    unit_type: unit_type.to_string(),
                    items: default_items(),
                };
                self.store.save_template(&self.actor(s), &input).await?
            }
        };
        let id = self.store.start_inspection(&self.actor(s), unit.id, start.kind, t).await?;
        self.inspection(s, id).await
    }

    pub async fn inspection(&self, s: &Session, id: i64) -> Result<Inspection> {
        s.require(Permission::ViewRecords)?;
        let mut i = self.store.inspection_row(id).await?.inspection;
        let today = self.today();
        i.defects = self
            .store
            .defects_of_inspection(id)
            .await?
            .into_iter()
            .map(|d| d.view(today))
            .collect();
        Ok(i)
    }

    pub async fn inspections_of_unit(&self, s: &Session, unit_id: i64) -> Result<Vec<Inspection>> {
        s.require(Permission::ViewRecords)?;
        let mut out = Vec::new();
        for id in self.store.inspection_ids_of_unit(unit_id).await? {
            out.push(self.inspection(s, id).await?);
        }
        Ok(out)
    }

    /// Save results, meter readings and remarks.
    pub async fn update_inspection(&self, s: &Session, u: &InspectionUpdate) -> Result<Inspection> {
        s.require(Permission::RunMoveIn)?;
        let row = self.store.inspection_row(u.inspection_id).await?;
        let u = u.validate(&row.inspection.items)?;
        self.store.update_inspection(&self.actor(s), &u).await?;
        self.inspection(s, u.inspection_id).await
    }

    /// The owner's signature from the signature pad (a PNG, base64).
    ///
    /// Errors: `Invalid` on `signature` (not a PNG, empty, over the image limits).
    pub async fn sign_inspection(&self, s: &Session, id: i64, version: i64, png_base64: &str) -> Result<Inspection> {
        s.require(Permission::RunMoveIn)?;
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png_base64.trim().trim_start_matches("data:image/png;base64,"))
            .map_err(|_| AppError::invalid("signature", "签名数据无效"))?;
        if domain::image::sniff(&bytes) != Some(domain::image::Format::Png) {
            return Err(AppError::invalid("signature", "签名应为 PNG 图片"));
        }
        let bytes = crate::images::decode("signature", "签名", bytes)?.bytes;
        self.store.sign_inspection(&self.actor(s), id, version, &bytes).await?;
        self.inspection(s, id).await
    }

    /// Complete the inspection: every checklist item has a result and every failed item a
    /// defect. If the unit is in a move-in batch, its 交房验收 step is filled in (when enabled,
    /// not yet done and not blocked).
    ///
    /// Errors: `Invalid` on `outcomes` naming the first missing item or failed item without a defect.
    pub async fn complete_inspection(&self, s: &Session, id: i64, version: i64) -> Result<Inspection> {
        s.require(Permission::RunMoveIn)?;
        let i = self.inspection(s, id).await?;
        i.check_complete()?;
        // The inspection and the move-in procedure's 交房验收 step it fills in: one transaction.
        let step = self.move_in_step_to_fill(&i).await?;
        self.store
            .complete_inspection_with_step(&self.actor(s), id, version, step.as_ref().map(|(u, v, d)| (*u, *v, d)))
            .await?;
        self.inspection(s, id).await
    }

    /// The unit's 交房验收 step, when completing this inspection fills it in: the unit is in a
    /// move-in batch, not deferred, the step is enabled, not done and not blocked.
    async fn move_in_step_to_fill(&self, i: &Inspection) -> Result<Option<(i64, i64, StepData)>> {
        let Ok(row) = self.store.move_in_row(i.unit_id).await else {
            return Ok(None);
        };
        if row.status == MoveInStatus::Deferred {
            return Ok(None);
        }
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let done: Vec<StepKind> = self.store.steps(i.unit_id).await?.iter().map(|r| r.data.kind()).collect();
        if !config.enabled(StepKind::Inspection)
            || done.contains(&StepKind::Inspection)
            || config.blocked_by(StepKind::Inspection, &done).is_some()
        {
            return Ok(None);
        }
        Ok(Some((i.unit_id, row.version, StepData::Inspection { note: i.step_note() })))
    }
}
