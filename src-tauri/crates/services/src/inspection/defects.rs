//! Defects: raising one with photos copied into the photo folder (never orphaned), moving it
//! through the workflow, the lists and events, the scorecards, and serving photos.

use crate::Services;
use domain::inspection::*;
use domain::record::{Duplicate, Entity};
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use store::{NewDefect, NewPhoto};
use ts_rs::TS;

/// A defect action as the screen sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DefectMove {
    pub defect_id: i64,
    pub version: i64,
    pub action: DefectAction,
    pub reason: String,
}

impl Services {
    /// Raise a defect on an inspection's item, with photos copied into the photo folder.
    ///
    /// Errors: `Invalid` (fields, photos: missing when required, not an image, over 10 MB);
    /// `Conflict` (the item already has an open defect; the inspection is completed).
    pub async fn raise_defect(&self, s: &Session, input: &DefectInput) -> Result<Defect> {
        s.require(Permission::RunMoveIn)?;
        let row = self.store.inspection_row(input.inspection_id).await?;
        row.inspection.may_raise_defects()?;
        let item = row.inspection.checklist_item(&input.room, &input.item)?;
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
            Ok(id) => Ok(self.store.defect(id).await?.view(self.today())),
            Err(e) => {
                remove_all(&created);
                Err(match e {
                    store::Error::Duplicate(Duplicate::OpenDefect) => open_defect_refusal(&new.input.room, &new.input.item),
                    e => e.into(),
                })
            }
        }
    }

    /// Check a photo file, copy it under its content hash with a thumbnail; `created` collects
    /// the files this call wrote (for removal if the transaction fails).
    async fn store_photo(&self, dir: &Path, path: &Path, field: &str, created: &mut Vec<PathBuf>) -> Result<NewPhoto> {
        let label = format!("照片 {} ", path.display());
        let crate::images::Checked { bytes, header, image: img } = crate::images::read(field, &label, path)?;
        let ext = header.format.ext();
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
        let d = self.store.defect(m.defect_id).await?;
        if d.version != m.version {
            return Err(Entity::Defect.stale());
        }
        let actor = Actor {
            username: &s.username,
            manager: s.may(Permission::ManageMoveIn),
        };
        let step = step(d.status, m.action, &actor, d.fixed_by.as_deref(), &m.reason)?;
        self.store.move_defect(&self.actor(s), d.id, m.version, &step).await?;
        Ok(self.store.defect(d.id).await?.view(self.today()))
    }

    /// The defect list (see [`DefectQuery::filter`] for what "open" and "overdue" mean).
    pub async fn defects(&self, s: &Session, q: &DefectQuery) -> Result<Vec<Defect>> {
        s.require(Permission::ViewRecords)?;
        self.defects_on_today(q).await
    }

    pub(super) async fn defects_on_today(&self, q: &DefectQuery) -> Result<Vec<Defect>> {
        let today = self.today();
        let rows = self.store.defects(&q.filter(today)).await?;
        Ok(rows.into_iter().map(|d| d.view(today)).collect())
    }

    pub async fn defect_events(&self, s: &Session, id: i64) -> Result<Vec<DefectEvent>> {
        s.require(Permission::ViewRecords)?;
        self.store.defect_events(id).await.map_err(AppError::from)
    }

    pub async fn scorecards(&self, s: &Session, project_id: i64) -> Result<Vec<Scorecard>> {
        s.require(Permission::ViewRecords)?;
        Ok(scorecards(&self.store.score_facts(project_id).await?, self.today()))
    }
}

fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}
