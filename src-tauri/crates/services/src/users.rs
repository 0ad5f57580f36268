//! First start, sign-in and user management. Passwords are hashed with Argon2id.

use crate::Services;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use domain::model::UserInfo;
use domain::role::{Permission, Role, Session};
use domain::{AppError, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use store::{Actor, NewUser};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetupStatus {
    /// No user exists yet: the app must ask for the administrator's password first.
    pub needs_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FirstAdmin {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct UpdateUserRequest {
    pub id: i64,
    pub role: Role,
    pub active: bool,
    /// A new password, or none to keep the current one.
    pub password: Option<String>,
}

pub const MIN_PASSWORD_LEN: usize = 8;

fn check_username(u: &str) -> Result<String> {
    let u = u.trim();
    if u.is_empty() || u.chars().count() > 32 || !u.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-') {
        return Err(AppError::invalid("username", "用户名为 1–32 位字母、数字、汉字或 _ . -"));
    }
    Ok(u.to_string())
}

fn check_display_name(n: &str, fallback: &str) -> Result<String> {
    let n = n.trim();
    if n.chars().count() > 32 {
        return Err(AppError::invalid("display_name", "姓名不能超过 32 个字"));
    }
    Ok(if n.is_empty() { fallback.to_string() } else { n.to_string() })
}

/// Hash a password after checking its length.
///
/// Errors: `Invalid` on `password` when shorter than [`MIN_PASSWORD_LEN`].
pub fn hash_password(pw: &str) -> Result<String> {
    if pw.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid("password", format!("密码至少 {MIN_PASSWORD_LEN} 位")));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

impl Services {
    pub async fn setup_status(&self) -> Result<SetupStatus> {
        Ok(SetupStatus {
            needs_admin: self.store.count_users().await? == 0,
        })
    }

    /// Create the first administrator. Only possible while there is no user at all.
    ///
    /// Errors: `Invalid` (username, password), `Conflict` when a user already exists.
    pub async fn create_first_admin(&self, req: &FirstAdmin) -> Result<Session> {
        let username = check_username(&req.username)?;
        let display_name = check_display_name(&req.display_name, &username)?;
        let password_hash = hash_password(&req.password)?;
        let actor = Actor {
            user_id: None,
            username: username.clone(),
            at: self.now().to_rfc3339(),
        };
        let u = self
            .store
            .create_user(
                &actor,
                &NewUser {
                    username,
                    display_name,
                    role: Role::Admin,
                    password_hash,
                },
                true,
            )
            .await?;
        Ok(session_of(&u))
    }

    /// Check a user name and password.
    ///
    /// Errors: `SetupRequired` before the first admin exists; `BadCredentials` for an unknown
    /// user, a wrong password or a disabled account (one message for all three).
    pub async fn sign_in(&self, req: &SignIn) -> Result<Session> {
        if self.store.count_users().await? == 0 {
            return Err(AppError::new(ErrorCode::SetupRequired, "首次使用，请先创建系统管理员"));
        }
        let bad = || AppError::new(ErrorCode::BadCredentials, "用户名或密码错误，或账号已停用");
        let rec = self.store.user_by_username(req.username.trim()).await?.ok_or_else(bad)?;
        if !rec.info.active || !verify_password(&req.password, &rec.password_hash) {
            return Err(bad());
        }
        Ok(session_of(&rec.info))
    }

    pub async fn users(&self, s: &Session) -> Result<Vec<UserInfo>> {
        s.require(Permission::ManageUsers)?;
        self.store.users().await.map_err(AppError::from)
    }

    /// The user list as an .xlsx (no password hashes).
    pub async fn export_users(&self, s: &Session) -> Result<Vec<u8>> {
        s.require(Permission::ManageUsers)?;
        let rows = self
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| {
                vec![
                    u.username,
                    u.display_name,
                    u.role.label().to_string(),
                    if u.active { "启用" } else { "停用" }.to_string(),
                ]
            })
            .collect();
        domain::sheet::write_workbook(&[domain::sheet::ExportTable {
            sheet: "用户",
            headers: &["用户名", "姓名", "角色", "状态"],
            rows,
        }])
    }

    pub async fn create_user(&self, s: &Session, req: &NewUserRequest) -> Result<UserInfo> {
        s.require(Permission::ManageUsers)?;
        let username = check_username(&req.username)?;
        let display_name = check_display_name(&req.display_name, &username)?;
        let password_hash = hash_password(&req.password)?;
        self.store
            .create_user(
                &self.actor(s),
                &NewUser {
                    username,
                    display_name,
                    role: req.role,
                    password_hash,
                },
                false,
            )
            .await
            .map_err(AppError::from)
    }

    pub async fn update_user(&self, s: &Session, req: &UpdateUserRequest) -> Result<UserInfo> {
        s.require(Permission::ManageUsers)?;
        let hash = req.password.as_deref().filter(|p| !p.is_empty()).map(hash_password).transpose()?;
        self.store
            .update_user(&self.actor(s), req.id, req.role, req.active, hash.as_deref())
            .await
            .map_err(AppError::from)
    }
}

fn session_of(u: &UserInfo) -> Session {
    Session {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
    }
}
