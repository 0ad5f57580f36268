//! Users (passwords arrive already hashed; hashing is the services' job).

use super::rows::{all, exec, optional};
use super::DbRow;
use super::{audit, lock, Imp, Lock};
use crate::types::{NewUser, UserRecord};
use crate::{db_err, Actor};
use crate::{Error, Result};
use domain::model::UserInfo;
use domain::record::Entity;
use domain::role::Role;
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
        tx.commit().await.map_err(db_err)?;
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
        tx.commit().await.map_err(db_err)?;
        Ok(after)
    }
}
