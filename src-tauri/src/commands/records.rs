use crate::json::Json;
use crate::state::AppState;
use base64::Engine;
use domain::model::*;
use domain::{AppError, Result};
use services::records::ContractEdit;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn projects(state: State<'_, AppState>) -> Result<Vec<Project>> {
    state.services.projects(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn buildings(state: State<'_, AppState>, project_id: i64) -> Result<Vec<Building>> {
    state.services.buildings(&state.session().await?, project_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search_units(state: State<'_, AppState>, query: Json<UnitQuery>) -> Result<Page<UnitListItem>> {
    state.services.search_units(&state.session().await?, &query).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unit_detail(state: State<'_, AppState>, id: i64) -> Result<UnitDetail> {
    state.services.unit_detail(&state.session().await?, id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_unit(state: State<'_, AppState>, edit: Json<UnitEdit>) -> Result<Unit> {
    state.services.update_unit(&state.session().await?, &edit).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_contract(state: State<'_, AppState>, input: Json<ContractInput>) -> Result<Contract> {
    state.services.create_contract(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_contract(state: State<'_, AppState>, edit: Json<ContractEdit>) -> Result<Contract> {
    state.services.update_contract(&state.session().await?, &edit).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_contract(state: State<'_, AppState>, id: i64, version: i64) -> Result<()> {
    state.services.cancel_contract(&state.session().await?, id, version).await
}

/// The file arrives as base64 from an `<input type="file">` (no file-system permission needed).
#[tauri::command(rename_all = "snake_case")]
pub async fn import_workbook(state: State<'_, AppState>, file_name: String, data_base64: String) -> Result<ImportOutcome> {
    let session = state.session().await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.as_bytes())
        .map_err(|_| AppError::invalid("data_base64", "文件内容无法解码"))?;
    state.services.import_workbook(&session, &file_name, &bytes).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn imports(state: State<'_, AppState>) -> Result<Vec<ImportRecord>> {
    state.services.imports(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn undo_import(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.services.undo_import(&state.session().await?, id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_for_unit(state: State<'_, AppState>, unit_id: i64) -> Result<Vec<AuditEntry>> {
    state.services.audit_for_unit(&state.session().await?, unit_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_recent(state: State<'_, AppState>, limit: i64) -> Result<Vec<AuditEntry>> {
    state.services.audit_recent(&state.session().await?, limit).await
}

/// Export the units as filtered. Each export asks where to save in Rust (the page sends no path)
/// and answers with the path written, or null when the user cancelled the dialog.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_units(state: State<'_, AppState>, query: Json<UnitQuery>) -> Result<Option<String>> {
    let Some(path) = state.save_to("房源列表.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_units(&state.session().await?, &query).await?;
    state.files().write(&path, &bytes).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_import_template(state: State<'_, AppState>) -> Result<Option<String>> {
    let Some(path) = state.save_to("房源表导入模板.xlsx").await? else {
        return Ok(None);
    };
    state.files().write(&path, &domain::sheet::template()?).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_audit(state: State<'_, AppState>, limit: i64) -> Result<Option<String>> {
    let Some(path) = state.save_to("审计日志.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_audit(&state.session().await?, limit).await?;
    state.files().write(&path, &bytes).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_imports(state: State<'_, AppState>) -> Result<Option<String>> {
    let Some(path) = state.save_to("导入记录.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_imports(&state.session().await?).await?;
    state.files().write(&path, &bytes).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_users(state: State<'_, AppState>) -> Result<Option<String>> {
    let Some(path) = state.save_to("用户.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_users(&state.session().await?).await?;
    state.files().write(&path, &bytes).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unit_by_number(state: State<'_, AppState>, project_id: Option<i64>, number: String) -> Result<domain::model::Unit> {
    state.services.unit_by_number(&state.session().await?, project_id, &number).await
}
