//! Rules about a purchase contract and the records around it that need the database's facts:
//! the store reads them inside the write's transaction, these decide and word the refusal. (The
//! unique indexes back the first two up against races: see `record::Duplicate`.)

use crate::model::UnitStatus;
use crate::AppError;

/// Refuse a contract number already used by another contract, or a second live contract on a
/// unit (`live` is the number of the unit's other live contract).
pub fn refuse_taken(number: &str, number_taken: bool, live: Option<&str>) -> Result<(), AppError> {
    if number_taken {
        return Err(AppError::conflict_on("number", format!("合同编号“{number}”已存在")));
    }
    if let Some(n) = live {
        return Err(AppError::conflict_on("unit_id", format!("该房屋已有有效合同 {n}，须先解除原合同")));
    }
    Ok(())
}

/// A unit's status follows its records: 已售 comes with a live contract, 已交付 with the move-in
/// handover, 未售 when a contract is cancelled. By hand, only 未售 ↔ 保留 (withheld from sale),
/// and only while no live contract exists. Editing a unit's areas keeps its status.
pub fn refuse_status_change(from: UnitStatus, to: UnitStatus, has_live_contract: bool) -> Result<(), AppError> {
    if from == to {
        return Ok(());
    }
    let by_hand = matches!(
        (from, to),
        (UnitStatus::Available, UnitStatus::Withheld) | (UnitStatus::Withheld, UnitStatus::Available)
    );
    if by_hand && !has_live_contract {
        return Ok(());
    }
    Err(AppError::invalid(
        "status",
        format!(
            "房屋状态不能从“{}”改为“{}”：已售随签约、未售随解除合同、已交付随入伙交付自动变化，手工只能在未售与保留之间切换",
            from.label(),
            to.label()
        ),
    ))
}

/// A delivered unit (keys handed over) keeps its contract: cancelling it would leave the owner's
/// keys and move-in records on a unit shown as 未售.
pub fn refuse_cancel_delivered(unit_status: UnitStatus) -> Result<(), AppError> {
    if unit_status == UnitStatus::Delivered {
        return Err(AppError::conflict(
            "该房屋已交付（已办理入伙、交付钥匙），不能直接解除合同；须先由主管撤销交付、收回钥匙",
        ));
    }
    Ok(())
}

/// A contract stays on its unit; moving it is cancelling and signing anew.
pub fn refuse_unit_change(from: i64, to: i64) -> Result<(), AppError> {
    if from != to {
        return Err(AppError::invalid("unit_id", "不能把合同改到另一套房屋，请解除后重新签约"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_numbers_and_live_contracts_are_refused_by_field() {
        assert!(refuse_taken("HT-1", false, None).is_ok());
        let e = refuse_taken("HT-1", true, None).expect_err("taken");
        assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("number"), "合同编号“HT-1”已存在"));
        let e = refuse_taken("HT-2", false, Some("HT-1")).expect_err("live");
        assert_eq!(e.field.as_deref(), Some("unit_id"));
        assert!(e.message.contains("HT-1"));
        assert!(refuse_unit_change(3, 3).is_ok());
        assert_eq!(refuse_unit_change(3, 4).expect_err("moved").field.as_deref(), Some("unit_id"));
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use UnitStatus::*;

    #[test]
    fn only_available_and_withheld_change_by_hand_without_a_contract() {
        for (from, to, live, ok) in [
            (Sold, Sold, true, true),
            (Available, Withheld, false, true),
            (Withheld, Available, false, true),
            (Available, Withheld, true, false),
            (Sold, Available, true, false),
            (Available, Delivered, false, false),
            (Available, Sold, false, false),
            (Delivered, Sold, true, false),
        ] {
            let r = refuse_status_change(from, to, live);
            assert_eq!(r.is_ok(), ok, "{from:?} → {to:?} (live {live})");
            if let Err(e) = r {
                assert_eq!(e.field.as_deref(), Some("status"));
            }
        }
        assert!(refuse_cancel_delivered(Delivered).is_err());
        assert!(refuse_cancel_delivered(Sold).is_ok());
    }
}
