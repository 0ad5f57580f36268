use crate::json::Json;
use crate::state::AppState;
use domain::model::UserInfo;
use domain::role::SignedIn;
use domain::Result;
use services::{ChangePassword, FirstAdmin, NewUserRequest, SetupStatus, SignIn, UpdateUserRequest};
use tauri::State;

/// Why the records could not be opened at start (none: they are open).
#[tauri::command(rename_all = "snake_case")]
pub async fn startup_error(startup: State<'_, crate::state::Startup>) -> Result<Option<domain::AppError>> {
    Ok(startup.error())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn setup_status(state: State<'_, AppState>) -> Result<SetupStatus> {
    state.services.setup_status().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_first_admin(state: State<'_, AppState>, req: Json<FirstAdmin>) -> Result<SignedIn> {
    let s = state.services.create_first_admin(&req).await?;
    state.set_session(Some(s.clone()))?;
    Ok(state.signed_in(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(state: State<'_, AppState>, req: Json<SignIn>) -> Result<SignedIn> {
    let s = state.services.sign_in(&req).await?;
    let before = state.current();
    state.set_session(Some(s.clone()))?;
    // A new sign-in on this window ends the one before it (audited as its sign-out).
    if let Some(old) = before {
        state.services.sign_out(&old).await?;
    }
    Ok(state.signed_in(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(state: State<'_, AppState>) -> Result<()> {
    let Some(s) = state.current() else { return Ok(()) };
    state.set_session(None)?;
    state.services.sign_out(&s).await
}

/// The session this window holds, if it is still valid (resumed: idle, disabled or demoted
/// users get none).
#[tauri::command(rename_all = "snake_case")]
pub async fn current_session(state: State<'_, AppState>) -> Result<Option<SignedIn>> {
    if state.current().is_none() {
        return Ok(None);
    }
    match state.session().await {
        Ok(s) => Ok(Some(state.signed_in(s))),
        Err(e) if e.code == domain::ErrorCode::Unauthenticated => Ok(None),
        Err(e) => Err(e),
    }
}

/// Change one's own password (the current one is asked for again).
#[tauri::command(rename_all = "snake_case")]
pub async fn change_password(state: State<'_, AppState>, req: Json<ChangePassword>) -> Result<()> {
    state.services.change_password(&state.session().await?, &req).await
}

/// Set the idle lock (administrators).
#[tauri::command(rename_all = "snake_case")]
pub async fn set_idle_lock_minutes(state: State<'_, AppState>, minutes: String) -> Result<u32> {
    state.services.set_idle_lock_minutes(&state.session().await?, &minutes).await
}

/// Walk the audit log's hash chain (administrators).
#[tauri::command(rename_all = "snake_case")]
pub async fn verify_audit(state: State<'_, AppState>) -> Result<services::records::AuditCheck> {
    state.services.verify_audit(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn users(state: State<'_, AppState>) -> Result<Vec<UserInfo>> {
    state.services.users(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_user(state: State<'_, AppState>, req: Json<NewUserRequest>) -> Result<UserInfo> {
    state.services.create_user(&state.session().await?, &req).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_user(state: State<'_, AppState>, req: Json<UpdateUserRequest>) -> Result<UserInfo> {
    state.services.update_user(&state.session().await?, &req).await
}

/// The UI calls this once, on the first frame after mounting. With `HANDOVER_STARTUP_PROBE=1`
/// (the cold-start benchmark) it prints the time since start and closes the app.
#[tauri::command(rename_all = "snake_case")]
pub async fn first_paint<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Result<()> {
    if std::env::var_os("HANDOVER_STARTUP_PROBE").is_some() {
        println!("first_paint_ms={}", crate::uptime_ms());
        app.exit(0);
    }
    Ok(())
}
