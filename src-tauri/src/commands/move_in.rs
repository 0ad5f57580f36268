//! Move-in commands: settings, planning, bookings, the desk, keys, the board, documents.

use crate::json::Json;
use crate::state::AppState;
use domain::move_in::*;
use domain::Result;
use serde::Serialize;
use services::move_in::*;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

#[tauri::command(rename_all = "snake_case")]
pub async fn amount_total(state: State<'_, AppState>, values: Vec<String>) -> Result<String> {
    state.services.amount_total(&state.session().await?, &values)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn letterhead_settings(state: State<'_, AppState>) -> Result<LetterheadSettings> {
    state.services.letterhead_settings(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_letterhead(state: State<'_, AppState>, input: Json<LetterheadInput>) -> Result<LetterheadSettings> {
    state.services.save_letterhead(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn procedure_settings(state: State<'_, AppState>, project_id: i64) -> Result<ProcedureSettings> {
    state.services.procedure_settings(&state.session().await?, project_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_procedure_settings(state: State<'_, AppState>, settings: Json<ProcedureSettings>) -> Result<ProcedureSettings> {
    state.services.save_procedure_settings(&state.session().await?, &settings).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_batch(state: State<'_, AppState>, input: Json<BatchInput>) -> Result<BatchCreatedView> {
    state.services.create_batch(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn batches(state: State<'_, AppState>, project_id: i64) -> Result<Vec<Batch>> {
    state.services.batches(&state.session().await?, project_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn batch_detail(state: State<'_, AppState>, batch_id: i64) -> Result<BatchDetail> {
    state.services.batch_detail(&state.session().await?, batch_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn book_slot(state: State<'_, AppState>, unit_id: i64, slot_id: i64, note: String, rebook: bool) -> Result<MoveInUnit> {
    state
        .services
        .book_slot(&state.session().await?, unit_id, slot_id, &note, rebook)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn close_booking(state: State<'_, AppState>, unit_id: i64, no_show: bool) -> Result<MoveInUnit> {
    state.services.close_booking(&state.session().await?, unit_id, no_show).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn record_delivery(state: State<'_, AppState>, input: Json<DeliveryInput>) -> Result<MoveInUnit> {
    state.services.record_delivery(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn move_in_unit(state: State<'_, AppState>, unit_id: i64) -> Result<MoveInUnit> {
    state.services.move_in_unit(&state.session().await?, unit_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_in(state: State<'_, AppState>, unit_id: i64, version: i64) -> Result<MoveInUnit> {
    state.services.check_in(&state.session().await?, unit_id, version).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn do_step(state: State<'_, AppState>, unit_id: i64, version: i64, data: Json<StepData>) -> Result<MoveInUnit> {
    state.services.do_step(&state.session().await?, unit_id, version, &data).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn undo_step(state: State<'_, AppState>, unit_id: i64, version: i64, kind: Json<StepKind>, reason: String) -> Result<MoveInUnit> {
    state
        .services
        .undo_step(&state.session().await?, unit_id, version, *kind, &reason)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_hold(state: State<'_, AppState>, unit_id: i64, version: i64, reason: Option<String>) -> Result<MoveInUnit> {
    state
        .services
        .set_hold(&state.session().await?, unit_id, version, reason.as_deref())
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn keys(state: State<'_, AppState>, project_id: i64, overdue_only: bool) -> Result<Vec<KeyRecord>> {
    state.services.keys(&state.session().await?, project_id, overdue_only).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn register_key(state: State<'_, AppState>, input: Json<KeyInput>) -> Result<KeyRecord> {
    state.services.register_key(&state.session().await?, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn checkout_key(state: State<'_, AppState>, project_id: i64, input: Json<KeyCheckout>) -> Result<KeyRecord> {
    state.services.checkout_key(&state.session().await?, project_id, &input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn return_or_lose_key(state: State<'_, AppState>, project_id: i64, key_id: i64, lost: bool, note: String) -> Result<KeyRecord> {
    state
        .services
        .return_or_lose_key(&state.session().await?, project_id, key_id, lost, &note)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn key_events(state: State<'_, AppState>, key_id: i64) -> Result<Vec<KeyEvent>> {
    state.services.key_events(&state.session().await?, key_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn board(state: State<'_, AppState>, project_id: i64, batch_id: Option<i64>) -> Result<Board> {
    state.services.board(&state.session().await?, project_id, batch_id).await
}

/// Export the board where the user chooses in the save dialog (null: cancelled).
#[tauri::command(rename_all = "snake_case")]
pub async fn export_board(state: State<'_, AppState>, project_id: i64, batch_id: Option<i64>) -> Result<Option<String>> {
    let Some(path) = state.save_to("入伙进度.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_board(&state.session().await?, project_id, batch_id).await?;
    state.files().write(&path, &bytes).map(Some)
}

/// Save a unit's move-in document where the user chooses in the save dialog (null: cancelled).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_move_in_doc(state: State<'_, AppState>, unit_id: i64, doc: Json<MoveInDoc>) -> Result<Option<String>> {
    let Some(path) = state.save_to(&format!("{}-{unit_id}.pdf", doc.title())).await? else {
        return Ok(None);
    };
    let pdf = state.services.move_in_pdf(&state.session().await?, unit_id, *doc).await?;
    state.files().write(&path, &pdf).map(Some)
}

/// "Print": write the document to this run's private print folder and open it in the system PDF
/// viewer, whose print dialog sends it to the default printer.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_move_in_doc<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    unit_id: i64,
    doc: Json<MoveInDoc>,
) -> Result<String> {
    let pdf = state.services.move_in_pdf(&state.session().await?, unit_id, *doc).await?;
    super::open_pdf(&app, &state, &format!("{}-{unit_id}.pdf", doc.title()), &pdf)
}

/// Open a PDF this app wrote in this session (a batch's combined PDF) in the system viewer;
/// signed in only. Any other path is refused.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_file<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> Result<()> {
    state.session().await?;
    let p = state.files().openable(&path)?;
    super::open_in_viewer(&app, &p.to_string_lossy())
}

/// Progress of a batch print, streamed to the window.
#[derive(Debug, Clone, Serialize)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
}

/// Print a batch's move-in notices (combined or per unit) into a folder the user chooses in the
/// folder dialog (run here; null: cancelled), with progress; one at a time. The batch ends
/// however the command ends, and a panic inside is answered as an error.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_batch_notices(
    state: State<'_, AppState>,
    batch_id: i64,
    combined: bool,
    on_progress: Channel<BatchProgress>,
) -> Result<Option<BatchPrintReport>> {
    state.session().await?;
    let batch = state.start_batch()?;
    let Some(dir) = state.files().folder("选择保存入伙通知书的文件夹").await? else {
        return Ok(None);
    };
    let progress = |done: usize, total: usize| {
        // About a hundred updates per batch, and always the last.
        let every = (total / 100).max(1);
        if done == total || done.is_multiple_of(every) {
            let _ = on_progress.send(BatchProgress { done, total });
        }
    };
    let report = crate::state::caught(
        "批量打印时程序出错，已停止；请重试，仍不行请联系管理员",
        state
            .services
            .print_batch_notices(&state.session().await?, batch_id, &dir, combined, batch.control(), &progress),
    )
    .await?;
    for f in &report.files {
        state.files().remember(std::path::Path::new(f));
    }
    Ok(Some(report))
}

/// Cancel the batch print under way (nothing is written).
#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_batch_print(state: State<'_, AppState>) -> Result<bool> {
    Ok(state.cancel_batch())
}
