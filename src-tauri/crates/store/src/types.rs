//! The store's public record types, shared by both backends.

use domain::inspection::{DefectInput, Inspection};
use domain::model::UserInfo;
use domain::move_in::MoveInStatus;
use domain::role::Role;
use domain::sheet::RowError;
use serde::{Deserialize, Serialize};

/// An inspection row without its defects (the service adds them).
#[derive(Debug, Clone)]
pub struct InspectionRow {
    pub inspection: Inspection,
    pub signature: Option<Vec<u8>>,
}

/// A photo to attach: already written to the photo folder by the caller.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hash: String,
    pub file_name: String,
    pub ext: String,
    pub bytes: i64,
}

/// Filled by the service after validation.
#[derive(Debug, Clone)]
pub struct NewDefect {
    pub project_id: i64,
    pub unit_id: i64,
    pub input: DefectInput,
    pub photos: Vec<NewPhoto>,
}

/// A stored floor plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloorPlan {
    pub file_name: String,
    pub image: Vec<u8>,
}

/// A stored quote as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub id: i64,
    pub contract_id: i64,
    pub request: String,
    pub quote: String,
    pub rules_version: String,
    pub created_at: String,
    pub created_by: String,
}

/// One saved version of a region's rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEdit {
    pub id: i64,
    pub region: String,
    pub toml: String,
    pub created_at: String,
    pub created_by: String,
}

/// What a quote needs from a live contract, its unit and building (for batch re-quoting).
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteBasis {
    pub contract_id: i64,
    pub contract_number: String,
    pub signed_on: chrono::NaiveDate,
    pub total_price: rust_decimal::Decimal,
    pub property_type: String,
    pub gross_area: rust_decimal::Decimal,
    pub has_elevator: bool,
    pub parties: i64,
    pub company_buyer: bool,
}

/// One quote to save in [`Store::save_fee_quotes`]: contract, request JSON, quote JSON, rule version, total in fen.
pub type NewQuote = (i64, String, String, String, i64);

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub info: UserInfo,
    pub password_hash: String,
}

/// What `create_batch` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCreated {
    pub batch_id: i64,
    pub units: i64,
    pub slots: i64,
    /// Selected units left out because they have no live contract (unsold).
    pub unsold_skipped: i64,
}

/// A setting: its text, and an image for image settings.
pub type SettingValue = (String, Option<Vec<u8>>);

/// An image kept with the letterhead: the file name it came from and its bytes (PNG or JPEG,
/// checked by the services before saving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The letterhead printed on every document; empty texts and no images until one is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub company: String,
    pub address: String,
    pub phone: String,
    pub logo: Option<StoredImage>,
    pub seal: Option<StoredImage>,
    /// When and by whom it was last saved (none: never).
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// A change to the letterhead: its texts, and for each image `None` to keep it, `Some(None)` to
/// clear it, `Some(Some(image))` to replace it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterheadChange {
    pub company: String,
    pub address: String,
    pub phone: String,
    pub logo: Option<Option<StoredImage>>,
    pub seal: Option<Option<StoredImage>>,
}

/// The unit's move-in row: batch, status, version and times.
#[derive(Debug, Clone)]
pub struct MoveInRow {
    pub unit_id: i64,
    pub batch_id: i64,
    pub batch_name: String,
    pub project_id: i64,
    pub status: MoveInStatus,
    pub hold_reason: String,
    pub version: i64,
    pub arrived_at: Option<String>,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// The result of checking a plan against the database.
pub enum ImportCheck {
    Written { import_id: i64, units: i64, contracts: i64 },
    Refused(Vec<RowError>),
}
