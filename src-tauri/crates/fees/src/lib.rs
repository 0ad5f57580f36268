//! HandoverDesk purchase fees, exactly right.
//!
//! - [`rules`]: fee rules as data (one TOML file per region, embedded), dated and sourced;
//! - [`quote`]: the itemised purchase-fee quote (deed tax, stamp duty, registration and certificate
//!   fees, maintenance fund, transaction fee), each line with its base, rate, rule and explanation;
//! - [`area`]: area-difference settlement per 商品房销售管理办法 Art. 20;
//! - [`mortgage`]: equal-instalment and equal-principal schedules that sum exactly to the principal;
//! - [`schema`]: the rule form's schema (label, shape, unit, value in force and source per parameter);
//! - [`display`]: amounts as shown (grouped money, percentages), formatted once for screens and paper;
//! - [`capitals`]: amounts in Chinese capitals per 银发〔1997〕393号.
//!
//! Everything is a pure function of its inputs: the contract date and the region are arguments,
//! nothing reads the clock. Amounts are `Decimal`; every printed line is rounded once to the fen,
//! half away from zero ([`round_fen`]), and totals are sums of rounded lines.

pub mod area;
pub mod capitals;
pub mod display;
pub mod mortgage;
pub mod quote;
pub mod quoted;
pub mod rules;
pub mod schema;
pub mod vat;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Round to the fen (0.01 yuan), half away from zero (四舍五入) — the one rounding used for money.
pub fn round_fen(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// A rate as a percentage for explanations: 0.015 → "1.5%". A rate too large to multiply by
/// 100 (only an unchecked rule file carries one) is shown as "rate × 100%".
pub fn percent(rate: Decimal) -> String {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => format!("{} × 100%", rate.normalize()),
    }
}

/// `a × b`, or a `RuleFile` error naming the rule value `what` of `region` when the product does
/// not fit a Decimal (requests are bounded, so only a rule value can make it overflow).
pub(crate) fn product(region: &str, what: &str, a: Decimal, b: Decimal) -> Result<Decimal, FeeError> {
    a.checked_mul(b).ok_or_else(|| too_large(region, what))
}

/// The sum of amounts, or a `RuleFile` error for `region` when it does not fit a Decimal.
pub(crate) fn checked_sum(region: &str, what: &str, amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal, FeeError> {
    amounts
        .into_iter()
        .try_fold(Decimal::ZERO, |sum, a| sum.checked_add(a))
        .ok_or_else(|| too_large(region, what))
}

pub(crate) fn too_large(region: &str, what: &str) -> FeeError {
    FeeError::RuleFile {
        file: region.to_string(),
        message: format!("“{what}”的数值过大，无法计算，请核对该地区的规则"),
    }
}

/// A fee-engine failure: a code for programs, a Chinese message for people, the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("未知地区“{region}”，可选：{known}")]
    UnknownRegion { region: String, known: String },
    #[error("{date} 没有适用的{region}“{parameter}”规则（规则最早从 {earliest} 起）")]
    NoRuleInForce {
        region: String,
        parameter: String,
        date: chrono::NaiveDate,
        earliest: String,
    },
    #[error("{region}没有公布住宅专项维修资金标准，请输入当地标准（每平方米金额或房价比例）")]
    MaintenanceFundStandardRequired { region: String },
    #[error("规则文件 {file} 有误：{message}")]
    RuleFile { file: String, message: String },
}

/// `{ code, message, field? }` as it crosses to JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl FeeError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        FeeError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            FeeError::Invalid { .. } => "invalid",
            FeeError::UnknownRegion { .. } => "unknown_region",
            FeeError::NoRuleInForce { .. } => "no_rule_in_force",
            FeeError::MaintenanceFundStandardRequired { .. } => "maintenance_fund_standard_required",
            FeeError::RuleFile { .. } => "rule_file",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            FeeError::Invalid { field, .. } => Some(field),
            FeeError::UnknownRegion { .. } => Some("region"),
            FeeError::NoRuleInForce { .. } => Some("contract_date"),
            FeeError::MaintenanceFundStandardRequired { .. } => Some("maintenance_fund"),
            FeeError::RuleFile { .. } => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
            field: self.field().map(str::to_string),
        }
    }
}

/// Parse a JSON request, naming the field at fault for a missing field, a wrong type, a
/// non-numeric decimal string or an unknown key.
///
/// Errors: `Invalid` with `field` the JSON path (e.g. `maintenance_fund.per_m2`).
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, FeeError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        let field = if let Some(rest) = inner.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or_default();
            if path == "." {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        } else if path == "." {
            String::new()
        } else {
            path
        };
        let message = if inner.starts_with("missing field") {
            format!("缺少字段 {field}")
        } else if field.is_empty() {
            format!("请求不是有效的 JSON：{inner}")
        } else {
            format!("字段 {field} 无效：{inner}")
        };
        FeeError::invalid(field, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn rounds_half_away_from_zero_to_two_places() {
        let d = |s: &str| Decimal::from_str(s).expect("d");
        assert_eq!(round_fen(d("0.005")).to_string(), "0.01");
        assert_eq!(round_fen(d("-0.005")).to_string(), "-0.01");
        assert_eq!(round_fen(d("2.004999")).to_string(), "2.00");
        assert_eq!(round_fen(d("7")).to_string(), "7.00");
        assert_eq!(percent(d("0.015")), "1.5%");
        assert_eq!(percent(d("0.03")), "3%");
        assert_eq!(percent(Decimal::MAX), "79228162514264337593543950335 × 100%", "no overflow");
    }
}
