//! 备份与恢复 (administrators): the backups folder, a backup now, a file's check, how many
//! daily backups are kept, and a restore staged for the next start.

use crate::state::AppState;
use domain::backup::BackupInfo;
use domain::Result;
use services::backups::BackupList;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn backups(state: State<'_, AppState>) -> Result<BackupList> {
    state.services.backups(&state.session().await?).await
}

/// Back up into the backups folder now.
#[tauri::command(rename_all = "snake_case")]
pub async fn backup_now(state: State<'_, AppState>) -> Result<BackupInfo> {
    state.services.backup_now(&state.session().await?, None).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_backup(state: State<'_, AppState>, file_name: String) -> Result<BackupInfo> {
    state.services.check_backup(&state.session().await?, &file_name).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_backup_keep(state: State<'_, AppState>, keep: String) -> Result<u32> {
    state.services.set_backup_keep(&state.session().await?, &keep).await
}

/// Restore a backup of the folder at the next start (`force`: the page asked again, the
/// database holding newer records).
#[tauri::command(rename_all = "snake_case")]
pub async fn stage_restore(state: State<'_, AppState>, file_name: String, force: bool) -> Result<BackupInfo> {
    state.services.stage_restore(&state.session().await?, &file_name, force).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_restore(state: State<'_, AppState>) -> Result<()> {
    state.services.cancel_restore(&state.session().await?).await
}
