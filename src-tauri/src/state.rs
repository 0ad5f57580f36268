//! What the commands share: the services and who is signed in on this window.

use desk::Desk;
use domain::role::Session;
use domain::{AppError, ErrorCode, Result};
use std::sync::Mutex;

pub struct AppState {
    pub desk: Desk,
    session: Mutex<Option<Session>>,
}

impl AppState {
    pub fn new(desk: Desk) -> Self {
        AppState {
            desk,
            session: Mutex::new(None),
        }
    }

    /// The signed-in session.
    ///
    /// Errors: `Unauthenticated` when nobody is signed in.
    pub fn session(&self) -> Result<Session> {
        self.session
            .lock()
            .map_err(|_| AppError::internal("session lock poisoned"))?
            .clone()
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated, "请先登录"))
    }

    pub fn set_session(&self, s: Option<Session>) -> Result<()> {
        *self.session.lock().map_err(|_| AppError::internal("session lock poisoned"))? = s;
        Ok(())
    }

    pub fn current(&self) -> Option<Session> {
        self.session.lock().ok().and_then(|s| s.clone())
    }
}
