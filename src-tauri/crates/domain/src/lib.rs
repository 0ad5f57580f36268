//! HandoverDesk domain: the records every capability refers to (projects, buildings, units, buyers,
//! purchase contracts), their validation at the boundary, roles and permissions, masking of personal
//! data, and the spreadsheet (房源表 / 买受人表) import and export formats.
//!
//! Nothing here touches a database, a clock or a window: time comes in as arguments.

pub mod amount;
pub mod audit;
pub mod backup;
pub mod contract;
pub mod decode;
pub mod error;
pub mod id_number;
pub mod image;
pub mod import_check;
pub mod inspection;
pub mod mask;
pub mod model;
pub mod move_in;
pub mod office_time;
pub mod phone;
pub mod record;
pub mod role;
pub mod sample;
pub mod session;
pub mod sheet;
pub mod text;
pub mod unit_label;

pub use error::{AppError, ErrorCode, Result};

#[cfg(test)]
mod code_tests {
    /// Every stored code is also the enum's JSON name, so the UI's label tables (keyed by code)
    /// and the values crossing IPC (serde names) agree.
    #[test]
    fn stored_codes_equal_serde_names() {
        macro_rules! check {
            ($($t:ty),+) => {$(
                for v in <$t>::ALL {
                    let json = serde_json::to_string(v).expect("json");
                    assert_eq!(json, format!("\"{}\"", v.as_str()), "{}", stringify!($t));
                }
            )+};
        }
        use crate::inspection::*;
        use crate::model::*;
        use crate::move_in::*;
        check!(
            InspectionKind,
            ItemResult,
            Severity,
            DefectStatus,
            DefectAction,
            PropertyType,
            UnitStatus,
            IdType,
            PricingBasis,
            PaymentMethod,
            FilingStatus,
            ContractStatus,
            MoveInStatus,
            AppointmentStatus,
            DeliveryChannel,
            StepKind,
            MeterKind,
            KeyHolder,
            KeyAction
        );
    }
}
