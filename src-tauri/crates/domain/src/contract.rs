//! Rules about a purchase contract and the records around it that need the database's facts:
//! the store reads them inside the write's transaction, these decide and word the refusal. (The
//! unique indexes back the first two up against races: see `record::Duplicate`.)

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
