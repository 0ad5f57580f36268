//! Phone numbers: mainland mobiles (11 digits starting 1[3-9]) and fixed lines (area code + number).

use crate::{AppError, Result};

/// Validate and normalise a phone number (spaces and dashes inside a mobile are dropped).
///
/// Errors: `Invalid` naming `field`.
pub fn validate(field: &str, raw: &str) -> Result<String> {
    let t: String = raw.trim().chars().filter(|c| *c != ' ').collect();
    let digits: String = t.chars().filter(|c| *c != '-').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() {
        return Err(AppError::invalid(field, format!("电话号码“{raw}”只能包含数字和“-”")));
    }
    let b = digits.as_bytes();
    if digits.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Ok(digits);
    }
    // Fixed line: 0 + 2–3 digit area code + 7–8 digit number, optionally written with a dash.
    if b[0] == b'0' && (10..=12).contains(&digits.len()) {
        return Ok(t);
    }
    Err(AppError::invalid(
        field,
        format!("电话号码“{raw}”无效：手机号为 1 开头的 11 位数字，座机须带区号"),
    ))
}

/// The last four digits, used for searching ("尾号").
pub fn tail(phone: &str) -> String {
    let d: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    d[d.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_fixed_lines() {
        assert_eq!(validate("phone", "138 0013 8000").expect("ok"), "13800138000");
        assert_eq!(validate("phone", "020-87654321").expect("ok"), "020-87654321");
        assert!(validate("phone", "12800138000").is_err());
        assert!(validate("phone", "1380013800").is_err());
        let e = validate("buyer.phone", "abc").expect_err("letters");
        assert_eq!(e.field.as_deref(), Some("buyer.phone"));
        assert_eq!(tail("13800138000"), "8000");
    }
}
