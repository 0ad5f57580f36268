//! Move-in (入伙 / 集中交付): batches of units with dated appointment slots, bookings, notice
//! delivery, the per-unit procedure (steps with dependencies and recorded data), and key sets.
//!
//! The rules here are pure: which step is blocked and why, what a step's data must contain, what
//! a unit's status becomes, which slots a plan makes. The store enforces what needs the database
//! (quotas, one booking per unit, key numbers unique) inside its transactions.

use crate::model::code_enum;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

code_enum!(
    /// 入伙状态 of a unit in a batch.
    MoveInStatus {
        NotStarted = "not_started" / "未交付",
        InProgress = "in_progress" / "办理中",
        Delivered = "delivered" / "已交付",
        Deferred = "deferred" / "暂缓",
    }
);

code_enum!(
    /// 预约状态
    AppointmentStatus {
        Booked = "booked" / "已预约",
        Arrived = "arrived" / "已到场",
        NoShow = "no_show" / "未到场",
        Cancelled = "cancelled" / "已取消",
    }
);

code_enum!(
    /// How a move-in notice reached the owner.
    DeliveryChannel {
        Mail = "mail" / "邮寄",
        Sms = "sms" / "短信",
        Phone = "phone" / "电话",
        InPerson = "in_person" / "当面送达",
    }
);

code_enum!(
    /// The steps of the move-in procedure, in their usual order at the desk.
    StepKind {
        Identity = "identity" / "核验身份",
        Settlement = "settlement" / "结清房款及面积差价",
        Fees = "fees" / "缴纳入伙费用",
        Confirmation = "confirmation" / "签署入伙确认书",
        Documents = "documents" / "交付两书",
        Meters = "meters" / "抄录表底数",
        Keys = "keys" / "移交钥匙",
        Inspection = "inspection" / "交房验收",
    }
);

code_enum!(
    /// 表类
    MeterKind {
        Water = "water" / "水表",
        Electricity = "electricity" / "电表",
        Gas = "gas" / "燃气表",
    }
);

code_enum!(
    /// Where a key is.
    KeyHolder {
        Office = "office" / "物业保管",
        Owner = "owner" / "已交业主",
        Out = "out" / "借出",
        Lost = "lost" / "遗失",
    }
);

code_enum!(
    /// A movement in the key ledger.
    KeyAction {
        Registered = "registered" / "登记入库",
        Handed = "handed" / "交付业主",
        CheckedOut = "checked_out" / "借出",
        Returned = "returned" / "归还",
        Lost = "lost" / "报失",
    }
);

mod batch;
mod board;
mod booking;
mod keys;
mod procedure;
mod step_data;
mod steps;

pub use batch::*;
pub use board::*;
pub use booking::*;
pub use keys::*;
pub use procedure::*;
pub use step_data::*;
pub use steps::*;

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
