//! The rule form's schema: every parameter a region file may carry, with its Chinese label, its
//! shape (a rate, an amount, a flag, a bracket table by area, a per-m² standard …), its unit, and
//! the version in force on a date (values, source, dates). The rule form is built from this, so
//! nothing in the UI guesses a parameter's shape from its name or carries a default value.

use crate::rules::{in_force, Dated, RegionFile, StepInput, VersionInput, PARAMETERS};
use crate::{percent, FeeError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What kind of value a parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleShape"))]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// One fraction of a base (0.03 = 3 %).
    Rate,
    /// One amount in yuan (per case, per certificate).
    Amount,
    /// Yes or no (an exemption).
    Flag,
    /// A rate table by gross floor area (or "the provincial rate applies").
    Brackets,
    /// Yuan per m² with / without a lift, or a share of the price.
    FundStandard,
    /// Yuan per m² for housing and a share of the price for other property.
    TransactionFee,
}

/// How one form field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleFieldKind"))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A decimal fraction between 0 and 1.
    Rate,
    /// A decimal amount of yuan.
    Amount,
    /// `true` / `false`.
    Flag,
}

/// One input of a parameter's form: `key` is the [`VersionInput`] field it fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleField"))]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    /// What the number measures, in Chinese ("比例", "元/件", "元/㎡").
    pub unit: String,
    /// The value in force (a decimal string, or `true`/`false`), if any.
    pub value: Option<String>,
}

/// The version of a parameter in force on the schema's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleInForce"))]
pub struct InForce {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub until: Option<NaiveDate>,
    pub source: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_checked: NaiveDate,
    /// The value in words, as the screen shows it ("≤ 140㎡ 1%；> 140㎡ 1.5%").
    pub summary: String,
}

/// One parameter of a region as the rule form shows and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleParameter"))]
pub struct Parameter {
    /// `deed_tax_rate`, …: the [`VersionInput::parameter`] value.
    pub key: String,
    pub label: String,
    pub shape: Shape,
    /// The unit code written in the file (`rate`, `yuan_per_case` …), empty for compound shapes.
    pub unit: String,
    pub fields: Vec<Field>,
    /// `Brackets` only: the steps in force (upper bound in m², inclusive; the last has none).
    pub brackets: Vec<StepInput>,
    /// `Brackets` only: whether "the provincial rate applies" may be chosen instead of steps.
    pub may_be_provincial: bool,
    /// `Brackets` only: the version in force says the provincial rate applies.
    pub provincial: bool,
    pub in_force: Option<InForce>,
}

fn s(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn field(key: &str, label: &str, kind: FieldKind, unit: &str, value: Option<String>) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind,
        unit: unit.into(),
        value,
    }
}

fn dated<T: Dated>(v: &T, summary: String) -> InForce {
    InForce {
        from: v.from(),
        until: v.until(),
        source: v.source().to_string(),
        last_checked: v.last_checked(),
        summary,
    }
}

fn rate_field(value: Option<Decimal>) -> Field {
    field("value", "税率", FieldKind::Rate, "比例", s(value))
}

/// "65.00 元/㎡" or "2%", joined for a compound standard.
fn parts(items: &[(&str, Option<Decimal>, bool)]) -> String {
    items
        .iter()
        .filter_map(|(label, v, is_rate)| {
            v.map(|v| {
                if *is_rate {
                    format!("{label} {}", percent(v))
                } else {
                    format!("{label} {} 元/㎡", v.normalize())
                }
            })
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The form schema of one parameter of `region`, with the version in force on `date`.
///
/// Errors: `Invalid` naming `parameter` for a key that no region file carries.
pub fn parameter(region: &RegionFile, key: &str, date: NaiveDate) -> Result<Parameter, FeeError> {
    let label = PARAMETERS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| l.to_string())
        .ok_or_else(|| FeeError::invalid("parameter", format!("未知参数 {key}")))?;
    let mut p = Parameter {
        key: key.into(),
        label,
        shape: Shape::Rate,
        unit: "rate".into(),
        fields: vec![],
        brackets: vec![],
        may_be_provincial: false,
        provincial: false,
        in_force: None,
    };
    let rate_list = match key {
        "deed_tax_rate" => Some(&region.deed_tax_rate),
        "stamp_duty_rate" => Some(&region.stamp_duty_rate),
        "vat_general_rate" => Some(&region.vat_general_rate),
        "vat_simplified_rate" => Some(&region.vat_simplified_rate),
        _ => None,
    };
    let amount_list = match key {
        "registration_fee_residential" => Some((&region.registration_fee_residential, "yuan_per_case", "元/件")),
        "registration_fee_non_residential" => Some((&region.registration_fee_non_residential, "yuan_per_case", "元/件")),
        "certificate_fee_additional" => Some((&region.certificate_fee_additional, "yuan_per_certificate", "元/本")),
        _ => None,
    };
    if let Some(list) = rate_list {
        let v = in_force(list, date);
        p.fields = vec![rate_field(v.map(|v| v.value.0))];
        p.in_force = v.map(|v| dated(v, percent(v.value.0)));
    } else if let Some((list, unit, unit_label)) = amount_list {
        let v = in_force(list, date);
        p.shape = Shape::Amount;
        p.unit = unit.into();
        p.fields = vec![field("value", "金额", FieldKind::Amount, unit_label, s(v.map(|v| v.value.0)))];
        p.in_force = v.map(|v| dated(v, format!("{} {unit_label}", v.value.0.normalize())));
    } else {
        match key {
            "stamp_duty_individual_housing_exempt" => {
                let v = in_force(&region.stamp_duty_individual_housing_exempt, date);
                p.shape = Shape::Flag;
                p.unit = "flag".into();
                p.fields = vec![field(
                    "value",
                    "个人买卖住房免征",
                    FieldKind::Flag,
                    "",
                    v.map(|v| v.value.to_string()),
                )];
                p.in_force = v.map(|v| dated(v, if v.value { "免征" } else { "不免征" }.into()));
            }
            "deed_tax_first_home" | "deed_tax_second_home" => {
                let list = if key == "deed_tax_first_home" {
                    &region.deed_tax_first_home
                } else {
                    &region.deed_tax_second_home
                };
                let v = in_force(list, date);
                p.shape = Shape::Brackets;
                p.unit = "rate".into();
                p.may_be_provincial = key == "deed_tax_second_home";
                p.provincial = v.is_some_and(|b| b.provincial);
                p.brackets = v
                    .map(|b| {
                        b.brackets
                            .iter()
                            .map(|st| StepInput {
                                up_to: s(st.up_to),
                                rate: st.rate.to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                p.in_force = v.map(|b| {
                    let summary = if b.provincial {
                        "按适用税率（不适用优惠）".to_string()
                    } else {
                        let mut prev: Option<Decimal> = None;
                        b.brackets
                            .iter()
                            .map(|st| {
                                let t = match (st.up_to, prev) {
                                    (Some(u), _) => format!("≤ {}㎡ {}", u.normalize(), percent(st.rate)),
                                    (None, Some(l)) => format!("> {}㎡ {}", l.normalize(), percent(st.rate)),
                                    (None, None) => percent(st.rate),
                                };
                                prev = st.up_to.or(prev);
                                t
                            })
                            .collect::<Vec<_>>()
                            .join("；")
                    };
                    dated(b, summary)
                });
            }
            "maintenance_fund" => {
                let v = in_force(&region.maintenance_fund, date);
                p.shape = Shape::FundStandard;
                p.unit = String::new();
                let (with, without, rate) = v
                    .map(|f| (f.per_m2_with_lift, f.per_m2_without_lift, f.rate_of_price))
                    .unwrap_or_default();
                p.fields = vec![
                    field("per_m2_with_lift", "有电梯", FieldKind::Amount, "元/㎡", s(with)),
                    field("per_m2_without_lift", "无电梯", FieldKind::Amount, "元/㎡", s(without)),
                    field("rate_of_price", "或按房价比例", FieldKind::Rate, "比例", s(rate)),
                ];
                p.in_force = v.map(|f| {
                    dated(
                        f,
                        parts(&[("有电梯", with, false), ("无电梯", without, false), ("房价的", rate, true)]),
                    )
                });
            }
            "transaction_fee" => {
                let v = in_force(&region.transaction_fee, date);
                p.shape = Shape::TransactionFee;
                p.unit = String::new();
                let (per, rate) = v.map(|t| (t.residential_per_m2, t.non_residential_rate)).unwrap_or_default();
                p.fields = vec![
                    field("residential_per_m2", "住宅", FieldKind::Amount, "元/㎡", s(per)),
                    field("non_residential_rate", "非住宅 成交价比例", FieldKind::Rate, "比例", s(rate)),
                ];
                p.in_force = v.map(|t| dated(t, parts(&[("住宅", per, false), ("非住宅 成交价的", rate, true)])));
            }
            other => return Err(FeeError::invalid("parameter", format!("未知参数 {other}"))),
        }
    }
    Ok(p)
}

/// Every parameter of `region` (resolved, so inherited values show), in the form's order.
pub fn schema(region: &RegionFile, date: NaiveDate) -> Vec<Parameter> {
    PARAMETERS.iter().filter_map(|(key, _)| parameter(region, key, date).ok()).collect()
}

impl Parameter {
    /// A new version carrying the values shown on the form (the ones in force, unless edited):
    /// what the rule form sends when finance saves the form unchanged but for the date and source.
    pub fn version_input(&self, from: NaiveDate, source: &str, last_checked: NaiveDate) -> VersionInput {
        let get = |k: &str| self.fields.iter().find(|f| f.key == k).and_then(|f| f.value.clone());
        VersionInput {
            parameter: self.key.clone(),
            from,
            source: source.into(),
            last_checked,
            value: get("value"),
            brackets: self.brackets.clone(),
            provincial: self.provincial,
            per_m2_with_lift: get("per_m2_with_lift"),
            per_m2_without_lift: get("per_m2_without_lift"),
            rate_of_price: get("rate_of_price"),
            residential_per_m2: get("residential_per_m2"),
            non_residential_rate: get("non_residential_rate"),
        }
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
