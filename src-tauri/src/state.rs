//! What the commands share: the services and who is signed in on this window.

use domain::role::Session;
use domain::{AppError, ErrorCode, Result};
use notices::batch::Control;
use services::Services;
use std::sync::{Arc, Mutex};

/// Whether the records could be opened at start; when not, only `startup_error` answers.
#[derive(Default)]
pub struct Startup {
    error: Option<AppError>,
}

impl Startup {
    /// The refusal, with where the app looked (a URL without its password).
    pub fn failed(location: &services::Location, e: AppError) -> Self {
        Startup {
            error: Some(AppError {
                message: format!("无法打开数据库 {}：{}", location.display(), e.message),
                ..e
            }),
        }
    }

    pub fn error(&self) -> Option<AppError> {
        self.error.clone()
    }
}

pub struct AppState {
    pub services: Services,
    session: Mutex<Option<Session>>,
    /// The batch print under way, for its cancel button.
    batch: Mutex<Option<Arc<Control>>>,
}

impl AppState {
    pub fn new(services: Services) -> Self {
        AppState {
            services,
            session: Mutex::new(None),
            batch: Mutex::new(None),
        }
    }

    /// The signed-in session, resumed through the services on every command: idle past the
    /// lock, disabled or given another role since sign-in, it has ended (and is forgotten here).
    ///
    /// Errors: `Unauthenticated` when nobody is signed in or the session has ended (saying why).
    pub async fn session(&self) -> Result<Session> {
        let s = self
            .session
            .lock()
            .map_err(|_| AppError::internal("session lock poisoned"))?
            .clone()
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated, "请先登录"))?;
        match self.services.resume(&s).await {
            Ok(s) => Ok(s),
            Err(e) => {
                if e.code == ErrorCode::Unauthenticated {
                    self.set_session(None)?;
                }
                Err(e)
            }
        }
    }

    /// What the page gets for a session: with its permissions and the idle lock in force.
    pub fn signed_in(&self, s: Session) -> domain::role::SignedIn {
        domain::role::SignedIn::new(s, self.services.idle_lock_minutes())
    }

    pub fn set_session(&self, s: Option<Session>) -> Result<()> {
        *self.session.lock().map_err(|_| AppError::internal("session lock poisoned"))? = s;
        Ok(())
    }

    pub fn current(&self) -> Option<Session> {
        self.session.lock().ok().and_then(|s| s.clone())
    }

    /// Start a batch print: one at a time per window.
    ///
    /// Errors: `Conflict` when one is already running.
    pub fn start_batch(&self) -> Result<Arc<Control>> {
        let mut b = self.batch.lock().map_err(|_| AppError::internal("batch lock poisoned"))?;
        if b.is_some() {
            return Err(AppError::conflict("已有批量打印在进行，请等待完成或取消"));
        }
        let c = Arc::new(Control::new());
        *b = Some(c.clone());
        Ok(c)
    }

    pub fn end_batch(&self) {
        if let Ok(mut b) = self.batch.lock() {
            *b = None;
        }
    }

    /// Cancel the running batch print; false when none runs.
    pub fn cancel_batch(&self) -> bool {
        match self.batch.lock().ok().and_then(|b| b.clone()) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }
}
