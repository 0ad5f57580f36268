//! Fee rules as data: one TOML file per region, embedded in the binary, parsed into typed Rust
//! with unknown keys refused. Each parameter is a list of versions ordered by effective date; a
//! version is in force from its `from` date until the next version's `from` (or its own `until`).
//! A city file may be `based_on` another region and override whole parameters.

use crate::FeeError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The region files shipped with the app.
pub const SHIPPED: &[(&str, &str)] = &[
    ("national", include_str!("../rules/national.toml")),
    ("beijing", include_str!("../rules/beijing.toml")),
    ("shanghai", include_str!("../rules/shanghai.toml")),
    ("guangzhou", include_str!("../rules/guangzhou.toml")),
    ("shenzhen", include_str!("../rules/shenzhen.toml")),
    ("seed-example", include_str!("../rules/seed-example.toml")),
];

/// The largest amount a rule may carry, in yuan (per case, per certificate, per m²): far above any
/// real fee, and small enough that every product with a request's area (≤ 1,000,000 m²) or price
/// (≤ 1 万亿元) stays well inside a Decimal.
pub const MAX_RULE_AMOUNT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// The largest area bound a bracket table may name, in m².
pub const MAX_BRACKET_AREA: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// One value of a parameter, dated and sourced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Value<T> {
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    pub value: T,
    /// What the value measures: `rate` (a fraction of a base), `yuan_per_case`,
    /// `yuan_per_certificate`, or `flag`.
    pub unit: String,
    pub source: String,
    pub last_checked: NaiveDate,
}

/// One step of a bracket table by gross floor area (upper bound inclusive; the last has none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default, with = "crate::quoted::option")]
    pub up_to: Option<Decimal>,
    #[serde(with = "crate::quoted")]
    pub rate: Decimal,
}

/// A deed-tax rate table by area, or "the provincial rate applies" (the four cities' 2016 rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brackets {
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub brackets: Vec<Step>,
    #[serde(default)]
    pub provincial: bool,
    pub source: String,
    pub last_checked: NaiveDate,
}

/// A maintenance-fund standard: yuan per m² by lift, or a share of the price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundStandard {
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default, with = "crate::quoted::option")]
    pub per_m2_with_lift: Option<Decimal>,
    #[serde(default, with = "crate::quoted::option")]
    pub per_m2_without_lift: Option<Decimal>,
    #[serde(default, with = "crate::quoted::option")]
    pub rate_of_price: Option<Decimal>,
    pub source: String,
    pub last_checked: NaiveDate,
}

/// A transaction service fee charged to the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionFee {
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default, with = "crate::quoted::option")]
    pub residential_per_m2: Option<Decimal>,
    #[serde(default, with = "crate::quoted::option")]
    pub non_residential_rate: Option<Decimal>,
    pub source: String,
    pub last_checked: NaiveDate,
}

/// Decimal values are quoted strings in the files.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Dec(#[serde(with = "crate::quoted")] pub Decimal);

/// A region file as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub based_on: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deed_tax_rate: Vec<Value<Dec>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deed_tax_first_home: Vec<Brackets>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deed_tax_second_home: Vec<Brackets>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stamp_duty_rate: Vec<Value<Dec>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stamp_duty_individual_housing_exempt: Vec<Value<bool>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registration_fee_residential: Vec<Value<Dec>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registration_fee_non_residential: Vec<Value<Dec>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_fee_additional: Vec<Value<Dec>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintenance_fund: Vec<FundStandard>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transaction_fee: Vec<TransactionFee>,
    /// VAT on a developer's sale of real estate, general method (一般计税): the deed-tax and
    /// stamp-duty bases exclude it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat_general_rate: Vec<Value<Dec>>,
    /// VAT, simplified method (简易计税, projects begun before 2016-05-01).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat_simplified_rate: Vec<Value<Dec>>,
}

/// Anything with an effective period and a source.
pub trait Dated {
    fn from(&self) -> NaiveDate;
    fn until(&self) -> Option<NaiveDate>;
    fn source(&self) -> &str;
    fn last_checked(&self) -> NaiveDate;
}

macro_rules! dated {
    ($($t:ty),+) => {$(
        impl Dated for $t {
            fn from(&self) -> NaiveDate { self.from }
            fn until(&self) -> Option<NaiveDate> { self.until }
            fn source(&self) -> &str { &self.source }
            fn last_checked(&self) -> NaiveDate { self.last_checked }
        }
    )+};
}
dated!(Value<Dec>, Value<bool>, Brackets, FundStandard, TransactionFee);

/// The version of a parameter in force on `date`, if any.
pub fn in_force<T: Dated>(versions: &[T], date: NaiveDate) -> Option<&T> {
    let v = versions.iter().rev().find(|v| v.from() <= date)?;
    match v.until() {
        Some(u) if date > u => None,
        _ => Some(v),
    }
}

/// A version's (from, until, source, last checked), for the checks.
type Period = (NaiveDate, Option<NaiveDate>, String, NaiveDate);

/// A problem found by [`RegionFile::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RuleFinding"))]
pub struct Finding {
    pub region: String,
    pub parameter: String,
    /// `error` (the file is wrong) or `stale` (not re-checked for more than a year).
    pub severity: &'static str,
    pub message: String,
}

impl RegionFile {
    /// Parse one file, refusing unknown keys.
    ///
    /// Errors: `RuleFile` naming the file and TOML's own line/column message.
    pub fn parse(name: &str, text: &str) -> Result<RegionFile, FeeError> {
        toml::from_str(text).map_err(|e| FeeError::RuleFile {
            file: name.to_string(),
            message: e.to_string(),
        })
    }

    /// The names of every parameter a region file may carry, in the file's order.
    pub fn parameter_keys() -> Vec<&'static str> {
        RegionFile::default().parameters().into_iter().map(|(k, _)| k).collect()
    }

    /// Each parameter as (name, versions' (from, until, source, last_checked)).
    fn parameters(&self) -> Vec<(&'static str, Vec<Period>)> {
        fn list<T: Dated>(v: &[T]) -> Vec<Period> {
            v.iter()
                .map(|x| (x.from(), x.until(), x.source().to_string(), x.last_checked()))
                .collect()
        }
        vec![
            ("deed_tax_rate", list(&self.deed_tax_rate)),
            ("deed_tax_first_home", list(&self.deed_tax_first_home)),
            ("deed_tax_second_home", list(&self.deed_tax_second_home)),
            ("stamp_duty_rate", list(&self.stamp_duty_rate)),
            (
                "stamp_duty_individual_housing_exempt",
                list(&self.stamp_duty_individual_housing_exempt),
            ),
            ("registration_fee_residential", list(&self.registration_fee_residential)),
            ("registration_fee_non_residential", list(&self.registration_fee_non_residential)),
            ("certificate_fee_additional", list(&self.certificate_fee_additional)),
            ("maintenance_fund", list(&self.maintenance_fund)),
            ("transaction_fee", list(&self.transaction_fee)),
            ("vat_general_rate", list(&self.vat_general_rate)),
            ("vat_simplified_rate", list(&self.vat_simplified_rate)),
        ]
    }

    /// Check a file: dates strictly increasing, `until` only on the last version and after its
    /// `from`, every version sourced, bracket tables ascending with one open last step, rates
    /// within [0, 1], and values not re-checked for more than a year on `today` flagged as stale.
    pub fn check(&self, today: NaiveDate) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut finding = |parameter: &str, severity: &'static str, message: String| {
            out.push(Finding {
                region: self.region.clone(),
                parameter: parameter.to_string(),
                severity,
                message,
            })
        };
        for (name, versions) in self.parameters() {
            for (i, (from, until, source, checked)) in versions.iter().enumerate() {
                if source.trim().is_empty() {
                    finding(name, "error", format!("{from} 起的版本缺少法律依据（source）"));
                }
                if let Some(next) = versions.get(i + 1) {
                    if next.0 <= *from {
                        finding(name, "error", format!("生效日期未按顺序排列或重叠：{from} 之后是 {}", next.0));
                    }
                    if until.is_some() {
                        finding(
                            name,
                            "error",
                            format!("{from} 起的版本设置了 until，但后面还有版本（会留下空档或重叠）"),
                        );
                    }
                }
                if let Some(u) = until {
                    if u < from {
                        finding(name, "error", format!("{from} 起的版本 until {u} 早于生效日期"));
                    }
                }
                if *checked > today {
                    finding(name, "error", format!("{from} 起的版本 last_checked {checked} 晚于今天"));
                } else if (today - *checked).num_days() > 365 {
                    finding(name, "stale", format!("{from} 起的版本已超过一年未核对（最近核对 {checked}）"));
                }
            }
        }
        let rate_ok = |d: Decimal| d >= Decimal::ZERO && d <= Decimal::ONE;
        for (name, list) in [
            ("deed_tax_first_home", &self.deed_tax_first_home),
            ("deed_tax_second_home", &self.deed_tax_second_home),
        ] {
            for b in list {
                if b.provincial != b.brackets.is_empty() {
                    finding(name, "error", format!("{} 起的版本须二选一：brackets 或 provincial = true", b.from));
                }
                let n = b.brackets.len();
                for (i, s) in b.brackets.iter().enumerate() {
                    if !rate_ok(s.rate) {
                        finding(name, "error", format!("{} 起的版本税率 {} 不在 0–1 之间", b.from, s.rate));
                    }
                    match (s.up_to, i + 1 == n) {
                        (Some(_), true) => finding(name, "error", format!("{} 起的版本最后一档不应有 up_to", b.from)),
                        (None, false) => finding(name, "error", format!("{} 起的版本只有最后一档可以没有 up_to", b.from)),
                        _ => {}
                    }
                    if let (Some(a), Some(Some(c))) = (s.up_to, b.brackets.get(i + 1).map(|x| x.up_to)) {
                        if c <= a {
                            finding(name, "error", format!("{} 起的版本面积分档未递增", b.from));
                        }
                    }
                }
            }
        }
        let units: [(&str, Vec<&str>, &str); 8] = [
            (
                "vat_general_rate",
                self.vat_general_rate.iter().map(|v| v.unit.as_str()).collect(),
                "rate",
            ),
            (
                "vat_simplified_rate",
                self.vat_simplified_rate.iter().map(|v| v.unit.as_str()).collect(),
                "rate",
            ),
            (
                "deed_tax_rate",
                self.deed_tax_rate.iter().map(|v| v.unit.as_str()).collect(),
                "rate",
            ),
            (
                "stamp_duty_rate",
                self.stamp_duty_rate.iter().map(|v| v.unit.as_str()).collect(),
                "rate",
            ),
            (
                "stamp_duty_individual_housing_exempt",
                self.stamp_duty_individual_housing_exempt.iter().map(|v| v.unit.as_str()).collect(),
                "flag",
            ),
            (
                "registration_fee_residential",
                self.registration_fee_residential.iter().map(|v| v.unit.as_str()).collect(),
                "yuan_per_case",
            ),
            (
                "registration_fee_non_residential",
                self.registration_fee_non_residential.iter().map(|v| v.unit.as_str()).collect(),
                "yuan_per_case",
            ),
            (
                "certificate_fee_additional",
                self.certificate_fee_additional.iter().map(|v| v.unit.as_str()).collect(),
                "yuan_per_certificate",
            ),
        ];
        for (name, found, want) in units {
            if let Some(bad) = found.iter().find(|u| **u != want) {
                finding(name, "error", format!("单位应为 {want}，文件中为 {bad}"));
            }
        }
        for v in self
            .deed_tax_rate
            .iter()
            .chain(&self.stamp_duty_rate)
            .chain(&self.vat_general_rate)
            .chain(&self.vat_simplified_rate)
        {
            if !rate_ok(v.value.0) {
                finding("rate", "error", format!("{} 起的税率 {} 不在 0–1 之间", v.from, v.value.0));
            }
        }
        for f in &self.maintenance_fund {
            if f.per_m2_with_lift.is_none() && f.per_m2_without_lift.is_none() && f.rate_of_price.is_none() {
                finding("maintenance_fund", "error", format!("{} 起的版本没有任何标准", f.from));
            }
        }
        // Amounts and the rates of the compound standards, each within its range, so that no
        // product of a quote can overflow.
        let amount_ok = |d: Decimal| d >= Decimal::ZERO && d <= MAX_RULE_AMOUNT;
        let max = crate::display::money(MAX_RULE_AMOUNT);
        for (name, list) in [
            ("registration_fee_residential", &self.registration_fee_residential),
            ("registration_fee_non_residential", &self.registration_fee_non_residential),
            ("certificate_fee_additional", &self.certificate_fee_additional),
        ] {
            for v in list.iter().filter(|v| !amount_ok(v.value.0)) {
                finding(name, "error", format!("{} 起的金额 {} 不在 0–{max} 元之间", v.from, v.value.0));
            }
        }
        let mut values: Vec<(&str, NaiveDate, &str, Decimal, bool)> = Vec::new();
        for f in &self.maintenance_fund {
            values.extend(
                f.per_m2_with_lift
                    .map(|v| ("maintenance_fund", f.from, "per_m2_with_lift", v, false)),
            );
            values.extend(
                f.per_m2_without_lift
                    .map(|v| ("maintenance_fund", f.from, "per_m2_without_lift", v, false)),
            );
            values.extend(f.rate_of_price.map(|v| ("maintenance_fund", f.from, "rate_of_price", v, true)));
        }
        for t in &self.transaction_fee {
            values.extend(
                t.residential_per_m2
                    .map(|v| ("transaction_fee", t.from, "residential_per_m2", v, false)),
            );
            values.extend(
                t.non_residential_rate
                    .map(|v| ("transaction_fee", t.from, "non_residential_rate", v, true)),
            );
        }
        for (name, from, key, v, is_rate) in values {
            if is_rate && !rate_ok(v) {
                finding(name, "error", format!("{from} 起的版本 {key} {v} 不在 0–1 之间"));
            } else if !is_rate && !amount_ok(v) {
                finding(name, "error", format!("{from} 起的版本 {key} {v} 不在 0–{max} 元/㎡ 之间"));
            }
        }
        for (name, list) in [
            ("deed_tax_first_home", &self.deed_tax_first_home),
            ("deed_tax_second_home", &self.deed_tax_second_home),
        ] {
            for b in list {
                for up_to in b.brackets.iter().filter_map(|s| s.up_to) {
                    if up_to <= Decimal::ZERO || up_to > MAX_BRACKET_AREA {
                        finding(
                            name,
                            "error",
                            format!("{} 起的版本面积分档 {up_to}㎡ 不在 0–{} ㎡ 之间", b.from, MAX_BRACKET_AREA),
                        );
                    }
                }
            }
        }
        out
    }
}

mod edit;
pub use edit::{StepInput, VersionInput, PARAMETERS};

/// All regions, with `based_on` resolved.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    regions: BTreeMap<String, RegionFile>,
    raw: BTreeMap<String, RegionFile>,
    versions: BTreeMap<String, String>,
}

/// `code@` + FNV-1a 64 of the resolved file as JSON (stable across builds, unlike std's hasher).
fn fingerprint(code: &str, r: &RegionFile) -> Result<String, FeeError> {
    let text = serde_json::to_string(r).map_err(|e| FeeError::RuleFile {
        file: code.into(),
        message: e.to_string(),
    })?;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Ok(format!("{code}@{h:016x}"))
}

impl RuleBook {
    /// The shipped rule files, parsed once.
    ///
    /// Errors: a shipped file that does not parse (a bug caught by the rule-file test).
    pub fn shipped() -> Result<RuleBook, FeeError> {
        let files = SHIPPED
            .iter()
            .map(|(n, t)| RegionFile::parse(n, t))
            .collect::<Result<Vec<_>, _>>()?;
        RuleBook::from_files(files)
    }

    /// Resolve `based_on` (one level of inheritance per file, chains allowed, no cycles).
    pub fn from_files(files: Vec<RegionFile>) -> Result<RuleBook, FeeError> {
        let raw: BTreeMap<String, RegionFile> = files.into_iter().map(|f| (f.region.clone(), f)).collect();
        let mut regions = BTreeMap::new();
        for name in raw.keys() {
            regions.insert(name.clone(), resolve(&raw, name, 0)?);
        }
        let versions = regions
            .iter()
            .map(|(k, v)| Ok((k.clone(), fingerprint(k, v)?)))
            .collect::<Result<_, FeeError>>()?;
        Ok(RuleBook { regions, raw, versions })
    }

    pub fn region(&self, code: &str) -> Result<&RegionFile, FeeError> {
        self.regions.get(code).ok_or_else(|| FeeError::UnknownRegion {
            region: code.to_string(),
            known: self.codes().join(", "),
        })
    }

    /// `region@fingerprint`: changes whenever any value the region resolves to changes, so a saved
    /// quote records exactly which rules produced it.
    pub fn version(&self, code: &str) -> Result<String, FeeError> {
        self.region(code)?;
        Ok(self.versions.get(code).cloned().unwrap_or_default())
    }

    /// Replace or add regions (edited files), resolving `based_on` again.
    ///
    /// Errors: as [`RuleBook::from_files`].
    pub fn with_files(&self, files: Vec<RegionFile>) -> Result<RuleBook, FeeError> {
        let mut raw: BTreeMap<String, RegionFile> = self.raw.clone();
        for f in files {
            raw.insert(f.region.clone(), f);
        }
        RuleBook::from_files(raw.into_values().collect())
    }

    /// The region as written (before `based_on` is resolved), for editing.
    pub fn raw(&self, code: &str) -> Option<&RegionFile> {
        self.raw.get(code)
    }

    pub fn codes(&self) -> Vec<String> {
        self.regions.keys().cloned().collect()
    }

    pub fn regions(&self) -> impl Iterator<Item = &RegionFile> {
        self.regions.values()
    }
}

fn resolve(raw: &BTreeMap<String, RegionFile>, name: &str, depth: usize) -> Result<RegionFile, FeeError> {
    let f = raw.get(name).ok_or_else(|| FeeError::UnknownRegion {
        region: name.to_string(),
        known: raw.keys().cloned().collect::<Vec<_>>().join(", "),
    })?;
    let Some(base_name) = &f.based_on else { return Ok(f.clone()) };
    if depth > 8 {
        return Err(FeeError::RuleFile {
            file: name.to_string(),
            message: "based_on 形成循环".into(),
        });
    }
    let base = resolve(raw, base_name, depth + 1)?;
    macro_rules! pick {
        ($($field:ident),+) => { RegionFile {
            region: f.region.clone(),
            name: f.name.clone(),
            based_on: f.based_on.clone(),
            $($field: if f.$field.is_empty() { base.$field.clone() } else { f.$field.clone() },)+
        } };
    }
    Ok(pick!(
        deed_tax_rate,
        deed_tax_first_home,
        deed_tax_second_home,
        stamp_duty_rate,
        stamp_duty_individual_housing_exempt,
        registration_fee_residential,
        registration_fee_non_residential,
        certificate_fee_additional,
        maintenance_fund,
        transaction_fee,
        vat_general_rate,
        vat_simplified_rate
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn every_shipped_file_parses_and_passes_the_checks() {
        for (name, text) in SHIPPED {
            let f = RegionFile::parse(name, text).expect("parses");
            assert_eq!(&f.region, name, "file name and region code agree");
            let findings = f.check(today());
            assert!(findings.is_empty(), "{name}: {findings:?}");
        }
        let book = RuleBook::shipped().expect("book");
        assert_eq!(book.codes().len(), 6);
        let bj = book.region("beijing").expect("beijing");
        assert_eq!(bj.stamp_duty_rate, book.region("national").expect("n").stamp_duty_rate, "inherited");
        assert!(bj.deed_tax_second_home[0].provincial, "overridden");
    }

    #[test]
    fn unknown_keys_and_bad_files_are_refused() {
        let e = RegionFile::parse("x", "region = \"x\"\nname = \"X\"\nmystery = 1\n").expect_err("unknown key");
        assert!(e.to_string().contains("mystery"), "{e}");
        let e = RegionFile::parse("x", "region = \"x\"\nname = \"X\"\n[[deed_tax_rate]]\nfrom = \"2020-01-01\"\nvalue = 0.03\nunit = \"rate\"\nsource = \"s\"\nlast_checked = \"2026-01-01\"\n")
            .expect_err("unquoted decimal");
        assert!(matches!(e, FeeError::RuleFile { .. }));
    }

    #[test]
    fn checks_find_overlaps_missing_sources_and_stale_values() {
        let text = r#"
region = "x"
name = "X"
[[deed_tax_rate]]
from = "2020-01-01"
value = "0.03"
unit = "rate"
source = "A"
last_checked = "2024-01-01"
[[deed_tax_rate]]
from = "2019-01-01"
value = "0.04"
unit = "yuan_per_case"
source = " "
last_checked = "2026-11-01"
[[deed_tax_first_home]]
from = "2020-01-01"
brackets = [{ up_to = "140", rate = "0.01" }, { up_to = "90", rate = "0.015" }]
source = "B"
last_checked = "2026-11-01"
"#;
        let f = RegionFile::parse("x", text).expect("parses");
        let found = f.check(today());
        let has = |s: &str| found.iter().any(|x| x.message.contains(s));
        assert!(has("未按顺序"), "{found:?}");
        assert!(has("缺少法律依据"), "{found:?}");
        assert!(found.iter().any(|x| x.severity == "stale"), "{found:?}");
        assert!(has("最后一档不应有 up_to"), "{found:?}");
        assert!(has("单位应为 rate"), "{found:?}");
    }

    #[test]
    fn a_new_version_is_appended_and_history_kept() {
        let mut f = RegionFile::parse("seed-example", SHIPPED[5].1).expect("seed");
        let input = |from: &str| VersionInput {
            parameter: "maintenance_fund".into(),
            from: NaiveDate::parse_from_str(from, "%Y-%m-%d").expect("date"),
            source: "某市住建局公告".into(),
            last_checked: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            value: None,
            brackets: vec![],
            provincial: false,
            per_m2_with_lift: Some("80.00".into()),
            per_m2_without_lift: Some("40.00".into()),
            rate_of_price: None,
            residential_per_m2: None,
            non_residential_rate: None,
        };
        assert_eq!(
            f.add_version(&input("2015-06-01")).expect_err("before the current version").field(),
            Some("from")
        );
        f.add_version(&input("2026-12-01")).expect("appended");
        assert_eq!(f.maintenance_fund.len(), 2);
        assert_eq!(
            f.maintenance_fund[0].per_m2_with_lift,
            Some(Decimal::new(6500, 2)),
            "old version untouched"
        );
        let text = f.to_toml().expect("toml");
        let back = RegionFile::parse("seed-example", &text).expect("round trip");
        assert_eq!(back, f);
        assert!(back.check(today()).is_empty());
        let book = RuleBook::shipped().expect("book").with_files(vec![back]).expect("book");
        let r = book.region("seed-example").expect("r");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            in_force(&r.maintenance_fund, d("2026-11-30")).expect("old").per_m2_with_lift,
            Some(Decimal::new(6500, 2))
        );
        assert_eq!(
            in_force(&r.maintenance_fund, d("2026-12-01")).expect("new").per_m2_with_lift,
            Some(Decimal::new(8000, 2))
        );
        let mut bad = input("2027-01-01");
        bad.source = " ".into();
        assert_eq!(f.add_version(&bad).expect_err("no source").field(), Some("source"));
    }

    #[test]
    fn in_force_picks_the_version_by_date() {
        let book = RuleBook::shipped().expect("book");
        let n = book.region("national").expect("n");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            in_force(&n.deed_tax_first_home, d("2024-11-30")).expect("v").brackets[0].up_to,
            Some(Decimal::from(90))
        );
        assert_eq!(
            in_force(&n.deed_tax_first_home, d("2024-12-01")).expect("v").brackets[0].up_to,
            Some(Decimal::from(140))
        );
        assert!(in_force(&n.deed_tax_first_home, d("2016-02-21")).is_none());
    }
}
