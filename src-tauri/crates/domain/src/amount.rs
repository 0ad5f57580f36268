//! Money (yuan) and areas (m²) are exact decimals with at most two places.
//!
//! Storage keeps them as integer hundredths (fen for money, 0.01 m² for areas) so that every backend
//! sums and compares them exactly; these helpers are the only way in and out.

use crate::{AppError, Result};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Parse a decimal from user text (spreadsheet cell, form field), refusing anything but plain digits.
///
/// Errors: `Invalid` naming `field` when the text is not a number.
pub fn parse_decimal(field: &str, label: &str, text: &str) -> Result<Decimal> {
    let t = text.trim().replace(',', "");
    Decimal::from_str(&t).map_err(|_| AppError::invalid(field, format!("{label}“{text}”不是有效的数字")))
}

/// Check a value is > 0 with at most two decimal places, and return it normalised to scale 2.
///
/// Errors: `Invalid` naming `field` (e.g. "建筑面积必须大于 0").
pub fn positive_2dp(field: &str, label: &str, value: Decimal) -> Result<Decimal> {
    if value <= Decimal::ZERO {
        return Err(AppError::invalid(field, format!("{label}必须大于 0")));
    }
    two_places(field, label, value)
}

/// Check a value has at most two decimal places (trailing zeros allowed) and give it scale 2.
pub fn two_places(field: &str, label: &str, value: Decimal) -> Result<Decimal> {
    let n = value.normalize();
    if n.scale() > 2 {
        return Err(AppError::invalid(field, format!("{label}最多保留两位小数")));
    }
    let mut v = n;
    v.rescale(2);
    Ok(v)
}

/// A two-place decimal as integer hundredths (fen or 0.01 m²).
///
/// Errors: `Invalid` when the value has more than two places or does not fit in 64 bits.
pub fn to_hundredths(field: &str, value: Decimal) -> Result<i64> {
    let v = two_places(field, field, value)?;
    let m = v.mantissa(); // scale is exactly 2
    i64::try_from(m).map_err(|_| AppError::invalid(field, "数值过大"))
}

/// An amount as printed and shown: two places, thousands grouped ("1500000" → "1,500,000.00").
pub fn grouped(d: Decimal) -> String {
    let s = format!("{:.2}", d);
    let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", s.as_str()));
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

/// The total of amounts a clerk typed (empty counts as 0), as shown: [`grouped`]. The sum is
/// exact (decimals, never floats); `field` names the list, e.g. `fees`, and an item that is not an
/// amount with at most two places is refused as `fees[i]`.
///
/// Errors: `Invalid` naming `field[i]`.
pub fn total_display(field: &str, values: &[String]) -> Result<String> {
    let mut total = Decimal::ZERO;
    for (i, v) in values.iter().enumerate() {
        let name = format!("{field}[{i}]");
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let d: Decimal = v.parse().map_err(|_| AppError::invalid(name.clone(), format!("“{v}”不是金额")))?;
        total = total
            .checked_add(two_places(&name, "金额", d)?)
            .ok_or_else(|| AppError::invalid(name.clone(), "合计超出可表示的范围"))?;
    }
    Ok(grouped(total))
}

/// Integer hundredths back to a decimal with scale 2.
pub fn from_hundredths(v: i64) -> Decimal {
    Decimal::new(v, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_exact_and_name_the_bad_item() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(total_display("fees", &v(&["0.10", "0.20"])).expect("sum"), "0.30");
        assert_eq!(
            total_display("fees", &v(&["7160", "939.75", "-0.05", ""])).expect("sum"),
            "8,099.70"
        );
        assert_eq!(total_display("fees", &v(&[])).expect("empty"), "0.00");
        let e = total_display("fees", &v(&["1", "1.234"])).expect_err("three places");
        assert_eq!(e.field.as_deref(), Some("fees[1]"));
        let e = total_display("fees", &v(&["abc"])).expect_err("not an amount");
        assert_eq!(e.field.as_deref(), Some("fees[0]"));
        let max = Decimal::MAX.to_string();
        assert!(
            total_display("fees", &v(&[&max, &max])).is_err(),
            "overflow is refused, not a panic"
        );
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn round_trips_hundredths() {
        assert_eq!(to_hundredths("x", d("1500000.00")).expect("ok"), 150_000_000);
        assert_eq!(to_hundredths("x", d("89.5")).expect("ok"), 8950);
        assert_eq!(from_hundredths(8950).to_string(), "89.50");
        assert_eq!(to_hundredths("x", d("-3.1")).expect("ok"), -310);
    }

    #[test]
    fn refuses_three_places_and_non_positive() {
        let e = positive_2dp("gross_area", "建筑面积", d("89.505")).expect_err("3dp");
        assert_eq!(e.field.as_deref(), Some("gross_area"));
        assert!(e.message.contains("两位小数"));
        let e = positive_2dp("gross_area", "建筑面积", d("-1")).expect_err("negative");
        assert!(e.message.contains("必须大于 0"));
        assert!(positive_2dp("a", "a", d("0")).is_err());
        assert_eq!(positive_2dp("a", "a", d("89.500")).expect("ok").to_string(), "89.50");
    }

    #[test]
    fn parses_with_thousands_separators() {
        assert_eq!(parse_decimal("p", "总价", " 1,500,000.00 ").expect("ok"), d("1500000.00"));
        let e = parse_decimal("p", "总价", "十万").expect_err("text");
        assert_eq!(e.field.as_deref(), Some("p"));
    }
}
