//! The key ledger.

use crate::Services;
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
    // ─────────────── keys ───────────────

    /// The project's key ledger; `overdue_only` lists keys lent out past their due date, with age.
    pub async fn keys(&self, s: &Session, project_id: i64, overdue_only: bool) -> Result<Vec<KeyRecord>> {
        s.require(Permission::ViewRecords)?;
        let today = self.today();
        let mut keys = self.store.keys(project_id).await?;
        if overdue_only {
            keys.retain(|k| k.is_overdue(today));
        }
        for k in &mut keys {
            k.overdue_days = k.overdue_days(today);
        }
        Ok(keys)
    }

    pub async fn register_key(&self, s: &Session, input: &KeyInput) -> Result<KeyRecord> {
        s.require(Permission::ManageMoveIn)?;
        let k = input.validate()?;
        if let Some(u) = k.unit_id {
            if self.store.unit(u).await?.project_id != k.project_id {
                return Err(AppError::invalid("unit_id", "房屋不属于该项目"));
            }
        }
        let id = self.store.register_key(&self.actor(s), &k).await?;
        self.key(s, k.project_id, id).await
    }

    async fn key(&self, s: &Session, project_id: i64, id: i64) -> Result<KeyRecord> {
        self.keys(s, project_id, false)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| domain::record::Entity::Key.not_found())
    }

    /// Lend a key held by the office (who, why, back by when).
    pub async fn checkout_key(&self, s: &Session, project_id: i64, input: &KeyCheckout) -> Result<KeyRecord> {
        s.require(Permission::RunMoveIn)?;
        let c = input.validate(self.today())?;
        // The key must be this project's before anything is written (never "not found" after
        // the change has been committed).
        self.key(s, project_id, c.key_id).await?;
        self.store
            .move_key(
                &self.actor(s),
                c.key_id,
                KeyAction::CheckedOut,
                &c.person,
                &c.reason,
                Some(c.due_back),
            )
            .await?;
        self.key(s, project_id, c.key_id).await
    }

    /// A lent or lost key is back (`lost` false), or a key is lost (`lost` true).
    pub async fn return_or_lose_key(&self, s: &Session, project_id: i64, key_id: i64, lost: bool, note: &str) -> Result<KeyRecord> {
        s.require(Permission::RunMoveIn)?;
        let action = if lost { KeyAction::Lost } else { KeyAction::Returned };
        let note: String = note.trim().chars().take(100).collect();
        if lost && note.is_empty() {
            return Err(AppError::invalid("note", "请说明遗失情况"));
        }
        self.key(s, project_id, key_id).await?;
        self.store.move_key(&self.actor(s), key_id, action, "", &note, None).await?;
        self.key(s, project_id, key_id).await
    }

    pub async fn key_events(&self, s: &Session, key_id: i64) -> Result<Vec<KeyEvent>> {
        s.require(Permission::ViewRecords)?;
        self.store.key_events(key_id).await.map_err(AppError::from)
    }
}
