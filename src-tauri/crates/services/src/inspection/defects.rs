//! Defects: raising one with its photos (stored in the database with a thumbnail, in the same
//! transaction as the defect), moving it through the workflow, the lists and events, the
//! scorecards, and serving photos.

use crate::Services;
use domain::inspection::*;
use domain::record::{Duplicate, Entity};
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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
    /// Raise a defect on an inspection's item, with its photos read, checked and stored with it.
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
        let mut photos = Vec::new();
        for (i, up) in std::mem::take(&mut d.photos).iter().enumerate() {
            photos.push(read_photo(up, &format!("photos[{i}]"))?);
        }
        let new = NewDefect {
            project_id: unit.project_id,
            unit_id: unit.id,
            input: d,
            photos,
        };
        match self.store.raise_defect(&self.actor(s), &new).await {
            Ok(id) => Ok(self.store.defect(id).await?.view(self.today())),
            Err(store::Error::Duplicate(Duplicate::OpenDefect)) => Err(open_defect_refusal(&new.input.room, &new.input.item)),
            Err(e) => Err(e.into()),
        }
    }

    /// A photo (or its thumbnail) as a data URL for the screen.
    pub async fn defect_photo(&self, s: &Session, photo_id: i64, thumbnail: bool) -> Result<String> {
        s.require(Permission::ViewRecords)?;
        let (ext, bytes) = self.store.photo(photo_id, thumbnail).await?;
        let mime = if !thumbnail && ext == "png" { "image/png" } else { "image/jpeg" };
        let bytes = bytes.ok_or_else(|| AppError::io(format!("照片 {photo_id} 缺失：升级前的照片文件已不在数据库旁的 photos 文件夹中")))?;
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

/// Check a photo the page sent (JPEG or PNG, size and pixel limits) and make its 240-pixel JPEG
/// thumbnail; `field` names it in a refusal.
fn read_photo(up: &domain::image::Upload, field: &str) -> Result<NewPhoto> {
    let file_name = up.display_name();
    let label = format!("照片 {file_name} ");
    let crate::images::Checked { bytes, header, image: img } = crate::images::upload(field, &label, up)?;
    let thumb = img.thumbnail(240, 240).to_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    thumb.write_to(&mut out, image::ImageFormat::Jpeg).map_err(AppError::internal)?;
    Ok(NewPhoto {
        hash: format!("{:x}", Sha256::digest(&bytes)),
        file_name,
        ext: header.format.ext().to_string(),
        bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        content: bytes,
        thumbnail: out.into_inner(),
    })
}
