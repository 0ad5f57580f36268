//! Move-in (入伙 / 集中交付): batches of units with dated appointment slots, bookings, notice
//! delivery, the per-unit procedure (steps with dependencies and recorded data), and key sets.
//!
//! The rules here are pure: which step is blocked and why, what a step's data must contain, what
//! a unit's status becomes, which slots a plan makes. The store enforces what needs the database
//! (quotas, one booking per unit, key numbers unique) inside its transactions.

use crate::model::code_enum;
use crate::{AppError, Result};
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
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

impl StepKind {
    /// The steps that must be done first (when they are enabled for the project).
    pub fn requires(self) -> &'static [StepKind] {
        use StepKind::*;
        match self {
            Identity | Inspection => &[],
            Settlement | Fees | Meters => &[Identity],
            Confirmation => &[Settlement, Fees],
            Documents => &[Confirmation],
            Keys => &[Confirmation, Meters],
        }
    }

    /// What the desk is told while this step is not done ("面积差价未结清").
    pub fn pending_text(self) -> &'static str {
        use StepKind::*;
        match self {
            Identity => "业主身份未核验",
            Settlement => "房款及面积差价未结清",
            Fees => "入伙费用未缴清",
            Confirmation => "入伙确认书未签署",
            Documents => "两书未交付",
            Meters => "表底数未抄录",
            Keys => "钥匙未移交",
            Inspection => "交房验收未完成",
        }
    }
}

/// One step as configured for a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepConfig {
    pub kind: StepKind,
    pub enabled: bool,
}

/// How an amount due at move-in is computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeeBasis {
    /// The 专项维修资金 line of the contract's fee quote (fee engine, region rules).
    MaintenanceFund,
    /// Per m² of (surveyed, else forecast) gross area per month, for `months` months.
    PerAreaMonthly {
        #[ts(type = "string")]
        rate: Decimal,
        months: u32,
    },
    /// A fixed amount per unit.
    Fixed {
        #[ts(type = "string")]
        amount: Decimal,
    },
}

/// An amount collected at move-in, as configured for a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeeItemConfig {
    pub name: String,
    pub basis: FeeBasis,
}

/// A project's move-in procedure: which steps, which fees, what owners bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProcedureConfig {
    pub steps: Vec<StepConfig>,
    pub fees: Vec<FeeItemConfig>,
    pub documents: Vec<String>,
}

impl Default for ProcedureConfig {
    /// The customer-service handbook's procedure: every step; the maintenance fund and three months
    /// of property fees at 3.50 元/㎡·月.
    fn default() -> Self {
        ProcedureConfig {
            steps: StepKind::ALL.iter().map(|k| StepConfig { kind: *k, enabled: true }).collect(),
            fees: vec![
                FeeItemConfig {
                    name: "专项维修资金".into(),
                    basis: FeeBasis::MaintenanceFund,
                },
                FeeItemConfig {
                    name: "首期物业服务费（3个月）".into(),
                    basis: FeeBasis::PerAreaMonthly {
                        rate: Decimal::new(350, 2),
                        months: 3,
                    },
                },
            ],
            documents: vec![
                "入伙通知书".into(),
                "业主身份证原件及复印件（共有人均需到场或出具委托书）".into(),
                "商品房买卖合同原件".into(),
                "购房款、面积差价结清凭证".into(),
                "代办人：业主签字的委托书及代办人身份证原件".into(),
            ],
        }
    }
}

impl ProcedureConfig {
    pub fn enabled(&self, kind: StepKind) -> bool {
        self.steps.iter().any(|s| s.kind == kind && s.enabled)
    }

    /// Check a configuration sent by a manager.
    ///
    /// Errors: `Invalid` naming `steps`, `fees[i].name`, `fees[i].basis`, `documents`.
    pub fn validate(&self) -> Result<ProcedureConfig> {
        let mut steps = Vec::new();
        for k in StepKind::ALL {
            let enabled = self.steps.iter().find(|s| s.kind == *k).map(|s| s.enabled).unwrap_or(false);
            steps.push(StepConfig { kind: *k, enabled });
        }
        if !steps.iter().any(|s| s.enabled) {
            return Err(AppError::invalid("steps", "至少启用一个办理步骤"));
        }
        let mut fees = Vec::new();
        for (i, f) in self.fees.iter().enumerate() {
            let name = f.name.trim().to_string();
            if name.is_empty() || name.chars().count() > 30 {
                return Err(AppError::invalid(format!("fees[{i}].name"), "费用名称不能为空，且不超过 30 个字"));
            }
            match &f.basis {
                FeeBasis::PerAreaMonthly { rate, months } => {
                    if *rate <= Decimal::ZERO || rate.scale() > 2 || *months == 0 || *months > 36 {
                        return Err(AppError::invalid(format!("fees[{i}].basis"), "单价应为正数（两位小数），月数 1–36"));
                    }
                }
                FeeBasis::Fixed { amount } => {
                    crate::amount::positive_2dp(&format!("fees[{i}].basis"), "金额", *amount)?;
                }
                FeeBasis::MaintenanceFund => {}
            }
            fees.push(FeeItemConfig {
                name,
                basis: f.basis.clone(),
            });
        }
        let documents: Vec<String> = self
            .documents
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        if documents.iter().any(|d| d.chars().count() > 60) {
            return Err(AppError::invalid("documents", "每项资料不超过 60 个字"));
        }
        Ok(ProcedureConfig { steps, fees, documents })
    }

    /// Why `kind` cannot be done yet, given the steps already done: the first enabled prerequisite
    /// not done, as the desk shows it ("房款及面积差价未结清").
    pub fn blocked_by(&self, kind: StepKind, done: &[StepKind]) -> Option<&'static str> {
        kind.requires()
            .iter()
            .find(|r| self.enabled(**r) && !done.contains(r))
            .map(|r| r.pending_text())
    }

    /// The status a unit's done steps give it (暂缓 is set by hand and kept apart).
    pub fn status(&self, done: &[StepKind]) -> MoveInStatus {
        let enabled: Vec<StepKind> = self.steps.iter().filter(|s| s.enabled).map(|s| s.kind).collect();
        if !enabled.is_empty() && enabled.iter().all(|k| done.contains(k)) {
            MoveInStatus::Delivered
        } else if done.is_empty() {
            MoveInStatus::NotStarted
        } else {
            MoveInStatus::InProgress
        }
    }
}

/// Amount of one configured fee for a unit: `area` the gross area charged on, `fund` the fee
/// engine's maintenance-fund line for the unit's contract. Rounded half-up to the fen.
pub fn fee_amount(basis: &FeeBasis, area: Decimal, fund: Option<Decimal>) -> Option<Decimal> {
    match basis {
        FeeBasis::MaintenanceFund => fund,
        FeeBasis::PerAreaMonthly { rate, months } => {
            Some((area * *rate * Decimal::from(*months)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
        }
        FeeBasis::Fixed { amount } => Some(*amount),
    }
}

/// "建筑面积 89.50 ㎡ × 3.50 元/㎡·月 × 3 个月".
pub fn fee_basis_text(basis: &FeeBasis, area: Decimal) -> String {
    match basis {
        FeeBasis::MaintenanceFund => "按税费测算（所在地专项维修资金标准）".into(),
        FeeBasis::PerAreaMonthly { rate, months } => format!("建筑面积 {area:.2} ㎡ × {rate:.2} 元/㎡·月 × {months} 个月"),
        FeeBasis::Fixed { .. } => "每户定额".into(),
    }
}

// ───────────────────────────── batches and slots ─────────────────────────────

/// One appointment period of a day ("上午 09:00–12:00", quota 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodPlan {
    pub label: String,
    /// "09:00".
    pub starts: String,
    pub ends: String,
    pub quota: u32,
}

/// Which units of the project a batch takes: whole buildings, optionally a floor range, plus units
/// picked from the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitSelection {
    pub building_ids: Vec<i64>,
    pub floor_from: Option<i32>,
    pub floor_to: Option<i32>,
    pub unit_ids: Vec<i64>,
}

/// A batch as the planning form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchInput {
    pub project_id: i64,
    pub name: String,
    #[ts(type = "string")]
    pub first_day: NaiveDate,
    #[ts(type = "string")]
    pub last_day: NaiveDate,
    /// Where owners come ("会所一楼入伙大厅").
    pub place: String,
    /// Reception desks (windows) open.
    pub windows: u32,
    pub periods: Vec<PeriodPlan>,
    pub selection: UnitSelection,
}

/// A slot to create: a day and a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPlan {
    pub day: NaiveDate,
    pub label: String,
    pub starts: String,
    pub ends: String,
    pub quota: u32,
}

fn parse_time(field: &str, t: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| AppError::invalid(field, "时间格式应为 HH:MM，例如 09:00"))
}

impl BatchInput {
    /// Check the form; `today` refuses a batch that has already ended.
    ///
    /// Errors: `Invalid` naming `name`, `last_day`, `place`, `desks`, `periods[i].starts`…, `selection`.
    pub fn validate(&self, today: NaiveDate) -> Result<BatchInput> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(AppError::invalid("name", "批次名称不能为空，且不超过 40 个字"));
        }
        if self.last_day < self.first_day {
            return Err(AppError::invalid("last_day", "结束日期不能早于开始日期"));
        }
        if self.last_day < today {
            return Err(AppError::invalid("last_day", "结束日期已过"));
        }
        if (self.last_day - self.first_day).num_days() > 92 {
            return Err(AppError::invalid("last_day", "一个批次不超过 93 天"));
        }
        let place = self.place.trim().to_string();
        if place.chars().count() > 100 {
            return Err(AppError::invalid("place", "办理地点不超过 100 个字"));
        }
        if !(1..=50).contains(&self.windows) {
            return Err(AppError::invalid("windows", "接待窗口数应为 1–50"));
        }
        if self.periods.is_empty() {
            return Err(AppError::invalid("periods", "至少设置一个预约时段"));
        }
        let mut periods = Vec::new();
        for (i, p) in self.periods.iter().enumerate() {
            let label = p.label.trim().to_string();
            if label.is_empty() || label.chars().count() > 10 {
                return Err(AppError::invalid(
                    format!("periods[{i}].label"),
                    "时段名称不能为空，且不超过 10 个字",
                ));
            }
            let s = parse_time(&format!("periods[{i}].starts"), &p.starts)?;
            let e = parse_time(&format!("periods[{i}].ends"), &p.ends)?;
            if e <= s {
                return Err(AppError::invalid(format!("periods[{i}].ends"), "结束时间应晚于开始时间"));
            }
            if p.quota == 0 || p.quota > 1000 {
                return Err(AppError::invalid(format!("periods[{i}].quota"), "名额应为 1–1000"));
            }
            if periods.iter().any(|q: &PeriodPlan| q.label == label) {
                return Err(AppError::invalid(format!("periods[{i}].label"), "时段名称重复"));
            }
            periods.push(PeriodPlan {
                label,
                starts: s.format("%H:%M").to_string(),
                ends: e.format("%H:%M").to_string(),
                quota: p.quota,
            });
        }
        let sel = &self.selection;
        if sel.building_ids.is_empty() && sel.unit_ids.is_empty() {
            return Err(AppError::invalid("selection", "请选择楼栋或房屋"));
        }
        if let (Some(a), Some(b)) = (sel.floor_from, sel.floor_to) {
            if b < a {
                return Err(AppError::invalid("selection", "楼层范围的结束层不能低于起始层"));
            }
        }
        Ok(BatchInput {
            name,
            place,
            periods,
            ..self.clone()
        })
    }

    /// Every day × period of the batch.
    pub fn slots(&self) -> Vec<SlotPlan> {
        let mut out = Vec::new();
        let mut day = self.first_day;
        while day <= self.last_day {
            for p in &self.periods {
                out.push(SlotPlan {
                    day,
                    label: p.label.clone(),
                    starts: p.starts.clone(),
                    ends: p.ends.clone(),
                    quota: p.quota,
                });
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        out
    }
}

/// A batch as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Batch {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub name: String,
    #[ts(type = "string")]
    pub first_day: NaiveDate,
    #[ts(type = "string")]
    pub last_day: NaiveDate,
    pub place: String,
    pub windows: u32,
    pub unit_count: i64,
    pub delivered: i64,
    pub booked: i64,
}

/// A slot with its live remaining capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Slot {
    pub id: i64,
    pub batch_id: i64,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub label: String,
    pub starts: String,
    pub ends: String,
    pub quota: u32,
    pub booked: u32,
}

impl Slot {
    pub fn remaining(&self) -> u32 {
        self.quota.saturating_sub(self.booked)
    }
    /// "2026-12-05 上午 09:00–12:00".
    pub fn text(&self) -> String {
        format!("{} {} {}–{}", self.day, self.label, self.starts, self.ends)
    }
}

/// A booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Appointment {
    pub id: i64,
    pub slot_id: i64,
    pub unit_id: i64,
    pub slot_text: String,
    pub status: AppointmentStatus,
    pub booked_at: String,
    pub booked_by: String,
    pub note: String,
    pub arrived_at: Option<String>,
}

/// A record that a notice reached the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Delivery {
    pub id: i64,
    pub unit_id: i64,
    pub channel: DeliveryChannel,
    #[ts(type = "string")]
    pub delivered_on: NaiveDate,
    pub confirmed_by: String,
    pub note: String,
    pub recorded_by: String,
}

/// What the delivery form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryInput {
    pub unit_id: i64,
    pub channel: DeliveryChannel,
    #[ts(type = "string")]
    pub delivered_on: NaiveDate,
    /// Who confirmed receipt (the owner, a family member…).
    pub confirmed_by: String,
    pub note: String,
}

impl DeliveryInput {
    /// Errors: `Invalid` naming `delivered_on` (future) or `confirmed_by`.
    pub fn validate(&self, today: NaiveDate) -> Result<DeliveryInput> {
        if self.delivered_on > today {
            return Err(AppError::invalid("delivered_on", "送达日期不能晚于今天"));
        }
        let confirmed_by = self.confirmed_by.trim().to_string();
        if confirmed_by.is_empty() || confirmed_by.chars().count() > 30 {
            return Err(AppError::invalid("confirmed_by", "请填写签收/确认人（不超过 30 个字）"));
        }
        Ok(DeliveryInput {
            confirmed_by,
            note: self.note.trim().chars().take(200).collect(),
            ..self.clone()
        })
    }
}

// ───────────────────────────── the procedure ─────────────────────────────

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

/// A step done (or not yet) on a unit, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepView {
    pub kind: StepKind,
    pub enabled: bool,
    /// The reason it cannot be done yet.
    pub blocked_by: Option<String>,
    pub done: Option<StepRecord>,
}

/// A step as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepRecord {
    pub id: i64,
    pub data: StepData,
    /// One line for the desk and the audit ("面积差价 -123.45 元，已结清，收据 SJ-001").
    pub summary: String,
    pub done_at: String,
    pub done_by: String,
}

/// A unit in a batch: the desk's one screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MoveInUnit {
    pub unit_id: i64,
    pub batch_id: i64,
    pub batch_name: String,
    pub project_id: i64,
    pub project_name: String,
    pub building_name: String,
    pub number: String,
    pub floor: i32,
    #[ts(type = "string")]
    pub gross_area: Decimal,
    pub surveyed: bool,
    pub contract_number: Option<String>,
    /// Owners' names; phones and ID numbers masked unless the role may see them.
    pub owners: Vec<crate::model::Buyer>,
    pub status: MoveInStatus,
    pub hold_reason: String,
    pub version: i64,
    pub appointment: Option<Appointment>,
    pub deliveries: Vec<Delivery>,
    pub steps: Vec<StepView>,
    /// Amounts due from the project's fee configuration.
    pub amounts_due: Vec<AmountDueView>,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// An amount due at move-in for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AmountDueView {
    pub name: String,
    pub basis: String,
    /// None when it cannot be computed (no saved quote for the maintenance fund).
    #[ts(type = "string | null")]
    pub amount: Option<Decimal>,
}

/// A row of the batch's unit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchUnitRow {
    pub unit_id: i64,
    pub building_name: String,
    pub number: String,
    pub floor: i32,
    pub owner_names: String,
    pub phone_masked: String,
    pub status: MoveInStatus,
    pub slot_text: Option<String>,
    pub appointment_status: Option<AppointmentStatus>,
    pub delivered_notice: bool,
    pub steps_done: i64,
    pub version: i64,
}

// ───────────────────────────── keys ─────────────────────────────

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

// ───────────────────────────── progress board ─────────────────────────────

/// Counts for one group (a batch, a building) on the board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressRow {
    pub key: String,
    pub units: i64,
    pub booked: i64,
    pub in_progress: i64,
    pub delivered: i64,
    pub deferred: i64,
    /// 交付率, percent with one decimal ("42.5").
    pub rate: String,
}

impl ProgressRow {
    /// Fill `rate` = delivered / units × 100, one decimal, half up.
    pub fn with_rate(mut self) -> ProgressRow {
        self.rate = if self.units == 0 {
            "0.0".into()
        } else {
            let r = Decimal::from(self.delivered * 100) / Decimal::from(self.units);
            format!(
                "{:.1}",
                r.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            )
        };
        self
    }
}

/// The progress board of a project (optionally one batch) on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Board {
    pub project_id: i64,
    pub batch_id: Option<i64>,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub total: ProgressRow,
    pub arrived_today: i64,
    pub delivered_today: i64,
    /// Arrived today, not yet delivered.
    pub waiting_now: i64,
    /// Average minutes from arrival to delivery over units delivered (none yet: null).
    pub average_minutes: Option<i64>,
    pub by_batch: Vec<ProgressRow>,
    pub by_building: Vec<ProgressRow>,
    /// Deliveries per day (day, count) over the batch period.
    pub per_day: Vec<(String, i64)>,
}

#[cfg(test)]
mod tests;
