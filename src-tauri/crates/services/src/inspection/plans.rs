//! Floor plans per project and unit type (checked JPEG/PNG images, set by managers), on which
//! defects are pinned.

use crate::move_in::ImageChange;
use crate::Services;
use domain::role::{Permission, Session};
use domain::Result;
use store::FloorPlan;

impl Services {
    /// The floor-plan image of a project's unit type (for pinning defects), as a data URL.
    pub async fn floor_plan(&self, s: &Session, project_id: i64, unit_type: &str) -> Result<Option<String>> {
        s.require(Permission::ViewRecords)?;
        Ok(self.store.floor_plan(project_id, unit_type).await?.map(|plan| {
            use base64::Engine;
            let mime = domain::image::sniff(&plan.image).map_or("image/jpeg", |f| f.mime());
            format!(
                "data:{mime};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(plan.image)
            )
        }))
    }

    /// Set or clear the floor plan (managers). A JPEG/PNG up to 5 MB, checked before saving.
    ///
    /// Errors: `Forbidden`; `Invalid` on `floor_plan`.
    pub async fn save_floor_plan(&self, s: &Session, project_id: i64, unit_type: &str, change: &ImageChange) -> Result<Option<String>> {
        s.require(Permission::ManageMoveIn)?;
        let plan = match change {
            ImageChange::Keep => return self.floor_plan(s, project_id, unit_type).await,
            ImageChange::Clear => None,
            ImageChange::Upload(up) => Some(FloorPlan {
                file_name: up.display_name(),
                image: crate::images::upload("floor_plan", "户型图", up)?.bytes,
            }),
        };
        self.store
            .set_floor_plan(&self.actor(s), project_id, unit_type, plan.as_ref())
            .await?;
        self.floor_plan(s, project_id, unit_type).await
    }
}
