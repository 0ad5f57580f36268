//! Money (yuan) and areas (m²) are exact decimals with at most two places.
//!
//! Storage keeps them as integer hundredths (fen for money, 0.01 m² for areas) so that every backend
//! sums and compares them exactly; these helpers are the only way in and out.

use crate::{AppError, Result};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Parse a decimal from user text (spreadsheet cell, form field): digits with an optional sign and
/// decimal point, thousands grouped by `,` if at all (`1,500,000.00`). What an input method types
/// is read as meant: full-width digits and punctuation (`８９．５０`, `1，500，000`) and `。` for the
/// point.
///
/// Errors: `Invalid` naming `field` when the text is not such a number (a misplaced separator such
/// as `89,50` is named as one).
pub fn parse_decimal(field: &str, label: &str, text: &str) -> Result<Decimal> {
    let shown = || crate::text::excerpt(text.trim(), 40);
    let t = number_text(text)
        .ok_or_else(|| AppError::invalid(field, format!("{label}“{}”中的千位分隔符“,”位置不对（小数点请用“.”）", shown())))?;
    let well_formed = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    well_formed
        .then(|| Decimal::from_str(&t).ok())
        .flatten()
        .ok_or_else(|| AppError::invalid(field, format!("{label}“{}”不是有效的数字", shown())))
}

/// A number as typed, in ASCII: full-width forms folded, `。` read as the point, spaces around
/// trimmed, and thousands separators dropped. `None` when a separator does not group the
/// integer part by three (`89,50`, `1,5000`, `1.000,5`). Nothing else is checked here.
pub fn number_text(text: &str) -> Option<String> {
    let t: String = crate::text::fold(text).chars().map(|c| if c == '。' { '.' } else { c }).collect();
    let t = t.trim();
    if !t.contains(',') {
        return Some(t.to_string());
    }
    let (int, rest) = t.split_at(t.find('.').unwrap_or(t.len()));
    let (sign, int) = match int.strip_prefix(['-', '+']) {
        Some(digits) => (int.get(..1).unwrap_or_default(), digits),
        None => ("", int),
    };
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let grouped = (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g));
    (grouped && !rest.contains(',')).then(|| format!("{sign}{}{rest}", int.replace(',', "")))
}

/// Amounts and areas are below 10¹⁶ in magnitude (as hundredths they fit an `i64`).
pub const MAX_ABS: Decimal = Decimal::from_parts(1_874_919_424, 2_328_306, 0, false, 0);

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
///
/// Errors: `Invalid` naming `field` for more places, or a magnitude of [`MAX_ABS`] or more (it would
/// not fit the store's integer hundredths).
pub fn two_places(field: &str, label: &str, value: Decimal) -> Result<Decimal> {
    let n = value.normalize();
    if n.abs() >= MAX_ABS {
        return Err(AppError::invalid(field, format!("{label}超出可表示的范围")));
    }
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
        let d = parse_decimal(&name, "金额", v)
            .map_err(|_| AppError::invalid(name.clone(), format!("“{}”不是金额", crate::text::excerpt(v, 40))))?;
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

    #[test]
    fn reads_what_an_input_method_types() {
        assert_eq!(parse_decimal("a", "面积", "８９．５０").expect("full-width"), d("89.50"));
        assert_eq!(parse_decimal("p", "总价", "1，500，000").expect("full-width commas"), d("1500000"));
        assert_eq!(
            parse_decimal("a", "面积", "\u{3000}89。5\u{3000}").expect("。 as the point"),
            d("89.5")
        );
        assert_eq!(parse_decimal("x", "x", "－３").expect("full-width minus"), d("-3"));
        assert_eq!(parse_decimal("x", "x", "-1,234.5").expect("signed group"), d("-1234.5"));
        for bad in [
            "89,50",
            "1,5000",
            "1.000,5",
            ",100",
            "1,,000",
            "1_000",
            "1e5",
            "",
            " ",
            "+",
            ".",
            "8９.5元",
        ] {
            let e = parse_decimal("gross_area", "面积", bad).expect_err(bad);
            assert_eq!(e.field.as_deref(), Some("gross_area"), "{bad}");
        }
        assert!(parse_decimal("a", "面积", "89,50")
            .expect_err("comma")
            .message
            .contains("千位分隔符"));
        assert_eq!(
            total_display("fees", &["１，０００".to_string(), "0.5".to_string()]).expect("sum"),
            "1,000.50"
        );
    }

    #[test]
    fn refuses_values_beyond_the_stores_range() {
        assert_eq!(MAX_ABS, d("10000000000000000"));
        assert!(two_places("x", "金额", d("9999999999999999.99")).is_ok());
        let e = two_places("x", "金额", d("10000000000000000")).expect_err("too big");
        assert!(e.message.contains("超出"), "{}", e.message);
        assert!(positive_2dp("x", "x", Decimal::MAX).is_err());
        assert!(two_places("x", "x", Decimal::MIN).is_err());
    }
}
