//! Floor plans (one image per project and unit type, for pinning defects) and a project's
//! responsible parties (an ordered list), each in its own table keyed to the project.

use super::super::rows::{exec, get, optional};
use super::super::{audit, Imp};
use crate::types::FloorPlan;
use crate::Result;
use crate::{db_err, Actor};

impl Imp {
    /// The floor plan of a project's unit type, if one is set.
    pub async fn floor_plan(&self, project_id: i64, unit_type: &str) -> Result<Option<FloorPlan>> {
        let q = sqlx::query("SELECT file_name, image FROM floor_plans WHERE project_id = $1 AND unit_type = $2")
            .bind(project_id)
            .bind(unit_type);
        optional(q, &self.pool, |r| {
            Ok(FloorPlan {
                file_name: get(r, "file_name")?,
                image: get(r, "image")?,
            })
        })
        .await
    }

    /// Set (replacing any) or, with `None`, clear the floor plan of a project's unit type; audited.
    ///
    /// Errors: `Reference` for an unknown project.
    pub async fn set_floor_plan(&self, actor: &Actor, project_id: i64, unit_type: &str, plan: Option<&FloorPlan>) -> Result<()> {
        let mut tx = self.write().await?;
        match plan {
            Some(p) => {
                exec(sqlx::query(
                    "INSERT INTO floor_plans (project_id, unit_type, file_name, image, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (project_id, unit_type) DO UPDATE SET file_name = excluded.file_name, image = excluded.image,
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(project_id)
                .bind(unit_type)
                .bind(&p.file_name)
                .bind(&p.image)
                .bind(&actor.at)
                .bind(&actor.username), &mut *tx).await?;
            }
            None => {
                exec(
                    sqlx::query("DELETE FROM floor_plans WHERE project_id = $1 AND unit_type = $2")
                        .bind(project_id)
                        .bind(unit_type),
                    &mut *tx,
                )
                .await?;
            }
        }
        let after = serde_json::json!({
            "floor_plan": unit_type,
            "file_name": plan.map(|p| &p.file_name),
            "image_bytes": plan.map(|p| p.image.len()),
        });
        audit::write::<(), _>(&mut tx, actor, "setting", project_id, "set", None, Some(&after)).await?;
        tx.commit().await
    }

    /// A project's responsible parties in their order (empty while none is saved).
    pub async fn defect_parties(&self, project_id: i64) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT name FROM defect_parties WHERE project_id = $1 ORDER BY position")
            .bind(project_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Replace a project's parties with `parties`, in order (validated by the caller:
    /// `domain::inspection::validate_parties`); audited with the list before and after.
    ///
    /// Errors: `Duplicate(PartyName)` for a name listed twice; `Reference` for an unknown project.
    pub async fn set_defect_parties(&self, actor: &Actor, project_id: i64, parties: &[String]) -> Result<()> {
        let mut tx = self.write().await?;
        let before: Vec<String> = sqlx::query_scalar("SELECT name FROM defect_parties WHERE project_id = $1 ORDER BY position")
            .bind(project_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        exec(
            sqlx::query("DELETE FROM defect_parties WHERE project_id = $1").bind(project_id),
            &mut *tx,
        )
        .await?;
        for (position, name) in (1_i64..).zip(parties) {
            exec(
                sqlx::query("INSERT INTO defect_parties (project_id, position, name) VALUES ($1, $2, $3)")
                    .bind(project_id)
                    .bind(position)
                    .bind(name),
                &mut *tx,
            )
            .await?;
        }
        audit::write(
            &mut tx,
            actor,
            "setting",
            project_id,
            "set",
            Some(&serde_json::json!({ "defect_parties": before })),
            Some(&serde_json::json!({ "defect_parties": parties })),
        )
        .await?;
        tx.commit().await
    }
}
