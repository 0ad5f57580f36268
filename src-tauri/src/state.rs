//! What the commands share: the services and who is signed in on this window.

use crate::files::Files;
use domain::role::Session;
use domain::{AppError, ErrorCode, Result};
use notices::batch::Control;
use services::Services;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

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
    /// Save dialogs, the print folder, the files written in this session.
    files: Files,
}

impl AppState {
    pub fn new(services: Services, files: Files) -> Self {
        AppState {
            services,
            session: Mutex::new(None),
            batch: Mutex::new(None),
            files,
        }
    }

    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Signed in, ask where to save `name` (the dialog runs here; the page sends no path).
    /// `None`: the user cancelled.
    ///
    /// Errors: `Unauthenticated`; `Invalid` on `path` (the database or the app's data folder).
    pub async fn save_to(&self, name: &str) -> Result<Option<PathBuf>> {
        self.session().await?;
        self.files.save_target(name).await
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

    /// Start a batch print: one at a time per window. The batch ends when the returned guard is
    /// dropped — on success, error, panic, or the command being abandoned alike.
    ///
    /// Errors: `Conflict` when one is already running.
    pub fn start_batch(&self) -> Result<BatchGuard<'_>> {
        let mut b = self.batch.lock().map_err(|_| AppError::internal("batch lock poisoned"))?;
        if b.is_some() {
            return Err(AppError::conflict("已有批量打印在进行，请等待完成或取消"));
        }
        let c = Arc::new(Control::new());
        *b = Some(c.clone());
        Ok(BatchGuard { state: self, control: c })
    }

    fn end_batch(&self) {
        // A poisoned lock still ends the batch.
        let mut b = self.batch.lock().unwrap_or_else(|p| p.into_inner());
        *b = None;
    }

    /// Whether a batch print is under way.
    pub fn batch_running(&self) -> bool {
        self.batch.lock().map(|b| b.is_some()).unwrap_or(false)
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

/// A batch print under way; dropping it ends the batch.
pub struct BatchGuard<'a> {
    state: &'a AppState,
    control: Arc<Control>,
}

impl BatchGuard<'_> {
    pub fn control(&self) -> &Control {
        &self.control
    }
}

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        self.state.end_batch();
    }
}

/// Run a command's work so that a panic inside it becomes `Internal` with `message` instead of a
/// reply that never comes (the page's spinner would turn forever).
pub async fn caught<T>(message: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
    match (CatchUnwind(Box::pin(work))).await {
        Ok(r) => r,
        Err(()) => Err(AppError::new(ErrorCode::Internal, message)),
    }
}

struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::result::Result<F::Output, ()>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.get_mut().0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
