//! The 交房验收单 of an inspection and the 整改通知单 of a responsible party.

use crate::Services;
use domain::inspection::*;
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
    /// The 交房验收单 of an inspection: checklist results, defects, meters, signatures (the owner's
    /// captured signature placed on the form), in 1–3 marked copies.
    pub async fn inspection_form_pdf(&self, s: &Session, id: i64, copies: u8) -> Result<Vec<u8>> {
        s.require(Permission::ViewRecords)?;
        let row = self.store.inspection_row(id).await?;
        let i = self.inspection(s, id).await?;
        let unit = self.store.unit(i.unit_id).await?;
        let owners = self
            .live_contract(unit.id)
            .await?
            .map(|c| c.parties.into_iter().map(|p| p.buyer.name).collect())
            .unwrap_or_default();
        let signature = match &row.signature {
            Some(b) => Some(notices::layout::Image::decode(b, "签名").map_err(crate::finance::notice_error)?),
            None => None,
        };
        let form = notices::inspection_form::InspectionForm {
            letterhead: self.letterhead(&unit.project_name).await?,
            project: unit.project_name.clone(),
            unit: i.unit_label.clone(),
            owners,
            kind: i.kind.label().to_string(),
            inspector: i.inspector.clone(),
            date: chrono::DateTime::parse_from_rfc3339(&i.started_at)
                .map(|d| d.date_naive())
                .unwrap_or_else(|_| self.today()),
            template_version: i.template_version,
            lines: i
                .items
                .iter()
                .map(|it| {
                    let o = i.outcomes.iter().find(|o| o.room == it.room && o.item == it.item);
                    notices::inspection_form::Line {
                        room: it.room.clone(),
                        item: it.item.clone(),
                        standard: it.standard.clone(),
                        result: o.map(|o| o.result.label().to_string()).unwrap_or_else(|| "未检".into()),
                        note: o.map(|o| o.note.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
            defects: i
                .defects
                .iter()
                .map(|d| &d.record)
                .map(|d| notices::inspection_form::DefectLine {
                    number: d.id,
                    place: format!("{} / {}", d.room, d.item),
                    description: d.description.clone(),
                    severity: d.severity.label().to_string(),
                    party: d.party.clone(),
                    deadline: d.deadline,
                })
                .collect(),
            meters: i
                .meters
                .iter()
                .map(|m| (m.kind.label().to_string(), m.number.clone(), m.reading))
                .collect(),
            remarks: i.remarks.clone(),
            owner_signature: signature,
            copies,
        };
        notices::inspection_form::render(&form).map_err(crate::finance::notice_error)
    }

    /// The 整改通知单 of one responsible party: all its open defects in the project with deadlines
    /// and photo thumbnails.
    ///
    /// Errors: `NotFound` (the party has no open defect).
    pub async fn rectification_notice_pdf(&self, s: &Session, project_id: i64, party: &str) -> Result<Vec<u8>> {
        s.require(Permission::ViewRecords)?;
        let q = DefectQuery {
            project_id,
            party: Some(party.to_string()),
            open_only: true,
            limit: Some(100_000),
            ..DefectQuery::default()
        };
        let mut defects = self.defects_on_today(&q).await?;
        if defects.is_empty() {
            return Err(AppError::not_found(format!("“{party}”的未关闭整改单")));
        }
        defects.sort_by(|a, b| {
            let (a, b) = (&a.record, &b.record);
            (a.deadline, &a.unit_label, a.id).cmp(&(b.deadline, &b.unit_label, b.id))
        });
        let project = self
            .store
            .projects()
            .await?
            .into_iter()
            .find(|p| p.id == project_id)
            .ok_or_else(|| AppError::not_found("项目"))?;
        let mut lines = Vec::with_capacity(defects.len());
        for Defect {
            record: d, overdue_days, ..
        } in defects
        {
            let thumb = match d.photos.first() {
                Some(p) => self
                    .store
                    .photo(p.id, true)
                    .await?
                    .1
                    .and_then(|b| notices::layout::Image::decode(&b, "照片").ok()),
                None => None,
            };
            lines.push(notices::rectification_notice::Line {
                number: d.id,
                unit: d.unit_label,
                place: format!("{} / {}", d.room, d.item),
                category: d.category.join(" / "),
                description: d.description,
                severity: d.severity.label().to_string(),
                deadline: d.deadline,
                overdue_days,
                status: d.status.label().to_string(),
                thumbnail: thumb,
            });
        }
        let n = notices::rectification_notice::RectificationNotice {
            letterhead: self.letterhead(&project.name).await?,
            project: project.name,
            party: party.to_string(),
            issued_on: self.today(),
            lines,
        };
        notices::rectification_notice::render(&n).map_err(crate::finance::notice_error)
    }
}
