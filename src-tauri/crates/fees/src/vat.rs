//! VAT in the contract price: which rate of the region's rules applies (by the developer's
//! method, on the contract date). The deed-tax and stamp-duty bases exclude it.

use crate::quote::{need, QuoteRequest};
use crate::rules::RegionFile;
use crate::{too_large, FeeError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How the developer pays VAT on the sale (a fact of the project): the rate of each method is a
/// dated rule value (`vat_general_rate`, `vat_simplified_rate`) read for the contract date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VatMethod {
    /// 一般计税.
    #[default]
    General,
    /// 简易计税.
    Simplified,
    /// The price carries no VAT.
    None,
}

impl VatMethod {
    pub const ALL: [VatMethod; 3] = [VatMethod::General, VatMethod::Simplified, VatMethod::None];

    pub fn as_str(self) -> &'static str {
        match self {
            VatMethod::General => "general",
            VatMethod::Simplified => "simplified",
            VatMethod::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VatMethod::General => "一般计税",
            VatMethod::Simplified => "简易计税",
            VatMethod::None => "合同价不含增值税",
        }
    }
}

/// The VAT rate that the contract price includes, with where it comes from: the hand-given rate,
/// none, or the region's rate for the method in force on the contract date.
///
/// Errors: `NoRuleInForce` when the region has no VAT rate for that method on that date.
pub(crate) fn vat_rate(region: &RegionFile, r: &QuoteRequest, date: NaiveDate) -> Result<(Decimal, String), FeeError> {
    if let Some(rate) = r.vat_rate {
        return Ok((rate, "税率由经办人给定".into()));
    }
    let (list, label) = match r.vat_method {
        VatMethod::None => return Ok((Decimal::ZERO, "按合同约定".into())),
        VatMethod::General => (&region.vat_general_rate, "增值税税率（一般计税）"),
        VatMethod::Simplified => (&region.vat_simplified_rate, "增值税征收率（简易计税）"),
    };
    let v = need(region, list, label, date)?;
    Ok((v.value.0, v.source.clone()))
}

/// The contract price without its VAT: `price ÷ (1 + rate)`, the rate and its source, as [`vat_rate`]
/// gives them.
///
/// Errors: as [`vat_rate`]; `RuleFile` when the region's rate is not a share the price can be
/// divided by (1 + rate must be positive and the quotient fit a Decimal).
pub(crate) fn without_vat(region: &RegionFile, r: &QuoteRequest, date: NaiveDate) -> Result<(Decimal, Decimal, String), FeeError> {
    let (rate, source) = vat_rate(region, r, date)?;
    let what = r.vat_method.label();
    let divisor = Decimal::ONE
        .checked_add(rate)
        .filter(|d| *d > Decimal::ZERO)
        .ok_or_else(|| too_large(&region.region, what))?;
    let base = r.price.checked_div(divisor).ok_or_else(|| too_large(&region.region, what))?;
    Ok((base, rate, source))
}
