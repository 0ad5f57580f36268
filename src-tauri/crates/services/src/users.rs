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

/// Changing one's own password.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Verified against when the user name is unknown, so that the answer takes as long as for a
/// known one (Argon2id with the default parameters; the salt and hash are arbitrary).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

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
    hash_checked("password", pw)
}

fn hash_checked(field: &str, pw: &str) -> Result<String> {
    domain::session::check_new_password(field, pw)?;
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
        self.sessions.start(session_of(&u), (self.clock)())
    }

    /// Check a user name and password and start a session.
    ///
    /// A name that has failed [`domain::session::MAX_FAILURES`] times within the window is
    /// locked for a while, whether or not it exists; an unknown name takes as long to refuse as a
    /// known one. Every success and failure is audited.
    ///
    /// Errors: `SetupRequired` before the first admin exists; `BadCredentials` for an unknown
    /// user, a wrong password or a disabled account (one message for all three), or while the
    /// name is locked (saying for how long).
    pub async fn sign_in(&self, req: &SignIn) -> Result<Session> {
        if self.store.count_users().await? == 0 {
            return Err(AppError::new(ErrorCode::SetupRequired, "首次使用，请先创建系统管理员"));
        }
        let name = req.username.trim();
        let now = (self.clock)();
        if let Some(minutes) = domain::session::locked_for(self.store.sign_in_failures(name).await?.as_ref(), now) {
            return Err(domain::session::locked_out(minutes));
        }
        let rec = self.store.user_by_username(name).await?;
        let ok = match &rec {
            Some(r) => verify_password(&req.password, &r.password_hash) && r.info.active,
            None => {
                // The same work as for a known name, then the same answer.
                let _ = verify_password(&req.password, DUMMY_HASH);
                false
            }
        };
        let actor = Actor {
            user_id: rec.as_ref().map(|r| r.info.id),
            username: name.chars().take(64).collect(),
            at: self.now().to_rfc3339(),
        };
        match rec {
            Some(r) if ok => {
                self.store.record_sign_in(&actor, r.info.id, name).await?;
                self.sessions.start(session_of(&r.info), now)
            }
            other => {
                let failures = self
                    .store
                    .record_sign_in_failure(&actor, &actor.username, other.map(|r| r.info.id), now)
                    .await?;
                Err(match domain::session::locked_for(Some(&failures), now) {
                    Some(minutes) => domain::session::locked_out(minutes),
                    None => domain::session::bad_credentials(),
                })
            }
        }
    }

    /// Change one's own password (any role). The session goes on.
    ///
    /// Errors: `Invalid` on `current_password` when it is wrong, on `new_password` when too short,
    /// too long or the same as the current one.
    pub async fn change_password(&self, s: &Session, req: &ChangePassword) -> Result<()> {
        let rec = self
            .store
            .user_by_username(&s.username)
            .await?
            .filter(|r| r.info.id == s.user_id)
            .ok_or_else(|| domain::session::Ended::Disabled.error())?;
        if !verify_password(&req.current_password, &rec.password_hash) {
            return Err(domain::session::wrong_current_password());
        }
        if req.new_password == req.current_password {
            return Err(domain::session::same_password());
        }
        let hash = hash_checked("new_password", &req.new_password)?;
        self.store.change_password(&self.actor(s), s.user_id, &hash).await?;
        Ok(())
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

    /// Change a user's role, active flag or password. A user disabled or given another role is
    /// refused at their next call, on every desk ([`Services::resume`] reads the row each time).
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
        token: String::new(),
    }
}
