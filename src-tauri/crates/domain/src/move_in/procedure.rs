//! The procedure as a project configures it: steps, their prerequisites, the fees due.

use super::*;
use crate::{AppError, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
                    if *rate > MAX_MONTHLY_RATE {
                        return Err(AppError::invalid(
                            format!("fees[{i}].basis"),
                            format!("单价不能超过 {} 元/㎡·月", crate::amount::grouped(MAX_MONTHLY_RATE)),
                        ));
                    }
                }
                FeeBasis::Fixed { amount } => {
                    crate::amount::positive_2dp(&format!("fees[{i}].basis"), "金额", *amount)?;
                    if *amount > MAX_FIXED_FEE {
                        return Err(AppError::invalid(
                            format!("fees[{i}].basis"),
                            format!("金额不能超过 {} 元", crate::amount::grouped(MAX_FIXED_FEE)),
                        ));
                    }
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

/// The highest per-m² monthly fee a procedure may configure (元/㎡·月; real ones are a few yuan).
pub const MAX_MONTHLY_RATE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 2);
/// The highest fixed fee per unit a procedure may configure (元).
pub const MAX_FIXED_FEE: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

/// Amount of one configured fee for a unit: `area` the gross area charged on, `fund` the fee
/// engine's maintenance-fund line for the unit's contract. Rounded half-up to the fen. `None`
/// for the fund without a saved quote, and for a product too large to compute (a configuration
/// saved before the limits of [`ProcedureConfig::validate`]).
pub fn fee_amount(basis: &FeeBasis, area: Decimal, fund: Option<Decimal>) -> Option<Decimal> {
    match basis {
        FeeBasis::MaintenanceFund => fund,
        FeeBasis::PerAreaMonthly { rate, months } => area
            .checked_mul(*rate)?
            .checked_mul(Decimal::from(*months))
            .map(|v| v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)),
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
