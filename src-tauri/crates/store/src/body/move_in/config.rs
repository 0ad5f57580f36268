//! A project's move-in procedure (the handbook default until a manager saves one).

use super::super::rows::{from_json, get, json};
use super::super::Db;
use super::super::{audit, Imp};
use crate::{db_err, not_stale, Actor, Result};
use domain::move_in::ProcedureConfig;
use domain::record::Entity;

/// The project's procedure and its version (0: the default), read through `e` (the pool, or a
/// write's transaction).
pub(crate) async fn read_config<'e, E>(e: E, project_id: i64) -> Result<(ProcedureConfig, i64)>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let r = sqlx::query("SELECT config, version FROM move_in_configs WHERE project_id = $1")
        .bind(project_id)
        .fetch_optional(e)
        .await
        .map_err(db_err)?;
    match r {
        None => Ok((ProcedureConfig::default(), 0)),
        Some(r) => Ok((from_json(&r, "config")?, get(&r, "version")?)),
    }
}

impl Imp {
    /// The project's procedure and its version (0 for the handbook default).
    pub async fn move_in_config(&self, project_id: i64) -> Result<(ProcedureConfig, i64)> {
        read_config(&self.pool, project_id).await
    }

    /// Replace the project's procedure; `version` is the one the form loaded. Returns the new
    /// version.
    ///
    /// Errors: `Stale(MoveInConfig)` when another manager saved in between.
    pub async fn save_move_in_config(&self, actor: &Actor, project_id: i64, version: i64, c: &ProcedureConfig) -> Result<i64> {
        let mut tx = self.write().await?;
        let text = json(c)?;
        let rows = if version == 0 {
            sqlx::query("INSERT INTO move_in_configs (project_id, config, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING")
                .bind(project_id)
                .bind(&text)
                .execute(&mut *tx)
                .await
        } else {
            sqlx::query("UPDATE move_in_configs SET config = $1, version = version + 1 WHERE project_id = $2 AND version = $3")
                .bind(&text)
                .bind(project_id)
                .bind(version)
                .execute(&mut *tx)
                .await
        }
        .map_err(db_err)?
        .rows_affected();
        not_stale(rows, Entity::MoveInConfig)?;
        audit::write::<(), _>(&mut tx, actor, "project", project_id, "move_in_config", None, Some(c)).await?;
        tx.commit().await?;
        Ok(version + 1)
    }
}
