//! Sign-in and session policy: password length, throttling and temporary lockout after repeated
//! failures, the idle lock, and what a session that is resumed must still be. The services apply
//! these to facts they read (failure counts, the user's row, the last activity); nothing here
//! reads the clock.

use crate::role::Role;
use crate::{AppError, ErrorCode, Result};
use chrono::{DateTime, Duration, Utc};

/// The shortest password accepted for a new or changed password.
pub const MIN_PASSWORD_LEN: usize = 10;
/// The longest (Argon2 takes any length; this bounds the work an unknown caller can ask for).
pub const MAX_PASSWORD_LEN: usize = 128;
/// Failed sign-ins under one user name, within [`FAILURE_WINDOW_MINUTES`], that lock it.
pub const MAX_FAILURES: i64 = 5;
/// Failures older than this are forgotten.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// How long a user name stays locked after [`MAX_FAILURES`] failures.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The idle lock: minutes without a call before the session ends (a setting).
pub const IDLE_SETTING_KEY: &str = "session.idle_lock_minutes";
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
/// The longest idle lock an administrator may set (a working day).
pub const MAX_IDLE_LOCK_MINUTES: u32 = 480;

/// Check a new password's length.
///
/// Errors: `Invalid` on `field` when shorter than [`MIN_PASSWORD_LEN`] or longer than
/// [`MAX_PASSWORD_LEN`] characters.
pub fn check_new_password(field: &str, pw: &str) -> Result<()> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(AppError::invalid(field, format!("密码至少 {MIN_PASSWORD_LEN} 位")));
    }
    if n > MAX_PASSWORD_LEN {
        return Err(AppError::invalid(field, format!("密码不能超过 {MAX_PASSWORD_LEN} 位")));
    }
    Ok(())
}

/// The idle-lock minutes as stored (the default when none is stored or it does not parse).
pub fn stored_idle_minutes(stored: Option<&str>) -> u32 {
    stored.and_then(|s| parse_idle_minutes(s).ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
}

/// Parse the idle-lock minutes an administrator typed.
///
/// Errors: `Invalid` on `idle_lock_minutes` unless a whole number from 1 to [`MAX_IDLE_LOCK_MINUTES`].
pub fn parse_idle_minutes(s: &str) -> Result<u32> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_IDLE_LOCK_MINUTES).contains(&n) => Ok(n),
        _ => Err(AppError::invalid(
            "idle_lock_minutes",
            format!("闲置锁定时间应为 1–{MAX_IDLE_LOCK_MINUTES} 分钟的整数"),
        )),
    }
}

/// Failed sign-ins recorded under one typed user name (known or not: the answer is the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub first_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Whether the name is locked at `now`; the whole minutes left (at least 1) when it is.
pub fn locked_for(f: Option<&Failures>, now: DateTime<Utc>) -> Option<i64> {
    let until = f?.locked_until?;
    if until <= now {
        return None;
    }
    let secs = (until - now).num_seconds();
    Some(((secs + 59) / 60).max(1))
}

/// The record after one more failure at `now`: counting starts again once the window has passed
/// or a lock has run out, and the name is locked when the count reaches [`MAX_FAILURES`].
pub fn after_failure(prev: Option<&Failures>, now: DateTime<Utc>) -> Failures {
    let fresh = match prev {
        None => true,
        Some(p) => now - p.first_at > Duration::minutes(FAILURE_WINDOW_MINUTES) || p.locked_until.is_some_and(|u| u <= now),
    };
    let (count, first_at) = match prev {
        Some(p) if !fresh => (p.count + 1, p.first_at),
        _ => (1, now),
    };
    Failures {
        count,
        first_at,
        locked_until: (count >= MAX_FAILURES).then(|| now + Duration::minutes(LOCKOUT_MINUTES)),
    }
}

/// Whether a session last used at `last_seen` has passed the idle lock at `now`.
pub fn idle_expired(last_seen: DateTime<Utc>, now: DateTime<Utc>, idle_minutes: u32) -> bool {
    now - last_seen > Duration::minutes(i64::from(idle_minutes))
}

/// Why a resumed session is no longer valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Not signed in, or signed out.
    None,
    /// No call for longer than the idle lock.
    Idle(u32),
    /// The account was disabled (or removed) since sign-in.
    Disabled,
    /// An administrator changed the user's role since sign-in.
    RoleChanged,
}

/// Decide whether a session signed in as `signed_in_as` may go on, given the user's row as it is
/// now (`None`: gone) — read on every call, so a disabled or demoted user loses their rights at once.
pub fn still_valid(signed_in_as: Role, now_role: Option<Role>, now_active: bool) -> std::result::Result<(), Ended> {
    match now_role {
        None => Err(Ended::Disabled),
        Some(_) if !now_active => Err(Ended::Disabled),
        Some(r) if r != signed_in_as => Err(Ended::RoleChanged),
        Some(_) => Ok(()),
    }
}

impl Ended {
    /// The error the caller gets (`Unauthenticated`: the UI returns to the sign-in screen).
    pub fn error(self) -> AppError {
        let message = match self {
            Ended::None => "请先登录".to_string(),
            Ended::Idle(m) => format!("已闲置超过 {m} 分钟，界面已锁定，请重新登录"),
            Ended::Disabled => "账号已停用，已退出登录".to_string(),
            Ended::RoleChanged => "您的角色已被管理员变更，请重新登录".to_string(),
        };
        AppError::new(ErrorCode::Unauthenticated, message)
    }
}

/// The one answer for an unknown user, a wrong password or a disabled account.
pub fn bad_credentials() -> AppError {
    AppError::new(ErrorCode::BadCredentials, "用户名或密码错误，或账号已停用")
}

/// The answer while a user name is locked (the same for names that do not exist).
pub fn locked_out(minutes: i64) -> AppError {
    AppError::new(
        ErrorCode::BadCredentials,
        format!("登录失败次数过多，该用户名已临时锁定，请 {minutes} 分钟后再试"),
    )
}

/// Changing one's own password: the current one was wrong.
pub fn wrong_current_password() -> AppError {
    AppError::invalid("current_password", "当前密码不正确")
}

/// Changing one's own password to the same one.
pub fn same_password() -> AppError {
    AppError::invalid("new_password", "新密码不能与当前密码相同")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn five_failures_in_the_window_lock_the_name_for_fifteen_minutes() {
        let mut f = after_failure(None, t("2026-12-08T09:00:00Z"));
        assert_eq!((f.count, f.locked_until), (1, None));
        for (i, at) in ["09:01", "09:02", "09:03"].iter().enumerate() {
            f = after_failure(Some(&f), t(&format!("2026-12-08T{at}:00Z")));
            assert_eq!(f.count, i as i64 + 2);
            assert_eq!(locked_for(Some(&f), t("2026-12-08T09:04:00Z")), None);
        }
        f = after_failure(Some(&f), t("2026-12-08T09:04:00Z"));
        assert_eq!(f.locked_until, Some(t("2026-12-08T09:19:00Z")));
        assert_eq!(locked_for(Some(&f), t("2026-12-08T09:04:00Z")), Some(15));
        assert_eq!(locked_for(Some(&f), t("2026-12-08T09:18:30Z")), Some(1));
        assert_eq!(locked_for(Some(&f), t("2026-12-08T09:19:00Z")), None);
        // After the lock has run out, counting starts again.
        let g = after_failure(Some(&f), t("2026-12-08T09:20:00Z"));
        assert_eq!((g.count, g.locked_until), (1, None));
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let mut f = after_failure(None, t("2026-12-08T09:00:00Z"));
        for m in 1..4 {
            f = after_failure(Some(&f), t(&format!("2026-12-08T09:0{m}:00Z")));
        }
        assert_eq!(f.count, 4);
        let g = after_failure(Some(&f), t("2026-12-08T09:16:00Z"));
        assert_eq!((g.count, g.first_at, g.locked_until), (1, t("2026-12-08T09:16:00Z"), None));
    }

    #[test]
    fn idle_lock_and_re_validation() {
        let seen = t("2026-12-08T09:00:00Z");
        assert!(!idle_expired(seen, t("2026-12-08T09:15:00Z"), 15));
        assert!(idle_expired(seen, t("2026-12-08T09:15:01Z"), 15));
        assert_eq!(still_valid(Role::Clerk, Some(Role::Clerk), true), Ok(()));
        assert_eq!(still_valid(Role::Clerk, Some(Role::Clerk), false), Err(Ended::Disabled));
        assert_eq!(still_valid(Role::Admin, Some(Role::Clerk), true), Err(Ended::RoleChanged));
        assert_eq!(still_valid(Role::Clerk, None, true), Err(Ended::Disabled));
        assert_eq!(Ended::Idle(15).error().code, ErrorCode::Unauthenticated);
        assert!(Ended::Idle(15).error().message.contains("15 分钟"));
    }

    #[test]
    fn passwords_and_idle_minutes() {
        assert_eq!(
            check_new_password("password", "123456789").expect_err("9").field.as_deref(),
            Some("password")
        );
        assert!(check_new_password("password", "1234567890").is_ok());
        assert!(
            check_new_password("password", "密码密码密码密码密码").is_ok(),
            "characters, not bytes"
        );
        assert!(check_new_password("password", &"x".repeat(129)).is_err());
        assert_eq!(parse_idle_minutes(" 30 ").expect("30"), 30);
        for bad in ["0", "481", "-1", "1.5", "", "十五"] {
            assert_eq!(parse_idle_minutes(bad).expect_err(bad).field.as_deref(), Some("idle_lock_minutes"));
        }
        assert_eq!(stored_idle_minutes(None), DEFAULT_IDLE_LOCK_MINUTES);
        assert_eq!(stored_idle_minutes(Some("junk")), DEFAULT_IDLE_LOCK_MINUTES);
        assert_eq!(stored_idle_minutes(Some("60")), 60);
    }
}
