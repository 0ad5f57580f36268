//! Inspection services: checklist templates, inspections walked with the owner, defects with
//! photos routed through their workflow, scorecards, and the 交房验收单 / 整改通知单.
//!
//! Photos are stored in the database (stored once per SHA-256 of their content, with a 240-pixel
//! JPEG thumbnail), in the same transaction as the defect they belong to: every desk of an office
//! sees them, and a refused defect leaves no photo behind.
//!
//! The rules are `domain::inspection`'s; these services check the role, read the rows, apply the
//! rules on the office's "today", write through the store and attach what the views show.
//! Templates and parties are here; inspections in [`walk`], defects and photos in [`defects`],
//! the two documents in [`documents`], floor plans in [`plans`].

mod defects;
mod documents;
mod plans;
mod walk;

pub use defects::DefectMove;

use crate::Services;
use domain::inspection::*;
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A template with a flag saying whether it is the built-in default (not yet saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateView {
    pub template: Template,
    pub builtin: bool,
    /// The items as the settings text area edits them (see [`checklist_text`]).
    pub text: String,
}

impl TemplateView {
    fn of(template: Template, builtin: bool) -> TemplateView {
        TemplateView {
            text: checklist_text(&template.items),
            template,
            builtin,
        }
    }
}

impl Services {
    /// The latest template for the project and unit type, or the handbook default.
    pub async fn inspection_template(&self, s: &Session, project_id: i64, unit_type: &str) -> Result<TemplateView> {
        s.require(Permission::ViewRecords)?;
        Ok(match self.store.latest_template(project_id, unit_type).await? {
            Some(t) => TemplateView::of(t, false),
            None => TemplateView::of(
                Template {
                    id: 0,
                    project_id,
                    unit_type: unit_type.to_string(),
                    version: 0,
                    items: default_items(),
                    created_at: String::new(),
                    created_by: "内置".into(),
                },
                true,
            ),
        })
    }

    /// Save a new template version (managers).
    pub async fn save_inspection_template(&self, s: &Session, t: &TemplateInput) -> Result<TemplateView> {
        s.require(Permission::ManageMoveIn)?;
        let t = t.validate()?;
        let id = self.store.save_template(&self.actor(s), &t).await?;
        Ok(TemplateView::of(self.store.template(id).await?, false))
    }

    /// Save a new template version from its text form; errors name the line.
    ///
    /// Errors: as [`Services::save_inspection_template`], on `text` with the line number.
    pub async fn save_inspection_template_text(&self, s: &Session, project_id: i64, unit_type: &str, text: &str) -> Result<TemplateView> {
        let lines = parse_checklist(text)?;
        let input = TemplateInput {
            project_id,
            unit_type: unit_type.to_string(),
            items: lines.iter().map(|(_, i)| i.clone()).collect(),
        };
        self.save_inspection_template(s, &input).await.map_err(|e| {
            let line = e
                .field
                .as_deref()
                .and_then(|f| f.strip_prefix("items["))
                .and_then(|f| f.split(']').next())
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| lines.get(i))
                .map(|(n, _)| *n);
            match line {
                Some(n) => AppError::invalid("text", format!("第 {n} 行：{}", e.message)),
                None => e,
            }
        })
    }

    /// The project's responsible parties (总包, 分包, 精装, 设备厂家 until changed).
    pub async fn defect_parties(&self, s: &Session, project_id: i64) -> Result<Vec<String>> {
        s.require(Permission::ViewRecords)?;
        Ok(parties_in_force(self.store.defect_parties(project_id).await?))
    }

    /// Replace the project's parties (managers), in the order given.
    ///
    /// Errors: `Forbidden`; `Invalid` on `parties` (empty, a blank or long name, a duplicate).
    pub async fn save_defect_parties(&self, s: &Session, project_id: i64, parties: &[String]) -> Result<Vec<String>> {
        s.require(Permission::ManageMoveIn)?;
        let parties = validate_parties(parties)?;
        self.store.set_defect_parties(&self.actor(s), project_id, &parties).await?;
        Ok(parties)
    }
}
