//! Phone numbers: mainland mobiles (11 digits starting 1[3-9]) and fixed lines (area code + number).

use crate::{text, AppError, Result};

/// Validate and normalise a phone number: a mobile becomes its 11 digits (spaces and dashes
/// dropped), a fixed line keeps its dashes. Full-width digits, dashes and spaces (what an input
/// method types in full-width mode) are read as ASCII; any other character is refused, named.
///
/// Errors: `Invalid` naming `field`.
pub fn validate(field: &str, raw: &str) -> Result<String> {
    let shown = || text::excerpt(raw.trim(), 30);
    let t: String = text::fold(raw).trim().chars().filter(|c| *c != ' ').collect();
    if let Some(c) = t.chars().find(|c| !c.is_ascii_digit() && *c != '-') {
        return Err(AppError::invalid(
            field,
            format!("电话号码“{}”只能包含数字和“-”，其中有{}", shown(), text::shown(c)),
        ));
    }
    let digits: String = t.chars().filter(|c| *c != '-').collect();
    if digits.is_empty() {
        return Err(AppError::invalid(field, format!("电话号码“{}”只能包含数字和“-”", shown())));
    }
    let second = digits.as_bytes().get(1).copied().unwrap_or(b'0');
    if digits.len() == 11 && digits.starts_with('1') && (b'3'..=b'9').contains(&second) {
        return Ok(digits);
    }
    // Fixed line: 0 + 2–3 digit area code + 7–8 digit number, optionally written with a dash.
    if digits.starts_with('0') && (10..=12).contains(&digits.len()) {
        return Ok(t);
    }
    Err(AppError::invalid(
        field,
        format!("电话号码“{}”无效：手机号为 1 开头的 11 位数字，座机须带区号", shown()),
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

    #[test]
    fn full_width_digits_and_spaces_are_read_and_other_characters_named() {
        assert_eq!(
            validate("phone", "１３８\u{3000}００１３\u{3000}８０００").expect("folded"),
            "13800138000"
        );
        assert_eq!(validate("phone", "０２０－８７６５４３２１").expect("fixed"), "020-87654321");
        let e = validate("buyer.phone", "138００１3八000").expect_err("chinese digit");
        assert_eq!(e.field.as_deref(), Some("buyer.phone"));
        assert!(e.message.contains("“八”"), "{}", e.message);
        assert!(validate("phone", "---").is_err());
        assert!(validate("phone", "1").is_err());
        assert!(validate("phone", "\u{3000}").is_err());
    }
}
