//! Area-difference settlement (面积差价) per 商品房销售管理办法 (建设部令第88号) Art. 20.
//!
//! With d = actual − contracted, t = 3% × contracted, u = unit price:
//! |d| ≤ t (inclusive): settle d·u either way; d > t: the buyer pays t·u and the developer bears the
//! rest; d < −t: the developer refunds t·u plus 2·(|d| − t)·u. Beyond 3% the buyer may cancel.

use crate::{round_fen, FeeError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AreaRequest {
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub contract_area: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub actual_area: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AreaLine {
    pub name: String,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub area: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_price: Decimal,
    /// Positive: the buyer pays; negative: the developer refunds; zero: borne by the developer.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    pub explanation: String,
    /// `unit_price` and `amount` as shown ("20,000.00").
    #[serde(default)]
    pub unit_price_display: String,
    #[serde(default)]
    pub amount_display: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AreaSettlement {
    /// (actual − contracted) ÷ contracted × 100, rounded to two places for display.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub error_ratio_percent: Decimal,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub difference: Decimal,
    pub buyer_may_cancel: bool,
    /// The sum of the lines: positive = the buyer pays, negative = the developer refunds.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    /// `amount` as shown ("-140,000.00").
    #[serde(default)]
    pub amount_display: String,
    pub lines: Vec<AreaLine>,
    /// Who pays whom, in words: 买受人补交 / 出卖人返还买受人 / 无需结算.
    pub outcome: String,
    /// |amount| in Chinese capitals (人民币大写).
    pub amount_in_capitals: String,
    pub source: String,
}

const SOURCE: &str = "商品房销售管理办法（建设部令第88号）第二十条";

/// Errors: `Invalid` naming the field when an area or the price is not positive with ≤ 2 places.
pub fn settle(r: &AreaRequest) -> Result<AreaSettlement, FeeError> {
    for (field, label, v) in [
        ("contract_area", "合同约定面积", r.contract_area),
        ("actual_area", "产权登记面积", r.actual_area),
        ("unit_price", "合同单价", r.unit_price),
    ] {
        if v <= Decimal::ZERO {
            return Err(FeeError::invalid(field, format!("{label}必须大于 0")));
        }
        if v.normalize().scale() > 2 {
            return Err(FeeError::invalid(field, format!("{label}最多保留两位小数")));
        }
        if v > Decimal::new(1_000_000_000, 0) {
            return Err(FeeError::invalid(field, format!("{label}超出合理范围")));
        }
    }
    let (c, a, u) = (r.contract_area, r.actual_area, r.unit_price);
    let d = a - c;
    let t = c * Decimal::new(3, 2);
    let ratio = d / c * Decimal::ONE_HUNDRED;
    let line = |name: &str, area: Decimal, amount: Decimal, explanation: String| AreaLine {
        name: name.into(),
        area: area.normalize(),
        unit_price: u,
        amount: round_fen(amount),
        explanation,
        unit_price_display: crate::display::money(u),
        amount_display: crate::display::money(round_fen(amount)),
    };
    let shown = round_fen(ratio);
    let lines = if d.abs() <= t {
        let name = if d >= Decimal::ZERO {
            "面积增加，买受人补交"
        } else {
            "面积减少，出卖人返还"
        };
        vec![line(
            name,
            d,
            d * u,
            format!("面积误差比 {shown}% 在 ±3% 以内（含），按合同单价据实结算"),
        )]
    } else if d > t {
        vec![
            line(
                "3% 以内部分，买受人补交",
                t,
                t * u,
                format!("面积误差比 {shown}% 超过 3%，买受人可退房；不退房的，3% 以内部分由买受人补交"),
            ),
            line(
                "超出 3% 部分，出卖人承担",
                d - t,
                Decimal::ZERO,
                "超出 3% 部分的房价款由出卖人承担，产权归买受人".into(),
            ),
        ]
    } else {
        let beyond = d.abs() - t;
        vec![
            line(
                "3% 以内部分，出卖人返还",
                -t,
                -(t * u),
                format!("面积误差比 {shown}% 超过 −3%，买受人可退房；不退房的，3% 以内部分由出卖人返还"),
            ),
            line(
                "超出 3% 部分，出卖人双倍返还",
                -beyond,
                -(Decimal::TWO * beyond * u),
                "超出 3% 部分的房价款由出卖人双倍返还".into(),
            ),
        ]
    };
    let amount: Decimal = lines.iter().map(|l| l.amount).sum();
    let outcome = if amount < Decimal::ZERO {
        "出卖人返还买受人"
    } else if amount.is_zero() {
        "无需结算"
    } else {
        "买受人补交"
    };
    let amount_in_capitals = crate::capitals::write(amount.abs()).ok_or_else(|| FeeError::invalid("unit_price", "金额过大"))?;
    Ok(AreaSettlement {
        outcome: outcome.into(),
        amount_in_capitals,
        error_ratio_percent: shown,
        difference: d.normalize(),
        buyer_may_cancel: d.abs() > t,
        amount,
        amount_display: crate::display::money(amount),
        lines,
        source: SOURCE.into(),
    })
}
