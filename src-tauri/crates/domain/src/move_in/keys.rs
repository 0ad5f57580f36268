//! The key ledger: keys, their movements, and the holder state machine.

use super::*;
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A key in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyRecord {
    pub id: i64,
    pub project_id: i64,
    pub number: String,
    pub kind: String,
    /// The unit it opens; none for a public key (机房, 天台…).
    pub unit_id: Option<i64>,
    pub unit_label: String,
    pub label: String,
    pub holder: KeyHolder,
    /// Who has it when checked out.
    pub out_to: String,
    pub out_reason: String,
    #[ts(type = "string | null")]
    pub due_back: Option<NaiveDate>,
    pub updated_at: String,
    pub overdue_days: i64,
}

/// A movement of a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyEvent {
    pub id: i64,
    pub key_id: i64,
    pub action: KeyAction,
    pub person: String,
    pub reason: String,
    pub at: String,
    pub by: String,
}

/// Register a key the property office holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyInput {
    pub project_id: i64,
    pub number: String,
    pub kind: String,
    pub unit_id: Option<i64>,
    /// For a public key: what it opens ("2栋 电梯机房").
    pub label: String,
}

impl KeyInput {
    /// Errors: `Invalid` naming `number`, `kind`, `label`.
    pub fn validate(&self) -> Result<KeyInput> {
        let number = self.number.trim().to_uppercase();
        if number.is_empty() || number.chars().count() > 30 {
            return Err(AppError::invalid("number", "钥匙编号不能为空，且不超过 30 个字符"));
        }
        let kind = self.kind.trim().to_string();
        if kind.is_empty() || kind.chars().count() > 20 {
            return Err(AppError::invalid("kind", "钥匙类型不能为空，且不超过 20 个字"));
        }
        let label = self.label.trim().to_string();
        if self.unit_id.is_none() && label.is_empty() {
            return Err(AppError::invalid("label", "公共钥匙请写明用途（如“2栋 电梯机房”）"));
        }
        Ok(KeyInput {
            number,
            kind,
            label: label.chars().take(50).collect(),
            ..self.clone()
        })
    }
}

/// Check-out form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyCheckout {
    pub key_id: i64,
    pub person: String,
    pub reason: String,
    #[ts(type = "string")]
    pub due_back: NaiveDate,
}

impl KeyCheckout {
    /// Errors: `Invalid` naming `person`, `reason`, `due_back` (in the past).
    pub fn validate(&self, today: NaiveDate) -> Result<KeyCheckout> {
        let person = self.person.trim().to_string();
        if person.is_empty() || person.chars().count() > 30 {
            return Err(AppError::invalid("person", "请填写借用人（不超过 30 个字）"));
        }
        let reason = self.reason.trim().to_string();
        if reason.is_empty() || reason.chars().count() > 100 {
            return Err(AppError::invalid("reason", "请填写借用事由（不超过 100 个字）"));
        }
        if self.due_back < today {
            return Err(AppError::invalid("due_back", "归还日期不能早于今天"));
        }
        Ok(KeyCheckout {
            person,
            reason,
            ..self.clone()
        })
    }
}

impl KeyRecord {
    /// Days a lent key is past its due date on `today` (0 when not lent or not yet due).
    pub fn overdue_days(&self, today: NaiveDate) -> i64 {
        match (self.holder, self.due_back) {
            (KeyHolder::Out, Some(due)) => (today - due).num_days().max(0),
            _ => 0,
        }
    }

    /// A lent key past its due date on `today` (the 逾期未还 list).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!((self.holder, self.due_back), (KeyHolder::Out, Some(due)) if due < today)
    }
}

// ───────────────────────────── the holder state machine ─────────────────────────────

/// Where a key movement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPath {
    /// The key ledger screen: lend, take back, report lost.
    Ledger,
    /// The move-in procedure: handed over at the keys step, taken back when that step is undone.
    Procedure,
}

/// Where a key held by `from` goes on `action` taken on `path`.
///
/// Ledger: 物业保管 →借出→ 借出; 借出 or 遗失 →归还→ 物业保管; 物业保管 or 借出 →报失→ 遗失.
/// Procedure: 物业保管 →交付业主→ 已交业主; 已交业主 →归还 (the keys step undone)→ 物业保管.
/// 登记入库 creates a key; it moves none.
///
/// Errors: `Invalid` on `action` (not an action of this path); `Conflict` (the key is not where
/// the action needs it, both named).
pub fn key_transition(from: KeyHolder, action: KeyAction, path: KeyPath) -> Result<KeyHolder> {
    use KeyAction as A;
    use KeyHolder as H;
    let (allowed, to): (&[KeyHolder], KeyHolder) = match (path, action) {
        (KeyPath::Ledger, A::CheckedOut) => (&[H::Office], H::Out),
        (KeyPath::Ledger, A::Returned) => (&[H::Out, H::Lost], H::Office),
        (KeyPath::Ledger, A::Lost) => (&[H::Office, H::Out], H::Lost),
        (KeyPath::Procedure, A::Handed) => (&[H::Office], H::Owner),
        (KeyPath::Procedure, A::Returned) => (&[H::Owner], H::Office),
        _ => return Err(AppError::invalid("action", "不支持的钥匙操作")),
    };
    if !allowed.contains(&from) {
        return Err(AppError::conflict(format!(
            "钥匙当前状态为“{}”，不能{}",
            from.label(),
            action.label()
        )));
    }
    Ok(to)
}

/// A key's holder and, while it is lent, who has it, why and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyState {
    pub holder: KeyHolder,
    pub out_to: String,
    pub out_reason: String,
    pub due_back: Option<NaiveDate>,
}

impl KeyState {
    /// The state after a move to `holder`: the borrower's details are kept only while lent.
    pub fn after(holder: KeyHolder, person: &str, reason: &str, due_back: Option<NaiveDate>) -> KeyState {
        if holder == KeyHolder::Out {
            KeyState {
                holder,
                out_to: person.to_string(),
                out_reason: reason.to_string(),
                due_back,
            }
        } else {
            KeyState {
                holder,
                out_to: String::new(),
                out_reason: String::new(),
                due_back: None,
            }
        }
    }
}

/// A key as the store finds it by number when the keys step hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFound {
    pub id: i64,
    /// The unit it opens (none: a public key).
    pub unit_id: Option<i64>,
    /// That unit ("1栋 1-101"), or the public key's label.
    pub owner_label: String,
    pub holder: KeyHolder,
}

/// What handing over key `number` at the keys step writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// A key the ledger does not know yet: registered as handed to the owner.
    Register,
    /// A key of this unit the office holds: it moves to the owner.
    Move { key_id: i64 },
}

/// Hand key `number` to the owner of `unit_id`.
///
/// Errors: `Conflict` on `keys` when the number is another unit's (or a public) key, or the key
/// is not with the office.
pub fn hand_over(number: &str, unit_id: i64, found: Option<&KeyFound>) -> Result<Handover> {
    let Some(k) = found else {
        return Ok(Handover::Register);
    };
    if k.unit_id != Some(unit_id) {
        return Err(AppError::conflict_on(
            "keys",
            format!("钥匙编号 {number} 属于 {}，不能交给本房屋", k.owner_label),
        ));
    }
    key_transition(k.holder, KeyAction::Handed, KeyPath::Procedure)
        .map_err(|_| AppError::conflict_on("keys", format!("钥匙编号 {number} 当前状态为“{}”，不在物业处", k.holder.label())))?;
    Ok(Handover::Move { key_id: k.id })
}

/// The ledger's reason for a key handed over at move-in.
pub const HANDOVER_REASON: &str = "入伙交付";

/// The ledger's reason for a key taken back because its keys step was undone.
pub fn take_back_reason(reason: &str) -> String {
    format!("撤销交钥匙：{reason}")
}
