//! Mainland resident ID numbers (GB 11643-1999): 18 characters, a birth date, a mod-11 check digit.

use crate::{AppError, Result};
use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character GB 11643 assigns to the first 17 digits, or `None` if they are not digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK[(sum % 11) as usize])
}

/// Validate a mainland ID number and return it normalised (upper-case X).
///
/// `today` bounds the birth date (no clock is read here).
///
/// Errors: `Invalid` naming `field`, saying whether the length, the birth date or the check digit is wrong.
///
/// ```
/// use chrono::NaiveDate;
/// let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// assert!(domain::id_number::validate("id_number", "11010519491231002x", today).is_ok());
/// assert!(domain::id_number::validate("id_number", "110105194912310021", today).is_err());
/// ```
pub fn validate(field: &str, raw: &str, today: NaiveDate) -> Result<String> {
    let s = raw.trim().to_uppercase();
    if s.chars().count() != 18 {
        return Err(AppError::invalid(
            field,
            format!("身份证号应为 18 位，“{raw}”为 {} 位", s.chars().count()),
        ));
    }
    let (body, last) = s.split_at(17);
    if !body.chars().all(|c| c.is_ascii_digit()) || !last.chars().all(|c| c.is_ascii_digit() || c == 'X') {
        return Err(AppError::invalid(field, "身份证号前 17 位须为数字，末位为数字或 X"));
    }
    let birth = NaiveDate::parse_from_str(&body[6..14], "%Y%m%d")
        .map_err(|_| AppError::invalid(field, format!("身份证号中的出生日期 {} 无效", &body[6..14])))?;
    if birth > today || birth < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(birth) {
        return Err(AppError::invalid(
            field,
            format!("身份证号中的出生日期 {} 不在合理范围", &body[6..14]),
        ));
    }
    let expected = check_char(body).ok_or_else(|| AppError::invalid(field, "身份证号格式错误"))?;
    if !last.starts_with(expected) {
        return Err(AppError::invalid(field, "身份证号校验位错误，请核对号码"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn accepts_known_valid_numbers() {
        // Example numbers from GB 11643 material; check digits computed by the standard's weights.
        assert_eq!(validate("f", "11010519491231002X", today()).expect("valid"), "11010519491231002X");
        assert_eq!(validate("f", "11010519491231002x", today()).expect("valid"), "11010519491231002X");
        let body = "33010619900307123";
        let full = format!("{body}{}", check_char(body).expect("check"));
        assert!(validate("f", &full, today()).is_ok());
    }

    #[test]
    fn refuses_wrong_checksum_date_and_length() {
        let e = validate("buyer.id_number", "110105194912310021", today()).expect_err("checksum");
        assert!(e.message.contains("校验位"));
        assert_eq!(e.field.as_deref(), Some("buyer.id_number"));
        let body = "11010519490231002"; // 31 Feb... here 1949-02-31
        let bad_date = format!("{}{}", body, check_char(body).expect("c"));
        assert!(validate("f", &bad_date, today()).expect_err("date").message.contains("出生日期"));
        let future = "11010520300101002";
        let f = format!("{}{}", future, check_char(future).expect("c"));
        assert!(validate("f", &f, today()).is_err());
        assert!(validate("f", "1101051949123100", today())
            .expect_err("len")
            .message
            .contains("18 位"));
        assert!(validate("f", "1101051949123100AB", today()).is_err());
    }
}
