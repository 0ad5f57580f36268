//! Mainland resident ID numbers (GB 11643-1999): 18 characters, a birth date, a mod-11 check digit.

use crate::{text, AppError, Result};
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
    CHECK.get((sum % 11) as usize).copied()
}

/// Validate a mainland ID number and return it normalised: ASCII digits, upper-case X.
///
/// What an input method types is read as meant: full-width digits and Ｘ/ｘ (`１１０１…`), and
/// spaces (U+3000 included) around the number. Any other character is refused, named in the
/// message. `today` bounds the birth date (no clock is read here).
///
/// Errors: `Invalid` naming `field`, saying whether a character, the length, the birth date or
/// the check digit is wrong.
///
/// ```
/// use chrono::NaiveDate;
/// let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// assert!(domain::id_number::validate("id_number", "11010519491231002x", today).is_ok());
/// assert_eq!(domain::id_number::validate("id_number", "１１０１０５１９４９１２３１００２ｘ", today).unwrap(), "11010519491231002X");
/// assert!(domain::id_number::validate("id_number", "110105194912310021", today).is_err());
/// ```
pub fn validate(field: &str, raw: &str, today: NaiveDate) -> Result<String> {
    let folded = text::fold(raw);
    let s = folded.trim().to_ascii_uppercase();
    if let Some(c) = s.chars().find(|c| !c.is_ascii()) {
        return Err(AppError::invalid(
            field,
            format!(
                "身份证号只能包含数字和 X，“{}”中有{}",
                text::excerpt(raw.trim(), 30),
                text::shown(c)
            ),
        ));
    }
    // ASCII from here on: one byte per character.
    if s.len() != 18 {
        return Err(AppError::invalid(
            field,
            format!("身份证号应为 18 位，“{}”为 {} 位", text::excerpt(raw.trim(), 30), s.len()),
        ));
    }
    let (body, last) = (s.get(..17).unwrap_or_default(), s.get(17..).unwrap_or_default());
    if !body.bytes().all(|c| c.is_ascii_digit()) || !last.bytes().all(|c| c.is_ascii_digit() || c == b'X') {
        return Err(AppError::invalid(field, "身份证号前 17 位须为数字，末位为数字或 X"));
    }
    let born = body.get(6..14).unwrap_or_default();
    let birth =
        NaiveDate::parse_from_str(born, "%Y%m%d").map_err(|_| AppError::invalid(field, format!("身份证号中的出生日期 {born} 无效")))?;
    if birth > today || birth < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(birth) {
        return Err(AppError::invalid(field, format!("身份证号中的出生日期 {born} 不在合理范围")));
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

    #[test]
    fn full_width_input_is_folded_and_other_characters_named() {
        // What the IME types in full-width mode, with an ideographic space around it.
        let fw = "\u{3000}１１０１０５１９４９１２３１００２ｘ\u{3000}";
        assert_eq!(validate("f", fw, today()).expect("folded"), "11010519491231002X");
        assert_eq!(
            validate("f", "１１０１０５１９４９１２３１００２Ｘ", today()).expect("Ｘ"),
            "11010519491231002X"
        );
        // 18 characters with a Chinese one at byte 17's neighbourhood used to panic.
        for raw in [
            "1101051949123100中X",
            "11010519491231002中",
            "中1010519491231002X",
            "１１０１０５１９４９１２３１００２中",
        ] {
            let e = validate("buyer.id_number", raw, today()).expect_err(raw);
            assert_eq!(e.field.as_deref(), Some("buyer.id_number"));
            assert!(e.message.contains("“中”"), "{}", e.message);
        }
        let e = validate("f", "110105194912310\u{200B}2X", today()).expect_err("zero-width space");
        assert!(e.message.contains("U+200B"), "{}", e.message);
        let e = validate("f", "１１０１０５", today()).expect_err("short");
        assert!(e.message.contains("为 6 位"), "{}", e.message);
        let long = "1".repeat(10_000);
        assert!(validate("f", &long, today()).expect_err("long").message.chars().count() < 100);
    }
}
