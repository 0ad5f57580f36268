//! Editing on the rule form: a new dated version of one parameter, appended to a region file
//! (history is never rewritten), and the file written back as TOML.

use super::*;

/// One step of a bracket table as entered on the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepInput {
    pub up_to: Option<String>,
    pub rate: String,
}

/// A new dated version of one parameter, as finance enters it on the rule form. Only the fields
/// the parameter uses are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionInput {
    /// `deed_tax_rate`, `deed_tax_first_home`, …, `maintenance_fund`, `transaction_fee`.
    pub parameter: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: NaiveDate,
    pub source: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_checked: NaiveDate,
    /// Single-value parameters: a decimal, or `true`/`false` for the exemption flag.
    pub value: Option<String>,
    pub brackets: Vec<StepInput>,
    pub provincial: bool,
    pub per_m2_with_lift: Option<String>,
    pub per_m2_without_lift: Option<String>,
    pub rate_of_price: Option<String>,
    pub residential_per_m2: Option<String>,
    pub non_residential_rate: Option<String>,
}

/// The parameters a region file may carry, with their Chinese names (for the form).
pub const PARAMETERS: &[(&str, &str)] = &[
    ("deed_tax_rate", "契税适用税率"),
    ("deed_tax_first_home", "家庭首套住房契税（按面积分档）"),
    ("deed_tax_second_home", "家庭第二套住房契税（按面积分档）"),
    ("stamp_duty_rate", "印花税税率"),
    ("stamp_duty_individual_housing_exempt", "个人买卖住房免征印花税"),
    ("registration_fee_residential", "住宅登记费（元/件）"),
    ("registration_fee_non_residential", "非住宅登记费（元/件）"),
    ("certificate_fee_additional", "每增加一本证书工本费（元）"),
    ("maintenance_fund", "住宅专项维修资金标准"),
    ("transaction_fee", "交易手续费"),
    ("vat_general_rate", "增值税税率（一般计税）"),
    ("vat_simplified_rate", "增值税征收率（简易计税）"),
];

fn dec(field: &str, v: &Option<String>) -> Result<Option<Decimal>, FeeError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        // Full-width digits and punctuation (an input method in full-width mode) are read as ASCII.
        Some(s) => domain::amount::parse_decimal(field, "", s)
            .map(Some)
            .map_err(|e| FeeError::invalid(field, e.message)),
    }
}

fn need_dec(field: &str, v: &Option<String>) -> Result<Decimal, FeeError> {
    dec(field, v)?.ok_or_else(|| FeeError::invalid(field, "请填写"))
}

impl RegionFile {
    /// Append a new version of one parameter. History is never rewritten: the new version must
    /// start after the parameter's latest version (which then ends the day before).
    ///
    /// Errors: `Invalid` naming the form field (`parameter`, `from`, `source`, `value`, `brackets`…).
    pub fn add_version(&mut self, v: &VersionInput) -> Result<(), FeeError> {
        if v.source.trim().is_empty() {
            return Err(FeeError::invalid("source", "请填写法律依据（文件名与文号）"));
        }
        let last_from = self
            .parameters()
            .into_iter()
            .find(|(n, _)| *n == v.parameter)
            .and_then(|(_, list)| list.last().map(|x| x.0));
        if let Some(last) = last_from {
            if v.from <= last {
                return Err(FeeError::invalid(
                    "from",
                    format!("新版本的生效日期须晚于现行版本的生效日期 {last}（旧版本不改动）"),
                ));
            }
        }
        let (from, until, source, last_checked) = (v.from, None, v.source.trim().to_string(), v.last_checked);
        let value = |unit: &str| -> Result<Value<Dec>, FeeError> {
            Ok(Value {
                from,
                until,
                value: Dec(need_dec("value", &v.value)?),
                unit: unit.into(),
                source: source.clone(),
                last_checked,
            })
        };
        let brackets = || -> Result<Brackets, FeeError> {
            let steps = v
                .brackets
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok(Step {
                        up_to: dec(&format!("brackets[{i}].up_to"), &s.up_to)?,
                        rate: need_dec(&format!("brackets[{i}].rate"), &Some(s.rate.clone()))?,
                    })
                })
                .collect::<Result<Vec<_>, FeeError>>()?;
            Ok(Brackets {
                from,
                until,
                brackets: if v.provincial { vec![] } else { steps },
                provincial: v.provincial,
                source: source.clone(),
                last_checked,
            })
        };
        match v.parameter.as_str() {
            "deed_tax_rate" => self.deed_tax_rate.push(value("rate")?),
            "stamp_duty_rate" => self.stamp_duty_rate.push(value("rate")?),
            "vat_general_rate" => self.vat_general_rate.push(value("rate")?),
            "vat_simplified_rate" => self.vat_simplified_rate.push(value("rate")?),
            "registration_fee_residential" => self.registration_fee_residential.push(value("yuan_per_case")?),
            "registration_fee_non_residential" => self.registration_fee_non_residential.push(value("yuan_per_case")?),
            "certificate_fee_additional" => self.certificate_fee_additional.push(value("yuan_per_certificate")?),
            "stamp_duty_individual_housing_exempt" => {
                let flag = match v.value.as_deref().map(str::trim) {
                    Some("true") => true,
                    Some("false") => false,
                    _ => return Err(FeeError::invalid("value", "请选择是否免征")),
                };
                self.stamp_duty_individual_housing_exempt.push(Value {
                    from,
                    until,
                    value: flag,
                    unit: "flag".into(),
                    source,
                    last_checked,
                })
            }
            "deed_tax_first_home" => self.deed_tax_first_home.push(brackets()?),
            "deed_tax_second_home" => self.deed_tax_second_home.push(brackets()?),
            "maintenance_fund" => self.maintenance_fund.push(FundStandard {
                from,
                until,
                per_m2_with_lift: dec("per_m2_with_lift", &v.per_m2_with_lift)?,
                per_m2_without_lift: dec("per_m2_without_lift", &v.per_m2_without_lift)?,
                rate_of_price: dec("rate_of_price", &v.rate_of_price)?,
                source,
                last_checked,
            }),
            "transaction_fee" => self.transaction_fee.push(TransactionFee {
                from,
                until,
                residential_per_m2: dec("residential_per_m2", &v.residential_per_m2)?,
                non_residential_rate: dec("non_residential_rate", &v.non_residential_rate)?,
                source,
                last_checked,
            }),
            other => return Err(FeeError::invalid("parameter", format!("未知参数 {other}"))),
        }
        Ok(())
    }

    /// The file as TOML text (for saving an edit made on the form).
    pub fn to_toml(&self) -> Result<String, FeeError> {
        toml::to_string(self).map_err(|e| FeeError::RuleFile {
            file: self.region.clone(),
            message: e.to_string(),
        })
    }
}
