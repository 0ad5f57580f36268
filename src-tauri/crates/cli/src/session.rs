//! Signing in as a real user: `--user NAME`, the password from `HANDOVER_PASSWORD` or, when stdin
//! is a terminal, a hidden prompt. The session comes from the same `Services::sign_in` as the
//! app's, so a wrong password or a disabled account is refused, masking follows the user's role,
//! and every change is audited under the user's name.

use crate::output::Failure;
use domain::role::Session;
use domain::{AppError, ErrorCode};
use services::{FirstAdmin, Services, SignIn};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The environment variable that carries the password of `--user`.
pub const PASSWORD_ENV: &str = "HANDOVER_PASSWORD";

/// What every command gets: the database named with `--db`, the user of `--user`, `--json`.
pub struct Ctx {
    db: Option<PathBuf>,
    user: Option<String>,
    pub json: bool,
}

impl Ctx {
    pub fn new(db: Option<PathBuf>, user: Option<String>, json: bool) -> Self {
        Ctx { db, user, json }
    }

    /// `--db` was given (the fee calculations then use the rules in force in that database).
    pub fn has_db(&self) -> bool {
        self.db.is_some()
    }

    fn path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(services::default_db_path)
    }

    /// The database as a file (restore works on files; a server is restored with pg_restore).
    ///
    /// Errors: `Invalid` on `db` for a PostgreSQL URL.
    pub fn file(&self) -> Result<PathBuf, AppError> {
        match services::Location::from(self.path().as_path()) {
            services::Location::File(p) => Ok(p),
            services::Location::Postgres(_) => Err(domain::backup::not_a_file_database()),
        }
    }

    fn username(&self) -> Result<String, AppError> {
        self.user
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AppError {
                field: Some("user".into()),
                ..AppError::new(
                    ErrorCode::Unauthenticated,
                    format!("请用 --user 指定登录的用户名（密码取自环境变量 {PASSWORD_ENV}，或在终端中输入）"),
                )
            })
    }

    /// Open the database (created and migrated if missing) and sign in as `--user`.
    ///
    /// Errors: `Unauthenticated` without `--user` or a password (before the database is opened);
    /// `BadCredentials` for a wrong password, an unknown or a disabled user; `SetupRequired` for a
    /// database without users (with the `admin init` command to run).
    pub async fn sign_in(&self) -> Result<(Services, Session), Failure> {
        let username = self.username()?;
        let password = password(false)?;
        // An existing database only: a missing file is reported, never replaced by an empty one
        // (`admin init` makes a new one).
        let services = Services::open_existing(&self.path()).await?;
        let session = services.sign_in(&SignIn { username, password }).await.map_err(|e| match e.code {
            ErrorCode::SetupRequired => AppError {
                message: format!("{}：handover --db 数据库文件 admin init --user 用户名", e.message),
                ..e
            },
            _ => e,
        })?;
        Ok((services, session))
    }

    /// Create the first administrator of an empty database as `--user`, the password as for
    /// signing in (typed twice at a prompt).
    ///
    /// Errors: as [`Ctx::sign_in`] for the user and password; `Invalid` (username, password too
    /// short); `Conflict` when a user exists already.
    pub async fn create_first_admin(&self, display_name: &str) -> Result<(Services, Session), Failure> {
        let username = self.username()?;
        let password = password(true)?;
        let services = Services::open(&self.path()).await?;
        let session = services
            .create_first_admin(&FirstAdmin {
                username,
                display_name: display_name.to_string(),
                password,
            })
            .await?;
        Ok((services, session))
    }
}

/// The password: `HANDOVER_PASSWORD`, else a hidden prompt on a terminal (twice when `confirm`).
fn password(confirm: bool) -> Result<String, AppError> {
    let env = std::env::var_os(PASSWORD_ENV);
    let from_env = env.as_ref().is_some_and(|v| !v.is_empty());
    let p = password_from(env, std::io::stdin().is_terminal(), || prompt("密码："))?;
    if confirm && !from_env && prompt("再次输入密码：")? != p {
        return Err(AppError::invalid("password", "两次输入的密码不一致"));
    }
    Ok(p)
}

fn prompt(text: &str) -> Result<String, AppError> {
    rpassword::prompt_password(text).map_err(|e| AppError::io(format!("无法读取密码：{e}")))
}

/// The password from the environment's value, else from `prompt` when stdin is a terminal.
///
/// Errors: `Unauthenticated` on `HANDOVER_PASSWORD` when neither gives one; `Invalid` when the
/// variable is not UTF-8.
fn password_from(env: Option<OsString>, terminal: bool, prompt: impl FnOnce() -> Result<String, AppError>) -> Result<String, AppError> {
    if let Some(v) = env.filter(|v| !v.is_empty()) {
        return v
            .into_string()
            .map_err(|_| AppError::invalid(PASSWORD_ENV, format!("环境变量 {PASSWORD_ENV} 不是有效的文字（UTF-8）")));
    }
    if terminal {
        let p = prompt()?;
        if !p.is_empty() {
            return Ok(p);
        }
    }
    Err(AppError {
        field: Some(PASSWORD_ENV.into()),
        ..AppError::new(
            ErrorCode::Unauthenticated,
            format!("未提供密码：请在环境变量 {PASSWORD_ENV} 中给出 --user 的密码，或在终端中运行以输入密码"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> Result<String, AppError> {
        Err(AppError::internal("no prompt expected"))
    }

    #[test]
    fn the_environment_wins_and_no_prompt_is_shown() {
        assert_eq!(password_from(Some("secret-pw".into()), true, never).expect("pw"), "secret-pw");
    }

    #[test]
    fn a_terminal_prompts_when_the_variable_is_missing_or_empty() {
        assert_eq!(password_from(None, true, || Ok("typed-pw".into())).expect("pw"), "typed-pw");
        assert_eq!(
            password_from(Some("".into()), true, || Ok("typed-pw".into())).expect("pw"),
            "typed-pw"
        );
    }

    #[test]
    fn no_password_is_refused_naming_the_variable() {
        for (env, terminal) in [(None, false), (Some(OsString::new()), false)] {
            let e = password_from(env, terminal, never).expect_err("refused");
            assert_eq!(e.code, ErrorCode::Unauthenticated);
            assert_eq!(e.field.as_deref(), Some(PASSWORD_ENV));
            assert!(e.message.contains(PASSWORD_ENV), "{}", e.message);
        }
        let e = password_from(None, true, || Ok(String::new())).expect_err("empty typed");
        assert_eq!(e.code, ErrorCode::Unauthenticated);
    }
}
