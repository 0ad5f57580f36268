//! Inspection commands: templates, inspections, defects, scorecards, the two forms.

use crate::json::Json;
use crate::state::AppState;
use domain::inspection::*;
use domain::Result;
use services::inspection::{DefectMove, TemplateView};
use tauri::{AppHandle, Runtime, State};

#[tauri::command(rename_all = "snake_case")]
pub async fn inspection_template(state: State<'_, AppState>, project_id: i64, unit_type: String) -> Result<TemplateView> {
    state
        .services
        .inspection_template(&state.session().await?, project_id, &unit_type)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_inspection_template_text(
    state: State<'_, AppState>,
    project_id: i64,
    unit_type: String,
    text: String,
) -> Result<TemplateView> {
    state
        .services
        .save_inspection_template_text(&state.session().await?, project_id, &unit_type, &text)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn defect_parties(state: State<'_, AppState>, project_id: i64) -> Result<Vec<String>> {
    state.services.defect_parties(&state.session().await?, project_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_defect_parties(state: State<'_, AppState>, project_id: i64, parties: Json<Vec<String>>) -> Result<Vec<String>> {
    state
        .services
        .save_defect_parties(&state.session().await?, project_id, &parties)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn start_inspection(state: State<'_, AppState>, start: Json<InspectionStart>) -> Result<Inspection> {
    state.services.start_inspection(&state.session().await?, &start).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn inspection(state: State<'_, AppState>, id: i64) -> Result<Inspection> {
    state.services.inspection(&state.session().await?, id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn inspections_of_unit(state: State<'_, AppState>, unit_id: i64) -> Result<Vec<Inspection>> {
    state.services.inspections_of_unit(&state.session().await?, unit_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_inspection(state: State<'_, AppState>, update: Json<InspectionUpdate>) -> Result<Inspection> {
    state.services.update_inspection(&state.session().await?, &update).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_inspection(state: State<'_, AppState>, id: i64, version: i64, png_base64: String) -> Result<Inspection> {
    state
        .services
        .sign_inspection(&state.session().await?, id, version, &png_base64)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn complete_inspection(state: State<'_, AppState>, id: i64, version: i64) -> Result<Inspection> {
    state.services.complete_inspection(&state.session().await?, id, version).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn raise_defect(state: State<'_, AppState>, input: Json<DefectInput>) -> Result<Defect> {
    state.services.raise_defect(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn move_defect(state: State<'_, AppState>, request: Json<DefectMove>) -> Result<Defect> {
    state.services.move_defect(&state.session().await?, &request).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn defects(state: State<'_, AppState>, query: Json<DefectQuery>) -> Result<Vec<Defect>> {
    state.services.defects(&state.session().await?, &query).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn defect_events(state: State<'_, AppState>, id: i64) -> Result<Vec<DefectEvent>> {
    state.services.defect_events(&state.session().await?, id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn defect_photo(state: State<'_, AppState>, photo_id: i64, thumbnail: bool) -> Result<String> {
    state.services.defect_photo(&state.session().await?, photo_id, thumbnail).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn scorecards(state: State<'_, AppState>, project_id: i64) -> Result<Vec<Scorecard>> {
    state.services.scorecards(&state.session().await?, project_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_inspection_form<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, id: i64, copies: u8) -> Result<String> {
    let pdf = state.services.inspection_form_pdf(&state.session().await?, id, copies).await?;
    super::open_pdf(&app, &state, &format!("交房验收单-{id}.pdf"), &pdf)
}

/// Save the 交房验收单 where the user chooses in the save dialog (null: cancelled).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_inspection_form(state: State<'_, AppState>, id: i64, copies: u8) -> Result<Option<String>> {
    let Some(path) = state.save_to(&format!("交房验收单-{id}.pdf")).await? else {
        return Ok(None);
    };
    let pdf = state.services.inspection_form_pdf(&state.session().await?, id, copies).await?;
    state.files().write(&path, &pdf).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_rectification_notice<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    project_id: i64,
    party: String,
) -> Result<String> {
    let pdf = state
        .services
        .rectification_notice_pdf(&state.session().await?, project_id, &party)
        .await?;
    super::open_pdf(&app, &state, &format!("整改通知单-{}.pdf", notices::batch::file_stem(&party)), &pdf)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn floor_plan(state: State<'_, AppState>, project_id: i64, unit_type: String) -> Result<Option<String>> {
    state.services.floor_plan(&state.session().await?, project_id, &unit_type).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_floor_plan(
    state: State<'_, AppState>,
    project_id: i64,
    unit_type: String,
    change: Json<services::move_in::ImageChange>,
) -> Result<Option<String>> {
    state
        .services
        .save_floor_plan(&state.session().await?, project_id, &unit_type, &change)
        .await
}
