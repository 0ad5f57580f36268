//! The defect workflow as a state machine: which action leads where, who may take it, and what a
//! step writes besides the new status (the fixer, the closing time, a return counted).

use super::{DefectAction, DefectStatus};
use crate::{AppError, Result};

/// Longest reason kept with a workflow step.
pub const MAX_REASON_CHARS: usize = 200;

/// What a transition needs to know about who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor<'a> {
    pub username: &'a str,
    /// A manager may decide disputes and void defects.
    pub manager: bool,
}

/// The state after `action` on a defect in `from`, or why not. `fixed_by` is who marked it fixed
/// (the four-eyes rule: that person cannot close it). A reason is required to reject, dispute,
/// decide and void.
///
/// Errors: `Conflict` for a transition the workflow does not allow or the four-eyes rule;
/// `Forbidden` for a manager's decision taken by someone else; `Invalid` on `reason`.
pub fn transition(
    from: DefectStatus,
    action: DefectAction,
    actor: &Actor<'_>,
    fixed_by: Option<&str>,
    reason: &str,
) -> Result<DefectStatus> {
    use DefectAction as A;
    use DefectStatus as S;
    let needs_reason = matches!(action, A::Reject | A::Dispute | A::Uphold | A::Dismiss | A::Void);
    if needs_reason && reason.trim().is_empty() {
        return Err(AppError::invalid("reason", format!("“{}”须填写原因", action.label())));
    }
    if matches!(action, A::Uphold | A::Dismiss | A::Void) && !actor.manager {
        return Err(AppError::forbidden());
    }
    let to = match (from, action) {
        (S::Pending, A::Assign) => S::InProgress,
        (S::InProgress, A::MarkFixed) => S::AwaitingReinspection,
        (S::AwaitingReinspection, A::Close) => {
            if fixed_by == Some(actor.username) {
                return Err(AppError::conflict("整改完成人不能自己复验关闭，请由其他人员复验"));
            }
            S::Closed
        }
        (S::AwaitingReinspection, A::Reject) => S::InProgress,
        (S::Pending | S::InProgress | S::AwaitingReinspection, A::Dispute) => S::Disputed,
        (S::Disputed, A::Uphold) => S::InProgress,
        (S::Disputed, A::Dismiss) => S::Closed,
        (s, A::Void) if s != S::Closed && s != S::Void => S::Void,
        (s, a) => return Err(AppError::conflict(format!("状态为“{}”的整改单不能“{}”", s.label(), a.label()))),
    };
    Ok(to)
}

/// The actions the workflow offers from `status` (for a manager; the service still checks the
/// role and the four-eyes rule when one is taken).
pub fn actions_from(status: DefectStatus) -> Vec<DefectAction> {
    let manager = Actor {
        username: "",
        manager: true,
    };
    DefectAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(status, *a, &manager, None, "-").is_ok())
        .collect()
}

/// One decided workflow step, as the store writes it: the status change and its effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefectStep {
    pub action: DefectAction,
    pub from: DefectStatus,
    pub to: DefectStatus,
    /// Trimmed; at most [`MAX_REASON_CHARS`].
    pub reason: String,
    /// The actor becomes the fixer, now the fix time (整改完成).
    pub records_fixer: bool,
    /// Now becomes the closing time (closed or void).
    pub closes: bool,
    /// Counted as returned once more (退回).
    pub returns: bool,
}

/// Decide a step: [`transition`] plus what it records.
///
/// Errors: as [`transition`]; `Invalid` on `reason` when longer than [`MAX_REASON_CHARS`].
pub fn step(from: DefectStatus, action: DefectAction, actor: &Actor<'_>, fixed_by: Option<&str>, reason: &str) -> Result<DefectStep> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid("reason", format!("原因不超过 {MAX_REASON_CHARS} 字")));
    }
    let to = transition(from, action, actor, fixed_by, reason)?;
    Ok(DefectStep {
        action,
        from,
        to,
        reason: reason.to_string(),
        records_fixer: action == DefectAction::MarkFixed,
        closes: !to.is_open(),
        returns: action == DefectAction::Reject,
    })
}
