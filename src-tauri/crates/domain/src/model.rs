//! The records: projects → buildings → units; buyers; purchase contracts with their parties.
//!
//! Output types (what lists and detail screens show) and input types (what forms and imports send),
//! with validation that names the offending field.

use crate::amount::positive_2dp;
use crate::{id_number, phone, AppError, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A closed set of codes stored as text, with a Chinese label for screens and spreadsheets.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code stored in the database and used across IPC.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The Chinese label shown to users.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            /// Parse a stored code.
            pub fn parse(code: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.as_str() == code) }
            /// `export const <Name>Labels = {...}` for the UI's bindings file.
            pub fn ts_labels() -> String {
                let pairs: Vec<String> = Self::ALL.iter().map(|v| format!("{}: \"{}\"", v.as_str(), v.label())).collect();
                format!("export const {}Labels: Record<{}, string> = {{ {} }};", stringify!($name), stringify!($name), pairs.join(", "))
            }
            /// Parse a code or a Chinese label (spreadsheet cells carry labels).
            pub fn parse_text(text: &str) -> Option<Self> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == t || v.label() == t)
            }
        }
    };
}

pub(crate) use code_enum;

code_enum!(
    /// 物业类型
    PropertyType {
        Residential = "residential" / "住宅",
        Commercial = "commercial" / "商业",
        Office = "office" / "办公",
        Parking = "parking" / "车位",
        Storage = "storage" / "储藏室",
    }
);

code_enum!(
    /// 房屋状态
    UnitStatus {
        Available = "available" / "未售",
        Sold = "sold" / "已售",
        Delivered = "delivered" / "已交付",
        Withheld = "withheld" / "保留",
    }
);

code_enum!(
    /// 证件类型
    IdType {
        MainlandId = "mainland_id" / "居民身份证",
        Passport = "passport" / "护照",
        HkMacaoPermit = "hk_macao_permit" / "港澳居民来往内地通行证",
        TaiwanPermit = "taiwan_permit" / "台湾居民来往大陆通行证",
        BusinessLicense = "business_license" / "统一社会信用代码",
    }
);

code_enum!(
    /// 计价方式
    PricingBasis {
        GrossArea = "gross_area" / "按建筑面积",
        InternalArea = "internal_area" / "按套内面积",
        WholeUnit = "whole_unit" / "按套",
    }
);

code_enum!(
    /// 付款方式
    PaymentMethod {
        OneOff = "one_off" / "一次性付款",
        Mortgage = "mortgage" / "按揭贷款",
        Instalments = "instalments" / "分期付款",
    }
);

code_enum!(
    /// 网签备案状态
    FilingStatus {
        NotFiled = "not_filed" / "未备案",
        Signed = "signed" / "已网签",
        Filed = "filed" / "已备案",
    }
);

code_enum!(
    /// 合同状态: only one live contract per unit.
    ContractStatus {
        Live = "live" / "有效",
        Cancelled = "cancelled" / "已解除",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Project {
    pub id: i64,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Building {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub floors: i32,
    pub has_elevator: bool,
}

/// A unit (房屋) with where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Unit {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub building_id: i64,
    pub building_name: String,
    pub number: String,
    /// How every screen and document names it ("1栋 1-101"): [`crate::unit_label::unit_label`].
    #[serde(default)]
    pub label: String,
    pub floor: i32,
    pub property_type: PropertyType,
    #[ts(type = "string")]
    pub forecast_gross_area: Decimal,
    #[ts(type = "string | null")]
    pub forecast_internal_area: Option<Decimal>,
    #[ts(type = "string | null")]
    pub surveyed_gross_area: Option<Decimal>,
    #[ts(type = "string | null")]
    pub surveyed_internal_area: Option<Decimal>,
    pub status: UnitStatus,
    /// Optimistic-concurrency version: an edit must carry the version it was made from.
    pub version: i64,
}

/// One row of the unit list: the unit plus its live contract's buyers (personal data masked
/// unless the session may see it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnitListItem {
    pub unit: Unit,
    pub contract_number: Option<String>,
    pub buyer_names: String,
    pub buyer_phones: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Buyer {
    pub id: i64,
    pub name: String,
    pub id_type: IdType,
    /// Masked (3301**********1234) unless the session may see personal data.
    pub id_number: String,
    /// Masked (138****8000) unless the session may see personal data.
    pub phone: String,
    pub address: String,
}

/// A buyer on a contract with their share (percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractParty {
    pub buyer: Buyer,
    #[ts(type = "string")]
    pub share: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Contract {
    pub id: i64,
    pub number: String,
    pub unit_id: i64,
    #[ts(type = "string")]
    pub signed_on: NaiveDate,
    #[ts(type = "string")]
    pub total_price: Decimal,
    #[ts(type = "string")]
    pub unit_price: Decimal,
    /// The prices as shown ("1,500,000.00"): [`crate::amount::grouped`].
    #[serde(default)]
    pub total_price_display: String,
    #[serde(default)]
    pub unit_price_display: String,
    pub pricing_basis: PricingBasis,
    pub payment_method: PaymentMethod,
    pub filing_status: FilingStatus,
    pub status: ContractStatus,
    /// The first party is the buyer (买受人); the others are co-owners (共有人).
    pub parties: Vec<ContractParty>,
    pub version: i64,
}

/// Everything the unit screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnitDetail {
    pub unit: Unit,
    pub contracts: Vec<Contract>,
    /// Whether the ID numbers and phones shown are complete (role) or masked.
    pub personal_data_visible: bool,
}

/// Filters and search for the unit list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct UnitQuery {
    pub project_id: Option<i64>,
    pub building_id: Option<i64>,
    pub property_type: Option<PropertyType>,
    pub status: Option<UnitStatus>,
    /// Unit number prefix, buyer name prefix, full phone, phone tail (4 digits) or ID tail (4 characters).
    pub search: Option<String>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl UnitQuery {
    pub const MAX_PAGE_SIZE: u32 = 1000;

    /// Page and size clamped to sane values.
    pub fn limits(&self) -> (i64, i64) {
        let size = self.page_size.clamp(1, Self::MAX_PAGE_SIZE);
        let size = if self.page_size == 0 { 50 } else { size };
        let page = self.page.max(1);
        (i64::from(size), i64::from(page - 1) * i64::from(size))
    }

    pub fn search_text(&self) -> Option<&str> {
        self.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Page<T: TS> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A buyer as entered on a form or read from a spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BuyerInput {
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub phone: String,
    #[serde(default)]
    pub address: String,
}

impl BuyerInput {
    /// Validate and normalise. Mainland ID numbers must pass GB 11643; others need 5–30 characters.
    ///
    /// Errors: `Invalid` with `field` one of `name`, `id_number`, `phone`, `address`.
    pub fn validate(&self, today: NaiveDate) -> Result<BuyerInput> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(AppError::invalid("name", "姓名不能为空"));
        }
        if name.chars().count() > 50 {
            return Err(AppError::invalid("name", "姓名不能超过 50 个字"));
        }
        let id_number = match self.id_type {
            IdType::MainlandId => id_number::validate("id_number", &self.id_number, today)?,
            _ => {
                let t = crate::text::fold(&self.id_number).trim().to_uppercase();
                if !(5..=30).contains(&t.chars().count()) || !t.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(AppError::invalid("id_number", "证件号码应为 5–30 位字母或数字"));
                }
                t
            }
        };
        let phone = phone::validate("phone", &self.phone)?;
        let address = self.address.trim().to_string();
        if address.chars().count() > 200 {
            return Err(AppError::invalid("address", "地址不能超过 200 个字"));
        }
        Ok(BuyerInput {
            name,
            id_type: self.id_type,
            id_number,
            phone,
            address,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PartyInput {
    pub buyer: BuyerInput,
    /// Percent, up to two decimals; all parties of a contract sum to 100.
    #[ts(type = "string")]
    #[serde(with = "rust_decimal::serde::str")]
    pub share: Decimal,
}

/// A contract as entered on the form (new when `id` is none, an edit otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractInput {
    pub number: String,
    pub unit_id: i64,
    #[ts(type = "string")]
    pub signed_on: NaiveDate,
    #[ts(type = "string")]
    #[serde(with = "rust_decimal::serde::str")]
    pub total_price: Decimal,
    #[ts(type = "string")]
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    pub pricing_basis: PricingBasis,
    pub payment_method: PaymentMethod,
    pub filing_status: FilingStatus,
    pub parties: Vec<PartyInput>,
}

impl ContractInput {
    /// Validate every field, each party, and that shares sum to exactly 100%.
    ///
    /// Errors: `Invalid` naming the field, e.g. `total_price`, `parties[1].buyer.id_number`, `parties`.
    pub fn validate(&self, today: NaiveDate) -> Result<ContractInput> {
        let number = self.number.trim().to_string();
        if number.is_empty() || number.chars().count() > 40 {
            return Err(AppError::invalid("number", "合同编号不能为空，且不超过 40 个字符"));
        }
        if self.signed_on > today {
            return Err(AppError::invalid("signed_on", "签约日期不能晚于今天"));
        }
        let total_price = positive_2dp("total_price", "合同总价", self.total_price)?;
        let unit_price = positive_2dp("unit_price", "单价", self.unit_price)?;
        if self.parties.is_empty() {
            return Err(AppError::invalid("parties", "合同至少需要一位买受人"));
        }
        let mut parties = Vec::with_capacity(self.parties.len());
        let mut sum = Decimal::ZERO;
        for (i, p) in self.parties.iter().enumerate() {
            let prefix = format!("parties[{i}]");
            let buyer = p.buyer.validate(today).map_err(|e| e.within(&format!("{prefix}.buyer")))?;
            let share = positive_2dp("share", "份额", p.share).map_err(|e| e.within(&prefix))?;
            if share > Decimal::ONE_HUNDRED {
                return Err(AppError::invalid(format!("{prefix}.share"), "份额不能超过 100%"));
            }
            if parties
                .iter()
                .any(|q: &PartyInput| q.buyer.id_type == buyer.id_type && q.buyer.id_number == buyer.id_number)
            {
                return Err(AppError::invalid(format!("{prefix}.buyer.id_number"), "同一人不能在合同中重复出现"));
            }
            sum += share;
            parties.push(PartyInput { buyer, share });
        }
        if sum != Decimal::ONE_HUNDRED {
            return Err(AppError::invalid("parties", format!("共有份额合计应为 100%，当前为 {sum}%")));
        }
        Ok(ContractInput {
            number,
            total_price,
            unit_price,
            parties,
            ..self.clone()
        })
    }
}

/// An edit of a unit's areas and status (the fields a clerk may change after import).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnitEdit {
    pub id: i64,
    pub version: i64,
    pub property_type: PropertyType,
    pub status: UnitStatus,
    #[ts(type = "string")]
    #[serde(with = "rust_decimal::serde::str")]
    pub forecast_gross_area: Decimal,
    #[ts(type = "string | null")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub forecast_internal_area: Option<Decimal>,
    #[ts(type = "string | null")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub surveyed_gross_area: Option<Decimal>,
    #[ts(type = "string | null")]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub surveyed_internal_area: Option<Decimal>,
}

impl UnitEdit {
    /// Errors: `Invalid` naming the area field that is not positive or has more than 2 decimals.
    pub fn validate(&self) -> Result<UnitEdit> {
        let opt = |field: &str, label: &str, v: Option<Decimal>| v.map(|v| positive_2dp(field, label, v)).transpose();
        Ok(UnitEdit {
            forecast_gross_area: positive_2dp("forecast_gross_area", "预测建筑面积", self.forecast_gross_area)?,
            forecast_internal_area: opt("forecast_internal_area", "预测套内面积", self.forecast_internal_area)?,
            surveyed_gross_area: opt("surveyed_gross_area", "实测建筑面积", self.surveyed_gross_area)?,
            surveyed_internal_area: opt("surveyed_internal_area", "实测套内面积", self.surveyed_internal_area)?,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }
    fn valid_id(body: &str) -> String {
        format!("{body}{}", crate::id_number::check_char(body).expect("17 digits"))
    }
    fn buyer(name: &str, id: &str) -> BuyerInput {
        BuyerInput {
            name: name.into(),
            id_type: IdType::MainlandId,
            id_number: id.into(),
            phone: "13800138000".into(),
            address: String::new(),
        }
    }
    fn contract(parties: Vec<PartyInput>) -> ContractInput {
        ContractInput {
            number: "HT-001".into(),
            unit_id: 1,
            signed_on: NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"),
            total_price: d("1500000.00"),
            unit_price: d("16759.78"),
            pricing_basis: PricingBasis::GrossArea,
            payment_method: PaymentMethod::Mortgage,
            filing_status: FilingStatus::Filed,
            parties,
        }
    }

    #[test]
    fn a_share_over_100_is_refused_before_it_is_summed() {
        // Two shares near Decimal::MAX used to overflow the running sum (a panic).
        let big = Decimal::from_str("9999999999999999.99").expect("d");
        let a = buyer("张三", "11010519491231002X");
        let b = buyer("李四", &valid_id("44052419800101001"));
        let c = contract(vec![
            PartyInput {
                buyer: a.clone(),
                share: big,
            },
            PartyInput { buyer: b, share: big },
        ]);
        let e = c.validate(today()).expect_err("over 100");
        assert_eq!(e.field.as_deref(), Some("parties[0].share"));
        let c = contract(vec![PartyInput {
            buyer: a,
            share: Decimal::MAX,
        }]);
        assert_eq!(c.validate(today()).expect_err("MAX").field.as_deref(), Some("parties[0].share"));
        let passport = BuyerInput {
            id_type: IdType::Passport,
            id_number: "Ｅ１２３４５６７８".into(),
            ..buyer("Smith", "")
        };
        assert_eq!(passport.validate(today()).expect("folded").id_number, "E12345678");
    }

    #[test]
    fn shares_must_sum_to_100() {
        let a = buyer("张三", "11010519491231002X");
        let b = buyer("李四", &valid_id("44052419800101001"));
        let ok = contract(vec![
            PartyInput {
                buyer: a.clone(),
                share: d("50"),
            },
            PartyInput {
                buyer: b.clone(),
                share: d("50.00"),
            },
        ]);
        assert!(ok.validate(today()).is_ok());
        let bad = contract(vec![
            PartyInput { buyer: a, share: d("50") },
            PartyInput {
                buyer: b,
                share: d("49.99"),
            },
        ]);
        let e = bad.validate(today()).expect_err("99.99%");
        assert_eq!(e.field.as_deref(), Some("parties"));
        assert!(e.message.contains("99.99"));
    }

    #[test]
    fn party_errors_name_the_party() {
        let bad = contract(vec![
            PartyInput {
                buyer: buyer("张三", "11010519491231002X"),
                share: d("60"),
            },
            PartyInput {
                buyer: buyer("李四", "110105194912310021"),
                share: d("40"),
            }, // wrong check digit
        ]);
        let e = bad.validate(today()).expect_err("checksum");
        assert_eq!(e.field.as_deref(), Some("parties[1].buyer.id_number"));
    }

    #[test]
    fn price_must_be_positive_two_places() {
        let mut c = contract(vec![PartyInput {
            buyer: buyer("张三", "11010519491231002X"),
            share: d("100"),
        }]);
        c.total_price = d("-1");
        assert_eq!(c.validate(today()).expect_err("neg").field.as_deref(), Some("total_price"));
        c.total_price = d("1.001");
        assert_eq!(c.validate(today()).expect_err("3dp").field.as_deref(), Some("total_price"));
    }

    #[test]
    fn codes_and_labels_parse() {
        assert_eq!(PropertyType::parse_text("住宅"), Some(PropertyType::Residential));
        assert_eq!(PropertyType::parse_text("parking"), Some(PropertyType::Parking));
        assert_eq!(PropertyType::parse_text("别墅"), None);
        assert_eq!(UnitStatus::parse("sold"), Some(UnitStatus::Sold));
    }

    #[test]
    fn query_limits_are_clamped() {
        let q = UnitQuery {
            page: 0,
            page_size: 0,
            ..Default::default()
        };
        assert_eq!(q.limits(), (50, 0));
        let q = UnitQuery {
            page: 3,
            page_size: 5000,
            ..Default::default()
        };
        assert_eq!(q.limits(), (1000, 2000));
    }
}

/// A user as lists show it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: crate::role::Role,
    pub active: bool,
}

/// One line of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 instant.
    pub at: String,
    pub username: String,
    pub entity: String,
    pub entity_id: i64,
    /// create / update / cancel / import / undo_import / ...
    pub action: String,
    /// JSON of the record before the change (none for a creation).
    pub before: Option<String>,
    /// JSON of the record after the change (none for a deletion).
    pub after: Option<String>,
}

/// An import as the import history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub unit_count: i64,
    pub contract_count: i64,
    pub username: String,
    pub created_at: String,
    pub undone_at: Option<String>,
}

/// The outcome of an import: written (with counts), or refused with every row-level problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported { import_id: i64, units: i64, contracts: i64 },
    Rejected { errors: Vec<crate::sheet::RowError> },
}

/// What the audit log keeps of a contract: no ID numbers or phones, so the log itself holds no
/// personal data beyond names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractSnapshot {
    pub number: String,
    pub unit_id: i64,
    pub signed_on: NaiveDate,
    pub total_price: Decimal,
    pub unit_price: Decimal,
    pub pricing_basis: PricingBasis,
    pub payment_method: PaymentMethod,
    pub filing_status: FilingStatus,
    pub status: ContractStatus,
    /// name → share (%)
    pub parties: Vec<(String, Decimal)>,
}

impl ContractInput {
    pub fn snapshot(&self, status: ContractStatus) -> ContractSnapshot {
        ContractSnapshot {
            number: self.number.clone(),
            unit_id: self.unit_id,
            signed_on: self.signed_on,
            total_price: self.total_price,
            unit_price: self.unit_price,
            pricing_basis: self.pricing_basis,
            payment_method: self.payment_method,
            filing_status: self.filing_status,
            status,
            parties: self.parties.iter().map(|p| (p.buyer.name.clone(), p.share)).collect(),
        }
    }
}

impl Contract {
    /// The contract as a form would send it back (for edits and snapshots).
    pub fn to_input(&self) -> ContractInput {
        ContractInput {
            number: self.number.clone(),
            unit_id: self.unit_id,
            signed_on: self.signed_on,
            total_price: self.total_price,
            unit_price: self.unit_price,
            pricing_basis: self.pricing_basis,
            payment_method: self.payment_method,
            filing_status: self.filing_status,
            parties: self
                .parties
                .iter()
                .map(|p| PartyInput {
                    buyer: BuyerInput {
                        name: p.buyer.name.clone(),
                        id_type: p.buyer.id_type,
                        id_number: p.buyer.id_number.clone(),
                        phone: p.buyer.phone.clone(),
                        address: p.buyer.address.clone(),
                    },
                    share: p.share,
                })
                .collect(),
        }
    }

    pub fn snapshot(&self) -> ContractSnapshot {
        self.to_input().snapshot(self.status)
    }
}
