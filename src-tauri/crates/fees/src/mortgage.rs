//! Mortgage schedules (按揭): equal instalments (等额本息) and equal principal (等额本金).
//!
//! Monthly rate r = annual ÷ 12. Each payment is rounded once, as a whole, to the fen; each month's
//! interest is balance × r rounded to the fen; principal = payment − interest; the last payment
//! takes the residue so the principals sum exactly to the loan.

use crate::display::money;
use crate::{round_fen, FeeError};
use rust_decimal::{Decimal, MathematicalOps};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "MortgageMethod"))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    EqualInstallment,
    EqualPrincipal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MortgageRequest {
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub principal: Decimal,
    /// e.g. "0.0305" for 3.05% a year.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub annual_rate: Decimal,
    pub months: u32,
    pub method: Method,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "MortgagePayment"))]
pub struct Payment {
    pub month: u32,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub payment: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub principal: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub interest: Decimal,
    /// Balance after this payment.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub balance: Decimal,
    /// The amounts as shown ("4,243.05").
    #[serde(default)]
    pub payment_display: String,
    #[serde(default)]
    pub principal_display: String,
    #[serde(default)]
    pub interest_display: String,
    #[serde(default)]
    pub balance_display: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "MortgageSchedule"))]
pub struct Schedule {
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub first_payment: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_payment: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_interest: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_payment: Decimal,
    /// The amounts as shown ("4,243.05").
    #[serde(default)]
    pub first_payment_display: String,
    #[serde(default)]
    pub last_payment_display: String,
    #[serde(default)]
    pub total_interest_display: String,
    #[serde(default)]
    pub total_payment_display: String,
    pub schedule: Vec<Payment>,
}

/// Errors: `Invalid` naming `principal`, `annual_rate` or `months`.
pub fn schedule(r: &MortgageRequest) -> Result<Schedule, FeeError> {
    if r.principal <= Decimal::ZERO || r.principal.normalize().scale() > 2 {
        return Err(FeeError::invalid("principal", "贷款本金必须大于 0，最多两位小数"));
    }
    if r.principal > Decimal::new(1_000_000_000_000, 0) {
        return Err(FeeError::invalid("principal", "贷款本金过大"));
    }
    if r.annual_rate < Decimal::ZERO || r.annual_rate > Decimal::new(36, 2) {
        return Err(FeeError::invalid("annual_rate", "年利率应在 0 与 0.36 之间（如 0.0305）"));
    }
    if r.months == 0 || r.months > 600 {
        return Err(FeeError::invalid("months", "贷款期数应在 1–600 个月之间"));
    }
    let p = r.principal;
    let n = Decimal::from(r.months);
    let rate = r.annual_rate / Decimal::from(12);
    let level = match r.method {
        Method::EqualInstallment if rate.is_zero() => Some(round_fen(p / n)),
        Method::EqualInstallment => {
            let g = (Decimal::ONE + rate)
                .checked_powu(u64::from(r.months))
                .ok_or_else(|| FeeError::invalid("months", "期数过多，无法计算"))?;
            Some(round_fen(p * rate * g / (g - Decimal::ONE)))
        }
        Method::EqualPrincipal => None,
    };
    let mut balance = p;
    let mut rows = Vec::with_capacity(r.months as usize);
    for month in 1..=r.months {
        let interest = round_fen(balance * rate);
        let (payment, principal) = if month == r.months {
            (balance + interest, balance)
        } else {
            let payment = match level {
                Some(m) => m,
                None => round_fen(p / n + balance * rate),
            };
            (payment, payment - interest)
        };
        balance -= principal;
        rows.push(Payment {
            month,
            payment,
            principal,
            interest,
            balance,
            payment_display: money(payment),
            principal_display: money(principal),
            interest_display: money(interest),
            balance_display: money(balance),
        });
    }
    let total_interest = rows.iter().map(|x| x.interest).sum();
    let total_payment = rows.iter().map(|x| x.payment).sum();
    let first_payment = rows.first().map(|x| x.payment).unwrap_or_default();
    let last_payment = rows.last().map(|x| x.payment).unwrap_or_default();
    Ok(Schedule {
        first_payment,
        last_payment,
        total_interest,
        total_payment,
        first_payment_display: money(first_payment),
        last_payment_display: money(last_payment),
        total_interest_display: money(total_interest),
        total_payment_display: money(total_payment),
        schedule: rows,
    })
}
