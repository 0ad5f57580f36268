//! Amounts in Chinese capitals (人民币大写) per 支付结算办法 (银发〔1997〕393号), annex
//! 正确填写票据和结算凭证的基本规定.
//!
//! Fixed choices for the optional cases, so the same amount always prints the same string:
//! - an amount ending at 元 or 角 ends with 整 (the rule allows omitting it after 角; we keep it);
//! - when 元 is zero and 角 is not (1,680.32), one 零 is written: 壹仟陆佰捌拾元零叁角贰分;
//! - a leading ten is 壹拾; negative amounts are prefixed 负; zero is 零元整.

use rust_decimal::{Decimal, RoundingStrategy};

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
const BIG_UNITS: [&str; 4] = ["", "万", "亿", "万亿"];

/// The largest amount written: 9,999,999,999,999,999.99 (below 万万亿).
pub fn max_amount() -> Decimal {
    Decimal::new(999_999_999_999_999_999, 2)
}

/// Write `amount` (rounded half away from zero to the fen) in capitals.
///
/// Errors: `None` when |amount| exceeds [`max_amount`].
///
/// ```
/// use rust_decimal::Decimal;
/// use std::str::FromStr;
/// let s = fees::capitals::write(Decimal::from_str("6007.14").unwrap()).unwrap();
/// assert_eq!(s, "陆仟零柒元壹角肆分");
/// ```
pub fn write(amount: Decimal) -> Option<String> {
    let a = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if a.abs() > max_amount() {
        return None;
    }
    let negative = a.is_sign_negative() && !a.is_zero();
    let mut a = a.abs();
    a.rescale(2);
    let fen_total = u128::try_from(a.mantissa()).ok()?;
    let yuan = fen_total / 100;
    let jiao = (fen_total / 10 % 10) as usize;
    let fen = (fen_total % 10) as usize;
    let mut out = String::new();
    if negative {
        out.push('负');
    }
    if yuan == 0 && jiao == 0 && fen == 0 {
        return Some("零元整".to_string());
    }
    if yuan > 0 {
        out.push_str(&integer(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    Some(out)
}

/// The integer part: groups of four digits with 万/亿, one 零 for any run of zeros inside.
fn integer(mut n: u128) -> String {
    let mut groups = Vec::new();
    while n > 0 {
        groups.push((n % 10_000) as usize);
        n /= 10_000;
    }
    let mut out = String::new();
    let mut pending_zero = false;
    for (gi, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        // A group below 1000 after a higher group needs a 零 in front (壹万零伍佰).
        if !out.is_empty() && (pending_zero || g < 1000) {
            out.push('零');
        }
        pending_zero = false;
        let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
        let mut zero = false;
        let mut started = false;
        for (i, &d) in digits.iter().enumerate() {
            let unit = SMALL_UNITS[3 - i];
            if d == 0 {
                zero = started;
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(DIGITS[d]);
            out.push_str(unit);
            started = true;
        }
        out.push_str(BIG_UNITS[gi]);
    }
    out
}

/// Read capitals back into an amount (for round-trip tests and checking typed-in capitals).
pub fn read(s: &str) -> Option<Decimal> {
    let (negative, s) = match s.strip_prefix('负') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.trim_end_matches(['整', '正']);
    let (yuan_part, rest) = match s.split_once('元') {
        Some((y, r)) => (y, r),
        None => ("", s),
    };
    let yuan = read_integer(yuan_part)?;
    let mut jiao = 0u128;
    let mut fen = 0u128;
    let mut d = 0u128;
    for c in rest.chars() {
        if let Some(x) = DIGITS.iter().position(|x| *x == c) {
            d = x as u128;
            continue;
        }
        match c {
            '角' => jiao = d,
            '分' => fen = d,
            _ => return None,
        }
        d = 0;
    }
    let fen_total = yuan.checked_mul(100)? + jiao * 10 + fen;
    let v = Decimal::from_i128_with_scale(i128::try_from(fen_total).ok()?, 2);
    Some(if negative { -v } else { v })
}

/// 亿 splits first (so 万亿 reads as 万 × 亿), then 万, then a four-digit section.
fn read_integer(s: &str) -> Option<u128> {
    if s.is_empty() {
        return Some(0);
    }
    if let Some(i) = s.find('亿') {
        return Some(read_integer(&s[..i])?.checked_mul(100_000_000)? + read_integer(&s[i + '亿'.len_utf8()..])?);
    }
    if let Some(i) = s.rfind('万') {
        return Some(read_integer(&s[..i])?.checked_mul(10_000)? + read_integer(&s[i + '万'.len_utf8()..])?);
    }
    let mut total = 0u128;
    let mut digit = 0u128;
    for c in s.chars() {
        if let Some(d) = DIGITS.iter().position(|x| *x == c) {
            digit = d as u128;
            continue;
        }
        let unit = match c {
            '拾' => 10,
            '佰' => 100,
            '仟' => 1000,
            _ => return None,
        };
        total += digit * unit;
        digit = 0;
    }
    Some(total + digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn w(s: &str) -> String {
        write(Decimal::from_str(s).expect("decimal")).expect("in range")
    }

    #[test]
    fn official_examples() {
        assert_eq!(w("6007.14"), "陆仟零柒元壹角肆分");
        assert_eq!(w("1680.32"), "壹仟陆佰捌拾元零叁角贰分");
        assert_eq!(w("325.04"), "叁佰贰拾伍元零肆分");
        // The official text allows 壹拾万柒仟元零伍角叁分 or 壹拾万零柒仟元伍角叁分; we write the first.
        assert_eq!(w("107000.53"), "壹拾万柒仟元零伍角叁分");
    }

    #[test]
    fn zeros_tens_and_big_units() {
        assert_eq!(w("0"), "零元整");
        assert_eq!(w("10"), "壹拾元整");
        assert_eq!(w("100000"), "壹拾万元整");
        assert_eq!(w("10005"), "壹万零伍元整");
        assert_eq!(w("1000500"), "壹佰万零伍佰元整");
        assert_eq!(w("100000000"), "壹亿元整");
        assert_eq!(w("100010000"), "壹亿零壹万元整");
        assert_eq!(w("1500000"), "壹佰伍拾万元整");
        assert_eq!(w("0.50"), "伍角整");
        assert_eq!(w("0.05"), "伍分");
        assert_eq!(w("-140000"), "负壹拾肆万元整");
        assert_eq!(w("20.30"), "贰拾元零叁角整");
        assert_eq!(w("1.005"), "壹元零壹分", "rounded half away from zero to the fen");
    }

    #[test]
    fn reads_back() {
        for s in [
            "6007.14",
            "1680.32",
            "325.04",
            "107000.53",
            "10005",
            "100010000",
            "0.05",
            "-140000.00",
            "9999999999999999.99",
        ] {
            let d = Decimal::from_str(s).expect("d");
            assert_eq!(read(&w(s)), Some(d), "{s} → {}", w(s));
        }
    }
}
