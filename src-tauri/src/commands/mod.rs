//! Tauri commands: each unpacks state, calls one service, and returns `{ code, message, field? }`
//! on failure. Arguments are snake_case on both sides; structured ones arrive through
//! [`crate::json::Json`], which names a malformed field. A command has its service method's name,
//! and `ui/src/api.ts` calls it by the camelCase of that name (tests/names.rs checks all three).
//! No command takes a path from the page: a save asks where in Rust ([`AppState::save_to`]) and
//! answers with the path written (null when the user cancelled); images arrive as their content.

mod backups;
mod finance;
mod inspection;
mod move_in;
mod office;
mod records;
mod users;

pub use backups::*;
pub use finance::*;
pub use inspection::*;
pub use move_in::*;
pub use office::*;
pub use records::*;
pub use users::*;

use crate::state::AppState;
use domain::{AppError, Result};
use tauri::ipc::Invoke;
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;

/// "Print": write the PDF under a fresh name in this run's private print folder (see
/// [`crate::files::PrintFolder`]) and open it in the system viewer, whose print dialog reaches the
/// default printer. Returns the path (also named if no viewer opens).
pub(crate) fn open_pdf<R: Runtime>(app: &AppHandle<R>, state: &AppState, name: &str, pdf: &[u8]) -> Result<String> {
    let path = state.files().print(name, pdf)?;
    let shown = path.display().to_string();
    open_in_viewer(app, &shown)?;
    Ok(shown)
}

/// Open a file in the system's viewer for its type.
pub(crate) fn open_in_viewer<R: Runtime>(app: &AppHandle<R>, path: &str) -> Result<()> {
    app.opener()
        .open_path(path, None::<&str>)
        .map_err(|e| AppError::io(format!("无法打开 PDF 查看器（文件已保存在 {path}）：{e}")))
}

pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        users::setup_status,
        users::create_first_admin,
        users::sign_in,
        users::sign_out,
        users::current_session,
        users::first_paint,
        users::startup_error,
        users::users,
        users::create_user,
        users::update_user,
        users::change_password,
        users::set_idle_lock_minutes,
        users::verify_audit,
        records::projects,
        records::buildings,
        records::search_units,
        records::unit_detail,
        records::unit_by_number,
        records::update_unit,
        records::create_contract,
        records::update_contract,
        records::cancel_contract,
        records::import_workbook,
        records::imports,
        records::undo_import,
        records::audit_for_unit,
        records::audit_recent,
        records::export_units,
        records::export_audit,
        records::export_imports,
        records::export_users,
        records::save_import_template,
        finance::fee_regions,
        finance::quote_fees,
        finance::contract_quote_defaults,
        finance::save_contract_quote,
        finance::contract_quotes,
        finance::area_settlement,
        finance::mortgage_schedule,
        finance::export_mortgage,
        finance::region_rules_text,
        finance::check_region_rules,
        finance::save_region_rules,
        finance::region_rules_history,
        finance::add_rule_version,
        finance::save_fee_statement,
        finance::save_area_statement,
        finance::print_fee_statement,
        finance::print_area_statement,
        inspection::inspection_template,
        inspection::save_inspection_template_text,
        inspection::defect_parties,
        inspection::save_defect_parties,
        inspection::start_inspection,
        inspection::inspection,
        inspection::inspections_of_unit,
        inspection::update_inspection,
        inspection::sign_inspection,
        inspection::complete_inspection,
        inspection::raise_defect,
        inspection::move_defect,
        inspection::defects,
        inspection::defect_events,
        inspection::defect_photo,
        inspection::scorecards,
        inspection::print_inspection_form,
        inspection::save_inspection_form,
        inspection::print_rectification_notice,
        inspection::floor_plan,
        inspection::save_floor_plan,
        move_in::amount_total,
        move_in::letterhead_settings,
        move_in::save_letterhead,
        move_in::procedure_settings,
        move_in::save_procedure_settings,
        move_in::create_batch,
        move_in::batches,
        move_in::batch_detail,
        move_in::book_slot,
        move_in::close_booking,
        move_in::record_delivery,
        move_in::move_in_unit,
        move_in::check_in,
        move_in::do_step,
        move_in::undo_step,
        move_in::set_hold,
        move_in::keys,
        move_in::register_key,
        move_in::checkout_key,
        move_in::return_or_lose_key,
        move_in::key_events,
        move_in::board,
        move_in::export_board,
        move_in::save_move_in_doc,
        move_in::print_move_in_doc,
        move_in::open_file,
        move_in::print_batch_notices,
        move_in::cancel_batch_print,
        backups::backups,
        backups::backup_now,
        backups::check_backup,
        backups::set_backup_keep,
        backups::stage_restore,
        backups::cancel_restore,
        office::office_today,
        office::set_office_time_zone,
    ]
}
