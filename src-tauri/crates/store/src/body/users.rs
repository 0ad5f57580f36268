//! Users (passwords arrive already hashed; hashing is the services' job).

use super::rows::{all, exec, optional};
use super::DbRow;
use super::{audit, lock, Imp, Lock};
use crate::types::{NewUser, UserRecord};
use crate::{db_err, Actor};
use crate::{Error, Result};
use domain::audit::{AuditAction, AuditEntity};
use domain::model::UserInfo;
use domain::record::Entity;
use domain::role::Role;
use domain::session::Failures;
use domain::AppError;
use sqlx::Row;

fn info(r: &DbRow) -> Result<UserInfo> {
    let role: String = r.try_get("role").map_err(db_err)?;
    Ok(UserInfo {
        id: r.try_get("id").map_err(db_err)?,
        username: r.try_get("username").map_err(db_err)?,
        display_name: r.try_get("display_name").map_err(db_err)?,
        role: Role::parse(&role).ok_or_else(|| AppError::internal(format!("unknown role {role}")))?,
        active: r.try_get::<i64, _>("active").map_err(db_err)? != 0,
    })
}

impl Imp {
    /// People who can sign in (the command line's system account is not one).
    pub async fn count_users(&self) -> Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE password_hash <> '!'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    /// The account the `handover` command line writes as (it cannot sign in: its hash is `!`).
    pub async fn system_user(&self, username: &str, display_name: &str, role: Role, at: &str) -> Result<UserInfo> {
        exec(sqlx::query("INSERT INTO users (username, display_name, role, password_hash, active, created_at) VALUES ($1, $2, $3, '!', 0, $4) ON CONFLICT (username) DO NOTHING")
            .bind(username)
            .bind(display_name)
            .bind(role.as_str())
            .bind(at), &self.pool).await?;
        let rec = self
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::internal("system user missing"))?;
        Ok(UserInfo { role, ..rec.info })
    }

    /// Create a user. With `only_if_none`, refuses unless the table is empty (first-start admin),
    /// checked inside the same transaction so two windows cannot both create one.
    ///
    /// Errors: `Conflict` when the user name is taken or (with `only_if_none`) a user exists.
    pub async fn create_user(&self, actor: &Actor, new: &NewUser, only_if_none: bool) -> Result<UserInfo> {
        let mut tx = self.write().await?;
        // "Only if there is none yet" counts rows: two first starts at once would each count
        // zero under READ COMMITTED (a row lock cannot lock a row not yet inserted), so the
        // count is taken under the administrators' advisory lock; the second waits, then counts one.
        lock(&mut tx, Lock::Admins).await?;
        if only_if_none {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE password_hash <> '!'")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            domain::role::users::refuse_first_admin(n)?;
        }
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
            .bind(&new.username)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        domain::role::users::refuse_taken(&new.username, taken > 0)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let user = UserInfo {
            id,
            username: new.username.clone(),
            display_name: new.display_name.clone(),
            role: new.role,
            active: true,
        };
        let actor = if actor.user_id.is_none() && only_if_none {
            Actor {
                user_id: Some(id),
                ..actor.clone()
            }
        } else {
            actor.clone()
        };
        audit::write(&mut tx, &actor, "user", id, "create", None::<&UserInfo>, Some(&user)).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let q = sqlx::query("SELECT * FROM users WHERE username = $1").bind(username);
        optional(q, &self.pool, |r| {
            Ok(UserRecord {
                info: info(r)?,
                password_hash: r.try_get("password_hash").map_err(db_err)?,
            })
        })
        .await
    }

    pub async fn users(&self) -> Result<Vec<UserInfo>> {
        all(
            sqlx::query("SELECT * FROM users WHERE password_hash <> '!' ORDER BY id"),
            &self.pool,
            info,
        )
        .await
    }

    /// Change a user's role, active flag and (optionally) password hash.
    ///
    /// Errors: `NotFound`; `Conflict` when it would leave no active administrator.
    pub async fn update_user(&self, actor: &Actor, id: i64, role: Role, active: bool, password_hash: Option<&str>) -> Result<UserInfo> {
        let mut tx = self.write().await?;
        // "An active administrator must remain" counts rows other desks may be changing: two
        // administrators demoting each other at once would each still see the other. The
        // administrators' advisory lock puts the second after the first, so it counts anew.
        lock(&mut tx, Lock::Admins).await?;
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let before = info(&row.ok_or(Error::NotFound(Entity::User))?)?;
        exec(
            sqlx::query("UPDATE users SET role = $1, active = $2, password_hash = COALESCE($3, password_hash) WHERE id = $4")
                .bind(role.as_str())
                .bind(i64::from(active))
                .bind(password_hash)
                .bind(id),
            &mut *tx,
        )
        .await?;
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        domain::role::users::refuse_no_admin_left(admins)?;
        let after = UserInfo {
            role,
            active,
            ..before.clone()
        };
        let action = if password_hash.is_some() {
            "update_with_password"
        } else {
            "update"
        };
        audit::write(&mut tx, actor, "user", id, action, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// A stored instant (RFC 3339, UTC).
fn instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| Error::Corrupt(format!("sign_in_failures: bad instant {s}")))
}

fn failures_from(r: &DbRow) -> Result<Failures> {
    let first_at: String = r.try_get("first_at").map_err(db_err)?;
    let locked_until: Option<String> = r.try_get("locked_until").map_err(db_err)?;
    Ok(Failures {
        count: r.try_get("failures").map_err(db_err)?,
        first_at: instant(&first_at)?,
        locked_until: locked_until.as_deref().map(instant).transpose()?,
    })
}

impl Imp {
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserInfo>> {
        optional(sqlx::query("SELECT * FROM users WHERE id = $1").bind(id), &self.pool, info).await
    }

    /// The failed sign-ins recorded under a typed user name.
    pub async fn sign_in_failures(&self, username: &str) -> Result<Option<Failures>> {
        optional(
            sqlx::query("SELECT * FROM sign_in_failures WHERE username = $1").bind(username),
            &self.pool,
            failures_from,
        )
        .await
    }

    /// Count one more failed sign-in under `username` at `now` (the domain decides the count and
    /// the lock), with its audit line (`sign_in_failed`, or `sign_in_locked` when it locks the
    /// name). Two failures at once are both counted: the first inserts the row, the second waits
    /// on it (unique key), then updates it under a row lock.
    pub async fn record_sign_in_failure(
        &self,
        actor: &Actor,
        username: &str,
        user_id: Option<i64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Failures> {
        let mut tx = self.write().await?;
        let first = domain::session::after_failure(None, now);
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO sign_in_failures (username, failures, first_at, locked_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (username) DO NOTHING RETURNING username",
        )
        .bind(username)
        .bind(first.count)
        .bind(first.first_at.to_rfc3339())
        .bind(first.locked_until.map(|t| t.to_rfc3339()))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let now_failures = if inserted.is_some() {
            first
        } else {
            let row = sqlx::query(concat!("SELECT * FROM sign_in_failures WHERE username = $1", for_update!()))
                .bind(username)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let next = domain::session::after_failure(Some(&failures_from(&row)?), now);
            exec(
                sqlx::query("UPDATE sign_in_failures SET failures = $1, first_at = $2, locked_until = $3 WHERE username = $4")
                    .bind(next.count)
                    .bind(next.first_at.to_rfc3339())
                    .bind(next.locked_until.map(|t| t.to_rfc3339()))
                    .bind(username),
                &mut *tx,
            )
            .await?;
            next
        };
        let action = if now_failures.locked_until.is_some() {
            "sign_in_locked"
        } else {
            "sign_in_failed"
        };
        let after = serde_json::json!({ "username": username, "failures": now_failures.count });
        audit::write::<(), _>(&mut tx, actor, "user", user_id.unwrap_or(0), action, None, Some(&after)).await?;
        tx.commit().await?;
        Ok(now_failures)
    }

    /// A successful sign-in: its failures are forgotten, and it is audited.
    pub async fn record_sign_in(&self, actor: &Actor, user_id: i64, username: &str) -> Result<()> {
        let mut tx = self.write().await?;
        exec(
            sqlx::query("DELETE FROM sign_in_failures WHERE username = $1").bind(username),
            &mut *tx,
        )
        .await?;
        audit::write::<(), ()>(&mut tx, actor, "user", user_id, "sign_in", None, None).await?;
        tx.commit().await
    }

    /// One audit line about something done that changes no row (signing out, an export or a
    /// print holding full personal data, a backup): `after` says what.
    pub async fn record_event(
        &self,
        actor: &Actor,
        entity: AuditEntity,
        entity_id: i64,
        action: AuditAction,
        after: Option<&serde_json::Value>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        audit::write::<(), _>(&mut tx, actor, entity.as_str(), entity_id, action.as_str(), None, after).await?;
        tx.commit().await
    }

    /// A user changes their own password (the services checked the current one).
    ///
    /// Errors: `NotFound` when the user is gone.
    pub async fn change_password(&self, actor: &Actor, user_id: i64, password_hash: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let done = exec(
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash <> '!'")
                .bind(password_hash)
                .bind(user_id),
            &mut *tx,
        )
        .await?;
        if done == 0 {
            return Err(Error::NotFound(Entity::User));
        }
        audit::write::<(), ()>(&mut tx, actor, "user", user_id, "password_changed", None, None).await?;
        tx.commit().await
    }
}
