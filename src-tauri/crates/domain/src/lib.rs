//! HandoverDesk domain: the records every capability refers to (projects, buildings, units, buyers,
//! purchase contracts), their validation at the boundary, roles and permissions, masking of personal
//! data, and the spreadsheet (房源表 / 买受人表) import and export formats.
//!
//! Nothing here touches a database, a clock or a window: time comes in as arguments.

pub mod amount;
pub mod error;
pub mod id_number;
pub mod inspection;
pub mod mask;
pub mod model;
pub mod movein;
pub mod phone;
pub mod role;
pub mod sample;
pub mod sheet;

pub use error::{AppError, ErrorCode, Result};
