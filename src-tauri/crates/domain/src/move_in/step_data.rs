//! What each step of the procedure records, checked and summarised.

use super::*;
use crate::{AppError, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A meter's base reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MeterReading {
    pub kind: MeterKind,
    pub number: String,
    #[ts(type = "string")]
    pub reading: Decimal,
}

/// Keys of one type in the owner's key set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeySetLine {
    /// 入户门钥匙, 信箱钥匙, 门禁卡…
    pub kind: String,
    pub count: u32,
    /// One number per key or card (may be empty for keys without numbers).
    pub numbers: Vec<String>,
}

/// An amount paid at the fees step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaidItem {
    pub name: String,
    #[ts(type = "string")]
    pub amount: Decimal,
    /// Receipt or invoice number.
    pub receipt: String,
}

/// What each step records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepData {
    Identity {
        /// The owner in person, or an agent with a 委托书.
        by_agent: bool,
        agent_name: String,
        agent_id_tail: String,
        authorization_seen: bool,
    },
    Settlement {
        /// Area difference settled (+ paid by the buyer, − refunded), from the area settlement.
        #[ts(type = "string")]
        area_difference: Decimal,
        balance_cleared: bool,
        receipt: String,
    },
    Fees {
        items: Vec<PaidItem>,
    },
    Confirmation {
        signed: bool,
    },
    Documents {
        quality_guarantee: bool,
        user_manual: bool,
    },
    Meters {
        readings: Vec<MeterReading>,
    },
    Keys {
        keys: Vec<KeySetLine>,
    },
    Inspection {
        note: String,
    },
}

impl StepData {
    /// What was recorded, in one Chinese line.
    pub fn summary(&self) -> String {
        use crate::amount::grouped;
        match self {
            StepData::Identity {
                by_agent: true,
                agent_name,
                agent_id_tail,
                ..
            } => format!("代办：{agent_name}（证件尾号 {agent_id_tail}），已查验委托书"),
            StepData::Identity { .. } => "业主本人，身份证件已核验".into(),
            StepData::Settlement {
                area_difference, receipt, ..
            } => format!(
                "面积差价 {} 元，已结清{}",
                grouped(*area_difference),
                if receipt.is_empty() {
                    String::new()
                } else {
                    format!("，收据 {receipt}")
                }
            ),
            StepData::Fees { items } if items.is_empty() => "无应缴费用".into(),
            StepData::Fees { items } => items
                .iter()
                .map(|i| format!("{} {}", i.name, grouped(i.amount)))
                .collect::<Vec<_>>()
                .join("；"),
            StepData::Confirmation { .. } => "业主已签署入伙确认书".into(),
            StepData::Documents { .. } => "已交付《住宅质量保证书》《住宅使用说明书》".into(),
            StepData::Meters { readings } => readings
                .iter()
                .map(|r| format!("{} {}：{}", r.kind.label(), r.number, r.reading))
                .collect::<Vec<_>>()
                .join("；"),
            StepData::Keys { keys } => keys
                .iter()
                .map(|k| {
                    let numbers = if k.numbers.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", k.numbers.join("、"))
                    };
                    format!("{} {}{numbers}", k.kind, k.count)
                })
                .collect::<Vec<_>>()
                .join("；"),
            StepData::Inspection { note } => note.clone(),
        }
    }

    pub fn kind(&self) -> StepKind {
        match self {
            StepData::Identity { .. } => StepKind::Identity,
            StepData::Settlement { .. } => StepKind::Settlement,
            StepData::Fees { .. } => StepKind::Fees,
            StepData::Confirmation { .. } => StepKind::Confirmation,
            StepData::Documents { .. } => StepKind::Documents,
            StepData::Meters { .. } => StepKind::Meters,
            StepData::Keys { .. } => StepKind::Keys,
            StepData::Inspection { .. } => StepKind::Inspection,
        }
    }

    /// Check what the desk entered; returns it trimmed.
    ///
    /// Errors: `Invalid` naming the field (`agent_name`, `balance_cleared`, `items[0].amount`,
    /// `readings[1].reading`, `keys[0].numbers`…).
    pub fn validate(&self) -> Result<StepData> {
        let text = |field: &str, label: &str, t: &str, max: usize, required: bool| -> Result<String> {
            let t = t.trim().to_string();
            if required && t.is_empty() {
                return Err(AppError::invalid(field, format!("请填写{label}")));
            }
            if t.chars().count() > max {
                return Err(AppError::invalid(field, format!("{label}不超过 {max} 个字")));
            }
            Ok(t)
        };
        Ok(match self {
            StepData::Identity {
                by_agent,
                agent_name,
                agent_id_tail,
                authorization_seen,
            } => {
                if *by_agent {
                    if !authorization_seen {
                        return Err(AppError::invalid("authorization_seen", "代办须查验业主签字的委托书"));
                    }
                    let tail = agent_id_tail.trim().to_uppercase();
                    if tail.chars().count() != 4 || !tail.chars().all(|c| c.is_ascii_alphanumeric()) {
                        return Err(AppError::invalid("agent_id_tail", "请填写代办人证件号后 4 位"));
                    }
                    StepData::Identity {
                        by_agent: true,
                        agent_name: text("agent_name", "代办人姓名", agent_name, 30, true)?,
                        agent_id_tail: tail,
                        authorization_seen: true,
                    }
                } else {
                    StepData::Identity {
                        by_agent: false,
                        agent_name: String::new(),
                        agent_id_tail: String::new(),
                        authorization_seen: false,
                    }
                }
            }
            StepData::Settlement {
                area_difference,
                balance_cleared,
                receipt,
            } => {
                if !balance_cleared {
                    return Err(AppError::invalid("balance_cleared", "房款及面积差价结清后才能完成此步"));
                }
                crate::amount::two_places("area_difference", "面积差价", *area_difference)?;
                StepData::Settlement {
                    area_difference: *area_difference,
                    balance_cleared: true,
                    receipt: text("receipt", "收据号", receipt, 40, false)?,
                }
            }
            StepData::Fees { items } => {
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    if it.amount < Decimal::ZERO {
                        return Err(AppError::invalid(format!("items[{i}].amount"), "金额不能为负"));
                    }
                    crate::amount::two_places(&format!("items[{i}].amount"), "金额", it.amount)?;
                    out.push(PaidItem {
                        name: text(&format!("items[{i}].name"), "费用名称", &it.name, 30, true)?,
                        amount: it.amount,
                        receipt: text(&format!("items[{i}].receipt"), "收据号", &it.receipt, 40, false)?,
                    });
                }
                StepData::Fees { items: out }
            }
            StepData::Confirmation { signed } => {
                if !signed {
                    return Err(AppError::invalid("signed", "业主签字后才能完成此步"));
                }
                StepData::Confirmation { signed: true }
            }
            StepData::Documents {
                quality_guarantee,
                user_manual,
            } => {
                if !quality_guarantee || !user_manual {
                    return Err(AppError::invalid(
                        if *quality_guarantee { "user_manual" } else { "quality_guarantee" },
                        "《住宅质量保证书》和《住宅使用说明书》都交付后才能完成此步",
                    ));
                }
                StepData::Documents {
                    quality_guarantee: true,
                    user_manual: true,
                }
            }
            StepData::Meters { readings } => {
                if readings.is_empty() {
                    return Err(AppError::invalid("readings", "至少抄录一块表"));
                }
                let mut out: Vec<MeterReading> = Vec::new();
                for (i, r) in readings.iter().enumerate() {
                    let number = text(&format!("readings[{i}].number"), "表号", &r.number, 30, true)?;
                    if r.reading < Decimal::ZERO || r.reading.scale() > 3 || r.reading > Decimal::from(100_000_000) {
                        return Err(AppError::invalid(format!("readings[{i}].reading"), "读数应为非负数，最多三位小数"));
                    }
                    if out.iter().any(|o| o.kind == r.kind) {
                        return Err(AppError::invalid(format!("readings[{i}].kind"), format!("{}重复", r.kind.label())));
                    }
                    out.push(MeterReading {
                        kind: r.kind,
                        number,
                        reading: r.reading.normalize(),
                    });
                }
                StepData::Meters { readings: out }
            }
            StepData::Keys { keys } => {
                if keys.is_empty() {
                    return Err(AppError::invalid("keys", "至少登记一类钥匙"));
                }
                let mut seen: Vec<String> = Vec::new();
                let mut out = Vec::new();
                for (i, k) in keys.iter().enumerate() {
                    let kind = text(&format!("keys[{i}].kind"), "钥匙类型", &k.kind, 20, true)?;
                    if k.count == 0 || k.count > 50 {
                        return Err(AppError::invalid(format!("keys[{i}].count"), "数量应为 1–50"));
                    }
                    let numbers: Vec<String> = k
                        .numbers
                        .iter()
                        .map(|n| n.trim().to_uppercase())
                        .filter(|n| !n.is_empty())
                        .collect();
                    if !numbers.is_empty() && numbers.len() != k.count as usize {
                        return Err(AppError::invalid(
                            format!("keys[{i}].numbers"),
                            format!("{kind}填了 {} 个编号，数量却是 {}", numbers.len(), k.count),
                        ));
                    }
                    for n in &numbers {
                        if n.chars().count() > 30 {
                            return Err(AppError::invalid(format!("keys[{i}].numbers"), "钥匙编号不超过 30 个字符"));
                        }
                        if seen.contains(n) {
                            return Err(AppError::invalid(format!("keys[{i}].numbers"), format!("钥匙编号 {n} 重复")));
                        }
                        seen.push(n.clone());
                    }
                    out.push(KeySetLine {
                        kind,
                        count: k.count,
                        numbers,
                    });
                }
                StepData::Keys { keys: out }
            }
            StepData::Inspection { note } => StepData::Inspection {
                note: text("note", "验收说明", note, 200, true)?,
            },
        })
    }
}
