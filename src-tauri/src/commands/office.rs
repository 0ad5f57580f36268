//! The office's time zone and today's date there (the UI takes its dates from here).

use crate::state::AppState;
use domain::office_time::OfficeToday;
use domain::Result;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn office_today(state: State<'_, AppState>) -> Result<OfficeToday> {
    state.services.office_today(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_office_time_zone(state: State<'_, AppState>, time_zone: String) -> Result<OfficeToday> {
    state.services.set_office_time_zone(&state.session().await?, &time_zone).await
}
