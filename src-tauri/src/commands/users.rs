use crate::json::Json;
use crate::state::AppState;
use domain::model::UserInfo;
use domain::role::SignedIn;
use domain::Result;
use services::{FirstAdmin, NewUserRequest, SetupStatus, SignIn, UpdateUserRequest};
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
    Ok(s.into())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(state: State<'_, AppState>, req: Json<SignIn>) -> Result<SignedIn> {
    let s = state.services.sign_in(&req).await?;
    state.set_session(Some(s.clone()))?;
    Ok(s.into())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(state: State<'_, AppState>) -> Result<()> {
    state.set_session(None)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn current_session(state: State<'_, AppState>) -> Result<Option<SignedIn>> {
    Ok(state.current().map(SignedIn::from))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn users(state: State<'_, AppState>) -> Result<Vec<UserInfo>> {
    state.services.users(&state.session()?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_user(state: State<'_, AppState>, req: Json<NewUserRequest>) -> Result<UserInfo> {
    state.services.create_user(&state.session()?, &req).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_user(state: State<'_, AppState>, req: Json<UpdateUserRequest>) -> Result<UserInfo> {
    state.services.update_user(&state.session()?, &req).await
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
