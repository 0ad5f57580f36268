use crate::json::Json;
use crate::state::AppState;
use domain::Result;
use fees::area::{AreaRequest, AreaSettlement};
use fees::mortgage::{MortgageRequest, Schedule};
use fees::quote::{LineOverride, Quote, QuoteRequest};
use fees::rules::Finding;
use services::finance::{RegionInfo, RuleFileVersion, SavedQuote};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn fee_regions(state: State<'_, AppState>) -> Result<Vec<RegionInfo>> {
    state.services.fee_regions(&state.session().await?).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn quote_fees(
    state: State<'_, AppState>,
    request: Json<QuoteRequest>,
    overrides: Json<Option<Vec<LineOverride>>>,
) -> Result<Quote> {
    state
        .services
        .quote_fees(&state.session().await?, &request, &overrides.into_inner().unwrap_or_default())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn contract_quote_defaults(state: State<'_, AppState>, contract_id: i64) -> Result<QuoteRequest> {
    state.services.contract_quote_defaults(&state.session().await?, contract_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_contract_quote(
    state: State<'_, AppState>,
    contract_id: i64,
    request: Json<QuoteRequest>,
    overrides: Json<Vec<LineOverride>>,
) -> Result<SavedQuote> {
    state
        .services
        .save_contract_quote(&state.session().await?, contract_id, &request, &overrides)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn contract_quotes(state: State<'_, AppState>, contract_id: i64) -> Result<Vec<SavedQuote>> {
    state.services.contract_quotes(&state.session().await?, contract_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn area_settlement(state: State<'_, AppState>, request: Json<AreaRequest>) -> Result<AreaSettlement> {
    state.services.area_settlement(&state.session().await?, &request)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mortgage_schedule(state: State<'_, AppState>, request: Json<MortgageRequest>) -> Result<Schedule> {
    state.services.mortgage_schedule(&state.session().await?, &request)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_mortgage(state: State<'_, AppState>, request: Json<MortgageRequest>) -> Result<Option<String>> {
    let Some(path) = state.save_to("还款计划.xlsx").await? else {
        return Ok(None);
    };
    let bytes = state.services.export_mortgage(&state.session().await?, &request)?;
    state.files().write(&path, &bytes).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn region_rules_text(state: State<'_, AppState>, code: String) -> Result<String> {
    state.services.region_rules_text(&state.session().await?, &code).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_region_rules(state: State<'_, AppState>, toml: String) -> Result<Vec<Finding>> {
    state.services.check_region_rules(&state.session().await?, &toml)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_region_rules(state: State<'_, AppState>, toml: String) -> Result<RegionInfo> {
    state.services.save_region_rules(&state.session().await?, &toml).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn region_rules_history(state: State<'_, AppState>, code: String) -> Result<Vec<RuleFileVersion>> {
    state.services.region_rules_history(&state.session().await?, &code).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_rule_version(
    state: State<'_, AppState>,
    code: String,
    name: Option<String>,
    input: Json<fees::rules::VersionInput>,
) -> Result<RegionInfo> {
    state
        .services
        .add_rule_version(&state.session().await?, &code, name.as_deref(), &input)
        .await
}

/// Save the 税费明细单 of a saved quote where the user chooses in the save dialog (null: cancelled).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_fee_statement(state: State<'_, AppState>, contract_id: i64, quote_id: i64, copies: u8) -> Result<Option<String>> {
    let Some(path) = state.save_to(&format!("税费明细单-{contract_id}-{quote_id}.pdf")).await? else {
        return Ok(None);
    };
    let pdf = state
        .services
        .fee_statement_pdf(&state.session().await?, contract_id, Some(quote_id), copies)
        .await?;
    state.files().write(&path, &pdf).map(Some)
}

/// Save the 面积差价结算单 of a contract where the user chooses in the save dialog (null: cancelled).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_area_statement(state: State<'_, AppState>, contract_number: String) -> Result<Option<String>> {
    let name = format!("面积差价结算单-{}.pdf", notices::batch::file_stem(&contract_number));
    let Some(path) = state.save_to(&name).await? else { return Ok(None) };
    let pdf = state.services.area_statement_pdf(&state.session().await?, &contract_number).await?;
    state.files().write(&path, &pdf).map(Some)
}

/// "Print" a saved quote's 税费明细单: open it in the system PDF viewer (its print dialog sends it
/// to the default printer). Returns where the file was written.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_fee_statement<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    contract_id: i64,
    quote_id: i64,
    copies: u8,
) -> Result<String> {
    let pdf = state
        .services
        .fee_statement_pdf(&state.session().await?, contract_id, Some(quote_id), copies)
        .await?;
    super::open_pdf(&app, &state, &format!("税费明细单-{contract_id}-{quote_id}.pdf"), &pdf)
}

/// "Print" the 面积差价结算单 of a contract in the system PDF viewer.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_area_statement<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    contract_number: String,
) -> Result<String> {
    let pdf = state.services.area_statement_pdf(&state.session().await?, &contract_number).await?;
    super::open_pdf(
        &app,
        &state,
        &format!("面积差价结算单-{}.pdf", notices::batch::file_stem(&contract_number)),
        &pdf,
    )
}
