//! The itemised purchase-fee quote. See `fee-rules.md` sections 1–5 for the rules implemented.

use crate::rules::{in_force, Brackets, Dated, RegionFile, RuleBook};
use crate::vat::without_vat;
pub use crate::vat::VatMethod;
use crate::{capitals, checked_sum, percent, product, round_fen, FeeError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "FeePropertyType"))]
#[serde(rename_all = "snake_case")]
pub enum PropertyType {
    Residential,
    Commercial,
    Office,
    Parking,
    Storage,
}

impl PropertyType {
    pub fn is_residential(self) -> bool {
        self == PropertyType::Residential
    }
    fn label(self) -> &'static str {
        match self {
            PropertyType::Residential => "住宅",
            PropertyType::Commercial => "商业",
            PropertyType::Office => "办公",
            PropertyType::Parking => "车位",
            PropertyType::Storage => "储藏室",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BuyerType {
    Individual,
    Company,
}

/// The local maintenance-fund standard entered by the clerk, overriding the region's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FundOverride {
    #[serde(default, with = "crate::quoted::option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub per_m2: Option<Decimal>,
    #[serde(default, with = "crate::quoted::option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub rate: Option<Decimal>,
}

fn default_certificates() -> u32 {
    1
}

/// What a quote needs. Decimals are JSON strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub region: String,
    /// The contract date: the rules in force that day apply (契税法 Art. 9).
    pub contract_date: NaiveDate,
    pub property_type: PropertyType,
    pub buyer_type: BuyerType,
    /// Homes the buyer's family already owns in that city (0 = this is the first).
    #[serde(default)]
    pub homes_owned: u32,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub gross_area: Decimal,
    /// Contract price including VAT.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price: Decimal,
    /// Which VAT rate of the region's rules applies (general by default).
    #[serde(default)]
    pub vat_method: VatMethod,
    /// A VAT rate given by hand (older saved requests and scripts send one). When absent — as
    /// the app and the services send it — the rate is the rule book's for `vat_method` on the
    /// contract date.
    #[serde(default, with = "crate::quoted::option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub vat_rate: Option<Decimal>,
    #[serde(default)]
    pub elevator: bool,
    /// Title certificates issued (co-owners may each hold one).
    #[serde(default = "default_certificates")]
    pub certificates: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_fund: Option<FundOverride>,
}

/// One printed line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuoteItem {
    pub code: String,
    pub name: String,
    /// What the rate applies to (price excl. VAT, area, cases), if anything.
    #[serde(with = "crate::quoted::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub base: Option<Decimal>,
    #[serde(with = "crate::quoted::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub rate: Option<Decimal>,
    /// A fixed amount per unit (yuan per m², per case, per certificate).
    #[serde(with = "crate::quoted::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub unit_amount: Option<Decimal>,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    pub explanation: String,
    pub source: String,
    /// Exempt or not charged: the amount is 0.00 and the explanation names why.
    pub exempt: bool,
    /// Set when a clerk replaced the computed amount (the tax office's assessment is final).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
    /// The figures as shown, formatted in Rust.
    #[serde(default)]
    pub display: crate::display::LineDisplay,
}

/// A clerk's replacement of one line's amount: who, when, why, and what was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Override {
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub computed: Decimal,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// A requested override: the line's code, the amount to print, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LineOverride {
    pub code: String,
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Quote {
    pub region: String,
    /// Which rules were used: the region code and a fingerprint of its resolved rule file.
    pub rules_version: String,
    pub contract_date: NaiveDate,
    pub items: Vec<QuoteItem>,
    /// The sum of the items' amounts.
    #[serde(with = "crate::quoted")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total: Decimal,
    /// The total as shown ("19,658.97").
    #[serde(default)]
    pub total_display: String,
    pub total_in_capitals: String,
}

fn no_rule(region: &RegionFile, parameter: &str, date: NaiveDate, earliest: Option<NaiveDate>) -> FeeError {
    FeeError::NoRuleInForce {
        region: region.name.clone(),
        parameter: parameter.to_string(),
        date,
        earliest: earliest.map(|d| d.to_string()).unwrap_or_else(|| "（无）".into()),
    }
}

pub(crate) fn need<'a, T: Dated>(region: &RegionFile, versions: &'a [T], parameter: &str, date: NaiveDate) -> Result<&'a T, FeeError> {
    in_force(versions, date).ok_or_else(|| no_rule(region, parameter, date, versions.first().map(|v| v.from())))
}

fn check_request(r: &QuoteRequest) -> Result<(), FeeError> {
    let positive = |field: &str, label: &str, v: Decimal| {
        if v <= Decimal::ZERO {
            Err(FeeError::invalid(field, format!("{label}必须大于 0")))
        } else if v.normalize().scale() > 2 {
            Err(FeeError::invalid(field, format!("{label}最多保留两位小数")))
        } else {
            Ok(())
        }
    };
    positive("gross_area", "建筑面积", r.gross_area)?;
    positive("price", "合同总价", r.price)?;
    // Bounds far above any real sale keep every product well inside Decimal's range.
    if r.gross_area > Decimal::new(1_000_000, 0) {
        return Err(FeeError::invalid("gross_area", "建筑面积超出合理范围（≤ 1,000,000㎡）"));
    }
    if r.price > Decimal::new(1_000_000_000_000, 0) {
        return Err(FeeError::invalid("price", "合同总价超出合理范围（≤ 1 万亿元）"));
    }
    if let Some(v) = r.vat_rate {
        if v < Decimal::ZERO || v >= Decimal::ONE {
            return Err(FeeError::invalid("vat_rate", "增值税税率应在 0 与 1 之间（如 0.09）"));
        }
    }
    if r.certificates == 0 || r.certificates > 20 {
        return Err(FeeError::invalid("certificates", "证书本数应在 1–20 之间"));
    }
    if r.homes_owned > 99 {
        return Err(FeeError::invalid("homes_owned", "家庭已有住房套数不合理"));
    }
    if let Some(f) = r.maintenance_fund {
        match (f.per_m2, f.rate) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(FeeError::invalid(
                    "maintenance_fund",
                    "维修资金标准请二选一：per_m2（元/㎡）或 rate（房价比例）",
                ));
            }
            (Some(p), None) if p < Decimal::ZERO || p > Decimal::new(100_000, 0) => {
                return Err(FeeError::invalid(
                    "maintenance_fund.per_m2",
                    "维修资金标准应在 0–100,000 元/㎡ 之间",
                ));
            }
            (None, Some(x)) if x < Decimal::ZERO || x > Decimal::ONE => {
                return Err(FeeError::invalid("maintenance_fund.rate", "维修资金比例应在 0 与 1 之间"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The rate for an area from a bracket table (upper bounds inclusive), with its step bound.
fn bracket_rate(b: &Brackets, area: Decimal) -> Option<(Decimal, String)> {
    for s in &b.brackets {
        match s.up_to {
            Some(limit) if area <= limit => return Some((s.rate, format!("≤ {}㎡", limit.normalize()))),
            Some(_) => {}
            None => {
                let prev = b
                    .brackets
                    .iter()
                    .rev()
                    .find_map(|x| x.up_to)
                    .map(|l| format!("> {}㎡", l.normalize()))
                    .unwrap_or_default();
                return Some((s.rate, prev));
            }
        }
    }
    None
}

/// Compute a quote with the shipped rules or any [`RuleBook`].
///
/// Errors: `Invalid` (field named), `UnknownRegion`, `NoRuleInForce` (a date before the region's
/// rules), `MaintenanceFundStandardRequired` (the region publishes none and none was entered).
pub fn quote(book: &RuleBook, r: &QuoteRequest) -> Result<Quote, FeeError> {
    check_request(r)?;
    let region = book.region(&r.region)?;
    let date = r.contract_date;
    let area = r.gross_area;
    let (without, vat_rate, vat_source) = without_vat(region, r, date)?;
    let base = round_fen(without);
    let code = region.region.as_str();
    let vat_note = if vat_rate.is_zero() {
        "合同价不含增值税".to_string()
    } else {
        format!(
            "不含增值税计税价 = 合同总价 ÷ (1 + {})（{}）",
            percent(vat_rate),
            r.vat_method.label()
        )
    };
    let mut items = Vec::with_capacity(6);

    // 1. Deed tax.
    let provincial = need(region, &region.deed_tax_rate, "契税适用税率", date)?;
    let individual_home = r.buyer_type == BuyerType::Individual && r.property_type.is_residential();
    let (rate, source, why) = if individual_home && r.homes_owned <= 1 {
        let (param, list, label) = if r.homes_owned == 0 {
            ("家庭首套住房契税", &region.deed_tax_first_home, "家庭首套")
        } else {
            ("家庭第二套住房契税", &region.deed_tax_second_home, "家庭第二套")
        };
        let b = need(region, list, param, date)?;
        if b.provincial {
            (
                provincial.value.0,
                b.source.clone(),
                format!("{label}，本地不适用第二套优惠，按适用税率 {}", percent(provincial.value.0)),
            )
        } else {
            let (rate, bound) = bracket_rate(b, area).ok_or_else(|| no_rule(region, param, date, None))?;
            (
                rate,
                b.source.clone(),
                format!("{label}，建筑面积 {area}㎡ {bound}，税率 {}", percent(rate)),
            )
        }
    } else {
        let who = if r.buyer_type == BuyerType::Company {
            "单位购买".to_string()
        } else if !r.property_type.is_residential() {
            format!("非住宅（{}）", r.property_type.label())
        } else {
            format!("家庭第 {} 套及以上", r.homes_owned + 1)
        };
        (
            provincial.value.0,
            provincial.source.clone(),
            format!("{who}，按适用税率 {}", percent(provincial.value.0)),
        )
    };
    items.push(QuoteItem {
        code: "deed_tax".into(),
        name: "契税".into(),
        base: Some(base),
        rate: Some(rate),
        unit_amount: None,
        amount: round_fen(product(code, "契税税率", base, rate)?),
        explanation: format!("{why}；{vat_note}"),
        source: format!("{source}；增值税：{vat_source}"),
        exempt: false,
        overridden: None,
        display: Default::default(),
    });

    // 2. Stamp duty.
    let stamp = need(region, &region.stamp_duty_rate, "印花税税率", date)?;
    let exempt = in_force(&region.stamp_duty_individual_housing_exempt, date).filter(|v| v.value);
    items.push(match exempt {
        Some(e) if individual_home => QuoteItem {
            code: "stamp_duty".into(),
            name: "印花税".into(),
            base: Some(base),
            rate: Some(Decimal::ZERO),
            unit_amount: None,
            amount: round_fen(Decimal::ZERO),
            explanation: "个人购买住房，免征印花税".into(),
            source: e.source.clone(),
            exempt: true,
            overridden: None,
            display: Default::default(),
        },
        _ => QuoteItem {
            code: "stamp_duty".into(),
            name: "印花税".into(),
            base: Some(base),
            rate: Some(stamp.value.0),
            unit_amount: None,
            amount: round_fen(product(code, "印花税税率", base, stamp.value.0)?),
            explanation: format!("产权转移书据，按不含增值税价款的 {}", percent(stamp.value.0)),
            source: stamp.source.clone(),
            exempt: false,
            overridden: None,
            display: Default::default(),
        },
    });

    // 3. Registration fee, per case.
    let non_residential_case = matches!(r.property_type, PropertyType::Commercial | PropertyType::Office);
    let reg = if non_residential_case {
        need(region, &region.registration_fee_non_residential, "非住宅登记费", date)?
    } else {
        need(region, &region.registration_fee_residential, "住宅登记费", date)?
    };
    let reg_why = match r.property_type {
        PropertyType::Parking | PropertyType::Storage => format!("{}单独登记，按住宅类每件收取", r.property_type.label()),
        p if p.is_residential() => "住宅类不动产登记，每件收取（按件，不按面积或价格）".into(),
        _ => "非住宅类不动产登记，每件收取（按件，不按面积或价格）".into(),
    };
    items.push(QuoteItem {
        code: "registration_fee".into(),
        name: "不动产登记费".into(),
        base: Some(Decimal::ONE),
        rate: None,
        unit_amount: Some(round_fen(reg.value.0)),
        amount: round_fen(reg.value.0),
        explanation: reg_why,
        source: reg.source.clone(),
        exempt: false,
        overridden: None,
        display: Default::default(),
    });

    // 4. Certificate fee: the first certificate is included.
    let cert = need(region, &region.certificate_fee_additional, "证书工本费", date)?;
    let extra = Decimal::from(r.certificates - 1);
    items.push(QuoteItem {
        code: "certificate_fee".into(),
        name: "证书工本费".into(),
        base: Some(extra),
        rate: None,
        unit_amount: Some(round_fen(cert.value.0)),
        amount: round_fen(product(code, "证书工本费", extra, cert.value.0)?),
        explanation: if r.certificates == 1 {
            "发放 1 本证书，首本已含在登记费中".into()
        } else {
            format!(
                "发放 {} 本证书，首本已含，另加 {} 本 × {} 元",
                r.certificates,
                r.certificates - 1,
                cert.value.0.normalize()
            )
        },
        source: cert.source.clone(),
        exempt: r.certificates == 1,
        overridden: None,
        display: Default::default(),
    });

    // 5. Maintenance fund.
    items.push(maintenance_fund(region, r, date)?);

    // 6. Transaction fee.
    items.push(match in_force(&region.transaction_fee, date) {
        Some(t) if r.property_type.is_residential() && t.residential_per_m2.is_some() => {
            let per = t.residential_per_m2.unwrap_or_default();
            QuoteItem {
                code: "transaction_fee".into(),
                name: "交易手续费".into(),
                base: Some(area),
                rate: None,
                unit_amount: Some(per),
                amount: round_fen(product(code, "交易手续费", area, per)?),
                explanation: format!("住宅，建筑面积 {area}㎡ × {} 元/㎡", per.normalize()),
                source: t.source.clone(),
                exempt: false,
                overridden: None,
                display: Default::default(),
            }
        }
        Some(t) if !r.property_type.is_residential() && t.non_residential_rate.is_some() => {
            let rate = t.non_residential_rate.unwrap_or_default();
            QuoteItem {
                code: "transaction_fee".into(),
                name: "交易手续费".into(),
                base: Some(r.price),
                rate: Some(rate),
                unit_amount: None,
                amount: round_fen(product(code, "交易手续费", r.price, rate)?),
                explanation: format!("非住宅，按成交价的 {}", percent(rate)),
                source: t.source.clone(),
                exempt: false,
                overridden: None,
                display: Default::default(),
            }
        }
        _ => QuoteItem {
            code: "transaction_fee".into(),
            name: "交易手续费".into(),
            base: None,
            rate: None,
            unit_amount: None,
            amount: round_fen(Decimal::ZERO),
            explanation: format!("{}未规定向买受人收取交易手续费", region.name),
            source: "计价格〔2002〕121号（各地自定，多数城市已不向买受人收取）".into(),
            exempt: true,
            overridden: None,
            display: Default::default(),
        },
    });

    let total = checked_sum(code, "合计", items.iter().map(|i| i.amount))?;
    let total_in_capitals = capitals::write(total).ok_or_else(|| FeeError::invalid("price", "金额过大"))?;
    Ok(Quote {
        region: r.region.clone(),
        rules_version: book.version(&r.region)?,
        contract_date: date,
        items,
        total,
        total_display: String::new(),
        total_in_capitals,
    }
    .with_display())
}

/// Replace line amounts with a clerk's figures. Each needs a reason; the computed amount, who and
/// when are kept on the line, and the total (and its capitals) are the sum of the printed lines.
///
/// Errors: `Invalid` naming `overrides[i].code` (no such line), `.amount` (negative or more than
/// two places) or `.reason` (empty).
pub fn apply_overrides(mut q: Quote, overrides: &[LineOverride], by: &str, at: &str) -> Result<Quote, FeeError> {
    for (i, o) in overrides.iter().enumerate() {
        let field = |f: &str| format!("overrides[{i}].{f}");
        if o.reason.trim().is_empty() {
            return Err(FeeError::invalid(field("reason"), "修改金额须填写原因（如：以税务机关核定为准）"));
        }
        if o.amount < Decimal::ZERO || o.amount.normalize().scale() > 2 {
            return Err(FeeError::invalid(field("amount"), "金额不能为负，最多两位小数"));
        }
        if o.amount > capitals::max_amount() {
            return Err(FeeError::invalid(field("amount"), "金额过大"));
        }
        let item = q
            .items
            .iter_mut()
            .find(|x| x.code == o.code)
            .ok_or_else(|| FeeError::invalid(field("code"), format!("没有名为 {} 的收费项目", o.code)))?;
        let computed = item.overridden.as_ref().map(|x| x.computed).unwrap_or(item.amount);
        item.amount = round_fen(o.amount);
        item.overridden = Some(Override {
            computed,
            reason: o.reason.trim().to_string(),
            by: by.to_string(),
            at: at.to_string(),
        });
    }
    q.total = q
        .items
        .iter()
        .try_fold(Decimal::ZERO, |sum, i| sum.checked_add(i.amount))
        .ok_or_else(|| FeeError::invalid("overrides", "金额过大"))?;
    q.total_in_capitals = capitals::write(q.total).ok_or_else(|| FeeError::invalid("overrides", "金额过大"))?;
    Ok(q.with_display())
}

fn maintenance_fund(region: &RegionFile, r: &QuoteRequest, date: NaiveDate) -> Result<QuoteItem, FeeError> {
    let area = r.gross_area;
    let times = |a: Decimal, b: Decimal| product(&region.region, "住宅专项维修资金标准", a, b);
    let item = |base: Option<Decimal>,
                rate: Option<Decimal>,
                unit: Option<Decimal>,
                amount: Decimal,
                explanation: String,
                source: String,
                exempt: bool| QuoteItem {
        code: "maintenance_fund".into(),
        name: "住宅专项维修资金".into(),
        base,
        rate,
        unit_amount: unit,
        amount: round_fen(amount),
        explanation,
        source,
        exempt,
        overridden: None,
        display: Default::default(),
    };
    const SOURCE: &str = "住宅专项维修资金管理办法（建设部 财政部令第165号）第七条";
    if matches!(r.property_type, PropertyType::Parking | PropertyType::Storage) && r.maintenance_fund.is_none() {
        return Ok(item(
            None,
            None,
            None,
            Decimal::ZERO,
            format!("{}未设维修资金标准（如当地要求，请输入标准）", r.property_type.label()),
            SOURCE.into(),
            true,
        ));
    }
    if let Some(f) = r.maintenance_fund {
        if let Some(per) = f.per_m2 {
            return Ok(item(
                Some(area),
                None,
                Some(per),
                times(area, per)?,
                format!("按输入的当地标准 {} 元/㎡ × 建筑面积 {area}㎡", per.normalize()),
                format!("{SOURCE}（当地标准由经办人输入）"),
                false,
            ));
        }
        if let Some(rate) = f.rate {
            return Ok(item(
                Some(r.price),
                Some(rate),
                None,
                times(r.price, rate)?,
                format!("按输入的当地标准，房价的 {}", percent(rate)),
                format!("{SOURCE}（当地标准由经办人输入）"),
                false,
            ));
        }
    }
    let Some(std) = in_force(&region.maintenance_fund, date) else {
        return Err(FeeError::MaintenanceFundStandardRequired {
            region: region.name.clone(),
        });
    };
    let per = if r.elevator {
        std.per_m2_with_lift
    } else {
        std.per_m2_without_lift
    };
    if let Some(per) = per {
        let lift = if r.elevator { "有电梯" } else { "无电梯" };
        return Ok(item(
            Some(area),
            None,
            Some(per),
            times(area, per)?,
            format!("{lift}，{} 元/㎡ × 建筑面积 {area}㎡", per.normalize()),
            std.source.clone(),
            false,
        ));
    }
    if let Some(rate) = std.rate_of_price {
        return Ok(item(
            Some(r.price),
            Some(rate),
            None,
            times(r.price, rate)?,
            format!("按房价的 {}", percent(rate)),
            std.source.clone(),
            false,
        ));
    }
    Err(FeeError::MaintenanceFundStandardRequired {
        region: region.name.clone(),
    })
}
