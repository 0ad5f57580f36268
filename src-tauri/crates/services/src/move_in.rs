//! Move-in services: letterhead settings, the project's procedure, batches and slots, bookings,
//! notice delivery, the desk's one-screen procedure, keys, the progress board, and the move-in
//! documents (one unit, or a whole batch in parallel with progress and cancel).

mod board;
mod desk;
mod documents;
mod keys;
mod letterhead;
mod planning;

use domain::move_in::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The letterhead as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LetterheadSettings {
    /// Empty: each document prints its project's name.
    pub company: String,
    pub address: String,
    pub phone: String,
    pub has_logo: bool,
    pub has_seal: bool,
}

/// What to do with an image setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ImageChange {
    Keep,
    Clear,
    /// A PNG/JPEG the user chose on the page, sent as its content (never a path to read).
    Upload(domain::image::Upload),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LetterheadInput {
    pub company: String,
    pub address: String,
    pub phone: String,
    pub logo: ImageChange,
    pub seal: ImageChange,
}

/// A project's procedure with the version the form loaded (0: the handbook default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProcedureSettings {
    pub project_id: i64,
    pub config: ProcedureConfig,
    pub version: i64,
}

/// What creating a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchCreatedView {
    pub batch: Batch,
    pub slots: i64,
    pub unsold_skipped: i64,
}

/// A batch's planning screen: the batch, its slots with remaining capacity, its units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchDetail {
    pub batch: Batch,
    pub slots: Vec<Slot>,
    pub units: Vec<BatchUnitRow>,
}

/// A document a unit can print at move-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum MoveInDoc {
    MoveInNotice,
    MoveInConfirmation,
    KeyHandover,
}

impl MoveInDoc {
    /// The document's title (also its file name's start).
    pub fn title(self) -> &'static str {
        match self {
            MoveInDoc::MoveInNotice => "入伙通知书",
            MoveInDoc::MoveInConfirmation => "入伙确认书",
            MoveInDoc::KeyHandover => "钥匙交接单",
        }
    }
}

/// One unit that could not be printed in a batch, named for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchFailure {
    pub unit: String,
    pub message: String,
}

/// What a batch print wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchPrintReport {
    /// The folder the files were written into.
    pub dir: String,
    /// Each file written, as a full path.
    pub files: Vec<String>,
    pub printed: i64,
    pub pages: i64,
    pub failures: Vec<BatchFailure>,
}
