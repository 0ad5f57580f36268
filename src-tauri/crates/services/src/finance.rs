//! Purchase fees in the app: quotes (free or for a contract, saved with the rule version used),
//! area settlement, mortgage schedules, and finance's editing of regions' rule files.

use crate::Services;
use domain::model::PropertyType as UnitType;
use domain::role::{Permission, Session};
use domain::sheet::ExportTable;
use domain::{AppError, ErrorCode, Result};
use fees::area::{AreaRequest, AreaSettlement};
use fees::mortgage::{MortgageRequest, Schedule};
use fees::quote::{BuyerType, LineOverride, PropertyType, Quote, QuoteRequest};
use fees::rules::{Finding, RegionFile, RuleBook};
use fees::FeeError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A region as the fee screens list it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RegionInfo {
    pub code: String,
    pub name: String,
    pub based_on: Option<String>,
    pub rules_version: String,
    /// Edited in the app (the latest saved version is in force), rather than as shipped.
    pub edited: bool,
    /// The rule form's schema: every parameter with its label, shape, unit, and the version in
    /// force today (values and source), inherited ones included.
    pub parameters: Vec<fees::schema::Parameter>,
}

/// A quote saved against a contract: the request, the quote as printed, who and when.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SavedQuote {
    pub id: i64,
    pub contract_id: i64,
    pub request: QuoteRequest,
    pub quote: Quote,
    pub created_at: String,
    pub created_by: String,
}

/// A saved version of a region's rule file.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RuleFileVersion {
    pub id: i64,
    pub region: String,
    pub created_at: String,
    pub created_by: String,
}

/// A quote request from what the records say about a contract: its date and price, the unit's
/// area (surveyed if known) and type, the building's lift, one certificate per party, a company
/// buyer when a party holds a business licence. The clerk adjusts the rest on the form.
fn quote_request(b: &store::QuoteBasis, region: &str, fund: Option<fees::quote::FundOverride>) -> QuoteRequest {
    let property_type = match UnitType::parse(&b.property_type) {
        Some(UnitType::Commercial) => PropertyType::Commercial,
        Some(UnitType::Office) => PropertyType::Office,
        Some(UnitType::Parking) => PropertyType::Parking,
        Some(UnitType::Storage) => PropertyType::Storage,
        Some(UnitType::Residential) | None => PropertyType::Residential,
    };
    QuoteRequest {
        region: region.to_string(),
        contract_date: b.signed_on,
        property_type,
        buyer_type: if b.company_buyer {
            BuyerType::Company
        } else {
            BuyerType::Individual
        },
        homes_owned: 0,
        gross_area: b.gross_area,
        price: b.total_price,
        // The general method's rate in force on the contract date, read from the rule book.
        vat_method: fees::quote::VatMethod::General,
        vat_rate: None,
        elevator: b.has_elevator,
        certificates: u32::try_from(b.parties.max(1)).unwrap_or(1),
        maintenance_fund: fund,
    }
}

/// Fee-engine errors as the app's `{ code, message, field }`.
pub fn app_error(e: FeeError) -> AppError {
    // Every fee-engine error is bad input; one without a field is in the rule file being edited.
    let field = e
        .field()
        .map(str::to_string)
        .or_else(|| Some("toml".into()))
        .filter(|f| !f.is_empty());
    AppError {
        code: ErrorCode::Invalid,
        message: e.to_string(),
        field,
    }
}

fn to_fen(d: rust_decimal::Decimal) -> Result<i64> {
    domain::amount::to_hundredths("total", d)
}

impl Services {
    /// Build the rule book from the shipped files plus the latest edit of each region.
    pub(crate) async fn load_rules(&self) -> Result<()> {
        let edits = self.store.rule_edits().await?;
        let mut latest: std::collections::BTreeMap<String, String> = Default::default();
        for e in edits {
            latest.insert(e.region, e.toml);
        }
        let files = latest
            .iter()
            .map(|(name, text)| RegionFile::parse(name, text))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(app_error)?;
        let book = RuleBook::shipped().map_err(app_error)?.with_files(files).map_err(app_error)?;
        *self.rules.write().map_err(|_| AppError::internal("rules lock"))? = std::sync::Arc::new(book);
        Ok(())
    }

    pub(crate) fn book(&self) -> Result<std::sync::Arc<RuleBook>> {
        Ok(self.rules.read().map_err(|_| AppError::internal("rules lock"))?.clone())
    }

    pub async fn fee_regions(&self, s: &Session) -> Result<Vec<RegionInfo>> {
        s.require(Permission::ViewRecords)?;
        let book = self.book()?;
        let edited: std::collections::BTreeSet<String> = self.store.rule_edits().await?.into_iter().map(|e| e.region).collect();
        book.regions()
            .map(|r| self.region_info(&book, &r.region, edited.contains(&r.region)))
            .collect()
    }

    fn region_info(&self, book: &RuleBook, code: &str, edited: bool) -> Result<RegionInfo> {
        let r = book.region(code).map_err(app_error)?;
        Ok(RegionInfo {
            code: r.region.clone(),
            name: r.name.clone(),
            based_on: r.based_on.clone(),
            rules_version: book.version(code).map_err(app_error)?,
            edited,
            parameters: fees::schema::schema(r, self.today()),
        })
    }

    /// A quote with the rules in force on the contract date and the clerk's overrides applied
    /// (nothing is saved).
    pub fn quote_fees(&self, s: &Session, req: &QuoteRequest, overrides: &[LineOverride]) -> Result<Quote> {
        s.require(Permission::QuoteFees)?;
        let q = fees::quote::quote(&*self.book()?, req).map_err(app_error)?;
        fees::quote::apply_overrides(q, overrides, &s.username, &self.now().to_rfc3339()).map_err(app_error)
    }

    /// A quote request pre-filled from a contract: its date, price, the unit's area (surveyed if
    /// known) and type, the building's lift, one certificate per party.
    pub async fn contract_quote_defaults(&self, s: &Session, contract_id: i64) -> Result<QuoteRequest> {
        s.require(Permission::QuoteFees)?;
        let basis = self.store.quote_basis_of_contract(contract_id).await?;
        Ok(quote_request(&basis, "national", None))
    }

    /// Compute, apply the clerk's overrides, and save against the contract with the rule version.
    pub async fn save_contract_quote(
        &self,
        s: &Session,
        contract_id: i64,
        req: &QuoteRequest,
        overrides: &[LineOverride],
    ) -> Result<SavedQuote> {
        s.require(Permission::QuoteFees)?;
        let at = self.now().to_rfc3339();
        let q = fees::quote::quote(&*self.book()?, req).map_err(app_error)?;
        let q = fees::quote::apply_overrides(q, overrides, &s.username, &at).map_err(app_error)?;
        let request = serde_json::to_string(req).map_err(AppError::internal)?;
        let quote = serde_json::to_string(&q).map_err(AppError::internal)?;
        let id = self
            .store
            .save_fee_quote(&self.actor(s), contract_id, &request, &quote, &q.rules_version, to_fen(q.total)?)
            .await?;
        Ok(SavedQuote {
            id,
            contract_id,
            request: req.clone(),
            quote: q,
            created_at: at,
            created_by: s.username.clone(),
        })
    }

    /// Saved quotes of the contract with this number.
    ///
    /// Errors: `NotFound` when no contract has the number.
    pub async fn contract_quotes_by_number(&self, s: &Session, number: &str) -> Result<Vec<SavedQuote>> {
        let id = self
            .store
            .contract_id_by_number(number.trim())
            .await?
            .ok_or_else(|| AppError::not_found(format!("合同“{number}”")))?;
        self.contract_quotes(s, id).await
    }

    /// Saved quotes of a contract exactly as they were saved (they reprint identically).
    pub async fn contract_quotes(&self, s: &Session, contract_id: i64) -> Result<Vec<SavedQuote>> {
        s.require(Permission::ViewRecords)?;
        self.store
            .fee_quotes(contract_id)
            .await?
            .into_iter()
            .map(|q| {
                Ok(SavedQuote {
                    id: q.id,
                    contract_id: q.contract_id,
                    request: serde_json::from_str(&q.request).map_err(AppError::internal)?,
                    // Quotes saved before the display strings existed get them from their figures.
                    quote: serde_json::from_str::<Quote>(&q.quote).map_err(AppError::internal)?.with_display(),
                    created_at: q.created_at,
                    created_by: q.created_by,
                })
            })
            .collect()
    }

    pub fn area_settlement(&self, s: &Session, req: &AreaRequest) -> Result<AreaSettlement> {
        s.require(Permission::ViewRecords)?;
        fees::area::settle(req).map_err(app_error)
    }

    pub fn mortgage_schedule(&self, s: &Session, req: &MortgageRequest) -> Result<Schedule> {
        s.require(Permission::ViewRecords)?;
        fees::mortgage::schedule(req).map_err(app_error)
    }

    /// The schedule as an .xlsx (期数, 月供, 本金, 利息, 剩余本金, with totals).
    pub fn export_mortgage(&self, s: &Session, req: &MortgageRequest) -> Result<Vec<u8>> {
        s.require(Permission::ExportRecords)?;
        let sch = fees::mortgage::schedule(req).map_err(app_error)?;
        let mut rows: Vec<Vec<String>> = sch
            .schedule
            .iter()
            .map(|p| {
                vec![
                    p.month.to_string(),
                    p.payment.to_string(),
                    p.principal.to_string(),
                    p.interest.to_string(),
                    p.balance.to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            "合计".into(),
            sch.total_payment.to_string(),
            req.principal.to_string(),
            sch.total_interest.to_string(),
            String::new(),
        ]);
        domain::sheet::write_workbook(&[ExportTable {
            sheet: "还款计划",
            headers: &["期数", "月供", "本金", "利息", "剩余本金"],
            rows,
        }])
    }

    /// The rule file of a region as it is in force (the latest edit, or as shipped).
    pub async fn region_rules_text(&self, s: &Session, code: &str) -> Result<String> {
        s.require(Permission::ViewRecords)?;
        if let Some(e) = self.store.rule_edits().await?.into_iter().rev().find(|e| e.region == code) {
            return Ok(e.toml);
        }
        fees::rules::SHIPPED
            .iter()
            .find(|(n, _)| *n == code)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| AppError::not_found("地区"))
    }

    /// Check a rule file without saving: parse errors, then the rule checks (on today's date).
    pub fn check_region_rules(&self, s: &Session, toml: &str) -> Result<Vec<Finding>> {
        s.require(Permission::ManageFeeRules)?;
        let f = RegionFile::parse("edit", toml).map_err(app_error)?;
        Ok(f.check(self.today()))
    }

    /// Save a new version of a region's rule file (history kept), after checking it. Only errors
    /// block saving; stale values are reported but allowed.
    pub async fn save_region_rules(&self, s: &Session, toml: &str) -> Result<RegionInfo> {
        s.require(Permission::ManageFeeRules)?;
        let f = RegionFile::parse("edit", toml).map_err(app_error)?;
        let code = f.region.trim().to_string();
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(AppError::invalid("toml", "region 只能使用小写字母、数字和 -"));
        }
        if let Some(e) = f.check(self.today()).into_iter().find(|x| x.severity == "error") {
            return Err(AppError::invalid("toml", format!("{}：{}", e.parameter, e.message)));
        }
        // Resolve against the current book first, so a broken `based_on` is refused before saving.
        let book = self.book()?.with_files(vec![f]).map_err(app_error)?;
        self.store.add_rule_edit(&self.actor(s), &code, toml).await?;
        *self.rules.write().map_err(|_| AppError::internal("rules lock"))? = std::sync::Arc::new(book);
        self.region_info(&*self.book()?, &code, true)
    }

    /// Add a dated version of one parameter to a region (a new region when `code` is not known
    /// yet, then `name` is required and it is based on `national`), check it, and save it as a new
    /// version of the region's file.
    ///
    /// Errors: `Invalid` naming the form field; `Forbidden` without `manage_fee_rules`.
    pub async fn add_rule_version(
        &self,
        s: &Session,
        code: &str,
        name: Option<&str>,
        input: &fees::rules::VersionInput,
    ) -> Result<RegionInfo> {
        s.require(Permission::ManageFeeRules)?;
        let book = self.book()?;
        let mut file = match book.raw(code) {
            Some(f) => f.clone(),
            None => {
                let name = name
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| AppError::invalid("name", "新地区须填写名称"))?;
                RegionFile {
                    region: code.trim().to_string(),
                    name: name.to_string(),
                    based_on: Some("national".into()),
                    ..Default::default()
                }
            }
        };
        file.add_version(input).map_err(app_error)?;
        let toml = file.to_toml().map_err(app_error)?;
        self.save_region_rules(s, &toml).await
    }

    pub async fn region_rules_history(&self, s: &Session, code: &str) -> Result<Vec<RuleFileVersion>> {
        s.require(Permission::ViewRecords)?;
        Ok(self
            .store
            .rule_edits()
            .await?
            .into_iter()
            .rev()
            .filter(|e| e.region == code)
            .map(|e| RuleFileVersion {
                id: e.id,
                region: e.region,
                created_at: e.created_at,
                created_by: e.created_by,
            })
            .collect())
    }
}

/// The outcome of re-quoting a project: how many were saved, and which contracts could not be
/// quoted and why (the others are saved regardless).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RequoteReport {
    pub saved: i64,
    pub failed: Vec<RequoteFailure>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RequoteFailure {
    pub contract_number: String,
    pub message: String,
}

impl Services {
    /// Quote every live contract of a project with `region`'s rules (and the given local
    /// maintenance-fund standard, if any) and save all the quotes in one transaction.
    pub async fn requote_project(
        &self,
        s: &Session,
        project_id: i64,
        region: &str,
        fund: Option<fees::quote::FundOverride>,
    ) -> Result<RequoteReport> {
        s.require(Permission::QuoteFees)?;
        let book = self.book()?;
        book.region(region).map_err(app_error)?;
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        for b in self.store.quote_basis(project_id).await? {
            let req = quote_request(&b, region, fund);
            match fees::quote::quote(&book, &req) {
                Ok(q) => rows.push((
                    b.contract_id,
                    serde_json::to_string(&req).map_err(AppError::internal)?,
                    serde_json::to_string(&q).map_err(AppError::internal)?,
                    q.rules_version.clone(),
                    to_fen(q.total)?,
                )),
                Err(e) => failed.push(RequoteFailure {
                    contract_number: b.contract_number,
                    message: e.to_string(),
                }),
            }
        }
        let saved = self.store.save_fee_quotes(&self.actor(s), &rows).await?;
        Ok(RequoteReport {
            saved: i64::try_from(saved).unwrap_or(i64::MAX),
            failed,
        })
    }
}

impl Services {
    /// The 税费明细单 PDF of a saved quote (the latest when `quote_id` is none), as saved — it
    /// prints the same figures as the screen showed, to the fen — on the configured letterhead
    /// (company, address, service phone, logo, seal) like every other document.
    ///
    /// Errors: `NotFound` (no saved quote), `Invalid` (a character the font lacks, missing data).
    pub async fn fee_statement_pdf(&self, s: &Session, contract_id: i64, quote_id: Option<i64>, copies: u8) -> Result<Vec<u8>> {
        s.require(Permission::ViewRecords)?;
        let quotes = self.contract_quotes(s, contract_id).await?;
        let saved = match quote_id {
            Some(id) => quotes.into_iter().find(|q| q.id == id),
            None => quotes.into_iter().next(),
        }
        .ok_or_else(|| AppError::not_found("已保存的税费测算"))?;
        let contract = self.store.contract(contract_id).await?;
        let unit = self.store.unit(contract.unit_id).await?;
        let statement = notices::fee_statement::FeeStatement {
            letterhead: self.letterhead(&unit.project_name).await?,
            project: unit.project_name.clone(),
            unit: unit.label(),
            contract_number: contract.number.clone(),
            owners: contract.parties.iter().map(|p| p.buyer.name.clone()).collect(),
            printed_on: self.today(),
            quote: saved.quote,
            copies,
        };
        notices::fee_statement::render(&statement).map_err(notice_error)
    }

    /// As [`Services::fee_statement_pdf`], finding the contract by its number.
    pub async fn fee_statement_pdf_by_number(&self, s: &Session, number: &str, copies: u8) -> Result<Vec<u8>> {
        let id = self
            .store
            .contract_id_by_number(number.trim())
            .await?
            .ok_or_else(|| AppError::not_found(format!("合同“{number}”")))?;
        self.fee_statement_pdf(s, id, None, copies).await
    }
}

/// Document errors as the app's `{ code, message, field }`.
pub fn notice_error(e: notices::NoticeError) -> AppError {
    match e {
        notices::NoticeError::Font => AppError::internal(e),
        _ => AppError {
            code: ErrorCode::Invalid,
            message: e.to_string(),
            field: None,
        },
    }
}

impl Services {
    /// The 面积差价结算单 of a contract: contracted area (forecast, by the contract's pricing basis)
    /// against the surveyed area, at the contract's unit price, on the configured letterhead.
    ///
    /// Errors: `NotFound`; `Invalid` when the unit has no surveyed area yet or the contract is
    /// priced per unit (no area settlement).
    pub async fn area_statement_pdf(&self, s: &Session, number: &str) -> Result<Vec<u8>> {
        s.require(Permission::ViewRecords)?;
        let id = self
            .store
            .contract_id_by_number(number.trim())
            .await?
            .ok_or_else(|| AppError::not_found(format!("合同“{number}”")))?;
        let c = self.store.contract(id).await?;
        let u = self.store.unit(c.unit_id).await?;
        let (contract_area, actual) = match c.pricing_basis {
            domain::model::PricingBasis::GrossArea => (Some(u.forecast_gross_area), u.surveyed_gross_area),
            domain::model::PricingBasis::InternalArea => (u.forecast_internal_area, u.surveyed_internal_area),
            domain::model::PricingBasis::WholeUnit => return Err(AppError::invalid("pricing_basis", "按套计价的合同不进行面积差价结算")),
        };
        let (Some(contract_area), Some(actual_area)) = (contract_area, actual) else {
            return Err(AppError::invalid(
                "surveyed_area",
                "该房屋尚无实测面积（或预测面积），无法结算面积差价",
            ));
        };
        let request = AreaRequest {
            contract_area,
            actual_area,
            unit_price: c.unit_price,
        };
        let settlement = fees::area::settle(&request).map_err(app_error)?;
        let statement = notices::area_settlement::AreaStatement {
            letterhead: self.letterhead(&u.project_name).await?,
            project: u.project_name.clone(),
            unit: u.label(),
            contract_number: c.number.clone(),
            owners: c.parties.iter().map(|p| p.buyer.name.clone()).collect(),
            printed_on: self.today(),
            request,
            settlement,
        };
        notices::area_settlement::render(&statement).map_err(notice_error)
    }
}

#[cfg(test)]
#[path = "finance_tests.rs"]
mod tests;
