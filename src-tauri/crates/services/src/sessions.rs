//! Live sessions: who signed in where, and when they last did something. Every call from a window
//! (and, in office mode, from a workstation) resumes its session here first: the idle lock is
//! applied, and the user's row is read again so that an account disabled, or a role changed, by
//! an administrator ends the session at the next call. The policy is `domain::session`'s.

use crate::Services;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditEntity};
use domain::role::{Permission, Role, Session};
use domain::session::{self, Ended};
use domain::{AppError, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One signed-in session.
#[derive(Debug, Clone)]
struct Live {
    user_id: i64,
    role: Role,
    last_seen: DateTime<Utc>,
}

/// The sessions the services keep (in memory: a restart signs everyone out).
#[derive(Clone)]
pub(crate) struct Sessions {
    live: Arc<Mutex<HashMap<String, Live>>>,
    /// The idle lock in force (a setting; read at open, replaced when an administrator sets it).
    idle_minutes: Arc<Mutex<u32>>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            live: Arc::default(),
            idle_minutes: Arc::new(Mutex::new(session::DEFAULT_IDLE_LOCK_MINUTES)),
        }
    }
}

impl Sessions {
    fn map(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Live>>> {
        self.live.lock().map_err(|_| AppError::internal("sessions lock"))
    }

    /// Register a new session for `user`, returning it with its token.
    pub(crate) fn start(&self, mut s: Session, now: DateTime<Utc>) -> Result<Session> {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        s.token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.map()?.insert(
            s.token.clone(),
            Live {
                user_id: s.user_id,
                role: s.role,
                last_seen: now,
            },
        );
        Ok(s)
    }

    fn end(&self, token: &str) -> Result<()> {
        self.map()?.remove(token);
        Ok(())
    }

    fn idle(&self) -> u32 {
        self.idle_minutes.lock().map_or(session::DEFAULT_IDLE_LOCK_MINUTES, |m| *m)
    }

    fn set_idle(&self, minutes: u32) -> Result<()> {
        *self.idle_minutes.lock().map_err(|_| AppError::internal("idle lock"))? = minutes;
        Ok(())
    }
}

impl Services {
    /// Minutes without a call before a session ends.
    pub fn idle_lock_minutes(&self) -> u32 {
        self.sessions.idle()
    }

    pub(crate) async fn load_idle_lock(&self) -> Result<()> {
        let stored = self.store.setting(session::IDLE_SETTING_KEY).await?;
        self.sessions
            .set_idle(session::stored_idle_minutes(stored.as_ref().map(|(v, _)| v.as_str())))
    }

    /// Set the idle lock (minutes), audited as a setting.
    ///
    /// Errors: `Forbidden` unless an administrator; `Invalid` on `idle_lock_minutes` outside 1–480.
    pub async fn set_idle_lock_minutes(&self, s: &Session, minutes: &str) -> Result<u32> {
        s.require(Permission::ManageUsers)?;
        let minutes = session::parse_idle_minutes(minutes)?;
        self.store
            .set_settings(&self.actor(s), &[(session::IDLE_SETTING_KEY, Some((minutes.to_string(), None)))])
            .await?;
        self.sessions.set_idle(minutes)?;
        Ok(minutes)
    }

    /// Go on with a session: it must be live, not idle past the lock, and its user still active
    /// in the same role (read now). Returns the session as it stands (the display name may have
    /// changed); the idle clock restarts.
    ///
    /// Errors: `Unauthenticated` with why (not signed in, idle, disabled, role changed); the
    /// session is ended in each case.
    pub async fn resume(&self, s: &Session) -> Result<Session> {
        let now = (self.clock)();
        let idle = self.sessions.idle();
        {
            let mut map = self.sessions.map()?;
            let live = map.get(&s.token).ok_or_else(|| Ended::None.error())?;
            if live.user_id != s.user_id || live.role != s.role {
                return Err(Ended::None.error());
            }
            if session::idle_expired(live.last_seen, now, idle) {
                map.remove(&s.token);
                return Err(Ended::Idle(idle).error());
            }
        }
        let user = self.store.user_by_id(s.user_id).await?;
        let verdict = session::still_valid(s.role, user.as_ref().map(|u| u.role), user.as_ref().is_some_and(|u| u.active));
        if let Err(why) = verdict {
            self.sessions.end(&s.token)?;
            return Err(why.error());
        }
        if let Some(l) = self.sessions.map()?.get_mut(&s.token) {
            l.last_seen = now;
        }
        Ok(Session {
            display_name: user.map(|u| u.display_name).unwrap_or_else(|| s.display_name.clone()),
            ..s.clone()
        })
    }

    /// Sign out: the session ends and the sign-out is audited.
    ///
    /// Errors: `Storage` when the audit line cannot be written (the session has ended anyway).
    pub async fn sign_out(&self, s: &Session) -> Result<()> {
        let was_live = self.sessions.map()?.remove(&s.token).is_some();
        if was_live {
            self.store
                .record_event(&self.actor(s), AuditEntity::User, s.user_id, AuditAction::SignOut, None)
                .await?;
        }
        Ok(())
    }
}
