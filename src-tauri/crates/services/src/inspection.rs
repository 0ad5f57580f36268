//! Inspection services: checklist templates, inspections walked with the owner, defects with
//! photos routed through their workflow, scorecards, and the 交房验收单 / 整改通知单.
//!
//! Photos are files in `<data folder>/photos/<sha256>.<ext>`, with a 240-pixel JPEG thumbnail
//! beside them (`<sha256>.thumb.jpg`). A file is written before the transaction that references
//! it; if the transaction fails, files that this call created are removed again, so nothing is
//! left orphaned and nothing already referenced is lost.

use crate::Services;
use domain::inspection::*;
use domain::move_in::{MoveInStatus, StepData, StepKind};
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use store::{NewDefect, NewPhoto};
use ts_rs::TS;

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;

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

/// A defect action as the screen sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectMove {
    pub defect_id: i64,
    pub version: i64,
    pub action: DefectAction,
    pub reason: String,
}

const PARTIES_KEY: &str = "defect_parties";

impl Services {
    fn photo_dir(&self) -> Result<&Path> {
        self.files
            .as_deref()
            .map(|d| d.as_path())
            .ok_or_else(|| AppError::internal("照片目录未配置"))
    }

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
        Ok(match self.store.setting(&format!("{PARTIES_KEY}.{project_id}")).await? {
            Some((text, _)) => serde_json::from_str(&text).map_err(AppError::internal)?,
            None => default_parties(),
        })
    }

    /// Errors: `Invalid` on `parties` (empty, a blank or long name, a duplicate).
    pub async fn save_defect_parties(&self, s: &Session, project_id: i64, parties: &[String]) -> Result<Vec<String>> {
        s.require(Permission::ManageMoveIn)?;
        let mut out: Vec<String> = Vec::new();
        for p in parties.iter().map(|p| p.trim()) {
            if p.is_empty() || p.chars().count() > 20 || out.iter().any(|o| o == p) {
                return Err(AppError::invalid("parties", "责任单位名称不能为空、不超过 20 字、不能重复"));
            }
            out.push(p.to_string());
        }
        if out.is_empty() {
            return Err(AppError::invalid("parties", "至少一个责任单位"));
        }
        let key = format!("{PARTIES_KEY}.{project_id}");
        self.store
            .set_settings(
                &self.actor(s),
                &[(key.as_str(), Some((serde_json::to_string(&out).map_err(AppError::internal)?, None)))],
            )
            .await?;
        Ok(out)
    }

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
        i.defects = self.store.defects_of_inspection(id, self.today()).await?;
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
    /// Errors: `Invalid` on `signature` (not a PNG, empty, over 1 MB).
    pub async fn sign_inspection(&self, s: &Session, id: i64, version: i64, png_base64: &str) -> Result<Inspection> {
        s.require(Permission::RunMoveIn)?;
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png_base64.trim().trim_start_matches("data:image/png;base64,"))
            .map_err(|_| AppError::invalid("signature", "签名数据无效"))?;
        if bytes.len() > 1024 * 1024 || !bytes.starts_with(b"\x89PNG") {
            return Err(AppError::invalid("signature", "签名应为不超过 1 MB 的 PNG 图片"));
        }
        notices::layout::Image::decode(&bytes, "签名").map_err(|e| AppError::invalid("signature", e.to_string()))?;
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
        for it in &i.items {
            let Some(o) = i.outcomes.iter().find(|o| o.room == it.room && o.item == it.item) else {
                return Err(AppError::invalid("outcomes", format!("“{} / {}”尚未检查", it.room, it.item)));
            };
            if o.result == ItemResult::Fail && !i.defects.iter().any(|d| d.room == it.room && d.item == it.item) {
                return Err(AppError::invalid(
                    "outcomes",
                    format!("“{} / {}”不合格，请登记整改单", it.room, it.item),
                ));
            }
        }
        self.store.complete_inspection(&self.actor(s), id, version).await?;
        self.fill_move_in_step(s, &i).await?;
        self.inspection(s, id).await
    }

    async fn fill_move_in_step(&self, s: &Session, i: &Inspection) -> Result<()> {
        let Ok(row) = self.store.move_in_row(i.unit_id).await else {
            return Ok(());
        };
        if row.status == MoveInStatus::Deferred {
            return Ok(());
        }
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let done: Vec<StepKind> = self.store.steps(i.unit_id).await?.iter().map(|r| r.data.kind()).collect();
        if !config.enabled(StepKind::Inspection)
            || done.contains(&StepKind::Inspection)
            || config.blocked_by(StepKind::Inspection, &done).is_some()
        {
            return Ok(());
        }
        let failed = i.outcomes.iter().filter(|o| o.result == ItemResult::Fail).count();
        let passed = i.outcomes.iter().filter(|o| o.result == ItemResult::Pass).count();
        let note = format!(
            "{}完成：{passed} 项合格，{failed} 项不合格，整改单 {} 张（验房记录 #{}）",
            i.kind.label(),
            i.defects.len(),
            i.id
        );
        self.store
            .do_step(&self.actor(s), i.unit_id, row.version, &StepData::Inspection { note })
            .await
            .map_err(AppError::from)
    }

    /// Raise a defect on an inspection's item, with photos copied into the photo folder.
    ///
    /// Errors: `Invalid` (fields, photos: missing when required, not an image, over 10 MB);
    /// `Conflict` (the item already has an open defect; the inspection is completed).
    pub async fn raise_defect(&self, s: &Session, input: &DefectInput) -> Result<Defect> {
        s.require(Permission::RunMoveIn)?;
        let row = self.store.inspection_row(input.inspection_id).await?;
        if row.inspection.completed_at.is_some() {
            return Err(AppError::conflict("验房已完成，请新建复验后再登记"));
        }
        let item = row
            .inspection
            .items
            .iter()
            .find(|t| t.room == input.room.trim() && t.item == input.item.trim())
            .ok_or_else(|| AppError::invalid("item", "该检查项不在本次验房的检查表上"))?;
        let unit = self.store.unit(row.inspection.unit_id).await?;
        let parties = self.defect_parties(s, unit.project_id).await?;
        let mut d = input.validate(self.today(), &parties, item)?;
        d.room = item.room.clone();
        d.item = item.item.clone();
        let mut created: Vec<PathBuf> = Vec::new();
        let mut photos = Vec::new();
        for (i, path) in d.photo_paths.iter().enumerate() {
            // Only a defect with photos needs the photo folder.
            let dir = self.photo_dir()?.to_path_buf();
            match self
                .store_photo(&dir, Path::new(path), &format!("photo_paths[{i}]"), &mut created)
                .await
            {
                Ok(p) => photos.push(p),
                Err(e) => {
                    remove_all(&created);
                    return Err(e);
                }
            }
        }
        let new = NewDefect {
            project_id: unit.project_id,
            unit_id: unit.id,
            input: d,
            photos,
        };
        match self.store.raise_defect(&self.actor(s), &new).await {
            Ok(id) => self.store.defect(id, self.today()).await.map_err(AppError::from),
            Err(e) => {
                remove_all(&created);
                Err(e.into())
            }
        }
    }

    /// Check a photo file, copy it under its content hash with a thumbnail; `created` collects
    /// the files this call wrote (for removal if the transaction fails).
    async fn store_photo(&self, dir: &Path, path: &Path, field: &str, created: &mut Vec<PathBuf>) -> Result<NewPhoto> {
        let meta = std::fs::metadata(path).map_err(|e| AppError::invalid(field, format!("无法读取 {}：{e}", path.display())))?;
        if meta.len() > MAX_PHOTO_BYTES {
            return Err(AppError::invalid(field, format!("{} 超过 10 MB", path.display())));
        }
        let bytes = std::fs::read(path).map_err(|e| AppError::invalid(field, format!("无法读取 {}：{e}", path.display())))?;
        let format = image::guess_format(&bytes).ok();
        let ext = match format {
            Some(image::ImageFormat::Jpeg) => "jpg",
            Some(image::ImageFormat::Png) => "png",
            _ => return Err(AppError::invalid(field, format!("{} 不是 JPEG 或 PNG 照片", path.display()))),
        };
        let img = image::load_from_memory(&bytes).map_err(|_| AppError::invalid(field, format!("{} 已损坏，无法读取", path.display())))?;
        let hash = format!("{:x}", Sha256::digest(&bytes));
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(format!("{}：{e}", dir.display())))?;
        let file = dir.join(format!("{hash}.{ext}"));
        let thumb = dir.join(format!("{hash}.thumb.jpg"));
        if !file.exists() {
            crate::write_file(&file, &bytes)?;
            created.push(file.clone());
        }
        if !thumb.exists() {
            let t = img.thumbnail(240, 240).to_rgb8();
            let mut out = std::io::Cursor::new(Vec::new());
            t.write_to(&mut out, image::ImageFormat::Jpeg).map_err(AppError::internal)?;
            crate::write_file(&thumb, out.get_ref())?;
            created.push(thumb);
        }
        // A file that a row already references is never in `created`: it existed before.
        if self.store.photo_known(&hash).await? {
            created.retain(|p| !p.to_string_lossy().contains(&hash));
        }
        Ok(NewPhoto {
            hash,
            file_name: path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
            ext: ext.to_string(),
            bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        })
    }

    /// A photo (or its thumbnail) as a data URL for the screen.
    pub async fn defect_photo(&self, s: &Session, photo_id: i64, thumbnail: bool) -> Result<String> {
        s.require(Permission::ViewRecords)?;
        let (hash, ext) = self.store.photo(photo_id).await?;
        let dir = self.photo_dir()?;
        let (path, mime) = if thumbnail {
            (dir.join(format!("{hash}.thumb.jpg")), "image/jpeg")
        } else {
            (
                dir.join(format!("{hash}.{ext}")),
                if ext == "png" { "image/png" } else { "image/jpeg" },
            )
        };
        let bytes = std::fs::read(&path).map_err(|e| AppError::io(format!("照片文件缺失 {}：{e}", path.display())))?;
        use base64::Engine;
        Ok(format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    }

    /// Move a defect through its workflow (see [`domain::inspection::transition`]).
    ///
    /// Errors: `Conflict` (not allowed from its status; four-eyes), `Forbidden`, `Invalid` on
    /// `reason`, `Stale`.
    pub async fn move_defect(&self, s: &Session, m: &DefectMove) -> Result<Defect> {
        s.require(Permission::RunMoveIn)?;
        let d = self.store.defect(m.defect_id, self.today()).await?;
        if d.version != m.version {
            return Err(AppError::stale("整改单"));
        }
        let actor = Actor {
            username: &s.username,
            manager: s.may(Permission::ManageMoveIn),
        };
        let reason = m.reason.trim();
        if reason.chars().count() > 200 {
            return Err(AppError::invalid("reason", "原因不超过 200 字"));
        }
        let to = transition(d.status, m.action, &actor, d.fixed_by.as_deref(), reason)?;
        self.store
            .move_defect(&self.actor(s), d.id, m.version, m.action, d.status, to, reason)
            .await?;
        self.store.defect(d.id, self.today()).await.map_err(AppError::from)
    }

    pub async fn defects(&self, s: &Session, q: &DefectQuery) -> Result<Vec<Defect>> {
        s.require(Permission::ViewRecords)?;
        self.store.defects(q, self.today()).await.map_err(AppError::from)
    }

    pub async fn defect_events(&self, s: &Session, id: i64) -> Result<Vec<DefectEvent>> {
        s.require(Permission::ViewRecords)?;
        self.store.defect_events(id).await.map_err(AppError::from)
    }

    pub async fn scorecards(&self, s: &Session, project_id: i64) -> Result<Vec<Scorecard>> {
        s.require(Permission::ViewRecords)?;
        self.store.scorecards(project_id, self.today()).await.map_err(AppError::from)
    }

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
        let mut defects = self.store.defects(&q, self.today()).await?;
        if defects.is_empty() {
            return Err(AppError::not_found(format!("“{party}”的未关闭整改单")));
        }
        defects.sort_by(|a, b| (a.deadline, &a.unit_label, a.id).cmp(&(b.deadline, &b.unit_label, b.id)));
        let project = self
            .store
            .projects()
            .await?
            .into_iter()
            .find(|p| p.id == project_id)
            .ok_or_else(|| AppError::not_found("项目"))?;
        let dir = self.files.as_deref().map(|d| d.to_path_buf());
        let mut lines = Vec::with_capacity(defects.len());
        for d in defects {
            let thumb = match (&dir, d.photos.first()) {
                (Some(dir), Some(p)) => std::fs::read(dir.join(format!("{}.thumb.jpg", p.hash)))
                    .ok()
                    .and_then(|b| notices::layout::Image::decode(&b, "照片").ok()),
                _ => None,
            };
            lines.push(notices::rectification_notice::Line {
                number: d.id,
                unit: d.unit_label,
                place: format!("{} / {}", d.room, d.item),
                category: d.category.join(" / "),
                description: d.description,
                severity: d.severity.label().to_string(),
                deadline: d.deadline,
                overdue_days: d.overdue_days,
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

impl Services {
    /// The floor-plan image of a project's unit type (for pinning defects), as a data URL.
    pub async fn floor_plan(&self, s: &Session, project_id: i64, unit_type: &str) -> Result<Option<String>> {
        s.require(Permission::ViewRecords)?;
        let key = format!("floor_plan.{project_id}.{unit_type}");
        Ok(self.store.setting(&key).await?.and_then(|(_, image)| image).map(|bytes| {
            use base64::Engine;
            let mime = if bytes.starts_with(b"\x89PNG") { "image/png" } else { "image/jpeg" };
            format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
        }))
    }

    /// Set or clear the floor plan (managers). A JPEG/PNG up to 5 MB, checked before saving.
    ///
    /// Errors: `Forbidden`; `Invalid` on `floor_plan`.
    pub async fn save_floor_plan(
        &self,
        s: &Session,
        project_id: i64,
        unit_type: &str,
        change: &crate::move_in::ImageChange,
    ) -> Result<Option<String>> {
        s.require(Permission::ManageMoveIn)?;
        let key = format!("floor_plan.{project_id}.{unit_type}");
        let value = match change {
            crate::move_in::ImageChange::Keep => return self.floor_plan(s, project_id, unit_type).await,
            crate::move_in::ImageChange::Clear => None,
            crate::move_in::ImageChange::SetFromFile { path } => {
                let bad = |why: String| AppError::invalid("floor_plan", why);
                let meta = std::fs::metadata(path).map_err(|e| bad(format!("无法读取 {path}：{e}")))?;
                if meta.len() > 5 * 1024 * 1024 {
                    return Err(bad("户型图不能超过 5 MB".into()));
                }
                let bytes = std::fs::read(path).map_err(|e| bad(format!("无法读取 {path}：{e}")))?;
                if !matches!(image::guess_format(&bytes), Ok(image::ImageFormat::Png | image::ImageFormat::Jpeg)) {
                    return Err(bad("户型图应为 JPEG 或 PNG 图片".into()));
                }
                image::load_from_memory(&bytes).map_err(|_| bad("户型图已损坏，无法读取".into()))?;
                let name = Path::new(path)
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
                    .unwrap_or_default();
                Some((name, Some(bytes)))
            }
        };
        self.store.set_settings(&self.actor(s), &[(key.as_str(), value)]).await?;
        self.floor_plan(s, project_id, unit_type).await
    }
}

fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}
